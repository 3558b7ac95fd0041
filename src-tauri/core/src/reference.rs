//! Reference data (service types, bolt-on categories, tariffs): per catalog, editable, and
//! seeded with a realistic Australian starter set so a new catalog is usable at once; and the
//! reference screen's read of it with the catalog's settings and the currency tables the
//! window formats amounts with, so no front door keeps its own copy of them.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::error::Result;
use crate::model::{BoltOnCategory, ServiceType, Settings, Tariff};
use crate::snapshot::{Scope, Snapshot};
use crate::store::Catalog;
use crate::value::{Currency, CurrencyChoice};

/// Reference data and catalog settings, with what amounts in this catalog look like.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferenceData {
    pub settings: Settings,
    /// Decimals of the catalog's currency (`settings.currency`): 2 for AUD, 0 for JPY or KRW,
    /// 3 for BHD. Amounts are stored in minor units and shown with this many decimals.
    pub decimals: u32,
    /// The currencies a catalog may switch to, with their decimals.
    pub currencies: Vec<CurrencyChoice>,
    pub service_types: Vec<ServiceType>,
    pub tariffs: Vec<Tariff>,
    pub bolt_on_categories: Vec<BoltOnCategory>,
}

impl Catalog {
    /// The settings and reference data, without reading any plan.
    pub fn reference_data(&self) -> Result<ReferenceData> {
        let s = Snapshot::load(self.conn(), &Scope::Ids(BTreeMap::new()))?;
        let decimals = Currency::parse(&s.settings.currency)?.decimals;
        Ok(ReferenceData {
            settings: s.settings,
            decimals,
            currencies: Currency::known().collect(),
            service_types: s.service_types,
            tariffs: s.tariffs,
            bolt_on_categories: s.bolt_on_categories,
        })
    }
}

/// (code, name, category, auto_provisioned)
pub const STARTER_SERVICE_TYPES: &[(&str, &str, &str, bool)] = &[
    ("IPLINE", "AAPT IP-Line business internet", "data", false),
    ("NBN", "NBN business broadband", "data", false),
    ("MOBILE", "Mobile voice and data", "voice", true),
    ("MBB", "Mobile broadband", "data", true),
    ("VOIP", "Hosted voice (SIP)", "voice", false),
    ("EQUIP", "Equipment and one-off charges", "other", false),
];

/// (code, name)
pub const STARTER_CATEGORIES: &[(&str, &str)] =
    &[("DATA", "Data"), ("VOICE", "Voice"), ("SMS", "SMS"), ("INTL", "International roaming")];

/// (code, name, service type, bolt-on category)
pub const STARTER_TARIFFS: &[(&str, &str, &str, Option<&str>)] = &[
    ("IPL-STD", "IP-Line standard usage", "IPLINE", None),
    ("NBN-STD", "NBN standard usage", "NBN", None),
    ("MOB-STD", "Mobile standard usage", "MOBILE", None),
    ("MOB-DATA", "Mobile data bolt-on usage", "MOBILE", Some("DATA")),
    ("MOB-SMS", "Mobile SMS bolt-on usage", "MOBILE", Some("SMS")),
    ("MBB-DATA", "Mobile broadband data bolt-on usage", "MBB", Some("DATA")),
    ("VOIP-STD", "Hosted voice standard calls", "VOIP", None),
];

/// Adds the starter set; rows whose code already exists are left as they are.
pub fn seed_starter_set(conn: &Connection) -> Result<()> {
    for (code, name, cat, auto) in STARTER_SERVICE_TYPES {
        conn.execute(
            "INSERT OR IGNORE INTO service_type (code, name, category, auto_provisioned) VALUES (?1, ?2, ?3, ?4)",
            params![code, name, cat, auto],
        )?;
    }
    for (code, name) in STARTER_CATEGORIES {
        conn.execute("INSERT OR IGNORE INTO bolt_on_category (code, name) VALUES (?1, ?2)", params![code, name])?;
    }
    for (code, name, st, cat) in STARTER_TARIFFS {
        conn.execute(
            "INSERT OR IGNORE INTO tariff (code, name, service_type, bolt_on_category) VALUES (?1, ?2, ?3, ?4)",
            params![code, name, st, cat],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::store::{Catalog, NewCatalog};
    use crate::value::{Stamp, Timestamp};

    #[test]
    fn reference_data_sends_the_decimals_of_the_catalogs_currency() {
        let dir = tempfile::tempdir().unwrap();
        let stamp = Stamp { by: "test".into(), at: Timestamp::from_unix_seconds(1_800_000_000) };
        for (code, decimals) in [("AUD", 2), ("KRW", 0), ("BHD", 3), ("JPY", 0)] {
            let path = dir.path().join(format!("{code}.plansmith"));
            let new = NewCatalog { currency: code.into(), ..NewCatalog::for_file(&path, &stamp) };
            let reference = Catalog::create(&path, &new, &stamp).unwrap().reference_data().unwrap();
            assert_eq!((reference.settings.currency.as_str(), reference.decimals), (code, decimals));
            assert!(reference.currencies.iter().any(|c| c.code == "BHD" && c.decimals == 3));
            assert!(!reference.service_types.is_empty(), "the starter set is there");
        }
    }
}
