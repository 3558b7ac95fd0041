//! Crash safety and the one-writer rule, tested on the real `plansmith` binary.
//!
//! Why it exists (the issue): "A process killed at any instant loses no acknowledged edit and
//! leaves a catalog that opens and passes PRAGMA integrity_check; … A second process that opens
//! a catalog already open for writing gets a clear message (or read-only access), never a
//! silent second writer."
//!
//! How: one long deterministic script of valid changes (creates, renames to "edit-<n>",
//! descriptions, package contents, bolt-on links), each line recognisable in the catalog. It is
//! fed to `plansmith apply` in pieces; every run is SIGKILLed at a seeded random instant (before
//! the catalog is even open, right after an acknowledgement, a few microseconds into the next
//! commit, or after a random delay). After each kill the catalog is reopened with
//! `Catalog::open` and must pass `integrity_check` and `foreign_key_check`, and its content
//! must be exactly the script applied up to the last acknowledged line, or to one line beyond
//! it (a commit that landed before its `ok` was printed), and its latest undo step must be that
//! line's. The next run resumes from there, so
//! the iterations build on one file. Timings are never asserted.
//!
//! `PLANSMITH_CRASH_ITERATIONS` and `PLANSMITH_CRASH_SEED` make longer or different soak runs.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use plansmith_core::model::Side;
use plansmith_core::{Catalog, Change, EntityKind, ErrorKind, Id, PlanField};

fn plansmith() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_plansmith"));
    c.env("SOURCE_DATE_EPOCH", "1795305600").env("PLANSMITH_USER", "crash-test");
    c
}

fn new_catalog(path: &Path) {
    let o = plansmith().arg("new").arg(path).stdin(Stdio::null()).output().unwrap();
    assert!(o.status.success(), "plansmith new: {}", String::from_utf8_lossy(&o.stderr));
}

/// splitmix64, so the script and the kill points are the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The catalog content the script touches: every plan's name and description, package
/// contents and bolt-on links (with their ids, which the script predicts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct State {
    plans: BTreeMap<Id, (String, Option<String>)>,
    members: BTreeSet<(i64, i64)>,
    links: BTreeMap<i64, (i64, i64)>,
}

impl State {
    /// What applying `c` does to the state (the script only holds changes that succeed).
    fn apply(&mut self, c: &Change) {
        match c {
            Change::CreatePlan { kind, internal_name, .. } => {
                self.plans.insert(self.next_plan(*kind), (internal_name.clone(), None));
            }
            Change::SetPlanField { id, edit: PlanField::InternalName(s) } => {
                self.plans.get_mut(id).unwrap().0 = s.clone()
            }
            Change::SetPlanField { id, edit: PlanField::Description(d) } => {
                self.plans.get_mut(id).unwrap().1 = d.clone()
            }
            Change::AddServicePlan { package_plan, service_plan } => {
                assert!(self.members.insert((package_plan.n, service_plan.n)));
            }
            Change::LinkBoltOn { service_plan, bolt_on, .. } => {
                let n = self.links.len() as i64 + 1;
                self.links.insert(n, (service_plan.n, bolt_on.n));
            }
            other => unreachable!("the script has no {other:?}"),
        }
    }

    /// The id the next plan of `kind` gets (ids are row ids; the script never deletes).
    fn next_plan(&self, kind: EntityKind) -> Id {
        let last = self.plans.range(Id::new(kind, 0)..=Id::new(kind, i64::MAX)).next_back();
        Id::new(kind, last.map_or(1, |(id, _)| id.n + 1))
    }

    fn read(cat: &Catalog) -> State {
        let conn = cat.conn();
        let mut s = State::default();
        for kind in EntityKind::PLANS {
            let mut st = conn
                .prepare(&format!("SELECT id, internal_name, description FROM {} ORDER BY id", kind.table()))
                .unwrap();
            for r in st
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))
                .unwrap()
            {
                let (id, name, desc) = r.unwrap();
                s.plans.insert(Id::new(kind, id), (name, desc));
            }
        }
        let mut st = conn.prepare("SELECT package_plan, service_plan FROM package_plan_service_plan").unwrap();
        for r in st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap() {
            s.members.insert(r.unwrap());
        }
        let mut st = conn.prepare("SELECT id, service_plan, bolt_on FROM bolt_on_link").unwrap();
        for r in st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))).unwrap() {
            let (id, v) = r.unwrap();
            s.links.insert(id, v);
        }
        s
    }
}

