//! The data pool recipe (`Change::CreateDataPool`, domain.md §3): a customer's pool is the
//! data-allowance service plan with `own` data billing (the pool quota and excess rate) in a
//! data package the customer orders once. For a wholesaler it writes the BUY plan and package
//! and their SELL counterparts (steps 1 to 4 of the shared-data article), for a retailer the
//! SELL ones only, each under a free name taken from the pool's name, and makes the customer
//! order the SELL package.

use crate::edit::change::Change;
use crate::edit::plain::check::clean;
use crate::edit::plan_field::PlanField;
use crate::edit::recipe::{Edits, FreeNames, Recipe, Written};
use crate::error::{CoreError, Result};
use crate::id::{EntityKind, Id};
use crate::model::{BillingType, DataBillingMode, Side, Tier};
use crate::snapshot::Snapshot;
use crate::value::Money;

use EntityKind::{PackagePlan as PP, ServicePlan as SP};

/// What `Change::CreateDataPool` asks for.
pub(crate) struct DataPool<'a> {
    pub customer: Id,
    pub name: &'a str,
    pub service_type: &'a Option<String>,
    pub quota_kb: Option<i64>,
    /// SELL, per GB above the pool.
    pub excess_rate: Option<Money>,
    /// BUY (wholesale): what the carrier charges per GB above the pool.
    pub buy_excess_rate: Option<Money>,
}

impl DataPool<'_> {
    /// The pool's data billing on the service plan `id`.
    fn billing(&self, edits: &mut Edits, id: Id, excess: Option<Money>) {
        edits.set(id, PlanField::ServiceType(clean(self.service_type)));
        edits.set(id, PlanField::DataBilling(DataBillingMode::Own));
        edits.set(id, PlanField::BillingType(Some(BillingType::Volume)));
        edits.set(id, PlanField::QuotaKb(self.quota_kb));
        edits.set(id, PlanField::ExcessRate(excess));
    }
}

impl Recipe for DataPool<'_> {
    /// Reports the SELL data-allowance service plan as created.
    fn write(&self, s: &Snapshot) -> Result<Written> {
        let customer = self.customer;
        customer.expect(EntityKind::Customer, "customer")?;
        let c = s.customer(customer).ok_or_else(|| {
            CoreError::not_found(format!("customer: there is no customer {customer} in this catalog"))
                .with_field("customer")
        })?;
        if let Some(p) = c.data_package {
            return Err(CoreError::conflict(format!(
                "{customer} '{}' already orders the data package {p}; remove that pool from the customer first",
                c.name
            ))
            .with_field("customer"));
        }
        let name = self.name.trim();
        if name.is_empty() {
            return Err(CoreError::invalid("name", "a data pool needs a name (e.g. 'Shared data 500 GB')"));
        }
        let mut names = FreeNames::of(s);
        let mut edits = Edits::default();
        let sell_name = names.take(SP, Side::Sell, name);
        let sell_package_name = names.take(PP, Side::Sell, &format!("{name} package"));
        let (sell_sp, sell_pp) = if s.settings.tier == Tier::Wholesale {
            let buy_name = names.take(SP, Side::Buy, &format!("{name} (buy)"));
            let sp = edits.create(SP, Change::CreatePlan { kind: SP, side: Side::Buy, internal_name: buy_name });
            self.billing(&mut edits, sp, self.buy_excess_rate);
            let buy_package_name = names.take(PP, Side::Buy, &format!("{name} package (buy)"));
            let pp =
                edits.create(PP, Change::CreatePlan { kind: PP, side: Side::Buy, internal_name: buy_package_name });
            edits.add(Change::AddServicePlan { package_plan: pp, service_plan: sp });
            // The SELL copies: the service plan first, so the package's copy contains it.
            let ssp = edits.create(SP, Change::CreateSellCounterpart { of: sp });
            edits.set(ssp, PlanField::ExcessRate(self.excess_rate));
            let spp = edits.create(PP, Change::CreateSellCounterpart { of: pp });
            (ssp, spp)
        } else {
            let create = Change::CreatePlan { kind: SP, side: Side::Sell, internal_name: sell_name.clone() };
            let ssp = edits.create(SP, create);
            self.billing(&mut edits, ssp, self.excess_rate);
            let create = Change::CreatePlan { kind: PP, side: Side::Sell, internal_name: sell_package_name.clone() };
            let spp = edits.create(PP, create);
            edits.add(Change::AddServicePlan { package_plan: spp, service_plan: ssp });
            (ssp, spp)
        };
        for (id, n) in [(sell_sp, &sell_name), (sell_pp, &sell_package_name)] {
            edits.set(id, PlanField::InternalName(n.clone()));
            edits.set(id, PlanField::ExternalName(Some(n.clone())));
        }
        edits.add(Change::UpdateCustomer {
            id: customer,
            name: c.name.clone(),
            description: c.description.clone(),
            data_package: Some(sell_pp),
        });
        Ok(Written { edits, created: sell_sp })
    }
}

