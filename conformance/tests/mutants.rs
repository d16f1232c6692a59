//! The suite proves itself: the reference behaviour passes every case, harmless variations of
//! the wire format pass too, and every deliberately broken endpoint is caught by at least one
//! named case. The kill matrix is a snapshot, so a case that stops catching a mutant shows up.

use std::fmt::Write;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use xray_conformance::cli::{LevelArg, Selection};
use xray_conformance::client::Target;
use xray_conformance::report::Status;
use xray_conformance::runner::{execute, select, ExecOptions};
use xray_fixtures::Catalogue;
use xray_segment::request::{process, Processed, RequestError};
use xray_segment::validate;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Behaviour {
    Reference,
    // Variations every restJson1 client reads the same way: must pass.
    TypeOnlyInBody,
    TypeOnlyInHeader,
    NamespacedType,
    CapitalMessage,
    // Broken endpoints: must be caught.
    AcceptsEverything,
    RejectsEverything,
    DropsId,
    WrongErrorCode,
    WrongMessage,
    ServerErrorInsteadOf400,
    TextErrorBody,
    IgnoresDocumentLimit,
    ListsAcceptedDocuments,
    ReordersEntries,
    SuccessForBadRequests,
    ThrottlesEverything,
    IdOnUnparsableDocuments,
}

use Behaviour::*;

const TOLERATED: &[Behaviour] = &[
    TypeOnlyInBody,
    TypeOnlyInHeader,
    NamespacedType,
    CapitalMessage,
];
const MUTANTS: &[Behaviour] = &[
    AcceptsEverything,
    RejectsEverything,
    DropsId,
    WrongErrorCode,
    WrongMessage,
    ServerErrorInsteadOf400,
    TextErrorBody,
    IgnoresDocumentLimit,
    ListsAcceptedDocuments,
    ReordersEntries,
    SuccessForBadRequests,
    ThrottlesEverything,
    IdOnUnparsableDocuments,
];

struct Endpoint(Behaviour);

fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string().into_bytes(), "application/json")
}

fn success(p: &Processed) -> ResponseTemplate {
    json_response(200, serde_json::to_value(p).unwrap())
}

impl Endpoint {
    fn error(&self, e: &RequestError) -> ResponseTemplate {
        let t = e.error_type;
        match self.0 {
            TypeOnlyInBody => json_response(e.status, json!({"__type": t, "message": e.message})),
            TypeOnlyInHeader => json_response(e.status, json!({"message": e.message}))
                .insert_header("x-amzn-ErrorType", t),
            NamespacedType => json_response(
                e.status,
                json!({"__type": format!("com.amazonaws.xray#{t}"), "message": e.message}),
            )
            .insert_header(
                "x-amzn-ErrorType",
                format!("{t}:http://internal.amazon.com/coral/com.amazonaws.xray/"),
            ),
            CapitalMessage => json_response(e.status, json!({"__type": t, "Message": e.message}))
                .insert_header("x-amzn-ErrorType", t),
            ServerErrorInsteadOf400 => {
                json_response(500, json!({"__type": t, "message": e.message}))
                    .insert_header("x-amzn-ErrorType", t)
            }
            TextErrorBody => {
                ResponseTemplate::new(e.status).set_body_raw(b"Bad Request".to_vec(), "text/plain")
            }
            SuccessForBadRequests => success(&Processed::default()),
            _ => json_response(e.status, json!({"__type": t, "message": e.message}))
                .insert_header("x-amzn-ErrorType", t),
        }
    }
}

