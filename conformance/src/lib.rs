//! `xray-conformance`: the conformance suite for AWS X-Ray PutTraceSegments implementations,
//! the embedded reference endpoint, and the validator command line. Every rule comes from the
//! `xray-segment` core and every case from `xray-fixtures`; nothing here re-implements either.

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

/// Exit codes shared by every subcommand.
pub mod exit {
    pub const PASS: u8 = 0;
    pub const FAIL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const UNREACHABLE: u8 = 3;
}
