//! The HTTP side of `serve`: the X-Ray API as SDKs and the daemon call it, plus `/_xray/*` to
//! inspect what arrived.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State as Axum;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use xray_segment::request::{error_response, process_with, success_response, Processed};
use xray_segment::{Report, Unprocessed, Verdict};

use super::faults::{CallFault, Faults, INJECTED_ERROR_CODE, INJECTED_MESSAGE};
use super::key::Key;
use super::sigv4::{verify, Keys};
use super::state::{now, Arrival, Call, State};
use crate::endpoint::{into_http, read_body, request_id};

thread_local! {
    // One outlining report per worker thread, kept from one request to the next: its buffers
    // are reused and the key order it learnt guesses the next request's first document.
    static REPORTS: std::cell::Cell<Option<Report>> = const { std::cell::Cell::new(None) };
}

/// How long a client may take to send a request body; a slow one cannot hold a worker.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

pub struct App {
    pub state: Arc<State>,
    pub faults: Faults,
    keys: Option<Keys>,
    calls: AtomicU64,
    valid_documents: AtomicU64,
}

impl App {
    pub fn new(state: Arc<State>, faults: Faults, keys: Option<Keys>) -> App {
        App {
            state,
            faults,
            keys,
            calls: AtomicU64::new(0),
            valid_documents: AtomicU64::new(0),
        }
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/TraceSegments", post(put_trace_segments))
        .route("/TelemetryRecords", post(telemetry))
        .route("/GetSamplingRules", post(sampling_rules))
        .route("/SamplingTargets", post(sampling_targets))
        .route("/_xray/documents", get(documents))
        .route("/_xray/problems", get(problems))
        .route("/_xray/summary", get(summary))
        .route("/_xray/reset", post(reset))
        .route("/_xray/calls", get(calls))
        .with_state(app)
}

/// The attempt number from `amz-sdk-request: attempt=2; max=3`.
fn attempt(headers: &HeaderMap) -> Option<u32> {
    let v = headers.get("amz-sdk-request")?.to_str().ok()?;
    v.split(';')
        .find_map(|p| p.trim().strip_prefix("attempt="))
        .and_then(|n| n.trim().parse().ok())
}

async fn put_trace_segments(Axum(app): Axum<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    let call = app.calls.fetch_add(1, Ordering::Relaxed) + 1;
    app.state.count(|c| c.put_trace_segments += 1);
    if app.faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(app.faults.latency_ms)).await;
    }
    let rid = request_id();
    // The body is read before any fault, so a throttled call's documents are known too.
    let bytes = match tokio::time::timeout(BODY_READ_TIMEOUT, read_body(body)).await {
        Ok(Ok(b)) => b,
        Ok(Err(resp)) => {
            app.state.count(|c| c.request_errors += 1);
            return resp;
        }
        Err(_) => {
            let msg = format!(
                "The request body did not arrive within {} s.",
                BODY_READ_TIMEOUT.as_secs()
            );
            return into_http(error_response("RequestTimeoutException", 408, &msg, &rid));
        }
    };
    if let Some(keys) = &app.keys {
        if let Err(r) = verify(keys, "POST", "/TraceSegments", &headers, &bytes) {
            app.state.count(|c| c.signature_failures += 1);
            return into_http(error_response(r.error_type, 403, &r.message, &rid));
        }
    }
    let attempt = attempt(&headers);
    let log_ids = |outcome: &'static str, ids: Vec<Option<Key>>| {
        app.state.call(Call {
            number: call,
            attempt,
            outcome,
            documents: ids.len(),
            ids,
        });
    };
    let log = |outcome: &'static str| log_ids(outcome, document_ids(&bytes));
    match app.faults.call(call) {
        CallFault::Throttle { error_type, status } => {
            app.state.count(|c| c.throttled += 1);
            log("throttled");
            return into_http(error_response(&error_type, status, "Rate exceeded", &rid));
        }
        CallFault::ServerError => {
            app.state.count(|c| c.server_errors += 1);
            log("server_error");
            return into_http(error_response(
                "ServiceUnavailableException",
                500,
                "Injected server error",
                &rid,
            ));
        }
        CallFault::None => {}
    }
    let mut entries: Vec<Unprocessed> = Vec::new();
    // The validator has read every id already: no second parse of the body for the call log.
    let mut ids = Vec::new();
    // Recorded together after the request, under one lock instead of one per document.
    let mut pending = Vec::new();
    let time = now();
    let mut report = REPORTS.with(|r| r.take()).unwrap_or_else(Report::outlining);
    let result = process_with(&bytes, &mut report, |ev| {
        let mut verdict = ev.verdict.clone();
        if verdict.is_accepted() {
            let d = app.valid_documents.fetch_add(1, Ordering::Relaxed) + 1;
            if app.faults.reject_document(d) {
                app.state.count(|c| c.injected_unprocessed += 1);
                verdict = Verdict::Unprocessed(Unprocessed {
                    id: ev.report.id().map(str::to_owned),
                    error_code: INJECTED_ERROR_CODE.into(),
                    message: INJECTED_MESSAGE.into(),
                });
            }
        }
        let arrival = Arrival {
            source: "http",
            time,
            request: Some(call),
            attempt,
            index: ev.index,
            document: ev.document,
        };
        let p = app.state.prepare(&arrival, ev.report, &verdict);
        ids.push(p.id().cloned());
        pending.push(p);
        if let Verdict::Unprocessed(u) = verdict {
            entries.push(u);
        }
    });
    REPORTS.with(|r| r.set(Some(report)));
    app.state.commit(pending);
    app.state.flush();
    match result {
        Ok(p) => {
            log_ids("processed", ids);
            into_http(success_response(
                &Processed {
                    documents: p.documents,
                    unprocessed: entries,
                },
                &rid,
            ))
        }
        Err(e) => {
            app.state.count(|c| c.request_errors += 1);
            log("request_error");
            into_http(error_response(e.error_type, e.status, &e.message, &rid))
        }
    }
}

