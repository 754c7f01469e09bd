//! The independent checker of routing solutions: [`check`] recomputes feasibility and cost from
//! scratch (STYLE.md §7).
//!
//! It shares no code with the search: it reads only the types of `problem.rs` and the accessors
//! [`Problem::vehicles`], [`Problem::visits`], [`Problem::minutes`], [`Problem::meters`],
//! [`Problem::allows`] and [`Problem::weights`], and simulates every route naively. It aims to
//! be obviously right, not fast. Tests use it, and debug builds assert it after each solve.
//!
//! # The contract a solution must meet
//!
//! `check(problem, routes, unassigned)` accepts a solution when all of the following hold; it
//! otherwise returns every [`Violation`] it found, in a stable order (the route count; then,
//! vehicle by vehicle, its visits, load, break and schedule; then the unassigned list; then
//! visit by visit, missing and repeated ones).
//!
//! - **Routes.** There is one [`Route`] per vehicle, in the order of [`Problem::vehicles`]
//!   (otherwise only [`Violation::RouteCount`] is reported). A route with no visits is an
//!   unused vehicle: no travel, no fixed cost, no schedule constraint, no break required — and
//!   its `break_after` must be `None`.
//! - **Each visit exactly once.** Every visit index is below the number of visits, and every
//!   visit appears exactly once overall: in one route, or in `unassigned`. Only an optional
//!   visit (`penalty: Some`) may be unassigned. A pin constrains where a visit goes when it is
//!   made; a pinned optional visit may still be unassigned (give it no penalty to forbid that).
//! - **Who may make it.** A visit is on a vehicle its `allowed_vehicles` permits; a pinned visit
//!   is on its pin's vehicle and, when `pin.position` is set, at that index among the route's
//!   visits (0 = first).
//! - **Load.** The demands of a route's visits add up to at most the vehicle's capacity.
//! - **Break.** A used vehicle with a `lunch` has `break_after: Some(k)` with `k` at most its
//!   number of visits; a vehicle without one has `None`. The break is taken after the `k`-th
//!   visit (0 = right after leaving `start`, before the first visit), at the location of that
//!   visit (of `start` when `k` = 0), so it adds no travel. It starts at the earliest instant
//!   at or after the vehicle is ready that lies in `lunch.window`, and lasts `lunch.duration`;
//!   travel to the next location starts when it ends.
//! - **Schedule (earliest, waiting allowed).** The vehicle leaves `start` at some departure
//!   `d ≥ shift.start`; travel between consecutive locations takes [`Problem::minutes`]. At each
//!   visit, service starts at the earliest instant at or after the arrival that lies in one of
//!   its windows: in the first window whose end is not before the arrival, at
//!   `max(arrival, window.start)`; there is none when the arrival is after the end of the last
//!   window. Service lasts `service`. After the last visit the vehicle drives to `end` and must
//!   be there by `shift.end`.
//! - **Duration.** A route's duration is the *minimum*, over the departures `d ≥ shift.start`
//!   for which the schedule above is feasible, of (arrival at `end` − `d`): leaving later may
//!   remove waiting. The departure reported is the smallest `d` reaching that minimum, with the
//!   schedule that follows from it. With `max_duration: Some(m)`, the duration is at most `m`.
//!   Leaving later never makes an infeasible schedule feasible (every arrival is a
//!   non-decreasing function of `d`), so a schedule that fails when leaving at `shift.start`
//!   is reported as it fails then: at the first visit, break or return that fails.
//! - **Cost.** The sum, over used vehicles, of the weighted travel along start → visits → end
//!   (`per_minute × minutes + per_meter × metres` for each leg; the break adds none) and of the
//!   vehicle's fixed cost; plus the penalties of the unassigned visits. All integers.
//!
//! No input makes it panic: indices are checked before use, times are computed in `i128`, and
//! a total that does not fit in `i64` is a violation ([`Violation::RouteOverflow`],
//! [`Violation::TotalOverflow`]). Quantities quoted in a violation are clamped to `i64`.

use std::slice;

use super::problem::{Problem, Route, TimeWindow, Vehicle, Visit, Weights};
use crate::units::{Cost, Meters, Minutes};

/// What a feasible solution costs and when each vehicle does what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Total cost: `travel_cost + fixed_costs + penalties`.
    pub cost: Cost,
    /// Weighted travel of the used vehicles.
    pub travel_cost: Cost,
    /// Travel time of the used vehicles.
    pub travel_minutes: Minutes,
    /// Travel distance of the used vehicles.
    pub travel_meters: Meters,
    /// Fixed costs of the used vehicles.
    pub fixed_costs: Cost,
    /// Penalties of the unassigned visits.
    pub penalties: Cost,
    /// One schedule per vehicle, in the order of [`Problem::vehicles`].
    pub routes: Vec<RouteSchedule>,
}

/// The schedule of one route, leaving at the departure that makes it shortest.
///
/// An unused vehicle has no starts, no break, `departure` = `arrival` = `shift.start`, and a
/// duration and load of zero.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteSchedule {
    /// Service start of each visit, in route order.
    pub starts: Vec<Minutes>,
    /// Start of the break, when the vehicle takes one.
    pub break_start: Option<Minutes>,
    /// When the vehicle leaves its start location.
    pub departure: Minutes,
    /// When it reaches its end location.
    pub arrival: Minutes,
    /// `arrival − departure`, the smallest over all feasible departures.
    pub duration: Minutes,
    /// Sum of the demands of its visits.
    pub load: i64,
}

