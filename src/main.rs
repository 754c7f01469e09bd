//! `parcours`: parse the command line, set up logging, run the command, print the error chain
//! once and exit 1 for bad input or 2 for anything else (ripgrep's `main.rs`).

use std::process::ExitCode;

use clap::Parser as _;
use parcours::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    parcours::telemetry::init("parcours=warn");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("erreur : démarrage impossible : {err}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("erreur : {err:#}");
            ExitCode::from(2)
        }
    }
}
