//! The JUnit report: one test suite per group, one test case per case.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{RunReport, Status};

pub fn render(report: &RunReport<'_>) -> String {
    let mut junit = Report::new("xray-conformance");
    let mut suites: std::collections::BTreeMap<&str, TestSuite> = std::collections::BTreeMap::new();
    for r in &report.results {
        let case = &report.catalogue.cases[r.case];
        let status = match r.status {
            Status::Pass => TestCaseStatus::success(),
            Status::XFail => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(format!(
                    "known failing: {}",
                    r.known_reason.as_deref().unwrap_or("")
                ));
                s
            }
            Status::Fail | Status::XPass | Status::Timeout => {
                let mut s = TestCaseStatus::non_success(if r.status == Status::Timeout {
                    NonSuccessKind::Error
                } else {
                    NonSuccessKind::Failure
                });
                s.set_message(format!(
                    "{}: expected {}; actual {}",
                    r.status.as_str(),
                    r.expected.join(" | "),
                    r.actual
                ));
                s.set_description(format!(
                    "{}\nsource: {}\n{}",
                    case.requirement, case.source, r.detail
                ));
                s
            }
        };
        let mut tc = TestCase::new(r.id.clone(), status);
        tc.set_classname(case.group.clone());
        tc.set_time(std::time::Duration::from_millis(r.millis));
        suites
            .entry(case.group.as_str())
            .or_insert_with(|| TestSuite::new(case.group.clone()))
            .add_test_case(tc);
    }
    junit.add_test_suites(suites.into_values());
    junit.to_string().unwrap_or_default()
}