/// A long script of valid changes on a new (empty) catalog. Every line leaves a mark that
/// only it leaves: a new name, a unique "edit-<n>" or "desc-<n>", a new membership or link.
fn script(seed: u64, len: usize) -> Vec<Change> {
    let mut rng = Rng(seed);
    let mut model = State::default();
    let mut out = Vec::with_capacity(len);
    let sides = [Side::Buy, Side::Sell];
    let mut plans: Vec<Id> = Vec::new();
    let mut of: BTreeMap<EntityKind, Vec<Id>> = BTreeMap::new();
    let mut linked: BTreeSet<(i64, i64)> = BTreeSet::new();
    for n in 0..len {
        let c = if n < 8 {
            // Something of every kind to edit, link and contain.
            let kind =
                [EntityKind::PackagePlan, EntityKind::ServicePlan, EntityKind::BoltOn, EntityKind::BoltOnAddOn][n % 4];
            Change::CreatePlan { kind, side: sides[n / 4], internal_name: format!("new-{n}") }
        } else {
            let pick = |rng: &mut Rng, v: &[Id]| v[rng.below(v.len() as u64) as usize];
            match rng.below(100) {
                0..=49 => Change::SetPlanField {
                    id: pick(&mut rng, &plans),
                    edit: PlanField::InternalName(format!("edit-{n}")),
                },
                50..=64 => Change::SetPlanField {
                    id: pick(&mut rng, &plans),
                    edit: PlanField::Description(Some(format!("desc-{n}"))),
                },
                65..=79 => {
                    let kind = EntityKind::PLANS[rng.below(4) as usize];
                    Change::CreatePlan { kind, side: sides[rng.below(2) as usize], internal_name: format!("new-{n}") }
                }
                80..=89 => {
                    let (pp, sp) =
                        (pick(&mut rng, &of[&EntityKind::PackagePlan]), pick(&mut rng, &of[&EntityKind::ServicePlan]));
                    if model.members.contains(&(pp.n, sp.n)) {
                        Change::SetPlanField { id: sp, edit: PlanField::InternalName(format!("edit-{n}")) }
                    } else {
                        Change::AddServicePlan { package_plan: pp, service_plan: sp }
                    }
                }
                _ => {
                    let (sp, bo) =
                        (pick(&mut rng, &of[&EntityKind::ServicePlan]), pick(&mut rng, &of[&EntityKind::BoltOn]));
                    if !linked.insert((sp.n, bo.n)) {
                        Change::SetPlanField { id: bo, edit: PlanField::Description(Some(format!("desc-{n}"))) }
                    } else {
                        Change::LinkBoltOn {
                            service_plan: sp,
                            bolt_on: bo,
                            behaviour: Some(plansmith_core::model::Behaviour::Optional),
                        }
                    }
                }
            }
        };
        if let Change::CreatePlan { kind, .. } = &c {
            let id = model.next_plan(*kind);
            plans.push(id);
            of.entry(id.kind).or_default().push(id);
        }
        model.apply(&c);
        out.push(c);
    }
    out
}

/// When to kill a run.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This long after the process was started (often before the catalog is open).
    Delay(Duration),
    /// Right after this many acknowledgements, plus a spin of this many microseconds (inside
    /// the next commit, with luck).
    AfterAcks(usize, u64),
}

struct Run {
    acked: Vec<String>,
    killed: bool,
}

