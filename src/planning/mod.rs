//! Planning the coordinator's week: store → solver problems (codes → indices), assignment and
//! rota solves, solutions → [`WeekPlan`]s the CLI prints, the store keeps and the feeds publish.
//!
//! Plans of every kind share one shape: a [`PlanKind`], a [`Horizon`], and a body sealed in a
//! [`PlanEnvelope`] with its format version (`envelope.rs`); [`solve`] runs a [`PlanRequest`] of
//! any kind. This module imports neither the store, the HTTP server nor the CLI (issue 14,
//! checked by `.ci/run`): they call it.

mod build;
pub mod calendar;
pub mod changes;
pub mod coverage;
pub mod envelope;
pub mod eps;
pub mod horizon;
pub mod plan;
mod request;
mod visit_report;
pub mod week;
pub mod workshops;

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use parcours_solver::assign;
use parcours_solver::limits::{Limits, Params, StopReason};
use parcours_solver::rota;
use parcours_solver::travel::TravelTimes;
use serde::Serialize;

pub use calendar::Holidays;
pub use changes::{MovedVisit, PlacedVisit, PlanChanges, ReferentChanges, changes};
pub use envelope::{AnyPlan, BodyError, PlanBody, PlanEnvelope, PlanFigures, PlanKind};
pub use horizon::{DateRange, Horizon, SchoolYear};
pub use plan::{
    DayRoute, PlaceKind, PlanMethod, ReferentWeek, Stop, StopKind, UnmetCause, UnmetVisit, WeekPlan,
};
pub use request::{PlanOutcome, PlanRequest, solve};
pub use visit_report::{ReportError, ReportedWeek, VisitReport, apply_visit_report};
pub use week::IsoWeek;

pub use build::Tolerance;
use build::{Context, DueVisit, Engagement, WeekAgenda, WorkDay};

use crate::domain::{Code, MeetingPlace, Territory};

/// Why a week could not be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A record cannot be planned as it is: the record, the field, what is wrong (French).
    #[error("{record}, {field} : {message}")]
    Data {
        /// The record's code.
        record: String,
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A solver failed on a problem it should accept (a bug, reported instead of a panic).
    #[error("solveur : {0}")]
    Solver(String),
}

impl PlanError {
    pub(crate) fn data(
        record: impl ToString,
        field: impl ToString,
        message: impl ToString,
    ) -> PlanError {
        PlanError::Data {
            record: record.to_string(),
            field: field.to_string(),
            message: message.to_string(),
        }
    }
}

/// How to plan a week.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// The week.
    pub week: IsoWeek,
    /// Seed of every solve.
    pub seed: u64,
    /// Time limit of the assignment MILP.
    pub assign_time: Duration,
    /// Time limit of the rota (all référents together): a guard the plan never runs past. The
    /// search's work is what the reference machine does in a quarter of it
    /// ([`ROTA_WORK_SHARE`]), so the same plan comes out on a machine up to four times slower
    /// or busier; a plan that still hits the limit says so (`rota_stop`: `time_guard`).
    pub rota_time: Duration,
    /// Deterministic iteration budget of the rota, replacing the one derived from its time.
    pub iterations: Option<u64>,
    /// The rota's work, as what the reference machine does in this time, instead of a quarter
    /// of `rota_time` (tests in debug builds: little work under a generous guard).
    pub rota_work: Option<Duration>,
    /// Whether sectors bind.
    pub sectors: assign::SectorRule,
    /// How far from its due date a visit counts as on time.
    pub tolerance: Tolerance,
    /// Also plan today's practice and the current assignment with optimised routes.
    pub compare_baseline: bool,
    /// With `compare_baseline`, plan today's practice only (not the current assignment with
    /// optimised routes, nor Parcours on the same visits): a simulation of many weeks.
    pub baseline_only: bool,
    /// Weeks planned together, from `week` (`plan --weeks N`, at least 1): the later weeks let
    /// a visit whose tolerance runs into them float there, and hold the families' next visits
    /// so that neighbours share a day. Only `week` is in the plan; the next plan rolls forward.
    pub weeks: usize,
    /// Référents absent on a day: (code, date).
    pub absences: Vec<(Code, NaiveDate)>,
    /// The plan to re-plan: its assignment is kept; its confirmed visits, and those fixed in the
    /// agenda, never move; every other visit still valid stays exactly where it is (day and
    /// time, [`rota::Keep::Still`]) and only the others, and visits newly due, are placed
    /// again. A référent for whom nothing changed keeps her week as it was, its unplaced
    /// visits included. With `touched` (a visit report), the visits of the touched days keep
    /// their day unless something could not be placed otherwise.
    pub previous: Option<WeekPlan>,
    /// Drives measured by a routing engine (`trajets.csv`): they win over the estimate.
    pub travel: Vec<crate::domain::TravelOverride>,
    /// Set to stop the solves early (a cancelled API job): each returns its best so far.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Families whose visit in `previous` stays exactly where it is (day and time), confirmed
    /// or not: what a change to one visit must not touch.
    pub keep_exact: Vec<String>,
    /// Families not visited this week whatever their frequency (a visit the family cancelled).
    /// Those `previous` lists as cancelled stay so.
    pub excluded: Vec<String>,
    /// A visit report's re-plan: only this référent's days on these dates may change. Visits
    /// that are not in `previous` are placed on those days or stay unmet as `previous` had
    /// them; every other visit must be in `keep_exact`.
    pub touched: Option<(String, Vec<NaiveDate>)>,
}

impl PlanOptions {
    /// The days it plans: its week, and the weeks after it a plan over several weeks holds.
    pub fn days(&self) -> (NaiveDate, NaiveDate) {
        let monday = self.week.monday();
        (
            monday,
            monday + chrono::Days::new(7 * self.weeks.max(1) as u64 - 1),
        )
    }

    /// Default options for `week`: seed 1, 10 s for the assignment (it is proven optimal far
    /// sooner on a team's territory), 20 s for the rota (5 s of work on the reference machine),
    /// hard sectors.
    pub fn new(week: IsoWeek) -> PlanOptions {
        PlanOptions {
            week,
            seed: 1,
            assign_time: Duration::from_secs(10),
            rota_time: Duration::from_secs(20),
            iterations: None,
            rota_work: None,
            sectors: assign::SectorRule::Hard,
            tolerance: Tolerance::default(),
            compare_baseline: false,
            baseline_only: false,
            weeks: 1,
            absences: Vec::new(),
            previous: None,
            travel: Vec::new(),
            cancel: None,
            keep_exact: Vec::new(),
            excluded: Vec::new(),
            touched: None,
        }
    }
}

