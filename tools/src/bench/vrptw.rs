//! `parcours-dev bench vrptw`: every `.vrp` instance of a folder, solved once per seed; the median
//! run's solution written as `OUT/<NAME>.sol` (VRPLIB, for `check.py`), and a Markdown table
//! against the best-known distances of `bks.csv` and, unless asked not to, PyVRP at the same
//! time limit and seeds (issue 4).
//!
//! Each run is judged by `parcours_solver::routing::check`, the solver's independent checker;
//! distances are recomputed here from the problem's matrix, in tenths (DIMACS convention).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use parcours_solver::limits::{Limits, Params};
use parcours_solver::routing::vrplib::{self, VrplibError, VrplibInstance};
use parcours_solver::routing::{Problem, Route, Solution, check};

use super::pyvrp::{self, PYVRP_VERSION, PyvrpOutcome, PyvrpRun};
use super::table::{self, InstanceRow, SolverSummary, median_f64, median_index};

/// What to run.
#[derive(Debug, Clone)]
pub struct VrptwOptions {
    /// Folder of `.vrp` instances, with `bks.csv` (columns `instance`, `cost`) if known.
    pub instances: PathBuf,
    /// Wall-clock limit of each run.
    pub time_limit: Duration,
    /// Runs per instance, with seeds `1..=seeds`.
    pub seeds: u64,
    /// Output folder: `<NAME>.sol`, `summary.md`, `pyvrp/<NAME>.sol`, `.venv/`.
    pub out: PathBuf,
    /// Instance names (file stems) to run, all when empty.
    pub only: Vec<String>,
    /// Whether to run PyVRP too.
    pub pyvrp: bool,
    /// Deterministic iteration budget of each Parcours run, replacing the one derived from the
    /// time limit (PyVRP keeps the time limit).
    pub iterations: Option<u64>,
    /// Run PyVRP at the same time as Parcours, each on its own core (half the wall-clock time
    /// on a machine with two free cores), instead of after it.
    pub parallel: bool,
}

/// The routing solve to benchmark: `parcours_solver::routing::solve`, or a stand-in in tests.
pub type SolveFn<'a> = &'a dyn Fn(&Problem, &Params) -> Solution;

/// What a bench run produced (also written to `OUT/summary.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct VrptwReport {
    /// Notes and the table, in Markdown.
    pub markdown: String,
    /// Instances run.
    pub instances: usize,
    /// Whether every Parcours run was feasible.
    pub all_feasible: bool,
}

/// Why the bench could not run. The French `Display` names the file.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The instance folder cannot be listed.
    #[error("lecture du dossier {}", dir.display())]
    ReadDir {
        /// The folder.
        dir: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// No instance to run.
    #[error("aucune instance .vrp dans {}", dir.display())]
    NoInstance {
        /// The folder.
        dir: PathBuf,
    },
    /// `--only` names an instance that is not in the folder.
    #[error("--only : l'instance « {name} » n'est pas dans {}", dir.display())]
    UnknownInstance {
        /// The name asked for.
        name: String,
        /// The folder.
        dir: PathBuf,
    },
    /// `--seeds 0`.
    #[error("--seeds : il faut au moins une graine")]
    NoSeed,
    /// A file cannot be read.
    #[error("lecture de {}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// An instance is malformed.
    #[error("{} : {source}", path.display())]
    Instance {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its line.
        source: VrplibError,
    },
    /// `bks.csv` is malformed.
    #[error("{} : {message}", path.display())]
    BestKnown {
        /// The file.
        path: PathBuf,
        /// What is wrong, with its line.
        message: String,
    },
    /// An output file cannot be written.
    #[error("écriture de {}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl BenchError {
    /// Whether the user's input is at fault (exit code 1) rather than the system (2).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            BenchError::NoInstance { .. }
                | BenchError::UnknownInstance { .. }
                | BenchError::NoSeed
                | BenchError::Instance { .. }
                | BenchError::BestKnown { .. }
        )
    }
}

/// How the summary starts the line saying PyVRP could not run.
const NOT_RUN: &str = "**PyVRP not run**";

