//! A route under search: its nodes, and the schedule data that lets an insertion be checked in
//! constant time.
//!
//! For every node the route keeps the earliest service start (forward pass: leave the start at
//! the shift start, begin each service at the earliest instant of one of its windows) and the
//! latest service start that keeps the rest of the route feasible (backward pass). Because
//! beginning a service later never lets the rest of the route begin earlier, the feasible starts
//! of a node form a down-set, even with several windows per visit: a node inserted before node
//! `k` keeps the route feasible exactly when the arrival at `k` is no later than `latest[k]`.
//!
//! The break is a node too. It happens where the vehicle is, so it has no location of its own:
//! its effective location is the previous node's, and travel "through" it is the travel between
//! its neighbours.

use crate::ids::LocationIdx;

use super::problem::{Break, Problem};

/// Earlier than any schedule: the latest start of a node that cannot be served at all.
pub(super) const NEVER: i64 = i64::MIN / 4;

/// One node of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Node {
    /// A visit, by index.
    Visit(usize),
    /// The vehicle's break.
    Break,
}

/// The earliest service start at or after `arrival` in one of `windows` (sorted), if any.
pub(super) fn earliest_start(windows: &[super::TimeWindow], arrival: i64) -> Option<i64> {
    windows
        .iter()
        .find(|w| w.end.0 >= arrival)
        .map(|w| arrival.max(w.start.0))
}

/// The latest service start at or before `bound` in one of `windows`, or [`NEVER`].
fn latest_start(windows: &[super::TimeWindow], bound: i64) -> i64 {
    windows
        .iter()
        .rev()
        .find(|w| w.start.0 <= bound)
        .map_or(NEVER, |w| bound.min(w.end.0))
}

/// Where an insertion would go and what it would cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Insertion {
    /// The new node goes before `nodes[position]` (or last, at `nodes.len()`).
    pub(super) position: usize,
    /// Change of the objective, fixed cost included when the route was unused.
    pub(super) delta: i64,
}

/// A vehicle's route and its schedule data.
#[derive(Debug, Clone)]
pub(super) struct RouteState {
    /// The vehicle (index into the problem's vehicles).
    pub(super) vehicle: usize,
    /// The nodes in order.
    pub(super) nodes: Vec<Node>,
    /// Effective location of each node.
    pub(super) loc: Vec<LocationIdx>,
    /// Earliest service start of each node.
    pub(super) start: Vec<i64>,
    /// Latest service start of each node keeping the rest feasible.
    pub(super) latest: Vec<i64>,
    /// Weighted travel from the start location to each node (a prefix sum).
    pub(super) cum_travel: Vec<i64>,
    /// Weighted travel of the whole trip, back to the end location, used or not.
    pub(super) trip: i64,
    /// Demand of `nodes[..k]`, for `k` in `0..=nodes.len()`.
    pub(super) cum_load: Vec<i64>,
    /// Visits in `nodes[..k]`.
    pub(super) cum_visits: Vec<usize>,
    /// Visits in `nodes[..k]` that are pinned or limited to some vehicles.
    pub(super) cum_restricted: Vec<usize>,
    /// Index of the break node, if any.
    pub(super) break_at: Option<usize>,
    /// Sum of the visits' demands.
    pub(super) load: i64,
    /// Number of visits (nodes other than the break).
    pub(super) visits: usize,
    /// Weighted travel cost of the route (0 when unused).
    pub(super) travel: i64,
    /// Earliest arrival at the end location.
    pub(super) end_arrival: i64,
    /// Whether the schedule meets every window, the shift and the capacity.
    pub(super) feasible: bool,
    /// Insertions before this node index would move a visit pinned at a fixed position.
    pub(super) first_free: usize,
    /// The vehicle's break.
    pub(super) lunch: Option<Break>,
    /// When the vehicle must be back at its end location.
    pub(super) deadline: i64,
}

impl RouteState {
    /// The empty route of `vehicle` (holding only its break, if it has one).
    pub(super) fn new(problem: &Problem, vehicle: usize) -> RouteState {
        let v = &problem.vehicles()[vehicle];
        let deadline = match v.max_duration {
            Some(d) => v.shift.end.0.min(v.shift.start.0 + d.0),
            None => v.shift.end.0,
        };
        let mut route = RouteState {
            vehicle,
            nodes: v.lunch.iter().map(|_| Node::Break).collect(),
            loc: Vec::new(),
            start: Vec::new(),
            latest: Vec::new(),
            cum_travel: Vec::new(),
            trip: 0,
            cum_load: Vec::new(),
            cum_visits: Vec::new(),
            cum_restricted: Vec::new(),
            break_at: None,
            load: 0,
            visits: 0,
            travel: 0,
            end_arrival: 0,
            feasible: true,
            first_free: 0,
            lunch: v.lunch,
            deadline,
        };
        route.update(problem);
        route
    }

