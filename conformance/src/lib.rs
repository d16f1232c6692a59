//! `xray-conformance`: the conformance suite for AWS X-Ray PutTraceSegments implementations,
//! the embedded reference endpoint, and the validator command line. Every rule comes from the
//! `xray-segment` core and every case from `xray-fixtures`; nothing here re-implements either.

pub mod bench;
pub mod check_client;
pub mod cli;
pub mod client;
pub mod endpoint;
pub mod explain;
pub mod fresh_ids;
pub mod known_failing;
pub mod report;
pub mod runner;
pub mod select;
pub mod serve;
pub mod validate_cmd;

/// Runs a subcommand's async body on a multi-threaded runtime and returns its exit code.
pub fn block_on(body: impl std::future::Future<Output = u8>) -> u8 {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(body),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            exit::FAIL
        }
    }
}

/// A flag's number of seconds: zero or more, and short enough to be a `Duration` (`inf` made
/// the commands that turn it into one panic).
pub(crate) fn seconds(text: &str) -> Result<f64, String> {
    let s: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if s.is_nan() || s < 0.0 {
        return Err(format!("{text} seconds: it must be zero or more"));
    }
    std::time::Duration::try_from_secs_f64(s)
        .map(|_| s)
        .map_err(|_| format!("{text} seconds is too long"))
}

/// Waits for Ctrl-C or SIGTERM, or for `duration` when given.
pub(crate) async fn wait_for_stop(duration: Option<std::time::Duration>) {
    let timer = async {
        match duration {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending::<()>().await,
        }
    };
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = timer => {} }
                    return;
                }
            };
        tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term.recv() => {}, _ = timer => {} }
    }
    #[cfg(not(unix))]
    tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = timer => {} }
}

/// Exit codes shared by every subcommand.
pub mod exit {
    pub const PASS: u8 = 0;
    pub const FAIL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const UNREACHABLE: u8 = 3;
    /// Stopped by Ctrl-C or SIGTERM before the end (128 + SIGINT, as shells report it).
    pub const INTERRUPTED: u8 = 130;
}
