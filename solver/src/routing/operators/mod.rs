//! Local search: moves between a visit and its nearest neighbours (granular neighbourhoods,
//! Toth & Vigo 2003), one file per move, each behind the [`Operator`] trait (PyVRP's
//! `LocalSearchOperator.h`, VROOM's `operator.h`).
//!
//! A move describes the routes it changes as concatenations of [`Piece`]s of the current routes
//! (a prefix, a string taken from elsewhere, a suffix). [`cost_of`] evaluates such a
//! concatenation without building it: the prefix comes from the route's forward data (departure
//! time, travel so far), the pieces in the middle are stepped through, and the suffix joins
//! through its latest feasible start (the route's backward data). This is the concatenation of
//! duration segments of PyVRP's `DurationSegment.h`, in the form that stays exact with several
//! time windows per visit: the feasible starts of a node form a down-set (see `route.rs`), so
//! "arrival at the first node of the suffix no later than its latest start" is exact, where a
//! single-window time-warp segment would not be. A move changes only short middles, so most
//! evaluations take constant time; the moves here never produce time warp, so every solution the
//! local search visits is feasible.

mod exchange;
mod or_opt;
mod relocate;
#[cfg(test)]
mod tests;
mod two_opt;
mod two_opt_star;

pub(super) use exchange::Exchange;
pub(super) use or_opt::OrOpt;
pub(super) use relocate::Relocate;
pub(super) use two_opt::TwoOpt;
pub(super) use two_opt_star::TwoOptStar;

use crate::rng::Rng;

use super::problem::Problem;
use super::route::{Node, RouteState, earliest_start};

/// A run of nodes of the current solution: `nodes[from..to]` of route `route`, read forward or
/// reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Piece {
    pub(super) route: usize,
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) reversed: bool,
}

impl Piece {
    /// `nodes[from..to]` of `route`, forward.
    pub(super) fn forward(route: usize, from: usize, to: usize) -> Piece {
        Piece {
            route,
            from,
            to,
            reversed: false,
        }
    }

    /// `nodes[from..to]` of `route`, last node first.
    pub(super) fn reversed(route: usize, from: usize, to: usize) -> Piece {
        Piece {
            route,
            from,
            to,
            reversed: true,
        }
    }

    fn len(&self) -> usize {
        self.to - self.from
    }
}

/// A new route: the route it replaces and the pieces it is made of, in order (at most five).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NewRoute {
    pub(super) target: usize,
    pieces: [Piece; 5],
    count: usize,
}

impl NewRoute {
    /// Route `target` rebuilt from `pieces` (empty pieces are dropped).
    pub(super) fn new(target: usize, pieces: &[Piece]) -> NewRoute {
        let mut route = NewRoute {
            target,
            pieces: [Piece::default(); 5],
            count: 0,
        };
        for p in pieces.iter().filter(|p| p.len() > 0) {
            route.pieces[route.count] = *p;
            route.count += 1;
        }
        route
    }

    pub(super) fn pieces(&self) -> &[Piece] {
        &self.pieces[..self.count]
    }
}

/// A move: the routes it rebuilds (one or two) and the change of the objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Move {
    pub(super) routes: [Option<NewRoute>; 2],
    pub(super) delta: i64,
}

/// Where a visit is: its route and node index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct At {
    pub(super) route: usize,
    pub(super) index: usize,
}

/// One kind of move.
pub(super) trait Operator {
    /// Whether the move applies to `problem` at all.
    fn supports(&self, problem: &Problem) -> bool;

    /// The best move of this kind that puts visit `u` (at `at_u`) next to its neighbour `v` (at
    /// `at_v`), with its exact change of the objective, if one is feasible; changes nothing.
    fn evaluate(
        &self,
        problem: &Problem,
        routes: &[RouteState],
        at_u: At,
        at_v: At,
        work: &mut u64,
    ) -> Option<Move>;

    /// Performs a move `evaluate` returned, on the same routes.
    fn apply(&self, problem: &Problem, routes: &mut [RouteState], mv: &Move) {
        apply(problem, routes, mv);
    }
}

/// The objective contribution of a route: its travel and fixed cost when used, nothing otherwise.
pub(super) fn current_cost(problem: &Problem, route: &RouteState) -> i64 {
    if route.is_used() {
        route.travel + problem.vehicles()[route.vehicle].fixed_cost.0
    } else {
        0
    }
}

