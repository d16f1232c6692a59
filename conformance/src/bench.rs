//! `xray-conformance bench --endpoint URL`: a bounded load generator for any PutTraceSegments
//! implementation. Bodies are prepared before the clock starts, so the figures measure the
//! target, not the generator.
//!
//! Closed loop by default: each worker sends again as soon as it has its answer, which finds
//! the most the target sustains. With `--rate`, open loop: requests are due at a fixed rate
//! whatever the answers, and latency counts from when each was due, so time a request spent
//! waiting for a free worker behind a slow answer is not hidden (coordinated omission).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::cli::OutputFormat;
use crate::client::{Payload, SendError, Signer, Target};
use crate::exit;

mod bodies;
mod documents;
mod latencies;
mod open_loop;
pub use bodies::{body_order, document, prepare, Load};
pub use latencies::{Latencies, Latency, LATENCY_CEILING_US};
use open_loop::{due, in_flight, more_workers, rate_text, scheduled, LATE_AFTER, TIMER_TICK};

/// Longest run accepted, so a mistyped duration cannot keep a machine busy for hours.
pub const MAX_DURATION_SECS: f64 = 600.0;
/// Most requests in flight at once.
pub const MAX_CONCURRENCY: usize = 256;
/// Distinct request bodies cycled through (ids repeat after that many requests).
pub const BODIES: usize = 256;
/// Highest `--rate`, in requests per second: far above what one machine sends, low enough
/// that a typo (an extra zero or two) is refused rather than queued.
pub const MAX_RATE: f64 = 100_000.0;
/// Most document bytes prepared before the clock starts (`BODIES` bodies of `--batch`
/// documents of `--document-bytes`): 50 documents of X-Ray's 64 KiB each fit, and a typo in
/// either flag is refused instead of filling the memory. With `--documents`, the most read
/// from the directory, and the most in the bodies made of them.
pub const MAX_PREPARED_BYTES: usize = 1 << 30;

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// The PutTraceSegments implementation, e.g. http://127.0.0.1:2000.
    #[arg(long, value_name = "URL")]
    pub endpoint: String,
    /// Seconds of measured load.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Documents per request (X-Ray allows 50).
    #[arg(long, default_value_t = 50)]
    pub batch: usize,
    /// Open loop: requests due at this many per second, whatever the answers; latency counts
    /// from when each was due. `--concurrency` is then the most in flight at once.
    #[arg(long, value_name = "REQUESTS_PER_SECOND")]
    pub rate: Option<f64>,
    /// Approximate size of each document in bytes.
    #[arg(long, default_value_t = 1000)]
    pub document_bytes: usize,
    /// Send the `*.json` files below DIR (at any depth, in name order) instead of generated
    /// documents, each once per cycle through the bodies, their ids as they are.
    #[arg(long, value_name = "DIR", conflicts_with = "document_bytes")]
    pub documents: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Region for the SigV4 signature.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// Send requests unsigned.
    #[arg(long)]
    pub no_sign: bool,
    /// Also write the latency distribution to this file, in HdrHistogram's percentile text
    /// (milliseconds), as wrk2 prints it; HdrHistogram's plotter reads it.
    #[arg(long, value_name = "FILE.hgrm")]
    pub hgrm: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub endpoint: String,
    pub duration_seconds: f64,
    /// Stopped by Ctrl-C or SIGTERM before the duration asked for; every figure covers the
    /// time that ran.
    pub interrupted: bool,
    pub concurrency: usize,
    pub batch: usize,
    /// The documents' size, or their mean size with `--documents`.
    pub document_bytes: usize,
    /// The directory given with `--documents`; null for generated documents.
    pub documents_from: Option<String>,
    /// Distinct request bodies, sent in turn.
    pub bodies: usize,
    /// Requests per second asked for with `--rate`; null for a closed loop.
    pub target_rate: Option<f64>,
    /// Open loop: requests that started more than 1 ms after they were due because every
    /// worker was still waiting for an answer. Their latency includes that wait.
    pub late_requests: u64,
    /// Open loop: requests due before the end that were never sent, because the target
    /// answered too slowly for `--concurrency` workers to keep up.
    pub unsent_requests: u64,
    pub requests: u64,
    pub requests_per_second: f64,
    pub documents: u64,
    pub documents_per_second: f64,
    pub accepted: u64,
    pub unprocessed: u64,
    /// Answers other than 200, by status.
    pub error_statuses: BTreeMap<u16, u64>,
    pub transport_errors: u64,
    pub timeouts: u64,
    pub latency_ms: Latency,
    /// Mean time from sending a request to its answer. Unlike `latency_ms`, it leaves out
    /// time spent waiting for a free worker.
    pub service_ms_mean: f64,
}

