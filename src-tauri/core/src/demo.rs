//! The workshop demo catalog: a complete, realistic design of both structures of the source
//! articles (domain.md §3–§4), for a consultant to open in front of a client, for the
//! screenshots and walkthroughs, and as a fixture that every part of the app is tested on.
//!
//! Why it is built the way it is:
//! - Only through [`Catalog::apply`] with typed [`Change`]s, exactly as a consultant would key
//!   it in the window, so the demo can never hold anything the editor could not produce, and
//!   every change path is exercised by building it.
//! - Then the undo history is cleared, so the consultant's first Ctrl+Z in a workshop undoes
//!   *their* edit instead of silently dismantling the demo one step at a time. (The history
//!   is a record of the session's edits, not of the catalog's provenance; the catalog's
//!   identity says it is the demo.)
//! - It is written beside `path` and renamed into place when complete, like
//!   [`Catalog::create`], so a failure leaves no half-built demo.
//! - The content follows the rules of domain.md §6 (no errors, no warnings): every SELL
//!   object names its BUY counterpart, SELL prices are at or above BUY prices, the SELL
//!   bolt-on is in a group before it is linked, add-ons are in their bolt-on's add-on group,
//!   SELL allowances hang off BUY allowances, and the tail service plans pool on the data
//!   allowance of their side.

use std::path::Path;

use crate::edit::{Change, PlanField};
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::*;
use crate::store::{Catalog, NewCatalog};
use crate::value::{Date, Money, Stamp};

/// The demo's catalog id: fixed, so every demo file is recognisably the demo.
pub const DEMO_CATALOG_ID: &str = "demo-northwind-workshop";
/// The demo catalog's name.
pub const DEMO_NAME: &str = "Northwind Telecom — workshop demo";

const GB_KB: i64 = crate::model::KB_PER_GB;

/// Writes the demo catalog to a new file at `path` (refused if it exists) and returns it open
/// for writing, with an empty undo history.
pub fn write_demo(path: &Path, stamp: &Stamp) -> Result<Catalog> {
    if path.exists() {
        return Err(CoreError::conflict(format!(
            "{} already exists; choose another file name for the demo (Plansmith never overwrites a catalog)",
            path.display()
        )));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().ok_or_else(|| CoreError::invalid("path", "the demo path has no file name"))?;
    let tmp = dir.join(format!(".{}.demo", file_name.to_string_lossy()));
    let cleanup = || crate::new_file::remove_built(&tmp);
    cleanup();
    let built = (|| -> Result<()> {
        let mut catalog = Catalog::create(
            &tmp,
            &NewCatalog {
                catalog_id: DEMO_CATALOG_ID.to_string(),
                name: DEMO_NAME.to_string(),
                provider: "Northwind Telecom Pty Ltd".to_string(),
                tier: Tier::Wholesale,
                currency: "AUD".to_string(),
            },
            stamp,
        )?;
        // The file is private until renamed, and discarded on any failure: no need to sync
        // every change while building; sync once at the end instead. Nor to log each change
        // to the WAL: in a memory journal each of the ~80 changes rewrites its pages in place
        // (a 0.5 MB file) instead of appending them (an 18 MB WAL, then checkpointed), which
        // halves the demo's time and what the final sync must flush.
        catalog.conn().pragma_update(None, "synchronous", "OFF")?;
        catalog.conn().pragma_update(None, "journal_mode", "MEMORY")?;
        build(&mut catalog, stamp)?;
        clear_history(&mut catalog)?;
        catalog.conn().pragma_update(None, "journal_mode", "WAL")?;
        catalog.conn().pragma_update(None, "synchronous", "FULL")?;
        catalog.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        drop(catalog);
        Ok(())
    })();
    if let Err(e) = built {
        cleanup();
        // Named by the file the user asked for, not the hidden one it was built in.
        return Err(match e.kind() {
            crate::ErrorKind::Io => crate::CoreError::new(
                crate::ErrorKind::Io,
                format!(
                    "the demo catalog {} was not created: {}",
                    path.display(),
                    e.message()
                        .split_once(" was not created: ")
                        .map_or(e.message(), |(_, why)| why)
                        .replace("the last change was not saved (everything saved before it is intact); ", "")
                ),
            ),
            _ => e,
        });
    }
    // Flushed, renamed into place unless a file appeared there meanwhile, the folder flushed.
    crate::new_file::put_in_place(&tmp, path, false).inspect_err(|_| cleanup())?;
    cleanup();
    Catalog::open(path)
}

/// Drops the undo/redo history in one transaction that is itself not an undo step.
fn clear_history(catalog: &mut Catalog) -> Result<()> {
    catalog.record(crate::store::history::clear)
}

/// Applies changes with one stamp; every helper returns the first error.
struct Builder<'a> {
    catalog: &'a mut Catalog,
    stamp: &'a Stamp,
}

