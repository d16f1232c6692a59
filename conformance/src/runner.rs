//! `xray-conformance run`: sends every selected case to the target concurrently and judges each
//! answer against the case's allowed outcomes.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::Semaphore;
use xray_fixtures::{check, Catalogue, Observed, Request};
use xray_segment::{restjson, validate};

use crate::cli::{RunArgs, Selection};
use crate::client::{Exchange, Payload, SendError, Signer, Target};
use crate::exit;
use crate::fresh_ids::Rewriter;
use crate::known_failing;
use crate::report::{self, CaseResult, RunReport, Status};

/// A case chosen to run, owned so it can move into a task.
#[derive(Clone)]
pub struct Job {
    pub id: String,
    pub case: usize,
    pub request: Request,
}

/// Loads the catalogue named by the selection (embedded unless `--fixtures`).
pub fn catalogue(selection: &Selection) -> Result<Catalogue, String> {
    match &selection.fixtures {
        Some(dir) => Catalogue::load(dir)
            .map_err(|e| format!("cannot load fixtures from {}: {e}", dir.display())),
        None => Catalogue::embedded().map_err(|e| format!("the embedded catalogue is broken: {e}")),
    }
}

/// Every name a trial answers to: its id, and each alias with the same variant suffix.
pub fn names(catalogue: &Catalogue, job: &Job) -> Vec<String> {
    let case = &catalogue.cases[job.case];
    let suffix = &job.id[case.id.len()..];
    case.ids().map(|i| format!("{i}{suffix}")).collect()
}

/// The trials the selection asks for, in catalogue order.
pub fn select(catalogue: &Catalogue, selection: &Selection) -> Result<Vec<Job>, String> {
    let run = crate::select::compile(&selection.run)?;
    let skip = crate::select::compile(&selection.skip)?;
    let max_level = if selection.strict {
        crate::cli::LevelArg::Lint
    } else {
        selection.level
    };
    let index: std::collections::HashMap<&str, usize> = catalogue
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let all: Vec<Job> = catalogue
        .trials()
        .into_iter()
        .filter(|t| !t.case.core_only)
        .map(|t| Job {
            id: t.id.clone(),
            case: index[t.case.id.as_str()],
            request: t.request,
        })
        .collect();
    let all_names: Vec<Vec<String>> = all.iter().map(|j| names(catalogue, j)).collect();
    let mut bad = crate::select::unmatched(&run, &all_names);
    bad.extend(crate::select::unmatched(&skip, &all_names));
    if !bad.is_empty() {
        return Err(format!("these patterns match no case: {bad:?}"));
    }
    Ok(all
        .into_iter()
        .zip(&all_names)
        .filter(|(j, n)| {
            let level = match catalogue.cases[j.case].level {
                xray_fixtures::Level::Must => crate::cli::LevelArg::Must,
                xray_fixtures::Level::Aws => crate::cli::LevelArg::Aws,
                xray_fixtures::Level::Lint => crate::cli::LevelArg::Lint,
            };
            level <= max_level
                && (run.is_empty() || crate::select::any_match(&run, n))
                && !crate::select::any_match(&skip, n)
        })
        .map(|(j, _)| j)
        .collect())
}

pub fn main(args: RunArgs) -> u8 {
    crate::block_on(run(args))
}

async fn run(args: RunArgs) -> u8 {
    let catalogue = match catalogue(&args.selection) {
        Ok(c) => Arc::new(c),
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let jobs = match select(&catalogue, &args.selection) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let known = match &args.known_failing {
        Some(path) => match known_failing::load(path) {
            Ok(k) => k,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        },
        None => Vec::new(),
    };
    let all_names: Vec<Vec<String>> = jobs.iter().map(|j| names(&catalogue, j)).collect();
    let stale_patterns: Vec<String> = known
        .iter()
        .filter(|k| !all_names.iter().flatten().any(|n| k.pattern.matches(n)))
        .map(|k| format!("line {}: {}", k.line, k.pattern.text))
        .collect();
    if !stale_patterns.is_empty() {
        eprintln!("error: known-failing patterns match no selected case: {stale_patterns:?}");
        return exit::USAGE;
    }
    let formats = match report::parse_formats(&args.formats) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let signer = (!args.no_sign).then(|| Signer {
        region: args.region.clone(),
        access_key: args.access_key.clone(),
        secret_key: args.secret_key.clone(),
    });
    let endpoint = match &args.endpoint {
        Some(url) => url.clone(),
        None => match crate::endpoint::start_reference().await {
            Ok(addr) => format!("http://{addr}"),
            Err(e) => {
                eprintln!("error: cannot start the reference endpoint: {e}");
                return exit::FAIL;
            }
        },
    };
    let target = match Target::new(&endpoint, signer) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    if !target.reachable().await {
        eprintln!("error: nothing accepts connections at {endpoint}");
        return exit::UNREACHABLE;
    }
    let started = Instant::now();
    let opts = ExecOptions {
        jobs: args.jobs,
        timeout: Duration::from_secs_f64(args.timeout.max(0.001)),
        fresh_ids: args.fresh_ids,
        progress: std::io::stderr().is_terminal(),
    };
    let results = execute(&catalogue, &jobs, &target, &opts).await;
    let results = apply_known_failing(results, &jobs, &catalogue, &known);
    let target_name = if args.endpoint.is_some() {
        endpoint.clone()
    } else {
        format!("embedded reference ({endpoint})")
    };
    let run_report = RunReport {
        target: target_name,
        catalogue: &catalogue,
        results,
        elapsed: started.elapsed(),
    };
    let stdout = std::io::stdout();
    let _ = report::human::write(
        &mut stdout.lock(),
        &run_report,
        args.trace.then_some(target.signer.as_ref()),
    );
    for (kind, path) in formats {
        if let Err(e) = report::write_file(kind, &path, &run_report) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return exit::FAIL;
        }
    }
    if run_report
        .results
        .iter()
        .any(|r| matches!(r.status, Status::Fail | Status::XPass))
    {
        exit::FAIL
    } else {
        exit::PASS
    }
}