/// One way a solution breaks the contract of this module. Vehicles and visits are named by
/// their index in the problem; the French `Display` is meant for end users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    /// There is not exactly one route per vehicle.
    #[error("la solution a {routes} tournées pour {vehicles} véhicules")]
    RouteCount {
        /// Routes given.
        routes: usize,
        /// Vehicles of the problem.
        vehicles: usize,
    },
    /// A route holds a visit index that does not exist.
    #[error(
        "véhicule {vehicle}, position {position} : visite {visit} inconnue (le problème en a {visits})"
    )]
    UnknownVisit {
        /// The route's vehicle.
        vehicle: usize,
        /// Position in the route.
        position: usize,
        /// The unknown index.
        visit: usize,
        /// Number of visits of the problem.
        visits: usize,
    },
    /// The unassigned list holds a visit index that does not exist.
    #[error("visite non affectée {visit} inconnue (le problème en a {visits})")]
    UnknownUnassigned {
        /// The unknown index.
        visit: usize,
        /// Number of visits of the problem.
        visits: usize,
    },
    /// A visit appears more than once (in routes and the unassigned list together).
    #[error("visite {visit} : présente {times} fois au lieu d'une")]
    Repeated {
        /// The visit.
        visit: usize,
        /// How many times it appears.
        times: usize,
    },
    /// A visit is neither in a route nor unassigned.
    #[error("visite {visit} : ni placée dans une tournée ni déclarée non affectée")]
    Missing {
        /// The visit.
        visit: usize,
    },
    /// A visit without a penalty is unassigned.
    #[error("visite {visit} : obligatoire, mais non affectée")]
    MandatoryUnassigned {
        /// The visit.
        visit: usize,
    },
    /// A visit is made by a vehicle outside its `allowed_vehicles`.
    #[error("visite {visit} : faite par le véhicule {vehicle}, qui ne lui est pas permis")]
    NotAllowed {
        /// The visit.
        visit: usize,
        /// The vehicle making it.
        vehicle: usize,
    },
    /// A pinned visit is made by another vehicle than its pin's.
    #[error(
        "visite {visit} : épinglée sur le véhicule {pinned}, mais faite par le véhicule {vehicle}"
    )]
    PinnedElsewhere {
        /// The visit.
        visit: usize,
        /// The vehicle making it.
        vehicle: usize,
        /// The vehicle it is pinned to.
        pinned: usize,
    },
    /// A visit pinned at a position of its vehicle is at another.
    #[error(
        "visite {visit} : épinglée en position {pinned} du véhicule {vehicle}, mais placée en position {position}"
    )]
    PinnedPosition {
        /// The visit.
        visit: usize,
        /// Its vehicle.
        vehicle: usize,
        /// Where it is among the route's visits.
        position: usize,
        /// Where it is pinned.
        pinned: usize,
    },
    /// The demands of a route exceed its vehicle's capacity.
    #[error("véhicule {vehicle} : charge {load} au-delà de sa capacité ({capacity})")]
    OverCapacity {
        /// The vehicle.
        vehicle: usize,
        /// Sum of the demands of its visits.
        load: i64,
        /// Its capacity.
        capacity: i64,
    },
    /// An unused vehicle has a break placed.
    #[error("véhicule {vehicle} : pause placée dans une tournée vide")]
    BreakOnUnusedVehicle {
        /// The vehicle.
        vehicle: usize,
    },
    /// A used vehicle with a lunch break has no break placed.
    #[error("véhicule {vehicle} : pause déjeuner non placée")]
    MissingBreak {
        /// The vehicle.
        vehicle: usize,
    },
    /// A vehicle without a lunch break has one placed.
    #[error("véhicule {vehicle} : pause placée alors qu'il n'en a pas")]
    UnexpectedBreak {
        /// The vehicle.
        vehicle: usize,
    },
    /// The break is placed after more visits than the route has.
    #[error(
        "véhicule {vehicle} : pause après la visite n° {after}, mais la tournée n'en a que {visits}"
    )]
    BreakBeyondRoute {
        /// The vehicle.
        vehicle: usize,
        /// The route's `break_after`.
        after: usize,
        /// Number of visits of the route.
        visits: usize,
    },
    /// The vehicle reaches a visit after the end of all its windows.
    #[error("visite {visit} : arrivée {} après la fin de toutes ses plages", .arrival.0)]
    WindowMissed {
        /// The vehicle making it.
        vehicle: usize,
        /// The visit.
        visit: usize,
        /// When the vehicle arrives, leaving at `shift.start`.
        arrival: Minutes,
    },
    /// The vehicle is ready for its break only after the end of the break's window.
    #[error(
        "véhicule {vehicle} : pause possible au plus tôt à {}, après la fin de sa plage ({})",
        .ready.0,
        .latest.0
    )]
    BreakTooLate {
        /// The vehicle.
        vehicle: usize,
        /// When it is ready for its break, leaving at `shift.start`.
        ready: Minutes,
        /// The latest start of the break.
        latest: Minutes,
    },
    /// The vehicle reaches its end location after the end of its shift.
    #[error("véhicule {vehicle} : retour à {}, après la fin de son service ({})", .arrival.0, .end.0)]
    LateReturn {
        /// The vehicle.
        vehicle: usize,
        /// When it arrives at its end location, leaving at `shift.start`.
        arrival: Minutes,
        /// The end of its shift.
        end: Minutes,
    },
    /// The shortest duration of a route exceeds the vehicle's maximum.
    #[error(
        "véhicule {vehicle} : tournée de {} au plus court, au-delà de sa durée maximale ({})",
        .duration.0,
        .max.0
    )]
    TooLong {
        /// The vehicle.
        vehicle: usize,
        /// The route's shortest duration.
        duration: Minutes,
        /// The vehicle's `max_duration`.
        max: Minutes,
    },
    /// A time, duration or sum of a route does not fit in 64-bit integers.
    #[error("véhicule {vehicle} : horaires ou coûts hors des bornes des entiers 64 bits")]
    RouteOverflow {
        /// The vehicle.
        vehicle: usize,
    },
    /// A total of the solution does not fit in 64-bit integers.
    #[error("totaux de la solution hors des bornes des entiers 64 bits")]
    TotalOverflow,
}

/// Checks that `routes` (one per vehicle) and `unassigned` (visit indices) form a feasible
/// solution of `problem`, and recomputes its cost and schedules; see the module documentation
/// for the exact contract.
///
/// # Errors
///
/// Every [`Violation`] found, in a stable order, when the solution is not feasible.
pub fn check(
    problem: &Problem,
    routes: &[Route],
    unassigned: &[usize],
) -> Result<Report, Vec<Violation>> {
    let vehicles = problem.vehicles();
    if routes.len() != vehicles.len() {
        return Err(vec![Violation::RouteCount {
            routes: routes.len(),
            vehicles: vehicles.len(),
        }]);
    }
    let mut violations = Vec::new();
    let mut schedules = Vec::with_capacity(routes.len());
    let mut travel_cost: i128 = 0;
    let mut travel_minutes: i128 = 0;
    let mut travel_meters: i128 = 0;
    let mut fixed_costs: i128 = 0;
    for (index, (vehicle, route)) in vehicles.iter().zip(routes).enumerate() {
        match check_route(problem, index, vehicle, route) {
            Ok(checked) => {
                travel_cost = travel_cost.saturating_add(checked.travel.cost);
                travel_minutes += checked.travel.minutes;
                travel_meters += checked.travel.meters;
                fixed_costs += vehicle_fixed_cost(vehicle, route);
                schedules.push(checked.schedule);
            }
            Err(found) => violations.extend(found),
        }
    }
    each_visit_exactly_once(problem, routes, unassigned, &mut violations);
    if !violations.is_empty() {
        return Err(violations);
    }
    let penalties: i128 = unassigned
        .iter()
        .filter_map(|&visit| problem.visits().get(visit))
        .map(left_out_penalty)
        .sum();
    let cost = travel_cost
        .saturating_add(fixed_costs)
        .saturating_add(penalties);
    let narrow = |x: i128| i64::try_from(x).map_err(|_| vec![Violation::TotalOverflow]);
    Ok(Report {
        cost: Cost(narrow(cost)?),
        travel_cost: Cost(narrow(travel_cost)?),
        travel_minutes: Minutes(narrow(travel_minutes)?),
        travel_meters: Meters(narrow(travel_meters)?),
        fixed_costs: Cost(narrow(fixed_costs)?),
        penalties: Cost(narrow(penalties)?),
        routes: schedules,
    })
}

