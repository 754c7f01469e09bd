//! Several weeks simulated from a start week, for Parcours and for today's practice (issue 15):
//! what the demo shows and `parcours-dev bench horizon` measures. Each week is planned; the
//! visits it places are taken as done (the family's last visit moves to that day, and Parcours'
//! assignment becomes the current one); then the next week is planned from there. The figures
//! say, per method, how many visits came within their tolerance, which families went unseen
//! for more than twice their interval, the longest gap, the drive per visit and in all, and the
//! time of each week's plan. Nothing is stored.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{Code, Territory};
use crate::planning::{IsoWeek, PlanOptions, StopKind, UnmetCause, WeekPlan, plan_week};

/// Which plan a simulation follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Parcours: optimised assignment and routes.
    Parcours,
    /// Today's practice: current assignment, each référent first fit in family-code order.
    Today,
}

impl Method {
    /// English label, for the benchmark's table.
    pub fn label(self) -> &'static str {
        match self {
            Method::Parcours => "Parcours",
            Method::Today => "today's practice",
        }
    }
}

/// What one method did over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HorizonRun {
    /// Scale, in reference territories.
    pub scale: usize,
    /// The method.
    pub method: Method,
    /// Weeks simulated.
    pub weeks: usize,
    /// Weeks each of the method's plans looks at (`plan --weeks`; 1 for today's practice).
    pub plan_weeks: usize,
    /// Families.
    pub families: usize,
    /// Visits made.
    pub visits: usize,
    /// Visits that fell due over the horizon (their tolerance ended by its last Sunday).
    pub due: usize,
    /// Of those, made within their tolerance.
    pub on_time: usize,
    /// Families unseen for more than twice their interval at some point of the horizon.
    pub unseen_twice: usize,
    /// Of those, families no référent can visit at all (the family's or the site's hours meet
    /// nobody's).
    pub unseen_twice_unvisitable: usize,
    /// Of the others, families no référent may follow (language, sector, caseload: the
    /// assignment leaves them without one).
    pub unseen_twice_unfollowed: usize,
    /// Of the others still, families left out for want of time at the hours they are free (her
    /// week or her agenda full, as the capacity report counts them) in some week they were due.
    pub unseen_twice_short: usize,
    /// Longest gap between two visits of a family (or from the last visit before the horizon,
    /// or until its end), days.
    pub longest_gap_days: i64,
    /// Drive minutes over the horizon.
    pub drive_minutes: i64,
    /// Seconds of each week's plan (Parcours: assignment and rota; today's practice: the same
    /// run, which also plans Parcours' week), sorted.
    pub week_seconds: Vec<f64>,
    /// Why the rota stopped, per week (Parcours).
    pub rota_stops: Vec<String>,
}

impl HorizonRun {
    /// Share of the visits due made within their tolerance, percent.
    pub fn on_time_percent(&self) -> f64 {
        if self.due == 0 {
            100.0
        } else {
            100.0 * self.on_time as f64 / self.due as f64
        }
    }

    /// Drive minutes per visit made.
    pub fn minutes_per_visit(&self) -> f64 {
        if self.visits == 0 {
            0.0
        } else {
            self.drive_minutes as f64 / self.visits as f64
        }
    }

    /// Median seconds of a week's plan.
    pub fn median_seconds(&self) -> f64 {
        self.week_seconds
            .get(self.week_seconds.len() / 2)
            .copied()
            .unwrap_or(0.0)
    }

    /// Longest week's plan, seconds.
    pub fn max_seconds(&self) -> f64 {
        self.week_seconds.last().copied().unwrap_or(0.0)
    }
}

/// One family's visits over the horizon, against its rhythm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Record {
    /// Visits due: each visit made is one, and each further interval that passed without a
    /// visit, past its tolerance, is one more (missed).
    due: usize,
    /// Visits made within the tolerance of their due date (the previous visit + the interval).
    on_time: usize,
    /// Longest stretch without a visit, days (from `before`, and until `end`).
    longest_gap: i64,
}