fn reader(child: &mut Child) -> mpsc::Receiver<String> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Runs `plansmith apply FILE LINES` and SIGKILLs it at `kill`. Returns every `ok` line it
/// printed (the pipe keeps what was written before the kill).
fn run_and_kill(catalog: &Path, lines: &Path, kill: KillAt) -> Run {
    let started = Instant::now();
    let mut child = plansmith()
        .arg("apply")
        .arg(catalog)
        .arg(lines)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = reader(&mut child);
    let mut acked = Vec::new();
    match kill {
        KillAt::Delay(d) => {
            while let Some(left) = d.checked_sub(started.elapsed()) {
                if left > Duration::from_micros(200) {
                    std::thread::sleep(left - Duration::from_micros(100));
                }
            }
        }
        KillAt::AfterAcks(n, spin_us) => {
            while acked.len() < n {
                match rx.recv_timeout(Duration::from_secs(20)) {
                    Ok(l) => acked.push(l),
                    Err(_) => break,
                }
            }
            let t = Instant::now();
            while t.elapsed() < Duration::from_micros(spin_us) {
                std::hint::spin_loop();
            }
        }
    }
    let _ = child.kill(); // SIGKILL on Unix; harmless if it already finished
    let status = child.wait().unwrap();
    acked.extend(rx.iter());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    #[cfg(unix)]
    let killed = std::os::unix::process::ExitStatusExt::signal(&status) == Some(9);
    #[cfg(not(unix))]
    let killed = !status.success();
    assert!(killed || status.success(), "plansmith apply failed on its own ({status}): {err}");
    Run { acked, killed }
}

#[test]
fn a_killed_apply_loses_no_acknowledged_edit() {
    let iterations: usize = std::env::var("PLANSMITH_CRASH_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let seed: u64 = std::env::var("PLANSMITH_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x00C0_FFEE);
    let began = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("crash.plansmith");
    new_catalog(&catalog);

    let script = script(seed, 400 * iterations.max(10));
    let mut rng = Rng(seed ^ 0x5EED);
    let mut applied = 0usize; // script lines in the catalog
    let mut state = State::default(); // the script applied up to `applied`
    let (mut extra, mut early, mut total_acked) = (0, 0, 0);
    for it in 0..iterations {
        if applied == script.len() {
            break;
        }
        // The rest of the script, or a piece of it longer than any run gets through.
        let piece = &script[applied..script.len().min(applied + 1500)];
        let lines_path = dir.path().join("lines.jsonl");
        let mut f = std::fs::File::create(&lines_path).unwrap();
        for c in piece {
            writeln!(f, "{}", serde_json::to_string(c).unwrap()).unwrap();
        }
        drop(f);

        let kill = match it % 4 {
            0 => KillAt::Delay(Duration::from_micros(rng.below(4000))),
            1 => KillAt::AfterAcks(1 + rng.below(40) as usize, rng.below(300)),
            2 => KillAt::AfterAcks(40 + rng.below(260) as usize, rng.below(1000)),
            _ => KillAt::Delay(Duration::from_millis(5 + rng.below(75))),
        };
        let run = run_and_kill(&catalog, &lines_path, kill);

        // The acknowledgements are "ok 1 …", "ok 2 …", … for the lines fed, in order, each
        // with the line's label and, for a create, the id the script predicts.
        let mut upto_acked = state.clone();
        for (i, line) in run.acked.iter().enumerate() {
            let c = &piece[i];
            let expected = match c {
                Change::CreatePlan { kind, .. } => {
                    format!("{} -> {}", c.label(), upto_acked.next_plan(*kind))
                }
                Change::LinkBoltOn { .. } => {
                    format!("{} -> {}", c.label(), Id::new(EntityKind::BoltOnLink, upto_acked.links.len() as i64 + 1))
                }
                _ => c.label(),
            };
            upto_acked.apply(c);
            let rest = line
                .strip_prefix(&format!("ok {} ", i + 1))
                .unwrap_or_else(|| panic!("run {it}: line {i}: unexpected output {line:?}"));
            assert_eq!(rest, expected, "run {it}: ok {} acknowledges the wrong thing", i + 1);
        }
        let acked = run.acked.len();
        total_acked += acked;
        if acked == 0 {
            early += 1;
        }

        // The file opens for writing (the dead writer's lock is gone) and is intact.
        let cat = Catalog::open(&catalog)
            .unwrap_or_else(|e| panic!("run {it} ({kill:?}): the catalog does not open after the kill: {e}"));
        let problems = cat.integrity_check().unwrap();
        assert!(problems.is_empty(), "run {it} ({kill:?}): integrity_check / foreign_key_check: {problems:?}");

        // Every acknowledged line is there, and at most one line beyond.
        let actual = State::read(&cat);
        if actual == upto_acked {
            applied += acked;
            state = upto_acked;
        } else {
            assert!(acked < piece.len(), "run {it}: the whole piece was acknowledged but the catalog differs");
            let mut one_more = upto_acked.clone();
            one_more.apply(&piece[acked]);
            assert!(
                actual == one_more,
                "run {it} ({kill:?}, killed: {}): after {acked} acknowledged line(s) the catalog is neither the script up to line {} nor one line further (line {}: {:?})",
                run.killed,
                applied + acked,
                applied + acked + 1,
                piece[acked]
            );
            applied += acked + 1;
            state = one_more;
            extra += 1;
        }
        // The undo step of the last change landed with it (same transaction).
        if applied > 0 {
            let (undo, redo) = cat.undo_redo_labels().unwrap();
            assert_eq!(
                undo.map(|s| s.label),
                Some(script[applied - 1].label()),
                "run {it}: the undo history and the content disagree"
            );
            assert!(redo.is_none());
        }
        drop(cat);
    }
    eprintln!(
        "crash test: {iterations} kills, {total_acked} acknowledged edits, {applied} script lines in the catalog, {extra} commit(s) that landed unacknowledged, {early} run(s) killed before any acknowledgement, {:.1} s",
        began.elapsed().as_secs_f64()
    );
    assert!(applied > 0, "no run got as far as one edit; the kill points are too early");
}

