//! `xray-conformance check-client [SCENARIO] -- COMMAND...`: starts a local X-Ray, points the
//! command at it, runs it, and judges what it sent: batch sizes, retries of throttled calls,
//! no document accepted twice, valid documents, coherent traces.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::exit;
use crate::serve::faults::Faults;
use crate::serve::key::Key;
use crate::serve::state::State;

#[derive(clap::Args, Debug)]
pub struct CheckClientArgs {
    /// A built-in scenario (plain, throttle, partial, flaky) or a TOML scenario file.
    #[arg(default_value = "plain")]
    pub scenario: String,
    /// Seconds the command may run before it is stopped.
    #[arg(long, default_value_t = 120.0, value_parser = crate::seconds)]
    pub timeout: f64,
    /// Extra report: json=PATH or junit=PATH. Repeatable.
    #[arg(long = "format", value_name = "KIND=PATH")]
    pub formats: Vec<String>,
    /// The client to run, after `--`.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

/// Built-in scenarios: what each one does to the client.
pub fn scenario(name: &str) -> Result<Faults, String> {
    let base = Faults {
        throttle_type: "ThrottledException".into(),
        seed: 1,
        ..Faults::default()
    };
    Ok(match name {
        "plain" => base,
        "throttle" => Faults {
            throttle_first: 2,
            ..base
        },
        "partial" => Faults {
            reject: Some("1/5".into()),
            ..base
        },
        "flaky" => Faults {
            throttle_rate: 0.2,
            error_rate: 0.1,
            throttle_type: "ThrottlingException".into(),
            ..base
        },
        path => Faults::from_file(&PathBuf::from(path)).map_err(|e| {
            format!("{name:?} is no built-in scenario (plain, throttle, partial, flaky) and {e}")
        })?,
    })
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub requirement: &'static str,
    /// pass | fail | skip
    pub status: &'static str,
    pub detail: String,
}

fn check(
    name: &'static str,
    requirement: &'static str,
    problems: Vec<String>,
    exercised: bool,
) -> Check {
    let (status, detail) = match (exercised, problems.is_empty()) {
        (false, _) => ("skip", "the scenario did not exercise this".to_owned()),
        (true, true) => ("pass", String::new()),
        (true, false) => ("fail", problems.join("\n")),
    };
    Check {
        name,
        requirement,
        status,
        detail,
    }
}

/// Judges what the client sent.
pub fn judge(state: &State, exit_ok: bool) -> Vec<Check> {
    let calls = state.calls();
    let records = state.records();
    // A very long run outgrows the call log: what the kept calls show is then not all.
    let dropped_calls = state.dropped_calls();
    let first_calls_only = |mut c: Check| {
        if dropped_calls > 0 && c.status == "pass" {
            c.detail = format!(
                "judged on the first {} calls: {dropped_calls} later calls were not kept",
                calls.len()
            );
        }
        c
    };
    let mut out = Vec::new();
    out.push(check(
        "exit_status",
        "the client exits successfully",
        if exit_ok {
            vec![]
        } else {
            vec!["the command failed or was stopped".into()]
        },
        true,
    ));
    out.push(check(
        "sent_documents",
        "the client sends at least one document",
        if records.is_empty() {
            vec!["nothing arrived".into()]
        } else {
            vec![]
        },
        true,
    ));
    let max = xray_segment::limits::MAX_DOCUMENTS_PER_REQUEST;
    let oversized: Vec<String> = calls
        .iter()
        .filter(|c| c.documents > max)
        .map(|c| format!("call {} carried {} documents", c.number, c.documents))
        .collect();
    out.push(first_calls_only(check(
        "batch_size",
        "at most 50 documents per PutTraceSegments call",
        oversized,
        !calls.is_empty(),
    )));
    // Documents of throttled or failed calls must arrive again in a later processed call.
    let failed: Vec<_> = calls
        .iter()
        .filter(|c| c.outcome == "throttled" || c.outcome == "server_error")
        .collect();
    let mut missing = Vec::new();
    for c in &failed {
        for id in c.ids.iter().flatten() {
            let retried = calls.iter().any(|later| {
                later.number > c.number
                    && later.outcome == "processed"
                    && later.ids.iter().flatten().any(|i| i == id)
            });
            if !retried {
                missing.push(format!(
                    "document {id} of {} call {} was never sent again",
                    c.outcome, c.number
                ));
            }
        }
    }
    let mut retried = check(
        "throttled_retried",
        "documents of throttled or failed calls are sent again",
        missing,
        !failed.is_empty(),
    );
    if dropped_calls > 0 && retried.status == "fail" {
        // The retries may be in the calls not kept: not a failure we can stand behind.
        retried.status = "skip";
        retried.detail = format!(
            "cannot tell: only the first {} calls were kept ({dropped_calls} later ones were not), \
             and these documents may have been sent again in those:\n{}",
            calls.len(),
            retried.detail
        );
    }
    out.push(first_calls_only(retried));
    let mut accepted: HashMap<&Key, usize> = HashMap::new();
    for r in records
        .iter()
        .filter(|r| r.source == "http" && r.verdict == "accepted")
    {
        if let Some(id) = &r.id {
            *accepted.entry(id).or_default() += 1;
        }
    }
    let twice: BTreeMap<String, usize> = accepted
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    let resent = twice
        .iter()
        .map(|(id, n)| format!("{id} was accepted {n} times"))
        .collect();
    out.push(check(
        "no_resend",
        "a document accepted once is not sent again (in-progress documents aside)",
        resent,
        !records.is_empty(),
    ));
    // From the problems, not the records: the records keep only the latest documents of a
    // long run, the problems every one from the start (up to the same bound).
    let invalid: Vec<String> = state
        .problems()
        .iter()
        .filter(|r| {
            r.diagnostics.iter().any(|d| d.severity != "lint")
                || !matches!(r.verdict, "accepted" | "otlp")
        })
        .filter(|r| r.error_code.as_deref() != Some(crate::serve::faults::INJECTED_ERROR_CODE))
        .map(|r| {
            let ds: Vec<String> = r
                .diagnostics
                .iter()
                .filter(|d| d.severity != "lint")
                .map(|d| format!("{} {} {}", d.code, d.pointer, d.message))
                .collect();
            format!(
                "{} #{} id={} {}: {}",
                r.source,
                r.seq,
                r.id.as_ref().map_or("-".into(), Key::to_string),
                r.verdict,
                ds.join("; ")
            )
        })
        .collect();
    out.push(check(
        "documents_valid",
        "every document is one X-Ray accepts whole (no reject, no dropped data)",
        invalid,
        !records.is_empty(),
    ));
    let findings: Vec<String> = state
        .summary()
        .traces
        .iter()
        .flat_map(|t| {
            t.findings
                .iter()
                .filter(|f| f.level == "error")
                .map(move |f| format!("trace {}: {} {}", t.trace_id, f.check, f.message))
        })
        .collect();
    out.push(check(
        "traces",
        "traces hold together: parents resolve, ids unique, in-progress completed, times nested",
        findings,
        !records.is_empty(),
    ));
    out
}

pub fn main(args: CheckClientArgs) -> u8 {
    let faults = match scenario(&args.scenario) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    crate::block_on(async move {
        let any = "127.0.0.1:0".parse().expect("a literal address");
        let running = match crate::serve::start(any, any, None, faults).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: cannot start the endpoint: {e}");
                return exit::FAIL;
            }
        };
        let (http, udp) = (running.http, running.udp);
        let mut cmd = tokio::process::Command::new(&args.command[0]);
        cmd.args(&args.command[1..])
            .env("AWS_ENDPOINT_URL_XRAY", format!("http://{http}"))
            .env("AWS_XRAY_DAEMON_ADDRESS", format!("tcp:{http} udp:{udp}"))
            .env("XRAY_CONFORMANCE_HTTP", format!("http://{http}"))
            .env("XRAY_CONFORMANCE_UDP", udp.to_string())
            .kill_on_drop(true);
        for (k, v) in [
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDXRAYCONFORMANCE"),
            ("AWS_SECRET_ACCESS_KEY", "xray-conformance-dummy-secret"),
        ] {
            if std::env::var_os(k).is_none() {
                cmd.env(k, v);
            }
        }
        eprintln!(
            "check-client: X-Ray at http://{http} (UDP {udp}), scenario {}",
            args.scenario
        );
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: cannot run {:?}: {e}", args.command[0]);
                return exit::USAGE;
            }
        };
        let status =
            tokio::time::timeout(Duration::from_secs_f64(args.timeout.max(0.0)), child.wait())
                .await;
        let exit_ok = matches!(status, Ok(Ok(s)) if s.success());
        if status.is_err() {
            let _ = child.kill().await;
            eprintln!(
                "check-client: the command ran past {} s and was stopped",
                args.timeout
            );
        }
        // UDP datagrams may still be in flight.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let checks = judge(&running.state, exit_ok);
        for c in &checks {
            println!(
                "{:<5} {}: {}",
                c.status.to_uppercase(),
                c.name,
                c.requirement
            );
            for line in c.detail.lines().filter(|_| c.status == "fail").take(20) {
                println!("      {line}");
            }
        }
        let n = |s: &str| checks.iter().filter(|c| c.status == s).count();
        println!(
            "{} passed, {} failed, {} skipped",
            n("pass"),
            n("fail"),
            n("skip")
        );
        for spec in &args.formats {
            if let Err(e) = write_report(spec, &checks) {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        }
        if n("fail") > 0 {
            exit::FAIL
        } else {
            exit::PASS
        }
    })
}

