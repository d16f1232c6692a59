//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "xray-conformance",
    version,
    about = "Conformance suite and validator for AWS X-Ray PutTraceSegments"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate segment documents and print every diagnostic.
    Validate(ValidateArgs),
    /// Run the suite against an endpoint (default: the embedded reference).
    Run(RunArgs),
    /// List case ids.
    List(ListArgs),
    /// Show what a case checks, where the requirement comes from, and what it expects.
    Explain(ExplainArgs),
    /// A local X-Ray: the HTTP API and the daemon's UDP protocol, validating and recording
    /// every document, with optional faults.
    Serve(crate::serve::ServeArgs),
    /// Run a client against a local X-Ray and judge what it sent.
    CheckClient(crate::check_client::CheckClientArgs),
    /// Load a PutTraceSegments implementation for a bounded time and report throughput and
    /// latency.
    Bench(crate::bench::BenchArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Files holding one segment document each, or directories (their `*.json` files at any
    /// depth, in name order); `-` reads standard input.
    #[arg(required = true)]
    pub files: Vec<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LevelArg {
    /// Documented behaviour only.
    Must,
    /// Documented and observed behaviour (default).
    Aws,
    /// Everything, including guidance and open questions.
    Lint,
}

/// Options that choose cases; shared by `run` and `list`.
#[derive(Args, Debug, Clone)]
pub struct Selection {
    /// Run only cases whose id matches (glob: `*` within a segment, `**` across; `@FILE` reads
    /// patterns from a file). Repeatable.
    #[arg(long = "run", value_name = "PATTERN")]
    pub run: Vec<String>,
    /// Skip cases whose id matches. Repeatable.
    #[arg(long = "skip", value_name = "PATTERN")]
    pub skip: Vec<String>,
    /// The most lenient level to include: must < aws < lint.
    #[arg(long, value_enum, default_value = "aws")]
    pub level: LevelArg,
    /// Include every level (same as --level lint).
    #[arg(long)]
    pub strict: bool,
    /// Read cases from this fixtures folder instead of the embedded catalogue.
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The implementation under test, e.g. http://127.0.0.1:4566. Default: start the embedded
    /// reference endpoint.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    #[command(flatten)]
    pub selection: Selection,
    /// Region for the SigV4 signature.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// Send requests unsigned.
    #[arg(long)]
    pub no_sign: bool,
    /// Access key for signing (dummy by default).
    #[arg(long, default_value = "AKIDXRAYCONFORMANCE")]
    pub access_key: String,
    /// Secret key for signing (dummy by default).
    #[arg(long, default_value = "xray-conformance-dummy-secret")]
    pub secret_key: String,
    /// Rewrite trace and segment ids per case, so a target that stores documents cannot leak
    /// state between cases.
    #[arg(long)]
    pub fresh_ids: bool,
    /// Cases known to fail: one pattern per line, each with a `# reason`.
    #[arg(long, value_name = "FILE")]
    pub known_failing: Option<PathBuf>,
    /// Print the full HTTP exchange of each failing case, with a curl line to reproduce it.
    #[arg(long)]
    pub trace: bool,
    /// Extra report: json=PATH, junit=PATH or markdown=PATH. Repeatable.
    #[arg(long = "format", value_name = "KIND=PATH")]
    pub formats: Vec<String>,
    /// Cases in flight at once.
    #[arg(long, default_value_t = 16, value_parser = jobs)]
    pub jobs: usize,
    /// Seconds a case may take before it is reported as `timeout`.
    #[arg(long, default_value_t = 10.0, value_parser = crate::seconds)]
    pub timeout: f64,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    #[command(flatten)]
    pub selection: Selection,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A case id (or alias), e.g. names/missing or names/missing/mixed.
    pub id: String,
    /// Read cases from this fixtures folder instead of the embedded catalogue.
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<std::path::PathBuf>,
}

/// Most cases in flight at once: far more than a target needs to be kept busy, few enough
/// that a typo is refused (`usize::MAX` made the runner's semaphore panic, and 0 silently
/// ran one at a time).
pub const MAX_JOBS: usize = 1024;

fn jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_JOBS).contains(&n) => Ok(n),
        _ => Err(format!("cases in flight must be 1 to {MAX_JOBS}")),
    }
}
