//! `parcours eps …`: plan the EPS meetings of a school year, publish them, export each
//! attendee's calendar, and give a meeting's invitation (its list and its `.ics`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;

use crate::config::Settings;
use crate::feeds::events::eps_event;
use crate::feeds::ics::{self, Calendar};
use crate::planning::eps::{EpsOptions, EpsPlan, plan_year};
use crate::planning::{
    Horizon, PlanBody as _, PlanEnvelope, PlanError, PlanKind, PlanMethod, SchoolYear,
};
use crate::report::eps::EpsReport;
use crate::store::Store;

/// `2026-2027`.
pub(crate) fn parse_year(text: &str) -> Result<SchoolYear, String> {
    match Horizon::parse(text) {
        Ok(Horizon::SchoolYear(year)) => Ok(year),
        Ok(_) => Err(format!(
            "« {text} » n'est pas une année scolaire (2026-2027)"
        )),
        Err(e) => Err(e.to_string()),
    }
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    crate::domain::parse_date(text).map_err(|e| e.to_string())
}

/// `parcours eps …`
#[derive(Debug, Subcommand)]
pub enum EpsCommand {
    /// Plan the year's meetings of every EPS, print the summary and store the plan (a new
    /// version each time). A year already planned is re-planned: each meeting stays where it
    /// is while it still can, the others move, and the summary names them.
    Plan {
        /// School year, e.g. 2026-2027.
        #[arg(long, value_parser = parse_year)]
        year: SchoolYear,
        /// Plan the rest of a year already begun, from this day: the meetings of the last plan
        /// before it are held and stay.
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// Start over: ignore the year's last plan.
        #[arg(long)]
        fresh: bool,
        /// Also plan what a poll does (first free slot, EPS by EPS) and show the difference.
        #[arg(long)]
        compare_baseline: bool,
        /// Print the figures as JSON instead of French text.
        #[arg(long)]
        json: bool,
        /// Seed of the solve.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Time limit of the solve, in seconds.
        #[arg(long, value_parser = crate::cli::parse_seconds, default_value = "60")]
        time_limit: Duration,
    },
    /// Publish the year's last plan (or `--version`) to everyone's calendar feed.
    Publish {
        /// School year, e.g. 2026-2027.
        #[arg(long, value_parser = parse_year)]
        year: SchoolYear,
        /// The version to publish, instead of the last.
        #[arg(long)]
        version: Option<i64>,
    },
    /// Write one calendar (.ics) per person attending the year's last plan: P-….ics,
    /// C-….ics, R-….ics.
    Export {
        /// School year, e.g. 2026-2027.
        #[arg(long, value_parser = parse_year)]
        year: SchoolYear,
        /// Folder for the calendars (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Publication time written in the calendars (RFC 3339), instead of now.
        #[arg(long)]
        published_at: Option<DateTime<Utc>>,
    },
    /// A meeting's invitation: who is invited (name, structure, required or invited), and its
    /// single-meeting calendar with `--ics`.
    Invitation {
        /// School year, e.g. 2026-2027.
        #[arg(long, value_parser = parse_year)]
        year: SchoolYear,
        /// The meeting, e.g. EPS-07-R3.
        meeting: String,
        /// Write the meeting's calendar (.ics) to this file, for an e-mail invitation.
        #[arg(long)]
        ics: Option<PathBuf>,
    },
}

/// Runs `parcours eps …`.
pub async fn run(settings: &Settings, command: EpsCommand) -> anyhow::Result<ExitCode> {
    let store = crate::cli::open(settings).await?;
    let code = match command {
        EpsCommand::Plan {
            year,
            from,
            fresh,
            compare_baseline,
            json,
            seed,
            time_limit,
        } => {
            let mut options = EpsOptions::new(year);
            options.from = from;
            options.seed = seed;
            options.time_limit = time_limit;
            options.compare_baseline = compare_baseline;
            plan(&store, options, fresh, json).await
        }
        EpsCommand::Publish { year, version } => publish(&store, year, version).await,
        EpsCommand::Export {
            year,
            out,
            published_at,
        } => export(&store, year, out, published_at.unwrap_or_else(Utc::now)).await,
        EpsCommand::Invitation { year, meeting, ics } => {
            invitation(&store, year, &meeting, ics).await
        }
    };
    store.close().await;
    code
}

pub(crate) async fn last_plan(
    store: &Store,
    year: SchoolYear,
) -> anyhow::Result<Option<(i64, EpsPlan)>> {
    store
        .latest_plan::<EpsPlan>(year, PlanMethod::Optimised)
        .await
        .context("reading the year's last plan")
}

