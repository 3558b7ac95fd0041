//! Large synthetic catalogs for benchmarks, load tests and demos of scale.
//!
//! Why it exists: the performance goals (a full check of a 100 000-entity catalog, a one-object
//! re-check after an edit, a committed edit) can only be measured on a catalog of that size,
//! and nobody keys 100 000 objects by hand. [`generate`] writes complete, valid-looking
//! structures of both articles on both sides — the bolt-on add-on structure (service and package
//! plans, BUY and SELL bolt-ons, the SELL bolt-on group, add-ons with quotas in their bolt-on's
//! add-on group, bolt-on links, BUY allowances and SELL allowances hanging off them) and the
//! shared-data structure (the data-allowance service plan with `own` billing, tail service plans
//! `pooled` on it, their packages, the customer and its sites) — so the rules have real work to
//! do and should find no errors.
//!
//! How: deterministic for a seed (a splitmix64 generator of its own, no `rand`), ids assigned
//! here (continuing after the catalog's largest ids, so it also works on a non-empty catalog),
//! and every row written with prepared statements in ONE transaction through
//! [`Catalog::record`], which is not captured for undo (the capture row is NULL outside
//! [`Catalog::change`], so the undo triggers write nothing). A generated catalog is therefore
//! one bulk load, not 100 000 undo steps, and takes seconds.

use rusqlite::{Statement, Transaction, params};

use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::store::Catalog;

/// How much to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthSpec {
    /// Bolt-on add-on structures (seed 2), each on both sides.
    pub bolt_on_structures: usize,
    /// Shared-data structures (seed 1), each with its own customer.
    pub shared_data_structures: usize,
    /// Add-ons per bolt-on (and allowances per link), 1 to 4.
    pub add_ons_per_bolt_on: usize,
    /// Tail technologies per shared-data structure (each a BUY and SELL service and package
    /// plan), 1 to 4.
    pub tails_per_shared_data: usize,
    /// Sites per customer.
    pub sites_per_customer: usize,
}

impl Default for SynthSpec {
    fn default() -> Self {
        SynthSpec {
            bolt_on_structures: 10,
            shared_data_structures: 10,
            add_ons_per_bolt_on: 3,
            tails_per_shared_data: 2,
            sites_per_customer: 8,
        }
    }
}

impl SynthSpec {
    fn k(&self) -> usize {
        self.add_ons_per_bolt_on.clamp(1, 4)
    }
    fn t(&self) -> usize {
        self.tails_per_shared_data.clamp(1, 4)
    }

    /// Entities in one bolt-on add-on structure: 4 service/package plans, 2 bolt-ons, 2k
    /// add-ons, 1 SELL group, 2 links, 2k allowances, the structure.
    pub fn entities_per_bolt_on_structure(&self) -> usize {
        4 + 2 + 2 * self.k() + 1 + 2 + 2 * self.k() + 1
    }

    /// Entities in one shared-data structure: 4 data plans, 4 per tail, the customer, its
    /// sites, the structure.
    pub fn entities_per_shared_data_structure(&self) -> usize {
        4 + 4 * self.t() + 1 + self.sites_per_customer + 1
    }

    /// The number of entities [`generate`] writes for this spec.
    pub fn n_entities(&self) -> usize {
        self.bolt_on_structures * self.entities_per_bolt_on_structure()
            + self.shared_data_structures * self.entities_per_shared_data_structure()
    }

