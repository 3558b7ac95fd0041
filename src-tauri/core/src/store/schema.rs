//! The catalog's SQLite schema as an ordered list of migrations. A migration is applied once,
//! inside one transaction with the version bump, so a catalog is always at exactly one version.
//! Never edit a released migration: add a new one. The undo triggers are derived from the
//! tables after every migration (see `history`), so a new column is captured automatically.

/// `PRAGMA application_id` of every Plansmith catalog ("PLSM").
pub(crate) const APPLICATION_ID: i32 = 0x504C_534D;

/// Migrations, in order; index + 1 is the `user_version` a catalog has after applying it.
pub(crate) const MIGRATIONS: &[&str] = &[MIGRATION_1, crate::rating::store::MIGRATION];

/// The schema version this binary writes.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Tables whose rows are catalog content: every change to them is captured for undo/redo and
/// they are what the interchange JSON holds. (Audit log and history are not content.)
pub(crate) const CONTENT_TABLES: &[&str] = &[
    "settings",
    "service_type",
    "bolt_on_category",
    "tariff",
    "package_plan",
    "service_plan",
    "package_plan_service_plan",
    "service_plan_included_value",
    "bolt_on",
    "bolt_on_add_on",
    "add_on_quota",
    "bolt_on_group",
    "bolt_on_group_member",
    "add_on_group_member",
    "bolt_on_link",
    "allowance",
    "customer",
    "site",
    "structure",
    "structure_member",
    "scenario",
];

const MIGRATION_1: &str = r#"
CREATE TABLE settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    catalog_id TEXT NOT NULL,
    name TEXT NOT NULL,
    provider TEXT NOT NULL,
    tier TEXT NOT NULL CHECK (tier IN ('wholesale', 'retail')),
    currency TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE service_type (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('data', 'voice', 'other')),
    auto_provisioned INTEGER NOT NULL CHECK (auto_provisioned IN (0, 1))
);

CREATE TABLE bolt_on_category (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE tariff (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    service_type TEXT NOT NULL REFERENCES service_type(code),
    bolt_on_category TEXT REFERENCES bolt_on_category(code)
);

CREATE TABLE package_plan (
    id INTEGER PRIMARY KEY,
    side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    internal_name TEXT NOT NULL,
    external_name TEXT,
    reference_name TEXT,
    reference_key TEXT,
    import_reference TEXT,
    description TEXT,
    external_description TEXT,
    buy_counterpart INTEGER REFERENCES package_plan(id),
    setup_fee INTEGER,
    access_fee INTEGER,
    recurring INTEGER NOT NULL CHECK (recurring IN (0, 1)),
    pro_rata INTEGER NOT NULL CHECK (pro_rata IN (0, 1)),
    saleable_from TEXT,
    saleable_to TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'live', 'retired')),
    production_id TEXT,
    weighting INTEGER NOT NULL,
    iv_type TEXT CHECK (iv_type IN ('dollar', 'kilobytes', 'units', 'seconds')),
    iv_amount INTEGER,
    CHECK ((iv_type IS NULL) = (iv_amount IS NULL))
);
CREATE INDEX package_plan_name ON package_plan(side, internal_name);
CREATE INDEX package_plan_counterpart ON package_plan(buy_counterpart);

CREATE TABLE service_plan (
    id INTEGER PRIMARY KEY,
    side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    internal_name TEXT NOT NULL,
    external_name TEXT,
    reference_name TEXT,
    reference_key TEXT,
    import_reference TEXT,
    description TEXT,
    external_description TEXT,
    service_type TEXT REFERENCES service_type(code),
    buy_counterpart INTEGER REFERENCES service_plan(id),
    setup_fee INTEGER,
    access_fee INTEGER,
    recurring INTEGER NOT NULL CHECK (recurring IN (0, 1)),
    pro_rata INTEGER NOT NULL CHECK (pro_rata IN (0, 1)),
    saleable_from TEXT,
    saleable_to TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'live', 'retired')),
    production_id TEXT,
    data_billing TEXT NOT NULL CHECK (data_billing IN ('none', 'own', 'pooled')),
    billing_type TEXT CHECK (billing_type IN ('volume')),
    quota_kb INTEGER,
    excess_rate INTEGER,
    charge_in_quota INTEGER NOT NULL CHECK (charge_in_quota IN (0, 1)),
    bonus_kb INTEGER,
    pool INTEGER REFERENCES service_plan(id)
);
CREATE INDEX service_plan_name ON service_plan(side, internal_name);
CREATE INDEX service_plan_counterpart ON service_plan(buy_counterpart);
CREATE INDEX service_plan_pool ON service_plan(pool);