/// Every visit appears exactly once, in one route or in the unassigned list, and only an
/// optional visit may be unassigned.
pub fn each_visit_exactly_once(
    problem: &Problem,
    routes: &[Route],
    unassigned: &[usize],
    violations: &mut Vec<Violation>,
) {
    let visits = problem.visits();
    let mut times = vec![0_usize; visits.len()];
    // Unknown indices in routes are reported by `check_route`.
    for &visit in routes.iter().flat_map(|route| &route.visits) {
        if let Some(count) = times.get_mut(visit) {
            *count += 1;
        }
    }
    for &visit in unassigned {
        match (visits.get(visit), times.get_mut(visit)) {
            (Some(data), Some(count)) => {
                *count += 1;
                if data.penalty.is_none() {
                    violations.push(Violation::MandatoryUnassigned { visit });
                }
            }
            _ => violations.push(Violation::UnknownUnassigned {
                visit,
                visits: visits.len(),
            }),
        }
    }
    for (visit, &count) in times.iter().enumerate() {
        match count {
            0 => violations.push(Violation::Missing { visit }),
            1 => {}
            _ => violations.push(Violation::Repeated {
                visit,
                times: count,
            }),
        }
    }
}

/// A route that passed every rule: its travel and its schedule.
struct CheckedRoute {
    travel: Travel,
    schedule: RouteSchedule,
}

/// Travel along a route, unweighted and weighted.
#[derive(Default)]
struct Travel {
    minutes: i128,
    meters: i128,
    /// Saturates: any value beyond `i64` ends as an overflow violation anyway.
    cost: i128,
}

/// Checks one vehicle's route against every rule of the module documentation.
fn check_route(
    problem: &Problem,
    index: usize,
    vehicle: &Vehicle,
    route: &Route,
) -> Result<CheckedRoute, Vec<Violation>> {
    if route.visits.is_empty() {
        return unused_vehicle(index, vehicle, route);
    }
    let mut violations = Vec::new();
    let mut visits = Vec::with_capacity(route.visits.len());
    for (position, &visit) in route.visits.iter().enumerate() {
        match problem.visits().get(visit) {
            Some(data) => {
                visit_on_an_allowed_vehicle(problem, index, position, visit, &mut violations);
                visits.push((visit, data));
            }
            None => violations.push(Violation::UnknownVisit {
                vehicle: index,
                position,
                visit,
                visits: problem.visits().len(),
            }),
        }
    }
    if visits.len() < route.visits.len() {
        // The route cannot be simulated with a visit missing.
        return Err(violations);
    }
    let load = load_within_capacity(index, vehicle, &visits, &mut violations);
    let schedule = break_is_placed(index, vehicle, route).and_then(|break_after| {
        let stops = stops(problem, vehicle, &visits, break_after);
        shortest_schedule(index, vehicle, &stops)
    });
    let schedule = match schedule {
        Ok(timeline) => timeline,
        Err(violation) => {
            violations.push(violation);
            return Err(violations);
        }
    };
    if !violations.is_empty() {
        return Err(violations);
    }
    let travel = travel(problem, vehicle, &visits);
    let schedule = report_schedule(&schedule, load)
        .ok_or_else(|| vec![Violation::RouteOverflow { vehicle: index }])?;
    Ok(CheckedRoute { travel, schedule })
}

/// An unused vehicle costs nothing and has no break placed.
fn unused_vehicle(
    index: usize,
    vehicle: &Vehicle,
    route: &Route,
) -> Result<CheckedRoute, Vec<Violation>> {
    if route.break_after.is_some() {
        return Err(vec![Violation::BreakOnUnusedVehicle { vehicle: index }]);
    }
    Ok(CheckedRoute {
        travel: Travel::default(),
        schedule: RouteSchedule {
            starts: Vec::new(),
            break_start: None,
            departure: vehicle.shift.start,
            arrival: vehicle.shift.start,
            duration: Minutes::ZERO,
            load: 0,
        },
    })
}

/// A visit is made by a vehicle it allows, and a pinned visit by its pin's vehicle, at its
/// pin's position when set.
pub fn visit_on_an_allowed_vehicle(
    problem: &Problem,
    vehicle: usize,
    position: usize,
    visit: usize,
    violations: &mut Vec<Violation>,
) {
    if !problem.allows(visit, vehicle) {
        violations.push(Violation::NotAllowed { visit, vehicle });
    }
    let Some(pin) = problem.visits().get(visit).and_then(|data| data.pin) else {
        return;
    };
    if pin.vehicle != vehicle {
        violations.push(Violation::PinnedElsewhere {
            visit,
            vehicle,
            pinned: pin.vehicle,
        });
    } else if let Some(pinned) = pin.position
        && pinned != position
    {
        violations.push(Violation::PinnedPosition {
            visit,
            vehicle,
            position,
            pinned,
        });
    }
}

/// The demands of a route's visits add up to at most its vehicle's capacity. Returns the load.
pub fn load_within_capacity(
    index: usize,
    vehicle: &Vehicle,
    visits: &[(usize, &Visit)],
    violations: &mut Vec<Violation>,
) -> i128 {
    let load: i128 = visits
        .iter()
        .map(|(_, visit)| i128::from(visit.demand))
        .sum();
    if load > i128::from(vehicle.capacity) {
        violations.push(Violation::OverCapacity {
            vehicle: index,
            load: clamp(load),
            capacity: vehicle.capacity,
        });
    }
    load
}