/// The documents of a body, for mutants that need them (the envelope may be broken).
fn documents(body: &[u8]) -> Vec<String> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| {
            v.get("TraceSegmentDocuments")
                .and_then(|d| d.as_array())
                .cloned()
        })
        .map(|a| {
            a.iter()
                .filter_map(|d| d.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

impl Respond for Endpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if self.0 == ThrottlesEverything {
            return json_response(
                429,
                json!({"__type": "ThrottledException", "message": "Rate exceeded"}),
            )
            .insert_header("x-amzn-ErrorType", "ThrottledException");
        }
        let mut result = process(&request.body, |_| {});
        if self.0 == IgnoresDocumentLimit {
            if let Err(e) = &result {
                if e.message.starts_with("Exceeding maximum segment count") {
                    result = Ok(Processed::default());
                }
            }
        }
        let mut p = match result {
            Ok(p) => p,
            Err(e) => return self.error(&e),
        };
        let docs = documents(&request.body);
        match self.0 {
            AcceptsEverything => p.unprocessed.clear(),
            RejectsEverything | ListsAcceptedDocuments => {
                let listed: Vec<Option<String>> =
                    p.unprocessed.iter().map(|u| u.id.clone()).collect();
                let mut all = Vec::new();
                for d in &docs {
                    let id = validate(d.as_bytes()).id().map(str::to_owned);
                    match p.unprocessed.iter().find(|u| u.id == id && id.is_some()) {
                        Some(u) => all.push(u.clone()),
                        None if self.0 == RejectsEverything || !listed.contains(&id) => {
                            all.push(xray_segment::Unprocessed {
                                id,
                                error_code: "InvalidSegment".into(),
                                message: "Invalid segment. ErrorCode: InvalidSegment".into(),
                            })
                        }
                        None => {}
                    }
                }
                p.unprocessed = all;
            }
            DropsId => p.unprocessed.iter_mut().for_each(|u| u.id = None),
            WrongErrorCode => p
                .unprocessed
                .iter_mut()
                .for_each(|u| u.error_code = "InvalidSegment".into()),
            WrongMessage => p
                .unprocessed
                .iter_mut()
                .for_each(|u| u.message = "segment rejected".into()),
            ReordersEntries => p.unprocessed.reverse(),
            IdOnUnparsableDocuments => p
                .unprocessed
                .iter_mut()
                .filter(|u| u.id.is_none())
                .for_each(|u| u.id = Some("0000000000000000".into())),
            _ => {}
        }
        success(&p)
    }
}

async fn run_against(b: Behaviour, catalogue: &Arc<Catalogue>) -> Vec<(String, Status)> {
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(method("POST"))
        .and(path("/TraceSegments"))
        .respond_with(Endpoint(b))
        .mount(&server)
        .await;
    let selection = Selection {
        run: vec![],
        skip: vec![],
        level: LevelArg::Lint,
        strict: true,
        fixtures: None,
    };
    let jobs = select(catalogue, &selection).unwrap();
    let target = Target::new(&server.uri(), None).unwrap();
    let opts = ExecOptions {
        jobs: 16,
        timeout: Duration::from_secs(20),
        fresh_ids: false,
        progress: false,
    };
    execute(catalogue, &jobs, &target, &opts)
        .await
        .into_iter()
        .map(|r| (r.id, r.status))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_suite_passes_the_reference_and_catches_every_mutant() {
    let catalogue = Arc::new(Catalogue::embedded().unwrap());
    for &b in std::iter::once(&Reference).chain(TOLERATED) {
        let failed: Vec<_> = run_against(b, &catalogue)
            .await
            .into_iter()
            .filter(|(_, s)| *s != Status::Pass)
            .collect();
        assert!(
            failed.is_empty(),
            "{b:?} must pass every case, but: {failed:?}"
        );
    }
    let mut matrix = String::new();
    for &b in MUTANTS {
        let caught: Vec<String> = run_against(b, &catalogue)
            .await
            .into_iter()
            .filter(|(_, s)| *s == Status::Fail)
            .map(|(id, _)| id)
            .collect();
        assert!(!caught.is_empty(), "no case catches the {b:?} mutant");
        let mut groups: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for id in &caught {
            *groups
                .entry(id.split('/').next().unwrap_or(""))
                .or_default() += 1;
        }
        let _ = writeln!(
            matrix,
            "{b:?}: caught by {} cases, e.g. {}",
            caught.len(),
            caught[0]
        );
        let _ = writeln!(matrix, "    {groups:?}");
    }
    insta::assert_snapshot!("kill_matrix", matrix);
}
