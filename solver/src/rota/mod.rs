//! The weekly rota: which day, which time and in what order each référent makes her visits
//! (built on the routing engine), and the first-fit [`baseline`] a team builds by hand.
//!
//! Times are minutes from the Monday 00:00 of the week, local wall-clock time. Once families
//! are assigned, référents share nothing, so the week splits into one routing problem per
//! référent: her working days are the vehicles, her visits the visits, her travel mode the
//! matrix. Each gets a share of the time limit proportional to its visits and a seed derived
//! from `(seed, référent)`.

pub mod baseline;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::ids::LocationIdx;
use crate::limits::{Deadline, Limits, Params, StopReason};
use crate::routing::{self, Break, Pin, TimeWindow};
use crate::travel::{Leg, TravelTimes};
use crate::units::{Cost, Meters, Minutes};

/// A référent as the rota sees her.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referent {
    /// Where her days start and end.
    pub base: LocationIdx,
    /// Her travel mode: index into the travel sources given to [`Problem::new`].
    pub travel: usize,
}

/// One working day of one référent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    /// Whose day (index into [`Problem::referents`]).
    pub referent: usize,
    /// She leaves her base no earlier than `hours.start` and is back by `hours.end`.
    pub hours: TimeWindow,
    /// When visits that are not fixed may take place, with the way there and back: her
    /// working hours. `hours` is wider when a fixed appointment lies outside them (an evening
    /// EPS meeting); that extra time is for the appointment only.
    pub open: TimeWindow,
    /// Her lunch break: it starts inside `window` and lasts `minutes`, if she takes one.
    pub lunch: Option<Break>,
}

/// What a re-plan keeps of a visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Nothing: any day, any time.
    Free,
    /// Its day, preferably (a re-plan frees it only if something could not be placed
    /// otherwise).
    Day(usize),
    /// Its day and start time, always: a confirmed visit, an EPS meeting, a workshop session, a
    /// personal appointment.
    Exact {
        /// The day (index into [`Problem::days`]).
        day: usize,
        /// The start.
        start: Minutes,
    },
}

/// A visit due this week, or an appointment fixed in a référent's week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// Who makes it (index into [`Problem::referents`]).
    pub referent: usize,
    /// Where.
    pub location: LocationIdx,
    /// How long on site.
    pub duration: Minutes,
    /// When the family (and the place) can host it: it starts and ends inside one of these,
    /// sorted and disjoint. Ignored for [`Keep::Exact`].
    pub available: Vec<TimeWindow>,
    /// What leaving it out costs, in travel minutes: the larger, the harder the search tries.
    pub priority: i64,
    /// What a re-plan keeps.
    pub keep: Keep,
}

/// Why a problem was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RotaError {
    /// A field of a référent, day or visit is invalid.
    #[error("{item} {index}, {field} : {message}")]
    Invalid {
        /// `"référent"`, `"journée"` or `"visite"`.
        item: &'static str,
        /// Its index.
        index: usize,
        /// The field.
        field: &'static str,
        /// What is wrong, in French.
        message: String,
    },
    /// A référent's routing problem was refused (a bug in the conversion, or travel data).
    #[error("tournées : {0}")]
    Routing(#[from] routing::ProblemError),
}

/// A validated week.
pub struct Problem<'t> {
    referents: Vec<Referent>,
    days: Vec<Day>,
    visits: Vec<Visit>,
    travels: Vec<&'t dyn TravelTimes>,
}

impl fmt::Debug for Problem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Problem")
            .field("referents", &self.referents)
            .field("days", &self.days)
            .field("visits", &self.visits)
            .field("travels", &self.travels.len())
            .finish()
    }
}

fn invalid(item: &'static str, index: usize, field: &'static str, message: String) -> RotaError {
    RotaError::Invalid {
        item,
        index,
        field,
        message,
    }
}

