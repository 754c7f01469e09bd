//! The search: slack induction by string removals (SISR, Christiaens & Vanden Berghe 2020)
//! under simulated annealing. Each iteration removes a few strings of visits that lie close to
//! each other from a few routes (ruin), puts them back one by one at their cheapest feasible
//! place with random "blinks" (recreate), and accepts the result by the annealing rule. A
//! candidate that beats the best solution is first polished by local search (`operators/`).
//! Candidates are made in place and undone through a journal of the routes they changed. Every
//! intermediate solution meets all constraints; a visit that fits nowhere is left out, which
//! for a mandatory visit is worse than any cost.

use crate::limits::{Deadline, Params, StopReason};
use crate::rng::Rng;
use crate::units::Cost;

use super::operators::{self, LocalSearch};
use super::problem::Problem;
use super::route::{Node, RouteState};
use super::{Route, Rule, Solution, Stats, construct};
use crate::cost::RuleCost;
use crate::unmet::UnmetReason;

/// Units of work (mostly move evaluations) per second on the reference machine (2-core AMD
/// EPYC) for up to [`CACHED_LOCATIONS`] locations: turns a time limit into the deterministic
/// work budget (STYLE.md §8), set so that a solve ends on its budget after about three quarters
/// of its time limit and the wall-clock guard stays a safety net.
pub(super) const EVALUATIONS_PER_SECOND: u64 = 40_000_000;
/// Beyond this many locations the travel matrix outgrows the caches and each evaluation gets
/// slower: the rate falls in proportion (measured with `parcours bench scaling`).
const CACHED_LOCATIONS: u64 = 400;

/// Work per second for `problem`.
fn work_rate(problem: &Problem) -> u64 {
    let locations = problem.locations() as u64;
    EVALUATIONS_PER_SECOND * CACHED_LOCATIONS / locations.max(CACHED_LOCATIONS)
}

/// Average number of visits removed per ruin (SISR's c̄).
const MEAN_REMOVED: f64 = 10.0;
/// Longest string removed (SISR's L^max).
const MAX_STRING: f64 = 10.0;
/// Probability of skipping a position during recreate (SISR's β).
const BLINK: f64 = 0.01;
/// Nearest visits each visit's local-search moves consider.
const GRANULARITY: usize = 20;

/// A complete state of the search.
#[derive(Debug, Clone)]
pub(super) struct State {
    pub(super) routes: Vec<RouteState>,
    pub(super) unassigned: Vec<usize>,
}

/// Lexicographic objective: mandatory visits left out, then cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Objective {
    missing: usize,
    cost: i64,
}

impl State {
    fn objective(&self, problem: &Problem) -> Objective {
        let mut cost: i64 = self
            .routes
            .iter()
            .map(|r| operators::current_cost(problem, r))
            .sum();
        let mut missing = 0;
        for &x in &self.unassigned {
            match problem.visits()[x].penalty {
                Some(p) => cost += p.0,
                None => missing += 1,
            }
        }
        Objective { missing, cost }
    }

    fn is_feasible(&self) -> bool {
        self.routes.iter().all(|r| r.feasible)
    }
}

/// Visits sorted by closeness to each visit (the first is the visit itself).
pub(super) fn neighbours(problem: &Problem) -> Vec<Vec<usize>> {
    let n = problem.visits().len();
    (0..n)
        .map(|a| {
            let la = problem.visits()[a].location;
            let mut others: Vec<(i64, usize)> = (0..n)
                .map(|b| {
                    let lb = problem.visits()[b].location;
                    let d = problem.travel_cost(la, lb).0 + problem.travel_cost(lb, la).0;
                    (if a == b { i64::MIN } else { d }, b)
                })
                .collect();
            others.sort_unstable();
            others.into_iter().map(|(_, b)| b).collect()
        })
        .collect()
}

pub(super) struct Search<'p> {
    pub(super) problem: &'p Problem,
    neighbours: Vec<Vec<usize>>,
    local: LocalSearch,
    /// Work done so far, against the budget.
    pub(super) work: u64,
    /// What the current iteration changed, to undo it.
    pub(super) journal: Journal,
}

