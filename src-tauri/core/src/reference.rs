//! The reference screen's read of a catalog's reference data (service types, bolt-on
//! categories, tariffs) with its settings and the currency tables the window formats amounts
//! with, so no front door keeps its own copy of them. The starter set a new catalog is seeded
//! with is `store::starter_set`.

use std::collections::BTreeMap;

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