/// A used vehicle with a lunch has its break placed after at most all its visits; a vehicle
/// without one has none. Returns where the break goes.
///
/// # Errors
/// The [`Violation`] when the break is missing, unexpected or beyond the route.
pub fn break_is_placed(
    index: usize,
    vehicle: &Vehicle,
    route: &Route,
) -> Result<Option<usize>, Violation> {
    match (vehicle.lunch, route.break_after) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(Violation::UnexpectedBreak { vehicle: index }),
        (Some(_), None) => Err(Violation::MissingBreak { vehicle: index }),
        (Some(_), Some(after)) if after > route.visits.len() => Err(Violation::BreakBeyondRoute {
            vehicle: index,
            after,
            visits: route.visits.len(),
        }),
        (Some(_), Some(after)) => Ok(Some(after)),
    }
}

/// What a stop of the schedule is.
#[derive(Debug, Clone, Copy)]
enum StopKind {
    /// The visit of this index.
    Visit(usize),
    /// The vehicle's break.
    Break,
}

/// One stop of a route as the schedule sees it: a visit or the break.
#[derive(Debug, Clone, Copy)]
struct Stop<'a> {
    kind: StopKind,
    /// Travel time from the previous stop (or from `start`); zero for the break.
    travel: i128,
    /// When it may start (sorted, disjoint).
    windows: &'a [TimeWindow],
    /// How long it lasts.
    duration: i128,
}