/// One instance to run: its name (file stem), file and parsed text.
struct Entry {
    name: String,
    path: PathBuf,
    instance: VrplibInstance,
}

/// One Parcours run.
struct Run {
    feasible: bool,
    distance: i64,
    seconds: f64,
    routes: Vec<Route>,
}

/// Runs the bench: solves, writes the median solutions and `summary.md`, prints progress on
/// stderr, and returns the summary.
///
/// # Errors
/// [`BenchError`] for an unreadable folder or file, a malformed instance or `bks.csv` (each
/// checked before any solve), an unknown `--only` name, no instance or no seed, or an output
/// file that cannot be written. PyVRP failing is not an error: the summary says so.
pub fn run_vrptw(options: &VrptwOptions, solve: SolveFn<'_>) -> Result<VrptwReport, BenchError> {
    if options.seeds == 0 {
        return Err(BenchError::NoSeed);
    }
    let entries = read_instances(&options.instances, &options.only)?;
    let best_known = read_best_known(&options.instances.join("bks.csv"))?;
    fs::create_dir_all(&options.out).map_err(|source| BenchError::Write {
        path: options.out.clone(),
        source,
    })?;

    let paths: Vec<PathBuf> = entries.iter().map(|e| e.path.clone()).collect();
    let run_pyvrp = || {
        let mut progress = |message: &str| eprintln!("{message}");
        pyvrp::run(
            &options.out,
            &paths,
            options.time_limit,
            options.seeds,
            &mut progress,
        )
    };
    // Side by side, each on its own core, or PyVRP after Parcours.
    let (ours, outcome) = if options.pyvrp && options.parallel {
        std::thread::scope(|scope| {
            let pyvrp = scope.spawn(run_pyvrp);
            let ours = run_parcours(options, &entries, &best_known, solve);
            (
                ours,
                Some(pyvrp.join().expect("BUG: the PyVRP thread panicked")),
            )
        })
    } else {
        let ours = run_parcours(options, &entries, &best_known, solve);
        let outcome = if options.pyvrp && ours.is_ok() {
            Some(run_pyvrp())
        } else {
            None
        };
        (ours, outcome)
    };
    let (mut rows, all_feasible) = ours?;
    let pyvrp_notes = match outcome {
        Some(outcome) => Some(add_pyvrp(options, &entries, &mut rows, outcome)?),
        None => None,
    };

    let markdown = summary(options, &rows, pyvrp_notes.as_deref());
    write(&options.out.join("summary.md"), &markdown)?;
    Ok(VrptwReport {
        markdown,
        instances: rows.len(),
        all_feasible,
    })
}

/// Parcours' runs: every instance once per seed, the median solution written to `OUT`.
fn run_parcours(
    options: &VrptwOptions,
    entries: &[Entry],
    best_known: &BTreeMap<String, f64>,
    solve: SolveFn<'_>,
) -> Result<(Vec<InstanceRow>, bool), BenchError> {
    let mut rows = Vec::with_capacity(entries.len());
    let mut all_feasible = true;
    for (k, entry) in entries.iter().enumerate() {
        let problem =
            vrplib::to_problem(&entry.instance).map_err(|source| BenchError::Instance {
                path: entry.path.clone(),
                source,
            })?;
        let mut runs = Vec::new();
        for seed in 1..=options.seeds {
            let mut limits = Limits::new(options.time_limit);
            if let Some(iterations) = options.iterations {
                limits = limits.with_iterations(iterations);
            }
            let started = Instant::now();
            let solution = solve(&problem, &Params::new(seed, limits));
            let seconds = started.elapsed().as_secs_f64();
            let run = judge(&problem, solution, seconds);
            eprintln!(
                "[{}/{}] {} seed {seed}/{}: {}{} in {seconds:.1} s",
                k + 1,
                entries.len(),
                entry.name,
                options.seeds,
                vrplib::format_tenths(run.distance),
                if run.feasible { "" } else { " (INFEASIBLE)" },
            );
            all_feasible &= run.feasible;
            runs.push(run);
        }
        let keys: Vec<(bool, i64)> = runs.iter().map(|r| (!r.feasible, r.distance)).collect();
        let median = &runs[median_index(&keys).expect("BUG: at least one seed was run")];
        let path = options.out.join(format!("{}.sol", entry.name));
        write(
            &path,
            &vrplib::write_solution(&entry.instance, &median.routes, median.distance),
        )?;
        let times: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
        rows.push(InstanceRow {
            name: entry.name.clone(),
            best_known: best_known.get(&entry.name).copied(),
            ours: SolverSummary {
                median: median.feasible.then_some(median.distance),
                feasible: runs.iter().filter(|r| r.feasible).count(),
                runs: runs.len(),
                median_time_s: median_f64(&times),
            },
            pyvrp: None,
        });
    }

    Ok((rows, all_feasible))
}

