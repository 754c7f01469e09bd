//! The command line: `migrate`, `import`, `check`, `demo`, `plan`, `export`, `publish`,
//! `serve`, `user`, `feed`, `absence`. Each command prints French for the coordinator and returns the
//! process exit code: 0 success, 1 bad input. Benchmarks and the fixture generator are the
//! developers' `parcours-dev` (`tools/`).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

pub mod eps;
pub mod workshops;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::config::Settings;
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{Code, Role, Territory};
use crate::import::{self, ImportReport, Source, Validation};
use crate::planning::{
    IsoWeek, PlanError, PlanKind, PlanMethod, PlanOptions, PlanProgress, WeekOutcome, WeekPlan,
    plan_week,
};
use crate::report::TerritorySummary;
use crate::report::week::WeekReport;
use crate::store::Store;

/// Parcours: the planner of a Programme de Réussite Éducative team.
#[derive(Debug, Parser)]
#[command(name = "parcours", version, about)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub settings: Settings,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or update the database schema.
    Migrate,
    /// The EPS meetings of a school year: plan, publish, export, invitations.
    Eps {
        /// What to do.
        #[command(subcommand)]
        command: eps::EpsCommand,
    },
    /// The collective workshops of a school year: plan, publish, export, rosters.
    Ateliers {
        /// What to do.
        #[command(subcommand)]
        command: workshops::WorkshopCommand,
    },
    /// Import a folder of CSV files (docs/data-format.md): all or nothing.
    Import {
        /// Folder holding communes.csv, familles.csv, …
        dir: PathBuf,
    },
    /// Validate a folder of CSV files without writing anything (exit 0 valid, 1 invalid).
    Check {
        /// Folder holding communes.csv, familles.csv, …
        dir: PathBuf,
    },
    /// Set up the demo database from the reference territory and show its summary.
    Demo {
        /// Folder to import instead of the reference territory.
        #[arg(long)]
        fixtures: Option<PathBuf>,
        /// The rota's work as what the reference machine does in this many seconds (tests: a
        /// debug build is slow).
        #[arg(long, hide = true, value_parser = parse_seconds)]
        work_time: Option<Duration>,
    },
    /// Plan a week: assign families to référents, build each référent's rota, print the
    /// summary and store the plan (a new version each time).
    Plan {
        /// ISO week, e.g. 2026-W49.
        #[arg(long, value_parser = parse_week)]
        week: IsoWeek,
        /// Also plan today's practice (current assignment, first fit) and show the saving.
        #[arg(long)]
        compare_baseline: bool,
        /// Print the figures as JSON instead of French text (no progress display).
        #[arg(long)]
        json: bool,
        /// No progress display.
        #[arg(long)]
        quiet: bool,
        /// Re-plan the week's last plan: every visit still valid stays exactly where it is;
        /// only the others, and visits newly due, are placed again.
        #[arg(long)]
        replan: bool,
        /// A référent absent on a day, `R-03:2026-12-03` (repeatable): recorded (as by
        /// `parcours absence add`), then the week's last plan is re-planned around it.
        #[arg(long = "absent", value_parser = parse_absence)]
        absences: Vec<(Code, NaiveDate)>,
        /// Seed of the solves.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Tolerance around each visit's due date (last visit + interval), in percent of the
        /// interval, either side: 30 gives 2 days for weekly visits, 4 for fortnightly, 8 for
        /// monthly. A visit is not planned before its tolerance opens and is late after it.
        #[arg(long, default_value_t = 30, value_parser = parse_percent)]
        tolerance: u32,
        /// Weeks planned together, from `--week` (1 to 8): the later weeks let a visit whose
        /// tolerance runs into them wait there and hold the families' next visits, so that
        /// neighbours share a day. Only `--week` is stored and published; the next plan rolls
        /// forward.
        #[arg(long, default_value_t = 1, value_parser = parse_weeks)]
        weeks: usize,
        /// Time limit of the rota, in seconds (all référents together): the plan never runs
        /// longer; its search does a quarter of it on the reference machine, so a busy machine
        /// gives the same plan.
        #[arg(long, value_parser = parse_seconds, default_value = "20")]
        time_limit: Duration,
        /// Sectors cost this many minutes a month per family outside its référent's sector,
        /// instead of binding.
        #[arg(long)]
        soft_sectors: Option<u32>,
        /// Deterministic iteration budget of the rota instead of one derived from the time
        /// limit (tests and benchmarks that compare runs).
        #[arg(long, hide = true)]
        iterations: Option<u64>,
        /// The rota's work as what the reference machine does in this many seconds, instead of
        /// a quarter of the time limit (tests: little work under a generous limit).
        #[arg(long, hide = true, value_parser = parse_seconds)]
        work_time: Option<Duration>,
    },
    /// Export the week's last plan: one calendar (.ics) per référent, and/or a map (SVG).
    Export {
        /// ISO week, e.g. 2026-W49.
        #[arg(long, value_parser = parse_week)]
        week: IsoWeek,
        /// Folder for the calendars (created if missing): R-01.ics, …
        #[arg(long)]
        out: Option<PathBuf>,
        /// SVG file for the map of the routes, with today's practice beside them when stored.
        #[arg(long)]
        map: Option<PathBuf>,
        /// Publication time written in the calendars (RFC 3339), instead of now.
        #[arg(long)]
        published_at: Option<DateTime<Utc>>,
    },
    /// Serve the calendar feeds (and the API) over HTTP until Ctrl-C or SIGTERM.
    Serve {
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: std::net::SocketAddr,
        /// Seconds a request's head may take to arrive, from when the server waits for it
        /// (default 20).
        #[arg(long, env = "PARCOURS_HEADER_READ_TIMEOUT", value_parser = parse_seconds)]
        header_read_timeout: Option<Duration>,
        /// Seconds a connection may stay silent between requests before it is closed
        /// (default 10).
        #[arg(long, env = "PARCOURS_IDLE_TIMEOUT", value_parser = parse_seconds)]
        idle_timeout: Option<Duration>,
        /// Seconds requests in flight get to finish on Ctrl-C or SIGTERM (default 10).
        #[arg(long, env = "PARCOURS_SHUTDOWN_DRAIN", value_parser = parse_seconds)]
        shutdown_drain: Option<Duration>,
    },
    /// Publish a week's plan: the calendar feeds show it from now on.
    Publish {
        /// ISO week, e.g. 2026-W49.
        #[arg(long, value_parser = parse_week)]
        week: IsoWeek,
        /// The plan version to publish (default: the week's last plan).
        #[arg(long)]
        version: Option<i64>,
    },
    /// API users: one bearer token per person and role.
    User {
        /// What to do.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Absences of référents, kept in the database: every plan of their week respects them
    /// until they are lifted.
    Absence {
        /// What to do.
        #[command(subcommand)]
        command: AbsenceCommand,
    },
    /// Calendar feed subscriptions: one secret address per person.
    Feed {
        /// What to do.
        #[command(subcommand)]
        command: FeedCommand,
    },
}

