//! `parcours-dev bench scaling`: how the routing engine scales with the number of visits
//! (issue 4).
//!
//! For each size, a Solomon-like instance ([`super::synthetic`]) is written to `OUT/S<n>.vrp`
//! and solved once by a child process (`parcours-dev bench scaling-run`), so that each size's
//! peak memory is its own: the child reads its peak resident set (`VmHWM`) from
//! `/proc/self/status` before and after the solve. The table gives iterations per second, the
//! time at which the search first came within 1 % of its final cost, and the peak memory.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use parcours_solver::limits::{Limits, Params};
use parcours_solver::routing::{self, vrplib};
use serde::{Deserialize, Serialize};

use super::synthetic;

/// What to run.
#[derive(Debug, Clone)]
pub struct ScalingOptions {
    /// Numbers of customers, one instance each.
    pub sizes: Vec<usize>,
    /// Wall-clock limit of each solve.
    pub time_limit: Duration,
    /// Seed of the instances and of the solves.
    pub seed: u64,
    /// Output folder: `S<n>.vrp`, `S<n>.sol`, `scaling.md`.
    pub out: PathBuf,
}

/// What one child solve measured (printed by `bench scaling-run` as one JSON line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScalingRun {
    /// Customers of the instance.
    pub visits: usize,
    /// Iterations of the search.
    pub iterations: u64,
    /// Wall-clock time of the solve, milliseconds.
    pub elapsed_ms: u64,
    /// Final distance, in tenths.
    pub distance: i64,
    /// Routes used.
    pub routes: usize,
    /// When the best solution first came within 1 % of the final cost, milliseconds.
    pub within_1pct_ms: u64,
    /// Why the search stopped.
    pub stop: String,
    /// Peak resident memory of the process before the solve (instance read), KiB.
    pub rss_before_kib: Option<u64>,
    /// Peak resident memory of the process at the end of the solve, KiB.
    pub rss_peak_kib: Option<u64>,
}

/// Why the scaling bench failed.
#[derive(Debug, thiserror::Error)]
pub enum ScalingError {
    /// An output file cannot be written.
    #[error("écriture de {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The child process could not run or failed.
    #[error("la mesure de S{size} a échoué : {message}")]
    Child { size: usize, message: String },
    /// An instance file is unreadable or malformed.
    #[error("instance {}", path.display())]
    Instance {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Writes the instances, measures each in a child process of `exe` (the `parcours` binary),
/// writes `OUT/scaling.md` and returns its text.
///
/// # Errors
/// [`ScalingError`] when a file cannot be written or a child fails.
pub fn run_scaling(options: &ScalingOptions, exe: &Path) -> Result<String, ScalingError> {
    let write = |path: PathBuf, text: &str| {
        fs::write(&path, text).map_err(|source| ScalingError::Write { path, source })
    };
    fs::create_dir_all(&options.out).map_err(|source| ScalingError::Write {
        path: options.out.clone(),
        source,
    })?;
    let mut runs = Vec::new();
    for &size in &options.sizes {
        let path = options.out.join(format!("S{size}.vrp"));
        write(path.clone(), &synthetic::solomon_like(size, options.seed))?;
        let output = Command::new(exe)
            .args(["bench", "scaling-run", "--instance"])
            .arg(&path)
            .args([
                "--time-limit",
                &options.time_limit.as_secs_f64().to_string(),
                "--seed",
                &options.seed.to_string(),
            ])
            .output()
            .map_err(|e| ScalingError::Child {
                size,
                message: e.to_string(),
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            return Err(ScalingError::Child {
                size,
                message: format!(
                    "{}: {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                ),
            });
        }
        let run: ScalingRun =
            serde_json::from_str(stdout.trim()).map_err(|e| ScalingError::Child {
                size,
                message: format!("{e}: {stdout}"),
            })?;
        eprintln!(
            "S{size}: {} iterations in {:.1} s, distance {}",
            run.iterations,
            run.elapsed_ms as f64 / 1000.0,
            vrplib::format_tenths(run.distance)
        );
        runs.push(run);
    }
    let markdown = table(options, &runs);
    write(options.out.join("scaling.md"), &markdown)?;
    Ok(markdown)
}

/// Solves one instance file and measures it (the child's side of [`run_scaling`]); writes the
/// solution beside the instance as `<NAME>.sol`.
///
/// # Errors
/// [`ScalingError::Instance`] for an unreadable or malformed file.
pub fn measure(path: &Path, time_limit: Duration, seed: u64) -> Result<ScalingRun, ScalingError> {
    let instance_error =
        |source: Box<dyn std::error::Error + Send + Sync>| ScalingError::Instance {
            path: path.to_owned(),
            source,
        };
    let text = fs::read_to_string(path).map_err(|e| instance_error(Box::new(e)))?;
    let instance = vrplib::parse(&text).map_err(|e| instance_error(Box::new(e)))?;
    let problem = vrplib::to_problem(&instance).map_err(|e| instance_error(Box::new(e)))?;
    let rss_before_kib = peak_rss_kib();
    let started = Instant::now();
    let solution = routing::solve(&problem, &Params::new(seed, Limits::new(time_limit)));
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let rss_peak_kib = peak_rss_kib();
    let final_cost = solution.cost.0;
    // The first best solution within 1 % of the final cost (integers: 100 c ≤ 101 final).
    let within_1pct_ms = solution
        .stats
        .improvements
        .iter()
        .find(|(_, _, cost)| 100 * i128::from(cost.0) <= 101 * i128::from(final_cost))
        .map_or(elapsed_ms, |(_, ms, _)| *ms);
    let sol = vrplib::write_solution(&instance, &solution.routes, final_cost);
    fs::write(path.with_extension("sol"), sol).map_err(|source| ScalingError::Write {
        path: path.with_extension("sol"),
        source,
    })?;
    Ok(ScalingRun {
        visits: problem.visits().len(),
        iterations: solution.stats.iterations,
        elapsed_ms,
        distance: final_cost,
        routes: solution
            .routes
            .iter()
            .filter(|r| !r.visits.is_empty())
            .count(),
        within_1pct_ms,
        stop: format!("{:?}", solution.stop),
        rss_before_kib,
        rss_peak_kib,
    })
}

/// The process's peak resident set, KiB (`VmHWM`), where `/proc` has it.
pub(super) fn peak_rss_kib() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn table(options: &ScalingOptions, runs: &[ScalingRun]) -> String {
    let mib =
        |kib: Option<u64>| kib.map_or("n/a".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Solomon-like RC1 instances (`parcours-dev bench scaling`, seed {}), one solve each, {} s limit, one thread. \
         Peak memory is the solving process's peak resident set (VmHWM); \"before\" is its peak once the instance is read.\n",
        options.seed,
        options.time_limit.as_secs_f64()
    );
    out.push_str("| Visits | Routes | Distance | Iterations | Iterations/s | Time to within 1 % of final (s) | Solve time (s) | Stop | Peak memory (MiB) | Before solve (MiB) |\n");
    out.push_str("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n");
    for r in runs {
        let seconds = r.elapsed_ms as f64 / 1000.0;
        let rate = if seconds > 0.0 {
            r.iterations as f64 / seconds
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {:.0} | {:.2} | {:.1} | {} | {} | {} |",
            r.visits,
            r.routes,
            vrplib::format_tenths(r.distance),
            r.iterations,
            rate,
            r.within_1pct_ms as f64 / 1000.0,
            seconds,
            r.stop,
            mib(r.rss_peak_kib),
            mib(r.rss_before_kib),
        );
    }
    out
}