impl<'t> Problem<'t> {
    /// Validates a week. `travels` holds one source per travel mode, all over the same
    /// locations.
    ///
    /// # Errors
    /// [`RotaError::Invalid`] naming the item and field: a référent or visit pointing nowhere,
    /// a location outside the travel sources, a day that ends before it starts, windows that
    /// are unsorted or overlap, a negative duration, an exact visit on another référent's day.
    pub fn new(
        referents: Vec<Referent>,
        days: Vec<Day>,
        visits: Vec<Visit>,
        travels: Vec<&'t dyn TravelTimes>,
    ) -> Result<Problem<'t>, RotaError> {
        let locations = travels.iter().map(|t| t.len()).min().unwrap_or(0);
        for (i, r) in referents.iter().enumerate() {
            if r.travel >= travels.len() {
                return Err(invalid(
                    "référent",
                    i,
                    "mode de déplacement",
                    "inconnu".into(),
                ));
            }
            if r.base.index() >= locations {
                return Err(invalid(
                    "référent",
                    i,
                    "base",
                    "lieu hors des trajets".into(),
                ));
            }
        }
        for (i, d) in days.iter().enumerate() {
            if d.referent >= referents.len() {
                return Err(invalid("journée", i, "référent", "inexistant".into()));
            }
            if d.hours.end < d.hours.start || d.open.end < d.open.start {
                return Err(invalid("journée", i, "horaires", "fin avant début".into()));
            }
            if d.open.start < d.hours.start || d.hours.end < d.open.end {
                return Err(invalid(
                    "journée",
                    i,
                    "horaires",
                    "plage des visites hors de la journée".into(),
                ));
            }
        }
        for (i, v) in visits.iter().enumerate() {
            if v.referent >= referents.len() {
                return Err(invalid("visite", i, "référent", "inexistant".into()));
            }
            if v.location.index() >= locations {
                return Err(invalid("visite", i, "lieu", "lieu hors des trajets".into()));
            }
            if v.duration.is_negative() {
                return Err(invalid("visite", i, "durée", "négative".into()));
            }
            if v.available.windows(2).any(|w| w[1].start <= w[0].end)
                || v.available.iter().any(|w| w.end < w.start)
            {
                return Err(invalid(
                    "visite",
                    i,
                    "disponibilités",
                    "plages non triées ou qui se chevauchent".into(),
                ));
            }
            match v.keep {
                Keep::Day(day) | Keep::Exact { day, .. } => {
                    if days.get(day).is_none_or(|d| d.referent != v.referent) {
                        return Err(invalid(
                            "visite",
                            i,
                            "jour",
                            "pas une journée de sa référente".into(),
                        ));
                    }
                }
                Keep::Free => {}
            }
        }
        Ok(Problem {
            referents,
            days,
            visits,
            travels,
        })
    }

    /// The référents.
    pub fn referents(&self) -> &[Referent] {
        &self.referents
    }

    /// The working days.
    pub fn days(&self) -> &[Day] {
        &self.days
    }

    /// The visits.
    pub fn visits(&self) -> &[Visit] {
        &self.visits
    }

    /// The travel source of référent `r`.
    pub fn travel_of(&self, r: usize) -> &'t dyn TravelTimes {
        self.travels[self.referents[r].travel]
    }

    /// When visit `v` may start on day `d`: its availability shrunk by its duration, inside
    /// the day's [`Day::open`] hours (leaving time to come from and go back to the base).
    pub fn start_windows(&self, v: usize, d: usize) -> Vec<TimeWindow> {
        let visit = &self.visits[v];
        let day = &self.days[d];
        if let Keep::Exact { day: kept, start } = visit.keep {
            return if kept == d {
                vec![TimeWindow::new(start, start)]
            } else {
                Vec::new()
            };
        }
        let travel = self.travel_of(visit.referent);
        let base = self.referents[visit.referent].base;
        let earliest = day.open.start.0 + travel.leg(base, visit.location).minutes.0;
        let latest = day.open.end.0 - visit.duration.0 - travel.leg(visit.location, base).minutes.0;
        visit
            .available
            .iter()
            .filter_map(|w| {
                let start = w.start.0.max(earliest);
                let end = (w.end.0 - visit.duration.0).min(latest);
                (start <= end).then(|| TimeWindow::new(Minutes(start), Minutes(end)))
            })
            .collect()
    }
}

/// Why a visit due this week is not in the rota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unmet {
    /// The référent has no working day this week (holiday, absence).
    NoWorkingDay,
    /// The family's availability never meets the référent's working hours this week.
    NoCommonSlot,
    /// Her week is full: no place for it among her other visits.
    WeekFull,
    /// A fixed appointment clashes with another one.
    FixedClash,
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unmet::NoWorkingDay => "la référente ne travaille aucun jour cette semaine",
            Unmet::NoCommonSlot => {
                "aucun créneau commun entre les disponibilités de la famille et les horaires de la référente"
            }
            Unmet::WeekFull => {
                "plus de créneau libre dans la semaine de la référente aux heures où la famille est disponible"
            }
            Unmet::FixedClash => "rendez-vous fixé en conflit avec un autre rendez-vous fixé",
        })
    }
}

