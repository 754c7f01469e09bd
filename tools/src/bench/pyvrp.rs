//! PyVRP beside Parcours in `parcours-dev bench vrptw`: a venv in the output folder, PyVRP
//! installed there with pip at a pinned version, and the embedded `pyvrp_solve.py` run on the
//! same instances, time limit and seeds, one thread.
//!
//! Nothing here fails the bench: when Python, the venv, pip or the script fails, the outcome
//! says why in a sentence the table prints instead of PyVRP's numbers.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The PyVRP release the bench installs (on PyPI for CPython 3.11+, manylinux wheels).
pub(crate) const PYVRP_VERSION: &str = "0.14.1";

/// The script run in the venv.
const SCRIPT: &str = include_str!("pyvrp_solve.py");

/// One PyVRP run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyvrpRun {
    /// Instance name (file stem).
    pub instance: String,
    /// Seed, 1..=N.
    pub seed: u64,
    /// Distance of its best solution, in tenths (DIMACS).
    pub cost: i64,
    /// Whether PyVRP reports that solution feasible.
    pub feasible: bool,
    /// Wall-clock seconds PyVRP reports.
    pub runtime_s: f64,
    /// Routes, customers numbered 1..n.
    pub routes: Vec<Vec<usize>>,
}

/// What running PyVRP gave.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PyvrpOutcome {
    /// PyVRP ran; `problems` lists instances it could not read and a failed exit, if any.
    Ran {
        /// The version the venv really has.
        version: String,
        /// Every run, in order.
        runs: Vec<PyvrpRun>,
        /// Instances PyVRP refused, and a non-zero exit, as sentences.
        problems: Vec<String>,
    },
    /// PyVRP could not run, and why.
    Unavailable(String),
}

/// One line of the script's output.
#[derive(Debug, serde::Deserialize)]
struct Line {
    pyvrp: Option<String>,
    instance: Option<String>,
    seed: Option<u64>,
    cost: Option<i64>,
    feasible: Option<bool>,
    runtime: Option<f64>,
    routes: Option<Vec<Vec<usize>>>,
    error: Option<String>,
}

/// The last non-empty line of a command's error output, for a one-line reason.
fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("(no output)")
        .trim()
        .to_owned()
}

/// Runs `command` to completion; `Err` with a one-line reason unless it succeeds.
fn run_quietly(command: &mut Command, what: &str) -> Result<Vec<u8>, String> {
    match command.stdin(Stdio::null()).output() {
        Ok(out) if out.status.success() => Ok(out.stdout),
        Ok(out) => Err(format!(
            "{what} failed ({}): {}",
            out.status,
            last_line(&out.stderr)
        )),
        Err(err) => Err(format!("{what} could not start: {err}")),
    }
}

/// The venv's Python with PyVRP [`PYVRP_VERSION`] installed: `python3 -m venv OUT/.venv` if
/// missing, then `pip install pyvrp==…` unless that version is already there.
fn prepare_venv(out: &Path, progress: &mut dyn FnMut(&str)) -> Result<PathBuf, String> {
    let venv = out.join(".venv");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        progress(&format!("creating {}", venv.display()));
        run_quietly(
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "python3 -m venv",
        )?;
    }
    let installed = Command::new(&python)
        .args([
            "-c",
            "import importlib.metadata as m; print(m.version('pyvrp'))",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if installed.as_deref() != Some(PYVRP_VERSION) {
        progress(&format!("pip install pyvrp=={PYVRP_VERSION}"));
        run_quietly(
            Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                &format!("pyvrp=={PYVRP_VERSION}"),
            ]),
            &format!("pip install pyvrp=={PYVRP_VERSION}"),
        )?;
    }
    Ok(python)
}