/// `parcours user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an API user and print its token, once (only its hash is stored); with
    /// `--login`, a sign-in to the web app instead, whose password is asked for (or read from
    /// standard input when it is not a terminal) and stored only as its Argon2id hash.
    Add {
        /// `coordinator`, `referent` or `logistics`.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The person's code (`R-01`, `C-01`, …).
        #[arg(long, value_parser = parse_code)]
        person: Code,
        /// What she types to sign in to the web app (letters, digits, `.`, `-`, `_`, `@`).
        #[arg(long, value_parser = parse_login)]
        login: Option<String>,
    },
    /// Revoke a user by number, or every user of a person (her web sign-ins and their
    /// sessions too).
    Revoke {
        /// The user's number, as printed by `user add`.
        #[arg(long, required_unless_present = "person", conflicts_with = "person")]
        id: Option<i64>,
        /// Every token of this person.
        #[arg(long, value_parser = parse_code)]
        person: Option<Code>,
    },
}

/// `parcours absence …`
#[derive(Debug, Subcommand)]
pub enum AbsenceCommand {
    /// Record référents absent on days, `R-03:2026-12-03` (one or more): every later plan of
    /// the week closes those days. All or nothing: one unknown référent and none is recorded.
    Add {
        /// `RÉFÉRENT:DATE`, e.g. `R-03:2026-12-03`.
        #[arg(required = true, value_parser = parse_absence)]
        absences: Vec<(Code, NaiveDate)>,
    },
    /// Lift recorded absences, `R-03:2026-12-03` (one or more): the next plan of the week may
    /// use those days again.
    Lift {
        /// `RÉFÉRENT:DATE`, e.g. `R-03:2026-12-03`.
        #[arg(required = true, value_parser = parse_absence)]
        absences: Vec<(Code, NaiveDate)>,
    },
    /// List the recorded absences.
    List {
        /// Only those of this ISO week, e.g. 2026-W49.
        #[arg(long, value_parser = parse_week)]
        week: Option<IsoWeek>,
    },
}

/// `parcours feed …`
#[derive(Debug, Subcommand)]
pub enum FeedCommand {
    /// Create a person's calendar subscription and print its address, once.
    Add {
        /// The person's code (`R-01`, …).
        #[arg(long, value_parser = parse_code)]
        person: Code,
        /// The server's public address, for the printed URL.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// Revoke a subscription by number, or every subscription of a person.
    Revoke {
        /// The subscription's number, as printed by `feed add`.
        #[arg(long, required_unless_present = "person", conflicts_with = "person")]
        id: Option<i64>,
        /// Every subscription of this person.
        #[arg(long, value_parser = parse_code)]
        person: Option<Code>,
    },
}

fn parse_week(text: &str) -> Result<IsoWeek, String> {
    IsoWeek::parse(text).map_err(|e| e.to_string())
}

/// `R-03:2026-12-03`.
fn parse_code(text: &str) -> Result<Code, String> {
    Code::parse(text).map_err(|e| e.to_string())
}

/// A login: 2 to 64 letters, digits, `.`, `-`, `_` or `@`.
fn parse_login(text: &str) -> Result<String, String> {
    let ok = (2..=64).contains(&text.chars().count())
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if ok {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "« {text} » : un identifiant de 2 à 64 lettres, chiffres, « . », « - », « _ » ou « @ » est attendu"
        ))
    }
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).map_err(|e| e.to_string())
}

