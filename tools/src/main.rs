//! `parcours-dev`: parse the command line, set up logging, run the command, print the error
//! chain once and exit 1 for bad input or 2 for anything else (as `parcours` does).

use std::process::ExitCode;

use clap::Parser as _;
use parcours_dev::cli::{Cli, run};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // The benchmarks import and plan through the library, which logs warnings only, as the
    // `parcours` commands other than `serve` do.
    parcours::telemetry::init("parcours=warn");
    match run(cli).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("erreur : {err:#}");
            ExitCode::from(2)
        }
    }
}