/// The share of the rota's time limit its work is calibrated on: the search does what the
/// reference machine does in a quarter of the limit, and the limit guards. Same input, seed and
/// limit give the same plan unless the machine is more than this many times slower.
pub const ROTA_WORK_SHARE: u32 = 4;

/// The most weeks a plan looks at together ([`PlanOptions::weeks`]).
pub const MAX_WEEKS: usize = 8;

/// A family that changes référent, for the coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reassignment {
    /// Family code.
    pub family: String,
    /// Its référent today.
    pub from: String,
    /// Its référent in the plan.
    pub to: String,
    /// Why, in French.
    pub reason: String,
}

/// One référent's share of the assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferentLoad {
    /// Code.
    pub referent: String,
    /// Families followed.
    pub families: u32,
    /// Her maximum caseload.
    pub max_caseload: u32,
    /// Visits and their estimated travel, hours a month.
    pub monthly_hours: i64,
    /// Of her working time, in percent.
    pub percent_of_working_time: i64,
}

/// A family followed outside its référent's sector, for the coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutsideSector {
    /// Family code.
    pub family: String,
    /// Its référent in the plan.
    pub referent: String,
    /// Why she follows it anyway, in French (pinned, kept, or soft sectors).
    pub why: String,
}

/// The assignment, for the coordinator: what it costs per rule, who moves and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignmentReport {
    /// `(rule key, French label, minutes a month)`.
    pub costs: Vec<(String, String, i64)>,
    /// Families that change référent.
    pub moves: Vec<Reassignment>,
    /// Families without a référent, with why.
    pub unassigned: Vec<(String, String)>,
    /// Families followed outside their référent's sector.
    pub outside_sector: Vec<OutsideSector>,
    /// Per référent.
    pub loads: Vec<ReferentLoad>,
    /// Relative gap proved, in percent (`None` when no bound was proved, or when the
    /// assignment was kept from the previous plan).
    pub gap_percent: Option<f64>,
    /// Why the solve stopped (`optimal`, `time_limit`, `kept`).
    pub stop: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// A planned week with what the coordinator needs to trust it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekOutcome {
    /// The plan.
    pub plan: WeekPlan,
    /// The assignment behind it.
    pub assignment: AssignmentReport,
    /// Today's practice (current assignment, first fit), with `compare_baseline`.
    pub baseline: Option<WeekPlan>,
    /// The current assignment with optimised routes, with `compare_baseline`: it splits the
    /// saving between routing and assignment.
    pub current_routed: Option<WeekPlan>,
    /// Parcours (its assignment, optimised routes) on exactly the visits today's practice
    /// placed, with `compare_baseline`: the saving for the same work.
    pub same_visits: Option<WeekPlan>,
    /// A re-plan: what changed from the plan re-planned to this one, per référent (exactly the
    /// difference between the two, [`changes()`]).
    pub changes: Option<PlanChanges>,
    /// Agenda entries of the week the plan does not honour: (code, why, in French).
    pub agenda_unplaced: Vec<(String, String)>,
    /// Why the rota search stopped.
    pub rota_stop: String,
    /// Wall-clock seconds of the whole plan, comparison included.
    pub seconds: f64,
    /// Wall-clock seconds until Parcours' plan was ready (assignment and rota, before the
    /// comparison).
    pub plan_seconds: f64,
    /// What the team's hours cannot hold this week, in hours.
    pub capacity: CapacityReport,
    /// Days a référent leaves before her hours or comes back after them, for an agenda entry
    /// there (the plan keeps the entry at its time, with the way there and back).
    pub outside_hours: Vec<OutsideHours>,
    /// The week falls in school holidays: their label.
    pub school_holidays: Option<String>,
    /// Public holidays of the week: (date, name).
    pub public_holidays: Vec<(NaiveDate, String)>,
}

/// The visits due that the week cannot hold for want of time (her other visits or her agenda
/// take the hours the families are free), in minutes on site: per référent, in all, and by the
/// half-days those families are free.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CapacityReport {
    /// Minutes on site of those visits.
    pub minutes: i64,
    /// Per référent: (code, minutes), most first.
    pub per_referent: Vec<(String, i64)>,
    /// Per half-day of the week (« mercredi après-midi »): minutes of those visits whose family
    /// is free then, most first. A family free on several half-days counts in each.
    pub half_days: Vec<(String, i64)>,
}

impl CapacityReport {
    /// The report of `plan`'s visits left out for want of time.
    fn of(ctx: &Context<'_>, plan: &WeekPlan) -> CapacityReport {
        use std::collections::BTreeMap;
        let mut per_referent: BTreeMap<String, i64> = BTreeMap::new();
        let mut half_days: BTreeMap<(usize, bool), i64> = BTreeMap::new();
        let mut minutes = 0;
        let short = plan
            .unmet
            .iter()
            .filter(|u| !u.waits && matches!(u.cause, UnmetCause::Capacity | UnmetCause::Agenda));
        for unmet in short {
            minutes += unmet.minutes;
            if let Some(r) = &unmet.referent {
                *per_referent.entry(r.clone()).or_default() += unmet.minutes;
            }
            let Some(family) = (0..ctx.families.len())
                .map(|f| ctx.family(f))
                .find(|f| f.code.as_str() == unmet.family)
            else {
                continue;
            };
            for (d, day) in crate::domain::Weekday::ALL.iter().enumerate() {
                let ranges: Vec<_> = family.availability.on(*day).collect();
                // Morning until 12:30, afternoon from 12:30.
                let morning = ranges.iter().any(|t| t.start().minutes() < 750);
                let afternoon = ranges.iter().any(|t| t.end().minutes() > 750);
                for (half, free) in [(false, morning), (true, afternoon)] {
                    if free {
                        *half_days.entry((d, half)).or_default() += unmet.minutes;
                    }
                }
            }
        }
        let mut per_referent: Vec<(String, i64)> = per_referent.into_iter().collect();
        per_referent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut half_days: Vec<((usize, bool), i64)> = half_days.into_iter().collect();
        half_days.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        CapacityReport {
            minutes,
            per_referent,
            half_days: half_days
                .into_iter()
                .map(|((d, afternoon), m)| {
                    let day = crate::domain::Weekday::ALL[d].french();
                    let half = if afternoon { "après-midi" } else { "matin" };
                    (format!("{day} {half}"), m)
                })
                .collect(),
        }
    }
}

