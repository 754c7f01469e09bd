//! Or-opt: move a string of two or three consecutive visits next to a neighbouring visit.

use super::relocate::move_string;
use super::{At, Move, Operator};
use crate::routing::problem::Problem;
use crate::routing::route::RouteState;

/// Moves the two or three visits starting at `u` just before or just after its neighbour `v`,
/// keeping their order.
pub(crate) struct OrOpt;

impl Operator for OrOpt {
    fn supports(&self, problem: &Problem) -> bool {
        problem.visits().len() >= 3
    }

    fn evaluate(
        &self,
        problem: &Problem,
        routes: &[RouteState],
        at_u: At,
        at_v: At,
        work: &mut u64,
    ) -> Option<Move> {
        [2, 3]
            .into_iter()
            .filter_map(|len| move_string(problem, routes, at_u, len, at_v, work))
            .min_by_key(|mv| mv.delta)
    }
}
