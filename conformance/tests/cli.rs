//! The command line as users meet it: report files, exit codes, selection, known failures,
//! traces, list and explain.

use std::process::{Command, Output};

fn xc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xray-conformance"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("xc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn run_writes_every_report_format() {
    let (json, junit, md) = (tmp("r.json"), tmp("r.xml"), tmp("r.md"));
    let out = xc(&[
        "run",
        "--strict",
        "--run",
        "names/**",
        "--format",
        &format!("json={}", json.display()),
        "--format",
        &format!("junit={}", junit.display()),
        "--format",
        &format!("markdown={}", md.display()),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap();
    assert!(
        last.ends_with("0 failed, 0 xfail, 0 xpass, 0 timeout"),
        "{last}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["schema"], "xray-conformance/run-report/v1");
    let cases = report["cases"].as_array().unwrap();
    assert!(
        cases.len() > 100
            && cases
                .iter()
                .all(|c| c["id"].as_str().unwrap().starts_with("names/") && c["status"] == "pass")
    );
    assert_eq!(
        report["summary"]["total"].as_u64(),
        Some(cases.len() as u64)
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testsuite name=\"names\"") && xml.contains("classname=\"names\""),
        "{}",
        &xml[..300.min(xml.len())]
    );
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("| names |") && md.contains("**all**"));
}

#[test]
fn a_failing_endpoint_gives_exit_1_with_trace_and_curl() {
    // An endpoint that accepts everything: a tiny HTTP server in a thread.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().flatten().take(64) {
            let mut s = stream;
            let mut buf = vec![0u8; 65536];
            let _ = s.read(&mut buf);
            let body = r#"{"UnprocessedTraceSegments":[]}"#;
            let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });
    // The plain case and its /mixed variant.
    let out = xc(&[
        "run",
        "--endpoint",
        &format!("http://{addr}"),
        "--run",
        "required/missing-name/**",
        "--run",
        "required/missing-name",
        "--trace",
        "--jobs",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("== FAIL: 2 =="), "{stdout}");
    assert!(
        stdout.contains("requirement:")
            && stdout.contains("expected:")
            && stdout.contains("actual:")
    );
    assert!(
        stdout.contains("reproduce: curl")
            && stdout.contains("--aws-sigv4 'aws:amz:us-east-1:xray'"),
        "{stdout}"
    );
}

#[test]
fn an_unreachable_target_is_exit_3() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = xc(&["run", "--endpoint", &format!("http://127.0.0.1:{port}")]);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn usage_errors_are_exit_2() {
    assert_eq!(
        xc(&["run", "--run", "no-such-group/**"]).status.code(),
        Some(2)
    );
    assert_eq!(xc(&["run", "--format", "yaml=x"]).status.code(), Some(2));
    assert_eq!(xc(&["explain", "no/such"]).status.code(), Some(2));
    assert_eq!(
        xc(&["validate", "/no/such/file.json"]).status.code(),
        Some(2)
    );
    assert_eq!(xc(&["run", "--no-such-flag"]).status.code(), Some(2));
}

