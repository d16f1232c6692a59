//! The Markdown report: counts per group, then every failure.

use super::{RunReport, Status};

pub fn render(report: &RunReport<'_>) -> String {
    let mut out = format!("# xray-conformance: {}\n\n| group | cases | passed | failed | xfail | xpass | timeout |\n|---|---:|---:|---:|---:|---:|---:|\n", report.target);
    for (g, c) in report.by_group() {
        out += &format!(
            "| {g} | {} | {} | {} | {} | {} | {} |\n",
            c.total, c.passed, c.failed, c.xfail, c.xpass, c.timeout
        );
    }
    let c = report.counts();
    out += &format!(
        "| **all** | {} | {} | {} | {} | {} | {} |\n",
        c.total, c.passed, c.failed, c.xfail, c.xpass, c.timeout
    );
    let bad: Vec<_> = report
        .results
        .iter()
        .filter(|r| matches!(r.status, Status::Fail | Status::XPass | Status::Timeout))
        .collect();
    if !bad.is_empty() {
        out += "\n## Failures\n\n";
        for r in bad {
            let case = &report.catalogue.cases[r.case];
            out += &format!(
                "- `{}` ({}): {}\n  - expected: {}\n  - actual: {}\n",
                r.id,
                r.status.as_str(),
                case.requirement,
                r.expected.join(" | "),
                r.actual
            );
        }
    }
    out
}
