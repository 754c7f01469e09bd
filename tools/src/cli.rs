//! The developers' command line, `parcours-dev`: `bench` (BENCHMARKS.md) and `fixtures
//! generate` (the reference territory of `fixtures/territory`). What a PRE team runs is the
//! `parcours` binary; this one is not shipped. Each command returns the process exit code: 0
//! success, 1 bad input.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use parcours::cli::parse_seconds;
use parcours::planning::IsoWeek;

use crate::bench::{self, ScalingOptions, VrptwOptions};

/// Parcours' developer tools: benchmarks and the reference-territory generator.
#[derive(Debug, Parser)]
#[command(name = "parcours-dev", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Reference-territory fixtures.
    Fixtures {
        /// What to do with fixtures.
        #[command(subcommand)]
        command: FixturesCommand,
    },
    /// Benchmarks (BENCHMARKS.md).
    Bench {
        /// Which benchmark.
        #[command(subcommand)]
        command: BenchCommand,
    },
}

/// `parcours-dev fixtures …`
#[derive(Debug, Subcommand)]
pub enum FixturesCommand {
    /// Write the synthetic reference territory (byte-identical for the same seed).
    Generate {
        /// Random seed.
        #[arg(long, default_value_t = 67)]
        seed: u64,
        /// Output folder (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
}

/// `parcours-dev bench …`
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Solve every VRPLIB `.vrp` instance of a folder (the Solomon VRPTW set) once per seed;
    /// write the median run's solution as OUT/<NAME>.sol and print a Markdown table against the
    /// best-known distances (bks.csv beside the instances) and PyVRP. Use a release build.
    Vrptw {
        /// Folder of `.vrp` instances, with `bks.csv` (instance,…,cost) if known.
        #[arg(long)]
        instances: PathBuf,
        /// Wall-clock limit of each run, in seconds (Parcours and PyVRP alike).
        #[arg(long, value_parser = parse_seconds)]
        time_limit: Duration,
        /// Runs per instance, with seeds 1..=N.
        #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
        seeds: u64,
        /// Output folder: <NAME>.sol, summary.md, pyvrp/<NAME>.sol, .venv/ (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Only these instances (file names without `.vrp`, comma-separated).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Do not run PyVRP.
        #[arg(long)]
        no_pyvrp: bool,
        /// Deterministic iteration budget of each Parcours run (the time limit stays as a guard;
        /// PyVRP keeps the time limit).
        #[arg(long)]
        iterations: Option<u64>,
        /// Run PyVRP at the same time as Parcours, each on its own core, instead of after it.
        #[arg(long)]
        parallel: bool,
    },
    /// Generate Solomon-like instances of growing size (OUT/S<n>.vrp), solve each once in a
    /// child process and print a Markdown table: iterations per second, time to come within
    /// 1 % of the final cost, peak memory. Use a release build.
    Scaling {
        /// Numbers of customers, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "100,200,400,800,1000")]
        sizes: Vec<usize>,
        /// Wall-clock limit of each solve, in seconds.
        #[arg(long, value_parser = parse_seconds)]
        time_limit: Duration,
        /// Seed of the instances and of the solves.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output folder: S<n>.vrp, S<n>.sol, scaling.md (created if missing).
        #[arg(long)]
        out: PathBuf,
    },
    /// Plan a week on the reference territory and on territories N times larger, against
    /// today's practice; print a Markdown table (time, memory, saving). Use a release build.
    Week {
        /// Sizes, in reference territories (1: the reference one; N: N generated side by
        /// side), comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,10")]
        scales: Vec<usize>,
        /// ISO week.
        #[arg(long, value_parser = parse_week, default_value = "2026-W49")]
        week: IsoWeek,
        /// Rota time limit, in seconds (the plan's default: its search does a quarter of it on
        /// the reference machine).
        #[arg(long, value_parser = parse_seconds, default_value = "20")]
        time_limit: Duration,
        /// Plan without the référents' agendas (to see what their fixed trips weigh).
        #[arg(long)]
        no_agenda: bool,
    },
    /// Simulate several weeks from a start week, for Parcours and for today's practice: each
    /// week planned, its visits taken as done, then the next; print a Markdown table (visits
    /// within tolerance, families unseen for more than twice their interval, drive). Use a
    /// release build.
    Horizon {
        /// Sizes, in reference territories, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,10")]
        scales: Vec<usize>,
        /// First ISO week.
        #[arg(long, value_parser = parse_week, default_value = "2026-W49")]
        week: IsoWeek,
        /// Weeks simulated.
        #[arg(long, default_value_t = 8)]
        weeks: usize,
        /// Weeks each of Parcours' plans looks at (`plan --weeks`), comma-separated: one
        /// Parcours run per value.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        plan_weeks: Vec<usize>,
        /// Rota time limit of each week's plan, in seconds.
        #[arg(long, value_parser = parse_seconds, default_value = "20")]
        time_limit: Duration,
    },
    /// Plan the EPS meetings of a school year on the reference territory and on territories N
    /// times larger, Parcours beside the poll, one child process per scale (its peak memory);
    /// print a Markdown table. Use a release build.
    Eps {
        /// Sizes, in reference territories, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,10")]
        scales: Vec<usize>,
        /// School year.
        #[arg(long, value_parser = parse_year, default_value = "2026-2027")]
        year: parcours::planning::SchoolYear,
        /// Time limit of each scale's solve, in seconds, comma-separated (the last repeats).
        #[arg(long, value_delimiter = ',', value_parser = parse_seconds, default_value = "60,600")]
        time_limits: Vec<Duration>,
    },
    /// Plan the collective workshops of a school year on the reference territory and on
    /// territories N times larger, Parcours beside what is done by hand, one child process per
    /// scale (its peak memory); print a Markdown table. Use a release build.
    Workshops {
        /// Sizes, in reference territories, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,10")]
        scales: Vec<usize>,
        /// School year.
        #[arg(long, value_parser = parse_year, default_value = "2026-2027")]
        year: parcours::planning::SchoolYear,
        /// Time limit of each scale's solve, in seconds, comma-separated (the last repeats).
        #[arg(long, value_delimiter = ',', value_parser = parse_seconds, default_value = "60,570")]
        time_limits: Vec<Duration>,
    },
    /// One measured plan of `bench workshops`, printed as one JSON line (run by `bench
    /// workshops`).
    #[command(hide = true)]
    WorkshopsRun {
        /// Size, in reference territories.
        #[arg(long)]
        scale: usize,
        /// School year.
        #[arg(long, value_parser = parse_year)]
        year: parcours::planning::SchoolYear,
        /// Time limit, in seconds.
        #[arg(long, value_parser = parse_seconds)]
        time_limit: Duration,
    },
    /// One measured plan of `bench eps`, printed as one JSON line (run by `bench eps`).
    #[command(hide = true)]
    EpsRun {
        /// Size, in reference territories.
        #[arg(long)]
        scale: usize,
        /// School year.
        #[arg(long, value_parser = parse_year)]
        year: parcours::planning::SchoolYear,
        /// Time limit, in seconds.
        #[arg(long, value_parser = parse_seconds)]
        time_limit: Duration,
    },
    /// One measured plan of `bench week`, printed as one JSON line (run by `bench week`).
    #[command(hide = true)]
    WeekRun {
        /// Size, in reference territories.
        #[arg(long)]
        scale: usize,
        /// ISO week.
        #[arg(long, value_parser = parse_week)]
        week: IsoWeek,
        /// Rota time limit, in seconds.
        #[arg(long, value_parser = parse_seconds)]
        time_limit: Duration,
        /// Without the référents' agendas.
        #[arg(long)]
        no_agenda: bool,
    },
    /// One measured solve of `bench scaling`, printed as one JSON line (run by `bench scaling`).
    #[command(hide = true)]
    ScalingRun {
        /// The `.vrp` instance.
        #[arg(long)]
        instance: PathBuf,
        /// Wall-clock limit, in seconds.
        #[arg(long, value_parser = parse_seconds)]
        time_limit: Duration,
        /// Seed of the solve.
        #[arg(long)]
        seed: u64,
    },
    /// A référent's calendar feed under load (issue 6): `parcours serve` and nginx serving the
    /// same file, each loaded by wrk (200 and 304); prints a Markdown table (requests/s,
    /// p50/p99, errors, server memory). Needs wrk and nginx installed. Use a release build.
    Feeds {
        /// Seconds of each of the four runs.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
        duration: u64,
        /// Connections wrk keeps open.
        #[arg(long, default_value_t = 64)]
        connections: u32,
        /// wrk's threads.
        #[arg(long, default_value_t = 1)]
        threads: u32,
        /// Folder for the database, nginx's files, wrk's raw output and summary.md (default: a
        /// temporary folder, removed at the end).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The `parcours` binary to serve the feed with (default: the one beside this binary,
        /// built by `cargo build --release --workspace`).
        #[arg(long)]
        parcours: Option<PathBuf>,
    },
}

