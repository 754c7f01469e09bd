//! `parcours`: parse the command line, set up logging, run the command, print the error chain
//! once and exit 1 for bad input or 2 for anything else (ripgrep's `main.rs`).

use std::process::ExitCode;

use clap::Parser as _;
use parcours::cli::{Cli, Command, run};

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    let cli = Cli::parse();
    // The server logs its requests (route, status, latency; never a token or a name); the other
    // commands print French for the user and log warnings only.
    parcours::telemetry::init(match cli.command {
        Command::Serve { .. } => "parcours=info,tower_http=info",
        _ => "parcours=warn",
    });
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

/// `parcours demo | head` ends quietly, as other command-line tools do, instead of panicking
/// when the reader closes the pipe (Rust ignores SIGPIPE, and `println!` panics on the error).
fn quiet_on_closed_pipe() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map_or("", String::as_str);
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
}
