//! `plansmith`: the command line over the Plansmith core, for ops, scripts and tests. It works
//! headless (no display, no network). Exit codes: 0 done; 1 the catalog said no (check found
//! errors, an approval or change was refused); 2 could not run (bad arguments, missing or
//! foreign file, catalog locked). Errors go to stderr as one clear sentence, never a panic.

#[macro_use]
mod output;

mod bundle;
mod commands;
mod diagram;
mod rating;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use plansmith_core::{CoreError, ErrorKind, Stamp, Timestamp};

/// mimalloc, as in the app: see the workspace's Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "plansmith",
    version,
    about = "Design, check and hand over Emersion plan catalogs",
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a new catalog file (with --demo: the demo catalog of the two articles).
    New {
        /// The catalog file to create (refused if it exists).
        file: PathBuf,
        /// Fill it with the demo catalog (shared data for a multi-site customer, and a bolt-on
        /// add-on structure).
        #[arg(long)]
        demo: bool,
        /// Catalog name (default: the file name).
        #[arg(long)]
        name: Option<String>,
        /// The service provider the catalog is for.
        #[arg(long, default_value = "")]
        provider: String,
        /// wholesale (builds BUY and SELL) or retail (buys from a wholesaler on Emersion).
        #[arg(long, default_value = "wholesale")]
        tier: String,
        /// ISO currency code.
        #[arg(long, default_value = "AUD")]
        currency: String,
        /// Fill it with about N generated objects (complete bolt-on add-on and shared-data
        /// structures, both sides, no errors): a catalog of realistic size for load tests,
        /// diagrams of scale and rehearsals. The same N and --seed give the same catalog.
        #[arg(long, value_name = "N", conflicts_with = "demo")]
        synthetic: Option<usize>,
        /// The seed of --synthetic.
        #[arg(long, default_value_t = 42, requires = "synthetic")]
        seed: u64,
    },
    /// Check the catalog against every rule. Exit 0: no errors; 1: errors found; 2: could not run.
    Check {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
        /// Only these objects (re-check after an edit).
        #[arg(long = "object", value_name = "ID")]
        objects: Vec<String>,
    },
    /// Print the whole catalog as canonical JSON.
    Dump {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// Write to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Create a new catalog FILE from canonical JSON (as printed by `dump`).
    Load {
        /// The catalog file to create (refused if it exists).
        file: PathBuf,
        /// The canonical JSON to read.
        input: PathBuf,
    },
    /// List objects, filtered by kind, side and status.
    List {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// package_plan, service_plan, bolt_on, bolt_on_add_on, bolt_on_group, bolt_on_link,
        /// allowance, customer, site, structure.
        #[arg(long)]
        kind: Option<String>,
        /// BUY or SELL.
        #[arg(long)]
        side: Option<String>,
        /// draft, approved, live or retired.
        #[arg(long)]
        status: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show the build steps of a structure (ST-…), done or open, in the articles' order.
    Steps {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The structure (ST-…).
        structure: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Approve objects and their draft dependencies (or --all ready drafts).
    Approve {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The plans to approve (PP-…, SP-…, BO-…, AO-…); the drafts they depend on come along.
        ids: Vec<String>,
        /// Approve every draft plan whose approval nothing blocks (the rest are listed), instead of IDS.
        #[arg(long, conflicts_with = "ids")]
        all: bool,
        /// Who approves (recorded in the audit log).
        #[arg(long)]
        by: String,
    },
    /// Return an approved object to draft, withdrawing the approval of what depends on it.
    Reopen {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The approved object to return to draft.
        id: String,
        /// Who acts (recorded in the audit log).
        #[arg(long)]
        by: String,
        /// Why it is reopened (recorded in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Mark an approved object live with the production id Emersion assigned.
    Live {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The approved object that is now live in Emersion.
        id: String,
        /// The id Emersion assigned to it.
        #[arg(long = "production-id")]
        production_id: String,
        /// Who acts (recorded in the audit log).
        #[arg(long)]
        by: String,
    },
    /// Retire an approved or live object (kept for history).
    Retire {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The approved or live object to retire.
        id: String,
        /// Who acts (recorded in the audit log).
        #[arg(long)]
        by: String,
    },
    /// Undo the latest change.
    Undo {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// Who acts, for the audit log (default: $PLANSMITH_USER, else the login name).
        #[arg(long)]
        by: Option<String>,
    },
    /// Redo the latest undone change.
    Redo {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// Who acts, for the audit log (default: $PLANSMITH_USER, else the login name).
        #[arg(long)]
        by: Option<String>,
    },
    /// Apply changes given as JSON lines (one change per line; `-` reads stdin). Prints
    /// `ok N LABEL` after each committed change.
    Apply {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The file of changes, one JSON object per line, or `-` for stdin.
        changes: PathBuf,
        /// Who acts, for the audit log (default: $PLANSMITH_USER, else the login name).
        #[arg(long)]
        by: Option<String>,
    },
    /// Print the audit log (approvals, reopenings, go-lives, exports, undo/redo).
    Audit {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the rules with their ids and severities.
    Rules,
    /// Draw the structure diagram (BUY and SELL lanes) of a structure, or of the whole catalog,
    /// as SVG or PNG (--out), or print its layout as JSON (--json).
    Diagram {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The structure to draw (ST-…); without it, the whole catalog.
        #[arg(long)]
        structure: Option<String>,
        /// Draw a shared-data structure as customer, data pool and site tails instead.
        #[arg(long)]
        shared_data: bool,
        /// Write the picture here: FILE.png for a PNG, any other name for an SVG (an existing
        /// file is replaced).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the layout as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Export approved structures (or the whole catalog) as a bundle for ops: one zip with the
    /// manifest, the catalog JSON and its schema, the build sheet, the ID return sheet and the
    /// diagrams. Refused, listing every blocker, when anything in it is not approved or live or
    /// has errors. Exit 1: refused.
    Export {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The bundle file to write (never overwritten).
        #[arg(long, value_name = "BUNDLE")]
        out: Option<PathBuf>,
        /// Only these structures (ST-…) and what they depend on; default: the whole catalog.
        #[arg(long = "structure", value_name = "ID", num_args = 1..)]
        structures: Vec<String>,
        /// Sign the manifest with this minisign secret key (see `keygen`).
        #[arg(long, value_name = "KEYFILE")]
        sign: Option<PathBuf>,
        /// A delta against this earlier bundle: the sheets cover only what changed since.
        #[arg(long, value_name = "BUNDLE")]
        since: Option<PathBuf>,
        /// Show what the bundle would hold and what blocks it; write nothing.
        #[arg(long)]
        preview: bool,
        /// Who acts, for the audit log (default: $PLANSMITH_USER, else the login name).
        #[arg(long)]
        by: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a minisign key pair for signing bundles: PATH (secret) and PATH.pub.
    Keygen {
        /// Where to write the secret key; the public key goes beside it as PATH.pub (neither is overwritten).
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Verify a bundle: every hash, the signature (with --pubkey), the catalog JSON against its
    /// schema, and the design against the rules. Exit 1: a problem was found.
    Verify {
        /// The bundle (.zip) to verify.
        bundle: PathBuf,
        /// The minisign public key (PATH.pub from `keygen`) the bundle must be signed with.
        #[arg(long, value_name = "KEY")]
        pubkey: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Read the ID return sheet ops filled in: those approved plans go live with their
    /// production ids. All or nothing; every bad line is reported. Exit 1: bad lines.
    ImportIds {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The ID return sheet (id-return.csv of a bundle) with the production ids filled in.
        returned: PathBuf,
        /// Who acts, for the audit log (default: $PLANSMITH_USER, else the login name).
        #[arg(long)]
        by: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Compare two catalogs or bundles (or catalog JSON dumps): objects added, removed, and
    /// changed field by field. Exit 1: they differ.
    Diff {
        /// The earlier catalog, bundle or JSON dump.
        a: PathBuf,
        /// The later catalog, bundle or JSON dump.
        b: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create a NEW catalog FILE from a bundle (which must verify).
    Import {
        /// The bundle (.zip) to read.
        bundle: PathBuf,
        /// The catalog file to create (refused if it exists).
        file: PathBuf,
        /// The minisign public key (PATH.pub from `keygen`) the bundle must be signed with.
        #[arg(long, value_name = "KEY")]
        pubkey: Option<PathBuf>,
        /// Who acts, for the audit log (default: $PLANSMITH_USER, else the login name).
        #[arg(long)]
        by: Option<String>,
    },
    /// Rate a structure (ST-n) or customer (CU-n) month by month on both sides: the customer's
    /// invoice (SELL), the carrier's bill (BUY), the margin. Exit 1: the catalog cannot be rated
    /// as it is (no prices, nothing ordered).
    Rate {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The structure (ST-n) or customer (CU-n).
        subject: String,
        /// A saved scenario (see `scenario list`); the options below change it for this run.
        #[arg(long)]
        scenario: Option<String>,
        #[command(flatten)]
        what: rating::ScenarioArgs,
        /// Print the rating as JSON.
        #[arg(long)]
        json: bool,
        /// Print the line items as CSV.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// Save, list or delete the rating scenarios saved in a catalog.
    Scenario {
        #[command(subcommand)]
        action: ScenarioAction,
    },
}

#[derive(Subcommand)]
pub enum ScenarioAction {
    /// Save a scenario of a structure or customer (one undoable change; an existing scenario of
    /// the same name is updated with the options given).
    Save {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The structure (ST-n) or customer (CU-n).
        subject: String,
        /// The scenario's name.
        name: String,
        #[command(flatten)]
        what: rating::ScenarioArgs,
        /// Who acts, for the audit log (default: $PLANSMITH_USER, else the login name).
        #[arg(long)]
        by: Option<String>,
    },
    /// List saved scenarios (of one structure or customer, or all).
    List {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// Only this structure (ST-n) or customer (CU-n).
        subject: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Delete a saved scenario (one undoable change).
    Delete {
        /// The catalog file (.plansmith).
        file: PathBuf,
        /// The structure (ST-n) or customer (CU-n).
        subject: String,
        /// The scenario's name.
        name: String,
        /// Who acts, for the audit log (default: $PLANSMITH_USER, else the login name).
        #[arg(long)]
        by: Option<String>,
    },
}

/// How a command ended when it did not fail.
pub enum Outcome {
    Done,
    /// The catalog said no (errors found, approval refused): exit 1.
    Refused,
}

/// The instant for this run: `SOURCE_DATE_EPOCH` when set (reproducible runs), else the clock.
pub fn now() -> anyhow::Result<Timestamp> {
    if let Ok(s) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = s.trim().parse().map_err(|_| {
            anyhow::anyhow!("SOURCE_DATE_EPOCH='{s}' is not a number of seconds; unset it or set it to e.g. 1767225600")
        })?;
        return Ok(Timestamp::from_unix_seconds(secs));
    }
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    Ok(Timestamp::from_unix_seconds(secs))
}

/// Who is acting: `--by`, else `PLANSMITH_USER`, else the login name.
pub fn stamp(by: Option<&str>) -> anyhow::Result<Stamp> {
    let by = by
        .map(str::to_string)
        .or_else(|| std::env::var("PLANSMITH_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "plansmith".to_string());
    Ok(Stamp::new(by, now()?))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match commands::run(cli.command) {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Refused) => ExitCode::from(1),
        Err(e) => {
            let refused = e
                .downcast_ref::<CoreError>()
                .is_some_and(|c| matches!(c.kind(), ErrorKind::Lifecycle | ErrorKind::ReadOnly));
            eprintln!("plansmith: {e}");
            ExitCode::from(if refused { 1 } else { 2 })
        }
    };
    match output::finish() {
        None => code,
        // Whoever read our output stopped (`| head`): end as a closed pipe ends, quietly.
        Some(std::io::ErrorKind::BrokenPipe) => ExitCode::from(141),
        Some(kind) => {
            eprintln!(
                "plansmith: the output could not be written ({}); whatever the command saved in the catalog is kept. Write the output somewhere with room, or use --out where the command has it",
                std::io::Error::from(kind)
            );
            ExitCode::from(1)
        }
    }
}
