//! The tracing subscriber: the only place one is installed (STYLE.md §10). Logs go to stderr,
//! filtered by `RUST_LOG` (default: warnings only for the CLI, so its French output stays clean).

use tracing_subscriber::EnvFilter;

/// Installs the subscriber; `default_filter` applies when `RUST_LOG` is not set.
pub fn init(default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    // A second call (tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colours only on a terminal: a server's log file gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
