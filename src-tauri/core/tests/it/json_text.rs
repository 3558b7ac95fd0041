//! Our pretty JSON writer (`plansmith_core::json`) writes exactly the bytes serde_json's pretty
//! printer writes: the canonical interchange text (`dump`, a bundle's `catalog.json`) must not
//! change because it is written faster. Held on the demo, on a generated catalog, on random
//! JSON values (every escape, empty and nested arrays and objects, numbers of every kind) and on
//! every shape of serde's data model.

use std::collections::BTreeMap;

use plansmith_core::interchange::{self, Document, DocumentRef};
use plansmith_core::model::Tier;
use plansmith_core::synth::{self, SynthSpec};
use plansmith_core::{Catalog, NewCatalog, Stamp, Timestamp, demo, json};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::Value;

fn stamp() -> Stamp {
    Stamp::new("Ava Nguyen", Timestamp::from_unix_seconds(1_767_225_600))
}

/// Both writers, every way ours is called, give serde_json's bytes.
fn assert_same<T: Serialize + ?Sized>(value: &T) {
    let theirs = serde_json::to_string_pretty(value).unwrap();
    let ours = json::to_string_pretty(value).unwrap();
    assert_eq!(ours, theirs);
    let mut written = Vec::new();
    json::to_writer_pretty(&mut written, value).unwrap();
    assert_eq!(written, theirs.as_bytes());
    assert_eq!(json::to_vec_pretty(value).unwrap(), theirs.as_bytes());
}

#[test]
fn the_demo_document_is_written_as_serde_json_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let cat = demo::write_demo(&dir.path().join("demo.plansmith"), &stamp()).unwrap();
    let doc = interchange::document(&cat).unwrap();
    assert!(!doc.audit_log.is_empty() || !doc.package_plans.is_empty());
    assert_same(&doc);
    let mut expected = serde_json::to_string_pretty(&{
        let mut d = doc.clone();
        d.sort();
        d
    })
    .unwrap();
    expected.push('\n');
    assert_eq!(doc.to_json(), expected, "Document::to_json is the canonical text");
    // A borrowed document writes the same text, and so does one borrowed from a snapshot.
    assert_eq!(json::to_string_pretty(&doc.as_ref()).unwrap(), serde_json::to_string_pretty(&doc).unwrap());
    let snapshot = cat.snapshot().unwrap();
    let from_snapshot = Document::from_snapshot(snapshot.clone(), Vec::new());
    assert_eq!(
        json::to_string_pretty(&DocumentRef::of_snapshot(&snapshot)).unwrap(),
        serde_json::to_string_pretty(&from_snapshot).unwrap()
    );
    assert_eq!(DocumentRef::of_snapshot(&snapshot).to_document(), from_snapshot);
}

#[test]
fn a_generated_catalog_is_written_as_serde_json_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let new = NewCatalog {
        catalog_id: "gen".into(),
        name: "Generated \"quoted\" \\ catalog\t".into(),
        provider: "Gen Telco".into(),
        tier: Tier::Wholesale,
        currency: "AUD".into(),
    };
    let mut cat = Catalog::create(&dir.path().join("gen.plansmith"), &new, &stamp()).unwrap();
    let spec = SynthSpec { bolt_on_structures: 20, shared_data_structures: 20, ..SynthSpec::default() };
    synth::generate(&mut cat, &spec, 3).unwrap();
    let doc: Document = interchange::document(&cat).unwrap();
    assert!(doc.package_plans.len() > 40);
    assert_same(&doc);
}

#[test]
fn a_piece_boundary_inside_a_string_or_a_number_changes_nothing() {
    // Longer than several pieces, with long strings straddling them.
    let long: Vec<String> = (0..40).map(|i| format!("{i}:{}", "é\"\\\u{1}x".repeat(2000 + i))).collect();
    let numbers: Vec<i64> = (0..50_000).map(|i| i * 7919 - 100_000).collect();
    assert_same(&(long, numbers));
}

#[derive(Serialize)]
struct Unit;

#[derive(Serialize)]
struct Newtype(i32);