    /// Whether the route makes at least one visit.
    pub(super) fn is_used(&self) -> bool {
        self.visits > 0
    }

    pub(super) fn service(&self, problem: &Problem, node: Node) -> i64 {
        match node {
            Node::Visit(x) => problem.visits()[x].service.0,
            Node::Break => self.lunch.map_or(0, |l| l.duration.0),
        }
    }

    /// Recomputes every cached value after the nodes changed.
    pub(super) fn update(&mut self, problem: &Problem) {
        let v = &problem.vehicles()[self.vehicle];
        let n = self.nodes.len();
        self.loc.clear();
        self.start.clear();
        self.latest.clear();
        self.cum_travel.clear();
        self.cum_load.clear();
        self.cum_visits.clear();
        self.cum_restricted.clear();
        self.cum_load.push(0);
        self.cum_visits.push(0);
        self.cum_restricted.push(0);
        self.break_at = None;
        self.load = 0;
        self.visits = 0;
        self.travel = 0;
        self.feasible = true;
        self.first_free = 0;
        let mut time = v.shift.start.0;
        let mut here = v.start;
        let mut restricted = 0;
        for (k, node) in self.nodes.iter().enumerate() {
            match *node {
                Node::Visit(x) => {
                    let visit = &problem.visits()[x];
                    let arrival = time + problem.minutes(here, visit.location).0;
                    let start = earliest_start(&visit.windows, arrival).unwrap_or_else(|| {
                        self.feasible = false;
                        arrival
                    });
                    self.travel += problem.travel_cost(here, visit.location).0;
                    self.start.push(start);
                    self.loc.push(visit.location);
                    time = start + visit.service.0;
                    here = visit.location;
                    self.load += visit.demand;
                    self.visits += 1;
                    if visit.pin.is_some_and(|p| p.position.is_some()) {
                        self.first_free = k + 1;
                    }
                    if visit.pin.is_some() || visit.allowed_vehicles.is_some() {
                        restricted += 1;
                    }
                }
                Node::Break => {
                    let lunch = self.lunch.unwrap_or(Break {
                        window: super::TimeWindow::new(
                            crate::units::Minutes(time),
                            crate::units::Minutes(time),
                        ),
                        duration: crate::units::Minutes(0),
                    });
                    let start = time.max(lunch.window.start.0);
                    if start > lunch.window.end.0 {
                        self.feasible = false;
                    }
                    self.start.push(start);
                    self.loc.push(here);
                    time = start + lunch.duration.0;
                    self.break_at = Some(k);
                }
            }
            self.cum_travel.push(self.travel);
            self.cum_load.push(self.load);
            self.cum_visits.push(self.visits);
            self.cum_restricted.push(restricted);
        }
        self.travel += problem.travel_cost(here, v.end).0;
        self.trip = self.travel;
        self.end_arrival = time + problem.minutes(here, v.end).0;
        if self.end_arrival > self.deadline || self.load > v.capacity {
            self.feasible = false;
        }
        if self.visits == 0 {
            self.travel = 0;
        }
        // Backward pass.
        self.latest.resize(n, NEVER);
        let mut next_latest = self.deadline;
        let mut next_loc = v.end;
        for k in (0..n).rev() {
            let node = self.nodes[k];
            let bound = next_latest
                - problem.minutes(self.loc[k], next_loc).0
                - self.service(problem, node);
            self.latest[k] = match node {
                Node::Visit(x) => latest_start(&problem.visits()[x].windows, bound),
                Node::Break => match self.lunch {
                    Some(l) if bound >= l.window.start.0 => bound.min(l.window.end.0),
                    _ => NEVER,
                },
            };
            next_latest = self.latest[k];
            next_loc = self.loc[k];
        }
    }

    /// Location and departure time of what precedes position `i`.
    fn before(&self, problem: &Problem, i: usize) -> (LocationIdx, i64) {
        if i == 0 {
            let v = &problem.vehicles()[self.vehicle];
            (v.start, v.shift.start.0)
        } else {
            let k = i - 1;
            (
                self.loc[k],
                self.start[k] + self.service(problem, self.nodes[k]),
            )
        }
    }