#[cfg(test)]
mod tests {
    use crate::edit::change::Change;
    use crate::id::{EntityKind, Id};
    use crate::model::{Side, Tier};
    use crate::store::{Catalog, NewCatalog};
    use crate::value::{Money, Stamp, Timestamp};

    fn stamp() -> Stamp {
        Stamp::new("t", Timestamp::from_unix_seconds(0))
    }

    fn demo() -> (tempfile::TempDir, Catalog) {
        crate::demo::in_temp_dir()
    }

    fn customer(cat: &mut Catalog, name: &str) -> Id {
        cat.apply(&Change::CreateCustomer { name: name.into() }, &stamp()).unwrap().created.unwrap()
    }

    fn pool(customer: Id) -> Change {
        pool_named(customer, "Shared data 5 TB", "IPLINE")
    }

    fn pool_named(customer: Id, name: &str, service_type: &str) -> Change {
        Change::CreateDataPool {
            customer,
            name: name.into(),
            service_type: Some(service_type.into()),
            quota_kb: Some(5 << 30),
            excess_rate: Some(Money(200)),
            buy_excess_rate: Some(Money(120)),
        }
    }

    #[test]
    fn a_wholesalers_pool_is_the_data_plans_and_packages_of_both_sides_and_one_undo() {
        let (_d, mut cat) = demo();
        let cu = customer(&mut cat, "Contoso");
        let sp = cat.apply(&pool(cu), &stamp()).unwrap().created.unwrap();
        let d = cat.customer_detail(cu).unwrap();
        let p = d.pool.expect("the customer orders the new data package");
        assert_eq!(p.service_plan, Some(sp));
        assert_eq!((p.side, p.quota_kb, p.excess_rate), (Some(Side::Sell), Some(5 << 30), Some(Money(200))));
        assert_eq!(p.package_name, "Shared data 5 TB package");
        let s = cat.snapshot().unwrap();
        let sell = s.plan(sp).unwrap();
        assert_eq!(sell.external_name.as_deref(), Some("Shared data 5 TB"));
        let buy = s.plan(sell.buy_counterpart.expect("tied to its BUY plan")).unwrap();
        assert_eq!(buy.internal_name, "Shared data 5 TB (buy)");
        assert_eq!(buy.service().unwrap().data_billing.excess_rate, Some(Money(120)));
        assert_eq!(buy.service().unwrap().data_billing.quota_kb, Some(5 << 30));
        let buy_package = s.plan(s.plan(p.package).unwrap().buy_counterpart.unwrap()).unwrap();
        assert_eq!(buy_package.package().unwrap().service_plans, vec![buy.id]);
        // A second pool for the same customer is refused, naming the field.
        let e = cat.apply(&pool(cu), &stamp()).unwrap_err();
        assert_eq!(e.field(), Some("customer"));
        // One change, one undo.
        cat.undo(&stamp()).unwrap();
        assert_eq!(cat.customer_detail(cu).unwrap().pool, None);
        assert!(cat.snapshot().unwrap().plan(sp).is_none());
    }