/// Runs PyVRP on `instances` for `time_limit` per run with seeds 1..=`seeds`, reporting each
/// run through `progress`.
pub(crate) fn run(
    out: &Path,
    instances: &[PathBuf],
    time_limit: Duration,
    seeds: u64,
    progress: &mut dyn FnMut(&str),
) -> PyvrpOutcome {
    let python = match prepare_venv(out, progress) {
        Ok(python) => python,
        Err(reason) => return PyvrpOutcome::Unavailable(reason),
    };
    let script = out.join(".venv").join("pyvrp_solve.py");
    if let Err(err) = std::fs::write(&script, SCRIPT) {
        return PyvrpOutcome::Unavailable(format!("writing {}: {err}", script.display()));
    }
    let spawned = Command::new(&python)
        .arg(&script)
        .arg("--time-limit")
        .arg(time_limit.as_secs_f64().to_string())
        .arg("--seeds")
        .arg(seeds.to_string())
        .args(instances)
        // PyVRP's search is single-threaded; keep numpy's BLAS to one thread as well.
        .env("OMP_NUM_THREADS", "1")
        .env("OPENBLAS_NUM_THREADS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(err) => return PyvrpOutcome::Unavailable(format!("running PyVRP: {err}")),
    };
    let Some(stdout) = child.stdout.take() else {
        return PyvrpOutcome::Unavailable("running PyVRP: no output pipe".to_owned());
    };

    let mut version = None;
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    for text in BufReader::new(stdout).lines() {
        let text = match text {
            Ok(text) => text,
            Err(err) => {
                problems.push(format!("reading PyVRP's output: {err}"));
                break;
            }
        };
        match parse_line(&text) {
            Ok(Parsed::Version(v)) => version = Some(v),
            Ok(Parsed::Run(run)) => {
                progress(&format!(
                    "PyVRP {} seed {}/{seeds}: {}{} in {:.1} s",
                    run.instance,
                    run.seed,
                    parcours_solver::routing::vrplib::format_tenths(run.cost),
                    if run.feasible { "" } else { " (infeasible)" },
                    run.runtime_s
                ));
                runs.push(run);
            }
            Ok(Parsed::Refused(message)) => {
                progress(&message);
                problems.push(message);
            }
            Err(message) => problems.push(message),
        }
    }
    match child.wait() {
        Ok(status) if status.success() => {}
        Ok(status) => problems.push(format!("the PyVRP script exited with {status}")),
        Err(err) => problems.push(format!("waiting for the PyVRP script: {err}")),
    }
    match version {
        Some(version) => PyvrpOutcome::Ran {
            version,
            runs,
            problems,
        },
        None => PyvrpOutcome::Unavailable(
            problems
                .first()
                .cloned()
                .unwrap_or_else(|| "the PyVRP script printed nothing".to_owned()),
        ),
    }
}

/// A line of the script, understood.
#[derive(Debug, PartialEq)]
enum Parsed {
    Version(String),
    Run(PyvrpRun),
    Refused(String),
}

fn parse_line(text: &str) -> Result<Parsed, String> {
    let line: Line = serde_json::from_str(text)
        .map_err(|err| format!("unexpected PyVRP output line ({err}): {text}"))?;
    if let Some(version) = line.pyvrp {
        return Ok(Parsed::Version(version));
    }
    let instance = line
        .instance
        .ok_or_else(|| format!("PyVRP output line without instance: {text}"))?;
    if let Some(error) = line.error {
        return Ok(Parsed::Refused(format!(
            "PyVRP could not read {instance}: {error}"
        )));
    }
    match (
        line.seed,
        line.cost,
        line.feasible,
        line.runtime,
        line.routes,
    ) {
        (Some(seed), Some(cost), Some(feasible), Some(runtime_s), Some(routes)) => {
            Ok(Parsed::Run(PyvrpRun {
                instance,
                seed,
                cost,
                feasible,
                runtime_s,
                routes,
            }))
        }
        _ => Err(format!("incomplete PyVRP output line: {text}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_lines_are_understood() {
        assert_eq!(
            parse_line(r#"{"pyvrp": "0.14.1"}"#),
            Ok(Parsed::Version("0.14.1".to_owned()))
        );
        assert_eq!(
            parse_line(
                r#"{"instance": "C101", "seed": 2, "cost": 8273, "feasible": true, "runtime": 1.5, "routes": [[5, 3], [1]]}"#
            ),
            Ok(Parsed::Run(PyvrpRun {
                instance: "C101".to_owned(),
                seed: 2,
                cost: 8273,
                feasible: true,
                runtime_s: 1.5,
                routes: vec![vec![5, 3], vec![1]],
            }))
        );
        assert_eq!(
            parse_line(r#"{"instance": "X", "error": "ValueError: bad"}"#),
            Ok(Parsed::Refused(
                "PyVRP could not read X: ValueError: bad".to_owned()
            ))
        );
        assert!(parse_line("Traceback (most recent call last):").is_err());
        assert!(parse_line(r#"{"instance": "C101", "seed": 2}"#).is_err());
    }

    #[test]
    fn a_failing_command_gives_its_last_error_line() {
        let err = run_quietly(
            Command::new("sh").args(["-c", "echo one >&2; echo two >&2; exit 3"]),
            "demo",
        )
        .unwrap_err();
        assert!(err.starts_with("demo failed ("), "{err}");
        assert!(err.ends_with(": two"), "{err}");
        let err = run_quietly(&mut Command::new("/nonexistent/python3"), "py").unwrap_err();
        assert!(err.starts_with("py could not start: "), "{err}");
    }
}
