//! The JSON report. Its shape is versioned by `schema`; fields are only ever added.

use serde_json::json;

use super::RunReport;

pub const SCHEMA: &str = "xray-conformance/run-report/v1";

pub fn render(report: &RunReport<'_>) -> String {
    let cases: Vec<_> = report
        .results
        .iter()
        .map(|r| {
            let case = &report.catalogue.cases[r.case];
            json!({
                "id": r.id, "group": case.group, "level": case.level.as_str(), "status": r.status.as_str(),
                "requirement": case.requirement, "spec": case.spec, "source": case.source,
                "provenance": case.provenance.as_str(), "expected": r.expected, "actual": r.actual,
                "detail": r.detail, "known_failing_reason": r.known_reason, "duration_ms": r.millis,
            })
        })
        .collect();
    let groups: serde_json::Map<String, serde_json::Value> = report
        .by_group()
        .into_iter()
        .map(|(g, c)| (g.to_owned(), serde_json::to_value(c).unwrap_or_default()))
        .collect();
    let doc = json!({
        "schema": SCHEMA,
        "target": report.target,
        "elapsed_seconds": report.elapsed.as_secs_f64(),
        "summary": report.counts(),
        "groups": groups,
        "cases": cases,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