/// A day the plan starts before a référent's hours or ends after them: an agenda entry at the
/// edge of her hours, with the way there or back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutsideHours {
    /// Référent code.
    pub referent: String,
    /// The day.
    pub date: NaiveDate,
    /// When she leaves her base, and when her hours start.
    pub leave: (NaiveDateTime, NaiveDateTime),
    /// When she is back, and when her hours end.
    pub back: (NaiveDateTime, NaiveDateTime),
    /// What makes it so: the stop she leaves early for, the one she comes back late from (an
    /// agenda entry's code, or a family's for a visit fixed at that time).
    pub entries: Vec<String>,
}

impl OutsideHours {
    /// The days of `plan` that start before or end after the référents' hours.
    fn of(ctx: &Context<'_>, frame: &build::Frame, plan: &WeekPlan) -> Vec<OutsideHours> {
        let mut out = Vec::new();
        for (r, week) in plan.referents.iter().enumerate() {
            for day in &week.days {
                let (Some(leave), Some(back)) = (day.leave, day.back) else {
                    continue;
                };
                let d = (day.date - ctx.week.monday()).num_days() as usize;
                let hours = &frame.referents[r].hours[d];
                let (Some(first), Some(last)) = (hours.first(), hours.last()) else {
                    continue;
                };
                let at = |m: i64| {
                    day.date.and_hms_opt(0, 0, 0).expect("BUG: midnight exists")
                        + chrono::Duration::minutes(m)
                };
                let (start, end) = (at(first.start.0), at(last.end.0));
                if leave >= start && back <= end {
                    continue;
                }
                // What she travels to first, or back from last.
                let name = |stop: &Stop| match &stop.kind {
                    StopKind::Fixed { code, label, .. } if code.is_empty() => label.clone(),
                    StopKind::Fixed { code, .. } => code.clone(),
                    StopKind::Visit { family } => format!("la visite {family}"),
                };
                let mut entries = Vec::new();
                if leave < start
                    && let Some(first) = day.stops.first()
                {
                    entries.push(name(first));
                }
                if back > end
                    && let Some(last) = day.stops.last()
                    && !(leave < start && day.stops.len() == 1)
                {
                    entries.push(name(last));
                }
                out.push(OutsideHours {
                    referent: week.code.clone(),
                    date: day.date,
                    leave: (leave, start),
                    back: (back, end),
                    entries,
                });
            }
        }
        out
    }
}

/// Progress of a plan, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanProgress {
    /// What is being solved: `"affectation"`, `"tournées"`, `"pratique actuelle"`.
    pub stage: &'static str,
    /// Référents done in this stage.
    pub done: usize,
    /// Référents in all.
    pub total: usize,
    /// Travel minutes of the référents done.
    pub travel_minutes: i64,
    /// Visits of the référents done left unplaced.
    pub unmet: usize,
}