    /// A spec of about `n_entities` entities (never fewer), half of them in each kind of
    /// structure, with the default shape.
    pub fn sized(n_entities: usize) -> SynthSpec {
        let mut s = SynthSpec { bolt_on_structures: 0, shared_data_structures: 0, ..SynthSpec::default() };
        let half = n_entities / 2;
        s.bolt_on_structures = half.div_ceil(s.entities_per_bolt_on_structure());
        s.shared_data_structures = (n_entities - half).div_ceil(s.entities_per_shared_data_structure());
        s
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynthSummary {
    pub package_plans: usize,
    pub service_plans: usize,
    pub bolt_ons: usize,
    pub bolt_on_add_ons: usize,
    pub bolt_on_groups: usize,
    pub bolt_on_links: usize,
    pub allowances: usize,
    pub customers: usize,
    pub sites: usize,
    pub structures: usize,
    /// plans + groups + links + allowances + customers + sites + structures.
    pub n_entities: usize,
    /// Every row written, including memberships, included values and quotas.
    pub n_rows: usize,
}

impl SynthSummary {
    pub fn plans(&self) -> usize {
        self.package_plans + self.service_plans + self.bolt_ons + self.bolt_on_add_ons
    }
}

/// splitmix64: tiny, fast, good enough to vary names and amounts, and stable across platforms
/// and Rust versions (a seed gives the same catalog forever).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// 0..n
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// lo..=hi
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const GB: i64 = crate::model::KB_PER_GB;

/// One kind of bolt-on structure: what the service plan bills and what the bolt-on gives.
struct Flavour {
    name: &'static str,
    service_type: &'static str,
    /// The service type is `data`: the service plans need `own` data billing (DAT-01).
    data: bool,
    category: &'static str,
    tariff: &'static str,
    iv_type: &'static str,
    /// Bolt-on allocations and add-on top-ups, in the included value type's unit.
    bolt_on_sizes: &'static [i64],
    add_on_sizes: &'static [i64],
    unit: &'static str,
    per: i64,
}

const FLAVOURS: &[Flavour] = &[
    Flavour {
        name: "Mobile",
        service_type: "MOBILE",
        data: false,
        category: "DATA",
        tariff: "MOB-DATA",
        iv_type: "kilobytes",
        bolt_on_sizes: &[2 * GB, 5 * GB, 8 * GB, 10 * GB, 20 * GB, 40 * GB],
        add_on_sizes: &[GB, 2 * GB, 5 * GB, 10 * GB],
        unit: "GB",
        per: GB,
    },
    Flavour {
        name: "Mobile",
        service_type: "MOBILE",
        data: false,
        category: "SMS",
        tariff: "MOB-SMS",
        iv_type: "units",
        bolt_on_sizes: &[50, 100, 250, 500, 1000],
        add_on_sizes: &[25, 50, 100, 200],
        unit: "SMS",
        per: 1,
    },
    Flavour {
        name: "Mobile Broadband",
        service_type: "MBB",
        data: true,
        category: "DATA",
        tariff: "MBB-DATA",
        iv_type: "kilobytes",
        bolt_on_sizes: &[10 * GB, 20 * GB, 50 * GB, 100 * GB],
        add_on_sizes: &[5 * GB, 10 * GB, 20 * GB],
        unit: "GB",
        per: GB,
    },
];

const CARRIERS: &[&str] = &["Telstra Wholesale", "Optus Wholesale", "AAPT", "Vocus", "TPG Wholesale"];
const PLAN_WORDS: &[&str] = &["Business", "Corporate", "Essentials", "Premium", "Team", "Enterprise", "Fleet", "Value"];
const BEHAVIOURS: &[&str] = &["forced_irremovable", "forced_removable", "optional"];
const BONUS: &[&str] = &["none", "at_start", "at_end"];
const COMPANY_A: &[&str] =
    &["Harbour", "Red Gum", "Southern", "Coastal", "Pacific", "Kookaburra", "Summit", "Riverina", "Banksia", "Outback"];
const COMPANY_B: &[&str] =
    &["Logistics", "Health", "Motors", "Legal", "Retail", "Engineering", "Pharmacy", "Hotels", "Dental", "Builders"];
const SUBURBS: &[&str] = &[
    "Parramatta",
    "Fitzroy",
    "Fremantle",
    "Newstead",
    "Glenelg",
    "Hobart CBD",
    "Geelong",
    "Chatswood",
    "Southport",
    "Wollongong",
    "Ballarat",
    "Toowoomba",
    "Bendigo",
    "Cairns",
    "Launceston",
    "Dandenong",
];
/// (technology, speed, monthly BUY access fee in cents)
const TAILS: &[(&str, &str, i64)] = &[
    ("NBN", "100/40 Mbps", 9900),
    ("NBN", "50/20 Mbps", 7900),
    ("Fibre", "1000/1000 Mbps", 49900),
    ("Fibre", "100/100 Mbps", 29900),
    ("SHDSL", "20/20 Mbps", 19900),
    ("ADSL", "20/1 Mbps", 5900),
];
const POOLS_GB: &[i64] = &[200, 500, 1000, 2000, 5000];
const FROM_DATES: &[&str] = &["2026-12-01", "2027-01-01", "2027-02-01", "2027-03-01"];

/// SELL price from a BUY price: a margin of 20–60 %, never below BUY (FEE-02).
fn mark_up(rng: &mut Rng, buy: i64) -> i64 {
    let pct = rng.range(120, 160);
    if buy <= 0 {
        return buy.max(0);
    }
    // Round up to whole dollars less a cent ($12.99), as retail prices are.
    let cents = (buy * pct + 99) / 100;
    (((cents + 99) / 100) * 100 - 1).max(buy)
}

/// The reference data the generator uses, put back if a user removed it.
fn ensure_reference(tx: &Transaction) -> Result<()> {
    crate::store::starter_set::seed_starter_set(tx)?;
    // The generator relies on these being what the starter set says.
    let ok: bool = tx.query_row(
        "SELECT (SELECT category FROM service_type WHERE code = 'MBB') = 'data'
            AND (SELECT category FROM service_type WHERE code = 'IPLINE') = 'data'
            AND (SELECT category FROM service_type WHERE code = 'MOBILE') != 'data'
            AND (SELECT auto_provisioned FROM service_type WHERE code = 'MOBILE') = 1
            AND (SELECT auto_provisioned FROM service_type WHERE code = 'MBB') = 1",
        [],
        |r| r.get(0),
    )?;
    if !ok {
        return Err(CoreError::conflict(
            "the catalog's service types MOBILE, MBB or IPLINE differ from the starter set; generate into a new catalog",
        ));
    }
    Ok(())
}

/// The next free id of every entity table.
struct NextIds {
    pp: i64,
    sp: i64,
    bo: i64,
    ao: i64,
    bg: i64,
    bl: i64,
    al: i64,
    cu: i64,
    si: i64,
    st: i64,
}

fn next_id(tx: &Transaction, kind: EntityKind) -> Result<i64> {
    Ok(tx.query_row(&format!("SELECT COALESCE(MAX(id), 0) + 1 FROM \"{}\"", kind.table()), [], |r| r.get(0))?)
}

fn take(n: &mut i64) -> i64 {
    let v = *n;
    *n += 1;
    v
}

/// The prepared statements, each prepared once and run for every row.
struct Stmts<'t> {
    pp: Statement<'t>,
    sp: Statement<'t>,
    sp_iv: Statement<'t>,
    pp_sp: Statement<'t>,
    bo: Statement<'t>,
    ao: Statement<'t>,
    quota: Statement<'t>,
    group: Statement<'t>,
    group_member: Statement<'t>,
    add_on_member: Statement<'t>,
    link: Statement<'t>,
    allowance: Statement<'t>,
    customer: Statement<'t>,
    site: Statement<'t>,
    structure: Statement<'t>,
    structure_member: Statement<'t>,
}

impl<'t> Stmts<'t> {
    fn new(tx: &'t Transaction) -> Result<Stmts<'t>> {
        Ok(Stmts {
            pp: tx.prepare(
                "INSERT INTO package_plan (id, side, internal_name, external_name, description, external_description, buy_counterpart,
                    setup_fee, access_fee, recurring, pro_rata, saleable_from, status, weighting)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, 'draft', ?12)",
            )?,
            sp: tx.prepare(
                "INSERT INTO service_plan (id, side, internal_name, external_name, description, service_type, buy_counterpart,
                    setup_fee, access_fee, recurring, pro_rata, saleable_from, status,
                    data_billing, billing_type, quota_kb, excess_rate, charge_in_quota, bonus_kb, pool)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, 'draft', ?12, ?13, ?14, ?15, 0, NULL, ?16)",
            )?,
            sp_iv: tx.prepare(
                "INSERT INTO service_plan_included_value (service_plan, slot, value_type, amount) VALUES (?1, ?2, ?3, ?4)",
            )?,
            pp_sp: tx.prepare(
                "INSERT INTO package_plan_service_plan (package_plan, service_plan, position) VALUES (?1, ?2, ?3)",
            )?,
            bo: tx.prepare(
                "INSERT INTO bolt_on (id, side, internal_name, external_name, description, service_type, buy_counterpart,
                    setup_fee, access_fee, recurring, pro_rata, saleable_from, status,
                    bolt_on_category, tariff, iv_type, iv_amount, first_time_fee, excess_rate)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, 'draft', ?12, ?13, ?14, ?15, ?16, ?17)",
            )?,
            ao: tx.prepare(
                "INSERT INTO bolt_on_add_on (id, side, internal_name, external_name, description, service_type, buy_counterpart,
                    setup_fee, access_fee, recurring, pro_rata, saleable_from, status,
                    bolt_on_category, tariff, iv_type, is_provisioned, provisioning_key, available_in_api, available_in_user_portal)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'draft', ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            )?,
            quota: tx.prepare(
                "INSERT INTO add_on_quota (add_on, slot, value_type, bonus_type, amount, weight) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            group: tx.prepare("INSERT INTO bolt_on_group (id, side, name, description) VALUES (?1, ?2, ?3, ?4)")?,
            group_member: tx.prepare(
                "INSERT INTO bolt_on_group_member (bolt_on_group, bolt_on, position) VALUES (?1, ?2, ?3)",
            )?,
            add_on_member: tx.prepare("INSERT INTO add_on_group_member (bolt_on, add_on, position) VALUES (?1, ?2, ?3)")?,
            link: tx.prepare("INSERT INTO bolt_on_link (id, service_plan, bolt_on, behaviour) VALUES (?1, ?2, ?3, ?4)")?,
            allowance: tx.prepare(
                "INSERT INTO allowance (id, bolt_on_link, add_on, max_occurrence, description, buy_parent) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            customer: tx.prepare("INSERT INTO customer (id, name, description, data_package) VALUES (?1, ?2, ?3, ?4)")?,
            site: tx.prepare(
                "INSERT INTO site (id, customer, name, technology, speed, service_identifier, tail_package) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            structure: tx.prepare("INSERT INTO structure (id, kind, name, customer) VALUES (?1, ?2, ?3, ?4)")?,
            structure_member: tx.prepare(
                "INSERT INTO structure_member (structure, object, role, position) VALUES (?1, ?2, ?3, ?4)",
            )?,
        })
    }
}

