//! The bodies of the fuzz targets, here so that the cargo-fuzz targets (nightly) and the
//! replay tests (stable `cargo test`) run the very same code. Each function panics only when an
//! invariant breaks, which is what a fuzzer reports.

use arbitrary::{Arbitrary, Unstructured};

use crate::daemon::{parse_datagram, Datagram};
use crate::limits::MAX_DOCUMENT_BYTES;
use crate::model::{
    AnnotationValue, Cause, CauseDetails, Entity, Exception, Http, HttpRequest, HttpResponse,
    StackFrame,
};
use crate::request::{process, put_trace_segments, DOCUMENTS_MEMBER};
use crate::{validate, validate_into, verdict, Report, Severity, Verdict};

/// An independent subsegment without its name: what it leaves in a report (an id, a rejection,
/// a diagnostic, the subsegment flag) must not show in the next document's. One problem, not
/// several: this runs before every fuzz input, and each diagnostic costs allocations.
const ONE_PROBLEM: &[u8] = br#"{"type":"subsegment","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","parent_id":"70de5b6f19ff9a0b","start_time":1,"end_time":2}"#;

/// Any bytes: validation is deterministic, also in a report reused after a document with a
/// problem and in one that guesses the document's keys from having read it; the verdict agrees with the diagnostics; asking for the outline changes nothing
/// else and the outline points inside the document; and a valid document re-serialised is
/// still valid.
pub fn validate_bytes(data: &[u8]) {
    let report = validate(data);
    // The second validation, which checks determinism, runs in a report reused just after a
    // document with a problem: what that document left must not show. The report is made
    // here, not kept for the thread: memory kept from one input to the next made libFuzzer
    // run inputs again to look for leaks (a third of the fuzzer's time).
    let mut reused = Report::default();
    validate_into(ONE_PROBLEM, &mut reused);
    validate_into(data, &mut reused);
    assert_eq!(
        reused, report,
        "a second validation, in a reused report, differs from the first"
    );
    // A third reading guesses each entity key from the order the second one saw.
    validate_into(data, &mut reused);
    assert_eq!(
        reused, report,
        "a validation with keys guessed from the same document's order differs"
    );
    let mut outlined = Report::outlining();
    validate_into(data, &mut outlined);
    assert_eq!(outlined.diagnostics, report.diagnostics);
    assert_eq!(outlined.id(), report.id());
    for (i, e) in outlined.outline().iter().enumerate() {
        assert!(
            e.parent.is_none_or(|p| p < i),
            "a parent after its child: {e:?}"
        );
        let texts = [&e.id, &e.name, &e.trace_id, &e.parent_id];
        for t in texts.into_iter().flatten() {
            assert!(t.range.end <= data.len(), "text past the end: {t:?}");
            let _ = t.text(data);
        }
    }
    // UTF-8 is checked string by string while scanning; the verdict must still be that of a
    // check of the whole document first (after the byte order mark, reported on its own).
    let bad_utf8 = !data.starts_with(b"\xEF\xBB\xBF") && std::str::from_utf8(data).is_err();
    assert_eq!(
        report.codes().contains(&crate::Code::JsonUtf8),
        bad_utf8,
        "UTF-8 verdict differs from a whole-document check"
    );
    let v = verdict(&report);
    let rejects = report
        .diagnostics
        .iter()
        .any(|d| d.severity() == Severity::Reject);
    assert_eq!(v.is_accepted(), !rejects);
    for d in &report.diagnostics {
        assert!(
            d.offset.is_none_or(|o| o <= data.len()),
            "offset past the end: {d:?}"
        );
        let _ = d.line_col(data);
    }
    if let Verdict::Unprocessed(u) = &v {
        assert!(!u.error_code.is_empty() && !u.message.is_empty());
        if u.id.is_some() {
            assert_eq!(u.id.as_deref(), report.id());
        }
    }
    if v.is_accepted() {
        // serde_json refuses what the validator only lints (lone surrogates, 1e400); skip those.
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
            let again = value.to_string();
            if again.len() <= MAX_DOCUMENT_BYTES {
                let r = validate(again.as_bytes());
                assert!(
                    r.is_accepted(),
                    "a valid document re-serialised is invalid: {again}\n{:?}",
                    r.diagnostics
                );
            }
        }
    }
}