impl Record {
    /// The record of visits made on `visits` (sorted) after one on `before`, until `end`, for
    /// an interval and a tolerance in days.
    fn of(
        before: NaiveDate,
        visits: &[NaiveDate],
        end: NaiveDate,
        interval: i64,
        tol: i64,
    ) -> Record {
        let mut record = Record {
            due: 0,
            on_time: 0,
            longest_gap: 0,
        };
        let mut from = before;
        for (i, &v) in visits.iter().chain(std::iter::once(&end)).enumerate() {
            let days = (v - from).num_days();
            record.longest_gap = record.longest_gap.max(days);
            let made = i < visits.len();
            if made {
                record.due += 1;
                record.on_time += usize::from((days - interval).abs() <= tol);
            }
            // Due dates at k intervals whose tolerance closed with no visit: k ≥ 2 before a
            // visit (the first one it made, late or not), k ≥ 1 until the end.
            let mut k = if made { 2 } else { 1 };
            while k * interval + tol < days + i64::from(!made) {
                record.due += 1;
                k += 1;
            }
            from = v;
        }
        record
    }
}

/// The visits a plan makes: (family code, date).
fn visits_of(plan: &WeekPlan) -> Vec<(String, NaiveDate)> {
    plan.referents
        .iter()
        .flat_map(|r| &r.days)
        .flat_map(|d| &d.stops)
        .filter_map(|s| match &s.kind {
            StopKind::Visit { family } => Some((family.clone(), s.start.date())),
            StopKind::Fixed { .. } => None,
        })
        .collect()
}

/// Simulates `weeks` weeks from `start` on `territory` with `method`, each week planned with
/// `template`'s settings (seed, limits, tolerance, measured drives).
///
/// # Errors
/// The planner's message when a week cannot be planned.
pub fn simulate(
    territory: &Territory,
    scale: usize,
    method: Method,
    start: IsoWeek,
    weeks: usize,
    template: &PlanOptions,
) -> Result<HorizonRun, String> {
    let mut simulation = Simulation::new(territory, scale, method, start, weeks, template);
    while !simulation.is_over() {
        simulation.step()?;
    }
    Ok(simulation.finish())
}

/// A simulation under way, one week at a time ([`Simulation::step`]): what [`simulate`] runs
/// to its end, and what the server runs week by week through its solve slot, so that a plan or
/// a visit report waits one week's plan at most. Cloned before a step, it can make that step
/// again (a step stopped halfway through is discarded).
#[derive(Debug, Clone)]
pub struct Simulation {
    /// The territory as it was at the start.
    territory: Territory,
    /// The territory as the weeks done left it (last visits, assignment).
    t: Territory,
    scale: usize,
    method: Method,
    start: IsoWeek,
    weeks: usize,
    template: PlanOptions,
    /// Weeks done.
    done: usize,
    /// The week to plan next.
    week: IsoWeek,
    /// Every visit of each family over the horizon, in order.
    made: BTreeMap<String, Vec<NaiveDate>>,
    drive_minutes: i64,
    week_seconds: Vec<f64>,
    rota_stops: Vec<String>,
    /// Families no référent can see at all (availability, site hours).
    unreachable: BTreeSet<String>,
    /// Families no référent may follow, some week.
    unfollowed: BTreeSet<String>,
    /// Families left out for want of time, some week they were due.
    short: BTreeSet<String>,
}

impl Simulation {
    /// A simulation of `weeks` weeks from `start`, none done yet.
    pub fn new(
        territory: &Territory,
        scale: usize,
        method: Method,
        start: IsoWeek,
        weeks: usize,
        template: &PlanOptions,
    ) -> Simulation {
        Simulation {
            territory: territory.clone(),
            t: territory.clone(),
            scale,
            method,
            start,
            weeks,
            template: template.clone(),
            done: 0,
            week: start,
            made: BTreeMap::new(),
            drive_minutes: 0,
            week_seconds: Vec::new(),
            rota_stops: Vec::new(),
            unreachable: BTreeSet::new(),
            unfollowed: BTreeSet::new(),
            short: BTreeSet::new(),
        }
    }

    /// Weeks done.
    pub fn weeks_done(&self) -> usize {
        self.done
    }

    /// Whether every week is done.
    pub fn is_over(&self) -> bool {
        self.done >= self.weeks
    }

