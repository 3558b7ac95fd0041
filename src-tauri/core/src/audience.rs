//! Who is looking. A consultant sees both sides of the money; a client (the window's client view,
//! the proposal PDF) sees only SELL objects' external names and descriptions and SELL amounts:
//! no BUY figure, no margin and no internal name (domain.md §9, "Client view"). Everything that
//! renders money for people (charts, the proposal, the commercials report) takes an
//! [`Audience`] and asks it, so the rule lives here once.

use serde::{Deserialize, Serialize};

use crate::model::Plan;

/// Who a rendering is for.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// The consultant: BUY figures, margins and internal names shown.
    #[default]
    Consultant,
    /// The client: SELL external names and amounts only.
    Client,
}

impl Audience {
    /// Whether BUY amounts, margins and markups may be shown.
    pub fn sees_buy(self) -> bool {
        self == Audience::Consultant
    }

    /// Whether internal (staff) names and descriptions may be shown.
    pub fn sees_internal_names(self) -> bool {
        self == Audience::Consultant
    }

    /// The name this audience reads for `plan`: the external name for a client (never the
    /// internal one, even when the external name is blank: then the plan's id), the internal
    /// name for the consultant.
    pub fn name_of(self, plan: &Plan) -> String {
        match self {
            Audience::Consultant => plan.internal_name.clone(),
            Audience::Client => match plan.external_name.as_deref().map(str::trim) {
                Some(n) if !n.is_empty() => n.to_string(),
                _ => plan.id.to_string(),
            },
        }
    }

    /// The description this audience reads for `plan`, if any.
    pub fn description_of(self, plan: &Plan) -> Option<&str> {
        let d = match self {
            Audience::Consultant => plan.description.as_deref(),
            Audience::Client => plan.external_description.as_deref(),
        };
        d.map(str::trim).filter(|d| !d.is_empty())
    }
}