/// One day of the rota.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayPlan {
    /// Visits in order.
    pub visits: Vec<usize>,
    /// Start of each visit.
    pub starts: Vec<Minutes>,
    /// Start of the lunch break, when the day has visits and a break.
    pub lunch: Option<Minutes>,
    /// When she leaves her base (the day's start when she has no visit).
    pub leave: Minutes,
    /// When she is back.
    pub back: Minutes,
    /// Travel time of the day.
    pub travel_minutes: Minutes,
    /// Travel distance of the day.
    pub travel_meters: Meters,
}

/// Progress of a solve, reported after each référent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Référents done.
    pub done: usize,
    /// Référents in all.
    pub total: usize,
    /// Travel minutes of the référents done.
    pub travel_minutes: Minutes,
    /// Visits of the référents done left unplaced.
    pub unmet: usize,
}

/// A rota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// One plan per day of [`Problem::days`].
    pub days: Vec<DayPlan>,
    /// Visits not placed, with why.
    pub unmet: Vec<(usize, Unmet)>,
    /// Visits kept on a day ([`Keep::Day`]) that the plan moved to another day or could no
    /// longer place (those are also in `unmet`).
    pub moved: Vec<usize>,
    /// Routing objective: weighted travel plus penalties of unmet visits.
    pub cost: Cost,
    /// The first stop reason that is not reproducible (time guard, cancel), else the last.
    pub stop: StopReason,
}

impl Solution {
    /// Travel of the week, minutes.
    pub fn travel_minutes(&self) -> Minutes {
        Minutes(self.days.iter().map(|d| d.travel_minutes.0).sum())
    }

    /// Travel of the week, metres.
    pub fn travel_meters(&self) -> Meters {
        Meters(self.days.iter().map(|d| d.travel_meters.0).sum())
    }

    /// Visits placed.
    pub fn placed(&self) -> usize {
        self.days.iter().map(|d| d.visits.len()).sum()
    }
}

/// How travel is weighed: a minute costs 10,000, a metre 1. Time decides; distance only breaks
/// ties between routes of equal time (10 km weigh as one minute).
pub const WEIGHTS: routing::Weights = routing::Weights {
    per_minute: 10_000,
    per_meter: 1,
};

/// Travel minutes a left-out visit costs, before its priority: a full day of driving, so the
/// search never drops a visit to save travel.
pub const UNMET_MINUTES: i64 = 600;

/// Travel minutes an exact (fixed) visit left out costs: it is only ever left out when it
/// clashes with another fixed one.
const FIXED_UNMET_MINUTES: i64 = 100_000;

/// One référent's week as a routing problem: her days are the vehicles; local location 0 is
/// her base, then the locations of her visits.
pub(crate) struct Subproblem {
    pub(crate) days: Vec<usize>,
    pub(crate) visits: Vec<usize>,
    pub(crate) unmet: Vec<(usize, Unmet)>,
    pub(crate) routing: Option<routing::Problem>,
}

/// The travel of one référent restricted to her locations.
struct LocalTravel<'a> {
    source: &'a dyn TravelTimes,
    global: Vec<LocationIdx>,
}

impl TravelTimes for LocalTravel<'_> {
    fn leg(&self, from: LocationIdx, to: LocationIdx) -> Leg {
        self.source
            .leg(self.global[from.index()], self.global[to.index()])
    }

    fn len(&self) -> usize {
        self.global.len()
    }
}