/// Each request's own time limit.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Default)]
struct Tally {
    requests: u64,
    documents: u64,
    accepted: u64,
    unprocessed: u64,
    statuses: BTreeMap<u16, u64>,
    transport: u64,
    timeouts: u64,
    late: u64,
    latencies: Latencies,
    /// Time from sending to the answer, summed.
    service: Duration,
}

impl Tally {
    fn count(&mut self, result: Result<crate::client::Exchange, SendError>, batch: u64) {
        self.requests += 1;
        match result {
            Ok(x) if x.status == 200 => {
                let unprocessed = serde_json::from_slice::<serde_json::Value>(&x.response_body)
                    .ok()
                    .and_then(|v| {
                        v["UnprocessedTraceSegments"]
                            .as_array()
                            .map(|a| a.len() as u64)
                    })
                    .unwrap_or(0);
                self.documents += batch;
                self.unprocessed += unprocessed;
                self.accepted += batch.saturating_sub(unprocessed);
            }
            Ok(x) => *self.statuses.entry(x.status).or_default() += 1,
            Err(SendError::Timeout) => self.timeouts += 1,
            Err(SendError::Transport(_)) => self.transport += 1,
        }
    }

    fn add(&mut self, t: Tally) {
        self.requests += t.requests;
        self.documents += t.documents;
        self.accepted += t.accepted;
        self.unprocessed += t.unprocessed;
        self.transport += t.transport;
        self.timeouts += t.timeouts;
        self.late += t.late;
        self.service += t.service;
        for (k, v) in t.statuses {
            *self.statuses.entry(k).or_default() += v;
        }
        self.latencies.add(&t.latencies);
    }
}

/// Why the arguments cannot run, if they cannot.
pub fn check_args(args: &BenchArgs) -> Result<(), String> {
    if !(0.0..=MAX_DURATION_SECS).contains(&args.duration) {
        return Err(format!(
            "--duration must be 0 to {MAX_DURATION_SECS} seconds"
        ));
    }
    if !(1..=MAX_CONCURRENCY).contains(&args.concurrency) {
        return Err(format!("--concurrency must be 1 to {MAX_CONCURRENCY}"));
    }
    if args.batch == 0 {
        return Err("--batch must be at least 1".into());
    }
    let prepared = BODIES
        .checked_mul(args.batch)
        .and_then(|n| n.checked_mul(args.document_bytes.max(1)));
    // Documents read from a directory are counted as they are read.
    if args.documents.is_none() && prepared.is_none_or(|n| n > MAX_PREPARED_BYTES) {
        return Err(format!(
            "{BODIES} bodies of --batch {} documents of --document-bytes {} are more than {} MiB to prepare; lower either",
            args.batch,
            args.document_bytes,
            MAX_PREPARED_BYTES >> 20
        ));
    }
    if let Some(rate) = args.rate {
        if !(rate > 0.0 && rate <= MAX_RATE) {
            return Err(format!(
                "--rate must be above 0 and at most {MAX_RATE} requests per second"
            ));
        }
    }
    Ok(())
}