/// Evaluates the moves' new routes: the change of the objective, or `None` when one of them
/// breaks a constraint (capacity, windows, shift, break, allowed vehicles, pins).
pub(super) fn delta_of(
    problem: &Problem,
    routes: &[RouteState],
    new_routes: &[NewRoute],
    work: &mut u64,
) -> Option<i64> {
    let mut delta = 0;
    for r in new_routes {
        delta += cost_of(problem, routes, r, work)? - current_cost(problem, &routes[r.target]);
    }
    Some(delta)
}

/// A move rebuilding `new_routes`, when feasible and improving.
pub(super) fn improving(
    problem: &Problem,
    routes: &[RouteState],
    new_routes: &[NewRoute],
    work: &mut u64,
) -> Option<Move> {
    let delta = delta_of(problem, routes, new_routes, work)?;
    (delta < 0).then(|| Move {
        routes: [new_routes.first().copied(), new_routes.get(1).copied()],
        delta,
    })
}

/// Checks the pieces a route takes from other routes: no break (each vehicle keeps its own), no
/// pinned visit, only visits the route's vehicle may make.
fn foreign_allowed(problem: &Problem, routes: &[RouteState], new: &NewRoute) -> bool {
    let vehicle = routes[new.target].vehicle;
    new.pieces()
        .iter()
        .filter(|p| p.route != new.target)
        .all(|p| {
            let source = &routes[p.route];
            if source.break_at.is_some_and(|b| (p.from..p.to).contains(&b)) {
                return false;
            }
            if source.cum_restricted[p.to] == source.cum_restricted[p.from] {
                return true;
            }
            source.nodes[p.from..p.to].iter().all(|n| match *n {
                Node::Visit(x) => problem.visits()[x].pin.is_none() && problem.allows(x, vehicle),
                Node::Break => false,
            })
        })
}

/// The objective contribution of `new` (travel and fixed cost, or 0 when it makes no visit), if
/// it meets every constraint.
pub(super) fn cost_of(
    problem: &Problem,
    routes: &[RouteState],
    new: &NewRoute,
    work: &mut u64,
) -> Option<i64> {
    let route = &routes[new.target];
    let vehicle = &problem.vehicles()[route.vehicle];
    let mut pieces = new.pieces();
    *work += 1;

    let (mut load, mut visits) = (0, 0);
    for p in pieces {
        let source = &routes[p.route];
        load += source.cum_load[p.to] - source.cum_load[p.from];
        visits += source.cum_visits[p.to] - source.cum_visits[p.from];
    }
    if visits == 0 {
        return Some(0);
    }
    if load > vehicle.capacity {
        return None;
    }
    // Nodes pinned to their position stay where they are: the new route begins with them.
    if route.first_free > 0
        && pieces.first().is_none_or(|p| {
            p.route != new.target || p.reversed || p.from != 0 || p.to < route.first_free
        })
    {
        return None;
    }
    if !foreign_allowed(problem, routes, new) {
        return None;
    }

    // The prefix, from the route's forward data.
    let (mut here, mut time, mut travel) = (vehicle.start, vehicle.shift.start.0, 0);
    if let Some(first) = pieces.first()
        && first.route == new.target
        && !first.reversed
        && first.from == 0
    {
        let last = first.to - 1;
        here = route.loc[last];
        time = route.start[last] + route.service(problem, route.nodes[last]);
        travel = route.cum_travel[last];
        pieces = &pieces[1..];
    }
    // The suffix joins through its latest starts.
    let mut join = None;
    if let Some(last) = pieces.last()
        && last.route == new.target
        && !last.reversed
        && last.to == route.nodes.len()
    {
        join = Some(last.from);
        pieces = &pieces[..pieces.len() - 1];
    }

    let mut step = |node: Node, here: &mut _, time: &mut i64, travel: &mut i64| -> Option<()> {
        *work += 1;
        match node {
            Node::Visit(x) => {
                let visit = &problem.visits()[x];
                let arrival = *time + problem.minutes(*here, visit.location).0;
                let start = earliest_start(&visit.windows, arrival)?;
                *travel += problem.travel_cost(*here, visit.location).0;
                *here = visit.location;
                *time = start + visit.service.0;
            }
            Node::Break => {
                let lunch = route.lunch?;
                let start = (*time).max(lunch.window.start.0);
                if start > lunch.window.end.0 {
                    return None;
                }
                *time = start + lunch.duration.0;
            }
        }
        Some(())
    };
    for p in pieces {
        let nodes = &routes[p.route].nodes[p.from..p.to];
        if p.reversed {
            for node in nodes.iter().rev() {
                step(*node, &mut here, &mut time, &mut travel)?;
            }
        } else {
            for node in nodes {
                step(*node, &mut here, &mut time, &mut travel)?;
            }
        }
    }
    if let Some(mut s) = join {
        // The break has no location of its own: it joins through the next real node.
        while route.nodes.get(s) == Some(&Node::Break) {
            step(Node::Break, &mut here, &mut time, &mut travel)?;
            s += 1;
        }
        if s < route.nodes.len() {
            let to = route.loc[s];
            if time + problem.minutes(here, to).0 > route.latest[s] {
                return None;
            }
            travel += problem.travel_cost(here, to).0 + route.trip - route.cum_travel[s];
            return Some(travel + vehicle.fixed_cost.0);
        }
    }
    if time + problem.minutes(here, vehicle.end).0 > route.deadline {
        return None;
    }
    travel += problem.travel_cost(here, vehicle.end).0;
    Some(travel + vehicle.fixed_cost.0)
}

