//! What every integration test needs: fixture paths, running the `parcours` binary with a chosen
//! database and nothing inherited from the caller's environment, and reading a database back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A path under the repository's `fixtures/` (`fixture("cases/mini")`).
pub(crate) fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// The binary, with no database URL or log filter inherited from the environment.
fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parcours"));
    cmd.env_remove("PARCOURS_DATABASE_URL")
        .env_remove("RUST_LOG");
    cmd
}

fn run(mut cmd: Command) -> Output {
    cmd.output().expect("the parcours binary should start")
}

/// Runs `parcours --database-url <url> <args…>` and waits for it.
pub(crate) fn parcours(args: &[&str], url: &str) -> Output {
    let mut cmd = command();
    cmd.args(["--database-url", url]).args(args);
    run(cmd)
}

/// Runs `parcours --database-url <url> <args…>` with `input` on its standard input.
pub(crate) fn parcours_with_input(args: &[&str], url: &str, input: &str) -> Output {
    use std::io::Write as _;
    let mut cmd = command();
    cmd.args(["--database-url", url])
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("the parcours binary should start");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input.as_bytes())
        .expect("writing its standard input");
    child.wait_with_output().expect("waiting for parcours")
}

/// Runs `parcours <args…>` in `dir`, with `--database-url <url>` when given (otherwise the
/// default `sqlite://parcours.db`, relative to `dir`).
pub(crate) fn parcours_in(dir: &Path, args: &[&str], url: Option<&str>) -> Output {
    let mut cmd = command();
    cmd.current_dir(dir);
    if let Some(url) = url {
        cmd.args(["--database-url", url]);
    }
    cmd.args(args);
    run(cmd)
}

/// `f` run on the store of the database at `url`, in a runtime of its own; the store is closed
/// afterwards.
pub(crate) fn on_store<T, Fut>(url: &str, f: impl FnOnce(parcours::store::Store) -> Fut) -> T
where
    Fut: std::future::Future<Output = T>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime should start");
    runtime.block_on(async {
        let store = parcours::store::Store::connect(url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
        let out = f(store.clone()).await;
        store.close().await;
        out
    })
}

/// Everything the database at `url` holds, read through the store.
pub(crate) fn load(url: &str) -> parcours::domain::Territory {
    on_store(url, |store| async move {
        store
            .load_territory()
            .await
            .expect("the database should load")
    })
}

/// The last stored rota of `week` made by `kind`.
pub(crate) fn latest_plan(
    url: &str,
    week: &str,
    kind: parcours::planning::PlanMethod,
) -> parcours::planning::WeekPlan {
    let week = parcours::planning::IsoWeek::parse(week).unwrap();
    on_store(url, |store| async move {
        store
            .latest_plan::<parcours::planning::WeekPlan>(week, kind)
            .await
            .unwrap()
            .expect("a stored plan")
            .1
    })
}

/// Where each visit of `plan` is: family → (référent, start).
pub(crate) fn visits(
    plan: &parcours::planning::WeekPlan,
) -> std::collections::BTreeMap<String, (String, chrono::NaiveDateTime)> {
    let mut at = std::collections::BTreeMap::new();
    for r in &plan.referents {
        for s in r.days.iter().flat_map(|d| &d.stops) {
            if let parcours::planning::StopKind::Visit { family } = &s.kind {
                at.insert(family.clone(), (r.code.clone(), s.start));
            }
        }
    }
    at
}