/// Plans `options.week` for `territory`.
///
/// # Errors
/// [`PlanError::Data`] naming the record and field when the territory cannot be planned as it
/// is (a day crossing a DST gap, an unknown site), or on field `semaine` when the territory's
/// imported calendar does not cover the week ([`Holidays::check_week`]); [`PlanError::Solver`]
/// for a solver failure.
pub fn plan_week(
    territory: &Territory,
    options: &PlanOptions,
    progress: &mut dyn FnMut(PlanProgress),
) -> Result<WeekOutcome, PlanError> {
    let started = Instant::now();
    let ctx = Context::new(territory, options.week, &options.travel)?;
    let holidays = Holidays::of(territory);
    // Planning on a day whose holidays are unknown could put a visit on one.
    if !(1..=MAX_WEEKS).contains(&options.weeks) {
        return Err(PlanError::data(
            options.week,
            "semaines",
            format!(
                "{} : entre 1 et {MAX_WEEKS} semaines à planifier",
                options.weeks
            ),
        ));
    }
    let mut week = options.week;
    for _ in 0..options.weeks {
        holidays
            .check_week(week)
            .map_err(|message| PlanError::data(week, "semaine", message))?;
        week = week.next();
    }
    let nf = ctx.families.len();
    let current: Vec<Option<usize>> = (0..nf).map(|f| ctx.current(f)).collect();
    let frame = build::frame(&ctx, &holidays, &options.absences, 1)?;
    let meta = &frame.meta;
    let agenda = build::week_agenda(&ctx, meta, 1)?;
    // A plan over several weeks: the rota of Parcours' plan sees them all.
    let over_weeks = match options.weeks {
        1 => None,
        weeks => {
            let frame = build::frame(&ctx, &holidays, &options.absences, weeks)?;
            let agenda = build::week_agenda(&ctx, &frame.meta, weeks)?;
            Some((frame, agenda))
        }
    };
    let (plan_frame, plan_agenda) = over_weeks
        .as_ref()
        .map_or((&frame, &agenda), |(f, a)| (f, a));

    // Assignment: solved, or kept from the plan being re-planned.
    progress(PlanProgress {
        stage: "affectation",
        done: 0,
        total: ctx.referents.len(),
        travel_minutes: 0,
        unmet: 0,
    });
    let assign_started = Instant::now();
    let problem = build::assignment_problem(&ctx, options.sectors, &|f| {
        agenda.fixed_visits.contains_key(&f)
    })?;
    // The assignment's report, and why each family it leaves without a référent is so.
    let (assignment, report, unassigned_why) = match &options.previous {
        Some(previous) => {
            let kept: Vec<Option<usize>> = (0..nf)
                .map(|f| {
                    let code = ctx.family(f).code.as_str();
                    previous
                        .assignment
                        .iter()
                        .find(|(family, _)| family == code)
                        .and_then(|(_, r)| {
                            (0..ctx.referents.len()).find(|&i| ctx.referent(i).code.as_str() == r)
                        })
                })
                .collect();
            let solution =
                assign::evaluate(&problem, kept.clone(), f64::INFINITY, StopReason::Optimal);
            let mut report = assignment_report(&ctx, &problem, &solution, assign_started);
            report.stop = "kept".into();
            report.gap_percent = None;
            (kept, report, solution.unmet)
        }
        None => {
            let mut limits = Limits::new(options.assign_time);
            limits.cancel = options.cancel.clone();
            let params = Params::new(options.seed, limits);
            let solution = assign::solve(&problem, &params);
            let report = assignment_report(&ctx, &problem, &solution, assign_started);
            (solution.assignment, report, solution.unmet)
        }
    };

    // Called off this week: now, or in the plan being re-planned.
    let mut cancelled: Vec<String> = options.excluded.clone();
    if let Some(previous) = &options.previous {
        cancelled.extend(previous.cancelled.iter().cloned());
    }
    cancelled.sort();
    cancelled.dedup();
    // Due by frequency, fixed in the agenda, or already in the plan being re-planned (a visit
    // reported done moves the family's last visit to this week: it stays where it is).
    let in_previous = |f: usize| {
        options
            .previous
            .as_ref()
            .is_some_and(|p| p.visit_of(ctx.family(f).code.as_str()).is_some())
    };
    // A re-plan that holds still (not a visit report's): a visit of the plan re-planned that is
    // no longer due by frequency stays only when it was made this week (reported done).
    let still = options.previous.is_some() && options.touched.is_none();
    let done_this_week = |f: usize| {
        ctx.family(f)
            .last_visit
            .is_some_and(|d| options.week.contains(d))
    };
    let mut due: Vec<DueVisit> = (0..nf)
        .filter(|&f| !cancelled.iter().any(|c| c == ctx.family(f).code.as_str()))
        .filter_map(|f| {
            build::due(&ctx, f, options.tolerance).or_else(|| {
                let kept = in_previous(f) && (!still || done_this_week(f));
                let fixed =
                    agenda.fixed_visits.contains_key(&f) || agenda.fixed_off.contains_key(&f);
                (fixed || kept).then(|| DueVisit::held(f, options.week))
            })
        })
        .collect();
    let referent_code = |f: usize| assignment[f].map(|r| ctx.referent(r).code.to_string());
    // A visit fixed in the agenda, or confirmed in the plan re-planned, on a day its référent
    // no longer works (an absence) is reported, not moved: the family was given that time.
    let mut carried: Vec<UnmetVisit> = Vec::new();
    due.retain(|d| {
        let f = d.family;
        let reason = match agenda.fixed_off.get(&f) {
            Some(reason) => reason.clone(),
            None => match confirmed_off(&ctx, options, meta, f) {
                Some(reason) if still => reason,
                _ => return true,
            },
        };
        carried.push(UnmetVisit {
            family: ctx.family(f).code.to_string(),
            referent: referent_code(f),
            reason,
            cause: UnmetCause::Referent,
            ..unmet_details(&ctx, options, d)
        });
        false
    });
    // A report's re-plan leaves the other référents' unplaced visits as they were.
    if let Some((touched, _)) = &options.touched {
        due.retain(|d| {
            let theirs = assignment[d.family]
                .is_some_and(|r| ctx.referent(r).code.as_str() == touched.as_str());
            if theirs || in_previous(d.family) {
                return true;
            }
            let code = ctx.family(d.family).code.as_str();
            carried.push(
                options
                    .previous
                    .as_ref()
                    .and_then(|p| p.unmet.iter().find(|u| u.family == code))
                    .cloned()
                    .unwrap_or_else(|| UnmetVisit {
                        family: code.to_owned(),
                        referent: assignment[d.family].map(|r| ctx.referent(r).code.to_string()),
                        reason: "pas replanifiée : seules les journées signalées ont été revues"
                            .to_owned(),
                        ..unmet_details(&ctx, options, d)
                    }),
            );
            false
        });
    }
    let open_dates = options.touched.as_ref().map(|(_, dates)| dates.as_slice());

    // What a re-plan keeps.
    let keeps = |f: usize| keep_of(&ctx, options, &agenda, &assignment, f);
    let rota_params = |seed| {
        let work = options
            .rota_work
            .unwrap_or(options.rota_time / ROTA_WORK_SHARE);
        let mut limits = Limits::new(options.rota_time).with_work_time(work);
        limits.cancel = options.cancel.clone();
        let limits = match options.iterations {
            Some(i) => limits.with_iterations(i),
            None => limits,
        };
        Params::new(seed, limits)
    };

    let (plan, rota_stop, agenda_unplaced) = {
        let (mut visits, unassigned) = split_due(&due, &assignment);
        if let (true, Some(previous)) = (still, &options.previous) {
            // Who has nothing changed: her unplaced visits stay so, with their reason, rather
            // than take a gap a new search might find (a re-plan on unchanged data changes
            // nothing).
            let problem = build::rota_problem(
                &ctx,
                &frame,
                &assignment,
                &visits,
                &agenda,
                &keeps,
                open_dates,
            )?;
            let changed = changed_referents(
                &ctx,
                previous,
                meta,
                &agenda,
                &visits,
                &assignment,
                &problem,
            );
            visits.retain(|d| {
                let r = assignment[d.family].expect("BUG: only assigned families are due");
                let code = ctx.family(d.family).code.as_str();
                let before = previous.unmet.iter().find(|u| {
                    u.family == code && u.referent.as_deref() == Some(ctx.referent(r).code.as_str())
                });
                match before {
                    Some(unmet) if !changed[r] => {
                        carried.push(unmet.clone());
                        false
                    }
                    _ => true,
                }
            });
        }
        // The next visits of each family in the later weeks of a plan over several weeks.
        if options.weeks > 1 {
            let later = build::later_visits(
                &ctx,
                &visits,
                options.weeks,
                options.tolerance,
                &plan_agenda.fixed_later,
            );
            visits.extend(later);
        }
        let problem = build::rota_problem(
            &ctx,
            plan_frame,
            &assignment,
            &visits,
            plan_agenda,
            &keeps,
            open_dates,
        )?;
        let solution = solve_rota(&problem, &rota_params(options.seed), "tournées", progress);
        let mut agenda_unplaced = agenda.ignored.clone();
        agenda_unplaced.extend(solution.unmet.iter().filter_map(|&(item, reason)| {
            let e = Engagement::of(&ctx, problem.offs(), problem.days(), plan_agenda, item)?;
            let date = plan_frame.meta[e.day].date;
            if !options.week.contains(date) {
                return None;
            }
            let what = match e.entry {
                Some(i) => ctx.territory.agenda[i].code.to_string(),
                None => format!("{} {} (hors horaires)", ctx.referent(e.referent).code, date),
            };
            Some((what, reason.to_string()))
        }));
        agenda_unplaced.sort();
        let unassigned_reason = |f: usize| {
            let cause = unassigned_why
                .iter()
                .find(|&&(g, _)| g == f)
                .map_or(UnmetCause::Assignment, |&(_, why)| UnmetCause::of(why));
            let reason = report
                .unassigned
                .iter()
                .find(|(code, _)| code == ctx.family(f).code.as_str())
                .map_or_else(|| "aucun référent".to_owned(), |(_, r)| r.clone());
            (cause, reason)
        };
        let mut plan = to_plan(
            &ctx,
            &problem,
            PlanMethod::Optimised,
            &assignment,
            &plan_frame.meta,
            &visits,
            plan_agenda,
            &solution,
            &unassigned,
            &unassigned_reason,
            options,
        );
        plan.unmet.extend(carried);
        plan.unmet.sort_by(|a, b| a.family.cmp(&b.family));
        plan.cancelled = cancelled;
        (plan, solution.stop.key().to_owned(), agenda_unplaced)
    };
    let changes = options
        .previous
        .as_ref()
        .map(|p| changes::changes(p, &plan));

    let plan_seconds = started.elapsed().as_secs_f64();
    let (baseline, current_routed, same_visits) = if options.compare_baseline {
        'compare: {
            // Today's practice knows no tolerance: the visits due by the Sunday, any day.
            let today: Vec<DueVisit> = due
                .iter()
                .filter_map(|d| d.as_today(options.week))
                .collect();
            let (visits, unassigned) = split_due(&today, &current);
            let no_keep = |_f: usize| rota::Keep::Free;
            let problem =
                build::rota_problem(&ctx, &frame, &current, &visits, &agenda, &no_keep, None)?;
            let none_today = |_f: usize| {
                (
                    UnmetCause::Assignment,
                    "pas de référent aujourd'hui".to_owned(),
                )
            };
            let first_fit = rota::baseline::solve(&problem);
            let baseline = to_plan(
                &ctx,
                &problem,
                PlanMethod::Baseline,
                &current,
                meta,
                &visits,
                &agenda,
                &first_fit,
                &unassigned,
                &none_today,
                options,
            );
            if options.baseline_only {
                break 'compare (Some(baseline), None, None);
            }
            let routed = solve_rota(
                &problem,
                &rota_params(options.seed),
                "pratique actuelle, tournées optimisées",
                progress,
            );
            let current_routed = to_plan(
                &ctx,
                &problem,
                PlanMethod::Optimised,
                &current,
                meta,
                &visits,
                &agenda,
                &routed,
                &unassigned,
                &none_today,
                options,
            );
            // The same work as today's practice: the families it visits, with Parcours'
            // assignment and routes.
            let placed: std::collections::BTreeSet<usize> = first_fit
                .days
                .iter()
                .flat_map(|d| {
                    d.items.iter().filter_map(|item| match *item {
                        rota::Item::Visit(v) => visits.get(v).map(|d| d.family),
                        _ => None,
                    })
                })
                .collect();
            let same_due: Vec<DueVisit> = due
                .iter()
                .filter(|d| placed.contains(&d.family) && assignment[d.family].is_some())
                .copied()
                .collect();
            let problem = build::rota_problem(
                &ctx,
                &frame,
                &assignment,
                &same_due,
                &agenda,
                &no_keep,
                None,
            )?;
            let same = solve_rota(
                &problem,
                &rota_params(options.seed),
                "Parcours à visites égales",
                progress,
            );
            let same_visits = to_plan(
                &ctx,
                &problem,
                PlanMethod::Optimised,
                &assignment,
                meta,
                &same_due,
                &agenda,
                &same,
                &[],
                &none_today,
                options,
            );
            (Some(baseline), Some(current_routed), Some(same_visits))
        }
    } else {
        (None, None, None)
    };

    let school_holidays = options
        .week
        .dates()
        .take(5)
        .find_map(|d| holidays.school_holiday(d))
        .map(str::to_owned);
    let public_holidays = options
        .week
        .dates()
        .filter_map(|d| holidays.public_holiday(d).map(|n| (d, n.to_owned())))
        .collect();
    let capacity = CapacityReport::of(&ctx, &plan);
    let outside_hours = OutsideHours::of(&ctx, &frame, &plan);
    Ok(WeekOutcome {
        capacity,
        outside_hours,
        plan,
        assignment: report,
        baseline,
        current_routed,
        same_visits,
        changes,
        agenda_unplaced,
        rota_stop,
        seconds: started.elapsed().as_secs_f64(),
        plan_seconds,
        school_holidays,
        public_holidays,
    })
}

