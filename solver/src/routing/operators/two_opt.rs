//! 2-opt: reverse a stretch of one route.

use super::{At, Move, NewRoute, Operator, Piece, improving};
use crate::routing::problem::Problem;
use crate::routing::route::RouteState;

/// Makes `v` follow `u` in their route by reversing the visits in between (`u` before `v`), or
/// the other way round.
pub(crate) struct TwoOpt;

impl Operator for TwoOpt {
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
        if at_u.route != at_v.route {
            return None;
        }
        let r = at_u.route;
        let (i, j) = (at_u.index.min(at_v.index), at_u.index.max(at_v.index));
        if j <= i + 1 {
            return None;
        }
        let n = routes[r].nodes.len();
        let new_routes = [NewRoute::new(
            r,
            &[
                Piece::forward(r, 0, i + 1),
                Piece::reversed(r, i + 1, j + 1),
                Piece::forward(r, j + 1, n),
            ],
        )];
        improving(problem, routes, &new_routes, work)
    }
}