#[test]
fn a_second_writer_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.plansmith");
    new_catalog(&path);

    // In one process: the second open for writing fails, a read-only open works.
    let first = Catalog::open(&path).unwrap();
    let e = Catalog::open(&path).err().expect("a second writer must be refused");
    assert_eq!(e.kind(), ErrorKind::Locked, "{e}");
    assert!(e.message().contains("already open for writing"), "{e}");
    let ro = Catalog::open_read_only(&path).expect("read-only access while another writer is open");
    assert!(ro.is_read_only());
    ro.settings().unwrap();
    drop(ro);
    drop(first);
    drop(Catalog::open(&path).expect("writable again once the first writer closed"));

    // Across processes: a first `plansmith apply -` holds the catalog while it waits for more
    // input; a second one is refused, and its change is not applied.
    let mut first = plansmith()
        .arg("apply")
        .arg(&path)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = first.stdin.take().unwrap();
    let rx = reader(&mut first);
    let create =
        Change::CreatePlan { kind: EntityKind::ServicePlan, side: Side::Buy, internal_name: "first writer".into() };
    writeln!(stdin, "{}", serde_json::to_string(&create).unwrap()).unwrap();
    stdin.flush().unwrap();
    let ok = rx.recv_timeout(Duration::from_secs(30)).expect("the first writer acknowledges its change");
    assert!(ok.starts_with("ok 1 "), "{ok}");

    let mut second = plansmith()
        .arg("apply")
        .arg(&path)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let intruder =
        Change::CreatePlan { kind: EntityKind::ServicePlan, side: Side::Buy, internal_name: "second writer".into() };
    let mut s2 = second.stdin.take().unwrap();
    let _ = writeln!(s2, "{}", serde_json::to_string(&intruder).unwrap()); // it may already have exited
    drop(s2);
    let o = second.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "the second writer must fail; stdout: {}", String::from_utf8_lossy(&o.stdout));
    assert!(err.contains("already open for writing"), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty(), "the second writer acknowledged something: {}", String::from_utf8_lossy(&o.stdout));

    // Read-only commands still work meanwhile (exit 0 or 1: ran, with or without errors).
    let o = plansmith().arg("check").arg(&path).stdin(Stdio::null()).output().unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "check while locked: {}", String::from_utf8_lossy(&o.stderr));

    // The first writer is still fine and finishes normally.
    let rename = Change::SetPlanField {
        id: Id::new(EntityKind::ServicePlan, 1),
        edit: PlanField::Description(Some("still writing".into())),
    };
    writeln!(stdin, "{}", serde_json::to_string(&rename).unwrap()).unwrap();
    drop(stdin);
    assert!(first.wait().unwrap().success());
    let acks: Vec<String> = rx.iter().collect();
    assert_eq!(acks.len(), 1, "{acks:?}");

    let cat = Catalog::open_read_only(&path).unwrap();
    let names: Vec<String> = {
        let mut st = cat.conn().prepare("SELECT internal_name FROM service_plan ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    assert_eq!(names, ["first writer"], "only the first writer's change is in the catalog");
}