fn write_report(spec: &str, checks: &[Check]) -> Result<(), String> {
    let (kind, path) = spec
        .split_once('=')
        .ok_or(format!("--format {spec:?}: expected KIND=PATH"))?;
    let text = match kind {
        "json" => serde_json::to_string_pretty(
            &serde_json::json!({"schema": "xray-conformance/check-client/v1", "checks": checks}),
        )
        .unwrap_or_default(),
        "junit" => {
            let mut suite = quick_junit::TestSuite::new("check-client");
            for c in checks {
                let status = match c.status {
                    "pass" => quick_junit::TestCaseStatus::success(),
                    "skip" => quick_junit::TestCaseStatus::skipped(),
                    _ => {
                        let mut s = quick_junit::TestCaseStatus::non_success(
                            quick_junit::NonSuccessKind::Failure,
                        );
                        s.set_message(c.detail.clone());
                        s
                    }
                };
                suite.add_test_case(quick_junit::TestCase::new(c.name, status));
            }
            let mut report = quick_junit::Report::new("xray-conformance");
            report.add_test_suite(suite);
            report.to_string().map_err(|e| e.to_string())?
        }
        other => return Err(format!("--format: unknown kind {other:?} (json, junit)")),
    };
    std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::state::{Call, MAX_KEPT_CALLS};

    fn call(number: u64, outcome: &'static str, id: &str) -> Call {
        Call {
            number,
            attempt: None,
            outcome,
            documents: 1,
            ids: vec![Some(Key::new(id))],
        }
    }

    fn retried(state: &State) -> Check {
        judge(state, true)
            .into_iter()
            .find(|c| c.name == "throttled_retried")
            .expect("the check is always made")
    }

    #[test]
    fn a_missing_retry_fails_only_when_every_call_was_kept() {
        let state = State::new(None).unwrap();
        state.call(call(1, "throttled", "00000000000000aa"));
        for n in 2..=MAX_KEPT_CALLS as u64 {
            state.call(call(n, "processed", "00000000000000bb"));
        }
        // The call log is exactly full: nothing unseen, so the missing retry is a failure.
        let full = retried(&state);
        assert_eq!(full.status, "fail", "{}", full.detail);
        assert!(full.detail.contains("00000000000000aa"), "{}", full.detail);
        // One call more is not kept: it may hold the retry.
        state.call(call(
            MAX_KEPT_CALLS as u64 + 1,
            "processed",
            "00000000000000aa",
        ));
        let beyond = retried(&state);
        assert_eq!(beyond.status, "skip", "{}", beyond.detail);
        assert!(
            beyond.detail.contains("1 later ones were not"),
            "{}",
            beyond.detail
        );
    }

    #[test]
    fn a_retry_in_a_kept_call_passes_with_a_note_when_calls_were_dropped() {
        let state = State::new(None).unwrap();
        state.call(call(1, "throttled", "00000000000000aa"));
        state.call(call(2, "processed", "00000000000000aa"));
        assert_eq!(retried(&state).status, "pass");
        for n in 3..=MAX_KEPT_CALLS as u64 + 1 {
            state.call(call(n, "processed", "00000000000000bb"));
        }
        let c = retried(&state);
        assert_eq!(c.status, "pass");
        let note = format!("first {MAX_KEPT_CALLS} calls");
        assert!(c.detail.contains(&note), "{}", c.detail);
    }

    #[test]
    fn an_early_invalid_document_is_judged_after_the_records_moved_on() {
        use crate::serve::state::{Arrival, MAX_KEPT_RECORDS};
        let state = State::new(None).unwrap();
        let arrival = |source| Arrival {
            source,
            time: 1.0,
            request: None,
            attempt: None,
            index: 0,
            document: b"x",
        };
        state.other(&arrival("udp"), "invalid_header", "a bad header");
        // Enough later documents that the first record is no longer kept in memory.
        for _ in 0..MAX_KEPT_RECORDS {
            state.other(&arrival("udp"), "otlp", "an OTLP payload");
        }
        assert_eq!(state.summary().records_dropped_from_memory, 1);
        let valid = judge(&state, true)
            .into_iter()
            .find(|c| c.name == "documents_valid")
            .expect("the check is always made");
        assert_eq!(valid.status, "fail", "{}", valid.detail);
        assert!(valid.detail.contains("invalid_header"), "{}", valid.detail);
    }
}
