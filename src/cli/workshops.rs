//! `parcours ateliers …`: plan the collective workshops of a school year, publish them, export
//! each facilitator's calendar, and print a group's roster.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Subcommand;

use super::eps::{parse_date, parse_year};
use crate::config::Settings;
use crate::feeds::ics::{self, Calendar};
use crate::planning::eps::EpsPlan;
use crate::planning::workshops::{WorkshopOptions, WorkshopPlan, plan_year};
use crate::planning::{PlanBody as _, PlanEnvelope, PlanError, PlanKind, PlanMethod, SchoolYear};
use crate::report::workshops::WorkshopReport;
use crate::store::Store;

/// `parcours ateliers …`
#[derive(Debug, Subcommand)]
pub enum WorkshopCommand {
    /// Plan the year's groups of every fiche-action (slot, site, dates, children), print the
    /// summary and store the plan (a new version each time). A year already planned is
    /// re-planned: each group and enrolment stays while it still pays.
    Plan {
        /// School year, e.g. 2026-2027.
        #[arg(long, value_parser = parse_year)]
        year: SchoolYear,
        /// Plan the rest of a year already begun, from this day: the groups of the last plan
        /// started before it keep their slot, site, dates and children.
        #[arg(long, value_parser = parse_date)]
        from: Option<NaiveDate>,
        /// Start over: ignore the year's last plan.
        #[arg(long)]
        fresh: bool,
        /// Also plan what is done by hand (one group per fiche-action at its first preferred
        /// slot and first site, children in orientation order) and show the difference.
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
    /// Publish the year's last plan (or `--version`) to the facilitators' calendar feeds; the
    /// sessions become fixed commitments of the référents who facilitate them.
    Publish {
        /// School year, e.g. 2026-2027.
        #[arg(long, value_parser = parse_year)]
        year: SchoolYear,
        /// The version to publish, instead of the last.
        #[arg(long)]
        version: Option<i64>,
    },
    /// Write one calendar (.ics) per facilitator of the year's last plan: P-….ics, R-….ics.
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
    /// A group's roster for its facilitator: its sessions and its children (code and age, never
    /// a name).
    Roster {
        /// School year, e.g. 2026-2027.
        #[arg(long, value_parser = parse_year)]
        year: SchoolYear,
        /// The group, e.g. FA-04-G1.
        group: String,
    },
}

/// Runs `parcours ateliers …`.
pub async fn run(settings: &Settings, command: WorkshopCommand) -> anyhow::Result<ExitCode> {
    let store = crate::cli::open(settings).await?;
    let code = match command {
        WorkshopCommand::Plan {
            year,
            from,
            fresh,
            compare_baseline,
            json,
            seed,
            time_limit,
        } => {
            let mut options = WorkshopOptions::new(year);
            options.from = from;
            options.seed = seed;
            options.time_limit = time_limit;
            options.compare_baseline = compare_baseline;
            plan(&store, options, fresh, json).await
        }
        WorkshopCommand::Publish { year, version } => publish(&store, year, version).await,
        WorkshopCommand::Export {
            year,
            out,
            published_at,
        } => export(&store, year, out, published_at.unwrap_or_else(Utc::now)).await,
        WorkshopCommand::Roster { year, group } => roster(&store, year, &group).await,
    };
    store.close().await;
    code
}

async fn last_plan(store: &Store, year: SchoolYear) -> anyhow::Result<Option<(i64, WorkshopPlan)>> {
    store
        .latest_plan::<WorkshopPlan>(year, PlanMethod::Optimised)
        .await
        .context("reading the year's last plan")
}

fn no_plan(year: SchoolYear) -> anyhow::Result<ExitCode> {
    eprintln!(
        "Aucun plan des ateliers collectifs pour l'année {year} : lancez d'abord « parcours ateliers plan --year {year} »."
    );
    Ok(ExitCode::from(1))
}

async fn plan(
    store: &Store,
    mut options: WorkshopOptions,
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
            "« --from » garde les groupes commencés du dernier plan de l'année {} : il n'y en a pas encore (ou « --fresh » l'écarte).",
            options.year
        );
        return Ok(ExitCode::from(1));
    }
    options.eps = store
        .published::<EpsPlan>(options.year)
        .await
        .context("reading the year's published EPS meetings")?;
    let outcome = tokio::task::block_in_place(|| plan_year(&territory, &options));
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(PlanError::Data {
            record,
            field,
            message,
        }) => {
            eprintln!(
                "Impossible de planifier les ateliers de l'année {} : {record}, {field} : {message}",
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
    let report = WorkshopReport::of(&territory, &outcome, versions[0]);
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
        .publish(PlanKind::Workshops, year, version, Utc::now())
        .await
        .context("publishing")?;
    let Some(p) = published else {
        return match version {
            Some(v) => {
                eprintln!("L'année {year} n'a pas de plan des ateliers n° {v}.");
                Ok(ExitCode::from(1))
            }
            None => no_plan(year),
        };
    };
    println!(
        "Ateliers collectifs {}: plan n° {} publié. Calendriers : {} événement(s) ajouté(s), {} modifié(s), {} annulé(s), {} inchangé(s).",
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
    for (person, event) in crate::feeds::events::plan_events(&plan.into_any()) {
        calendars
            .entry(person.clone())
            .or_insert_with(|| Calendar {
                name: format!("Parcours – ateliers {person}"),
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
        "Ateliers collectifs {year} (plan n° {version}) : {} calendrier(s) écrit(s) dans {}.",
        calendars.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

async fn roster(store: &Store, year: SchoolYear, code: &str) -> anyhow::Result<ExitCode> {
    let Some((_, plan)) = last_plan(store, year).await? else {
        return no_plan(year);
    };
    let Some(group) = plan.groups.iter().find(|g| g.code == code) else {
        eprintln!("Le plan des ateliers {year} n'a pas de groupe {code}.");
        return Ok(ExitCode::from(1));
    };
    println!(
        "{} – {} – animé par {} – {}",
        group.code, group.theme, group.facilitator, group.place
    );
    let sessions: Vec<String> = (0..group.dates.len())
        .map(|i| group.start(i).format("%d/%m/%Y %H:%M").to_string())
        .collect();
    println!("  Séances : {}", sessions.join(", "));
    println!("  {} enfant(s) :", group.children.len());
    for c in &group.children {
        println!("    {} ; {} ans", c.child, c.age);
    }
    Ok(ExitCode::SUCCESS)
}