    /// Stops the solves of the steps to come early when `flag` is set (each returns its best
    /// so far: the step is then worth discarding).
    pub fn set_cancel(&mut self, flag: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>) {
        self.template.cancel = flag;
    }

    /// Plans the next week and takes its visits as made. Nothing once every week is done.
    ///
    /// # Errors
    /// The planner's message when the week cannot be planned.
    pub fn step(&mut self) -> Result<(), String> {
        if self.is_over() {
            return Ok(());
        }
        let (method, week) = (self.method, self.week);
        let mut options = PlanOptions {
            week,
            ..self.template.clone()
        };
        options.compare_baseline = method == Method::Today;
        options.baseline_only = true;
        if method == Method::Today {
            // Today's practice plans one week at a time.
            options.weeks = 1;
        }
        let outcome =
            plan_week(&self.t, &options, &mut |_| {}).map_err(|e| format!("{week}: {e}"))?;
        let plan = match method {
            Method::Parcours => &outcome.plan,
            Method::Today => outcome
                .baseline
                .as_ref()
                .expect("BUG: compare_baseline is set"),
        };
        self.week_seconds.push(match method {
            Method::Parcours => outcome.plan_seconds,
            Method::Today => outcome.seconds,
        });
        self.rota_stops.push(outcome.rota_stop.clone());
        self.drive_minutes += plan.travel_minutes();
        for u in &outcome.plan.unmet {
            if matches!(u.cause, UnmetCause::Family | UnmetCause::Site) {
                self.unreachable.insert(u.family.clone());
            } else if u.cause == UnmetCause::Assignment {
                self.unfollowed.insert(u.family.clone());
            }
        }
        for u in &plan.unmet {
            if !u.waits && matches!(u.cause, UnmetCause::Capacity | UnmetCause::Agenda) {
                self.short.insert(u.family.clone());
            }
        }
        // The week is done: its visits are the families' last visits, and whoever made them
        // follows them from now on.
        let assignment: BTreeMap<&str, &str> = plan
            .assignment
            .iter()
            .map(|(f, r)| (f.as_str(), r.as_str()))
            .collect();
        let visits = visits_of(plan);
        for family in &mut self.t.families {
            let code = family.code.to_string();
            if let Some(&(_, date)) = visits
                .iter()
                .filter(|(f, _)| *f == code)
                .max_by_key(|v| v.1)
            {
                family.last_visit = Some(date);
                self.made.entry(code.clone()).or_default().push(date);
            }
            if method == Method::Parcours
                && let Some(r) = assignment.get(code.as_str())
                && family
                    .referent
                    .as_ref()
                    .is_none_or(|(c, _)| c.as_str() != *r)
            {
                let code = Code::parse(r).map_err(|e| e.to_string())?;
                family.referent = Some((code, week.monday()));
            }
        }
        self.week = IsoWeek::containing(week.monday() + chrono::Days::new(7));
        self.done += 1;
        Ok(())
    }

    /// The figures of the weeks done.
    pub fn finish(self) -> HorizonRun {
        let Simulation {
            territory,
            scale,
            method,
            start,
            weeks,
            template,
            done,
            week,
            made,
            drive_minutes,
            mut week_seconds,
            rota_stops,
            unreachable,
            unfollowed,
            short,
            ..
        } = self;
        let tolerance = template.tolerance;
        let end = week.monday() - chrono::Days::new(1);
        let (mut due, mut on_time, mut unseen_twice, mut unseen_unvisitable, mut longest) =
            (0, 0, 0, 0, 0);
        let (mut unseen_unfollowed, mut unseen_short) = (0, 0);
        for family in &territory.families {
            let code = family.code.to_string();
            let interval = i64::from(family.frequency.interval_days());
            let tol = tolerance.days(family.frequency.interval_days());
            let visits = made.get(&code).cloned().unwrap_or_default();
            // Before the horizon at most one interval counts (a family already late at the
            // start is not the planner's doing); a family never visited is due on the first
            // Monday.
            let first_due_from = start.monday() - chrono::Days::new(interval as u64);
            let before = family
                .last_visit
                .map_or(first_due_from, |l| l.max(first_due_from));
            let record = Record::of(before, &visits, end, interval, tol);
            due += record.due;
            on_time += record.on_time;
            let gap = record.longest_gap;
            longest = longest.max(gap);
            if gap > 2 * interval {
                unseen_twice += 1;
                if visits.is_empty() && unreachable.contains(&code) {
                    unseen_unvisitable += 1;
                } else if unfollowed.contains(&code) {
                    unseen_unfollowed += 1;
                } else if short.contains(&code) {
                    unseen_short += 1;
                }
            }
        }
        week_seconds.sort_by(f64::total_cmp);
        HorizonRun {
            scale,
            method,
            weeks: done.min(weeks),
            plan_weeks: match method {
                Method::Today => 1,
                Method::Parcours => template.weeks,
            },
            families: territory.families.len(),
            visits: made.values().map(Vec::len).sum(),
            due,
            on_time,
            unseen_twice,
            unseen_twice_unvisitable: unseen_unvisitable,
            unseen_twice_unfollowed: unseen_unfollowed,
            unseen_twice_short: unseen_short,
            longest_gap_days: longest,
            drive_minutes,
            week_seconds,
            rota_stops,
        }
    }
}