/// How cases are sent.
#[derive(Clone, Debug)]
pub struct ExecOptions {
    pub jobs: usize,
    pub timeout: Duration,
    pub fresh_ids: bool,
    pub progress: bool,
}

/// Runs the jobs against the target, at most `jobs` at once; results come in job order.
pub async fn execute(
    catalogue: &Arc<Catalogue>,
    jobs: &[Job],
    target: &Target,
    opts: &ExecOptions,
) -> Vec<CaseResult> {
    let bar = if opts.progress {
        ProgressBar::new(jobs.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let semaphore = Arc::new(Semaphore::new(opts.jobs.max(1)));
    let timeout = opts.timeout;
    let run_seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1);
    let mut set = tokio::task::JoinSet::new();
    for (n, job) in jobs.iter().cloned().enumerate() {
        let (catalogue, target, semaphore, bar) = (
            catalogue.clone(),
            target.clone(),
            semaphore.clone(),
            bar.clone(),
        );
        let fresh = opts
            .fresh_ids
            .then_some(run_seed ^ (n as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        set.spawn(async move {
            let _permit = semaphore.acquire().await;
            let result = run_one(&catalogue, job, &target, timeout, fresh).await;
            bar.inc(1);
            (n, result)
        });
    }
    let mut results: Vec<Option<CaseResult>> = vec![None; jobs.len()];
    while let Some(done) = set.join_next().await {
        if let Ok((n, r)) = done {
            results[n] = Some(r);
        }
    }
    bar.finish_and_clear();
    results
        .into_iter()
        .zip(jobs)
        .map(|(r, j)| {
            r.unwrap_or_else(|| CaseResult::new(j, Status::Fail, "the case's task panicked".into()))
        })
        .collect()
}

async fn run_one(
    catalogue: &Catalogue,
    job: Job,
    target: &Target,
    timeout: Duration,
    fresh: Option<u64>,
) -> CaseResult {
    let case = &catalogue.cases[job.case];
    let (body, docs) = match (&job.request, fresh) {
        (request, None) => (request.body(), request.documents()),
        (Request::Body(b), Some(seed)) => {
            let rewritten = Request::Body(Rewriter::new(seed).rewrite(b));
            (rewritten.body(), rewritten.documents())
        }
        (Request::Documents(d), Some(seed)) => {
            let mut r = Rewriter::new(seed);
            let docs: Vec<Vec<u8>> = d.iter().map(|doc| r.rewrite(doc)).collect();
            (Request::Documents(docs.clone()).body(), docs)
        }
    };
    let ids: Vec<Option<String>> = docs
        .iter()
        .map(|d| validate(d).id().map(str::to_owned))
        .collect();
    let started = Instant::now();
    let sent = tokio::time::timeout(timeout, target.put(&Payload::new(body), timeout)).await;
    let mut result = CaseResult::new(&job, Status::Pass, String::new());
    result.millis = started.elapsed().as_millis() as u64;
    result.expected = case.outcomes.iter().map(|o| o.to_string()).collect();
    let exchange: Exchange = match sent {
        Err(_) | Ok(Err(SendError::Timeout)) => {
            result.status = Status::Timeout;
            result.detail = format!("no answer within {:.1} s", timeout.as_secs_f64());
            return result;
        }
        Ok(Err(SendError::Transport(e))) => {
            result.status = Status::Fail;
            result.detail = format!("transport error: {e}");
            result.actual = "no HTTP response".into();
            return result;
        }
        Ok(Ok(x)) => x,
    };
    let observed = Observed::from_http(
        exchange.status,
        restjson::error_type(
            exchange.response_header("x-amzn-errortype"),
            &exchange.response_body,
        ),
        restjson::error_message(&exchange.response_body),
        &exchange.response_body,
    );
    result.actual = observed.to_string();
    if let Err(why) = check(&case.outcomes, &observed, &ids) {
        result.status = Status::Fail;
        result.detail = why;
        result.exchange = Some(exchange);
    }
    result
}

pub fn apply_known_failing(
    mut results: Vec<CaseResult>,
    jobs: &[Job],
    catalogue: &Catalogue,
    known: &[known_failing::Entry],
) -> Vec<CaseResult> {
    for (r, j) in results.iter_mut().zip(jobs) {
        let n = names(catalogue, j);
        let Some(k) = known
            .iter()
            .find(|k| n.iter().any(|name| k.pattern.matches(name)))
        else {
            continue;
        };
        r.known_reason = Some(k.reason.clone());
        r.status = match r.status {
            Status::Fail => Status::XFail,
            Status::Pass => Status::XPass,
            s => s,
        };
    }
    results
}
