//! The report on the terminal: FAIL, XPASS, TIMEOUT and XFAIL sections, then one summary line.

use std::io::Write;

use super::{RunReport, Status};
use crate::client::Signer;

/// `trace` carries the signer when `--trace` asked for the exchanges.
pub fn write(
    out: &mut impl Write,
    report: &RunReport<'_>,
    trace: Option<Option<&Signer>>,
) -> std::io::Result<()> {
    for (status, title) in [
        (Status::Fail, "FAIL"),
        (Status::XPass, "XPASS (listed as known failing, but passed)"),
        (Status::Timeout, "TIMEOUT"),
        (Status::XFail, "XFAIL"),
    ] {
        let items: Vec<_> = report
            .results
            .iter()
            .filter(|r| r.status == status)
            .collect();
        if items.is_empty() {
            continue;
        }
        writeln!(out, "== {title}: {} ==", items.len())?;
        for r in items {
            let case = &report.catalogue.cases[r.case];
            if status == Status::XFail {
                writeln!(
                    out,
                    "{}  # {}",
                    r.id,
                    r.known_reason.as_deref().unwrap_or("")
                )?;
                continue;
            }
            writeln!(out, "--- {} [{}]", r.id, case.level.as_str())?;
            writeln!(out, "  requirement: {}", case.requirement)?;
            writeln!(
                out,
                "  source: {} {} (spec {})",
                case.provenance.as_str(),
                case.source,
                case.spec
            )?;
            for e in &r.expected {
                writeln!(out, "  expected: {e}")?;
            }
            writeln!(out, "  actual:   {}", r.actual)?;
            if !r.detail.is_empty() {
                writeln!(out, "  why:\n{}", r.detail.trim_end())?;
            }
            if let Some(reason) = &r.known_reason {
                writeln!(out, "  listed as known failing: {reason}")?;
            }
            if let (Some(signer), Some(x)) = (trace, &r.exchange) {
                writeln!(out, "{}", x.render(signer))?;
            }
        }
    }
    let c = report.counts();
    writeln!(
        out,
        "target: {}; {} cases in {:.2} s",
        report.target,
        c.total,
        report.elapsed.as_secs_f64()
    )?;
    writeln!(
        out,
        "{} passed, {} failed, {} xfail, {} xpass, {} timeout",
        c.passed, c.failed, c.xfail, c.xpass, c.timeout
    )
}