fn parse_absence(text: &str) -> Result<(Code, NaiveDate), String> {
    let (who, day) = text.split_once(':').ok_or_else(|| {
        format!("« {text} » : écrivez RÉFÉRENT:DATE, par exemple R-03:2026-12-03")
    })?;
    let who = Code::parse(who).map_err(|e| e.to_string())?;
    let day = crate::domain::parse_date(day).map_err(|e| e.to_string())?;
    Ok((who, day))
}

/// A positive, finite number of seconds.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!(
            "« {text} » n'est pas un nombre de secondes positif"
        )),
    }
}

/// Weeks planned together, 1 to `MAX_WEEKS`.
fn parse_weeks(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(w) if (1..=crate::planning::MAX_WEEKS).contains(&w) => Ok(w),
        _ => Err(format!(
            "« {text} » n'est pas un nombre de semaines entre 1 et {}",
            crate::planning::MAX_WEEKS
        )),
    }
}

/// A percentage, 0 to 100.
fn parse_percent(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(p) if p <= 100 => Ok(p),
        _ => Err(format!(
            "« {text} » n'est pas un pourcentage entre 0 et 100"
        )),
    }
}

/// Runs a parsed command line.
///
/// # Errors
/// Anything that is not the user's data: database unreachable, file system errors.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = cli.settings;
    match cli.command {
        Command::Serve {
            listen,
            header_read_timeout,
            idle_timeout,
            shutdown_drain,
        } => {
            let defaults = crate::http::ConnectionLimits::default();
            let limits = crate::http::ConnectionLimits {
                header_read: header_read_timeout.unwrap_or(defaults.header_read),
                idle: idle_timeout.unwrap_or(defaults.idle),
                drain: shutdown_drain.unwrap_or(defaults.drain),
            };
            serve(&settings, listen, limits).await
        }
        Command::Publish { week, version } => publish(&settings, week, version).await,
        Command::User { command } => user(&settings, command).await,
        Command::Feed { command } => feed(&settings, command).await,
        Command::Absence { command } => absence(&settings, command).await,
        Command::Eps { command } => eps::run(&settings, command).await,
        Command::Ateliers { command } => workshops::run(&settings, command).await,
        Command::Migrate => {
            let store = open(&settings).await?;
            println!(
                "Base à jour : {} ({}).",
                shown_url(&settings),
                store.backend_name()
            );
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { dir } => {
            let source = read_source(&dir)?;
            let store = open(&settings).await?;
            let report = import::import(&store, &source, paris_today())
                .await
                .context("import")?;
            store.close().await;
            print_import(&dir, &report);
            Ok(if report.counts.is_some() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Check { dir } => {
            let source = read_source(&dir)?;
            let existing = existing_for_check(&settings).await?;
            let validation = import::validate(&source, &existing, paris_today());
            print_validation(&dir, &validation);
            if validation.is_valid() {
                println!(
                    "Fichiers valides : {} enregistrements prêts à importer (rien n'a été écrit).",
                    validation.records
                );
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(1))
            }
        }
        Command::Demo {
            fixtures,
            work_time,
        } => demo(&settings, fixtures, work_time).await,
        Command::Plan {
            week,
            compare_baseline,
            json,
            quiet,
            replan,
            absences,
            seed,
            tolerance,
            weeks,
            time_limit,
            soft_sectors,
            iterations,
            work_time,
        } => {
            let mut options = PlanOptions::new(week);
            options.tolerance = crate::planning::Tolerance { percent: tolerance };
            options.weeks = weeks;
            options.iterations = iterations;
            options.rota_work = work_time;
            options.seed = seed;
            options.rota_time = time_limit;
            options.compare_baseline = compare_baseline;
            options.absences = absences;
            if let Some(minutes) = soft_sectors {
                options.sectors = parcours_solver::assign::SectorRule::Soft {
                    minutes: i64::from(minutes),
                };
            }
            let store = open(&settings).await?;
            let code = plan(&store, options, replan, json, quiet || json).await;
            store.close().await;
            code
        }
        Command::Export {
            week,
            out,
            map,
            published_at,
        } => {
            let store = open(&settings).await?;
            let code = export(&store, week, out, map, published_at).await;
            store.close().await;
            code
        }
    }
}

/// `parcours plan`: solve in a thread, show progress on a terminal after two seconds, store the
/// plan(s), print the report.
async fn plan(
    store: &Store,
    mut options: PlanOptions,
    replan: bool,
    json: bool,
    quiet: bool,
) -> anyhow::Result<ExitCode> {
    let (first, last) = options.days();
    let territory = store
        .load_planning_territory(first, last)
        .await
        .context("reading the database")?;
    options.travel = store
        .load_travel_overrides()
        .await
        .context("reading the imported travel times")?;
    // `--absent`: checked, then recorded before planning, so that every later plan of the
    // week keeps it (until `parcours absence lift`).
    for (code, day) in &options.absences {
        if !territory.referents.iter().any(|r| &r.code == code) {
            eprintln!("Absence {code}:{day} : référent {code} inconnu.");
            return Ok(ExitCode::from(1));
        }
        if !options.week.contains(*day) {
            eprintln!(
                "Absence {code}:{day} : le {day} n'est pas dans la semaine {}.",
                options.week
            );
            return Ok(ExitCode::from(1));
        }
    }
    let absent = !options.absences.is_empty();
    for (code, day) in &options.absences {
        store
            .add_absence(code, *day)
            .await
            .context("recording the absence")?;
    }
    options.absences = store
        .absences(Some(options.week))
        .await
        .context("reading the absences")?;
    // A re-plan starts from the week's last plan; a new absence re-plans it when there is one.
    if replan || absent {
        match store
            .latest_plan::<WeekPlan>(options.week, PlanMethod::Optimised)
            .await
            .context("reading the last plan")?
        {
            Some((_, previous)) => options.previous = Some(previous),
            None if !replan => {}
            None => {
                eprintln!(
                    "Aucun plan enregistré pour la semaine {} : lancez d'abord « parcours plan --week {} ».",
                    options.week, options.week
                );
                return Ok(ExitCode::from(1));
            }
        }
    }
    let outcome = solve_with_progress(&territory, &options, quiet)?;
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(PlanError::Data {
            record,
            field,
            message,
        }) => {
            eprintln!(
                "Impossible de planifier la semaine {} : {record}, {field} : {message}",
                options.week
            );
            return Ok(ExitCode::from(1));
        }
        Err(err) => return Err(err).context("planning"),
    };
    let versions = store
        .save_plans(&outcome.envelopes(), options.seed)
        .await
        .context("storing the plan")?;
    let version = *versions.first().expect("BUG: an outcome holds its plan");
    let report = WeekReport::of(&outcome, version);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("BUG: a report always serialises")
        );
    } else {
        print!("{}", report.to_french());
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the plan in a thread; on a terminal, after two seconds, shows the stage, the elapsed
/// time and the travel of the référents planned so far, on one line of stderr.
fn solve_with_progress(
    territory: &Territory,
    options: &PlanOptions,
    quiet: bool,
) -> anyhow::Result<Result<WeekOutcome, PlanError>> {
    use std::io::IsTerminal as _;
    use std::sync::Mutex;

    let latest: Mutex<Option<PlanProgress>> = Mutex::new(None);
    let show = !quiet && std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let outcome = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            plan_week(territory, options, &mut |p| {
                *latest.lock().expect("progress lock") = Some(p);
            })
        });
        let mut shown = false;
        while !worker.is_finished() {
            std::thread::sleep(Duration::from_millis(200));
            let elapsed = started.elapsed();
            if show
                && elapsed >= Duration::from_secs(2)
                && let Some(p) = *latest.lock().expect("progress lock")
            {
                eprint!(
                    "\r{:>5.1} s  {} : {}/{} référents, meilleur plan : trajets {}, {} visite(s) non placée(s)        ",
                    elapsed.as_secs_f64(),
                    p.stage,
                    p.done,
                    p.total,
                    crate::report::hours(p.travel_minutes),
                    p.unmet
                );
                shown = true;
            }
        }
        if shown {
            eprintln!();
        }
        worker.join()
    });
    outcome.map_err(|_| anyhow::anyhow!("the planning thread panicked"))
}