/// The routes an iteration changed, as they were before, and the unassigned visits: undoing a
/// rejected candidate costs what it changed, not a copy of the whole solution.
pub(super) struct Journal {
    saved: Vec<(usize, RouteState)>,
    is_saved: Vec<bool>,
    unassigned: Vec<usize>,
    recording: bool,
}

impl Journal {
    pub(super) fn new(routes: usize) -> Journal {
        Journal {
            saved: Vec::new(),
            is_saved: vec![false; routes],
            unassigned: Vec::new(),
            recording: false,
        }
    }

    /// Starts recording the changes made to `state`.
    fn start(&mut self, state: &State) {
        for (r, _) in self.saved.drain(..) {
            self.is_saved[r] = false;
        }
        self.unassigned.clone_from(&state.unassigned);
        self.recording = true;
    }

    /// Keeps route `r` as it is, before its first change in this iteration.
    fn save(&mut self, r: usize, routes: &[RouteState]) {
        if self.recording && !self.is_saved[r] {
            self.is_saved[r] = true;
            self.saved.push((r, routes[r].clone()));
        }
    }

    /// Work of copying what was saved.
    fn cost(&self) -> u64 {
        self.saved
            .iter()
            .map(|(_, route)| 16 + 2 * route.nodes.len() as u64)
            .sum::<u64>()
            + self.unassigned.len() as u64
    }

    /// Puts `state` back as it was at [`Journal::start`].
    fn undo(&mut self, state: &mut State) {
        for (r, route) in self.saved.drain(..) {
            self.is_saved[r] = false;
            state.routes[r] = route;
        }
        state.unassigned.clone_from(&self.unassigned);
    }
}