#[test]
fn known_failing_entries_turn_failures_into_xfail_and_stale_ones_into_xpass() {
    let list = tmp("known.txt");
    std::fs::write(
        &list,
        "required/missing-name  # pretend the reference is wrong here\n",
    )
    .unwrap();
    let out = xc(&[
        "run",
        "--run",
        "required/missing-name",
        "--known-failing",
        list.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a listed case that passes is an XPASS"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("XPASS"));
    std::fs::write(&list, "required/missing-name\n").unwrap();
    assert_eq!(
        xc(&["run", "--known-failing", list.to_str().unwrap()])
            .status
            .code(),
        Some(2),
        "a reason is required"
    );
}

#[test]
fn list_and_explain() {
    let out = xc(&["list", "--strict", "--run", "batch/*"]);
    let ids = String::from_utf8_lossy(&out.stdout);
    assert!(ids.lines().count() > 5 && ids.lines().all(|l| l.starts_with("batch/")));
    let out = xc(&["explain", "independent/missing-parent-id"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("requirement:")
            && text.contains("source: OBS")
            && text.contains("MissingParentId"),
        "{text}"
    );
}

#[test]
fn validate_prints_positions_and_json() {
    let doc = tmp("d.json");
    std::fs::write(&doc, "{\n  \"id\": \"nothex\",\n  \"name\": \"a?b\"\n}").unwrap();
    let out = xc(&["validate", doc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{}:2:9: reject id.format /id", doc.display())),
        "{text}"
    );
    let out = xc(&["validate", "--format", "json", doc.to_str().unwrap()]);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["verdict"], "unprocessed");
    assert_eq!(line["error_code"], "InvalidId");
    assert_eq!(line["diagnostics"][0]["pointer"], "/id");
}

#[test]
fn validate_walks_a_directory_in_name_order_and_keeps_going_past_an_unreadable_input() {
    let dir = tmp("tree");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("b/deeper")).unwrap();
    let valid = r#"{"name":"a","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1,"end_time":2}"#;
    std::fs::write(dir.join("b/deeper/ok.json"), valid).unwrap();
    std::fs::write(dir.join("a.json"), r#"{"id":"nothex"}"#).unwrap();
    std::fs::write(dir.join("b/notes.txt"), "not a document").unwrap();
    let d = dir.to_str().unwrap();

    let out = xc(&["validate", d]);
    assert_eq!(out.status.code(), Some(1), "one of the two is unprocessed");
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.find("a.json: unprocessed").expect(&text);
    let second = text.find("ok.json: accepted").expect(&text);
    assert!(first < second, "name order: {text}");
    assert!(!text.contains("notes.txt"), "{text}");
    assert!(
        text.ends_with("2 documents: 1 accepted, 1 unprocessed\n"),
        "{text}"
    );

    let out = xc(&["validate", "--format", "json", d]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);

    // An unreadable input is an error, and the documents before and after it are still
    // validated and printed.
    let out = xc(&[
        "validate",
        &format!("{d}/b"),
        "/no/such/file.json",
        &format!("{d}/a.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("ok.json: accepted") && text.contains("a.json: unprocessed"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.json"));

    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let out = xc(&["validate", &format!("{d}/empty")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no document found"));
}

#[test]
fn validate_says_the_same_of_each_file_whatever_came_before_it() {
    // One report serves every file of a run: what it keeps from one document (buffers, the
    // order of keys) must not change what it says of the next.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/documents");
    let mut files: Vec<String> = ["names", "sdk-output", "required", "not-json"]
        .iter()
        .flat_map(|sub| std::fs::read_dir(dir.join(sub)).unwrap())
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    let lines = |files: &[String]| -> Vec<String> {
        let mut args = vec!["validate", "--format", "json"];
        args.extend(files.iter().map(String::as_str));
        let out = xc(&args);
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        lines.sort();
        lines
    };
    let forward = lines(&files);
    assert_eq!(forward.len(), files.len());
    files.reverse();
    assert_eq!(forward, lines(&files));
    // And as each file alone says, for a few of them.
    for f in files.iter().step_by(17) {
        let alone = lines(std::slice::from_ref(f));
        assert!(forward.contains(&alone[0]), "{f}: {}", alone[0]);
    }
}

/// Runs the binary, expects a usage error (exit 2, no panic) and returns what it said.
fn usage_error(args: &[&str]) -> String {
    let out = xc(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    stderr
}

const SERVE: [&str; 5] = ["serve", "--http", "127.0.0.1:0", "--udp", "127.0.0.1:0"];

#[test]
fn seconds_that_are_not_a_length_of_time_are_usage_errors() {
    // `inf` panicked, and NaN or a negative number ran for no time at all. Each command is
    // complete but for the flag, so only the flag can be refused.
    let flags: [(&[&str], &str, &[&str]); 3] = [
        (&SERVE, "--duration", &[]),
        (&["run"], "--timeout", &[]),
        (&["check-client"], "--timeout", &["--", "true"]),
    ];
    for (command, flag, rest) in flags {
        for bad in ["inf", "NaN", "-1", "1e30", "soon"] {
            let stderr = usage_error(&[command, &[&format!("{flag}={bad}")], rest].concat());
            assert!(stderr.contains(flag), "{flag} {bad}: {stderr}");
        }
    }
    let out = xc(&[&SERVE[..], &["--duration", "0"]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn jobs_are_one_to_the_limit() {
    use xray_conformance::cli::MAX_JOBS;
    for ok in [1, MAX_JOBS - 1, MAX_JOBS] {
        let out = xc(&["run", "--run", "names/**", "--jobs", &ok.to_string()]);
        assert!(
            out.status.success(),
            "{ok}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // usize::MAX made the runner's semaphore panic; 0 ran one case at a time, silently.
    for bad in [0, MAX_JOBS + 1, usize::MAX] {
        let stderr = usage_error(&["run", "--run", "names/**", "--jobs", &bad.to_string()]);
        assert!(stderr.contains("--jobs"), "{bad}: {stderr}");
    }
}

#[test]
fn serve_names_what_it_cannot_open() {
    // A record file that cannot be written was reported as addresses that could not be
    // listened on.
    let record = [
        "--record",
        "/nonexistent-dir/record.jsonl",
        "--duration",
        "0",
    ];
    let stderr = usage_error(&[&SERVE[..], &record].concat());
    assert!(
        stderr.contains("cannot write /nonexistent-dir/record.jsonl") && !stderr.contains("listen"),
        "{stderr}"
    );
    // A port already taken is named with its protocol.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let http = taken.local_addr().unwrap().to_string();
    let stderr = usage_error(&[
        "serve",
        "--http",
        &http,
        "--udp",
        "127.0.0.1:0",
        "--duration",
        "0",
    ]);
    assert!(
        stderr.contains(&format!("cannot listen on http {http}")),
        "{stderr}"
    );
}

#[test]
fn serve_latency_is_bounded() {
    // The bound itself is tested at the limit in `faults`; here, that the command line and a
    // scenario file both reach it.
    // `--duration 1`: were the bound missing, serve would stop by itself and exit 0.
    let serve = [&SERVE[..], &["--duration", "1"]].concat();
    let limit = xray_conformance::serve::faults::MAX_LATENCY_MS;
    let stderr = usage_error(&[&serve[..], &["--latency-ms", &(limit + 1).to_string()]].concat());
    assert!(stderr.contains("latency"), "{stderr}");
    let scenario = tmp("slow.toml");
    std::fs::write(&scenario, format!("latency_ms = {}\n", limit + 1)).unwrap();
    let scenario = scenario.to_string_lossy().into_owned();
    let stderr = usage_error(&[&serve[..], &["--scenario", &scenario]].concat());
    assert!(stderr.contains("latency"), "{stderr}");
}