pub fn main(args: BenchArgs) -> u8 {
    if let Err(e) = check_args(&args) {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    crate::block_on(async move {
        let signer = (!args.no_sign).then(|| Signer {
            region: args.region.clone(),
            access_key: "AKIDXRAYCONFORMANCE".into(),
            secret_key: "xray-conformance-dummy-secret".into(),
        });
        // Read before the target is tried, so a bad directory costs no connection.
        let load = match prepare(&args) {
            Ok(load) => load,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        };
        let target = match Target::new(&args.endpoint, signer) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        };
        if !target.reachable().await {
            eprintln!("error: nothing accepts connections at {}", args.endpoint);
            return exit::UNREACHABLE;
        }
        // Opened before the load, so a bad path costs no run.
        let mut hgrm = None;
        if let Some(path) = &args.hgrm {
            match std::fs::File::create(path) {
                Ok(file) => hgrm = Some((path, std::io::BufWriter::new(file))),
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return exit::USAGE;
                }
            }
        }
        let (report, latencies) = run(&target, &args, load).await;
        // Once the run has installed tokio's signal handler it stays for the process, so a
        // Ctrl-C while the report is written (to a stalled pipe, or the .hgrm to a slow disk)
        // was ignored. Now it ends the process.
        tokio::spawn(async {
            crate::wait_for_stop(None).await;
            std::process::exit(exit::INTERRUPTED.into());
        });
        match args.format {
            OutputFormat::Json => println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            ),
            OutputFormat::Human => print_human(&report),
        }
        if let Some(advice) = advice(&report) {
            eprintln!("{advice}");
        }
        if let Some((path, out)) = hgrm.as_mut() {
            let written = latencies.write_hgrm(out);
            if let Err(e) = written.and_then(|()| std::io::Write::flush(out)) {
                // The report is out already; only the file is lost.
                eprintln!("error: cannot write {}: {e}", path.display());
                return exit::FAIL;
            }
        }
        if report.interrupted {
            eprintln!(
                "interrupted after {:.1} s: the report covers the time that ran",
                report.duration_seconds
            );
            return exit::INTERRUPTED;
        }
        if report.requests == 0 {
            exit::FAIL
        } else {
            exit::PASS
        }
    })
}