/// The common plan fields a consultant keys in on the first screen of every plan.
struct Common<'s> {
    external_name: &'s str,
    description: &'s str,
    external_description: &'s str,
    import_reference: Option<&'s str>,
    service_type: Option<&'s str>,
    setup_fee: Option<i64>,
    access_fee: Option<i64>,
    recurring: bool,
    pro_rata: bool,
}

fn saleable_from() -> Date {
    Date::new(2026, 7, 1).expect("valid date")
}

impl Builder<'_> {
    fn apply(&mut self, change: Change) -> Result<Option<Id>> {
        Ok(self.catalog.apply(&change, self.stamp)?.created)
    }

    fn created(&mut self, change: Change) -> Result<Id> {
        let label = change.label();
        self.apply(change)?.ok_or_else(|| CoreError::internal(format!("demo: '{label}' created nothing")))
    }

    fn set(&mut self, id: Id, edit: PlanField) -> Result<()> {
        self.apply(Change::SetPlanField { id, edit })?;
        Ok(())
    }

    fn plan(&mut self, kind: EntityKind, side: Side, internal_name: &str, c: &Common) -> Result<Id> {
        let id = self.created(Change::CreatePlan { kind, side, internal_name: internal_name.to_string() })?;
        self.common(id, c)?;
        Ok(id)
    }

    /// A SELL counterpart of `buy` (Emersion's "copy as SELL"), renamed and repriced.
    fn sell_of(&mut self, buy: Id, internal_name: &str, c: &Common) -> Result<Id> {
        let id = self.created(Change::CreateSellCounterpart { of: buy })?;
        self.set(id, PlanField::InternalName(internal_name.to_string()))?;
        self.common(id, c)?;
        Ok(id)
    }

    fn common(&mut self, id: Id, c: &Common) -> Result<()> {
        let text = |s: &str| Some(s.to_string());
        self.set(id, PlanField::ExternalName(text(c.external_name)))?;
        self.set(id, PlanField::Description(text(c.description)))?;
        self.set(id, PlanField::ExternalDescription(text(c.external_description)))?;
        self.set(id, PlanField::ImportReference(c.import_reference.map(str::to_string)))?;
        if id.kind != EntityKind::PackagePlan {
            self.set(id, PlanField::ServiceType(c.service_type.map(str::to_string)))?;
        }
        self.set(id, PlanField::SetupFee(c.setup_fee.map(Money)))?;
        self.set(id, PlanField::AccessFee(c.access_fee.map(Money)))?;
        self.set(id, PlanField::Recurring(c.recurring))?;
        self.set(id, PlanField::ProRata(c.pro_rata))?;
        self.set(id, PlanField::SaleableFrom(Some(saleable_from())))?;
        Ok(())
    }

    fn own_data_billing(&mut self, sp: Id, quota_kb: i64, excess_per_gb: i64) -> Result<()> {
        self.set(sp, PlanField::DataBilling(DataBillingMode::Own))?;
        self.set(sp, PlanField::BillingType(Some(BillingType::Volume)))?;
        self.set(sp, PlanField::QuotaKb(Some(quota_kb)))?;
        self.set(sp, PlanField::ExcessRate(Some(Money(excess_per_gb))))?;
        self.set(sp, PlanField::ChargeInQuota(false))?;
        Ok(())
    }

    fn pooled_on(&mut self, sp: Id, pool: Id) -> Result<()> {
        self.set(sp, PlanField::DataBilling(DataBillingMode::Pooled))?;
        self.set(sp, PlanField::Pool(Some(pool)))?;
        Ok(())
    }

    /// A bolt-on's (or package plan's) included value.
    fn included_value(&mut self, id: Id, v: IncludedValue) -> Result<()> {
        self.set(id, PlanField::IncludedValue(Some(v)))
    }

    fn member(&mut self, structure: Id, object: Id, role: MemberRole) -> Result<()> {
        self.apply(Change::AddStructureMember { structure, object, role })?;
        Ok(())
    }
}