fn parse_year(text: &str) -> Result<parcours::planning::SchoolYear, String> {
    match parcours::planning::Horizon::parse(text) {
        Ok(parcours::planning::Horizon::SchoolYear(year)) => Ok(year),
        _ => Err(format!(
            "« {text} » n'est pas une année scolaire (2026-2027)"
        )),
    }
}

fn parse_week(text: &str) -> Result<IsoWeek, String> {
    IsoWeek::parse(text).map_err(|e| e.to_string())
}

/// Runs a parsed command line.
///
/// # Errors
/// Anything that is not the user's input: file system errors, a benchmark's child failing.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Fixtures {
            command: FixturesCommand::Generate { seed, out },
        } => {
            let files = crate::fixtures::generate(seed);
            crate::fixtures::write(&out, &files)
                .with_context(|| format!("writing fixtures to {}", out.display()))?;
            println!(
                "Territoire de référence (graine {seed}) écrit dans {} : {} fichiers.",
                out.display(),
                files.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::Week {
                    scales,
                    week,
                    time_limit,
                    no_agenda,
                },
        } => {
            let exe = std::env::current_exe().context("locating the parcours-dev binary")?;
            let table = tokio::task::spawn_blocking(move || {
                bench::run_week_bench(&scales, week, time_limit, no_agenda, &exe)
            })
            .await
            .context("bench week")?;
            Ok(print_table(table))
        }
        Command::Bench {
            command:
                BenchCommand::Horizon {
                    scales,
                    week,
                    weeks,
                    plan_weeks,
                    time_limit,
                },
        } => {
            let table = tokio::task::spawn_blocking(move || {
                bench::run_horizon_bench(&scales, week, weeks, &plan_weeks, time_limit)
            })
            .await
            .context("bench horizon")?;
            Ok(print_table(table))
        }
        Command::Bench {
            command:
                BenchCommand::Eps {
                    scales,
                    year,
                    time_limits,
                },
        } => {
            let exe = std::env::current_exe().context("finding parcours-dev")?;
            let table = tokio::task::spawn_blocking(move || {
                bench::run_eps_bench(&scales, year, &time_limits, &exe)
            })
            .await
            .context("bench eps")?
            .map_err(|e| anyhow::anyhow!(e))?;
            print!("{table}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::Workshops {
                    scales,
                    year,
                    time_limits,
                },
        } => {
            let exe = std::env::current_exe().context("finding parcours-dev")?;
            let table = tokio::task::spawn_blocking(move || {
                bench::run_workshops_bench(&scales, year, &time_limits, &exe)
            })
            .await
            .context("bench workshops")?
            .map_err(|e| anyhow::anyhow!(e))?;
            print!("{table}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::WorkshopsRun {
                    scale,
                    year,
                    time_limit,
                },
        } => {
            let run = tokio::task::spawn_blocking(move || {
                bench::measure_workshops(scale, year, time_limit)
            })
            .await
            .context("bench workshops-run")?
            .map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "{}",
                serde_json::to_string(&run).context("writing the run")?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::EpsRun {
                    scale,
                    year,
                    time_limit,
                },
        } => {
            let run =
                tokio::task::spawn_blocking(move || bench::measure_eps(scale, year, time_limit))
                    .await
                    .context("bench eps-run")?
                    .map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "{}",
                serde_json::to_string(&run).context("writing the run")?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::WeekRun {
                    scale,
                    week,
                    time_limit,
                    no_agenda,
                },
        } => {
            let run = tokio::task::spawn_blocking(move || {
                bench::measure_week(scale, week, time_limit, no_agenda)
            })
            .await
            .context("bench week-run")?;
            println!(
                "{}",
                serde_json::to_string(&run).expect("BUG: a run always serialises")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::Vrptw {
                    instances,
                    time_limit,
                    seeds,
                    out,
                    only,
                    no_pyvrp,
                    iterations,
                    parallel,
                },
        } => {
            let options = VrptwOptions {
                instances,
                time_limit,
                seeds,
                out,
                only,
                pyvrp: !no_pyvrp,
                iterations,
                parallel,
            };
            bench_vrptw(options).await
        }
        Command::Bench {
            command:
                BenchCommand::Scaling {
                    sizes,
                    time_limit,
                    seed,
                    out,
                },
        } => {
            let options = ScalingOptions {
                sizes,
                time_limit,
                seed,
                out,
            };
            let exe = std::env::current_exe().context("locating the parcours-dev binary")?;
            let markdown = tokio::task::spawn_blocking(move || bench::run_scaling(&options, &exe))
                .await
                .context("the bench task failed")??;
            print!("{markdown}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::ScalingRun {
                    instance,
                    time_limit,
                    seed,
                },
        } => {
            let run =
                tokio::task::spawn_blocking(move || bench::measure(&instance, time_limit, seed))
                    .await
                    .context("the bench task failed")??;
            println!("{}", serde_json::to_string(&run)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            command:
                BenchCommand::Feeds {
                    duration,
                    connections,
                    threads,
                    out,
                    parcours,
                },
        } => {
            let options = bench::FeedsOptions {
                duration: Duration::from_secs(duration),
                connections,
                threads,
                out,
            };
            let exe = match parcours {
                Some(path) => path,
                None => std::env::current_exe()
                    .context("locating the parcours-dev binary")?
                    .with_file_name(format!("parcours{}", std::env::consts::EXE_SUFFIX)),
            };
            match bench::run_feeds_bench(&options, &exe).await {
                Ok(table) => {
                    print!("{table}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(bench::FeedsBenchError::BadInput(message)) => {
                    eprintln!("{message}");
                    Ok(ExitCode::from(1))
                }
                Err(bench::FeedsBenchError::Failed(err)) => Err(err.context("bench feeds")),
            }
        }
    }
}

/// `bench vrptw`: the solves are CPU-bound, so they run on the blocking pool, one at a time.
async fn bench_vrptw(options: VrptwOptions) -> anyhow::Result<ExitCode> {
    let out = options.out.clone();
    let result = tokio::task::spawn_blocking(move || {
        bench::run_vrptw(&options, &parcours_solver::routing::solve)
    })
    .await
    .context("the bench task failed")?;
    match result {
        Ok(report) => {
            print!("{}", report.markdown);
            eprintln!(
                "{} instance(s); solutions and summary.md in {}{}",
                report.instances,
                out.display(),
                if report.all_feasible {
                    ""
                } else {
                    " (some runs INFEASIBLE)"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) if err.is_bad_input() => {
            eprintln!("erreur : {err}");
            Ok(ExitCode::from(1))
        }
        Err(err) => Err(err).context("bench vrptw"),
    }
}

/// Prints a bench's table, or its error on standard error with exit code 1.
fn print_table(table: Result<String, String>) -> ExitCode {
    match table {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}
