//! `xray-conformance serve`: a local X-Ray. It answers the X-Ray API over HTTP and the daemon
//! protocol over UDP, validates every document with the core, records it, checks traces across
//! documents, and injects faults on request.

pub mod faults;
pub mod http;
pub mod key;
pub mod sigv4;
pub mod state;
pub mod traces;
pub mod udp;

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, UdpSocket};

use self::faults::Faults;
use self::key::Key;
use self::state::State;
use crate::exit;

/// How long a client may take to send request headers; a half-open connection is closed then.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// HTTP address for the X-Ray API (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:2000")]
    pub http: SocketAddr,
    /// UDP address for the daemon protocol.
    #[arg(long, default_value = "127.0.0.1:2000")]
    pub udp: SocketAddr,
    /// Write every received document, with its verdict and diagnostics, as JSON lines.
    #[arg(long, value_name = "FILE.jsonl")]
    pub record: Option<std::path::PathBuf>,
    /// Read the fault plan from a TOML file (same names as the fault flags).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["throttle_first", "throttle_rate", "error_first", "error_rate", "reject", "latency_ms", "reset_first"])]
    pub scenario: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub faults: Faults,
    /// Stop by itself after this many seconds.
    #[arg(long, value_parser = crate::seconds)]
    pub duration: Option<f64>,
    /// Check SigV4 signatures against these credentials (default: accept any signature).
    #[arg(long, value_name = "ACCESS_KEY:SECRET_KEY")]
    pub check_signature: Option<sigv4::Keys>,
}

/// A running endpoint.
pub struct Running {
    pub http: SocketAddr,
    pub udp: SocketAddr,
    pub state: Arc<State>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.tasks.iter().for_each(|t| t.abort());
    }
}

/// Binds both listeners and serves until the returned value is dropped.
pub async fn start(
    http: SocketAddr,
    udp: SocketAddr,
    record: Option<&std::path::Path>,
    faults: Faults,
) -> std::io::Result<Running> {
    start_with(http, udp, record, faults, None).await
}

/// Like [`start`], checking SigV4 signatures against `keys` when given.
pub async fn start_with(
    http: SocketAddr,
    udp: SocketAddr,
    record: Option<&std::path::Path>,
    faults: Faults,
    keys: Option<sigv4::Keys>,
) -> std::io::Result<Running> {
    // Each failure names what failed: a record file that cannot be written was reported as
    // the addresses that could not be listened on.
    let context = |what: String| {
        move |e: std::io::Error| std::io::Error::new(e.kind(), format!("{what}: {e}"))
    };
    let state = Arc::new(State::new(record).map_err(context(format!(
        "cannot write {}",
        record.unwrap_or(std::path::Path::new("")).display()
    )))?);
    let listener = TcpListener::bind(http)
        .await
        .map_err(context(format!("cannot listen on http {http}")))?;
    let socket = UdpSocket::bind(udp)
        .await
        .map_err(context(format!("cannot listen on udp {udp}")))?;
    let (http, udp) = (listener.local_addr()?, socket.local_addr()?);
    let resets = faults.reset_first;
    let app = Arc::new(http::App::new(state.clone(), faults, keys));
    let router = http::router(app);
    let http_state = state.clone();
    let accept = tokio::spawn(async move {
        let connections = AtomicU64::new(0);
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            if connections.fetch_add(1, Ordering::Relaxed) < resets {
                http_state.count(|c| c.resets += 1);
                // SO_LINGER 0 turns the close into a TCP reset, as a dropped connection looks;
                // with a zero timeout the close does not block, which is what the lint warns of.
                #[allow(deprecated)]
                let _ = stream.set_linger(Some(Duration::ZERO));
                drop(stream);
                continue;
            }
            let service = TowerToHyperService::new(router.clone());
            // One task per connection: a slow or half-open client stalls only itself.
            tokio::spawn(async move {
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT);
                let _ = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    let udp_task = tokio::spawn(udp::listen(socket, state.clone()));
    Ok(Running {
        http,
        udp,
        state,
        tasks: vec![accept, udp_task],
    })
}

pub fn main(args: ServeArgs) -> u8 {
    let faults = match &args.scenario {
        Some(path) => match Faults::from_file(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        },
        None => args.faults.clone(),
    };
    if let Err(e) = faults.check() {
        eprintln!("error: {e}");
        return exit::USAGE;
    }
    crate::block_on(async move {
        let running = match start_with(
            args.http,
            args.udp,
            args.record.as_deref(),
            faults,
            args.check_signature.clone(),
        )
        .await
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        };
        println!(
            "xray-conformance serve: http=http://{} udp={}",
            running.http, running.udp
        );
        let _ = std::io::stdout().flush();
        let live = std::io::stderr().is_terminal().then(|| {
            let state = running.state.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    eprint!("\r{} documents received", state.received());
                }
            })
        });
        crate::wait_for_stop(args.duration.map(Duration::from_secs_f64)).await;
        if let Some(t) = live {
            t.abort();
            eprintln!();
        }
        running.state.flush();
        // The records are written. tokio's signal handler stays installed for the process, so
        // a Ctrl-C while the summary is printed to a stalled pipe was ignored; now it ends the
        // process.
        tokio::spawn(async {
            crate::wait_for_stop(None).await;
            std::process::exit(exit::INTERRUPTED.into());
        });
        print_summary(&running.state);
        exit::PASS
    })
}

/// Most problem documents printed on shutdown; the rest are in the record file.
const MAX_PRINTED_PROBLEMS: usize = 50;

fn print_summary(state: &State) {
    let s = state.summary();
    println!("== summary ==");
    for (source, verdicts) in &s.documents {
        let parts: Vec<String> = verdicts.iter().map(|(v, n)| format!("{n} {v}")).collect();
        println!("{source}: {}", parts.join(", "));
    }
    let r = &s.requests;
    println!(
        "requests: {} PutTraceSegments ({} throttled, {} server errors, {} request errors), {} resets, {} telemetry, {} sampling",
        r.put_trace_segments, r.throttled, r.server_errors, r.request_errors, r.resets, r.telemetry_records, r.sampling_rules + r.sampling_targets
    );
    let problems = state.problems();
    for p in problems.iter().take(MAX_PRINTED_PROBLEMS) {
        println!(
            "- {} {} #{} id={} {}: {}",
            p.source,
            p.verdict,
            p.seq,
            p.id.as_ref().map_or("-".into(), Key::to_string),
            p.error_code.as_deref().unwrap_or(""),
            p.message.as_deref().unwrap_or("")
        );
        for d in p.diagnostics.iter().filter(|d| d.severity != "lint") {
            println!("    {} {} {}: {}", d.severity, d.code, d.pointer, d.message);
        }
    }
    if problems.len() > MAX_PRINTED_PROBLEMS {
        println!(
            "... and {} more problem documents (see --record or GET /_xray/problems)",
            problems.len() - MAX_PRINTED_PROBLEMS
        );
    }
    for t in &s.traces {
        for f in &t.findings {
            println!(
                "trace {}: {} {}: {}",
                t.trace_id, f.level, f.check, f.message
            );
        }
    }
}