    #[test]
    fn a_second_pool_of_the_same_name_takes_the_next_free_names() {
        let (_d, mut cat) = demo();
        let first = customer(&mut cat, "Contoso");
        let second = customer(&mut cat, "Fabrikam");
        cat.apply(&pool(first), &stamp()).unwrap();
        let sp = cat.apply(&pool(second), &stamp()).unwrap().created.unwrap();
        let s = cat.snapshot().unwrap();
        let sell = s.plan(sp).unwrap();
        assert_eq!(sell.internal_name, "Shared data 5 TB 2");
        assert_eq!(s.plan(sell.buy_counterpart.unwrap()).unwrap().internal_name, "Shared data 5 TB (buy) 2");
        let package = s.customer(second).unwrap().data_package.unwrap();
        assert_eq!(s.plan(package).unwrap().internal_name, "Shared data 5 TB package 2");
    }

    #[test]
    fn a_retailers_pool_is_sell_only_and_bad_input_names_its_field() {
        let d = tempfile::tempdir().unwrap();
        let new = NewCatalog {
            catalog_id: "r".into(),
            name: "R".into(),
            provider: "".into(),
            tier: Tier::Retail,
            currency: "AUD".into(),
        };
        let mut cat = Catalog::create(&d.path().join("r.plansmith"), &new, &stamp()).unwrap();
        let cu = customer(&mut cat, "Contoso");
        let e = cat.apply(&pool_named(cu, "Shared data 5 TB", "NOPE"), &stamp()).unwrap_err();
        assert_eq!(e.field(), Some("service_type"));
        let e = cat.apply(&pool_named(cu, " ", "IPLINE"), &stamp()).unwrap_err();
        assert_eq!(e.field(), Some("name"));
        let e = cat.apply(&pool(Id::new(EntityKind::Customer, 99)), &stamp()).unwrap_err();
        assert_eq!(e.field(), Some("customer"));
        assert_eq!(cat.customer_detail(cu).unwrap().pool, None, "a refused change leaves nothing behind");
        assert_eq!(cat.snapshot().unwrap().plans().count(), 0, "not even the plans made before the refusal");
        cat.apply(&pool(cu), &stamp()).unwrap();
        let s = cat.snapshot().unwrap();
        assert!(s.plans().all(|p| p.side == Side::Sell));
        assert_eq!(s.service_plans[0].internal_name, "Shared data 5 TB");
    }

    /// Names are user text: a pool named like a placeholder id keeps its name exactly.
    #[test]
    fn a_pool_named_like_a_placeholder_id_keeps_its_name() {
        let (_d, mut cat) = demo();
        let cu = customer(&mut cat, "Contoso");
        let sp = cat.apply(&pool_named(cu, "SP--1", "IPLINE"), &stamp()).unwrap().created.unwrap();
        let s = cat.snapshot().unwrap();
        let sell = s.plan(sp).unwrap();
        assert_eq!((sell.internal_name.as_str(), sell.external_name.as_deref()), ("SP--1", Some("SP--1")));
        assert_eq!(s.plan(sell.buy_counterpart.unwrap()).unwrap().internal_name, "SP--1 (buy)");
        let package = s.customer(cu).unwrap().data_package.unwrap();
        assert_eq!(s.plan(package).unwrap().internal_name, "SP--1 package");
    }

    /// A customer named like a placeholder id keeps its name when its pool is created.
    #[test]
    fn a_customer_named_like_a_placeholder_id_keeps_its_name() {
        let (_d, mut cat) = demo();
        let cu = customer(&mut cat, "PP--2");
        cat.apply(&pool(cu), &stamp()).unwrap();
        let s = cat.snapshot().unwrap();
        let c = s.customer(cu).unwrap();
        assert_eq!(c.name, "PP--2");
        assert!(c.data_package.is_some());
    }
}
