//! The starter set of reference data a new catalog is seeded with (domain.md §2: per catalog,
//! editable, realistic): Australian service types, bolt-on categories and tariffs, so a new
//! catalog is usable at once. Part of the store because creating a catalog writes it.

use rusqlite::{Connection, params};

use crate::error::Result;

/// (code, name, category, auto_provisioned)
pub(crate) const STARTER_SERVICE_TYPES: &[(&str, &str, &str, bool)] = &[
    ("IPLINE", "AAPT IP-Line business internet", "data", false),
    ("NBN", "NBN business broadband", "data", false),
    ("MOBILE", "Mobile voice and data", "voice", true),
    ("MBB", "Mobile broadband", "data", true),
    ("VOIP", "Hosted voice (SIP)", "voice", false),
    ("EQUIP", "Equipment and one-off charges", "other", false),
];

/// (code, name)
pub(crate) const STARTER_CATEGORIES: &[(&str, &str)] =
    &[("DATA", "Data"), ("VOICE", "Voice"), ("SMS", "SMS"), ("INTL", "International roaming")];

/// (code, name, service type, bolt-on category)
pub(crate) const STARTER_TARIFFS: &[(&str, &str, &str, Option<&str>)] = &[
    ("IPL-STD", "IP-Line standard usage", "IPLINE", None),
    ("NBN-STD", "NBN standard usage", "NBN", None),
    ("MOB-STD", "Mobile standard usage", "MOBILE", None),
    ("MOB-DATA", "Mobile data bolt-on usage", "MOBILE", Some("DATA")),
    ("MOB-SMS", "Mobile SMS bolt-on usage", "MOBILE", Some("SMS")),
    ("MBB-DATA", "Mobile broadband data bolt-on usage", "MBB", Some("DATA")),
    ("VOIP-STD", "Hosted voice standard calls", "VOIP", None),
];

/// Adds the starter set; rows whose code already exists are left as they are.
pub(crate) fn seed_starter_set(conn: &Connection) -> Result<()> {
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