struct Gen<'t> {
    rng: Rng,
    next: NextIds,
    s: Stmts<'t>,
    sum: SynthSummary,
}

/// A BUY/SELL pair of ids.
#[derive(Clone, Copy)]
struct Pair {
    buy: i64,
    sell: i64,
}

/// Data billing of a service plan row: (mode, billing type, quota KB, excess rate, pool).
type Billing = (&'static str, Option<&'static str>, Option<i64>, Option<i64>, Option<i64>);
const NO_BILLING: Billing = ("none", None, None, None, None);

impl<'t> Gen<'t> {
    fn package_pair(
        &mut self,
        buy_name: &str,
        sell_name: &str,
        sp: Pair,
        setup: i64,
        access: i64,
        from: &str,
    ) -> Result<Pair> {
        let weighting = self.rng.range(1, 100);
        let pro_rata = self.rng.chance(50);
        let sell_setup = mark_up(&mut self.rng, setup);
        let sell_access = mark_up(&mut self.rng, access);
        let buy = take(&mut self.next.pp);
        self.s.pp.execute(params![
            buy,
            "BUY",
            buy_name,
            None::<String>,
            "Carrier package as bought",
            None::<String>,
            None::<i64>,
            setup,
            access,
            pro_rata,
            from,
            weighting
        ])?;
        let sell = take(&mut self.next.pp);
        self.s.pp.execute(params![
            sell,
            "SELL",
            sell_name,
            sell_name,
            "Package sold to customers",
            format!("{sell_name}: order online or via your account manager"),
            buy,
            sell_setup,
            sell_access,
            pro_rata,
            from,
            weighting
        ])?;
        self.s.pp_sp.execute(params![buy, sp.buy, 1])?;
        self.s.pp_sp.execute(params![sell, sp.sell, 1])?;
        self.sum.package_plans += 2;
        self.sum.n_rows += 4;
        Ok(Pair { buy, sell })
    }