CREATE TABLE package_plan_service_plan (
    package_plan INTEGER NOT NULL REFERENCES package_plan(id),
    service_plan INTEGER NOT NULL REFERENCES service_plan(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (package_plan, service_plan)
);
CREATE INDEX package_plan_service_plan_by_service ON package_plan_service_plan(service_plan);

CREATE TABLE service_plan_included_value (
    service_plan INTEGER NOT NULL REFERENCES service_plan(id),
    slot INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 4),
    value_type TEXT NOT NULL CHECK (value_type IN ('dollar', 'kilobytes', 'units', 'seconds')),
    amount INTEGER NOT NULL,
    PRIMARY KEY (service_plan, slot)
);

CREATE TABLE bolt_on (
    id INTEGER PRIMARY KEY,
    side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    internal_name TEXT NOT NULL,
    external_name TEXT,
    reference_name TEXT,
    reference_key TEXT,
    import_reference TEXT,
    description TEXT,
    external_description TEXT,
    service_type TEXT REFERENCES service_type(code),
    buy_counterpart INTEGER REFERENCES bolt_on(id),
    setup_fee INTEGER,
    access_fee INTEGER,
    recurring INTEGER NOT NULL CHECK (recurring IN (0, 1)),
    pro_rata INTEGER NOT NULL CHECK (pro_rata IN (0, 1)),
    saleable_from TEXT,
    saleable_to TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'live', 'retired')),
    production_id TEXT,
    bolt_on_category TEXT REFERENCES bolt_on_category(code),
    tariff TEXT REFERENCES tariff(code),
    iv_type TEXT CHECK (iv_type IN ('dollar', 'kilobytes', 'units', 'seconds')),
    iv_amount INTEGER,
    first_time_fee INTEGER,
    excess_rate INTEGER,
    CHECK ((iv_type IS NULL) = (iv_amount IS NULL))
);
CREATE INDEX bolt_on_name ON bolt_on(side, internal_name);
CREATE INDEX bolt_on_counterpart ON bolt_on(buy_counterpart);

CREATE TABLE bolt_on_add_on (
    id INTEGER PRIMARY KEY,
    side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    internal_name TEXT NOT NULL,
    external_name TEXT,
    reference_name TEXT,
    reference_key TEXT,
    import_reference TEXT,
    description TEXT,
    external_description TEXT,
    service_type TEXT REFERENCES service_type(code),
    buy_counterpart INTEGER REFERENCES bolt_on_add_on(id),
    setup_fee INTEGER,
    access_fee INTEGER,
    recurring INTEGER NOT NULL CHECK (recurring IN (0, 1)),
    pro_rata INTEGER NOT NULL CHECK (pro_rata IN (0, 1)),
    saleable_from TEXT,
    saleable_to TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'live', 'retired')),
    production_id TEXT,
    bolt_on_category TEXT REFERENCES bolt_on_category(code),
    tariff TEXT REFERENCES tariff(code),
    iv_type TEXT CHECK (iv_type IN ('dollar', 'kilobytes', 'units', 'seconds')),
    is_provisioned INTEGER NOT NULL CHECK (is_provisioned IN (0, 1)),
    provisioning_key TEXT,
    available_in_api INTEGER CHECK (available_in_api IN (0, 1)),
    available_in_user_portal INTEGER CHECK (available_in_user_portal IN (0, 1))
);
CREATE INDEX bolt_on_add_on_name ON bolt_on_add_on(side, internal_name);
CREATE INDEX bolt_on_add_on_counterpart ON bolt_on_add_on(buy_counterpart);