/// The load, its report, and its latencies in full.
pub async fn run(target: &Target, args: &BenchArgs, load: Load) -> (BenchReport, Latencies) {
    let count = load.bodies.len();
    let bodies: Arc<Vec<Payload>> = Arc::new(load.bodies);
    // Ctrl-C or SIGTERM ends the run early, and what ran is still reported. Requests in
    // flight then are left unanswered and uncounted.
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn(async move {
        crate::wait_for_stop(None).await;
        let _ = stop_tx.send(true);
    });
    let started = Instant::now();
    let length = Duration::from_secs_f64(args.duration);
    let deadline = started + length;
    // The open loop's next request number, shared: workers take requests in turn.
    let next = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for w in 0..args.concurrency {
        let (target, bodies, next) = (target.clone(), bodies.clone(), next.clone());
        let mut stop = stop.clone();
        let (batch, concurrency, rate) = (args.batch as u64, args.concurrency, args.rate);
        workers.push(tokio::spawn(async move {
            let mut t = Tally::default();
            let mut order = body_order(w, concurrency, count);
            // Bounded by the deadline; each request by its own timeout.
            loop {
                if *stop.borrow() {
                    break;
                }
                let (body, from) = match rate {
                    None if Instant::now() < deadline => {
                        let Some(b) = order.next() else { break };
                        (b, Instant::now())
                    }
                    None => break,
                    // Past the end, what is still due is left unsent: a target slower than
                    // the rate would otherwise keep the run going long after its duration.
                    Some(_) if Instant::now() >= deadline => break,
                    Some(rate) => {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let offset = due(k, rate);
                        if offset >= length {
                            break;
                        }
                        let due = started + offset;
                        let now = Instant::now();
                        let from = if now < due {
                            // Tokio's timer wakes up to a millisecond late: that delay is
                            // the generator's, so latency counts from the wake-up.
                            tokio::select! {
                                () = tokio::time::sleep_until(due.into()) => {}
                                Ok(()) = stop.changed() => break,
                            }
                            Instant::now()
                        } else {
                            // Every worker was busy when this request fell due: the wait is
                            // the target's doing and counts.
                            if now - due > LATE_AFTER {
                                t.late += 1;
                            }
                            due
                        };
                        (k as usize % count, from)
                    }
                };
                let sent = Instant::now();
                let result = tokio::select! {
                    r = target.put(&bodies[body], REQUEST_TIMEOUT) => r,
                    Ok(()) = stop.changed() => break,
                };
                t.service += sent.elapsed();
                t.latencies.record(from.elapsed());
                t.count(result, batch);
            }
            t
        }));
    }
    let mut all = Tally::default();
    for w in workers {
        if let Ok(t) = w.await {
            all.add(t);
        }
    }
    watcher.abort();
    let interrupted = *stop.borrow();
    // An open loop whose last request is answered early still ran for its whole schedule:
    // rates are over the duration asked for at least, unless the run was stopped.
    let ran = if interrupted {
        started.elapsed()
    } else {
        started.elapsed().max(length)
    };
    let elapsed = ran.as_secs_f64().max(1e-9);
    let scheduled_for = if interrupted { elapsed } else { args.duration };
    let report = BenchReport {
        endpoint: target.base.clone(),
        duration_seconds: elapsed,
        interrupted,
        concurrency: args.concurrency,
        batch: args.batch,
        document_bytes: load.document_bytes,
        documents_from: load.documents_from,
        bodies: count,
        target_rate: args.rate,
        late_requests: all.late,
        unsent_requests: args.rate.map_or(0, |r| {
            scheduled(r, scheduled_for).saturating_sub(all.requests)
        }),
        requests: all.requests,
        requests_per_second: all.requests as f64 / elapsed,
        documents: all.documents,
        documents_per_second: all.documents as f64 / elapsed,
        accepted: all.accepted,
        unprocessed: all.unprocessed,
        error_statuses: all.statuses,
        transport_errors: all.transport,
        timeouts: all.timeouts,
        latency_ms: all.latencies.summary(),
        service_ms_mean: if all.requests == 0 {
            0.0
        } else {
            all.service.as_secs_f64() * 1000.0 / all.requests as f64
        },
    };
    (report, all.latencies)
}

/// Advice on stderr (so that JSON output stays one document) when an open loop had too few
/// workers for its rate: requests then waited for a worker, not for the target.
fn advice(r: &BenchReport) -> Option<String> {
    let rate = r.target_rate?;
    let wanted = more_workers(rate, r.concurrency, r.service_ms_mean / 1000.0)?;
    let head = format!(
        "note: at {} requests/s, with answers taking {:.2} ms and the requests due within each {} ms timer tick starting together, about {:.1} requests need a worker at once, for --concurrency {}: requests waited for a free worker ({} late, {} never sent), and that wait is in the latency.",
        rate_text(rate),
        r.service_ms_mean,
        TIMER_TICK.as_millis(),
        in_flight(rate, r.service_ms_mean / 1000.0),
        r.concurrency,
        r.late_requests,
        r.unsent_requests
    );
    Some(if wanted > r.concurrency {
        format!("{head} Use --concurrency {wanted} so that the figures measure the target, not this generator.")
    } else {
        format!("{head} {MAX_CONCURRENCY} workers are the most allowed: this rate is more than the target answers.")
    })
}