    #[allow(clippy::too_many_arguments)]
    fn service_pair(
        &mut self,
        buy_name: &str,
        sell_name: &str,
        service_type: &str,
        access: i64,
        from: &str,
        buy_billing: Billing,
        sell_billing: impl FnOnce(&mut Rng, i64) -> Billing,
    ) -> Result<Pair> {
        let pro_rata = self.rng.chance(50);
        let buy = take(&mut self.next.sp);
        let (m, bt, q, x, p) = buy_billing;
        self.s.sp.execute(params![
            buy,
            "BUY",
            buy_name,
            None::<String>,
            "Service as bought from the carrier",
            service_type,
            None::<i64>,
            None::<i64>,
            access,
            pro_rata,
            from,
            m,
            bt,
            q,
            x,
            p
        ])?;
        let sell = take(&mut self.next.sp);
        let (m, bt, q, x, p) = sell_billing(&mut self.rng, buy);
        let sell_access = mark_up(&mut self.rng, access);
        self.s.sp.execute(params![
            sell,
            "SELL",
            sell_name,
            sell_name,
            "Service sold to customers",
            service_type,
            buy,
            None::<i64>,
            sell_access,
            pro_rata,
            from,
            m,
            bt,
            q,
            x,
            p
        ])?;
        self.sum.service_plans += 2;
        self.sum.n_rows += 2;
        Ok(Pair { buy, sell })
    }

    fn structure(&mut self, kind: &str, name: &str, customer: Option<i64>, members: &[(Id, &str)]) -> Result<()> {
        let id = take(&mut self.next.st);
        self.s.structure.execute(params![id, kind, name, customer])?;
        for (i, (object, role)) in members.iter().enumerate() {
            self.s.structure_member.execute(params![id, object.to_string(), role, i as i64 + 1])?;
        }
        self.sum.structures += 1;
        self.sum.n_rows += 1 + members.len();
        Ok(())
    }

