//! `parcours-dev bench horizon`: eight weeks simulated from a start week, for Parcours and for
//! today's practice (issue 15). Each week is planned; the visits it places are taken as done
//! (the family's last visit moves to that day, and Parcours' assignment becomes the current
//! one); then the next week is planned from there. The table says, per method, how many visits
//! came within their tolerance, which families went unseen for more than twice their interval,
//! the longest gap, the drive per visit and in all, and the time of each week's plan.
//!
//! The simulation runs in this process, one scale after the other; it reads nothing and writes
//! nothing but its table.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use serde::Serialize;

use parcours::domain::{Code, Territory};
use parcours::planning::{IsoWeek, PlanOptions, StopKind, Tolerance, WeekPlan, plan_week};

/// Which plan a simulation follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Parcours: optimised assignment and routes.
    Parcours,
    /// Today's practice: current assignment, each référent first fit in family-code order.
    Today,
}

impl Method {
    fn label(self) -> &'static str {
        match self {
            Method::Parcours => "Parcours",
            Method::Today => "today's practice",
        }
    }
}

/// What one method did over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizonRun {
    /// Scale, in reference territories.
    pub scale: usize,
    /// The method.
    pub method: Method,
    /// Weeks simulated.
    pub weeks: usize,
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
    /// Of those, families no référent can visit at all (every visit unplaced for the family's
    /// or the site's hours).
    pub unseen_twice_unvisitable: usize,
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

    fn median_seconds(&self) -> f64 {
        self.week_seconds
            .get(self.week_seconds.len() / 2)
            .copied()
            .unwrap_or(0.0)
    }

    fn max_seconds(&self) -> f64 {
        self.week_seconds.last().copied().unwrap_or(0.0)
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

/// Simulates `weeks` weeks from `start` on `territory` with `method`.
///
/// # Errors
/// The planner's message when a week cannot be planned.
pub fn simulate(
    territory: &Territory,
    scale: usize,
    method: Method,
    start: IsoWeek,
    weeks: usize,
    rota_time: Duration,
) -> Result<HorizonRun, String> {
    let tolerance = Tolerance::default();
    let mut t = territory.clone();
    // Every visit of each family over the horizon, in order.
    let mut made: BTreeMap<String, Vec<NaiveDate>> = BTreeMap::new();
    let mut drive_minutes = 0;
    let mut week_seconds = Vec::new();
    let mut rota_stops = Vec::new();
    let mut unplaceable: BTreeMap<String, usize> = BTreeMap::new();
    let mut week = start;
    for _ in 0..weeks {
        let mut options = PlanOptions::new(week);
        options.rota_time = rota_time;
        options.tolerance = tolerance;
        options.compare_baseline = method == Method::Today;
        let outcome = plan_week(&t, &options, &mut |_| {}).map_err(|e| format!("{week}: {e}"))?;
        let plan = match method {
            Method::Parcours => &outcome.plan,
            Method::Today => outcome
                .baseline
                .as_ref()
                .expect("BUG: compare_baseline is set"),
        };
        week_seconds.push(match method {
            Method::Parcours => outcome.plan_seconds,
            Method::Today => outcome.seconds,
        });
        rota_stops.push(outcome.rota_stop.clone());
        drive_minutes += plan.travel_minutes();
        for u in &plan.unmet {
            if matches!(
                u.cause,
                parcours::planning::UnmetCause::Family | parcours::planning::UnmetCause::Site
            ) {
                *unplaceable.entry(u.family.clone()).or_default() += 1;
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
        for family in &mut t.families {
            let code = family.code.to_string();
            if let Some(&(_, date)) = visits
                .iter()
                .filter(|(f, _)| *f == code)
                .max_by_key(|v| v.1)
            {
                family.last_visit = Some(date);
                made.entry(code.clone()).or_default().push(date);
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
        week = IsoWeek::containing(week.monday() + chrono::Days::new(7));
    }
    let end = week.monday() - chrono::Days::new(1);
    let (mut due, mut on_time, mut unseen_twice, mut unseen_unvisitable, mut longest) =
        (0, 0, 0, 0, 0);
    for family in &territory.families {
        let code = family.code.to_string();
        let interval = i64::from(family.frequency.interval_days());
        let tol = tolerance.days(family.frequency.interval_days());
        let visits = made.get(&code).cloned().unwrap_or_default();
        // Before the horizon at most one interval counts (a family already late at the start
        // is not the planner's doing); a family never visited is due on the first Monday.
        let first_due_from = start.monday() - chrono::Days::new(interval as u64);
        let mut last = family
            .last_visit
            .map_or(first_due_from, |l| l.max(first_due_from));
        // Each due date follows the visit actually made, or the missed due date.
        let mut next = 0;
        loop {
            let due_date = last + chrono::Days::new(interval as u64);
            let (open, close) = (
                due_date - chrono::Days::new(tol as u64),
                due_date + chrono::Days::new(tol as u64),
            );
            match visits.get(next) {
                Some(&v) if v <= close => {
                    due += 1;
                    on_time += usize::from(v >= open);
                    last = v;
                    next += 1;
                }
                _ if close <= end => {
                    due += 1;
                    last = due_date;
                }
                _ => break,
            }
        }
        let mut from = family
            .last_visit
            .map_or(first_due_from, |l| l.max(first_due_from));
        let mut gap = 0;
        for &v in visits.iter().chain(std::iter::once(&end)) {
            gap = gap.max((v - from).num_days());
            from = v;
        }
        longest = longest.max(gap);
        if gap > 2 * interval {
            unseen_twice += 1;
            if visits.is_empty() && unplaceable.get(&code).copied().unwrap_or(0) > 0 {
                unseen_unvisitable += 1;
            }
        }
    }
    week_seconds.sort_by(f64::total_cmp);
    Ok(HorizonRun {
        scale,
        method,
        weeks,
        families: territory.families.len(),
        visits: made.values().map(Vec::len).sum(),
        due,
        on_time,
        unseen_twice,
        unseen_twice_unvisitable: unseen_unvisitable,
        longest_gap_days: longest,
        drive_minutes,
        week_seconds,
        rota_stops,
    })
}

/// Runs both methods on each scale and prints a Markdown table.
///
/// # Errors
/// The planner's message when a week cannot be planned.
pub fn run_horizon_bench(
    scales: &[usize],
    start: IsoWeek,
    weeks: usize,
    rota_time: Duration,
) -> Result<String, String> {
    let mut out = format!(
        "{weeks} weeks from {start}, rota time limit {} s (work of a quarter of it), seed 1, \
         tolerance {} % of the interval, other settings default.\n\n\
         | territory | method | visits made | due | within tolerance | families unseen > 2× interval (of them nobody can visit) | longest gap | drive | min per visit | s per week (median, max) |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
        rota_time.as_secs_f64(),
        Tolerance::default().percent,
    );
    for &scale in scales {
        let territory = super::scaled_territory(scale);
        let mut runs = Vec::new();
        for method in [Method::Today, Method::Parcours] {
            eprintln!("×{scale}: {}", method.label());
            runs.push(simulate(
                &territory, scale, method, start, weeks, rota_time,
            )?);
        }
        for r in &runs {
            out.push_str(&format!(
                "| ×{} | {} | {} | {} | {} ({:.1} %) | {} ({}) | {} d | {} min | {:.1} | {:.1}, {:.1} |\n",
                r.scale,
                r.method.label(),
                r.visits,
                r.due,
                r.on_time,
                r.on_time_percent(),
                r.unseen_twice,
                r.unseen_twice_unvisitable,
                r.longest_gap_days,
                r.drive_minutes,
                r.minutes_per_visit(),
                r.median_seconds(),
                r.max_seconds(),
            ));
        }
        let (today, parcours) = (&runs[0], &runs[1]);
        out.push_str(&format!(
            "| ×{scale} | Parcours vs today | {:+} | | {:+.1} pts | {:+} | {:+} d | {:+.1} % | {:+.1} % | |\n",
            parcours.visits as i64 - today.visits as i64,
            parcours.on_time_percent() - today.on_time_percent(),
            parcours.unseen_twice as i64 - today.unseen_twice as i64,
            parcours.longest_gap_days - today.longest_gap_days,
            percent_change(parcours.drive_minutes as f64, today.drive_minutes as f64),
            percent_change(parcours.minutes_per_visit(), today.minutes_per_visit()),
        ));
    }
    Ok(out)
}

fn percent_change(new: f64, old: f64) -> f64 {
    if old == 0.0 {
        0.0
    } else {
        100.0 * (new - old) / old
    }
}
