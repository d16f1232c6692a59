use std::process::ExitCode;

use clap::Parser;
use xray_conformance::cli::{Cli, Command};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Validate(args) => xray_conformance::validate_cmd::run(&args),
        Command::Run(args) => xray_conformance::runner::main(args),
        Command::List(args) => xray_conformance::explain::list(&args),
        Command::Explain(args) => xray_conformance::explain::explain(&args),
        Command::Serve(args) => xray_conformance::serve::main(args),
        Command::CheckClient(args) => xray_conformance::check_client::main(args),
        Command::Bench(args) => xray_conformance::bench::main(args),
    };
    ExitCode::from(code)
}