    /// Seed 2, end to end, on both sides.
    fn bolt_on_structure(&mut self, n: i64, k: usize) -> Result<()> {
        use EntityKind::*;
        let f = self.rng.pick(FLAVOURS);
        let word = *self.rng.pick(PLAN_WORDS);
        let carrier = *self.rng.pick(CARRIERS);
        let from = *self.rng.pick(FROM_DATES);
        let plan_size = self.rng.range(2, 12) * 5;
        let plan = format!("{} {word} {plan_size}", f.name);

        // 1–2: service and package plans.
        let access = self.rng.range(15, 60) * 100 - 1;
        let billing: Billing = if f.data {
            ("own", Some("volume"), Some(plan_size * GB), Some(self.rng.range(5, 15) * 100), None)
        } else {
            NO_BILLING
        };
        let sell_billing = |rng: &mut Rng, _buy: i64| -> Billing {
            if f.data {
                let (_, bt, q, x, _) = billing;
                ("own", bt, q, x.map(|x| mark_up(rng, x)), None)
            } else {
                NO_BILLING
            }
        };
        let sp = self.service_pair(
            &format!("{carrier} {plan} #{n}"),
            &format!("{plan} #{n}"),
            f.service_type,
            access,
            from,
            billing,
            sell_billing,
        )?;
        let credit = self.rng.range(1, 10) * 1000;
        for id in [sp.buy, sp.sell] {
            self.s.sp_iv.execute(params![id, 1, "dollar", credit])?;
        }
        self.sum.n_rows += 2;
        let setup = self.rng.range(0, 5) * 1000;
        let pp_access = access;
        let pp = self.package_pair(
            &format!("{carrier} {plan} package #{n}"),
            &format!("{plan} package #{n}"),
            sp,
            setup,
            pp_access,
            from,
        )?;

        // 3–4: the bolt-on pair.
        let size = *self.rng.pick(f.bolt_on_sizes);
        let bo_label = format!("{} {} bolt-on", size / f.per, f.unit);
        let bo_fee = self.rng.range(5, 30) * 100;
        let first = if self.rng.chance(30) { Some(self.rng.range(1, 10) * 100) } else { None };
        let excess = self.rng.range(1, 15) * 100;
        let bo_buy = take(&mut self.next.bo);
        self.s.bo.execute(params![
            bo_buy,
            "BUY",
            format!("{carrier} {bo_label} #{n}"),
            None::<String>,
            "Bolt-on as bought",
            f.service_type,
            None::<i64>,
            None::<i64>,
            bo_fee,
            false,
            from,
            f.category,
            f.tariff,
            f.iv_type,
            size,
            first,
            excess
        ])?;
        let bo_sell = take(&mut self.next.bo);
        let sell_name = format!("{plan} {bo_label} #{n}");
        let sell_first = first.map(|x| mark_up(&mut self.rng, x));
        let sell_fee = mark_up(&mut self.rng, bo_fee);
        let sell_excess = mark_up(&mut self.rng, excess);
        self.s.bo.execute(params![
            bo_sell,
            "SELL",
            sell_name,
            sell_name,
            "Bolt-on sold to customers",
            f.service_type,
            bo_buy,
            None::<i64>,
            sell_fee,
            false,
            from,
            f.category,
            f.tariff,
            f.iv_type,
            size,
            sell_first,
            sell_excess
        ])?;
        self.sum.bolt_ons += 2;
        self.sum.n_rows += 2;

        // 5: the SELL bolt-on in a SELL bolt-on group.
        let group = take(&mut self.next.bg);
        self.s.group.execute(params![group, "SELL", format!("{plan} {} bolt-ons #{n}", f.unit), None::<String>])?;
        self.s.group_member.execute(params![group, bo_sell, 1])?;
        self.sum.bolt_on_groups += 1;
        self.sum.n_rows += 2;

        // 6–9: add-on pairs, each in its side's add-on group.
        let mut add_ons = Vec::with_capacity(k);
        let mut sizes: Vec<i64> = f.add_on_sizes.to_vec();
        for i in 0..k {
            let size =
                if sizes.is_empty() { (i as i64 + 1) * f.per } else { sizes.remove(self.rng.below(sizes.len())) };
            let label = format!("{} {} top-up", size / f.per, f.unit);
            let fee = self.rng.range(2, 20) * 100;
            let recurring = self.rng.chance(20);
            let pro_rata = recurring && self.rng.chance(50);
            let provisioned = self.rng.chance(40);
            let bonus = *self.rng.pick(BONUS);
            let weight = self.rng.range(1, 10);
            let buy = take(&mut self.next.ao);
            let key = provisioned.then(|| format!("{}-{}", f.tariff, buy));
            self.s.ao.execute(params![
                buy,
                "BUY",
                format!("{carrier} {label} #{n}.{}", i + 1),
                None::<String>,
                "Add-on as bought",
                f.service_type,
                None::<i64>,
                None::<i64>,
                fee,
                recurring,
                pro_rata,
                from,
                f.category,
                f.tariff,
                f.iv_type,
                provisioned,
                key,
                None::<bool>,
                None::<bool>
            ])?;
            let sell = take(&mut self.next.ao);
            let sell_name = format!("{plan} {label} #{n}.{}", i + 1);
            let api = self.rng.chance(70);
            let portal = !api || self.rng.chance(70);
            let sell_fee = mark_up(&mut self.rng, fee);
            self.s.ao.execute(params![
                sell,
                "SELL",
                sell_name,
                sell_name,
                "Add-on sold to customers",
                f.service_type,
                buy,
                None::<i64>,
                sell_fee,
                recurring,
                pro_rata,
                from,
                f.category,
                f.tariff,
                f.iv_type,
                provisioned,
                key,
                Some(api),
                Some(portal)
            ])?;
            for id in [buy, sell] {
                self.s.quota.execute(params![id, 1, f.iv_type, bonus, size, weight])?;
            }
            self.s.add_on_member.execute(params![bo_buy, buy, i as i64 + 1])?;
            self.s.add_on_member.execute(params![bo_sell, sell, i as i64 + 1])?;
            add_ons.push(Pair { buy, sell });
            self.sum.bolt_on_add_ons += 2;
            self.sum.n_rows += 6;
        }

        // 10: the links, same behaviour on both sides.
        let behaviour = *self.rng.pick(BEHAVIOURS);
        let link_buy = take(&mut self.next.bl);
        self.s.link.execute(params![link_buy, sp.buy, bo_buy, behaviour])?;
        let link_sell = take(&mut self.next.bl);
        self.s.link.execute(params![link_sell, sp.sell, bo_sell, behaviour])?;
        self.sum.bolt_on_links += 2;
        self.sum.n_rows += 2;

        // 11–12: BUY allowances, SELL allowances hanging off them (never more occurrences).
        for a in &add_ons {
            let max = self.rng.range(1, 10);
            let buy = take(&mut self.next.al);
            self.s.allowance.execute(params![buy, link_buy, a.buy, max, None::<String>, None::<i64>])?;
            let sell = take(&mut self.next.al);
            let sell_max = self.rng.range(1, max);
            let desc = self.rng.chance(30).then(|| format!("At most {sell_max} per month"));
            self.s.allowance.execute(params![sell, link_sell, a.sell, sell_max, desc, buy])?;
            self.sum.allowances += 2;
            self.sum.n_rows += 2;
        }

        let mut members = vec![
            (Id::new(PackagePlan, pp.buy), "member"),
            (Id::new(PackagePlan, pp.sell), "member"),
            (Id::new(ServicePlan, sp.buy), "member"),
            (Id::new(ServicePlan, sp.sell), "member"),
            (Id::new(BoltOn, bo_buy), "member"),
            (Id::new(BoltOn, bo_sell), "member"),
        ];
        for a in &add_ons {
            members.push((Id::new(BoltOnAddOn, a.buy), "member"));
            members.push((Id::new(BoltOnAddOn, a.sell), "member"));
        }
        self.structure("bolt_on_add_on", &format!("{plan} with {} add-ons #{n}", f.unit), None, &members)
    }

