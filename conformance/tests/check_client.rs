//! `check-client` judges real client processes: a well-behaved one passes every check, a broken
//! one fails exactly the checks it breaks.

use std::process::Command;

fn run(scenario: &str, client: &str) -> (i32, String) {
    let script = format!("{}/tests/clients/{client}", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO_BIN_EXE_xray-conformance"))
        .args([
            "check-client",
            scenario,
            "--timeout",
            "60",
            "--",
            "python3",
            &script,
        ])
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn status_of(report: &str, check: &str) -> String {
    report
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(&format!("{check}:")))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or("missing")
        .to_owned()
}

#[test]
fn a_well_behaved_client_passes_under_throttling() {
    let (code, report) = run("throttle", "good.py");
    assert_eq!(code, 0, "{report}");
    for check in [
        "exit_status",
        "sent_documents",
        "batch_size",
        "throttled_retried",
        "no_resend",
        "documents_valid",
        "traces",
    ] {
        assert_eq!(status_of(&report, check), "PASS", "{check}\n{report}");
    }
}

#[test]
fn a_broken_client_fails_the_checks_it_breaks() {
    let (code, report) = run("throttle", "bad.py");
    assert_eq!(code, 1, "{report}");
    for check in [
        "batch_size",
        "throttled_retried",
        "no_resend",
        "documents_valid",
    ] {
        assert_eq!(status_of(&report, check), "FAIL", "{check}\n{report}");
    }
    assert_eq!(status_of(&report, "exit_status"), "PASS", "{report}");
}

#[test]
fn an_unknown_scenario_is_a_usage_error() {
    let (code, _) = run("no-such-scenario", "good.py");
    assert_eq!(code, 2);
}
