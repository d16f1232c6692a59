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

/// Exit codes shared by every subcommand.
pub mod exit {
    pub const PASS: u8 = 0;
    pub const FAIL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const UNREACHABLE: u8 = 3;
}