#[derive(Serialize)]
struct Tuple(u8, &'static str, Option<bool>);

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Shapes {
    Plain,
    Wrapped(Vec<u16>),
    Pair(i8, char),
    NoFields(),
    Fields { a: Option<f64>, b: BTreeMap<String, Vec<()>> },
    NoNamedFields {},
}

#[derive(Serialize)]
struct Everything {
    unit: (),
    unit_struct: Unit,
    newtype: Newtype,
    tuple: Tuple,
    empty_tuple: (),
    shapes: Vec<Shapes>,
    bytes: serde_bytes_like::Bytes,
    no_bytes: serde_bytes_like::Bytes,
    int_keys: BTreeMap<i64, &'static str>,
    unsigned_keys: BTreeMap<u8, u128>,
    char_keys: BTreeMap<char, i128>,
    enum_keys: BTreeMap<Key, f32>,
    nested_empty: Vec<Vec<Vec<u8>>>,
    floats: Vec<f64>,
    ids: Vec<plansmith_core::Id>,
    dates: Vec<plansmith_core::Date>,
    at: Timestamp,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Alpha,
    Beta,
}

/// Bytes serialised as bytes (serde's `serialize_bytes`), without another dependency.
mod serde_bytes_like {
    pub struct Bytes(pub Vec<u8>);
    impl serde::Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }
}

#[test]
fn every_shape_of_the_data_model_is_written_as_serde_json_writes_it() {
    let value = Everything {
        unit: (),
        unit_struct: Unit,
        newtype: Newtype(-7),
        tuple: Tuple(255, "t\u{7f}\u{1f}", None),
        empty_tuple: (),
        shapes: vec![
            Shapes::Plain,
            Shapes::Wrapped(vec![]),
            Shapes::Wrapped(vec![1, 2]),
            Shapes::Pair(-1, '"'),
            Shapes::NoFields(),
            Shapes::Fields { a: Some(1.5e300), b: BTreeMap::from([("k\n".to_string(), vec![(), ()])]) },
            Shapes::Fields { a: None, b: BTreeMap::new() },
            Shapes::NoNamedFields {},
        ],
        bytes: serde_bytes_like::Bytes(vec![0, 127, 255]),
        no_bytes: serde_bytes_like::Bytes(vec![]),
        int_keys: BTreeMap::from([(-3, "minus"), (0, ""), (i64::MAX, "max")]),
        unsigned_keys: BTreeMap::from([(0, 0), (255, u128::MAX)]),
        char_keys: BTreeMap::from([('\\', i128::MIN), ('東', 1)]),
        enum_keys: BTreeMap::from([(Key::Alpha, 0.1), (Key::Beta, -0.0)]),
        nested_empty: vec![vec![], vec![vec![]], vec![vec![1], vec![]]],
        floats: vec![0.0, -1.25, 1e-7, f64::MAX, f64::NAN, f64::INFINITY],
        ids: vec!["PP-1".parse().unwrap(), "AO-12345".parse().unwrap()],
        dates: vec![plansmith_core::Date::new(2026, 7, 1).unwrap()],
        at: Timestamp::from_unix_seconds(1_767_225_600),
    };
    assert_same(&value);
    // Float keys (no float is `Ord`, so a map written by hand): quoted, as serde_json does.
    struct FloatKeys;
    impl Serialize for FloatKeys {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(Some(3))?;
            m.serialize_entry(&0.1f32, "f32")?;
            m.serialize_entry(&1.1f64, "f64")?;
            m.serialize_entry(&-2.5e-8f64, "small")?;
            m.end()
        }
    }
    assert_same(&FloatKeys);
    assert_same(&Shapes::Plain);
    assert_same(&Vec::<u8>::new());
    assert_same(&BTreeMap::<String, u8>::new());
    assert_same("every control character: \u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1b}\u{1f} and \" \\ / é 🚀");
}

#[test]
fn keys_that_json_cannot_hold_are_refused_by_both() {
    let map: BTreeMap<Vec<u8>, u8> = BTreeMap::from([(vec![1], 1)]);
    assert!(serde_json::to_string_pretty(&map).is_err());
    assert!(json::to_string_pretty(&map).is_err());
}

/// Any JSON value: text with every kind of character, every kind of number, arrays and
/// objects nested a few levels, empty ones included.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[\\x00-\\x7f]{0,12}".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_json_value_is_written_as_serde_json_writes_it(v in any_value()) {
        let theirs = serde_json::to_string_pretty(&v).unwrap();
        prop_assert_eq!(json::to_string_pretty(&v).unwrap(), theirs);
    }
}