/// The top-level ids of a body's documents, however broken the body is.
fn document_ids(body: &[u8]) -> Vec<Option<Key>> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return vec![];
    };
    let Some(docs) = v.get("TraceSegmentDocuments").and_then(|d| d.as_array()) else {
        return vec![];
    };
    docs.iter()
        .map(|d| {
            d.as_str()
                .and_then(|d| xray_segment::validate(d.as_bytes()).id().map(Key::new))
        })
        .collect()
}

async fn telemetry(Axum(app): Axum<Arc<App>>) -> Response {
    app.state.count(|c| c.telemetry_records += 1);
    Json(json!({})).into_response()
}

/// One rule that samples every request, so SDKs using centralized sampling record everything.
async fn sampling_rules(Axum(app): Axum<Arc<App>>) -> Response {
    app.state.count(|c| c.sampling_rules += 1);
    Json(json!({"SamplingRuleRecords": [{
        "SamplingRule": {
            "RuleName": "Default", "RuleARN": "arn:aws:xray:us-east-1:000000000000:sampling-rule/Default",
            "ResourceARN": "*", "Priority": 10000, "FixedRate": 1.0, "ReservoirSize": 1, "ServiceName": "*",
            "ServiceType": "*", "Host": "*", "HTTPMethod": "*", "URLPath": "*", "Version": 1, "Attributes": {}
        },
        "CreatedAt": 0.0, "ModifiedAt": 0.0
    }]}))
    .into_response()
}

async fn sampling_targets(Axum(app): Axum<Arc<App>>, body: Body) -> Response {
    app.state.count(|c| c.sampling_targets += 1);
    let bytes = match read_body(body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let request: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let names: Vec<String> = request["SamplingStatisticsDocuments"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d["RuleName"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let time = now();
    let targets: Vec<_> = names
        .iter()
        .map(|n| json!({"RuleName": n, "FixedRate": 1.0, "ReservoirQuota": 1, "ReservoirQuotaTTL": time + 10.0, "Interval": 10}))
        .collect();
    Json(json!({"SamplingTargetDocuments": targets, "LastRuleModification": 0.0, "UnprocessedStatistics": []})).into_response()
}

async fn documents(Axum(app): Axum<Arc<App>>) -> Response {
    Json(app.state.records()).into_response()
}

async fn problems(Axum(app): Axum<Arc<App>>) -> Response {
    Json(app.state.problems()).into_response()
}

async fn summary(Axum(app): Axum<Arc<App>>) -> Response {
    Json(app.state.summary()).into_response()
}

async fn calls(Axum(app): Axum<Arc<App>>) -> Response {
    Json(app.state.calls()).into_response()
}

async fn reset(Axum(app): Axum<Arc<App>>) -> Response {
    app.state.reset();
    Json(json!({"reset": true})).into_response()
}