/// Weeks the demo and the week page simulate.
pub const COMPARISON_WEEKS: usize = 8;

/// Today's practice, then Parcours, over [`COMPARISON_WEEKS`] weeks from `start`: the demo's
/// comparison and the week page's « 8 semaines », one week at a time. Parcours plans each week
/// with the next one (`plan --weeks 2`), as BENCHMARKS.md measures.
#[derive(Debug, Clone)]
pub struct Comparison {
    today: Simulation,
    parcours: Simulation,
    /// Today's practice, once its weeks are done.
    today_run: Option<HorizonRun>,
}

impl Comparison {
    /// The comparison from `start`, each week planned with `template`'s settings.
    pub fn new(territory: &Territory, start: IsoWeek, template: &PlanOptions) -> Comparison {
        let mut template = template.clone();
        template.compare_baseline = false;
        template.weeks = 1;
        let today = Simulation::new(
            territory,
            1,
            Method::Today,
            start,
            COMPARISON_WEEKS,
            &template,
        );
        template.weeks = 2;
        let parcours = Simulation::new(
            territory,
            1,
            Method::Parcours,
            start,
            COMPARISON_WEEKS,
            &template,
        );
        Comparison {
            today,
            parcours,
            today_run: None,
        }
    }

    /// Steps done and in all (a week of each method is one step).
    pub fn progress(&self) -> (usize, usize) {
        let done = match &self.today_run {
            Some(_) => COMPARISON_WEEKS + self.parcours.weeks_done(),
            None => self.today.weeks_done(),
        };
        (done, 2 * COMPARISON_WEEKS)
    }

    /// Whether every step is done.
    pub fn is_over(&self) -> bool {
        self.today_run.is_some() && self.parcours.is_over()
    }

    /// See [`Simulation::set_cancel`].
    pub fn set_cancel(&mut self, flag: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>) {
        self.today.set_cancel(flag.clone());
        self.parcours.set_cancel(flag);
    }

    /// One week of one method.
    ///
    /// # Errors
    /// The planner's message when the week cannot be planned.
    pub fn step(&mut self) -> Result<(), String> {
        if self.today_run.is_none() {
            self.today.step()?;
            if self.today.is_over() {
                self.today_run = Some(self.today.clone().finish());
            }
            Ok(())
        } else {
            self.parcours.step()
        }
    }

    /// The figures of both, once [`Comparison::is_over`].
    pub fn finish(self) -> Option<HorizonFigures> {
        let over = self.is_over();
        let today = self.today_run?;
        over.then(|| HorizonFigures {
            today,
            parcours: self.parcours.finish(),
        })
    }

    /// Runs every step.
    ///
    /// # Errors
    /// The planner's message when a week cannot be planned.
    pub fn run(mut self) -> Result<HorizonFigures, String> {
        while !self.is_over() {
            self.step()?;
        }
        Ok(self.finish().expect("BUG: every step is done"))
    }
}

/// The two runs of a [`Comparison`], as stored and as the API gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HorizonFigures {
    /// Today's practice.
    pub today: HorizonRun,
    /// Parcours.
    pub parcours: HorizonRun,
}

