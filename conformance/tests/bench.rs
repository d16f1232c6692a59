//! `xray-conformance bench --endpoint` as users run it, against `serve`: its report agrees with
//! what the endpoint received, failures are counted by status, and bad arguments are usage
//! errors.

use std::process::Output;

use serde_json::Value;
use xray_conformance::serve::faults::Faults;
use xray_conformance::serve::{start, Running};

async fn serve(faults: Faults) -> Running {
    let any = "127.0.0.1:0".parse().unwrap();
    start(any, any, None, faults).await.unwrap()
}

/// Runs the bench binary (off the runtime's threads, which serve the endpoint meanwhile).
async fn bench(args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_xray-conformance"))
            .arg("bench")
            .args(&args)
            .output()
            .expect("the binary runs")
    })
    .await
    .unwrap()
}

fn report(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--format json prints JSON")
}

fn count(v: &Value) -> u64 {
    v.as_u64().expect("a count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_agrees_with_what_serve_received() {
    let s = serve(Faults::default()).await;
    let url = format!("http://{}", s.http);
    let hgrm = std::env::temp_dir().join(format!("xc-bench-{}.hgrm", std::process::id()));
    let out = bench(&[
        "--endpoint",
        &url,
        "--hgrm",
        hgrm.to_str().unwrap(),
        "--duration",
        "1",
        "--concurrency",
        "3",
        "--batch",
        "7",
        "--document-bytes",
        "600",
        "--format",
        "json",
    ])
    .await;
    let r = report(&out);
    let (requests, documents) = (count(&r["requests"]), count(&r["documents"]));
    assert!(requests > 0, "{r}");
    assert_eq!(documents, 7 * requests);
    assert_eq!(count(&r["accepted"]), documents);
    assert_eq!(count(&r["unprocessed"]), 0);
    assert_eq!(r["error_statuses"], serde_json::json!({}));
    assert_eq!(
        (count(&r["transport_errors"]), count(&r["timeouts"])),
        (0, 0)
    );
    let rate = r["documents_per_second"].as_f64().unwrap();
    let seconds = r["duration_seconds"].as_f64().unwrap();
    assert!((rate * seconds - documents as f64).abs() < 1.0, "{r}");
    let l = &r["latency_ms"];
    let p = |k: &str| l[k].as_f64().unwrap();
    assert!(
        0.0 < p("p50")
            && p("p50") <= p("p90")
            && p("p90") <= p("p99")
            && p("p99") <= p("p99_9")
            && p("p99_9") <= p("max"),
        "{l}"
    );
    // The .hgrm file ends at 100% with every request counted, at the report's maximum.
    let text = std::fs::read_to_string(&hgrm).expect("--hgrm writes its file");
    let _ = std::fs::remove_file(&hgrm);
    let last: Vec<&str> = text
        .lines()
        .rfind(|line| !line.starts_with('#') && !line.trim().is_empty())
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        &last[1..],
        ["1.000000000000", &requests.to_string()],
        "{text}"
    );
    let max: f64 = last[0].parse().unwrap();
    assert!(
        (max - p("max")).abs() <= p("max") / 1000.0 + 0.001,
        "{text}\n{l}"
    );
    // Every document the bench counted arrived, valid, and nothing else did.
    let summary = s.state.summary();
    assert_eq!(summary.requests.put_trace_segments, requests);
    assert_eq!(summary.documents["http"]["accepted"], documents);
    assert_eq!(
        summary.documents["http"].len(),
        1,
        "{:?}",
        summary.documents
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_other_than_200_are_counted_by_status() {
    let s = serve(Faults {
        throttle_rate: 1.0,
        throttle_type: "ThrottledException".into(),
        ..Faults::default()
    })
    .await;
    let url = format!("http://{}", s.http);
    let r = report(&bench(&["--endpoint", &url, "--duration", "0.5", "--format", "json"]).await);
    let requests = count(&r["requests"]);
    assert!(requests > 0, "{r}");
    assert_eq!(count(&r["error_statuses"]["429"]), requests, "{r}");
    assert_eq!((count(&r["documents"]), count(&r["accepted"])), (0, 0));
    assert_eq!(s.state.summary().requests.throttled, requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_and_no_endpoint_are_clear_errors() {
    let s = serve(Faults::default()).await;
    let url = format!("http://{}", s.http);
    for bad in [
        ["--concurrency", "0"],
        ["--batch", "0"],
        ["--duration", "-1"],
        ["--hgrm", "/nonexistent-dir/latency.hgrm"],
        // 256 bodies of 100,000 documents: 25 GB to prepare.
        ["--batch", "100000"],
    ] {
        let out = bench(&["--endpoint", &url, bad[0], bad[1]]).await;
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(!out.stderr.is_empty(), "{bad:?}");
    }
    // Nothing listens on a port just freed.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", free.local_addr().unwrap());
    drop(free);
    let out = bench(&["--endpoint", &gone, "--duration", "1"]).await;
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing accepts connections"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directory_of_documents_is_sent_as_it_is() {
    let s = serve(Faults::default()).await;
    let url = format!("http://{}", s.http);
    // Two valid segments and one without a name, in name order: bodies of two are
    // [a, b] and [c, a], sent in turn by the one worker.
    let dir = tempfile::tempdir().unwrap();
    let segment = |id: &str, name: &str| {
        format!(
            r#"{{{name}"id":"{id}","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1.5,"end_time":2.5}}"#
        )
    };
    std::fs::write(
        dir.path().join("a.json"),
        segment("70de5b6f19ff9a0a", r#""name":"a","#),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("b")).unwrap();
    std::fs::write(
        dir.path().join("b/b.json"),
        segment("70de5b6f19ff9a0b", r#""name":"b","#),
    )
    .unwrap();
    std::fs::write(dir.path().join("c.json"), segment("70de5b6f19ff9a0c", "")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a document").unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    let args = ["--endpoint", &url, "--documents", dir_arg, "--batch", "2"];
    let r = report(
        &bench(
            &[
                &args[..],
                &[
                    "--duration",
                    "0.5",
                    "--concurrency",
                    "1",
                    "--format",
                    "json",
                ],
            ]
            .concat(),
        )
        .await,
    );
    let requests = count(&r["requests"]);
    assert!(requests > 1, "{r}");
    assert_eq!(count(&r["documents"]), 2 * requests, "{r}");
    assert_eq!(count(&r["unprocessed"]), requests / 2, "{r}");
    assert_eq!(count(&r["accepted"]), 2 * requests - requests / 2, "{r}");
    assert_eq!(
        (count(&r["bodies"]), r["documents_from"].as_str()),
        (2, Some(dir_arg))
    );
    let summary = s.state.summary();
    assert_eq!(
        summary.documents["http"]["accepted"],
        2 * requests - requests / 2
    );
    // The human report names the directory.
    let out = bench(&[&args[..], &["--duration", "0.2"]].concat()).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains(dir_arg), "{text}");
    // A directory with no document, one that is missing, and a size given twice are usage
    // errors, found before any request.
    let sent = s.state.summary().requests.put_trace_segments;
    let empty = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    for bad in [
        vec!["--documents", empty.path().to_str().unwrap()],
        vec!["--documents", missing.to_str().unwrap()],
        vec!["--documents", dir_arg, "--document-bytes", "500"],
    ] {
        let out = bench(&[&["--endpoint", &url][..], &bad].concat()).await;
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(!out.stderr.is_empty(), "{bad:?}");
    }
    assert_eq!(
        s.state.summary().requests.put_trace_segments,
        sent,
        "a usage error sent requests"
    );
}

/// One second of open loop against `url`: its JSON report, and what it said on stderr.
async fn open_loop(url: &str, rate: &str, concurrency: &str, batch: &str) -> (Value, String) {
    let out = bench(&[
        "--endpoint",
        url,
        "--duration",
        "1",
        "--rate",
        rate,
        "--concurrency",
        concurrency,
        "--batch",
        batch,
        "--format",
        "json",
    ])
    .await;
    (
        report(&out),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_loop_sends_exactly_the_requests_due() {
    let s = serve(Faults::default()).await;
    let url = format!("http://{}", s.http);
    let (r, stderr) = open_loop(&url, "200", "4", "5").await;
    // Answers of a few ms at 200/s keep 4 workers far from busy: no advice.
    assert!(!stderr.contains("--concurrency"), "{stderr}");
    // Due at 0, 5 ms, ... 995 ms: 200 requests, each sent or counted unsent, whatever the
    // machine's speed; on a loaded machine a few may still be due at the end.
    let (requests, unsent) = (count(&r["requests"]), count(&r["unsent_requests"]));
    assert_eq!(requests + unsent, 200, "{r}");
    assert!(unsent <= 5, "{r}");
    assert_eq!(r["target_rate"].as_f64(), Some(200.0));
    // The last one is due at 995 ms, but rates are over the whole second asked for.
    assert!(r["duration_seconds"].as_f64().unwrap() >= 1.0, "{r}");
    assert!(r["requests_per_second"].as_f64().unwrap() <= 200.0, "{r}");
    assert_eq!(count(&r["accepted"]), 5 * requests);
    assert_eq!(s.state.summary().requests.put_trace_segments, requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_loop_counts_the_wait_behind_a_slow_answer() {
    // Each answer takes 100 ms; one worker; a request due every 20 ms.
    let s = serve(Faults {
        latency_ms: 100,
        ..Faults::default()
    })
    .await;
    let url = format!("http://{}", s.http);
    let (r, stderr) = open_loop(&url, "50", "1", "1").await;
    let requests = count(&r["requests"]);
    assert!((2..=11).contains(&requests), "{r}");
    // All but the first fell due while the worker waited: each waited longer than the last,
    // and that wait is in its latency, far above the 100 ms a closed loop would report. (The
    // first is late too when the worker itself starts more than 1 ms after the clock.)
    let late = count(&r["late_requests"]);
    assert!(late == requests - 1 || late == requests, "{r}");
    assert_eq!(count(&r["unsent_requests"]), 50 - requests, "{r}");
    let max = r["latency_ms"]["max"].as_f64().unwrap();
    assert!(max > 100.0 + 60.0 * (requests - 1) as f64, "{r}");
    // The answers themselves took 100 ms, less than the latency with the wait in it.
    let service = r["service_ms_mean"].as_f64().unwrap();
    assert!(
        service >= 100.0 && service < r["latency_ms"]["mean"].as_f64().unwrap(),
        "{r}"
    );
    // 50/s x (0.1 s + the 1 ms tick) is 5.05 in flight for one worker: twice that is advised.
    let advised: usize = stderr
        .split("Use --concurrency ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no advice: {stderr}"));
    assert!((11..=14).contains(&advised), "{stderr}");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_ends_the_run_and_what_ran_is_reported() {
    let s = serve(Faults::default()).await;
    let url = format!("http://{}", s.http);
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_xray-conformance"))
        .args([
            "bench",
            "--endpoint",
            &url,
            "--duration",
            "60",
            "--rate",
            "50",
        ])
        .args(["--concurrency", "2", "--batch", "3", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Signalled once the load is under way (on a loaded machine, starting may be slow),
    // within a bounded wait.
    for _ in 0..400 {
        if s.state.summary().requests.put_trace_segments > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let started = std::time::Instant::now();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    // The run stops at the signal, not after its 60 s.
    assert!(started.elapsed().as_secs() < 15, "the run did not stop");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).expect("the report is printed");
    assert_eq!(r["interrupted"], true, "{r}");
    let seconds = r["duration_seconds"].as_f64().unwrap();
    assert!((0.5..40.0).contains(&seconds), "{r}");
    // Every request counted reached serve; up to one per worker was cut off in flight.
    let requests = count(&r["requests"]);
    assert!(requests > 0, "{r}");
    assert_eq!(count(&r["accepted"]), 3 * requests);
    let received = s.state.summary().requests.put_trace_segments;
    assert!(
        (requests..=requests + 2).contains(&received),
        "{received} {r}"
    );
    // Unsent counts only what fell due before the stop, not the rest of the 60 s.
    assert!(count(&r["unsent_requests"]) <= 2, "{r}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted after"));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_the_report_is_written_ends_the_process() {
    use std::io::Write;
    let s = serve(Faults::default()).await;
    let url = format!("http://{}", s.http);
    // A pipe that nobody reads, filled first, so the report's write blocks.
    let (reader, mut filler) = std::io::pipe().unwrap();
    let stdout = filler.try_clone().unwrap();
    let fill = std::thread::spawn(move || filler.write_all(&vec![b'x'; 1 << 22]));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_xray-conformance"))
        .args(["bench", "--endpoint", &url, "--duration", "1"])
        .args(["--concurrency", "2", "--batch", "3", "--format", "json"])
        .stdout(stdout)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary runs");
    let pid = child.id().to_string();
    let waiter = tokio::task::spawn_blocking(move || {
        let mut child = child;
        child.wait()
    });
    // Once the 1 s run is over the process is stuck writing its report. SIGINT every half
    // second (one may land during the run, which then also ends writing its report), for at
    // most 20 s.
    let mut status = None;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        if waiter.is_finished() {
            status = Some(waiter.await.unwrap().unwrap());
            break;
        }
        let _ = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status();
    }
    let stuck = status.is_none();
    if stuck {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &pid])
            .status();
    }
    drop(reader);
    let _ = fill.join();
    assert!(!stuck, "Ctrl-C did not end a process writing its report");
    assert_eq!(status.and_then(|s| s.code()), Some(130));
}
