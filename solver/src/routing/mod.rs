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

pub use problem::{
    Break, Pin, Problem, ProblemError, Route, TimeWindow, UnassignedReason, Vehicle, Visit, Weights,
};

use crate::limits::{Params, StopReason};
use crate::units::Cost;

/// The outcome of a solve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// One route per vehicle, in the order of [`Problem::vehicles`] (empty when unused).
    pub routes: Vec<Route>,
    /// Optional visits left out, by visit index, with why.
    pub unassigned: Vec<(usize, UnassignedReason)>,
    /// Total cost: weighted travel, fixed costs of used vehicles, penalties of left-out visits.
    pub cost: Cost,
    /// Why the search stopped.
    pub stop: StopReason,
    /// Iterations the search ran.
    pub iterations: u64,
    /// Each improvement of the best solution: `(iteration, elapsed milliseconds, cost)`.
    pub progress: Vec<(u64, u64, Cost)>,
}

/// Solves `problem` within `params`.
///
/// Deterministic for the same problem, seed and iteration budget (or time limit, unless the
/// wall-clock guard fires first: [`Solution::stop`] says so). Every route of the solution meets
/// every constraint; a visit that fits nowhere is returned in [`Solution::unassigned`] with its
/// reason, mandatory or not.
pub fn solve(problem: &Problem, params: &Params) -> Solution {
    let solution = search::solve(problem, params);
    #[cfg(debug_assertions)]
    assert_checked(problem, &solution);
    solution
}

/// Debug builds: the independent checker accepts every solution (a mandatory visit that fits
/// nowhere is the one thing it may report) and agrees on its cost.
#[cfg(debug_assertions)]
fn assert_checked(problem: &Problem, solution: &Solution) {
    let unassigned: Vec<usize> = solution.unassigned.iter().map(|(x, _)| *x).collect();
    match check::check(problem, &solution.routes, &unassigned) {
        Ok(report) => assert_eq!(
            report.cost, solution.cost,
            "BUG: search and checker disagree"
        ),
        Err(violations) => assert!(
            violations
                .iter()
                .all(|v| matches!(v, check::Violation::MandatoryUnassigned { .. })),
            "BUG: the search returned an infeasible solution: {violations:?}"
        ),
    }
}
