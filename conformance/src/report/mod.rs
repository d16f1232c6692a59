//! Run reports: the human summary on stdout, and JSON, JUnit and Markdown files.

pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use xray_fixtures::Catalogue;

use crate::client::Exchange;
use crate::runner::Job;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// Failed, and listed as known to fail.
    XFail,
    /// Passed, but listed as known to fail: the entry is stale.
    XPass,
    /// No answer within the per-case time limit (not counted as a failure).
    Timeout,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::XFail => "xfail",
            Status::XPass => "xpass",
            Status::Timeout => "timeout",
        }
    }
}

#[derive(Debug, Clone)]
pub struct CaseResult {
    pub id: String,
    pub case: usize,
    pub status: Status,
    /// Why the answer matched no allowed outcome.
    pub detail: String,
    pub expected: Vec<String>,
    pub actual: String,
    pub known_reason: Option<String>,
    pub exchange: Option<Exchange>,
    pub millis: u64,
}

impl CaseResult {
    pub fn new(job: &Job, status: Status, detail: String) -> CaseResult {
        CaseResult {
            id: job.id.clone(),
            case: job.case,
            status,
            detail,
            expected: vec![],
            actual: String::new(),
            known_reason: None,
            exchange: None,
            millis: 0,
        }
    }
}

pub struct RunReport<'c> {
    pub target: String,
    pub catalogue: &'c Catalogue,
    pub results: Vec<CaseResult>,
    pub elapsed: Duration,
}

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub xfail: usize,
    pub xpass: usize,
    pub timeout: usize,
}

impl Counts {
    fn add(&mut self, s: Status) {
        self.total += 1;
        match s {
            Status::Pass => self.passed += 1,
            Status::Fail => self.failed += 1,
            Status::XFail => self.xfail += 1,
            Status::XPass => self.xpass += 1,
            Status::Timeout => self.timeout += 1,
        }
    }
}

impl RunReport<'_> {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        self.results.iter().for_each(|r| c.add(r.status));
        c
    }

    /// Counts per group (the part of the id before the first `/`).
    pub fn by_group(&self) -> BTreeMap<&str, Counts> {
        let mut m: BTreeMap<&str, Counts> = BTreeMap::new();
        for r in &self.results {
            m.entry(self.catalogue.cases[r.case].group.as_str())
                .or_default()
                .add(r.status);
        }
        m
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Json,
    Junit,
    Markdown,
}

pub fn parse_formats(specs: &[String]) -> Result<Vec<(Kind, PathBuf)>, String> {
    specs
        .iter()
        .map(|s| {
            let (kind, path) = s
                .split_once('=')
                .ok_or(format!("--format {s:?}: expected KIND=PATH"))?;
            let kind = match kind {
                "json" => Kind::Json,
                "junit" => Kind::Junit,
                "markdown" | "md" => Kind::Markdown,
                other => {
                    return Err(format!(
                        "--format: unknown kind {other:?} (json, junit, markdown)"
                    ))
                }
            };
            Ok((kind, PathBuf::from(path)))
        })
        .collect()
}

pub fn write_file(kind: Kind, path: &Path, report: &RunReport<'_>) -> std::io::Result<()> {
    let text = match kind {
        Kind::Json => json::render(report),
        Kind::Junit => junit::render(report),
        Kind::Markdown => markdown::render(report),
    };
    std::fs::write(path, text)
}