fn print_human(r: &BenchReport) {
    let from = match &r.documents_from {
        Some(dir) => format!(" from {dir}, {} distinct bodies", r.bodies),
        None => String::new(),
    };
    println!(
        "bench {}: {:.1} s{}, concurrency {}, batch {}, ~{} B documents{from}",
        r.endpoint,
        r.duration_seconds,
        if r.interrupted { " (interrupted)" } else { "" },
        r.concurrency,
        r.batch,
        r.document_bytes
    );
    if let Some(rate) = r.target_rate {
        println!(
            "open loop at {} requests/s: latency counts from when each request was due; {} started late, behind busy workers; {} never sent; answers took {:.2} ms on average",
            rate_text(rate),
            r.late_requests,
            r.unsent_requests,
            r.service_ms_mean
        );
    }
    println!(
        "requests: {} ({:.0}/s); documents: {} ({:.0}/s), {} accepted, {} unprocessed",
        r.requests,
        r.requests_per_second,
        r.documents,
        r.documents_per_second,
        r.accepted,
        r.unprocessed
    );
    println!(
        "errors: {:?} by status, {} transport, {} timeouts",
        r.error_statuses, r.transport_errors, r.timeouts
    );
    let l = &r.latency_ms;
    println!(
        "latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, p99.9 {:.2}, max {:.2}, mean {:.2}",
        l.p50, l.p90, l.p99, l.p99_9, l.max, l.mean
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(duration: f64, concurrency: usize, batch: usize, rate: Option<f64>) -> BenchArgs {
        sized(duration, concurrency, batch, rate, 1000)
    }

    fn sized(
        duration: f64,
        concurrency: usize,
        batch: usize,
        rate: Option<f64>,
        document_bytes: usize,
    ) -> BenchArgs {
        BenchArgs {
            endpoint: "http://127.0.0.1:1".into(),
            duration,
            concurrency,
            batch,
            rate,
            document_bytes,
            documents: None,
            format: OutputFormat::Human,
            region: "us-east-1".into(),
            no_sign: true,
            hgrm: None,
        }
    }

    #[test]
    fn each_limit_is_accepted_up_to_itself_and_refused_past_it() {
        let ok = |a: BenchArgs| check_args(&a).is_ok();
        let d = MAX_DURATION_SECS;
        assert!(ok(args(d - 1.0, 8, 50, None)) && ok(args(d, 8, 50, None)));
        assert!(!ok(args(d + 1.0, 8, 50, None)) && !ok(args(-1.0, 8, 50, None)));
        let c = MAX_CONCURRENCY;
        assert!(ok(args(1.0, c - 1, 50, None)) && ok(args(1.0, c, 50, None)));
        assert!(!ok(args(1.0, c + 1, 50, None)) && !ok(args(1.0, 0, 50, None)));
        assert!(ok(args(1.0, 8, 1, None)) && !ok(args(1.0, 8, 0, None)));
        let r = MAX_RATE;
        assert!(ok(args(1.0, 8, 50, Some(r - 1.0))) && ok(args(1.0, 8, 50, Some(r))));
        assert!(!ok(args(1.0, 8, 50, Some(r + 1.0))));
        for bad in [0.0, -5.0, f64::NAN, f64::INFINITY] {
            assert!(!ok(args(1.0, 8, 50, Some(bad))), "{bad}");
        }
        // Prepared bytes: a batch of documents that makes exactly the limit, one byte per
        // document less, and one more; and products past any size.
        let batch = 64;
        let at = MAX_PREPARED_BYTES / (BODIES * batch);
        assert_eq!(BODIES * batch * at, MAX_PREPARED_BYTES);
        assert!(ok(sized(1.0, 8, batch, None, at - 1)) && ok(sized(1.0, 8, batch, None, at)));
        assert!(!ok(sized(1.0, 8, batch, None, at + 1)));
        assert!(ok(sized(1.0, 8, 50, None, 65_536)));
        assert!(!ok(sized(1.0, 8, usize::MAX, None, 2)));
        assert!(!ok(sized(1.0, 8, 2, None, usize::MAX)));
    }
}