/// Performs `mv`: rebuilds its routes from the current nodes.
pub(super) fn apply(problem: &Problem, routes: &mut [RouteState], mv: &Move) {
    let rebuilt: Vec<(usize, Vec<Node>)> = mv
        .routes
        .iter()
        .flatten()
        .map(|new| {
            let mut nodes = Vec::new();
            for p in new.pieces() {
                let run = &routes[p.route].nodes[p.from..p.to];
                if p.reversed {
                    nodes.extend(run.iter().rev());
                } else {
                    nodes.extend_from_slice(run);
                }
            }
            (new.target, nodes)
        })
        .collect();
    for (target, nodes) in rebuilt {
        routes[target].nodes = nodes;
        routes[target].update(problem);
    }
}

/// The operators the search uses, in the order it tries them.
pub(super) fn all() -> Vec<Box<dyn Operator>> {
    vec![
        Box::new(Relocate),
        Box::new(Exchange),
        Box::new(TwoOptStar),
        Box::new(OrOpt),
        Box::new(TwoOpt),
    ]
}

/// First-improvement descent over the granular neighbourhood: for each visit `u` (in random
/// order) and each of its `granularity` nearest visits `v`, the first improving move of any
/// operator is applied, until a full pass improves nothing or `work` reaches `budget`.
pub(super) struct LocalSearch {
    operators: Vec<Box<dyn Operator>>,
    granularity: usize,
}

impl LocalSearch {
    /// A local search over the operators `problem` supports.
    pub(super) fn new(problem: &Problem, granularity: usize) -> LocalSearch {
        LocalSearch {
            operators: all().into_iter().filter(|o| o.supports(problem)).collect(),
            granularity,
        }
    }

    /// Improves `routes` in place; returns the change of the objective (≤ 0).
    pub(super) fn run(
        &self,
        problem: &Problem,
        neighbours: &[Vec<usize>],
        routes: &mut [RouteState],
        rng: &mut Rng,
        work: &mut u64,
        budget: u64,
    ) -> i64 {
        let mut at: Vec<Option<At>> = vec![None; problem.visits().len()];
        for r in 0..routes.len() {
            locate(routes, r, &mut at);
        }
        let mut order: Vec<usize> = (0..at.len()).filter(|x| at[*x].is_some()).collect();
        *work += 2 * at.len() as u64;
        let mut total = 0;
        loop {
            rng.shuffle(&mut order);
            let mut improved = false;
            for &u in &order {
                for &v in neighbours[u].iter().skip(1).take(self.granularity) {
                    if *work >= budget {
                        return total;
                    }
                    let (Some(at_u), Some(at_v)) = (at[u], at[v]) else {
                        continue;
                    };
                    for op in &self.operators {
                        // Building the candidate routes costs more than one evaluation.
                        *work += 1;
                        if let Some(mv) = op.evaluate(problem, routes, at_u, at_v, work) {
                            op.apply(problem, routes, &mv);
                            for new in mv.routes.iter().flatten() {
                                locate(routes, new.target, &mut at);
                                *work += 2 * routes[new.target].nodes.len() as u64;
                            }
                            total += mv.delta;
                            improved = true;
                            break;
                        }
                    }
                }
            }
            if !improved {
                return total;
            }
        }
    }
}

/// Records where the visits of route `r` are.
fn locate(routes: &[RouteState], r: usize, at: &mut [Option<At>]) {
    for (index, node) in routes[r].nodes.iter().enumerate() {
        if let Node::Visit(x) = node {
            at[*x] = Some(At { route: r, index });
        }
    }
}
