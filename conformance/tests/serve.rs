//! `serve` against real clients and hostile ones: the AWS SDK for Rust, raw HTTP, UDP, slow
//! and concurrent clients.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use aws_sdk_xray::config::retry::RetryConfig;
use aws_sdk_xray::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_xray::error::SdkError;
use aws_sdk_xray::operation::put_trace_segments::{PutTraceSegmentsError, PutTraceSegmentsOutput};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use tokio::io::AsyncWriteExt;
use xray_conformance::serve::faults::Faults;
use xray_conformance::serve::{start, Running};

const TRACE: &str = "1-581cf771-a006649127e371903a2de979";

fn doc(id: u64) -> String {
    format!(
        r#"{{"name":"svc","id":"{id:016x}","trace_id":"{TRACE}","start_time":1478293361.271,"end_time":1478293361.449}}"#
    )
}

async fn serve(faults: Faults) -> Running {
    start(
        "127.0.0.1:0".parse().unwrap(),
        "127.0.0.1:0".parse().unwrap(),
        None,
        faults,
    )
    .await
    .unwrap()
}

fn throttling(first: u64, error_type: &str) -> Faults {
    Faults {
        throttle_first: first,
        throttle_type: error_type.into(),
        ..Faults::default()
    }
}

/// Sends one valid document with the SDK, retrying up to `attempts` times.
async fn put_one(
    s: &Running,
    attempts: u32,
) -> Result<PutTraceSegmentsOutput, SdkError<PutTraceSegmentsError, HttpResponse>> {
    sdk(s.http, attempts)
        .put_trace_segments()
        .trace_segment_documents(doc(1))
        .send()
        .await
}

fn sdk(addr: SocketAddr, attempts: u32) -> aws_sdk_xray::Client {
    sdk_signed(addr, "secret", attempts)
}

fn sdk_signed(addr: SocketAddr, secret: &str, attempts: u32) -> aws_sdk_xray::Client {
    let conf = aws_sdk_xray::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", secret, None, None, "test"))
        .endpoint_url(format!("http://{addr}"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(5)),
        )
        .build();
    aws_sdk_xray::Client::from_conf(conf)
}

#[tokio::test]
async fn sdk_valid_documents_are_accepted_and_recorded() {
    let s = serve(Faults::default()).await;
    let out = sdk(s.http, 1)
        .put_trace_segments()
        .set_trace_segment_documents(Some((1..=3).map(doc).collect()))
        .send()
        .await
        .unwrap();
    assert!(out.unprocessed_trace_segments().is_empty());
    let records = s.state.records();
    assert_eq!(records.len(), 3);
    assert!(
        records
            .iter()
            .all(|r| r.source == "http" && r.verdict == "accepted" && r.attempt == Some(1)),
        "{records:?}"
    );
    assert_eq!(
        records[2]
            .trace_id
            .as_ref()
            .map(|t| t.to_string())
            .as_deref(),
        Some(TRACE)
    );
}

#[tokio::test]
async fn sdk_sees_an_invalid_document_as_unprocessed_with_its_id() {
    let s = serve(Faults::default()).await;
    let bad = doc(7).replace(r#""name":"svc","#, "");
    let out = sdk(s.http, 1)
        .put_trace_segments()
        .trace_segment_documents(doc(1))
        .trace_segment_documents(bad)
        .send()
        .await
        .unwrap();
    let u = out.unprocessed_trace_segments();
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].id(), Some("0000000000000007"));
    assert_eq!(u[0].error_code(), Some("MissingName"));
    assert_eq!(
        u[0].message(),
        Some("Invalid segment. ErrorCode: MissingName")
    );
}

#[tokio::test]
async fn sdk_surfaces_invalid_request_for_51_documents() {
    let s = serve(Faults::default()).await;
    let err = sdk(s.http, 1)
        .put_trace_segments()
        .set_trace_segment_documents(Some((1..=51).map(doc).collect()))
        .send()
        .await
        .unwrap_err();
    match err.into_service_error() {
        PutTraceSegmentsError::InvalidRequestException(e) => {
            assert_eq!(e.message(), Some("Exceeding maximum segment count: 50"))
        }
        other => panic!("expected InvalidRequestException, got {other:?}"),
    }
    assert!(s.state.records().is_empty());
}

