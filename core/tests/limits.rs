//! Every named limit at limit - 1, limit and limit + 1.

use xray_segment::limits::*;
use xray_segment::request::process;
use xray_segment::{validate, verdict, Code, Verdict};

const HEAD: &str = r#"{"id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1478293361.271,"end_time":1478293361.449,"name":"#;

fn segment_named(name: &str) -> String {
    format!("{HEAD}{}}}", serde_json::to_string(name).unwrap())
}

fn with(extra: &str) -> String {
    format!("{HEAD}\"svc\",{extra}}}")
}

fn codes(doc: &str) -> Vec<Code> {
    validate(doc.as_bytes()).codes()
}

#[test]
fn name_length() {
    assert_eq!(
        codes(&segment_named(&"a".repeat(MAX_NAME_CHARS - 1))),
        vec![]
    );
    assert_eq!(codes(&segment_named(&"a".repeat(MAX_NAME_CHARS))), vec![]);
    assert_eq!(
        codes(&segment_named(&"a".repeat(MAX_NAME_CHARS + 1))),
        vec![Code::NameLength]
    );
    // Non-BMP letters count once each.
    assert_eq!(
        codes(&segment_named(&"\u{10400}".repeat(MAX_NAME_CHARS))),
        vec![]
    );
}

#[test]
fn nesting_depth() {
    // The segment object is level 1, metadata 2; the namespace value and below are arrays.
    let nested = |levels: usize| {
        let arrays = levels - 2;
        with(&format!(
            r#""metadata":{{"n":{}{}}}"#,
            "[".repeat(arrays),
            "]".repeat(arrays)
        ))
    };
    assert_eq!(
        codes(&nested(MAX_DEPTH - 1)),
        vec![Code::MetadataNamespaceType]
    );
    assert_eq!(codes(&nested(MAX_DEPTH)), vec![Code::MetadataNamespaceType]);
    assert_eq!(codes(&nested(MAX_DEPTH + 1)), vec![Code::JsonDepth]);
}

#[test]
fn hostile_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let doc = "[".repeat(100_000);
    assert_eq!(codes(&doc), vec![Code::JsonDepth]);
}

fn padded(total: usize) -> String {
    let base = with(r#""metadata":{"d":{"p":""}}"#);
    let pad = total - base.len();
    with(&format!(
        r#""metadata":{{"d":{{"p":"{}"}}}}"#,
        "x".repeat(pad)
    ))
}

#[test]
fn document_bytes() {
    for (n, expect) in [
        (AMBIGUOUS_DOCUMENT_BYTES, vec![]),
        (
            AMBIGUOUS_DOCUMENT_BYTES + 1,
            vec![Code::DocumentSizeAmbiguous],
        ),
        (MAX_DOCUMENT_BYTES - 1, vec![Code::DocumentSizeAmbiguous]),
        (MAX_DOCUMENT_BYTES, vec![Code::DocumentSizeAmbiguous]),
        (MAX_DOCUMENT_BYTES + 1, vec![Code::DocumentSize]),
    ] {
        let doc = padded(n);
        assert_eq!(doc.len(), n);
        assert_eq!(codes(&doc), expect, "{n} bytes");
    }
    let Verdict::Unprocessed(u) = verdict(&validate(padded(MAX_DOCUMENT_BYTES + 1).as_bytes()))
    else {
        panic!()
    };
    assert_eq!(u.error_code, "InvalidSegment");
    assert_eq!(u.id.as_deref(), Some("70de5b6f19ff9a0a"));
}

#[test]
fn string_annotation_key_and_value_lengths() {
    let user = |n: usize| with(&format!(r#""user":"{}""#, "u".repeat(n)));
    assert_eq!(codes(&user(MAX_STRING_CHARS - 1)), vec![]);
    assert_eq!(codes(&user(MAX_STRING_CHARS)), vec![]);
    assert_eq!(codes(&user(MAX_STRING_CHARS + 1)), vec![Code::StringLength]);
    let key = |n: usize| with(&format!(r#""annotations":{{"{}":1}}"#, "k".repeat(n)));
    assert_eq!(codes(&key(MAX_ANNOTATION_KEY_CHARS - 1)), vec![]);
    assert_eq!(codes(&key(MAX_ANNOTATION_KEY_CHARS)), vec![]);
    assert_eq!(
        codes(&key(MAX_ANNOTATION_KEY_CHARS + 1)),
        vec![Code::AnnotationKeyLength]
    );
    let value = |n: usize| with(&format!(r#""annotations":{{"k":"{}"}}"#, "v".repeat(n)));
    assert_eq!(codes(&value(MAX_ANNOTATION_VALUE_CHARS - 1)), vec![]);
    assert_eq!(codes(&value(MAX_ANNOTATION_VALUE_CHARS)), vec![]);
    assert_eq!(
        codes(&value(MAX_ANNOTATION_VALUE_CHARS + 1)),
        vec![Code::AnnotationValueLength]
    );
}

#[test]
fn annotation_count() {
    let n = |count: usize| {
        let members: Vec<String> = (0..count).map(|i| format!(r#""k{i}":{i}"#)).collect();
        with(&format!(r#""annotations":{{{}}}"#, members.join(",")))
    };
    assert_eq!(codes(&n(MAX_ANNOTATIONS - 1)), vec![]);
    assert_eq!(codes(&n(MAX_ANNOTATIONS)), vec![]);
    assert_eq!(codes(&n(MAX_ANNOTATIONS + 1)), vec![Code::AnnotationCount]);
}

#[test]
fn documents_per_request() {
    let body = |count: usize| {
        let doc = serde_json::to_string(&with("\"fault\":false")).unwrap();
        format!(
            r#"{{"TraceSegmentDocuments":[{}]}}"#,
            vec![doc; count].join(",")
        )
    };
    assert_eq!(
        process(body(MAX_DOCUMENTS_PER_REQUEST - 1).as_bytes(), |_| {})
            .unwrap()
            .documents,
        49
    );
    assert_eq!(
        process(body(MAX_DOCUMENTS_PER_REQUEST).as_bytes(), |_| {})
            .unwrap()
            .documents,
        50
    );
    let err = process(body(MAX_DOCUMENTS_PER_REQUEST + 1).as_bytes(), |_| {}).unwrap_err();
    assert_eq!(
        (err.status, err.error_type, err.message.as_str()),
        (
            400,
            "InvalidRequestException",
            "Exceeding maximum segment count: 50"
        )
    );
}