/// How keeps are honoured: `strict` pins [`Keep::Day`] visits to their day.
pub(crate) fn subproblem(
    problem: &Problem<'_>,
    r: usize,
    strict: bool,
) -> Result<Subproblem, RotaError> {
    let days: Vec<usize> = (0..problem.days.len())
        .filter(|&d| problem.days[d].referent == r)
        .collect();
    let mut global = vec![problem.referents[r].base];
    let mut local_of = std::collections::BTreeMap::new();
    local_of.insert(problem.referents[r].base, LocationIdx::new(0));
    let mut visits = Vec::new();
    let mut routing_visits = Vec::new();
    let mut unmet = Vec::new();
    for v in (0..problem.visits.len()).filter(|&v| problem.visits[v].referent == r) {
        let visit = &problem.visits[v];
        if days.is_empty() {
            unmet.push((v, Unmet::NoWorkingDay));
            continue;
        }
        let pinned_day = match visit.keep {
            Keep::Exact { day, .. } => Some(day),
            Keep::Day(day) if strict => Some(day),
            _ => None,
        };
        let allowed: Vec<usize> = (0..days.len())
            .filter(|&k| pinned_day.is_none_or(|d| d == days[k]))
            .collect();
        let mut windows: Vec<TimeWindow> = allowed
            .iter()
            .flat_map(|&k| problem.start_windows(v, days[k]))
            .collect();
        windows.sort();
        windows.dedup();
        if windows.is_empty() {
            let reason = if matches!(visit.keep, Keep::Exact { .. }) {
                Unmet::FixedClash
            } else {
                Unmet::NoCommonSlot
            };
            unmet.push((v, reason));
            continue;
        }
        let next = LocationIdx::new(global.len());
        let location = *local_of.entry(visit.location).or_insert_with(|| {
            global.push(visit.location);
            next
        });
        let exact = matches!(visit.keep, Keep::Exact { .. });
        visits.push(v);
        routing_visits.push(routing::Visit {
            location,
            service: visit.duration,
            demand: 1,
            windows,
            allowed_vehicles: Some(allowed.clone()),
            penalty: Some(Cost(
                WEIGHTS.per_minute
                    * if exact {
                        FIXED_UNMET_MINUTES
                    } else {
                        UNMET_MINUTES + visit.priority.max(0)
                    },
            )),
            pin: pinned_day.map(|_| Pin {
                vehicle: allowed[0],
                position: None,
            }),
        });
    }
    let vehicles: Vec<routing::Vehicle> = days
        .iter()
        .map(|&d| {
            let day = &problem.days[d];
            routing::Vehicle {
                start: LocationIdx::new(0),
                end: LocationIdx::new(0),
                shift: day.hours,
                capacity: i64::from(u32::MAX),
                max_duration: None,
                lunch: day.lunch,
                fixed_cost: Cost::ZERO,
            }
        })
        .collect();
    let routing = if routing_visits.is_empty() {
        None
    } else {
        let travel = LocalTravel {
            source: problem.travel_of(r),
            global,
        };
        Some(routing::Problem::new(
            vehicles,
            routing_visits,
            &travel,
            WEIGHTS,
        )?)
    };
    Ok(Subproblem {
        days,
        visits,
        unmet,
        routing,
    })
}

/// Turns routes into day plans through the independent checker's schedules.
pub(crate) fn day_plans(
    sub: &Subproblem,
    routes: &[routing::Route],
    unassigned: &[usize],
) -> Vec<(usize, DayPlan)> {
    let Some(routing) = &sub.routing else {
        return Vec::new();
    };
    let report = routing::check::check(routing, routes, unassigned)
        .expect("BUG: the rota's routes break the routing contract");
    let mut out = Vec::new();
    for (k, (route, schedule)) in routes.iter().zip(&report.routes).enumerate() {
        let mut travel_minutes = 0;
        let mut travel_meters = 0;
        let mut at = LocationIdx::new(0);
        for &v in route.visits.iter().chain(std::iter::once(&usize::MAX)) {
            let to = if v == usize::MAX {
                LocationIdx::new(0)
            } else {
                routing.visits()[v].location
            };
            if v == usize::MAX && route.visits.is_empty() {
                break;
            }
            travel_minutes += routing.minutes(at, to).0;
            travel_meters += routing.meters(at, to).0;
            at = to;
        }
        out.push((
            sub.days[k],
            DayPlan {
                visits: route.visits.iter().map(|&v| sub.visits[v]).collect(),
                starts: schedule.starts.clone(),
                lunch: schedule.break_start,
                leave: schedule.departure,
                back: schedule.arrival,
                travel_minutes: Minutes(travel_minutes),
                travel_meters: Meters(travel_meters),
            },
        ));
    }
    out
}

fn unmet_reason(reason: routing::UnassignedReason, exact: bool) -> Unmet {
    match reason {
        _ if exact => Unmet::FixedClash,
        routing::UnassignedReason::NoCompatibleWindow => Unmet::NoCommonSlot,
        routing::UnassignedReason::NoAllowedVehicle => Unmet::NoWorkingDay,
        routing::UnassignedReason::TooLarge | routing::UnassignedReason::NotWorthIt => {
            Unmet::WeekFull
        }
    }
}