impl Search<'_> {
    fn locate(&self, state: &State) -> Vec<Option<usize>> {
        let mut at = vec![None; self.problem.visits().len()];
        for (r, route) in state.routes.iter().enumerate() {
            for node in &route.nodes {
                if let Node::Visit(x) = node {
                    at[*x] = Some(r);
                }
            }
        }
        at
    }

    /// Removes strings of visits around a random visit (SISR's ruin).
    fn ruin(&mut self, state: &mut State, rng: &mut Rng) -> Vec<usize> {
        let problem = self.problem;
        let at = self.locate(state);
        let assigned: Vec<usize> = (0..at.len())
            .filter(|x| at[*x].is_some() && problem.visits()[*x].pin.is_none())
            .collect();
        let Some(&seed) = rng.pick(&assigned) else {
            return Vec::new();
        };
        let used: Vec<&RouteState> = state.routes.iter().filter(|r| r.is_used()).collect();
        let mean_len =
            used.iter().map(|r| r.visits).sum::<usize>() as f64 / used.len().max(1) as f64;
        let max_len = MAX_STRING.min(mean_len).max(1.0);
        let max_strings = (4.0 * MEAN_REMOVED / (1.0 + max_len) - 1.0).max(1.0);
        let strings = 1 + (rng.unit_f64() * max_strings).floor() as usize;
        let mut ruined: Vec<usize> = Vec::new();
        let mut removed = Vec::new();
        for &c in &self.neighbours[seed] {
            if ruined.len() >= strings {
                break;
            }
            let Some(r) = at[c] else { continue };
            if ruined.contains(&r) || problem.visits()[c].pin.is_some() {
                continue;
            }
            ruined.push(r);
            self.journal.save(r, &state.routes);
            let route = &mut state.routes[r];
            let len_max = (route.visits as f64).min(max_len).max(1.0);
            let len = 1 + (rng.unit_f64() * len_max).floor() as usize;
            let Some(pos) = route.nodes.iter().position(|n| *n == Node::Visit(c)) else {
                continue;
            };
            // A string of `len` nodes containing `pos`, at a random offset.
            let offset = rng.index(len);
            let first = pos.saturating_sub(offset);
            let last = (first + len).min(route.nodes.len());
            let mut k = first;
            let mut end = last;
            while k < end {
                match route.nodes[k] {
                    Node::Visit(x) if problem.visits()[x].pin.is_none() => {
                        route.nodes.remove(k);
                        removed.push(x);
                        end -= 1;
                    }
                    _ => k += 1,
                }
            }
            route.update(problem);
            self.work += route.nodes.len() as u64;
        }
        removed
    }

    /// Puts `removed` (and the unassigned visits) back at their cheapest feasible places.
    pub(super) fn recreate(&mut self, state: &mut State, mut removed: Vec<usize>, rng: &mut Rng) {
        let problem = self.problem;
        removed.append(&mut state.unassigned);
        match rng.weighted(&[4.0, 4.0, 2.0, 1.0]) {
            0 => rng.shuffle(&mut removed),
            1 => removed.sort_by_key(|x| std::cmp::Reverse((problem.visits()[*x].demand, *x))),
            2 => removed.sort_by_key(|x| std::cmp::Reverse((self.depot_distance(*x), *x))),
            _ => removed.sort_by_key(|x| (self.depot_distance(*x), *x)),
        }
        for x in removed {
            let mut best: Option<(i64, usize, usize)> = None;
            for (r, route) in state.routes.iter().enumerate() {
                self.work += 1;
                if !problem.allows(x, route.vehicle) {
                    continue;
                }
                if let Some(pin) = problem.visits()[x].pin
                    && pin.vehicle != route.vehicle
                {
                    continue;
                }
                if let Some(ins) = route.best_insertion(problem, x, rng, BLINK, &mut self.work)
                    && best.is_none_or(|(d, _, _)| ins.delta < d)
                {
                    best = Some((ins.delta, r, ins.position));
                }
            }
            let worth = match (best, problem.visits()[x].penalty) {
                (Some((delta, _, _)), Some(penalty)) => delta < penalty.0,
                (Some(_), None) => true,
                (None, _) => false,
            };
            match best {
                Some((_, r, position)) if worth => {
                    let was_used = state.routes[r].is_used();
                    self.journal.save(r, &state.routes);
                    state.routes[r].insert(problem, x, position);
                    self.work += state.routes[r].nodes.len() as u64;
                    if !was_used {
                        state.routes[r].place_break(problem);
                        self.work += (state.routes[r].nodes.len() as u64).pow(2);
                    }
                }
                _ => state.unassigned.push(x),
            }
        }
        state.unassigned.sort_unstable();
    }

    /// Local search on `state`'s routes, within `budget` work.
    fn improve(&mut self, state: &mut State, rng: &mut Rng, budget: u64) {
        self.local.run(
            self.problem,
            &self.neighbours,
            &mut state.routes,
            rng,
            &mut self.work,
            budget,
        );
    }

    fn depot_distance(&self, x: usize) -> i64 {
        let v = &self.problem.vehicles()[0];
        self.problem
            .travel_cost(v.start, self.problem.visits()[x].location)
            .0
    }
}

/// Why visit `x` could not be placed.
fn reason(problem: &Problem, x: usize) -> UnmetReason {
    let visit = &problem.visits()[x];
    let allowed: Vec<usize> = (0..problem.vehicles().len())
        .filter(|v| problem.allows(x, *v) && visit.pin.is_none_or(|p| p.vehicle == *v))
        .collect();
    if allowed.is_empty() {
        return UnmetReason::NoAllowedVehicle;
    }
    if allowed
        .iter()
        .all(|v| visit.demand > problem.vehicles()[*v].capacity)
    {
        return UnmetReason::TooLarge;
    }
    let alone = allowed.iter().any(|v| {
        let route = RouteState::new(problem, *v);
        (0..=route.nodes.len()).any(|p| route.insertion_delta(problem, x, p).is_some())
    });
    if alone {
        UnmetReason::NotWorthIt
    } else {
        UnmetReason::NoCompatibleWindow
    }
}