/// Solves `problem`, reporting progress as `stage`.
fn solve_rota(
    problem: &rota::Problem<'_>,
    params: &Params<'_>,
    stage: &'static str,
    progress: &mut dyn FnMut(PlanProgress),
) -> rota::Solution {
    let progress = std::cell::RefCell::new(progress);
    let listener = |p: parcours_solver::limits::Progress| {
        (progress.borrow_mut())(PlanProgress {
            stage,
            done: p.done,
            total: p.total,
            travel_minutes: p.travel_minutes.0,
            unmet: p.unmet,
        });
    };
    rota::solve(problem, &params.clone().with_progress(&listener))
}

/// The due visits of assigned families, and the due families without a référent.
fn split_due(due: &[DueVisit], assignment: &[Option<usize>]) -> (Vec<DueVisit>, Vec<DueVisit>) {
    due.iter().partition(|d| assignment[d.family].is_some())
}

/// What a re-plan keeps of family `f`'s visit: its exact time when confirmed (or listed in
/// `keep_exact`); a visit fixed in the agenda and not confirmed is the agenda's
/// (`build::rota_problem`); any other visit stays exactly where it is while its place holds ([`rota::Keep::Still`]), or, in
/// a visit report's re-plan, on its day (the rota frees it when something could not be placed
/// otherwise, or she no longer works that day).
fn keep_of(
    ctx: &Context<'_>,
    options: &PlanOptions,
    agenda: &WeekAgenda,
    assignment: &[Option<usize>],
    f: usize,
) -> rota::Keep {
    let Some(previous) = &options.previous else {
        return rota::Keep::Free;
    };
    let code = ctx.family(f).code.as_str();
    let Some((her, day, stop)) = previous.visit_of(code) else {
        return rota::Keep::Free;
    };
    let Some(d) = ctx.week.dates().position(|date| date == day.date) else {
        return rota::Keep::Free;
    };
    let start = parcours_solver::units::Minutes((stop.start - local(ctx, 0)).num_minutes());
    let exact = options.keep_exact.iter().any(|c| c == code);
    if exact {
        return rota::Keep::Exact { start };
    }
    // Confirmed (a visit fixed in the agenda, reported done, or moved by its référent: that
    // time wins over the agenda's).
    if stop.confirmed {
        return rota::Keep::Exact { start };
    }
    // Fixed in the agenda, not yet planned at its time: the agenda's (`build::rota_problem`).
    if agenda
        .fixed_visits
        .get(&f)
        .is_some_and(|v| Some(v.referent) == assignment[f])
    {
        return rota::Keep::Free;
    }
    if options.touched.is_some() {
        return rota::Keep::Day(d);
    }
    let same_referent = assignment[f].is_some_and(|r| ctx.referent(r).code.as_str() == her.code);
    if same_referent {
        rota::Keep::Still { start }
    } else {
        rota::Keep::Free
    }
}