/// Plans the week within `params`, calling `progress` after each référent.
///
/// A référent whose kept-day visits ([`Keep::Day`]) leave some visit unplaced is planned again
/// with those visits free to move; [`Solution::moved`] lists the visits that changed.
///
/// # Errors
/// [`RotaError::Routing`] if a référent's routing problem is refused.
pub fn solve(
    problem: &Problem<'_>,
    params: &Params,
    progress: &mut dyn FnMut(Progress),
) -> Result<Solution, RotaError> {
    let deadline = Deadline::start(&params.limits);
    let nr = problem.referents.len();
    let mut counts = vec![0u64; nr];
    for v in &problem.visits {
        counts[v.referent] += 1;
    }
    let total: u64 = counts.iter().sum::<u64>().max(1);
    let mut days = vec![DayPlan::default(); problem.days.len()];
    for (d, day) in problem.days.iter().enumerate() {
        days[d].leave = day.hours.start;
        days[d].back = day.hours.start;
    }
    let mut unmet = Vec::new();
    let mut moved = Vec::new();
    let mut cost = Cost::ZERO;
    let mut stop = StopReason::NoImprovement;
    let mut travel_done = Minutes::ZERO;
    for (r, &count) in counts.iter().enumerate() {
        // This référent's share of the time limit and of the iteration budget: a share of the
        // limit, not of the time left, so that the same limit gives the same budgets. Only when
        // earlier référents overran is it cut to what is left, and the stop says so.
        let share = |whole: u64| whole.saturating_mul(count) / total;
        let time = params
            .limits
            .time_limit
            .mul_f64(count as f64 / total as f64);
        let remaining = deadline.remaining();
        let overran = remaining < time;
        let limits = Limits {
            time_limit: time.min(remaining),
            iterations: params.limits.iterations.map(share),
            cancel: params.limits.cancel.clone(),
        };
        let sub_params = Params::new(crate::rng::child_seed(params.seed, r as u64), limits);
        let strict = problem
            .visits
            .iter()
            .any(|v| v.referent == r && matches!(v.keep, Keep::Day(_)));
        let mut sub = subproblem(problem, r, strict)?;
        let mut solution = sub.routing.as_ref().map(|p| routing::solve(p, &sub_params));
        let left_out =
            |s: &Option<routing::Solution>| s.as_ref().is_some_and(|s| !s.unassigned.is_empty());
        if strict && left_out(&solution) {
            sub = subproblem(problem, r, false)?;
            solution = sub.routing.as_ref().map(|p| routing::solve(p, &sub_params));
        }
        unmet.extend(sub.unmet.iter().copied());
        if let Some(solution) = &solution {
            let unassigned: Vec<usize> = solution.unassigned.iter().map(|(v, _)| *v).collect();
            for (d, plan) in day_plans(&sub, &solution.routes, &unassigned) {
                days[d] = plan;
            }
            for &(v, reason) in &solution.unassigned {
                let global = sub.visits[v];
                let exact = matches!(problem.visits[global].keep, Keep::Exact { .. });
                unmet.push((global, unmet_reason(reason, exact)));
            }
            cost = Cost(cost.0 + solution.cost.0);
            if stop.is_reproducible() {
                stop = if overran {
                    StopReason::TimeGuard
                } else {
                    solution.stop
                };
            }
        }
        for (d, plan) in days.iter().enumerate() {
            if problem.days[d].referent != r {
                continue;
            }
            travel_done = Minutes(travel_done.0 + plan.travel_minutes.0);
            for &v in &plan.visits {
                if let Keep::Day(kept) = problem.visits[v].keep
                    && kept != d
                {
                    moved.push(v);
                }
            }
        }
        // A kept visit the re-plan could no longer place has changed too.
        for &(v, _) in &unmet {
            if problem.visits[v].referent == r && matches!(problem.visits[v].keep, Keep::Day(_)) {
                moved.push(v);
            }
        }
        progress(Progress {
            done: r + 1,
            total: nr,
            travel_minutes: travel_done,
            unmet: unmet.len(),
        });
    }
    unmet.sort();
    moved.sort_unstable();
    Ok(Solution {
        days,
        unmet,
        moved,
        cost,
        stop,
    })
}