fn to_solution(
    problem: &Problem,
    state: &State,
    stop: StopReason,
    iterations: u64,
    progress: Vec<(u64, u64, Cost)>,
) -> Solution {
    let routes = state
        .routes
        .iter()
        .map(|r| Route {
            visits: r.visit_order(),
            break_after: r.break_after(),
        })
        .collect();
    let unmet = state
        .unassigned
        .iter()
        .map(|x| (*x, reason(problem, *x)))
        .collect();
    let (mut travel, mut fixed) = (0, 0);
    for route in state.routes.iter().filter(|r| r.is_used()) {
        travel += route.travel;
        fixed += problem.vehicles()[route.vehicle].fixed_cost.0;
    }
    let left_out: i64 = state
        .unassigned
        .iter()
        .filter_map(|&x| problem.visits()[x].penalty)
        .map(|p| p.0)
        .sum();
    let cost = Cost(state.objective(problem).cost);
    debug_assert_eq!(cost.0, travel + fixed + left_out);
    Solution {
        routes,
        unmet,
        costs: vec![
            RuleCost::new(Rule::Travel, Cost(travel)),
            RuleCost::new(Rule::FixedCost, Cost(fixed)),
            RuleCost::new(Rule::LeftOut, Cost(left_out)),
        ],
        cost,
        stats: Stats {
            iterations,
            improvements: progress,
        },
        stop,
    }
}

/// Solves `problem` within `params` (see [`super::solve`]).
pub(super) fn solve(problem: &Problem, params: &Params) -> Solution {
    let deadline = Deadline::start(&params.limits);
    let budget = params.limits.work_budget(work_rate(problem));
    let iteration_budget = params.limits.iterations;
    let mut rng = Rng::seed_from_u64(params.seed);
    let mut search = Search {
        problem,
        neighbours: neighbours(problem),
        local: LocalSearch::new(problem, GRANULARITY),
        work: 0,
        journal: Journal::new(problem.vehicles().len()),
    };
    let mut current = construct::construct(&mut search, &mut rng);
    search.improve(&mut current, &mut rng, budget);
    let mut current_obj = current.objective(problem);
    let mut best = current.clone();
    let mut best_obj = current_obj;
    let mut progress = vec![(
        0,
        deadline.elapsed().as_millis() as u64,
        Cost(best_obj.cost),
    )];

    // Temperatures relative to the average cost of an edge of the first solution.
    let edges = problem.visits().len() + 2 * current.routes.iter().filter(|r| r.is_used()).count();
    let mean_edge = (current_obj.cost as f64 / edges.max(1) as f64).max(1.0);
    let (t_start, t_end) = (10.0 * mean_edge, 0.1 * mean_edge);

    let mut iterations = 0_u64;
    // With no visit the search may move (none at all, or all pinned), there is nothing to try.
    let movable = problem.visits().iter().any(|v| v.pin.is_none());
    let stop = loop {
        if !movable {
            break StopReason::NoImprovement;
        }
        if let Some(reason) = deadline.check() {
            break reason;
        }
        let done = match iteration_budget {
            Some(n) => iterations >= n,
            None => search.work >= budget,
        };
        if done {
            break StopReason::Budget;
        }
        let fraction = match iteration_budget {
            Some(n) => iterations as f64 / n.max(1) as f64,
            None => search.work as f64 / budget.max(1) as f64,
        };
        let temperature = t_start * (t_end / t_start).powf(fraction);
        iterations += 1;
        // Locating the visits takes time in proportion to their number.
        search.work += problem.visits().len() as u64;

        // The candidate is made in place; the journal keeps the routes it changes, to undo.
        search.journal.start(&current);
        let removed = search.ruin(&mut current, &mut rng);
        search.recreate(&mut current, removed, &mut rng);
        search.work += search.journal.cost();
        if !current.is_feasible() {
            search.journal.undo(&mut current);
            continue;
        }
        let mut obj = current.objective(problem);
        if obj < best_obj {
            // A new best is always accepted below: no need to journal the local search.
            search.improve(&mut current, &mut rng, budget);
            obj = current.objective(problem);
        }
        let threshold = current_obj.cost as f64 - temperature * rng.unit_f64().max(1e-12).ln();
        let accept = obj.missing < current_obj.missing
            || (obj.missing == current_obj.missing && (obj.cost as f64) < threshold);
        if !accept {
            search.journal.undo(&mut current);
        } else {
            current_obj = obj;
            if current_obj < best_obj {
                best = current.clone();
                best_obj = current_obj;
                progress.push((
                    iterations,
                    deadline.elapsed().as_millis() as u64,
                    Cost(best_obj.cost),
                ));
            }
        }
    };
    to_solution(problem, &best, stop, iterations, progress)
}