/// A raw body, or a batch built from the bytes: the response is well formed, entries are in
/// request order, every `Id` belongs to a sent document, no accepted document is listed.
pub fn put_request(data: &[u8]) {
    let body: Vec<u8> = match data.split_first() {
        Some((0, rest)) => {
            let docs: Vec<String> = rest
                .split(|&b| b == 0xFF)
                .map(|d| String::from_utf8_lossy(d).into_owned())
                .collect();
            serde_json::to_vec(&serde_json::json!({ "TraceSegmentDocuments": docs }))
                .unwrap_or_default()
        }
        _ => data.to_vec(),
    };
    let response = put_trace_segments(&body, "fuzz");
    assert!(
        response.status == 200 || response.status == 400,
        "status {}",
        response.status
    );
    assert!(response.header("x-amzn-requestid").is_some());
    let json: serde_json::Value =
        serde_json::from_slice(&response.body).expect("the response body is JSON");
    if response.status == 400 {
        assert_eq!(
            response.header("x-amzn-errortype"),
            Some("InvalidRequestException")
        );
        assert_eq!(json["__type"], "InvalidRequestException");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
        return;
    }
    let mut seen = Vec::new();
    let mut documents = Vec::new();
    let processed = process(&body, |ev| {
        documents.push(ev.document.to_vec());
        seen.push((
            ev.index,
            ev.report.id().map(str::to_owned),
            ev.verdict.clone(),
        ))
    })
    .expect("200 means processed");
    // Documents are decoded while the body is scanned: they must be what serde_json decodes
    // (where it can: it refuses lone surrogates, which decode to U+FFFD here).
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) {
        if let Some(list) = v.get(DOCUMENTS_MEMBER).and_then(|d| d.as_array()) {
            let decoded: Vec<Vec<u8>> = list
                .iter()
                .filter_map(|d| d.as_str())
                .map(|d| d.as_bytes().to_vec())
                .collect();
            assert_eq!(documents, decoded, "documents decoded differently");
        }
    }
    let expected: Vec<_> = seen
        .iter()
        .filter_map(|(_, _, v)| match v {
            Verdict::Unprocessed(u) => Some(u.clone()),
            Verdict::Accepted => None,
        })
        .collect();
    assert_eq!(
        processed.unprocessed, expected,
        "entries differ from the per-document verdicts or their order"
    );
    let entries = json["UnprocessedTraceSegments"].as_array().expect("a list");
    assert_eq!(entries.len(), expected.len());
    for e in entries {
        if let Some(id) = e.get("Id").and_then(|i| i.as_str()) {
            assert!(
                seen.iter()
                    .any(|(_, sid, v)| sid.as_deref() == Some(id) && !v.is_accepted()),
                "Id {id} is no rejected document's"
            );
        }
    }
}

/// Any datagram: the header split follows the daemon, and the document is validated safely.
pub fn udp_datagram(data: &[u8]) {
    match parse_datagram(data) {
        Datagram::Document(doc) => {
            let nl = data
                .iter()
                .position(|&b| b == b'\n')
                .expect("a document follows a newline");
            assert_eq!(doc, &data[nl + 1..]);
            assert!(!doc.is_empty());
            validate_bytes(doc);
        }
        Datagram::Otlp { prefix, body } => assert!(
            data.ends_with(body) && data.windows(prefix.len()).any(|w| w == prefix.as_bytes())
        ),
        Datagram::MissingHeaderOrSegment => {
            let nl = data.iter().position(|&b| b == b'\n');
            assert!(nl.is_none_or(|n| n + 1 == data.len()));
        }
        Datagram::InvalidHeader => {}
    }
}

/// Choices from which a valid segment is built: every field kind, any nesting up to a bound.
#[derive(Debug, Arbitrary)]
pub struct SegmentChoices {
    seed: u64,
    name: Vec<u8>,
    in_progress: bool,
    http: Option<(u8, u16)>,
    cause: Option<(bool, u8)>,
    annotations: Vec<(u8, i32, bool)>,
    metadata: Option<Vec<(u8, String)>>,
    subsegments: Vec<(u8, bool)>,
    unknown: Option<String>,
}

const NAME_CHARS: &[char] = &[
    'a',
    'Z',
    '0',
    ' ',
    '_',
    '.',
    ':',
    '/',
    '%',
    '&',
    '#',
    '=',
    '+',
    '-',
    '@',
    'é',
    '中',
    '\u{10400}',
    '\u{3000}',
];

fn hex(seed: &mut u64, n: usize) -> String {
    let mut s = String::new();
    while s.len() < n {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        s += &format!("{:016x}", *seed);
    }
    s.truncate(n);
    s
}