/// `parcours export`: calendars and map of the week's last plan.
async fn export(
    store: &Store,
    week: IsoWeek,
    out: Option<PathBuf>,
    map: Option<PathBuf>,
    published_at: Option<DateTime<Utc>>,
) -> anyhow::Result<ExitCode> {
    let Some((version, plan)) = store
        .latest_plan::<WeekPlan>(week, PlanMethod::Optimised)
        .await
        .context("reading the plan")?
    else {
        eprintln!(
            "Aucun plan enregistré pour la semaine {week} : lancez d'abord « parcours plan --week {week} »."
        );
        return Ok(ExitCode::from(1));
    };
    if out.is_none() && map.is_none() {
        eprintln!("Rien à exporter : indiquez --out DOSSIER et/ou --map FICHIER.svg.");
        return Ok(ExitCode::from(1));
    }
    let published_at = published_at.unwrap_or_else(Utc::now);
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for referent in &plan.referents {
            let calendar = crate::feeds::ics::referent_calendar(referent);
            let path = dir.join(format!("{}.ics", referent.code));
            std::fs::write(&path, crate::feeds::ics::write(&calendar, published_at))
                .with_context(|| format!("writing {}", path.display()))?;
        }
        println!(
            "Plan n° {version} de la semaine {week} : {} calendrier(s) écrits dans {}.",
            plan.referents.len(),
            dir.display()
        );
    }
    if let Some(path) = &map {
        let territory = store
            .load_territory()
            .await
            .context("reading the database")?;
        let baseline = store
            .latest_plan::<WeekPlan>(week, PlanMethod::Baseline)
            .await
            .context("reading the baseline")?
            .map(|(_, p)| p);
        let communes: Vec<(String, f64, f64)> = territory
            .communes
            .iter()
            .map(|c| (c.name.clone(), c.location.lat(), c.location.lon()))
            .collect();
        let svg = crate::report::map::week_map(&plan, baseline.as_ref(), &communes);
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(path, svg).with_context(|| format!("writing {}", path.display()))?;
        println!("Carte de la semaine {week} écrite dans {}.", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `parcours serve`.
async fn serve(
    settings: &Settings,
    listen: std::net::SocketAddr,
    limits: crate::http::ConnectionLimits,
) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr().context("reading the bound address")?;
    // Listening for SIGTERM before saying where the server is: whoever reads the address may
    // stop it at once.
    let shutdown = crate::http::shutdown_signal();
    eprintln!(
        "Parcours écoute sur http://{address} (base : {}). Ctrl-C pour arrêter.",
        shown_url(settings)
    );
    let app = crate::http::router(crate::http::AppState::new(store.clone()));
    crate::http::serve_with(listener, app, shutdown, limits)
        .await
        .context("serving")?;
    store.close().await;
    eprintln!("Parcours s'est arrêté.");
    Ok(ExitCode::SUCCESS)
}

/// `parcours publish`.
async fn publish(
    settings: &Settings,
    week: IsoWeek,
    version: Option<i64>,
) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let published = store
        .publish(PlanKind::Rota, week, version, Utc::now())
        .await
        .context("publishing")?;
    store.close().await;
    let Some(p) = published else {
        match version {
            Some(v) => eprintln!("La semaine {week} n'a pas de plan n° {v}."),
            None => eprintln!(
                "Aucun plan pour la semaine {week} : lancez d'abord « parcours plan --week {week} »."
            ),
        }
        return Ok(ExitCode::from(1));
    };
    println!(
        "Semaine {} : plan n° {} publié. Calendriers : {} événement(s) ajouté(s), {} modifié(s), \
         {} annulé(s), {} inchangé(s).",
        p.horizon, p.version, p.added, p.changed, p.cancelled, p.unchanged
    );
    Ok(ExitCode::SUCCESS)
}

