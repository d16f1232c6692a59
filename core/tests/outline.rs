//! The outline the validator notes on request: the same ids, names and times a JSON reader
//! finds, in document order, with embedded subsegments pointing at their enclosing entity.

use proptest::prelude::*;
use serde_json::Value;
use xray_segment::outline::EntityOutline;
use xray_segment::strategies::{independent_subsegment, segment};
use xray_segment::{validate, validate_into, Report};

fn outline(doc: &str) -> Vec<EntityOutline> {
    let mut report = Report::outlining();
    validate_into(doc.as_bytes(), &mut report);
    report.outline().to_vec()
}

/// One entity's outline as plain values, decoded from the document.
#[derive(Debug, PartialEq)]
struct Plain {
    parent: Option<usize>,
    id: Option<String>,
    name: Option<String>,
    trace_id: Option<String>,
    parent_id: Option<String>,
    start_time: Option<f64>,
    end_time: Option<f64>,
    in_progress: bool,
    subsegment_type: bool,
}

fn plain(doc: &str) -> Vec<Plain> {
    let text = |t: &Option<xray_segment::outline::TextAt>| {
        t.as_ref().map(|t| t.text(doc.as_bytes()).into_owned())
    };
    outline(doc)
        .iter()
        .map(|o| Plain {
            parent: o.parent,
            id: text(&o.id),
            name: text(&o.name),
            trace_id: text(&o.trace_id),
            parent_id: text(&o.parent_id),
            start_time: o.start_time,
            end_time: o.end_time,
            in_progress: o.in_progress,
            subsegment_type: o.subsegment_type,
        })
        .collect()
}

/// The same facts read with serde_json, entities in document order.
fn by_serde(v: &Value, parent: Option<usize>, out: &mut Vec<Plain>) {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let me = out.len();
    out.push(Plain {
        parent,
        id: s("id"),
        name: s("name"),
        trace_id: s("trace_id"),
        parent_id: s("parent_id"),
        start_time: v.get("start_time").and_then(Value::as_f64),
        end_time: v.get("end_time").and_then(Value::as_f64),
        in_progress: v.get("in_progress").and_then(Value::as_bool) == Some(true),
        subsegment_type: v.get("type").and_then(Value::as_str) == Some("subsegment"),
    });
    for sub in v
        .get("subsegments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        by_serde(sub, Some(me), out);
    }
}

#[test]
fn a_nested_document() {
    let doc = r#"{"name":"a\u0062c","id":"0000000000000001","trace_id":"1-581cf771-a006649127e371903a2de979",
        "start_time":10,"end_time":20.5,"subsegments":[
          {"name":"s1","id":"0000000000000002","start_time":11,"in_progress":true,
           "subsegments":[{"name":"s2","id":"0000000000000003","start_time":12,"end_time":13}]},
          {"name":"s3","id":"0000000000000004","start_time":14,"end_time":15}]}"#;
    let got = plain(doc);
    let parents: Vec<Option<usize>> = got.iter().map(|p| p.parent).collect();
    assert_eq!(parents, [None, Some(0), Some(1), Some(0)]);
    let names: Vec<&str> = got.iter().map(|p| p.name.as_deref().unwrap()).collect();
    assert_eq!(names, ["abc", "s1", "s2", "s3"]);
    assert_eq!(got[0].end_time, Some(20.5));
    assert!(got[1].in_progress && got[1].end_time.is_none());
    assert_eq!(
        got[0].trace_id.as_deref(),
        Some("1-581cf771-a006649127e371903a2de979")
    );
}

#[test]
fn wrong_types_and_repeated_keys() {
    let doc = r#"{"name":"first","name":"last","id":5,"trace_id":"1-581cf771-a006649127e371903a2de979",
        "type":"subsegment","parent_id":"00000000000000ff","start_time":"10","in_progress":"yes"}"#;
    let got = plain(doc);
    assert_eq!(
        got,
        [Plain {
            parent: None,
            id: None,
            name: Some("last".into()),
            trace_id: Some("1-581cf771-a006649127e371903a2de979".into()),
            parent_id: Some("00000000000000ff".into()),
            start_time: None,
            end_time: None,
            in_progress: false,
            subsegment_type: true,
        }]
    );
}

#[test]
fn only_when_asked_and_only_for_a_parsed_object() {
    let doc = r#"{"name":"a","id":"0000000000000001","start_time":1,"end_time":2}"#;
    assert!(validate(doc.as_bytes()).outline().is_empty());
    assert_eq!(outline(doc).len(), 1);
    for broken in [
        r#"{"name":"a","id":"0000000000000001","#,
        "[1,2]",
        "\u{feff}{}",
    ] {
        assert!(outline(broken).is_empty(), "{broken}");
    }
    // A reused report keeps outlining and forgets the previous document's entities.
    let mut report = Report::outlining();
    validate_into(doc.as_bytes(), &mut report);
    validate_into(b"{\"subsegments\":[{},{}]}", &mut report);
    assert_eq!(report.outline().len(), 3);
}

proptest! {
    /// `serve` keeps one report from one request to the next: each document's report and
    /// verdict must be those a new report gives, whatever the requests before held.
    #[test]
    fn a_report_kept_across_requests_says_what_a_new_one_does(
        bodies in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![segment(), independent_subsegment()], 1..4), 1..4),
    ) {
        let mut kept = Report::outlining();
        for docs in &bodies {
            let texts: Vec<String> = docs.iter().map(|e| serde_json::to_string(e).unwrap()).collect();
            let body = serde_json::json!({ "TraceSegmentDocuments": texts }).to_string();
            let mut seen = vec![];
            xray_segment::request::process_with(body.as_bytes(), &mut kept, |ev| {
                seen.push((ev.report.clone(), ev.verdict.clone()));
            }).unwrap();
            prop_assert_eq!(seen.len(), texts.len());
            for ((report, verdict), text) in seen.iter().zip(&texts) {
                let mut new = Report::outlining();
                validate_into(text.as_bytes(), &mut new);
                prop_assert_eq!(report, &new);
                prop_assert_eq!(verdict, &xray_segment::verdict(&new));
            }
        }
    }

    /// Text is only ever read from the outline's own document, but any bytes and any range
    /// give an answer, never a panic.
    #[test]
    fn text_from_any_bytes_never_panics(
        doc in proptest::collection::vec(prop_oneof![Just(b'\\'), Just(b'u'), Just(b'1'), any::<u8>()], 0..40),
        start in 0usize..50,
        len in 0usize..50,
        escaped in any::<bool>(),
    ) {
        let t = xray_segment::outline::TextAt { range: start..start + len, escaped };
        let _ = t.text(&doc);
    }

    #[test]
    fn the_outline_is_what_a_json_reader_finds(
        e in prop_oneof![segment(), independent_subsegment()],
        ascii in any::<bool>(),
    ) {
        let mut doc = serde_json::to_string(&e).unwrap();
        if ascii {
            // Every non-ASCII character as a \u escape, so the escaped paths are read too.
            doc = doc.chars().map(|c| if c.is_ascii() { c.to_string() } else {
                let mut b = [0u16; 2];
                c.encode_utf16(&mut b).iter().map(|u| format!("\\u{u:04x}")).collect()
            }).collect();
        }
        let v: Value = serde_json::from_str(&doc).unwrap();
        let mut want = Vec::new();
        by_serde(&v, None, &mut want);
        prop_assert_eq!(plain(&doc), want);
    }
}