/// Checks a solution with the solver's independent checker and measures its distance.
fn judge(problem: &Problem, solution: Solution, seconds: f64) -> Run {
    let unassigned = solution.unmet_visits();
    let feasible = match check::check(problem, &solution.routes, &unassigned) {
        Ok(_) => true,
        Err(violations) => {
            if let Some(first) = violations.first() {
                eprintln!(
                    "  infeasible ({} violations), first: {first}",
                    violations.len()
                );
            }
            false
        }
    };
    Run {
        feasible,
        distance: distance_tenths(problem, &solution.routes),
        seconds,
        routes: solution.routes,
    }
}

/// Total distance of the routes (route `k` on vehicle `k`), from depot to depot, in tenths.
fn distance_tenths(problem: &Problem, routes: &[Route]) -> i64 {
    routes
        .iter()
        .zip(problem.vehicles())
        .filter(|(route, _)| !route.visits.is_empty())
        .map(|(route, vehicle)| {
            let stops = route
                .visits
                .iter()
                .filter_map(|&v| problem.visits().get(v))
                .map(|visit| visit.location);
            let path: Vec<_> = std::iter::once(vehicle.start)
                .chain(stops)
                .chain(std::iter::once(vehicle.end))
                .collect();
            path.windows(2)
                .map(|leg| problem.meters(leg[0], leg[1]).get())
                .sum::<i64>()
        })
        .sum()
}

/// The `.vrp` files of `dir`, sorted by name, parsed (all of them before any solve, so that a
/// malformed file stops the bench at once), restricted to `only` when it is not empty.
fn read_instances(dir: &Path, only: &[String]) -> Result<Vec<Entry>, BenchError> {
    let listing = fs::read_dir(dir).map_err(|source| BenchError::ReadDir {
        dir: dir.to_owned(),
        source,
    })?;
    let mut files = BTreeMap::new();
    for item in listing {
        let path = item
            .map_err(|source| BenchError::ReadDir {
                dir: dir.to_owned(),
                source,
            })?
            .path();
        let is_vrp = path.extension().is_some_and(|e| e == "vrp");
        if let (true, Some(stem)) = (is_vrp, path.file_stem().and_then(|s| s.to_str())) {
            files.insert(stem.to_owned(), path.clone());
        }
    }
    if let Some(name) = only.iter().find(|n| !files.contains_key(*n)) {
        return Err(BenchError::UnknownInstance {
            name: name.clone(),
            dir: dir.to_owned(),
        });
    }
    let mut entries = Vec::new();
    for (name, path) in files {
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|source| BenchError::Read {
            path: path.clone(),
            source,
        })?;
        let instance = vrplib::parse(&text).map_err(|source| BenchError::Instance {
            path: path.clone(),
            source,
        })?;
        entries.push(Entry {
            name,
            path,
            instance,
        });
    }
    if entries.is_empty() {
        return Err(BenchError::NoInstance {
            dir: dir.to_owned(),
        });
    }
    Ok(entries)
}