/// Figures as kept (`horizon_figures`): when they were computed, and the two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredHorizon {
    /// When the simulation ended.
    pub computed_at: chrono::DateTime<chrono::Utc>,
    /// Time limit of each week's rota, seconds (its work is a quarter of it).
    pub rota_seconds: f64,
    /// The two runs.
    #[serde(flatten)]
    pub figures: HorizonFigures,
}

/// What the simulation reads, as a digest (SHA-256, hex): the territory as stored (families,
/// their last visits and référents, the team, the calendar) and the drives measured. Figures
/// stored under another digest were computed on other data.
pub fn inputs_digest(territory: &Territory, travel: &[crate::domain::TravelOverride]) -> String {
    use sha2::{Digest as _, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(format!("{territory:?}").as_bytes());
    hasher.update(b"\0");
    hasher.update(format!("{travel:?}").as_bytes());
    format!("{:x}", hasher.finalize())
}

/// The demo's comparison: the two runs side by side, in French.
pub fn to_french(today: &HorizonRun, parcours: &HorizonRun) -> String {
    let mut s = format!(
        "{} semaines simulées (chaque semaine planifiée, ses visites faites, puis la suivante) :\n",
        parcours.weeks
    );
    if parcours.plan_weeks > 1 {
        let next = match parcours.plan_weeks {
            2 => "la suivante".to_owned(),
            n => format!("les {} suivantes", n - 1),
        };
        s.push_str(&format!(
            "(Parcours planifie chaque semaine avec {next}, seule la première publiée : plan \
             --weeks {})\n",
            parcours.plan_weeks
        ));
    }
    s.push_str(&format!(
        "  {:<44} {:>18} {:>12}\n",
        "", "pratique actuelle", "Parcours"
    ));
    let row = |label: &str, f: &dyn Fn(&HorizonRun) -> String| {
        format!("  {:<44} {:>18} {:>12}\n", label, f(today), f(parcours))
    };
    s.push_str(&row("visites faites", &|r| r.visits.to_string()));
    s.push_str(&row("dans la tolérance", &|r| {
        format!("{:.0} %", r.on_time_percent()).replace('.', ",")
    }));
    s.push_str(&row("familles sans visite plus de 2 intervalles", &|r| {
        r.unseen_twice.to_string()
    }));
    s.push_str(&row("  dont personne ne peut voir", &|r| {
        r.unseen_twice_unvisitable.to_string()
    }));
    s.push_str(&row("  dont personne ne peut suivre", &|r| {
        r.unseen_twice_unfollowed.to_string()
    }));
    s.push_str(&row(
        "  dont faute d'heures quand elles sont libres",
        &|r| r.unseen_twice_short.to_string(),
    ));
    s.push_str(&row("plus long écart entre deux visites", &|r| {
        format!("{} j", r.longest_gap_days)
    }));
    s.push_str(&row("trajets", &|r| super::hours(r.drive_minutes)));
    s.push_str(&row("trajet par visite", &|r| {
        format!("{:.1} min", r.minutes_per_visit()).replace('.', ",")
    }));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn a_weekly_family_seen_on_rhythm_is_on_time_and_a_late_one_misses_what_it_skipped() {
        // Seen on the 1st, then every 7 days to the 22nd, horizon ends on the 27th.
        let steady = Record::of(d(1), &[d(8), d(15), d(22)], d(27), 7, 2);
        assert_eq!((steady.due, steady.on_time, steady.longest_gap), (3, 3, 7));
        // Seen on the 1st, then only on the 19th (18 days: the due date of the 8th is made
        // late, the one of the 15th is missed), then nothing until the 31st (12 days: the due
        // date of the 26th, closed on the 28th, is missed).
        let late = Record::of(d(1), &[d(19)], d(31), 7, 2);
        assert_eq!((late.due, late.on_time, late.longest_gap), (3, 0, 18));
        // Early is not on time either: two days after the last one.
        let early = Record::of(d(1), &[d(3)], d(5), 7, 2);
        assert_eq!((early.due, early.on_time), (1, 0));
        // Never seen in four weeks: every closed due date is missed.
        let never = Record::of(d(1), &[], d(29), 7, 2);
        assert_eq!((never.due, never.on_time, never.longest_gap), (3, 0, 28));
    }
}