/// The stops of a route, with the break inserted after `break_after` visits, and the travel
/// time from the last location to `end`.
fn stops<'a>(
    problem: &Problem,
    vehicle: &'a Vehicle,
    visits: &[(usize, &'a Visit)],
    break_after: Option<usize>,
) -> (Vec<Stop<'a>>, i128) {
    let mut stops = Vec::with_capacity(visits.len() + 1);
    let mut here = vehicle.start;
    for k in 0..=visits.len() {
        if break_after == Some(k)
            && let Some(lunch) = &vehicle.lunch
        {
            stops.push(Stop {
                kind: StopKind::Break,
                travel: 0,
                windows: slice::from_ref(&lunch.window),
                duration: i128::from(lunch.duration.0),
            });
        }
        if let Some(&(index, visit)) = visits.get(k) {
            stops.push(Stop {
                kind: StopKind::Visit(index),
                travel: i128::from(problem.minutes(here, visit.location).0),
                windows: &visit.windows,
                duration: i128::from(visit.service.0),
            });
            here = visit.location;
        }
    }
    (stops, i128::from(problem.minutes(here, vehicle.end).0))
}

/// The times of a route leaving at one departure.
#[derive(Debug, Clone)]
struct Timeline {
    departure: i128,
    /// Start of each stop (visits and break), in order.
    starts: Vec<(StopKind, i128)>,
    /// Arrival at `end`.
    arrival: i128,
}

impl Timeline {
    fn duration(&self) -> i128 {
        self.arrival - self.departure
    }
}

/// The earliest schedule leaving `start` at `departure`: each stop starts at the first instant
/// at or after its arrival that lies in one of its windows; the return is by `shift.end`.
fn simulate(
    index: usize,
    vehicle: &Vehicle,
    (stops, back): &(Vec<Stop<'_>>, i128),
    departure: i128,
) -> Result<Timeline, Violation> {
    let mut time = departure;
    let mut starts = Vec::with_capacity(stops.len());
    for stop in stops {
        let arrival = time + stop.travel;
        let Some(start) = start_inside_a_window(stop.windows, arrival) else {
            return Err(match stop.kind {
                StopKind::Visit(visit) => Violation::WindowMissed {
                    vehicle: index,
                    visit,
                    arrival: Minutes(clamp(arrival)),
                },
                StopKind::Break => Violation::BreakTooLate {
                    vehicle: index,
                    ready: Minutes(clamp(arrival)),
                    latest: stop.windows.last().map_or(Minutes::ZERO, |w| w.end),
                },
            });
        };
        starts.push((stop.kind, start));
        time = start + stop.duration;
    }
    let arrival = time + back;
    if !back_by_shift_end(vehicle, arrival) {
        return Err(Violation::LateReturn {
            vehicle: index,
            arrival: Minutes(clamp(arrival)),
            end: vehicle.shift.end,
        });
    }
    Ok(Timeline {
        departure,
        starts,
        arrival,
    })
}

/// The feasible schedule of smallest duration (smallest departure on ties), which must be at
/// most `max_duration`; or the violation of the schedule leaving at `shift.start`.
///
/// Why the candidate departures suffice. Every arrival is a non-decreasing function of the
/// departure `d`, left-continuous: it jumps up just after an arrival passes the end of a window
/// that is not the last. So if leaving at `shift.start` fails, every later departure fails too,
/// and the feasible departures otherwise form an interval `[shift.start, d_max]`. On it,
/// `duration(d) = arrival_at_end(d) − d` falls (slope −1) while some stop waits, stays flat
/// while none does, and jumps up where an arrival passes a window's end. Its smallest
/// minimiser is thus `shift.start`, a point where the last waiting vanishes, or the right end
/// of a piece (an arrival exactly at a window's end, or the return exactly at `shift.end`).
/// At each of these, no stop before the one concerned waits, so that stop is reached at
/// `d + offset`, where `offset` sums the travel and durations before it: the candidates are
/// `window bound − offset` for every stop and window, and `shift.end − total`.
fn shortest_schedule(
    index: usize,
    vehicle: &Vehicle,
    plan: &(Vec<Stop<'_>>, i128),
) -> Result<Timeline, Violation> {
    let earliest = i128::from(vehicle.shift.start.0);
    let mut best = simulate(index, vehicle, plan, earliest)?;
    for departure in candidate_departures(vehicle, plan) {
        if let Ok(timeline) = simulate(index, vehicle, plan, departure)
            && timeline.duration() < best.duration()
        {
            best = timeline;
        }
    }
    if let Some(max) = vehicle.max_duration
        && !within_max_duration(vehicle, best.duration())
    {
        return Err(Violation::TooLong {
            vehicle: index,
            duration: Minutes(clamp(best.duration())),
            max,
        });
    }
    Ok(best)
}

/// Departures after `shift.start`, in increasing order, at which a stop reached without
/// waiting before it arrives exactly at a bound of one of its windows, or the vehicle returns
/// exactly at `shift.end`.
fn candidate_departures(vehicle: &Vehicle, (stops, back): &(Vec<Stop<'_>>, i128)) -> Vec<i128> {
    let mut candidates = Vec::new();
    let mut offset: i128 = 0;
    for stop in stops {
        offset += stop.travel;
        for window in stop.windows {
            candidates.push(i128::from(window.start.0) - offset);
            candidates.push(i128::from(window.end.0) - offset);
        }
        offset += stop.duration;
    }
    candidates.push(i128::from(vehicle.shift.end.0) - offset - back);
    let earliest = i128::from(vehicle.shift.start.0);
    candidates.retain(|&d| d > earliest);
    candidates.sort_unstable();
    candidates.dedup();
    candidates
}

/// A visit (or the break) starts inside one of its windows, sorted and disjoint: at the first
/// instant at or after `arrival` that lies in one; `None` when it arrives after the last.
pub fn start_inside_a_window(windows: &[TimeWindow], arrival: i128) -> Option<i128> {
    let window = windows.iter().find(|w| i128::from(w.end.0) >= arrival)?;
    Some(arrival.max(i128::from(window.start.0)))
}

/// A vehicle is back at its end location by the end of its shift (it leaves no earlier than
/// the shift's start: schedules are simulated from there).
pub fn back_by_shift_end(vehicle: &Vehicle, arrival: i128) -> bool {
    arrival <= i128::from(vehicle.shift.end.0)
}

/// A route lasts at most its vehicle's maximum duration, when it has one.
pub fn within_max_duration(vehicle: &Vehicle, duration: i128) -> bool {
    vehicle
        .max_duration
        .is_none_or(|max| duration <= i128::from(max.0))
}

/// Soft: travel costs its weight per minute plus its weight per metre, on every leg a used
/// vehicle drives (saturating: a total beyond `i64` ends as an overflow violation).
pub fn weighted_travel(weights: Weights, minutes: i128, meters: i128) -> i128 {
    i128::from(weights.per_minute)
        .saturating_mul(minutes)
        .saturating_add(i128::from(weights.per_meter).saturating_mul(meters))
}

/// Soft: a used vehicle costs its fixed cost; an unused one costs nothing.
pub fn vehicle_fixed_cost(vehicle: &Vehicle, route: &Route) -> i128 {
    if route.visits.is_empty() {
        0
    } else {
        i128::from(vehicle.fixed_cost.0)
    }
}

/// Soft: an optional visit left out costs its penalty (a mandatory one is a violation).
pub fn left_out_penalty(visit: &Visit) -> i128 {
    visit.penalty.map_or(0, |p| i128::from(p.0))
}

/// Travel along start → visits → end (the break adds none).
fn travel(problem: &Problem, vehicle: &Vehicle, visits: &[(usize, &Visit)]) -> Travel {
    let weights = problem.weights();
    let locations: Vec<_> = std::iter::once(vehicle.start)
        .chain(visits.iter().map(|(_, visit)| visit.location))
        .chain(std::iter::once(vehicle.end))
        .collect();
    let mut travel = Travel::default();
    for leg in locations.windows(2) {
        let (from, to) = (leg[0], leg[1]);
        let minutes = i128::from(problem.minutes(from, to).0);
        let meters = i128::from(problem.meters(from, to).0);
        travel.minutes += minutes;
        travel.meters += meters;
        travel.cost = travel
            .cost
            .saturating_add(weighted_travel(weights, minutes, meters));
    }
    travel
}

/// The public schedule of a timeline, or `None` when a value does not fit in `i64`.
fn report_schedule(timeline: &Timeline, load: i128) -> Option<RouteSchedule> {
    let narrow = |x: i128| i64::try_from(x).ok().map(Minutes);
    let mut starts = Vec::new();
    let mut break_start = None;
    for &(kind, start) in &timeline.starts {
        match kind {
            StopKind::Visit(_) => starts.push(narrow(start)?),
            StopKind::Break => break_start = Some(narrow(start)?),
        }
    }
    Some(RouteSchedule {
        starts,
        break_start,
        departure: narrow(timeline.departure)?,
        arrival: narrow(timeline.arrival)?,
        duration: narrow(timeline.duration())?,
        load: i64::try_from(load).ok()?,
    })
}

/// `x` clamped to the range of `i64`, for quoting a quantity in a violation.
fn clamp(x: i128) -> i64 {
    let clamped = x.clamp(i128::from(i64::MIN), i128::from(i64::MAX));
    i64::try_from(clamped).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ids::LocationIdx;
    use crate::routing::{Break, Pin, Weights};
    use crate::travel::{Leg, TravelMatrix};

    /// A matrix from a square table of minutes; each minute of travel is 500 metres.
    fn matrix(minutes: &[&[i64]]) -> TravelMatrix {
        let legs = minutes
            .iter()
            .flat_map(|row| row.iter().map(|&m| Leg::new(Minutes(m), Meters(500 * m))))
            .collect();
        TravelMatrix::new(minutes.len(), legs).expect("valid test matrix")
    }

    /// Two locations 10 minutes apart: 0 is the depot, 1 a family.
    fn two_places() -> TravelMatrix {
        matrix(&[&[0, 10], &[10, 0]])
    }

    /// A vehicle based at location 0, capacity 10, with no limit but its shift.
    fn vehicle(shift: (i64, i64)) -> Vehicle {
        Vehicle {
            start: LocationIdx::new(0),
            end: LocationIdx::new(0),
            shift: TimeWindow::new(Minutes(shift.0), Minutes(shift.1)),
            capacity: 10,
            max_duration: None,
            lunch: None,
            fixed_cost: Cost(0),
        }
    }

    /// A mandatory visit of demand 1 and no service time, which any vehicle may make.
    fn visit(location: usize, windows: &[(i64, i64)]) -> Visit {
        Visit {
            location: LocationIdx::new(location),
            service: Minutes(0),
            demand: 1,
            windows: windows
                .iter()
                .map(|&(start, end)| TimeWindow::new(Minutes(start), Minutes(end)))
                .collect(),
            allowed_vehicles: None,
            penalty: None,
            pin: None,
        }
    }

    fn route(visits: &[usize]) -> Route {
        Route {
            visits: visits.to_vec(),
            break_after: None,
        }
    }

    fn problem(vehicles: Vec<Vehicle>, visits: Vec<Visit>, travel: &TravelMatrix) -> Problem {
        let weights = Weights {
            per_minute: 1,
            per_meter: 0,
        };
        Problem::new(vehicles, visits, travel, weights).expect("valid test problem")
    }

    fn violations(result: Result<Report, Vec<Violation>>) -> Vec<Violation> {
        result.expect_err("the solution should be refused")
    }

    #[test]
    fn a_three_visit_route_has_its_hand_computed_cost_and_starts() {
        // Arrange: depot 0 and families 1, 2, 3; the route 0 → 1 → 2 → 3 → 0 drives
        // 10 + 5 + 8 + 30 = 53 minutes, 26 500 metres.
        let travel = matrix(&[
            &[0, 10, 20, 30],
            &[10, 0, 5, 15],
            &[20, 5, 0, 8],
            &[30, 15, 8, 0],
        ]);
        let mut visits = vec![
            visit(1, &[(0, 50)]),
            visit(2, &[(35, 60)]),
            visit(3, &[(0, 100)]),
        ];
        visits[0].service = Minutes(20);
        visits[1].service = Minutes(10);
        visits[2].service = Minutes(5);
        let mut van = vehicle((0, 200));
        van.fixed_cost = Cost(100);
        let weights = Weights {
            per_minute: 3,
            per_meter: 1,
        };
        let problem = Problem::new(vec![van], visits, &travel, weights).expect("valid");

        // Act
        let report = check(&problem, &[route(&[0, 1, 2])], &[]).expect("feasible");

        // Assert: arrive at 10, leave at 30; arrive at 35, leave at 45; arrive at 53, leave at
        // 58; back at 88.
        assert_eq!(report.travel_minutes, Minutes(53));
        assert_eq!(report.travel_meters, Meters(26_500));
        assert_eq!(report.travel_cost, Cost(3 * 53 + 26_500));
        assert_eq!(report.fixed_costs, Cost(100));
        assert_eq!(report.penalties, Cost(0));
        assert_eq!(report.cost, Cost(3 * 53 + 26_500 + 100));
        let schedule = &report.routes[0];
        assert_eq!(schedule.starts, vec![Minutes(10), Minutes(35), Minutes(53)]);
        assert_eq!(schedule.departure, Minutes(0));
        assert_eq!(schedule.arrival, Minutes(88));
        assert_eq!(schedule.duration, Minutes(88));
        assert_eq!(schedule.load, 3);
        assert_eq!(schedule.break_start, None);
    }

    #[test]
    fn service_starts_at_the_second_window_when_the_first_has_closed() {
        // Arrange: the family is reached at 10 at the earliest; its first window ends at 5.
        let problem = problem(
            vec![vehicle((0, 500))],
            vec![visit(1, &[(0, 5), (120, 150)])],
            &two_places(),
        );

        // Act
        let report = check(&problem, &[route(&[0])], &[]).expect("feasible");

        // Assert
        assert_eq!(report.routes[0].starts, vec![Minutes(120)]);
    }

    #[test]
    fn a_missed_window_is_reported_with_the_visit_and_its_arrival() {
        let problem = problem(
            vec![vehicle((0, 500))],
            vec![visit(1, &[(0, 5)])],
            &two_places(),
        );

        let found = violations(check(&problem, &[route(&[0])], &[]));

        assert_eq!(
            found,
            vec![Violation::WindowMissed {
                vehicle: 0,
                visit: 0,
                arrival: Minutes(10)
            }]
        );
        assert_eq!(
            found[0].to_string(),
            "visite 0 : arrivée 10 après la fin de toutes ses plages"
        );
    }

    #[test]
    fn a_route_over_capacity_is_refused() {
        let mut van = vehicle((0, 500));
        van.capacity = 1;
        let problem = problem(
            vec![van],
            vec![visit(1, &[(0, 100)]), visit(1, &[(0, 100)])],
            &two_places(),
        );

        let found = violations(check(&problem, &[route(&[0, 1])], &[]));

        assert_eq!(
            found,
            vec![Violation::OverCapacity {
                vehicle: 0,
                load: 2,
                capacity: 1
            }]
        );
    }

    /// A vehicle with a 30-minute lunch starting in `window`, and one visit of 20 minutes at
    /// location 1 with the break placed after it.
    fn lunch_case(window: (i64, i64)) -> (Problem, Route) {
        let mut van = vehicle((0, 500));
        van.lunch = Some(Break {
            window: TimeWindow::new(Minutes(window.0), Minutes(window.1)),
            duration: Minutes(30),
        });
        let mut family = visit(1, &[(0, 100)]);
        family.service = Minutes(20);
        let problem = problem(vec![van], vec![family], &two_places());
        let route = Route {
            visits: vec![0],
            break_after: Some(1),
        };
        (problem, route)
    }

    #[test]
    fn a_break_waits_for_its_window_where_the_vehicle_is_and_adds_no_travel() {
        // Arrange: ready for lunch 30 minutes after leaving; lunch may start from 60.
        let (problem, route) = lunch_case((60, 90));

        // Act
        let report = check(&problem, &[route], &[]).expect("feasible");

        // Assert: leave at 30, visit 40–60, lunch 60–90 on site, back at 100.
        let schedule = &report.routes[0];
        assert_eq!(schedule.break_start, Some(Minutes(60)));
        assert_eq!(schedule.departure, Minutes(30));
        assert_eq!(schedule.starts, vec![Minutes(40)]);
        assert_eq!(schedule.arrival, Minutes(100));
        assert_eq!(report.travel_minutes, Minutes(20));
    }

    #[test]
    fn a_break_that_cannot_start_inside_its_window_is_refused() {
        // The vehicle is ready for lunch at 30 at the earliest; lunch must start by 20.
        let (problem, route) = lunch_case((0, 20));

        let found = violations(check(&problem, &[route], &[]));

        assert_eq!(
            found,
            vec![Violation::BreakTooLate {
                vehicle: 0,
                ready: Minutes(30),
                latest: Minutes(20)
            }]
        );
    }

    #[test]
    fn a_break_must_be_placed_once_within_the_route_and_only_when_due() {
        let (problem, mut missing) = lunch_case((0, 200));
        missing.break_after = None;
        let beyond = Route {
            visits: vec![0],
            break_after: Some(2),
        };
        let no_lunch = self::problem(
            vec![vehicle((0, 500))],
            vec![visit(1, &[(0, 100)])],
            &two_places(),
        );
        let unexpected = Route {
            visits: vec![0],
            break_after: Some(0),
        };

        assert_eq!(
            violations(check(&problem, &[missing], &[])),
            vec![Violation::MissingBreak { vehicle: 0 }]
        );
        assert_eq!(
            violations(check(&problem, &[beyond], &[])),
            vec![Violation::BreakBeyondRoute {
                vehicle: 0,
                after: 2,
                visits: 1
            }]
        );
        assert_eq!(
            violations(check(&no_lunch, &[unexpected], &[])),
            vec![Violation::UnexpectedBreak { vehicle: 0 }]
        );
    }

    #[test]
    fn an_unused_vehicle_needs_no_break_and_may_not_have_one() {
        let mut family = visit(1, &[(0, 100)]);
        family.penalty = Some(Cost(7));
        let (with_lunch, _) = lunch_case((0, 20));
        let with_lunch = Problem::new(
            with_lunch.vehicles().to_vec(),
            vec![family],
            &two_places(),
            with_lunch.weights(),
        )
        .expect("valid");
        let placed = Route {
            visits: Vec::new(),
            break_after: Some(0),
        };

        let report = check(&with_lunch, &[Route::default()], &[0]).expect("feasible");
        let found = violations(check(&with_lunch, &[placed], &[0]));

        assert_eq!(report.cost, Cost(7));
        assert_eq!(found, vec![Violation::BreakOnUnusedVehicle { vehicle: 0 }]);
    }

    #[test]
    fn a_pinned_visit_on_another_vehicle_or_position_is_refused() {
        // Arrange: visit 1 is pinned first on vehicle 1.
        let mut pinned = visit(1, &[(0, 100)]);
        pinned.pin = Some(Pin {
            vehicle: 1,
            position: Some(0),
        });
        let problem = problem(
            vec![vehicle((0, 500)), vehicle((0, 500))],
            vec![visit(1, &[(0, 100)]), pinned],
            &two_places(),
        );

        // Act
        let elsewhere = violations(check(&problem, &[route(&[0, 1]), route(&[])], &[]));
        let second = violations(check(&problem, &[route(&[]), route(&[0, 1])], &[]));
        let right = check(&problem, &[route(&[]), route(&[1, 0])], &[]);

        // Assert
        assert_eq!(
            elsewhere,
            vec![Violation::PinnedElsewhere {
                visit: 1,
                vehicle: 0,
                pinned: 1
            }]
        );
        assert_eq!(
            second,
            vec![Violation::PinnedPosition {
                visit: 1,
                vehicle: 1,
                position: 1,
                pinned: 0
            }]
        );
        assert!(right.is_ok(), "{right:?}");
    }

    #[test]
    fn a_visit_on_a_vehicle_it_does_not_allow_is_refused() {
        let mut family = visit(1, &[(0, 100)]);
        family.allowed_vehicles = Some(vec![1]);
        let problem = problem(
            vec![vehicle((0, 500)), vehicle((0, 500))],
            vec![family],
            &two_places(),
        );

        let found = violations(check(&problem, &[route(&[0]), route(&[])], &[]));

        assert_eq!(
            found,
            vec![Violation::NotAllowed {
                visit: 0,
                vehicle: 0
            }]
        );
    }

    #[test]
    fn duplicate_missing_and_unknown_visits_are_refused() {
        let mut optional = visit(1, &[(0, 100)]);
        optional.penalty = Some(Cost(5));
        let problem = problem(
            vec![vehicle((0, 500))],
            vec![visit(1, &[(0, 100)]), optional, visit(1, &[(0, 100)])],
            &two_places(),
        );

        let found = violations(check(&problem, &[route(&[0, 1, 9])], &[1, 4]));

        assert_eq!(
            found,
            vec![
                Violation::UnknownVisit {
                    vehicle: 0,
                    position: 2,
                    visit: 9,
                    visits: 3
                },
                Violation::UnknownUnassigned {
                    visit: 4,
                    visits: 3
                },
                Violation::Repeated { visit: 1, times: 2 },
                Violation::Missing { visit: 2 },
            ]
        );
    }

    #[test]
    fn a_mandatory_visit_left_unassigned_is_refused_and_an_optional_one_costs_its_penalty() {
        let mut optional = visit(1, &[(0, 100)]);
        optional.penalty = Some(Cost(40));
        let problem = problem(
            vec![vehicle((0, 500))],
            vec![visit(1, &[(0, 100)]), optional],
            &two_places(),
        );

        let mandatory_left_out = violations(check(&problem, &[route(&[1])], &[0]));
        let optional_left_out = check(&problem, &[route(&[0])], &[1]).expect("feasible");

        assert_eq!(
            mandatory_left_out,
            vec![Violation::MandatoryUnassigned { visit: 0 }]
        );
        assert_eq!(optional_left_out.penalties, Cost(40));
        assert_eq!(optional_left_out.cost, Cost(20 + 40));
    }

    #[test]
    fn leaving_later_removes_waiting_from_the_duration() {
        // Arrange: the family's window opens at 100, 10 minutes away.
        let problem = problem(
            vec![vehicle((0, 500))],
            vec![visit(1, &[(100, 120)])],
            &two_places(),
        );

        // Act
        let report = check(&problem, &[route(&[0])], &[]).expect("feasible");

        // Assert
        let schedule = &report.routes[0];
        assert_eq!(schedule.departure, Minutes(90));
        assert_eq!(schedule.starts, vec![Minutes(100)]);
        assert_eq!(schedule.arrival, Minutes(110));
        assert_eq!(schedule.duration, Minutes(20));
    }

    #[test]
    fn the_shortest_duration_may_leave_just_in_time_for_the_end_of_a_window() {
        // Arrange: visit 0 must start by 20 (or from 200, too late for visit 1), visit 1 not
        // before 60. Leaving at 10 reaches visit 0 at 20 and waits 30 instead of 40 at visit 1.
        let travel = matrix(&[&[0, 10, 10], &[10, 0, 10], &[10, 10, 0]]);
        let problem = problem(
            vec![vehicle((0, 1000))],
            vec![visit(1, &[(0, 20), (200, 210)]), visit(2, &[(60, 70)])],
            &travel,
        );

        // Act
        let report = check(&problem, &[route(&[0, 1])], &[]).expect("feasible");

        // Assert
        let schedule = &report.routes[0];
        assert_eq!(schedule.departure, Minutes(10));
        assert_eq!(schedule.starts, vec![Minutes(20), Minutes(60)]);
        assert_eq!(schedule.duration, Minutes(60));
    }

    #[test]
    fn the_maximum_duration_applies_to_the_shortest_departure() {
        let mut limited = vehicle((0, 500));
        limited.max_duration = Some(Minutes(20));
        let mut too_short = limited.clone();
        too_short.max_duration = Some(Minutes(19));
        let family = visit(1, &[(100, 120)]);
        let fits = problem(vec![limited], vec![family.clone()], &two_places());
        let exceeds = problem(vec![too_short], vec![family], &two_places());

        let fitting = check(&fits, &[route(&[0])], &[]);
        let found = violations(check(&exceeds, &[route(&[0])], &[]));

        assert!(fitting.is_ok(), "{fitting:?}");
        assert_eq!(
            found,
            vec![Violation::TooLong {
                vehicle: 0,
                duration: Minutes(20),
                max: Minutes(19)
            }]
        );
    }

    #[test]
    fn a_return_after_the_end_of_the_shift_is_refused() {
        let problem = problem(
            vec![vehicle((0, 100))],
            vec![visit(1, &[(95, 100)])],
            &two_places(),
        );

        let found = violations(check(&problem, &[route(&[0])], &[]));

        assert_eq!(
            found,
            vec![Violation::LateReturn {
                vehicle: 0,
                arrival: Minutes(105),
                end: Minutes(100)
            }]
        );
    }

    #[test]
    fn unused_vehicles_cost_nothing() {
        let mut vans = vec![vehicle((0, 500)), vehicle((0, 500)), vehicle((0, 500))];
        for van in &mut vans {
            van.fixed_cost = Cost(1000);
        }
        let problem = problem(vans, vec![visit(1, &[(0, 100)])], &two_places());

        let report =
            check(&problem, &[route(&[]), route(&[0]), route(&[])], &[]).expect("feasible");

        assert_eq!(report.fixed_costs, Cost(1000));
        assert_eq!(report.travel_minutes, Minutes(20));
        assert_eq!(report.cost, Cost(1020));
        assert_eq!(report.routes[0].duration, Minutes::ZERO);
        assert_eq!(report.routes[2].starts, Vec::<Minutes>::new());
    }

    #[test]
    fn a_solution_without_one_route_per_vehicle_is_refused() {
        let problem = problem(
            vec![vehicle((0, 500)), vehicle((0, 500))],
            vec![visit(1, &[(0, 100)])],
            &two_places(),
        );

        let found = violations(check(&problem, &[route(&[0])], &[]));

        assert_eq!(
            found,
            vec![Violation::RouteCount {
                routes: 1,
                vehicles: 2
            }]
        );
    }

    #[test]
    fn values_beyond_64_bits_are_reported_not_a_panic() {
        // Arrange: an "always open" shift and window at the ends of i64. Leaving at i64::MIN
        // with a service of i64::MAX makes a route longer than i64::MAX; a huge weight makes
        // the travel cost overflow.
        let mut family = visit(1, &[(i64::MIN, i64::MAX)]);
        let costly = Weights {
            per_minute: i64::MAX,
            per_meter: 0,
        };
        let costly = Problem::new(
            vec![vehicle((i64::MIN, i64::MAX))],
            vec![family.clone()],
            &two_places(),
            costly,
        )
        .expect("valid");
        family.service = Minutes(i64::MAX);
        let long = problem(
            vec![vehicle((i64::MIN, i64::MAX))],
            vec![family],
            &two_places(),
        );

        // Act
        let cost = violations(check(&costly, &[route(&[0])], &[]));
        let duration = violations(check(&long, &[route(&[0])], &[]));

        // Assert
        assert_eq!(cost, vec![Violation::TotalOverflow]);
        assert_eq!(duration, vec![Violation::RouteOverflow { vehicle: 0 }]);
    }

    /// The shortest feasible duration and its smallest departure, scanning every integer
    /// departure of the shift.
    fn scan_every_departure(problem: &Problem, route: &Route) -> Option<(i128, i128)> {
        let vehicle = &problem.vehicles()[0];
        let visits: Vec<_> = route
            .visits
            .iter()
            .map(|&v| (v, &problem.visits()[v]))
            .collect();
        let plan = stops(problem, vehicle, &visits, route.break_after);
        (vehicle.shift.start.0..=vehicle.shift.end.0)
            .filter_map(|d| simulate(0, vehicle, &plan, i128::from(d)).ok())
            .map(|timeline| (timeline.duration(), timeline.departure))
            .min()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn the_shortest_duration_matches_a_scan_of_every_departure(
            legs in proptest::collection::vec(0_i64..25, 16),
            families in proptest::collection::vec(
                (1_usize..4, 0_i64..20, 0_i64..160, 0_i64..30, 0_i64..60, 0_i64..30),
                1..5,
            ),
            lunch in proptest::option::of((0_i64..250, 0_i64..40, 0_i64..40)),
            break_position in 0_usize..5,
            shift_start in 0_i64..60,
        ) {
            // Arrange: 4 locations, 1 to 4 visits with one or two windows, maybe a lunch.
            let rows: Vec<Vec<i64>> = (0..4)
                .map(|from| (0..4).map(|to| if from == to { 0 } else { legs[from * 4 + to] }).collect())
                .collect();
            let rows: Vec<&[i64]> = rows.iter().map(Vec::as_slice).collect();
            let travel = matrix(&rows);
            let visits: Vec<Visit> = families
                .iter()
                .map(|&(location, service, open, width, gap, second)| {
                    let mut windows = vec![(open, open + width)];
                    if gap > 0 {
                        let reopen = open + width + gap;
                        windows.push((reopen, reopen + second));
                    }
                    let mut family = visit(location, &windows);
                    family.service = Minutes(service);
                    family
                })
                .collect();
            let mut van = vehicle((shift_start, 400));
            van.lunch = lunch.map(|(open, width, duration)| Break {
                window: TimeWindow::new(Minutes(open), Minutes(open + width)),
                duration: Minutes(duration),
            });
            let route = Route {
                visits: (0..visits.len()).collect(),
                break_after: van.lunch.map(|_| break_position % (visits.len() + 1)),
            };
            let problem = problem(vec![van], visits, &travel);

            // Act
            let result = check(&problem, slice::from_ref(&route), &[]);
            let scanned = scan_every_departure(&problem, &route);

            // Assert
            match result {
                Ok(report) => {
                    let schedule = &report.routes[0];
                    let found = (i128::from(schedule.duration.0), i128::from(schedule.departure.0));
                    prop_assert_eq!(Some(found), scanned);
                }
                Err(_) => prop_assert_eq!(scanned, None),
            }
        }
    }
}