CREATE TABLE add_on_quota (
    add_on INTEGER NOT NULL REFERENCES bolt_on_add_on(id),
    slot INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 4),
    value_type TEXT NOT NULL CHECK (value_type IN ('dollar', 'kilobytes', 'units', 'seconds')),
    bonus_type TEXT CHECK (bonus_type IN ('none', 'at_start', 'at_end')),
    amount INTEGER NOT NULL,
    weight INTEGER,
    PRIMARY KEY (add_on, slot)
);

CREATE TABLE bolt_on_group (
    id INTEGER PRIMARY KEY,
    side TEXT NOT NULL CHECK (side IN ('BUY', 'SELL')),
    name TEXT NOT NULL,
    description TEXT
);

CREATE TABLE bolt_on_group_member (
    bolt_on_group INTEGER NOT NULL REFERENCES bolt_on_group(id),
    bolt_on INTEGER NOT NULL REFERENCES bolt_on(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (bolt_on_group, bolt_on)
);
CREATE INDEX bolt_on_group_member_by_bolt_on ON bolt_on_group_member(bolt_on);

CREATE TABLE add_on_group_member (
    bolt_on INTEGER NOT NULL REFERENCES bolt_on(id),
    add_on INTEGER NOT NULL REFERENCES bolt_on_add_on(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (bolt_on, add_on)
);
CREATE INDEX add_on_group_member_by_add_on ON add_on_group_member(add_on);

CREATE TABLE bolt_on_link (
    id INTEGER PRIMARY KEY,
    service_plan INTEGER NOT NULL REFERENCES service_plan(id),
    bolt_on INTEGER NOT NULL REFERENCES bolt_on(id),
    behaviour TEXT CHECK (behaviour IN ('forced_irremovable', 'forced_removable', 'optional')),
    UNIQUE (service_plan, bolt_on)
);
CREATE INDEX bolt_on_link_by_bolt_on ON bolt_on_link(bolt_on);

CREATE TABLE allowance (
    id INTEGER PRIMARY KEY,
    bolt_on_link INTEGER NOT NULL REFERENCES bolt_on_link(id),
    add_on INTEGER NOT NULL REFERENCES bolt_on_add_on(id),
    max_occurrence INTEGER NOT NULL,
    description TEXT,
    buy_parent INTEGER REFERENCES allowance(id),
    UNIQUE (bolt_on_link, add_on)
);
CREATE INDEX allowance_by_add_on ON allowance(add_on);
CREATE INDEX allowance_by_parent ON allowance(buy_parent);

CREATE TABLE customer (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    data_package INTEGER REFERENCES package_plan(id)
);

CREATE TABLE site (
    id INTEGER PRIMARY KEY,
    customer INTEGER NOT NULL REFERENCES customer(id),
    name TEXT NOT NULL,
    technology TEXT NOT NULL,
    speed TEXT NOT NULL,
    service_identifier TEXT,
    tail_package INTEGER REFERENCES package_plan(id)
);
CREATE INDEX site_by_customer ON site(customer);
CREATE INDEX site_by_tail ON site(tail_package);

CREATE TABLE structure (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('shared_data', 'bolt_on_add_on')),
    name TEXT NOT NULL,
    customer INTEGER REFERENCES customer(id)
);

CREATE TABLE structure_member (
    structure INTEGER NOT NULL REFERENCES structure(id),
    object TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('data', 'tail', 'member')),
    position INTEGER NOT NULL,
    PRIMARY KEY (structure, object)
);
CREATE INDEX structure_member_by_object ON structure_member(object);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT,
    detail TEXT NOT NULL
);

-- Undo/redo: one row per user-facing change; its entries are the SQL statements that invert
-- it, in the order they were captured. `undone = 1` rows form the redo stack.
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
);
CREATE INDEX history_undone ON history(undone, id);

CREATE TABLE history_entry (
    id INTEGER PRIMARY KEY,
    history INTEGER NOT NULL REFERENCES history(id),
    stmt TEXT NOT NULL
);
CREATE INDEX history_entry_by_history ON history_entry(history, id);

-- While a change runs, its history id is here and the triggers capture into it.
CREATE TABLE history_capture (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    history INTEGER
);
INSERT INTO history_capture (id, history) VALUES (1, NULL);
"#;
