//! Properties over generated documents: valid ones are accepted with no diagnostic, a single
//! mutation yields exactly its code, layout never changes a verdict, and the model round-trips.

use proptest::prelude::*;
use serde_json::{json, Value};
use xray_segment::model::Entity;
use xray_segment::strategies::{independent_subsegment, segment};
use xray_segment::{validate, Code};

fn codes(doc: &str) -> Vec<Code> {
    validate(doc.as_bytes()).codes()
}

/// How `write` lays out JSON: separators, key order, and how strings are written.
struct Layout {
    open: &'static str,
    close: &'static str,
    open_array: &'static str,
    close_array: &'static str,
    member: &'static str,
    colon: &'static str,
    item: &'static str,
    reversed: bool,
    string: fn(&str, &mut String),
}

fn write(v: &Value, l: &Layout, out: &mut String) {
    match v {
        Value::Object(m) => {
            out.push_str(l.open);
            let members: Vec<_> = if l.reversed {
                m.iter().rev().collect()
            } else {
                m.iter().collect()
            };
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(l.member);
                }
                (l.string)(k, out);
                out.push_str(l.colon);
                write(v, l, out);
            }
            out.push_str(l.close);
        }
        Value::Array(a) => {
            out.push_str(l.open_array);
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(l.item);
                }
                write(v, l, out);
            }
            out.push_str(l.close_array);
        }
        Value::String(s) => (l.string)(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// Keys in reverse order and generous whitespace.
const REVERSED: Layout = Layout {
    open: "{\n ",
    close: " }",
    open_array: "[ ",
    close_array: " ]",
    member: " ,\r\n\t",
    colon: " : ",
    item: " , ",
    reversed: true,
    string: |s, out| out.push_str(&serde_json::to_string(s).unwrap()),
};

/// Compact, with every character of every key and string as a `\u` escape (a surrogate pair
/// past U+FFFF), which any JSON reader must read as the same text.
const ESCAPED: Layout = Layout {
    open: "{",
    close: "}",
    open_array: "[",
    close_array: "]",
    member: ",",
    colon: ":",
    item: ",",
    reversed: false,
    string: |s, out| {
        out.push('"');
        for c in s.chars() {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
        out.push('"');
    },
};

fn add_unknown_keys(v: &mut Value) {
    if let Value::Object(m) = v {
        m.insert(
            "zz_unknown".into(),
            json!({"nested": [1, {"x": null}], "s": "t"}),
        );
        m.insert("notTraced".into(), json!(true));
        if let Some(Value::Array(subs)) = m.get_mut("subsegments") {
            subs.iter_mut().for_each(add_unknown_keys);
        }
    }
}

/// A mutation of a valid top-level segment and the one code it must produce.
type Mutation = (fn(&mut serde_json::Map<String, Value>), Code);

fn mutations() -> Vec<Mutation> {
    vec![
        (|m| drop(m.remove("name")), Code::NameMissing),
        (
            |m| drop(m.insert("name".into(), json!("bad?name"))),
            Code::NameCharset,
        ),
        (|m| drop(m.insert("name".into(), json!(7))), Code::NameType),
        (
            |m| drop(m.insert("name".into(), json!("n".repeat(201)))),
            Code::NameLength,
        ),
        (|m| drop(m.remove("id")), Code::IdMissing),
        (
            |m| drop(m.insert("id".into(), json!("xyz"))),
            Code::IdFormat,
        ),
        (
            |m| drop(m.insert("id".into(), json!("ABCDEF0123456789"))),
            Code::HexUppercase,
        ),
        (|m| drop(m.remove("trace_id")), Code::TraceIdMissing),
        (
            |m| {
                drop(m.insert(
                    "trace_id".into(),
                    json!("2-581cf771-a006649127e371903a2de979"),
                ))
            },
            Code::TraceIdFormat,
        ),
        (
            |m| drop(m.insert("parent_id".into(), json!("nothex"))),
            Code::ParentIdFormat,
        ),
        (|m| drop(m.remove("start_time")), Code::StartTimeMissing),
        (
            |m| drop(m.insert("start_time".into(), json!("now"))),
            Code::StartTimeType,
        ),
        (
            |m| {
                m.remove("end_time");
                m.remove("in_progress");
            },
            Code::EndTimeMissing,
        ),
        (
            |m| {
                m.remove("in_progress");
                m.insert("end_time".into(), json!(false));
            },
            Code::EndTimeType,
        ),
        (
            |m| drop(m.insert("fault".into(), json!("yes"))),
            Code::FieldType,
        ),
        (
            |m| drop(m.insert("annotations".into(), json!({"bad key": 1}))),
            Code::AnnotationKey,
        ),
        (
            |m| drop(m.insert("annotations".into(), json!({"a.b": 1}))),
            Code::AnnotationKeyDot,
        ),
        (
            |m| drop(m.insert("annotations".into(), json!({"k": [1]}))),
            Code::AnnotationValueType,
        ),
        (
            |m| drop(m.insert("metadata".into(), json!({"AWS.x": {}}))),
            Code::MetadataReserved,
        ),
        (
            |m| drop(m.insert("metadata".into(), json!({"d": 1}))),
            Code::MetadataNamespaceType,
        ),
        (
            |m| drop(m.insert("cause".into(), json!("short"))),
            Code::CauseId,
        ),
        (
            |m| drop(m.insert("origin".into(), json!("AWS::Nowhere"))),
            Code::OriginValue,
        ),
        (
            |m| drop(m.insert("namespace".into(), json!("aws"))),
            Code::FieldPlacement,
        ),
        (
            |m| drop(m.insert("user".into(), json!("u".repeat(251)))),
            Code::StringLength,
        ),
        (
            |m| drop(m.insert("type".into(), json!("segment"))),
            Code::TypeValue,
        ),
        (
            |m| drop(m.insert("type".into(), json!("subsegment"))),
            Code::ParentIdMissing,
        ),
    ]
}

/// Strips what a mutation might collide with, so each yields exactly one code.
fn plain(mut e: Entity) -> Entity {
    e.user = None;
    e.origin = None;
    e.parent_id = None;
    e
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_segments_are_accepted_without_diagnostics(e in segment()) {
        let doc = e.to_json();
        prop_assert_eq!(codes(&doc), vec![], "{}", doc);
    }

    #[test]
    fn generated_independent_subsegments_are_accepted(e in independent_subsegment()) {
        let doc = e.to_json();
        let report = validate(doc.as_bytes());
        prop_assert!(report.independent_subsegment);
        prop_assert_eq!(report.codes(), vec![], "{}", doc);
    }

    #[test]
    fn model_round_trips(e in segment()) {
        let back = Entity::from_slice(e.to_json().as_bytes()).unwrap();
        prop_assert_eq!(back, e);
    }

    #[test]
    fn key_order_whitespace_and_unknown_keys_change_nothing(e in segment(), index in 0usize..26) {
        let mut v = serde_json::to_value(&e).unwrap();
        // Also on an invalid document: the codes must stay the same.
        if index % 2 == 0 {
            let (mutate, _) = mutations()[index];
            mutate(v.as_object_mut().unwrap());
        }
        let before = codes(&v.to_string());
        add_unknown_keys(&mut v);
        let mut shuffled = String::new();
        write(&v, &REVERSED, &mut shuffled);
        prop_assert_eq!(codes(&shuffled), before);
    }

    #[test]
    fn escaping_every_character_changes_nothing(e in segment(), index in 0usize..27) {
        // index 26 leaves the document valid; the others break one rule each.
        let mut v = serde_json::to_value(&e).unwrap();
        if index < 26 {
            let (mutate, _) = mutations()[index];
            mutate(v.as_object_mut().unwrap());
        }
        let mut escaped = String::new();
        write(&v, &ESCAPED, &mut escaped);
        prop_assert_eq!(codes(&escaped), codes(&v.to_string()), "{}", escaped);
    }

    #[test]
    fn the_schema_and_the_validator_agree(e in segment(), index in 0usize..27) {
        // index 26 leaves the document valid; the others break one rule each.
        let mut v = serde_json::to_value(plain(e)).unwrap();
        if index < 26 {
            let (mutate, _) = mutations()[index];
            mutate(v.as_object_mut().unwrap());
        }
        xray_segment::fuzzing::differential_schema(v.to_string().as_bytes());
    }

    #[test]
    fn each_mutation_yields_exactly_its_code(e in segment(), index in 0usize..26) {
        let mut v = serde_json::to_value(plain(e)).unwrap();
        let (mutate, code) = mutations()[index];
        mutate(v.as_object_mut().unwrap());
        prop_assert_eq!(codes(&v.to_string()), vec![code], "{}", v);
    }
}

#[test]
fn the_mutation_table_covers_every_index_used_above() {
    assert_eq!(mutations().len(), 26);
}

#[test]
fn times_compare_by_value_whatever_their_form() {
    // (start, end, whether end is before start). Plain decimals compare by their text, others
    // as doubles; mixed pairs and equal doubles from different texts must agree with doubles.
    let cases = [
        ("1.50", "1.5", false),
        ("1.5", "1.50", false),
        ("2", "2.0", false),
        ("10", "9.99", true),
        ("9.99", "10", false),
        ("0.5", "0", true),
        ("1700000000.4575002", "1700000000.457", true),
        ("1700000000.457", "1700000000.4575002", false),
        ("1.5e9", "1500000001", false),
        ("1500000001", "1.5e9", true),
        ("1700000000.1", "1700000000.10000000001", false),
        ("1700000000.10000000001", "1700000000.1", false),
        // Long decimals whose texts are in order but whose doubles are equal (7e-8 and 1e-8
        // apart, below a double's unit there): compared by their digits, they would be.
        ("1700000275.66345127", "1700000275.6634512", false),
        ("1700000275.66345122", "1700000275.66345121", false),
        ("1700000275.6634512000", "1700000275.6634512", false),
    ];
    for (start, end, before) in cases {
        let doc = format!(
            r#"{{"name":"n","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":{start},"end_time":{end}}}"#
        );
        let found = codes(&doc);
        assert_eq!(
            found.contains(&Code::TimeOrder),
            before,
            "{start} {end}: {found:?}"
        );
    }
}