    /// Seed 1, on both sides, with one customer and its sites.
    fn shared_data_structure(&mut self, n: i64, t: usize, sites: usize) -> Result<()> {
        use EntityKind::*;
        let from = *self.rng.pick(FROM_DATES);
        let customer_name = format!("{} {} Pty Ltd #{n}", self.rng.pick(COMPANY_A), self.rng.pick(COMPANY_B));
        let pool_gb = *self.rng.pick(POOLS_GB);
        let label = if pool_gb >= 1000 { format!("{} TB", pool_gb / 1000) } else { format!("{pool_gb} GB") };

        // 1–4: the data allowance: `own` billing is the pool.
        let pool_fee = pool_gb * self.rng.range(20, 60);
        let excess = self.rng.range(5, 20) * 100;
        let own: Billing = ("own", Some("volume"), Some(pool_gb * GB), Some(excess), None);
        let data_sp = self.service_pair(
            &format!("AAPT IP-Line data pool {label} #{n}"),
            &format!("Shared data {label} #{n}"),
            "IPLINE",
            pool_fee,
            from,
            own,
            |rng, _| ("own", Some("volume"), Some(pool_gb * GB), Some(mark_up(rng, excess)), None),
        )?;
        let data_pp = self.package_pair(
            &format!("AAPT IP-Line data pool {label} package #{n}"),
            &format!("Shared data {label} package #{n}"),
            data_sp,
            0,
            pool_fee,
            from,
        )?;
        let mut members = vec![
            (Id::new(ServicePlan, data_sp.buy), "data"),
            (Id::new(ServicePlan, data_sp.sell), "data"),
            (Id::new(PackagePlan, data_pp.buy), "data"),
            (Id::new(PackagePlan, data_pp.sell), "data"),
        ];

        // 5–8: the tails, `pooled` on the data allowance of their side.
        let mut tails: Vec<(usize, i64)> = Vec::with_capacity(t);
        let mut choices: Vec<usize> = (0..TAILS.len()).collect();
        for _ in 0..t {
            let ti = choices.remove(self.rng.below(choices.len()));
            let (tech, speed, fee) = TAILS[ti];
            let name = format!("{tech} {speed} tail");
            let sp = self.service_pair(
                &format!("AAPT {name} #{n}"),
                &format!("{name} #{n}"),
                "IPLINE",
                fee,
                from,
                ("pooled", None, None, None, Some(data_sp.buy)),
                |_, _| ("pooled", None, None, None, Some(data_sp.sell)),
            )?;
            let setup = self.rng.range(0, 3) * 10000;
            let pp = self.package_pair(
                &format!("AAPT {name} package #{n}"),
                &format!("{name} package #{n}"),
                sp,
                setup,
                fee,
                from,
            )?;
            members.push((Id::new(ServicePlan, sp.buy), "tail"));
            members.push((Id::new(ServicePlan, sp.sell), "tail"));
            members.push((Id::new(PackagePlan, pp.buy), "tail"));
            members.push((Id::new(PackagePlan, pp.sell), "tail"));
            tails.push((ti, pp.sell));
        }

        // The customer orders the data package once; each site orders a tail package.
        let customer = take(&mut self.next.cu);
        self.s.customer.execute(params![
            customer,
            customer_name,
            format!("{} sites sharing {label}", sites),
            data_pp.sell
        ])?;
        self.sum.customers += 1;
        self.sum.n_rows += 1;
        for i in 0..sites {
            let (ti, tail_pp) = *self.rng.pick(&tails);
            let (tech, speed, _) = TAILS[ti];
            let id = take(&mut self.next.si);
            let suburb = self.rng.pick(SUBURBS);
            let sid = match tech {
                "NBN" => format!("AVC{id:012}"),
                "Fibre" => format!("FIB{id:09}"),
                _ => format!("N{id:010}"),
            };
            self.s.site.execute(params![
                id,
                customer,
                format!("{suburb} office {}", i + 1),
                tech,
                speed,
                sid,
                tail_pp
            ])?;
            self.sum.sites += 1;
            self.sum.n_rows += 1;
        }

        self.structure("shared_data", &format!("{customer_name} shared {label}"), Some(customer), &members)
    }
}