/// When family `f`'s visit is confirmed in the plan re-planned on a day its référent no longer
/// works (an absence since): why it is not placed (French).
fn confirmed_off(
    ctx: &Context<'_>,
    options: &PlanOptions,
    meta: &[WorkDay],
    f: usize,
) -> Option<String> {
    let previous = options.previous.as_ref()?;
    let (her, day, stop) = previous.visit_of(ctx.family(f).code.as_str())?;
    if !stop.confirmed {
        return None;
    }
    let works = meta
        .iter()
        .any(|w| w.date == day.date && ctx.referent(w.referent).code.as_str() == her.code);
    (!works).then(|| {
        format!(
            "visite confirmée {} : {} ne travaille plus ce jour-là (absence) ; à reprogrammer \
             avec la famille, elle n'a pas été déplacée",
            when(stop.start),
            her.code
        )
    })
}

/// Per référent (index): whether her week changed since `previous`, so that a re-plan may
/// place her unplaced visits again: a visit of hers no longer holds where it was
/// ([`rota::Problem::freed`]), her working days changed (an absence added or lifted), a visit
/// of hers is newly due (neither placed nor unplaced in `previous`), or one `previous` placed
/// is gone (its time is free).
#[allow(clippy::too_many_arguments)]
fn changed_referents(
    ctx: &Context<'_>,
    previous: &WeekPlan,
    meta: &[WorkDay],
    agenda: &WeekAgenda,
    visits: &[DueVisit],
    assignment: &[Option<usize>],
    problem: &rota::Problem<'_>,
) -> Vec<bool> {
    let nr = ctx.referents.len();
    let mut changed = vec![false; nr];
    let of = |v: &DueVisit| assignment[v.family].expect("BUG: only assigned families are due");
    for &v in problem.freed() {
        changed[of(&visits[v])] = true;
    }
    for (r, changed) in changed.iter_mut().enumerate() {
        let code = ctx.referent(r).code.as_str();
        let days: Vec<NaiveDate> = meta
            .iter()
            .filter(|w| w.referent == r)
            .map(|w| w.date)
            .collect();
        let before = previous.referents.iter().find(|w| w.code == code);
        let days_before: Vec<NaiveDate> = before
            .map(|w| w.days.iter().map(|d| d.date).collect())
            .unwrap_or_default();
        let mine = |family: &str| {
            visits
                .iter()
                .any(|v| of(v) == r && ctx.family(v.family).code.as_str() == family)
        };
        let gone = before.is_some_and(|w| {
            w.days
                .iter()
                .flat_map(|d| &d.stops)
                .any(|s| matches!(&s.kind, StopKind::Visit { family } if !mine(family)))
        });
        // Her agenda of the week: an entry moved, added or taken out frees or takes time.
        let mut entries_before: Vec<(&str, NaiveDateTime, NaiveDateTime)> = before
            .map(|w| {
                w.days
                    .iter()
                    .flat_map(|d| &d.stops)
                    .filter_map(|s| match &s.kind {
                        StopKind::Fixed { code, .. } if !code.is_empty() => {
                            Some((code.as_str(), s.start, s.end))
                        }
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut entries: Vec<(&str, NaiveDateTime, NaiveDateTime)> = agenda
            .appointments
            .iter()
            .filter(|(_, a)| a.referent == r && !a.is_visit)
            .map(|(i, a)| {
                (
                    ctx.territory.agenda[*i].code.as_str(),
                    local(ctx, a.start.0),
                    local(ctx, a.start.0 + a.duration.0),
                )
            })
            .collect();
        entries_before.sort();
        entries.sort();
        if days != days_before || gone || entries != entries_before {
            *changed = true;
        }
    }
    for v in visits {
        let code = ctx.family(v.family).code.as_str();
        let r = of(v);
        let placed = previous
            .visit_of(code)
            .is_some_and(|(w, _, _)| w.code == ctx.referent(r).code.as_str());
        let unplaced = previous.unmet.iter().any(|u| {
            u.family == code && u.referent.as_deref() == Some(ctx.referent(r).code.as_str())
        });
        if !placed && !unplaced {
            changed[r] = true;
        }
    }
    changed
}

/// « le jeudi 03/12 à 14:00 »
fn when(t: NaiveDateTime) -> String {
    format!(
        "le {} {} à {}",
        crate::domain::Weekday::from_chrono(chrono::Datelike::weekday(&t.date())).french(),
        t.format("%d/%m"),
        t.format("%H:%M")
    )
}

fn assignment_report(
    ctx: &Context<'_>,
    problem: &assign::Problem,
    solution: &assign::Solution,
    started: Instant,
) -> AssignmentReport {
    let code_f = |f: usize| ctx.family(f).code.to_string();
    let code_r = |r: usize| ctx.referent(r).code.to_string();
    AssignmentReport {
        costs: solution
            .costs
            .iter()
            .map(|c| {
                let rule = c.rule;
                (
                    rule.key().to_owned(),
                    rule.to_string(),
                    (c.cost.0 + 50) / 100,
                )
            })
            .collect(),
        moves: solution
            .moves
            .iter()
            .map(|m| Reassignment {
                family: code_f(m.family),
                from: code_r(m.from),
                to: code_r(m.to),
                reason: m.reason.to_string(),
            })
            .collect(),
        unassigned: solution
            .unmet
            .iter()
            .map(|&(f, reason)| (code_f(f), build::unassigned_detail(ctx, problem, f, reason)))
            .collect(),
        outside_sector: solution
            .outside_sector
            .iter()
            .filter_map(|&f| Some((f, solution.assignment[f]?)))
            .map(|(f, r)| OutsideSector {
                family: code_f(f),
                referent: code_r(r),
                why: build::outside_sector_why(problem, r, f).to_owned(),
            })
            .collect(),
        loads: solution
            .loads
            .iter()
            .enumerate()
            .map(|(r, load)| ReferentLoad {
                referent: code_r(r),
                families: load.families,
                max_caseload: ctx.referent(r).max_caseload,
                monthly_hours: (load.minutes + 30) / 60,
                percent_of_working_time: (load.permille + 5) / 10,
            })
            .collect(),
        gap_percent: solution
            .stats
            .gap
            .is_finite()
            .then_some(solution.stats.gap * 100.0),
        stop: solution.stop.key().to_owned(),
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Local date-time of `minutes` from the week's Monday 00:00.
fn local(ctx: &Context<'_>, minutes: i64) -> NaiveDateTime {
    ctx.week
        .monday()
        .and_hms_opt(0, 0, 0)
        .expect("BUG: midnight exists")
        + chrono::Duration::minutes(minutes)
}

#[allow(clippy::too_many_arguments)]
fn to_plan(
    ctx: &Context<'_>,
    problem: &rota::Problem<'_>,
    kind: PlanMethod,
    assignment: &[Option<usize>],
    meta: &[WorkDay],
    visits: &[DueVisit],
    agenda: &WeekAgenda,
    solution: &rota::Solution,
    unassigned: &[DueVisit],
    unassigned_reason: &dyn Fn(usize) -> (UnmetCause, String),
    options: &PlanOptions,
) -> WeekPlan {
    let mut referents = Vec::new();
    for r in 0..ctx.referents.len() {
        let referent = ctx.referent(r);
        let travel = ctx.travel(r);
        let mut days = Vec::new();
        let mut working_minutes = 0;
        for (d, work) in meta
            .iter()
            .enumerate()
            .filter(|(_, w)| w.referent == r && options.week.contains(w.date))
        {
            let day = &solution.days[d];
            let mut stops = Vec::new();
            let mut at = ctx.base[r];
            for (&item, &start) in day.items.iter().zip(&day.starts) {
                let stop = match item {
                    rota::Item::Visit(v) => {
                        visit_stop(ctx, agenda, r, visits[v].family, start.0, options)
                    }
                    _ => {
                        let e = Engagement::of(ctx, problem.offs(), problem.days(), agenda, item)
                            .expect("BUG: an item that is not a visit is an engagement");
                        engagement_stop(ctx, &e)
                    }
                };
                let to = stop.1;
                let leg = travel.leg(at, to);
                stops.push(Stop {
                    travel_minutes: leg.minutes.0,
                    travel_meters: leg.meters.0,
                    ..stop.0
                });
                at = to;
            }
            let back = travel.leg(at, ctx.base[r]);
            let used = !stops.is_empty();
            days.push(DayRoute {
                date: work.date,
                leave: used.then(|| local(ctx, day.leave.0)),
                back: used.then(|| local(ctx, day.back.0)),
                lunch: day
                    .lunch
                    .filter(|_| used)
                    .zip(referent.lunch)
                    .map(|(l, b)| (local(ctx, l.0), i64::from(b.minutes))),
                stops,
                return_minutes: if used { back.minutes.0 } else { 0 },
                return_meters: if used { back.meters.0 } else { 0 },
            });
        }
        for day in &days {
            let weekday = crate::domain::Weekday::from_chrono(chrono::Datelike::weekday(&day.date));
            let on: i64 = referent
                .working_hours
                .on(weekday)
                .map(|r| i64::from(r.minutes()))
                .sum();
            working_minutes += on - referent.lunch.map_or(0, |l| i64::from(l.minutes));
        }
        referents.push(ReferentWeek {
            code: referent.code.to_string(),
            name: referent.name.clone(),
            travel_mode: referent.travel_mode.key().to_owned(),
            base: ctx.points[ctx.base[r].index()],
            working_minutes,
            days,
        });
    }
    let mut unmet: Vec<UnmetVisit> = solution
        .unmet
        .iter()
        .filter_map(|&(item, reason)| match item {
            rota::Item::Visit(v) if !visits[v].is_later() => Some((v, reason)),
            _ => None,
        })
        .map(|(v, reason)| {
            let due = &visits[v];
            let f = due.family;
            UnmetVisit {
                family: ctx.family(f).code.to_string(),
                referent: assignment[f].map(|r| ctx.referent(r).code.to_string()),
                reason: reason.to_string(),
                cause: UnmetCause::of(reason),
                waits: due.can_wait(options.week),
                ..unmet_details(ctx, options, due)
            }
        })
        .collect();
    // A plan over several weeks: the week's visits it places in a later week, inside their
    // tolerance, wait for it.
    for (d, day) in solution.days.iter().enumerate() {
        if options.week.contains(meta[d].date) {
            continue;
        }
        for (&item, &start) in day.items.iter().zip(&day.starts) {
            let rota::Item::Visit(v) = item else { continue };
            let due = &visits[v];
            if due.is_later() {
                continue;
            }
            let f = due.family;
            let at = local(ctx, start.0);
            unmet.push(UnmetVisit {
                family: ctx.family(f).code.to_string(),
                referent: assignment[f].map(|r| ctx.referent(r).code.to_string()),
                reason: format!(
                    "prévue {} (plan sur {} semaines), dans sa tolérance",
                    when(at),
                    options.weeks
                ),
                cause: UnmetCause::Later,
                waits: true,
                later: Some(at.date()),
                ..unmet_details(ctx, options, due)
            });
        }
    }
    unmet.extend(unassigned.iter().map(|due| {
        let (cause, reason) = unassigned_reason(due.family);
        UnmetVisit {
            family: ctx.family(due.family).code.to_string(),
            referent: None,
            reason,
            cause,
            ..unmet_details(ctx, options, due)
        }
    }));
    unmet.sort_by(|a, b| a.family.cmp(&b.family));
    let assignment = (0..ctx.families.len())
        .filter_map(|f| {
            assignment[f].map(|r| {
                (
                    ctx.family(f).code.to_string(),
                    ctx.referent(r).code.to_string(),
                )
            })
        })
        .collect();
    WeekPlan {
        week: options.week,
        method: kind,
        referents,
        unmet,
        assignment,
        cancelled: Vec::new(),
    }
}

/// When an unmet visit was due, how late it is on the Monday and how long it takes.
fn unmet_details(ctx: &Context<'_>, options: &PlanOptions, due: &DueVisit) -> UnmetVisit {
    let family = ctx.family(due.family);
    UnmetVisit {
        due: family.last_visit.is_some().then_some(due.due),
        late_days: due.late_on(options.week.monday()),
        minutes: i64::from(family.visit_minutes),
        ..UnmetVisit::default()
    }
}

/// The stop of family `f`'s visit by référent `r` starting at `start` (travel filled in by the
/// caller), and where it is.
fn visit_stop(
    ctx: &Context<'_>,
    agenda: &WeekAgenda,
    r: usize,
    f: usize,
    start: i64,
    options: &PlanOptions,
) -> (Stop, parcours_solver::ids::LocationIdx) {
    let t = ctx.territory;
    let family = ctx.family(f);
    let to = ctx.meeting[f];
    let place = match &family.meeting_place {
        MeetingPlace::Home => PlaceKind::Home,
        MeetingPlace::Site(code) => site_place(t, code),
    };
    // Fixed in the agenda (for as long as the entry says), or confirmed in the plan being
    // re-planned: kept by a re-plan.
    let fixed = agenda.fixed_visits.get(&f).filter(|v| v.referent == r);
    let minutes = fixed.map_or(i64::from(family.visit_minutes), |v| v.minutes);
    let confirmed = fixed.is_some_and(|v| v.start == start)
        || options
            .previous
            .as_ref()
            .and_then(|p| p.visit_of(family.code.as_str()))
            .is_some_and(|(_, _, s)| s.confirmed);
    let stop = Stop {
        id: format!("visite-{}-{}", options.week, family.code),
        kind: StopKind::Visit {
            family: family.code.to_string(),
        },
        start: local(ctx, start),
        end: local(ctx, start + minutes),
        commune: family.commune.to_string(),
        commune_name: commune_name(t, &family.commune),
        place,
        point: ctx.points[to.index()],
        travel_minutes: 0,
        travel_meters: 0,
        confirmed,
    };
    (stop, to)
}

/// The stop of an engagement (travel filled in by the caller), and where it is.
fn engagement_stop(ctx: &Context<'_>, e: &Engagement) -> (Stop, parcours_solver::ids::LocationIdx) {
    use crate::domain::AgendaKind;
    let t = ctx.territory;
    let referent = ctx.referent(e.referent);
    let entry = e.entry.map(|i| &t.agenda[i]);
    let (place, commune) = match entry.and_then(|entry| entry.site.as_ref()) {
        Some(code) => (
            site_place(t, code),
            t.sites
                .iter()
                .find(|s| &s.code == code)
                .map_or_else(|| referent.commune.clone(), |s| s.commune.clone()),
        ),
        None => (PlaceKind::Base, referent.commune.clone()),
    };
    let apart = entry.is_some_and(|entry| entry.from_plan);
    let (label, code, private) = match entry {
        Some(entry) => (
            match entry.kind {
                AgendaKind::TeamMeeting => "Réunion d'équipe",
                AgendaKind::Eps => "Réunion EPS",
                AgendaKind::Workshop => "Séance d'atelier",
                AgendaKind::Training => "Formation",
                AgendaKind::Personal => "Indisponible",
                AgendaKind::Visit => "Visite fixée",
            },
            entry.code.to_string(),
            entry.kind == AgendaKind::Personal,
        ),
        None => ("Hors horaires", String::new(), true),
    };
    let stop = Stop {
        id: if code.is_empty() {
            format!("pause-{}-{}-{}", ctx.week, referent.code, e.start)
        } else if apart {
            // A meeting of a published plan is one entry per référent attending.
            format!("agenda-{code}-{}", referent.code)
        } else {
            format!("agenda-{code}")
        },
        kind: StopKind::Fixed {
            label: label.to_owned(),
            code,
            private,
            published_apart: apart,
        },
        start: local(ctx, e.start),
        end: local(ctx, e.start + e.minutes),
        commune_name: commune_name(t, &commune),
        commune: commune.to_string(),
        place,
        point: ctx.points[e.location.index()],
        travel_minutes: 0,
        travel_meters: 0,
        confirmed: true,
    };
    (stop, e.location)
}

fn commune_name(t: &Territory, code: &Code) -> String {
    t.communes
        .iter()
        .find(|c| &c.insee == code)
        .map_or_else(|| code.to_string(), |c| c.name.clone())
}

fn site_place(t: &Territory, code: &Code) -> PlaceKind {
    PlaceKind::Site {
        code: code.to_string(),
        kind: t
            .sites
            .iter()
            .find(|s| &s.code == code)
            .map_or_else(|| "lieu neutre".to_owned(), |s| site_label(s.kind)),
    }
}

fn site_label(kind: crate::domain::SiteKind) -> String {
    use crate::domain::SiteKind;
    match kind {
        SiteKind::SocialCentre => "centre social",
        SiteKind::Library => "médiathèque",
        SiteKind::SchoolRoom => "salle d'école",
        SiteKind::TownHall => "mairie",
        SiteKind::Other => "lieu neutre",
    }
    .to_owned()
}
