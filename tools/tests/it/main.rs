//! Integration tests of `parcours-dev`, run as a developer runs it (one test binary, so one
//! link): the benchmarks on small inputs, and the generator against the committed reference
//! territory.

mod bench;
mod fixtures;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A path under the repository's `fixtures/` (`fixture("vrptw")`).
pub(crate) fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(rel)
}

/// `parcours-dev`, with no database URL or log filter inherited from the environment.
pub(crate) fn parcours_dev() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parcours-dev"));
    cmd.env_remove("PARCOURS_DATABASE_URL")
        .env_remove("RUST_LOG");
    cmd
}

/// Runs `parcours-dev <args…>` in `dir` and waits for it.
pub(crate) fn parcours_dev_in(dir: &Path, args: &[&str]) -> Output {
    parcours_dev()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the parcours-dev binary should start")
}