impl SegmentChoices {
    pub fn build(&self) -> Entity {
        let mut seed = self.seed;
        let mut name: String = self
            .name
            .iter()
            .take(200)
            .map(|b| NAME_CHARS[*b as usize % NAME_CHARS.len()])
            .collect();
        if name.is_empty() {
            name.push('s');
        }
        let start = 1.6e9 + (self.seed % 1_000_000) as f64 / 7.0;
        let mut e = Entity {
            name,
            id: hex(&mut seed, 16),
            trace_id: Some(format!("1-{}-{}", hex(&mut seed, 8), hex(&mut seed, 24))),
            start_time: start,
            end_time: (!self.in_progress).then_some(start + 1.5),
            in_progress: self.in_progress.then_some(true),
            ..Entity::default()
        };
        if let Some((m, status)) = self.http {
            let method = ["GET", "POST", "PUT"][m as usize % 3].to_owned();
            e.http = Some(Http {
                request: Some(HttpRequest {
                    method: Some(method),
                    url: Some("https://example.com/a".into()),
                    ..HttpRequest::default()
                }),
                response: Some(HttpResponse {
                    status: Some(i64::from(status)),
                    content_length: Some(serde_json::json!(-1)),
                }),
            });
        }
        if let Some((as_id, frames)) = self.cause {
            e.cause = Some(if as_id {
                Cause::Id(hex(&mut seed, 16))
            } else {
                let stack = (0..frames % 8)
                    .map(|i| StackFrame {
                        path: Some("app.py".into()),
                        line: (i % 2 == 0).then_some(i64::from(i)),
                        label: Some("f".into()),
                    })
                    .collect();
                Cause::Details(CauseDetails {
                    working_directory: Some("/srv".into()),
                    paths: None,
                    exceptions: Some(vec![Exception {
                        id: Some(hex(&mut seed, 16)),
                        message: Some("boom".into()),
                        stack: Some(stack),
                        ..Exception::default()
                    }]),
                })
            });
        }
        if !self.annotations.is_empty() {
            let a = self.annotations.iter().take(20).map(|(k, n, b)| {
                let v = match k % 3 {
                    0 => AnnotationValue::Number((*n).into()),
                    1 => AnnotationValue::Bool(*b),
                    _ => AnnotationValue::String(n.to_string()),
                };
                (format!("key_{k}"), v)
            });
            e.annotations = Some(a.collect());
        }
        if let Some(meta) = &self.metadata {
            let ns: serde_json::Map<String, serde_json::Value> = meta
                .iter()
                .take(10)
                .map(|(k, v)| {
                    (
                        format!("k{k}"),
                        serde_json::Value::String(v.chars().take(100).collect()),
                    )
                })
                .collect();
            e.metadata = Some(
                [("default".to_owned(), serde_json::Value::Object(ns))]
                    .into_iter()
                    .collect(),
            );
        }
        if let Some(u) = &self.unknown {
            e.extra.insert(
                "x_unknown".into(),
                serde_json::Value::String(u.chars().take(50).collect()),
            );
        }
        let subs: Vec<Entity> = self
            .subsegments
            .iter()
            .take(20)
            .map(|(n, ns)| Entity {
                name: format!("sub{n}"),
                id: hex(&mut seed, 16),
                start_time: start + 0.1,
                end_time: Some(start + 0.2),
                namespace: Some(if *ns { "aws" } else { "remote" }.into()),
                ..Entity::default()
            })
            .collect();
        if !subs.is_empty() {
            e.subsegments = Some(subs);
        }
        e
    }
}

/// A segment built from arbitrary choices is valid, and round-trips through the model.
pub fn segment_structured(data: &[u8]) {
    let Ok(choices) = SegmentChoices::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let entity = choices.build();
    let json = entity.to_json();
    let report = validate(json.as_bytes());
    let rejects: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity() != Severity::Lint)
        .collect();
    assert!(
        rejects.is_empty() || json.len() > MAX_DOCUMENT_BYTES,
        "a generated segment is invalid: {json}\n{rejects:?}"
    );
    let back = Entity::from_slice(json.as_bytes()).expect("the model reads what it wrote");
    assert_eq!(back.to_json(), json, "the model does not round-trip");
}

/// Where serde_json can read the document and no rule beyond a schema is involved, the
/// validator and our JSON Schema agree.
pub fn differential_schema(data: &[u8]) {
    use std::sync::OnceLock;
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        let s: serde_json::Value = serde_json::from_str(crate::schema::SEGMENT_DOCUMENT_SCHEMA)
            .expect("the schema is JSON");
        jsonschema::validator_for(&s).expect("the schema compiles")
    });
    let report = validate(data);
    if report
        .diagnostics
        .iter()
        .any(|d| crate::schema::BEYOND_SCHEMA.contains(&d.code))
    {
        return;
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let by_schema = schema.is_valid(&value);
    assert_eq!(
        by_schema,
        report.is_accepted(),
        "schema says {by_schema}, validator says {:?}",
        report.diagnostics
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_problem_document_leaves_state_behind() {
        let report = validate(ONE_PROBLEM);
        assert_eq!(report.codes(), vec![crate::Code::NameMissing]);
        assert!(!verdict(&report).is_accepted());
        assert!(report.independent_subsegment);
        assert_eq!(report.id(), Some("70de5b6f19ff9a0a"));
    }
}