    /// The first real location at or after position `i`, its latest start (deadline for the
    /// end), and the break in between if `nodes[i]` is the break.
    fn after(&self, problem: &Problem, i: usize) -> (LocationIdx, i64, bool) {
        let v = &problem.vehicles()[self.vehicle];
        let mut j = i;
        let through_break = self.nodes.get(i) == Some(&Node::Break);
        if through_break {
            j += 1;
        }
        match self.nodes.get(j) {
            Some(_) => (self.loc[j], self.latest[j], through_break),
            None => (v.end, self.deadline, through_break),
        }
    }

    /// The cost of inserting `visit` before `nodes[position]`, if that keeps the route feasible
    /// (capacity is the caller's check).
    pub(super) fn insertion_delta(
        &self,
        problem: &Problem,
        visit: usize,
        position: usize,
    ) -> Option<i64> {
        let x = &problem.visits()[visit];
        let (prev_loc, departure) = self.before(problem, position);
        let arrival = departure + problem.minutes(prev_loc, x.location).0;
        let start = earliest_start(&x.windows, arrival)?;
        let mut ready = start + x.service.0;
        let (next_loc, next_latest, through_break) = self.after(problem, position);
        if through_break {
            let lunch = self.lunch?;
            let break_start = ready.max(lunch.window.start.0);
            if break_start > lunch.window.end.0 {
                return None;
            }
            ready = break_start + lunch.duration.0;
        }
        if ready + problem.minutes(x.location, next_loc).0 > next_latest {
            return None;
        }
        let v = &problem.vehicles()[self.vehicle];
        let mut delta = problem.travel_cost(prev_loc, x.location).0
            + problem.travel_cost(x.location, next_loc).0
            - problem.travel_cost(prev_loc, next_loc).0;
        if !self.is_used() {
            // An unused route costs nothing; its first visit brings the whole trip and the
            // vehicle's fixed cost.
            delta = problem.travel_cost(v.start, x.location).0
                + problem.travel_cost(x.location, v.end).0
                + v.fixed_cost.0;
        }
        Some(delta)
    }

    /// The cheapest feasible insertion of `visit`, skipping each position with probability
    /// `blink` (SISR's blinks), counting evaluations in `work`.
    pub(super) fn best_insertion(
        &self,
        problem: &Problem,
        visit: usize,
        rng: &mut crate::rng::Rng,
        blink: f64,
        work: &mut u64,
    ) -> Option<Insertion> {
        let v = &problem.vehicles()[self.vehicle];
        if self.load + problem.visits()[visit].demand > v.capacity {
            return None;
        }
        let mut best: Option<Insertion> = None;
        for position in self.first_free..=self.nodes.len() {
            *work += 1;
            if blink > 0.0 && rng.chance(blink) {
                continue;
            }
            if let Some(delta) = self.insertion_delta(problem, visit, position)
                && best.is_none_or(|b| delta < b.delta)
            {
                best = Some(Insertion { position, delta });
            }
        }
        best
    }

    /// Inserts `visit` before `nodes[position]`.
    pub(super) fn insert(&mut self, problem: &Problem, visit: usize, position: usize) {
        self.nodes.insert(position, Node::Visit(visit));
        self.update(problem);
    }

    /// Moves the break to the feasible position that brings the vehicle back earliest, if the
    /// vehicle has one; leaves it where it is when no position is feasible.
    pub(super) fn place_break(&mut self, problem: &Problem) {
        let Some(at) = self.nodes.iter().position(|n| *n == Node::Break) else {
            return;
        };
        let original = self.nodes.clone();
        let mut best: Option<(i64, usize)> = None;
        self.nodes.remove(at);
        for position in 0..=self.nodes.len() {
            self.nodes.insert(position, Node::Break);
            self.update(problem);
            if self.feasible && best.is_none_or(|(arrival, _)| self.end_arrival < arrival) {
                best = Some((self.end_arrival, position));
            }
            self.nodes.remove(position);
        }
        match best {
            Some((_, position)) => self.nodes.insert(position, Node::Break),
            None => self.nodes = original,
        }
        self.update(problem);
    }

    /// The visits in order.
    pub(super) fn visit_order(&self) -> Vec<usize> {
        self.nodes
            .iter()
            .filter_map(|n| match n {
                Node::Visit(x) => Some(*x),
                Node::Break => None,
            })
            .collect()
    }

    /// After how many visits the break is taken, if the route is used and has one.
    pub(super) fn break_after(&self) -> Option<usize> {
        if !self.is_used() {
            return None;
        }
        let at = self.nodes.iter().position(|n| *n == Node::Break)?;
        Some(
            self.nodes[..at]
                .iter()
                .filter(|n| matches!(n, Node::Visit(_)))
                .count(),
        )
    }
}