#[tokio::test]
async fn sdk_retries_throttling_then_surfaces_throttled_exception() {
    // Two throttles, three attempts: the SDK gets through on its third attempt.
    let s = serve(throttling(2, "ThrottledException")).await;
    let out = put_one(&s, 3).await.unwrap();
    assert!(out.unprocessed_trace_segments().is_empty());
    let summary = s.state.summary();
    assert_eq!(
        (
            summary.requests.put_trace_segments,
            summary.requests.throttled
        ),
        (3, 2)
    );
    assert_eq!(s.state.records()[0].attempt, Some(3));

    // Throttled on every attempt: the SDK gives up with the modelled error.
    let s = serve(throttling(100, "ThrottledException")).await;
    let err = put_one(&s, 3).await.unwrap_err();
    assert!(matches!(
        err.into_service_error(),
        PutTraceSegmentsError::ThrottledException(_)
    ));
    assert_eq!(s.state.summary().requests.throttled, 3);
}

#[tokio::test]
async fn sdk_retries_the_observed_throttling_exception_variant() {
    let s = serve(throttling(1, "ThrottlingException")).await;
    put_one(&s, 3).await.unwrap();
    assert_eq!(s.state.summary().requests.throttled, 1);
}

#[tokio::test]
async fn injected_rejections_carry_the_real_trace_size_error() {
    let s = serve(Faults {
        reject: Some("1/2".into()),
        ..Faults::default()
    })
    .await;
    let out = sdk(s.http, 1)
        .put_trace_segments()
        .set_trace_segment_documents(Some((1..=4).map(doc).collect()))
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = out
        .unprocessed_trace_segments()
        .iter()
        .map(|u| (u.id().unwrap_or(""), u.error_code().unwrap_or("")))
        .collect();
    assert_eq!(
        ids,
        [
            ("0000000000000001", "InvalidSegment"),
            ("0000000000000003", "InvalidSegment")
        ]
    );
}

#[tokio::test]
async fn a_reset_connection_is_retried_by_the_sdk() {
    let s = serve(Faults {
        reset_first: 1,
        ..Faults::default()
    })
    .await;
    put_one(&s, 3).await.unwrap();
    assert_eq!(s.state.summary().requests.resets, 1);
    assert_eq!(s.state.records().len(), 1);
}

#[tokio::test]
async fn oversized_bodies_get_a_clear_413() {
    let s = serve(Faults::default()).await;
    let body = vec![b' '; xray_conformance::endpoint::MAX_REQUEST_BYTES + 1];
    let resp = reqwest::Client::new()
        .post(format!("http://{}/TraceSegments", s.http))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    assert_eq!(
        resp.headers()["x-amzn-errortype"],
        "InvalidRequestException"
    );
    // At the limit, the body is read (and here rejected as not JSON, with a 400).
    let body = vec![b' '; xray_conformance::endpoint::MAX_REQUEST_BYTES];
    let resp = reqwest::Client::new()
        .post(format!("http://{}/TraceSegments", s.http))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
}