/// Writes `spec`'s structures into `catalog` in one transaction that is not an undo step.
/// The same spec and seed on the same catalog state give the same rows.
pub fn generate(catalog: &mut Catalog, spec: &SynthSpec, seed: u64) -> Result<SynthSummary> {
    catalog.record(|tx| {
        let capturing: Option<i64> =
            tx.query_row("SELECT history FROM history_capture WHERE id = 1", [], |r| r.get(0))?;
        if capturing.is_some() {
            return Err(CoreError::internal("synthetic generation must not run inside an undoable change"));
        }
        ensure_reference(tx)?;
        use EntityKind::*;
        let next = NextIds {
            pp: next_id(tx, PackagePlan)?,
            sp: next_id(tx, ServicePlan)?,
            bo: next_id(tx, BoltOn)?,
            ao: next_id(tx, BoltOnAddOn)?,
            bg: next_id(tx, BoltOnGroup)?,
            bl: next_id(tx, BoltOnLink)?,
            al: next_id(tx, Allowance)?,
            cu: next_id(tx, Customer)?,
            si: next_id(tx, Site)?,
            st: next_id(tx, Structure)?,
        };
        let mut g = Gen { rng: Rng(seed), next, s: Stmts::new(tx)?, sum: SynthSummary::default() };
        // Interleave the two kinds, as a real catalog grows.
        let (a, b) = (spec.bolt_on_structures, spec.shared_data_structures);
        let (mut i, mut j) = (0, 0);
        while i < a || j < b {
            // Structure numbers are the structure ids, so names stay unique across runs.
            let n = g.next.st;
            if j >= b || (i < a && i * b <= j * a) {
                g.bolt_on_structure(n, spec.k())?;
                i += 1;
            } else {
                g.shared_data_structure(n, spec.t(), spec.sites_per_customer)?;
                j += 1;
            }
        }
        let mut sum = g.sum;
        sum.n_entities = sum.plans()
            + sum.bolt_on_groups
            + sum.bolt_on_links
            + sum.allowances
            + sum.customers
            + sum.sites
            + sum.structures;
        Ok(sum)
    })
}