/// `bks.csv` (columns `instance` and `cost`, others ignored): instance → best-known distance in
/// units. Empty when the file does not exist.
fn read_best_known(path: &Path) -> Result<BTreeMap<String, f64>, BenchError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(source) => {
            return Err(BenchError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    let bad = |message: String| BenchError::BestKnown {
        path: path.to_owned(),
        message,
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|err| bad(format!("ligne 1 : {err}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| bad(format!("ligne 1 : colonne « {name} » absente")))
    };
    let (instance_col, cost_col) = (column("instance")?, column("cost")?);
    let mut best = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|err| bad(format!("ligne {line} : {err}")))?;
        let name = record.get(instance_col).unwrap_or("").trim();
        let cost = record.get(cost_col).unwrap_or("").trim();
        match cost.parse::<f64>() {
            Ok(c) if c.is_finite() && c > 0.0 && !name.is_empty() => {
                best.insert(name.to_owned(), c);
            }
            _ => {
                return Err(bad(format!(
                    "ligne {line}, colonne cost : « {cost} » n'est pas une distance positive"
                )));
            }
        }
    }
    Ok(best)
}

/// Fills the PyVRP columns from `outcome`, writes the median PyVRP solutions to
/// `OUT/pyvrp/<NAME>.sol`, and returns the notes to print above the table.
fn add_pyvrp(
    options: &VrptwOptions,
    entries: &[Entry],
    rows: &mut [InstanceRow],
    outcome: PyvrpOutcome,
) -> Result<String, BenchError> {
    let (version, runs, problems) = match outcome {
        PyvrpOutcome::Unavailable(reason) => {
            return Ok(format!("{NOT_RUN}: {reason}.\n"));
        }
        PyvrpOutcome::Ran {
            version,
            runs,
            problems,
        } => (version, runs, problems),
    };
    let dir = options.out.join("pyvrp");
    fs::create_dir_all(&dir).map_err(|source| BenchError::Write {
        path: dir.clone(),
        source,
    })?;
    let mut notes = String::new();
    if version != PYVRP_VERSION {
        writeln!(notes, "PyVRP {version} ran instead of {PYVRP_VERSION}.")
            .expect("BUG: writing to a String cannot fail");
    }
    for problem in &problems {
        writeln!(notes, "PyVRP: {problem}.").expect("BUG: writing to a String cannot fail");
    }
    for (entry, row) in entries.iter().zip(rows.iter_mut()) {
        let mine: Vec<&PyvrpRun> = runs.iter().filter(|r| r.instance == entry.name).collect();
        let keys: Vec<(bool, i64, u64)> =
            mine.iter().map(|r| (!r.feasible, r.cost, r.seed)).collect();
        let Some(m) = median_index(&keys) else {
            continue;
        };
        let median = mine[m];
        let customers = entry.instance.customers();
        let in_range = median
            .routes
            .iter()
            .flatten()
            .all(|&c| (1..=customers).contains(&c));
        if in_range {
            let routes: Vec<Route> = median
                .routes
                .iter()
                .map(|r| Route {
                    visits: r.iter().map(|c| c - 1).collect(),
                    break_after: None,
                })
                .collect();
            write(
                &dir.join(format!("{}.sol", entry.name)),
                &vrplib::write_solution(&entry.instance, &routes, median.cost),
            )?;
        } else {
            writeln!(
                notes,
                "PyVRP {}: a route names an unknown customer.",
                entry.name
            )
            .expect("BUG: writing to a String cannot fail");
        }
        let times: Vec<f64> = mine.iter().map(|r| r.runtime_s).collect();
        row.pyvrp = Some(SolverSummary {
            median: median.feasible.then_some(median.cost),
            feasible: mine.iter().filter(|r| r.feasible).count(),
            runs: mine.len(),
            median_time_s: median_f64(&times),
        });
    }
    Ok(notes)
}

/// The notes and the table. `pyvrp_notes` is `None` with `--no-pyvrp`.
fn summary(options: &VrptwOptions, rows: &[InstanceRow], pyvrp_notes: Option<&str>) -> String {
    const BUG: &str = "BUG: writing to a String cannot fail";
    let mut out = String::new();
    let limit = seconds(options.time_limit);
    let budget = match options.iterations {
        Some(n) => format!("an iteration budget of {n} (time limit {limit} s as a guard)"),
        None => format!("{limit} s per run"),
    };
    writeln!(
        out,
        "Parcours: {} instance(s) of `{}`, seeds 1..={}, {budget}, one thread.",
        rows.len(),
        options.instances.display(),
        options.seeds
    )
    .expect(BUG);
    let pyvrp_ran = pyvrp_notes.is_some_and(|n| !n.starts_with(NOT_RUN));
    if pyvrp_ran {
        writeln!(
            out,
            "PyVRP {PYVRP_VERSION} (pip, in `{}`): same instances and seeds, {limit} s per run \
             (`MaxRuntime`), `round_func=\"dimacs\"`, one thread{}.",
            options.out.join(".venv").display(),
            if options.parallel {
                ", run at the same time as Parcours, each on its own core"
            } else {
                ", run after Parcours"
            },
        )
        .expect(BUG);
    }
    out.push_str(pyvrp_notes.unwrap_or_default());
    writeln!(
        out,
        "Distances: DIMACS convention (Euclidean, truncated to one decimal; travel time = \
         distance). Median: the middle run by distance, infeasible runs last (the lower middle \
         for an even count). Gap % = 100 × (median − best known) / best known. Class rows \
         average over their instances; (k/n) when only k of n have a value.\n"
    )
    .expect(BUG);
    out.push_str(&table::markdown(rows, pyvrp_ran));
    out
}

fn seconds(d: Duration) -> String {
    format!("{}", d.as_secs_f64())
}

fn write(path: &Path, contents: &str) -> Result<(), BenchError> {
    fs::write(path, contents).map_err(|source| BenchError::Write {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use parcours_solver::limits::StopReason;
    use parcours_solver::units::Cost;

    fn solomon_dir() -> Option<PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/vrptw/solomon");
        if dir.is_dir() {
            Some(dir)
        } else {
            println!("skipped: {} not found", dir.display());
            None
        }
    }

    /// A stand-in for the search: routes built one at a time, each time appending the visit
    /// that can start soonest (then the nearest), until none fits; feasible on C101 and C201.
    fn earliest_start_routes(problem: &Problem, _params: &Params) -> Solution {
        let visits = problem.visits();
        let mut left: Vec<usize> = (0..visits.len()).collect();
        let mut routes = vec![Route::default(); problem.vehicles().len()];
        for (k, vehicle) in problem.vehicles().iter().enumerate() {
            let (mut time, mut load, mut at) = (vehicle.shift.start.0, 0, vehicle.start);
            loop {
                let next = left
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &v)| {
                        let visit = &visits[v];
                        let arrival = time + problem.minutes(at, visit.location).0;
                        let start = arrival.max(visit.windows[0].start.0);
                        let back = start
                            + visit.service.0
                            + problem.minutes(visit.location, vehicle.end).0;
                        let fits = start <= visit.windows[0].end.0
                            && back <= vehicle.shift.end.0
                            && load + visit.demand <= vehicle.capacity;
                        fits.then_some((start, problem.meters(at, visit.location).0, i))
                    })
                    .min();
                let Some((start, _, i)) = next else { break };
                let v = left.remove(i);
                routes[k].visits.push(v);
                time = start + visits[v].service.0;
                load += visits[v].demand;
                at = visits[v].location;
            }
        }
        let cost = Cost(distance_tenths(problem, &routes));
        Solution {
            cost,
            costs: vec![parcours_solver::cost::RuleCost::new(
                parcours_solver::routing::Rule::Travel,
                cost,
            )],
            routes,
            unmet: Vec::new(),
            stop: StopReason::Budget,
            stats: parcours_solver::routing::Stats::default(),
        }
    }

    #[test]
    fn the_bench_writes_checkable_solutions_and_a_summary() {
        // Arrange: two Solomon instances and bks.csv in a folder of their own.
        let Some(solomon) = solomon_dir() else { return };
        let tmp = tempfile::tempdir().unwrap();
        let instances = tmp.path().join("instances");
        fs::create_dir(&instances).unwrap();
        for file in ["C101.vrp", "C201.vrp", "bks.csv"] {
            fs::copy(solomon.join(file), instances.join(file)).unwrap();
        }
        let out = tmp.path().join("out");
        let options = VrptwOptions {
            instances: instances.clone(),
            time_limit: Duration::from_secs(1),
            seeds: 2,
            out: out.clone(),
            only: Vec::new(),
            pyvrp: false,
            iterations: Some(10),
            parallel: false,
        };

        // Act
        let report = run_vrptw(&options, &earliest_start_routes).unwrap();

        // Assert
        assert_eq!(report.instances, 2);
        assert!(report.all_feasible, "{}", report.markdown);
        assert_eq!(
            fs::read_to_string(out.join("summary.md")).unwrap(),
            report.markdown
        );
        assert!(
            report.markdown.contains("| C101 | 827.3 | "),
            "{}",
            report.markdown
        );
        assert!(report.markdown.contains("| 2/2 |"), "{}", report.markdown);
        assert!(
            report.markdown.contains("| **C2** mean (1) |"),
            "{}",
            report.markdown
        );
        assert!(!report.markdown.contains("PyVRP"), "{}", report.markdown);
        let sol = fs::read_to_string(out.join("C101.sol")).unwrap();
        assert!(sol.starts_with("Route #1: "), "{sol}");
        assert!(sol.lines().last().unwrap().starts_with("Cost "), "{sol}");

        // The independent Python checker accepts the written solutions and their cost.
        let checker =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/tools/vrptw-check/check.py");
        for name in ["C101", "C201"] {
            let status = std::process::Command::new("python3")
                .arg(&checker)
                .arg(instances.join(format!("{name}.vrp")))
                .arg(out.join(format!("{name}.sol")))
                .stdout(std::process::Stdio::null())
                .status();
            match status {
                Ok(status) => assert!(status.success(), "check.py refuses {name}.sol"),
                Err(err) => println!("skipped check.py: {err}"),
            }
        }
    }

    #[test]
    fn only_restricts_the_run_and_an_unknown_name_is_refused() {
        let Some(solomon) = solomon_dir() else { return };
        let tmp = tempfile::tempdir().unwrap();
        let mut options = VrptwOptions {
            instances: solomon,
            time_limit: Duration::from_secs(1),
            seeds: 1,
            out: tmp.path().to_owned(),
            only: vec!["C201".to_owned()],
            pyvrp: false,
            iterations: Some(1),
            parallel: false,
        };
        let report = run_vrptw(&options, &earliest_start_routes).unwrap();
        assert_eq!(report.instances, 1);
        assert!(tmp.path().join("C201.sol").exists());
        assert!(!tmp.path().join("C101.sol").exists());

        options.only = vec!["C999".to_owned()];
        let err = run_vrptw(&options, &earliest_start_routes).unwrap_err();
        assert!(err.is_bad_input());
        assert!(
            err.to_string()
                .starts_with("--only : l'instance « C999 » n'est pas dans ")
        );
    }

    #[test]
    fn a_malformed_instance_stops_the_bench_before_any_solve_naming_file_and_line() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("A1.vrp"), "NAME : A1\nDIMENSION : deux\n").unwrap();
        let options = VrptwOptions {
            instances: tmp.path().to_owned(),
            time_limit: Duration::from_secs(1),
            seeds: 1,
            out: tmp.path().join("out"),
            only: Vec::new(),
            pyvrp: false,
            iterations: None,
            parallel: false,
        };
        let never = |_: &Problem, _: &Params| -> Solution { unreachable!("no solve expected") };
        let err = run_vrptw(&options, &never).unwrap_err();
        assert!(err.is_bad_input());
        let message = err.to_string();
        assert!(
            message.ends_with(
                "A1.vrp : ligne 2, DIMENSION : « deux » n'est pas un entier positif ou nul"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_malformed_best_known_file_names_its_line() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("bks.csv");
        fs::write(
            &path,
            "instance,vehicles,cost\nC101,10,827.3\nC102,10,abc\n",
        )
        .unwrap();
        let message = read_best_known(&path).unwrap_err().to_string();
        assert!(
            message.ends_with(
                "bks.csv : ligne 3, colonne cost : « abc » n'est pas une distance positive"
            ),
            "{message}"
        );
        fs::write(&path, "instance,vehicles,cost\nC101,10,827.3\n").unwrap();
        assert_eq!(read_best_known(&path).unwrap()["C101"], 827.3);
        assert!(
            read_best_known(&tmp.path().join("none.csv"))
                .unwrap()
                .is_empty()
        );
    }
}