#[tokio::test]
async fn a_half_open_client_does_not_stall_others() {
    let s = serve(Faults::default()).await;
    let mut slow = tokio::net::TcpStream::connect(s.http).await.unwrap();
    slow.write_all(
        b"POST /TraceSegments HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"Trace",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let out = put_one(&s, 1).await.unwrap();
    assert!(out.unprocessed_trace_segments().is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a stalled client held up another"
    );
    drop(slow);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_concurrent_clients_lose_no_document() {
    let s = serve(Faults::default()).await;
    let deadline = Instant::now() + Duration::from_millis(1500);
    let mut tasks = Vec::new();
    for client in 0..8u64 {
        let c = sdk(s.http, 1);
        tasks.push(tokio::spawn(async move {
            let mut sent = 0u64;
            let mut n = 0u64;
            // Bounded by time and by count, so the test always ends.
            while Instant::now() < deadline && n < 400 {
                let docs: Vec<String> = (0..10).map(|k| doc(client << 40 | n << 8 | k)).collect();
                c.put_trace_segments()
                    .set_trace_segment_documents(Some(docs))
                    .send()
                    .await
                    .unwrap();
                sent += 10;
                n += 1;
            }
            sent
        }));
    }
    let mut sent = 0;
    for t in tasks {
        sent += t.await.unwrap();
    }
    let summary = s.state.summary();
    assert!(sent > 0);
    assert_eq!(summary.documents["http"]["accepted"], sent);
}

#[tokio::test]
async fn udp_datagrams_are_judged_as_the_daemon_does() {
    let s = serve(Faults::default()).await;
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let header = "{\"format\": \"json\", \"version\": 1}\n";
    for d in [
        format!("{header}{}", doc(1)),
        format!("{header}x"),
        "{\"format\":\"xml\",\"version\":1}\n{}".into(),
        format!("{header}T1SAAAA"),
        "no newline".into(),
    ] {
        sock.send_to(d.as_bytes(), s.udp).await.unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.state.records().len() < 5 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let verdicts: Vec<&str> = s.state.records().iter().map(|r| r.verdict).collect();
    assert_eq!(
        verdicts,
        [
            "accepted",
            "unprocessed",
            "invalid_header",
            "otlp",
            "missing_header_or_segment"
        ]
    );
}

/// Trace checks see documents from both listeners: an embedded subsegment outside its parent's
/// time (HTTP) and an independent subsegment whose parent never arrives (UDP).
#[tokio::test]
async fn trace_checks_see_http_and_udp_documents() {
    let s = serve(Faults::default()).await;
    let late = format!(
        r#"{{"name":"svc","id":"0000000000000001","trace_id":"{TRACE}","start_time":10,"end_time":20,
        "subsegments":[{{"name":"late","id":"0000000000000002","start_time":15,"end_time":25}}]}}"#
    );
    sdk(s.http, 1)
        .put_trace_segments()
        .trace_segment_documents(late)
        .send()
        .await
        .unwrap();
    let orphan = format!(
        r#"{{"format":"json","version":1}}
{{"name":"x","id":"0000000000000003","trace_id":"{TRACE}","type":"subsegment","parent_id":"00000000000000ff","start_time":11,"end_time":12}}"#
    );
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    sock.send_to(orphan.as_bytes(), s.udp).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.state.records().len() < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let traces = s.state.summary().traces;
    assert_eq!(traces.len(), 1, "{traces:?}");
    assert_eq!(
        (traces[0].trace_id.as_str(), traces[0].documents),
        (TRACE, 2)
    );
    let found: Vec<(&str, &str)> = traces[0]
        .findings
        .iter()
        .map(|f| (f.check, f.level))
        .collect();
    assert_eq!(
        found,
        [
            ("times_within_parent", "error"),
            ("parent_resolves", "error")
        ],
        "{traces:?}"
    );
    assert!(traces[0].findings[0]
        .message
        .contains("0000000000000002 (late)"));
}

#[test]
fn the_binary_prints_its_addresses_records_and_summarises() {
    let dir = std::env::temp_dir().join(format!("xray-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let record = dir.join("rec.jsonl");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xray-conformance"))
        .args([
            "serve",
            "--http",
            "127.0.0.1:0",
            "--udp",
            "127.0.0.1:0",
            "--duration",
            "3",
            "--record",
        ])
        .arg(&record)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut ready = String::new();
    out.read_line(&mut ready).unwrap();
    let http = ready
        .split("http=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_owned();
    let body = serde_json::json!({"TraceSegmentDocuments": [doc(1), "x"]}).to_string();
    let mut stream = std::net::TcpStream::connect(http.trim_start_matches("http://")).unwrap();
    write!(stream, "POST /TraceSegments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
    let mut response = String::new();
    std::io::Read::read_to_string(&mut stream, &mut response).unwrap();
    assert!(response.contains("ParseError"), "{response}");
    let status = child.wait().unwrap();
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(rest.contains("http: 1 accepted, 1 unprocessed"), "{rest}");
    let lines = std::fs::read_to_string(&record).unwrap();
    assert_eq!(lines.lines().count(), 2);
    assert!(lines.contains("\"document\":\"x\""));
    let _ = std::fs::remove_dir_all(&dir);
}

async fn checking() -> Running {
    let keys = xray_conformance::serve::sigv4::Keys {
        access_key: "AKIDTEST".into(),
        secret_key: "secret".into(),
    };
    xray_conformance::serve::start_with(
        "127.0.0.1:0".parse().unwrap(),
        "127.0.0.1:0".parse().unwrap(),
        None,
        Faults::default(),
        Some(keys),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn signatures_are_checked_when_credentials_are_given() {
    use aws_sdk_xray::error::ProvideErrorMetadata;
    let s = checking().await;
    sdk_signed(s.http, "secret", 1)
        .put_trace_segments()
        .trace_segment_documents(doc(1))
        .send()
        .await
        .unwrap();
    let err = sdk_signed(s.http, "wrong", 1)
        .put_trace_segments()
        .trace_segment_documents(doc(2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.into_service_error().code(),
        Some("InvalidSignatureException")
    );
    let resp = reqwest::Client::new()
        .post(format!("http://{}/TraceSegments", s.http))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert_eq!(
        resp.headers()["x-amzn-errortype"],
        "MissingAuthenticationTokenException"
    );
    assert_eq!(s.state.summary().requests.signature_failures, 2);
    assert_eq!(s.state.records().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_suite_passes_through_signature_checking() {
    use std::sync::Arc;
    use xray_conformance::cli::{LevelArg, Selection};
    use xray_conformance::client::{Signer, Target};
    use xray_conformance::report::Status;
    use xray_conformance::runner::{execute, select, ExecOptions};
    let s = checking().await;
    let catalogue = Arc::new(xray_fixtures::Catalogue::embedded().unwrap());
    let jobs = select(
        &catalogue,
        &Selection {
            run: vec![],
            skip: vec![],
            level: LevelArg::Lint,
            strict: true,
            fixtures: None,
        },
    )
    .unwrap();
    let signer = Signer {
        region: "us-east-1".into(),
        access_key: "AKIDTEST".into(),
        secret_key: "secret".into(),
    };
    let target = Target::new(&format!("http://{}", s.http), Some(signer)).unwrap();
    let opts = ExecOptions {
        jobs: 16,
        timeout: Duration::from_secs(20),
        fresh_ids: false,
        progress: false,
    };
    let results = execute(&catalogue, &jobs, &target, &opts).await;
    let failed: Vec<_> = results
        .iter()
        .filter(|r| r.status != Status::Pass)
        .map(|r| (&r.id, &r.detail))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(s.state.summary().requests.signature_failures, 0);
}

#[cfg(unix)]
#[test]
fn ctrl_c_while_the_summary_is_written_ends_the_process() {
    use std::io::{Read, Write};
    // stdout is a pipe: its first line (the addresses) is read, then it is filled and never
    // read again, so the summary's write blocks.
    let (mut reader, mut filler) = std::io::pipe().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xray-conformance"))
        .args(["serve", "--http", "127.0.0.1:0", "--udp", "127.0.0.1:0"])
        .stdout(filler.try_clone().unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = Vec::new();
    let mut byte = [0u8];
    while first.last() != Some(&b'\n') && reader.read(&mut byte).unwrap() == 1 {
        first.push(byte[0]);
    }
    assert!(String::from_utf8_lossy(&first).contains("http="));
    let fill = std::thread::spawn(move || filler.write_all(&vec![b'x'; 1 << 22]));
    std::thread::sleep(std::time::Duration::from_millis(200));
    // The first SIGINT stops serving and the summary's write blocks; a later one must end
    // the process. One every half second, for at most 20 s.
    let pid = child.id().to_string();
    let mut status = None;
    for _ in 0..40 {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status();
        std::thread::sleep(std::time::Duration::from_millis(500));
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
    }
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    drop(reader);
    let _ = fill.join();
    let status = status.expect("Ctrl-C did not end a process writing its summary");
    assert_eq!(status.code(), Some(130));
}