fn build(catalog: &mut Catalog, stamp: &Stamp) -> Result<()> {
    let mut b = Builder { catalog, stamp };
    shared_data(&mut b)?;
    bolt_on_add_on(&mut b)?;
    Ok(())
}

/// Seed 1, "Sharing data across services": Harbour Cafés' sites on different tails share one
/// dedicated 500 GB AAPT IP-Line pool.
fn shared_data(b: &mut Builder) -> Result<()> {
    use EntityKind::{PackagePlan as PP, ServicePlan as SP};
    let pool_kb = 500 * GB_KB;

    let customer = b.created(Change::CreateCustomer { name: "Harbour Cafés Pty Ltd".to_string() })?;
    let structure = b.created(Change::CreateStructure {
        kind: StructureKind::SharedData,
        name: "Harbour Cafés — shared 500 GB data pool".to_string(),
        customer: Some(customer),
    })?;

    // 1. BUY service plan for the data allowance, with AAPT's buy prices.
    let buy_data_sp = b.plan(
        SP,
        Side::Buy,
        "AAPT IP-Line data pool 500 GB (buy)",
        &Common {
            external_name: "IP-Line Data Pool 500GB",
            description: "Dedicated 500 GB monthly data allocation bought from AAPT for Harbour Cafés only (not a shared carrier pool). AAPT charges $1.50 per GB above 500 GB.",
            external_description: "500 GB monthly data pool",
            import_reference: Some("AAPT-IPL-DATA-500GB"),
            service_type: Some("IPLINE"),
            setup_fee: None,
            access_fee: Some(35_000),
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.own_data_billing(buy_data_sp, pool_kb, 150)?;
    b.member(structure, buy_data_sp, MemberRole::Data)?;

    // 2. SELL service plan for the data allowance: the pool and its excess rate.
    let sell_data_sp = b.sell_of(
        buy_data_sp,
        "Business shared data 500 GB",
        &Common {
            external_name: "Business Internet Shared Data 500GB",
            description: "The customer's data pool: 500 GB a month shared by every site's tail. Excess $2.50 per GB.",
            external_description: "500 GB of data a month shared across all your sites. Usage above 500 GB is charged at $2.50 per GB.",
            import_reference: None,
            service_type: Some("IPLINE"),
            setup_fee: None,
            access_fee: Some(59_900),
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.own_data_billing(sell_data_sp, pool_kb, 250)?;

    // 3. BUY package plan for the data allowance, containing (1).
    let buy_data_pp = b.plan(
        PP,
        Side::Buy,
        "AAPT IP-Line data pool 500 GB package (buy)",
        &Common {
            external_name: "IP-Line Data Pool 500GB",
            description: "What we order from AAPT once per customer for the dedicated data pool.",
            external_description: "500 GB monthly data pool",
            import_reference: Some("AAPT-IPL-PKG-DATA-500GB"),
            service_type: None,
            setup_fee: None,
            access_fee: None,
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.apply(Change::AddServicePlan { package_plan: buy_data_pp, service_plan: buy_data_sp })?;
    b.set(buy_data_pp, PlanField::Weighting(10))?;
    b.member(structure, buy_data_pp, MemberRole::Data)?;

    // 4. SELL package plan for the data allowance, containing (2), counterpart of (3).
    let sell_data_pp = b.sell_of(
        buy_data_pp,
        "Business shared data 500 GB package",
        &Common {
            external_name: "Business Internet Shared Data 500GB",
            description: "Ordered once per customer; every site's tail package draws from it.",
            external_description: "One 500 GB data pool for all your sites.",
            import_reference: None,
            service_type: None,
            setup_fee: None,
            access_fee: None,
            recurring: true,
            pro_rata: true,
        },
    )?;

    // 5. BUY service plan for the tail only, with buy prices.
    let buy_tail_sp = b.plan(
        SP,
        Side::Buy,
        "AAPT IP-Line tail (buy)",
        &Common {
            external_name: "IP-Line Access Tail",
            description: "AAPT access tail per site (NBN, SHDSL, ADSL2+ or fibre). Its usage is rated against the customer's data pool by service identifier.",
            external_description: "Site access tail",
            import_reference: Some("AAPT-IPL-TAIL"),
            service_type: Some("IPLINE"),
            setup_fee: Some(15_000),
            access_fee: Some(9_500),
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.pooled_on(buy_tail_sp, buy_data_sp)?;
    b.member(structure, buy_tail_sp, MemberRole::Tail)?;

    // 6. SELL service plan for the tail only: no data billing of its own (pooled on (2)).
    let sell_tail_sp = b.sell_of(
        buy_tail_sp,
        "Business internet site tail",
        &Common {
            external_name: "Business Internet Site Connection",
            description: "Per-site connection. No data billing of its own: usage draws from the customer's shared 500 GB pool.",
            external_description: "Business-grade internet connection for one site, sharing your data pool.",
            import_reference: None,
            service_type: Some("IPLINE"),
            setup_fee: Some(29_900),
            access_fee: Some(14_900),
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.pooled_on(sell_tail_sp, sell_data_sp)?;

    // 7. BUY package plan for the tail only, containing (5).
    let buy_tail_pp = b.plan(
        PP,
        Side::Buy,
        "AAPT IP-Line tail package (buy)",
        &Common {
            external_name: "IP-Line Access Tail",
            description: "What we order from AAPT for each site.",
            external_description: "Site access tail",
            import_reference: Some("AAPT-IPL-PKG-TAIL"),
            service_type: None,
            setup_fee: None,
            access_fee: None,
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.apply(Change::AddServicePlan { package_plan: buy_tail_pp, service_plan: buy_tail_sp })?;
    b.set(buy_tail_pp, PlanField::Weighting(20))?;
    b.member(structure, buy_tail_pp, MemberRole::Tail)?;

    // 8. SELL package plan for the tail only, containing (6), counterpart of (7).
    let sell_tail_pp = b.sell_of(
        buy_tail_pp,
        "Business internet site package",
        &Common {
            external_name: "Business Internet Site Connection",
            description: "Ordered once per site, with the site's technology, speed and service identifier.",
            external_description: "Internet connection for one of your sites.",
            import_reference: None,
            service_type: None,
            setup_fee: None,
            access_fee: None,
            recurring: true,
            pro_rata: true,
        },
    )?;

    // The customer orders the data package once; each site orders the tail package.
    b.apply(Change::UpdateCustomer {
        id: customer,
        name: "Harbour Cafés Pty Ltd".to_string(),
        description: Some(
            "Café group with six Sydney sites. One dedicated 500 GB AAPT pool shared by every site; sites come and go without touching the rest.".to_string(),
        ),
        data_package: Some(sell_data_pp),
    })?;
    let sites: [(&str, &str, &str, &str); 6] = [
        ("Circular Quay flagship", "NBN FTTP", "100/40 Mbps", "AVC000187654321"),
        ("Manly Wharf kiosk", "SHDSL", "20/20 Mbps", "IPL-SHD-2047731"),
        ("Newtown roastery", "ADSL2+", "20/1 Mbps", "IPL-ADS-3318842"),
        ("Barangaroo head office", "Fibre", "1000/1000 Mbps", "IPL-FIB-0091265"),
        ("Parramatta café", "NBN HFC", "50/20 Mbps", "AVC000192837465"),
        ("Bondi Beach café", "NBN FTTC", "100/20 Mbps", "AVC000176543210"),
    ];
    for (name, technology, speed, service_identifier) in sites {
        b.apply(Change::CreateSite {
            customer,
            name: name.to_string(),
            technology: technology.to_string(),
            speed: speed.to_string(),
            service_identifier: Some(service_identifier.to_string()),
            tail_package: Some(sell_tail_pp),
        })?;
    }
    // SELL counterparts joined the structure with their BUY counterparts' roles on creation;
    // make sure (idempotently) in case that behaviour changes.
    for (id, role) in [
        (sell_data_sp, MemberRole::Data),
        (sell_data_pp, MemberRole::Data),
        (sell_tail_sp, MemberRole::Tail),
        (sell_tail_pp, MemberRole::Tail),
    ] {
        ensure_member(b, structure, id, role)?;
    }
    Ok(())
}

fn ensure_member(b: &mut Builder, structure: Id, object: Id, role: MemberRole) -> Result<()> {
    let present: bool = b.catalog.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM structure_member WHERE structure = ?1 AND object = ?2)",
        rusqlite::params![structure.n, object.to_string()],
        |r| r.get(0),
    )?;
    if !present {
        b.member(structure, object, role)?;
    }
    Ok(())
}

/// Seed 2, "Bolt-on add-on": a mobile plan with an 8 GB data bolt-on and 1/2/5 GB top-ups,
/// built end to end on both sides.
fn bolt_on_add_on(b: &mut Builder) -> Result<()> {
    use EntityKind::{BoltOn as BO, BoltOnAddOn as AO, PackagePlan as PP, ServicePlan as SP};
    let structure = b.created(Change::CreateStructure {
        kind: StructureKind::BoltOnAddOn,
        name: "Mobile Business 40 — 8 GB data bolt-on with top-ups".to_string(),
        customer: None,
    })?;
    let plan_values = vec![
        IncludedValue { value_type: IncludedValueType::Dollar, amount: 250_000 },
        IncludedValue { value_type: IncludedValueType::Kilobytes, amount: 40 * GB_KB },
    ];

    // 1. BUY service plan and BUY package plan, linked.
    let buy_sp = b.plan(
        SP,
        Side::Buy,
        "Wholesale mobile 40 (buy)",
        &Common {
            external_name: "Mobile Business 40",
            description: "Carrier wholesale mobile service: $2,500 of national calls and 40 GB of data a month.",
            external_description: "Mobile voice and data",
            import_reference: Some("WS-MOB-40"),
            service_type: Some("MOBILE"),
            setup_fee: None,
            access_fee: Some(2_200),
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.set(buy_sp, PlanField::IncludedValues(plan_values.clone()))?;
    b.member(structure, buy_sp, MemberRole::Member)?;
    let buy_pp = b.plan(
        PP,
        Side::Buy,
        "Wholesale mobile 40 package (buy)",
        &Common {
            external_name: "Mobile Business 40",
            description: "What we order from the carrier for each mobile service.",
            external_description: "Mobile voice and data",
            import_reference: Some("WS-MOB-40-PKG"),
            service_type: None,
            setup_fee: None,
            access_fee: None,
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.apply(Change::AddServicePlan { package_plan: buy_pp, service_plan: buy_sp })?;
    b.set(buy_pp, PlanField::Weighting(40))?;
    b.member(structure, buy_pp, MemberRole::Member)?;

    // 2. SELL service plan and SELL package plan, linked and tied to their BUY counterparts.
    let sell_sp = b.sell_of(
        buy_sp,
        "Mobile Business 40",
        &Common {
            external_name: "Mobile Business 40",
            description: "Retail business mobile: unlimited national calls ($2,500 fair use) and 40 GB of data a month.",
            external_description: "Unlimited national calls and texts, 40GB of data each month.",
            import_reference: None,
            service_type: Some("MOBILE"),
            setup_fee: None,
            access_fee: Some(4_500),
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.set(sell_sp, PlanField::IncludedValues(plan_values))?;
    let sell_pp = b.sell_of(
        buy_pp,
        "Mobile Business 40 package",
        &Common {
            external_name: "Mobile Business 40",
            description: "What the customer orders for each mobile service.",
            external_description: "Unlimited national calls and texts, 40GB of data each month.",
            import_reference: None,
            service_type: None,
            setup_fee: None,
            access_fee: None,
            recurring: true,
            pro_rata: true,
        },
    )?;

    // 3. BUY bolt-on: 8 GB of data.
    let buy_bo = b.plan(
        BO,
        Side::Buy,
        "Mobile data 8 GB bolt-on (buy)",
        &Common {
            external_name: "8GB Data Bolt-On",
            description: "Carrier 8 GB monthly data bolt-on. Carrier excess $3.00 per GB above 8 GB.",
            external_description: "8 GB of extra data each month",
            import_reference: Some("WS-MOB-DATA-8GB"),
            service_type: Some("MOBILE"),
            setup_fee: None,
            access_fee: Some(600),
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.set(buy_bo, PlanField::BoltOnCategory(Some("DATA".to_string())))?;
    b.set(buy_bo, PlanField::Tariff(Some("MOB-DATA".to_string())))?;
    b.included_value(buy_bo, IncludedValue { value_type: IncludedValueType::Kilobytes, amount: 8 * GB_KB })?;
    b.set(buy_bo, PlanField::FirstTimeFee(Some(Money(200))))?;
    b.set(buy_bo, PlanField::ExcessRate(Some(Money(300))))?;
    b.member(structure, buy_bo, MemberRole::Member)?;

    // 4. SELL bolt-on, counterpart of (3).
    let sell_bo = b.sell_of(
        buy_bo,
        "Mobile data 8 GB bolt-on",
        &Common {
            external_name: "8GB Data Bolt-On",
            description: "Retail 8 GB monthly data bolt-on for Mobile Business plans; $10.00 per GB above 8 GB.",
            external_description: "Add 8GB of data to your plan each month. Extra data above 8GB is $10 per GB.",
            import_reference: None,
            service_type: Some("MOBILE"),
            setup_fee: None,
            access_fee: Some(1_500),
            recurring: true,
            pro_rata: true,
        },
    )?;
    b.set(sell_bo, PlanField::FirstTimeFee(Some(Money(500))))?;
    b.set(sell_bo, PlanField::ExcessRate(Some(Money(1_000))))?;

    // 5. The SELL bolt-on in a bolt-on group (required before any bolt-on link).
    let group = b.created(Change::CreateBoltOnGroup { side: Side::Sell, name: "Mobile data bolt-ons".to_string() })?;
    b.apply(Change::UpdateBoltOnGroup {
        id: group,
        name: "Mobile data bolt-ons".to_string(),
        description: Some("Monthly data bolt-ons for Mobile Business plans; a service takes one of them.".to_string()),
    })?;
    b.apply(Change::AddGroupMember { group, bolt_on: sell_bo })?;

    // 6–9. BUY and SELL add-ons of 1, 2 and 5 GB, each in its side's bolt-on add-on group.
    // (gigabytes, weight, BUY price, SELL price, BUY max occurrence)
    let top_ups: [(i64, i64, i64, i64, i64); 3] =
        [(1, 30, 300, 500, 5), (2, 20, 500, 900, 3), (5, 10, 1_000, 2_000, 2)];
    let mut add_ons: Vec<(Id, Id, i64)> = Vec::new();
    for (gb, weight, buy_price, sell_price, max) in top_ups {
        let buy_ao = b.plan(
            AO,
            Side::Buy,
            &format!("Mobile data top-up {gb} GB (buy)"),
            &Common {
                external_name: &format!("{gb}GB Data Top-Up"),
                description: &format!(
                    "Carrier {gb} GB data top-up on the 8 GB bolt-on; provisioned automatically on the network."
                ),
                external_description: &format!("{gb} GB of extra data for the rest of the month"),
                import_reference: Some(&format!("WS-MOB-TOPUP-{gb}GB")),
                service_type: Some("MOBILE"),
                setup_fee: None,
                access_fee: Some(buy_price),
                recurring: false,
                pro_rata: false,
            },
        )?;
        b.set(buy_ao, PlanField::BoltOnCategory(Some("DATA".to_string())))?;
        b.set(buy_ao, PlanField::Tariff(Some("MOB-DATA".to_string())))?;
        b.set(buy_ao, PlanField::IncludedValueType(Some(IncludedValueType::Kilobytes)))?;
        b.set(buy_ao, PlanField::IsProvisioned(true))?;
        b.set(buy_ao, PlanField::ProvisioningKey(Some(format!("DATA_TOPUP_{gb}GB"))))?;
        b.set(
            buy_ao,
            PlanField::Quotas(vec![Quota {
                value_type: IncludedValueType::Kilobytes,
                bonus_type: Some(BonusType::None),
                amount: gb * GB_KB,
                weight: Some(weight),
            }]),
        )?;
        b.member(structure, buy_ao, MemberRole::Member)?;

        let sell_ao = b.sell_of(
            buy_ao,
            &format!("Mobile data top-up {gb} GB"),
            &Common {
                external_name: &format!("{gb}GB Data Top-Up"),
                description: &format!("Retail {gb} GB top-up once the 8 GB bolt-on is used up; full value for the rest of the billing period."),
                external_description: &format!("Ran out of data? Add {gb}GB for the rest of this month."),
                import_reference: None,
                service_type: Some("MOBILE"),
                setup_fee: None,
                access_fee: Some(sell_price),
                recurring: false,
                pro_rata: false,
            },
        )?;
        b.set(sell_ao, PlanField::AvailableInApi(Some(true)))?;
        b.set(sell_ao, PlanField::AvailableInUserPortal(Some(true)))?;
        add_ons.push((buy_ao, sell_ao, max));
    }
    for (buy_ao, _, _) in &add_ons {
        b.apply(Change::AddToAddOnGroup { bolt_on: buy_bo, add_on: *buy_ao })?;
    }
    for (_, sell_ao, _) in &add_ons {
        b.apply(Change::AddToAddOnGroup { bolt_on: sell_bo, add_on: *sell_ao })?;
    }

    // 10. Link the BUY bolt-on (and, through allowances, its add-ons) to the BUY service plan.
    let buy_link =
        b.created(Change::LinkBoltOn { service_plan: buy_sp, bolt_on: buy_bo, behaviour: Some(Behaviour::Optional) })?;
    // 11. BUY allowances: how many of each top-up may be bought against the service.
    let mut buy_allowances = Vec::new();
    for (buy_ao, _, max) in &add_ons {
        let al = b.created(Change::AddAllowance {
            link: buy_link,
            add_on: *buy_ao,
            max_occurrence: *max,
            description: Some(format!("Up to {max} per billing period")),
            buy_parent: None,
        })?;
        buy_allowances.push(al);
    }
    // 12. SELL link and SELL allowances, each hanging off its BUY allowance.
    let sell_link = b.created(Change::LinkBoltOn {
        service_plan: sell_sp,
        bolt_on: sell_bo,
        behaviour: Some(Behaviour::Optional),
    })?;
    for ((_, sell_ao, max), parent) in add_ons.iter().zip(&buy_allowances) {
        b.apply(Change::AddAllowance {
            link: sell_link,
            add_on: *sell_ao,
            max_occurrence: *max,
            description: Some(format!("Up to {max} per billing period")),
            buy_parent: Some(*parent),
        })?;
    }

    for id in [sell_sp, sell_pp, sell_bo].into_iter().chain(add_ons.iter().map(|(_, s, _)| *s)) {
        ensure_member(b, structure, id, MemberRole::Member)?;
    }
    Ok(())
}

/// For the core's unit tests: the demo catalog, written at time 0 by "t", in a folder of its own
/// that lives as long as the returned guard.
#[cfg(test)]
pub(crate) fn in_temp_dir() -> (tempfile::TempDir, Catalog) {
    let dir = tempfile::tempdir().unwrap();
    let at = crate::value::Timestamp::from_unix_seconds(0);
    let catalog = write_demo(&dir.path().join("d.plansmith"), &Stamp::new("t", at)).unwrap();
    (dir, catalog)
}
