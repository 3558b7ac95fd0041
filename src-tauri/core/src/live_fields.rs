//! The fields a live object may still change (domain.md §5, rule LIF-02), as one table: the
//! editor's detail sends it to the window (`ObjectDetail::editable_when_live`), and the change
//! API's lock must agree with it (the test below holds `PlanField::editable_when_live` to it).

use crate::id::EntityKind::{self, ServicePlan};

/// The plan kinds, which every plan field below applies to unless it names its kinds.
const PLANS: &[EntityKind] = &EntityKind::PLANS;

/// (canonical field name, the plan kinds for which it stays editable once live).
pub(crate) const EDITABLE_WHEN_LIVE: &[(&str, &[EntityKind])] = &[
    ("internal_name", PLANS),
    ("external_name", PLANS),
    ("reference_name", PLANS),
    ("reference_key", PLANS),
    ("import_reference", PLANS),
    ("description", PLANS),
    ("external_description", PLANS),
    // A service plan's data billing quota and excess rate.
    ("quota_kb", &[ServicePlan]),
    ("excess_rate", &[ServicePlan]),
];

/// True when `field` of a live object of `kind` may still change.
pub(crate) fn editable_when_live(field: &str, kind: EntityKind) -> bool {
    EDITABLE_WHEN_LIVE.iter().any(|(name, kinds)| *name == field && kinds.contains(&kind))
}

/// The canonical names of the fields a live object of `kind` may still change, in the table's
/// order (none for kinds that are not plans).
pub(crate) fn fields_editable_when_live(kind: EntityKind) -> Vec<String> {
    EDITABLE_WHEN_LIVE.iter().filter(|(_, kinds)| kinds.contains(&kind)).map(|(name, _)| name.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PlanField;

    /// Every plan field name, as serde lists them when it meets an unknown one.
    fn every_field_name() -> Vec<String> {
        let e = serde_json::from_str::<PlanField>(r#"{"field": "no_such_field", "value": null}"#).unwrap_err();
        let text = e.to_string();
        let listed = text.split("expected one of").nth(1).expect("serde lists the variants");
        listed.split('`').skip(1).step_by(2).map(str::to_owned).collect()
    }

    /// A value of the field `name`, whatever its type.
    fn some_value_of(name: &str) -> PlanField {
        let candidates = [r#"null"#, r#""x""#, "false", "0", "[]", r#""BUY""#, r#""none""#];
        candidates
            .iter()
            .find_map(|v| serde_json::from_str(&format!(r#"{{"field": "{name}", "value": {v}}}"#)).ok())
            .unwrap_or_else(|| panic!("no sample value for plan field {name}"))
    }

    #[test]
    fn the_change_api_locks_exactly_what_the_table_leaves_open() {
        let names = every_field_name();
        assert!(names.len() > 30 && names.contains(&"quota_kb".to_string()), "{names:?}");
        for (name, _) in EDITABLE_WHEN_LIVE {
            assert!(names.iter().any(|n| n == name), "{name} is not a plan field");
        }
        for name in &names {
            let field = some_value_of(name);
            for kind in EntityKind::PLANS {
                assert_eq!(
                    field.editable_when_live(kind),
                    editable_when_live(name, kind),
                    "{name} of a live {kind:?}: the change API and the table disagree"
                );
            }
        }
        assert_eq!(fields_editable_when_live(ServicePlan).len(), 9);
        assert_eq!(fields_editable_when_live(EntityKind::BoltOn).len(), 7);
        assert!(fields_editable_when_live(EntityKind::Site).is_empty());
    }
}