/// `parcours user …`.
async fn user(settings: &Settings, command: UserCommand) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let code = match command {
        UserCommand::Add {
            role,
            person,
            login: Some(login),
        } => {
            let password = read_password()?;
            if let Err(message) = crate::http::password::check(&password) {
                eprintln!("{message} : rien n'a été créé.");
                store.close().await;
                return Ok(ExitCode::from(1));
            }
            let hash = crate::http::password::hash(&password)
                .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
            match store.add_login(&person, role, &login, &hash).await {
                Err(crate::store::StoreError::Conflict { message, .. }) => {
                    eprintln!("{message} : rien n'a été créé.");
                    ExitCode::from(1)
                }
                added => created(added, "creating the sign-in", |id| {
                    format!(
                        "Connexion n° {id} créée : {person}, rôle {role}, identifiant « {} ». \
                         Elle se connecte à l'application web (parcours serve, page /connexion).",
                        login.to_lowercase()
                    )
                })?,
            }
        }
        UserCommand::Add {
            role,
            person,
            login: None,
        } => {
            let raw = crate::feeds::token::generate().context("drawing a random token")?;
            let added = store
                .add_user(&person, role, &crate::feeds::token::hash(&raw))
                .await;
            created(added, "creating the user", |id| {
                format!(
                    "Utilisateur n° {id} créé : {person}, rôle {role}.\n\
                     Jeton d'accès à l'API (affiché une seule fois : transmettez-le par un \
                     canal sûr) :\n{raw}"
                )
            })?
        }
        UserCommand::Revoke { id, person } => {
            let revoked = match (id, &person) {
                (Some(id), _) => u64::from(store.revoke_user(id).await?),
                (None, Some(person)) => {
                    store.revoke_users_of(person).await? + store.revoke_logins_of(person).await?
                }
                (None, None) => 0,
            };
            revoked_message(revoked, "jeton")
        }
    };
    store.close().await;
    Ok(code)
}