fn no_plan(year: SchoolYear) -> anyhow::Result<ExitCode> {
    eprintln!(
        "Aucun plan des réunions d'EPS pour l'année {year} : lancez d'abord « parcours eps plan --year {year} »."
    );
    Ok(ExitCode::from(1))
}

async fn plan(
    store: &Store,
    mut options: EpsOptions,
    fresh: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let territory = store
        .load_territory()
        .await
        .context("reading the database")?;
    if !fresh {
        options.previous = last_plan(store, options.year).await?.map(|(_, p)| p);
    }
    if options.from.is_some() && options.previous.is_none() {
        eprintln!(
            "« --from » garde les réunions tenues du dernier plan de l'année {} : il n'y en a pas encore (ou « --fresh » l'écarte).",
            options.year
        );
        return Ok(ExitCode::from(1));
    }
    let outcome = tokio::task::block_in_place(|| plan_year(&territory, &options));
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(PlanError::Data {
            record,
            field,
            message,
        }) => {
            eprintln!(
                "Impossible de planifier les réunions d'EPS de l'année {} : {record}, {field} : {message}",
                options.year
            );
            return Ok(ExitCode::from(1));
        }
        Err(err) => return Err(err).context("planning"),
    };
    let mut envelopes = vec![PlanEnvelope::of(&outcome.plan)];
    if let Some(baseline) = &outcome.baseline {
        envelopes.push(PlanEnvelope::of(baseline));
    }
    let versions = store
        .save_plans(&envelopes, options.seed)
        .await
        .context("storing the plan")?;
    let report = EpsReport::of(&territory, &outcome, versions[0]);
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

async fn publish(
    store: &Store,
    year: SchoolYear,
    version: Option<i64>,
) -> anyhow::Result<ExitCode> {
    let published = store
        .publish(PlanKind::EpsYear, year, version, Utc::now())
        .await
        .context("publishing")?;
    let Some(p) = published else {
        return match version {
            Some(v) => {
                eprintln!("L'année {year} n'a pas de plan des réunions d'EPS n° {v}.");
                Ok(ExitCode::from(1))
            }
            None => no_plan(year),
        };
    };
    println!(
        "Réunions d'EPS {}: plan n° {} publié. Calendriers : {} événement(s) ajouté(s), {} modifié(s), {} annulé(s), {} inchangé(s).",
        p.horizon, p.version, p.added, p.changed, p.cancelled, p.unchanged
    );
    Ok(ExitCode::SUCCESS)
}

async fn export(
    store: &Store,
    year: SchoolYear,
    out: PathBuf,
    at: DateTime<Utc>,
) -> anyhow::Result<ExitCode> {
    let Some((version, plan)) = last_plan(store, year).await? else {
        return no_plan(year);
    };
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let mut calendars: std::collections::BTreeMap<String, Calendar> = Default::default();
    for (person, event) in crate::feeds::events::plan_events(&plan.clone().into_any()) {
        calendars
            .entry(person.clone())
            .or_insert_with(|| Calendar {
                name: format!("Parcours – réunions d'EPS {person}"),
                events: Vec::new(),
            })
            .events
            .push(event);
    }
    for (person, calendar) in &calendars {
        let path = out.join(format!("{person}.ics"));
        std::fs::write(&path, ics::write(calendar, at))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    println!(
        "Réunions d'EPS {year} (plan n° {version}) : {} calendrier(s) écrit(s) dans {}.",
        calendars.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

async fn invitation(
    store: &Store,
    year: SchoolYear,
    code: &str,
    path: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let Some((_, plan)) = last_plan(store, year).await? else {
        return no_plan(year);
    };
    let Some(meeting) = plan.meetings.iter().find(|m| m.code == code) else {
        eprintln!("Le plan des réunions d'EPS {year} n'a pas de réunion {code}.");
        return Ok(ExitCode::from(1));
    };
    let territory = store
        .load_territory()
        .await
        .context("reading the database")?;
    println!(
        "{} – {} – {} : {}",
        meeting.code,
        meeting.eps_name,
        meeting.start().format("%d/%m/%Y %H:%M"),
        meeting.place
    );
    for line in crate::planning::eps::invitation_list(&territory, meeting) {
        println!(
            "  {} ; {} ; {} ; {}",
            line.code, line.name, line.structure, line.role
        );
    }
    if let Some(path) = path {
        let calendar = Calendar {
            name: format!("Parcours – {}", meeting.eps_name),
            events: vec![eps_event(year, meeting)],
        };
        std::fs::write(&path, ics::write(&calendar, Utc::now()))
            .with_context(|| format!("writing {}", path.display()))?;
        println!("Invitation écrite dans {}.", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