/// Approves every plan of `catalog` at once, in one transaction outside undo and the audit
/// log: what the export benchmarks and scale tests need (a bundle holds only approved plans),
/// where approving 120 000 generated plans one structure at a time would take minutes. A
/// consultant approves through [`Catalog::approve`], which checks and records.
pub fn approve_every_plan(catalog: &mut Catalog) -> Result<()> {
    catalog.record(|tx| {
        for kind in EntityKind::PLANS {
            tx.execute(&format!("UPDATE \"{}\" SET status = 'approved'", kind.table()), [])?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DataBillingMode, Side, Tier};
    use crate::snapshot::{Scope, Snapshot};
    use crate::store::NewCatalog;
    use crate::value::{Stamp, Timestamp};

    fn stamp() -> Stamp {
        Stamp::new("synth-test", Timestamp::from_unix_seconds(1_795_000_000))
    }

    fn new_catalog(dir: &std::path::Path, name: &str) -> Catalog {
        let new = NewCatalog {
            catalog_id: "synth-test".into(),
            name: "Synthetic".into(),
            provider: "Test Telco".into(),
            tier: Tier::Wholesale,
            currency: "AUD".into(),
        };
        Catalog::create(&dir.join(name), &new, &stamp()).unwrap()
    }

    fn count(c: &Catalog, table: &str) -> usize {
        c.conn().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get::<_, i64>(0)).unwrap() as usize
    }

    fn small() -> SynthSpec {
        SynthSpec { bolt_on_structures: 7, shared_data_structures: 5, ..SynthSpec::default() }
    }

    #[test]
    fn a_small_catalog_is_consistent_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = new_catalog(dir.path(), "a.plansmith");
        let spec = small();
        let sum = generate(&mut c, &spec, 7).unwrap();
        assert_eq!(c.integrity_check().unwrap(), Vec::<String>::new());
        assert_eq!(sum.n_entities, spec.n_entities());
        for (table, n) in [
            ("package_plan", sum.package_plans),
            ("service_plan", sum.service_plans),
            ("bolt_on", sum.bolt_ons),
            ("bolt_on_add_on", sum.bolt_on_add_ons),
            ("bolt_on_group", sum.bolt_on_groups),
            ("bolt_on_link", sum.bolt_on_links),
            ("allowance", sum.allowances),
            ("customer", sum.customers),
            ("site", sum.sites),
            ("structure", sum.structures),
        ] {
            assert_eq!(count(&c, table), n, "{table}");
        }
        // Not an undo step: the triggers captured nothing.
        assert_eq!(count(&c, "history"), 0);
        assert_eq!(count(&c, "history_entry"), 0);

        // The shape the rules expect.
        let s = Snapshot::load(c.conn(), &Scope::All).unwrap();
        for p in s.plans() {
            if p.side == Side::Sell {
                let buy = s.plan(p.buy_counterpart.expect("SELL names its BUY counterpart")).unwrap();
                assert_eq!(buy.side, Side::Buy);
                assert_eq!(buy.service_type, p.service_type);
                assert!(p.external_name.is_some());
                assert!(p.setup_fee >= buy.setup_fee && p.access_fee >= buy.access_fee, "{}", p.describe());
            }
            if let Some(sp) = p.service() {
                let st = s.service_type(p.service_type.as_deref().unwrap()).unwrap();
                if st.category == crate::model::ServiceCategory::Data {
                    assert_ne!(sp.data_billing.mode, DataBillingMode::None, "{}", p.describe());
                }
                if let Some(pool) = sp.data_billing.pool {
                    let pool = s.plan(pool).unwrap();
                    assert_eq!(pool.side, p.side);
                    assert_eq!(pool.service().unwrap().data_billing.mode, DataBillingMode::Own);
                }
            }
        }
        for a in &s.allowances {
            let link = s.link(a.bolt_on_link).unwrap();
            let bo = s.plan(link.bolt_on).unwrap();
            assert!(bo.bolt_on().unwrap().add_on_group.contains(&a.add_on));
            if let Some(parent) = a.buy_parent {
                let parent = s.allowance(parent).unwrap();
                assert!(a.max_occurrence <= parent.max_occurrence);
                assert_eq!(s.plan(a.add_on).unwrap().buy_counterpart, Some(parent.add_on));
            }
        }
        let mut names = std::collections::HashSet::new();
        for p in s.plans() {
            assert!(names.insert((p.kind(), p.side, p.internal_name.clone())), "duplicate name {}", p.describe());
        }
    }

    #[test]
    fn a_generated_catalog_has_no_error_findings() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = new_catalog(dir.path(), "a.plansmith");
        // Every flavour and shape: several seeds, up to 4 add-ons and 4 tails.
        for (seed, k, t) in [(1, 1, 1), (2, 3, 2), (3, 4, 4)] {
            let spec = SynthSpec {
                bolt_on_structures: 12,
                shared_data_structures: 4,
                add_ons_per_bolt_on: k,
                tails_per_shared_data: t,
                sites_per_customer: 3,
            };
            generate(&mut c, &spec, seed).unwrap();
        }
        let s = Snapshot::load(c.conn(), &Scope::All).unwrap();
        let findings = crate::rules::check(&s);
        let errors: Vec<&String> =
            findings.iter().filter(|f| f.severity == crate::rules::Severity::Error).map(|f| &f.message).collect();
        assert!(
            errors.is_empty(),
            "{} errors, e.g.:\n{}",
            errors.len(),
            errors.iter().take(10).map(|m| m.as_str()).collect::<Vec<_>>().join("\n")
        );
        let warnings: Vec<&String> = findings.iter().map(|f| &f.message).collect();
        assert!(
            warnings.is_empty(),
            "{} warnings, e.g.:\n{}",
            warnings.len(),
            warnings.iter().take(10).map(|m| m.as_str()).collect::<Vec<_>>().join("\n")
        );
    }

    #[test]
    fn a_seed_gives_the_same_catalog_and_runs_stack() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = new_catalog(dir.path(), "a.plansmith");
        let mut b = new_catalog(dir.path(), "b.plansmith");
        let mut c = new_catalog(dir.path(), "c.plansmith");
        generate(&mut a, &small(), 42).unwrap();
        generate(&mut b, &small(), 42).unwrap();
        generate(&mut c, &small(), 43).unwrap();
        let load = |c: &Catalog| Snapshot::load(c.conn(), &Scope::All).unwrap();
        assert_eq!(load(&a), load(&b));
        assert_ne!(load(&a), load(&c));
        // A second run continues after the first one's ids and names.
        let first = count(&a, "package_plan");
        generate(&mut a, &small(), 42).unwrap();
        assert_eq!(count(&a, "package_plan"), 2 * first);
        assert_eq!(a.integrity_check().unwrap(), Vec::<String>::new());
        let s = load(&a);
        let mut names = std::collections::HashSet::new();
        for p in s.plans() {
            assert!(names.insert((p.kind(), p.side, p.internal_name.clone())), "duplicate name {}", p.describe());
        }
    }

    #[test]
    fn sized_specs_reach_the_target() {
        for n in [100, 10_000, 100_000] {
            let s = SynthSpec::sized(n);
            assert!(s.n_entities() >= n && s.n_entities() < n + 50, "{n}: {}", s.n_entities());
        }
    }
}