/// The demo's sign-ins to the web app, C-01 (`coordination`) and R-01 (`referente`), each with
/// a new random password (set again if the login exists): (login, password, who).
async fn demo_signins(store: &Store) -> anyhow::Result<Vec<(String, String, &'static str)>> {
    let mut out = Vec::new();
    for (login, role, person, who) in [
        (
            "coordination",
            Role::Coordinator,
            "C-01",
            "coordinatrice C-01",
        ),
        ("referente", Role::Referent, "R-01", "référente R-01"),
    ] {
        let person = Code::parse(person).expect("BUG: a fixture's code");
        let raw = crate::feeds::token::generate().context("drawing a random password")?;
        let password = format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..12]);
        let hash = crate::http::password::hash(&password)
            .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))?;
        match store.add_login(&person, role, login, &hash).await {
            Ok(_) => {}
            Err(crate::store::StoreError::Conflict { .. }) => {
                if !store.set_password(login, &person, &hash).await? {
                    // The login is someone else's: the demo leaves it alone.
                    continue;
                }
            }
            Err(e) if e.is_unknown_person() => continue,
            Err(e) => return Err(e).context("creating the demo's sign-ins"),
        }
        out.push((login.to_owned(), password, who));
    }
    Ok(out)
}

/// A new password: asked twice, without echo, on a terminal; the first line of standard input
/// otherwise (a script, `echo … | parcours user add …`).
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead as _, IsTerminal as _};
    if std::io::stdin().is_terminal() {
        let first =
            rpassword::prompt_password("Mot de passe : ").context("reading the password")?;
        let again = rpassword::prompt_password("Mot de passe (encore) : ")
            .context("reading the password")?;
        if first != again {
            anyhow::bail!("les deux mots de passe saisis diffèrent : rien n'a été créé");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// `parcours feed …`.
async fn feed(settings: &Settings, command: FeedCommand) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let code = match command {
        FeedCommand::Add { person, base_url } => {
            let raw = crate::feeds::token::generate().context("drawing a random token")?;
            let added = store
                .add_feed(&person, &crate::feeds::token::hash(&raw))
                .await;
            let base = base_url.trim_end_matches('/');
            let webcal = base
                .strip_prefix("https://")
                .or_else(|| base.strip_prefix("http://"))
                .unwrap_or(base);
            created(added, "creating the subscription", |id| {
                format!(
                    "Abonnement n° {id} créé pour {person}. Adresse du calendrier (affichée une \
                     seule fois ; qui la connaît voit ce calendrier) :\n  \
                     {base}/feeds/{raw}.ics\n  webcal://{webcal}/feeds/{raw}.ics"
                )
            })?
        }
        FeedCommand::Revoke { id, person } => {
            let revoked = match (id, &person) {
                (Some(id), _) => u64::from(store.revoke_feed(id).await?),
                (None, Some(person)) => store.revoke_feeds_of(person).await?,
                (None, None) => 0,
            };
            revoked_message(revoked, "abonnement")
        }
    };
    store.close().await;
    Ok(code)
}

/// « R-03 le jeudi 03/12/2026 (semaine 2026-W49) »
fn absence_label(code: &Code, date: NaiveDate) -> String {
    format!(
        "{code} le {} {} (semaine {})",
        crate::domain::Weekday::from_chrono(chrono::Datelike::weekday(&date)).french(),
        date.format("%d/%m/%Y"),
        IsoWeek::containing(date)
    )
}

/// The absences naming a référent `territory` does not have, as French lines.
fn unknown_referents(territory: &Territory, absences: &[(Code, NaiveDate)]) -> Vec<String> {
    absences
        .iter()
        .filter(|(code, _)| !territory.referents.iter().any(|r| &r.code == code))
        .map(|(code, day)| format!("Absence {code}:{day} : référent {code} inconnu."))
        .collect()
}

/// Whether every référent of `absences` is known; else says which are not, and that no absence
/// was `done` (« enregistrée », « levée »): nothing is written.
async fn known_referents(
    store: &Store,
    absences: &[(Code, NaiveDate)],
    done: &str,
) -> anyhow::Result<bool> {
    let territory = store
        .load_territory()
        .await
        .context("reading the database")?;
    let unknown = unknown_referents(&territory, absences);
    for line in &unknown {
        eprintln!("{line}");
    }
    if !unknown.is_empty() {
        eprintln!("Aucune absence n'a été {done}.");
    }
    Ok(unknown.is_empty())
}

/// `parcours absence …`
async fn absence(settings: &Settings, command: AbsenceCommand) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let code = match command {
        AbsenceCommand::Add { absences } => {
            if known_referents(&store, &absences, "enregistrée").await? {
                for (who, day) in &absences {
                    let added = store
                        .add_absence(who, *day)
                        .await
                        .context("recording the absence")?;
                    let done = if added {
                        "Absence enregistrée"
                    } else {
                        "Absence déjà enregistrée"
                    };
                    println!("{done} : {}.", absence_label(who, *day));
                }
                println!(
                    "Les prochains plans de la semaine en tiennent compte jusqu'à ce que l'absence soit \
                     levée (« parcours absence lift »). Pour re-planifier une semaine déjà \
                     planifiée : « parcours plan --week SEMAINE --replan »."
                );
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        AbsenceCommand::Lift { absences } => {
            if known_referents(&store, &absences, "levée").await? {
                for (who, day) in &absences {
                    let lifted = store
                        .lift_absence(who, *day)
                        .await
                        .context("lifting the absence")?;
                    if lifted {
                        println!("Absence levée : {}.", absence_label(who, *day));
                    } else {
                        println!(
                            "Aucune absence enregistrée pour {} : rien à lever.",
                            absence_label(who, *day)
                        );
                    }
                }
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        AbsenceCommand::List { week } => {
            let absences = store.absences(week).await.context("reading the absences")?;
            let of = week.map_or_else(String::new, |w| format!(" (semaine {w})"));
            if absences.is_empty() {
                println!("Aucune absence enregistrée{of}.");
            } else {
                println!("Absences enregistrées{of} : {}", absences.len());
                for (who, day) in &absences {
                    println!("  {}", absence_label(who, *day));
                }
            }
            ExitCode::SUCCESS
        }
    };
    store.close().await;
    Ok(code)
}

/// Prints what `shown` says of a created user or subscription; an unknown person is the user's
/// mistake (its French message, exit 1), anything else an error.
fn created(
    added: Result<i64, crate::store::StoreError>,
    doing: &'static str,
    shown: impl FnOnce(i64) -> String,
) -> anyhow::Result<ExitCode> {
    match added {
        Ok(id) => {
            println!("{}", shown(id));
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_unknown_person() => {
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e).context(doing),
    }
}

fn revoked_message(revoked: u64, what: &str) -> ExitCode {
    if revoked == 0 {
        eprintln!("Aucun {what} actif ne correspond : rien n'a été révoqué.");
        ExitCode::from(1)
    } else {
        println!("{revoked} {what}(s) révoqué(s).");
        ExitCode::SUCCESS
    }
}

pub(crate) async fn open(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database_url();
    let store = Store::connect(url)
        .await
        .with_context(|| format!("opening the database {}", shown_url(settings)))?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

fn shown_url(settings: &Settings) -> String {
    crate::config::redact_url(settings.database_url())
}

/// Today in Europe/Paris, for the import's checks (a last visit may not come after it).
fn paris_today() -> NaiveDate {
    crate::domain::to_paris(Utc::now()).date()
}

fn read_source(dir: &Path) -> anyhow::Result<Source> {
    Source::from_dir(dir).with_context(|| format!("reading the folder {}", dir.display()))
}

/// What `check` validates against: the database when there is one, without creating it.
async fn existing_for_check(settings: &Settings) -> anyhow::Result<Territory> {
    let url = settings.database_url();
    match settings.sqlite_file() {
        // A file not created yet, or an in-memory database (fresh for this process): empty.
        Some(file) if !file.exists() => return Ok(Territory::default()),
        None if url.starts_with("sqlite:") => return Ok(Territory::default()),
        _ => {}
    }
    let store = Store::connect(url)
        .await
        .with_context(|| format!("opening the database {}", shown_url(settings)))?;
    let territory = store
        .load_territory()
        .await
        .context("reading the database")?;
    store.close().await;
    Ok(territory)
}

fn print_validation(dir: &Path, v: &Validation) {
    let mut out = std::io::stdout().lock();
    let names: Vec<String> = v
        .files
        .iter()
        .map(|(name, cp1252)| {
            if *cp1252 {
                format!("{name} (Windows-1252)")
            } else {
                (*name).to_owned()
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "Dossier {} : {} fichier(s) lu(s) : {}.",
        dir.display(),
        v.files.len(),
        names.join(", ")
    );
    if !v.warnings.is_empty() {
        let _ = writeln!(out, "Avertissements ({}) :", v.warnings.len());
        for w in &v.warnings {
            let _ = writeln!(out, "  {w}");
        }
    }
    if !v.errors.is_empty() {
        let _ = writeln!(out, "Erreurs ({}) — rien n'a été modifié :", v.errors.len());
        for e in v.errors.iter().take(import::MAX_ERRORS) {
            let _ = writeln!(out, "  {e}");
        }
        if v.errors.len() > import::MAX_ERRORS {
            let _ = writeln!(
                out,
                "  … et {} autres erreurs.",
                v.errors.len() - import::MAX_ERRORS
            );
        }
    }
}

fn print_import(dir: &Path, report: &ImportReport) {
    print_validation(dir, &report.validation);
    if let Some(counts) = &report.counts {
        println!("Import enregistré :");
        // Only the files of this import: the others were not touched.
        let read = |file: &str| {
            report
                .validation
                .files
                .iter()
                .any(|(name, _)| *name == file)
        };
        for (file, c) in counts.files.iter().filter(|(file, _)| read(file)) {
            println!(
                "  {file:<24} {:>4} ajouté(s) {:>4} modifié(s) {:>4} inchangé(s)",
                c.added, c.updated, c.unchanged
            );
        }
        let t = counts.total();
        println!(
            "  {:<24} {:>4} ajouté(s) {:>4} modifié(s) {:>4} inchangé(s)",
            "total", t.added, t.updated, t.unchanged
        );
    }
}

/// The reference territory shipped in the repository (`fixtures/territory`), or `Err` with the
/// folder looked at when the repository is not beside the binary.
fn reference_territory() -> Result<Source, PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/territory");
    match Source::from_dir(&dir) {
        Ok(source) if !source.is_empty() => Ok(source),
        _ => Err(dir),
    }
}

async fn demo(
    settings: &Settings,
    fixtures: Option<PathBuf>,
    work_time: Option<Duration>,
) -> anyhow::Result<ExitCode> {
    let (source, label) = match &fixtures {
        Some(dir) => (read_source(dir)?, format!("du dossier {}", dir.display())),
        None => match reference_territory() {
            Ok(source) => (
                source,
                "du territoire de référence (fixtures/territory, personnes fictives)".to_owned(),
            ),
            Err(dir) => {
                eprintln!(
                    "erreur : le territoire de référence est introuvable ({}) : lancez la \
                     démonstration depuis le dépôt de Parcours, ou donnez un dossier avec \
                     --fixtures DOSSIER",
                    dir.display()
                );
                return Ok(ExitCode::from(1));
            }
        },
    };
    println!("Parcours — démonstration");
    println!("Base : {} ; import {label}.", shown_url(settings));
    let store = open(settings).await?;
    let report = import::import(&store, &source, paris_today())
        .await
        .context("import")?;
    let Some(counts) = &report.counts else {
        let dir = fixtures.unwrap_or_else(|| PathBuf::from("fixtures/territory"));
        print_validation(&dir, &report.validation);
        store.close().await;
        return Ok(ExitCode::from(1));
    };
    let t = counts.total();
    println!(
        "Import : {} enregistrements ajoutés, {} modifiés, {} inchangés.\n",
        t.added, t.updated, t.unchanged
    );
    let territory = store
        .load_territory()
        .await
        .context("reading the database")?;
    print!("{}", TerritorySummary::of(&territory).to_french());

    // The week the fixtures are written for.
    let week = IsoWeek::containing(crate::reference::MONDAY);
    println!("\n— Planification de la semaine {week} —\n");
    let mut options = PlanOptions::new(week);
    options.compare_baseline = true;
    options.rota_work = work_time;
    let mut template = options.clone();
    let code = plan(&store, options, false, false, false).await?;
    if code != ExitCode::SUCCESS {
        store.close().await;
        return Ok(code);
    }
    // Eight weeks from there, Parcours beside today's practice.
    template.compare_baseline = false;
    template.travel = store
        .load_travel_overrides()
        .await
        .context("reading the imported travel times")?;
    let signins = demo_signins(&store).await?;
    use crate::report::horizon::{COMPARISON_WEEKS, Comparison, inputs_digest};
    println!("\n— Les {COMPARISON_WEEKS} semaines suivantes, simulées —\n");
    let digest = inputs_digest(&territory, &template.travel);
    let comparison = Comparison::new(&territory, week, &template);
    let rota_seconds = template.rota_time.as_secs_f64();
    let figures = tokio::task::spawn_blocking(move || comparison.run())
        .await
        .context("the simulation thread")?;
    match figures {
        Ok(figures) => {
            print!(
                "{}",
                crate::report::horizon::to_french(&figures.today, &figures.parcours)
            );
            // The week page shows them (« 8 semaines »), as long as the data stay as they are.
            let stored = crate::report::horizon::StoredHorizon {
                computed_at: chrono::Utc::now(),
                rota_seconds,
                figures,
            };
            let body = serde_json::to_string(&stored).context("the simulated weeks as JSON")?;
            store
                .save_horizon_figures(week, &digest, &body)
                .await
                .context("storing the simulated weeks")?;
            store.close().await;
        }
        Err(message) => {
            store.close().await;
            eprintln!("Simulation impossible : {message}");
            return Ok(ExitCode::from(1));
        }
    }
    println!(
        "\nL'application web : « parcours serve », puis http://127.0.0.1:8080/ dans un navigateur."
    );
    for (login, password, who) in &signins {
        println!("  {who} : identifiant « {login} », mot de passe « {password} »");
    }
    println!("  (mots de passe de démonstration, renouvelés à chaque démonstration)");
    println!("\nEt ensuite :");
    println!(
        "  parcours export --week {week} --out calendriers --map calendriers/semaine.svg   un calendrier .ics par référent, et la carte des tournées"
    );
    println!(
        "  parcours plan --week {week} --absent R-03:2026-12-03   enregistrer une absence et re-planifier la semaine"
    );
    println!("  parcours publish --week {week}   publier la semaine dans les calendriers abonnés");
    println!(
        "  parcours feed add --person R-01 puis parcours serve   l'adresse du calendrier de R-01, et le serveur qui la sert"
    );
    println!(
        "  parcours check DOSSIER    valider vos propres tableaux (format : docs/data-format.md), sans rien écrire"
    );
    println!(
        "  parcours import DOSSIER   les importer dans la base (tout ou rien, ré-import sans doublon)"
    );
    println!(
        "  PARCOURS_DATABASE_URL=postgres://…  pour utiliser PostgreSQL au lieu du fichier parcours.db"
    );
    println!("  (depuis le dépôt, « parcours » s'écrit « cargo run --release -- »)");
    Ok(ExitCode::SUCCESS)
}
