//! Vehicle routing with time windows: one engine for a référent's week and a driver's day.
//!
//! [`Problem`] holds vehicles, visits and travel; [`solve`] returns a [`Solution`]: one
//! [`Route`] per vehicle and the optional visits left out, each with its reason. The search is
//! deterministic for a given problem, seed and iteration budget (STYLE.md §8); [`check`] is an
//! independent checker that recomputes feasibility and cost from scratch.

pub mod check;
mod construct;
mod operators;
mod problem;
mod route;
mod search;
#[cfg(test)]
mod tests;
pub mod vrplib;

pub use problem::{Break, Pin, Problem, Route, TimeWindow, Vehicle, Visit, Weights};

use std::fmt;

use crate::cost::{self, RuleCost};
use crate::limits::{Params, StopReason};
use crate::units::Cost;
use crate::unmet::UnmetReason;

/// A soft rule of the routing objective; the hard rules are in [`check`] (see the crate map).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// Weighted travel of the used vehicles ([`check::weighted_travel`]).
    Travel,
    /// Fixed costs of the used vehicles ([`check::vehicle_fixed_cost`]).
    FixedCost,
    /// Penalties of the optional visits left out ([`check::left_out_penalty`]).
    LeftOut,
}

impl Rule {
    /// Every rule, in report order.
    pub const ALL: [Rule; 3] = [Rule::Travel, Rule::FixedCost, Rule::LeftOut];

    /// Stable key for JSON.
    pub const fn key(self) -> &'static str {
        match self {
            Rule::Travel => "travel",
            Rule::FixedCost => "fixed_cost",
            Rule::LeftOut => "left_out",
        }
    }
}

/// French, for reports.
impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::Travel => "trajets",
            Rule::FixedCost => "coûts fixes des véhicules",
            Rule::LeftOut => "visites laissées de côté",
        })
    }
}

/// What the search did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// Iterations the search ran.
    pub iterations: u64,
    /// Each improvement of the best solution: `(iteration, elapsed milliseconds, cost)`.
    pub improvements: Vec<(u64, u64, Cost)>,
}

/// The outcome of a solve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// One route per vehicle, in the order of [`Problem::vehicles`] (empty when unused).
    pub routes: Vec<Route>,
    /// Optional visits left out, by visit index, with why.
    pub unmet: Vec<(usize, UnmetReason)>,
    /// Cost of each soft rule, in [`Rule::ALL`] order.
    pub costs: Vec<RuleCost<Rule>>,
    /// Total cost: weighted travel, fixed costs of used vehicles, penalties of left-out visits
    /// (the sum of [`Solution::costs`]).
    pub cost: Cost,
    /// What the search did.
    pub stats: Stats,
    /// Why the search stopped.
    pub stop: StopReason,
}

impl Solution {
    /// Cost of one rule.
    pub fn cost_of(&self, rule: Rule) -> Cost {
        cost::cost_of(&self.costs, rule)
    }

    /// The indices of the visits left out.
    pub fn unmet_visits(&self) -> Vec<usize> {
        self.unmet.iter().map(|(x, _)| *x).collect()
    }
}

/// Solves `problem` within `params`.
///
/// Deterministic for the same problem, seed and iteration budget (or time limit, unless the
/// wall-clock guard fires first: [`Solution::stop`] says so). Every route of the solution meets
/// every constraint; a visit that fits nowhere is returned in [`Solution::unmet`] with its
/// reason, mandatory or not.
pub fn solve(problem: &Problem, params: &Params<'_>) -> Solution {
    let solution = search::solve(problem, params);
    #[cfg(debug_assertions)]
    assert_checked(problem, &solution);
    solution
}

/// Debug builds: the independent checker accepts every solution (a mandatory visit that fits
/// nowhere is the one thing it may report) and agrees on its cost, rule by rule.
#[cfg(debug_assertions)]
fn assert_checked(problem: &Problem, solution: &Solution) {
    match check::check(problem, &solution.routes, &solution.unmet_visits()) {
        Ok(report) => {
            assert_eq!(
                report.cost, solution.cost,
                "BUG: search and checker disagree"
            );
            assert_eq!(
                [report.travel_cost, report.fixed_costs, report.penalties],
                [
                    solution.cost_of(Rule::Travel),
                    solution.cost_of(Rule::FixedCost),
                    solution.cost_of(Rule::LeftOut)
                ],
                "BUG: search and checker disagree on a rule's cost"
            );
        }
        Err(violations) => assert!(
            violations
                .iter()
                .all(|v| matches!(v, check::Violation::MandatoryUnassigned { .. })),
            "BUG: the search returned an infeasible solution: {violations:?}"
        ),
    }
}
