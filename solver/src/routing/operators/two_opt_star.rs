//! 2-opt*: exchange the ends of two routes.

use super::{At, Move, NewRoute, Operator, Piece, improving};
use crate::routing::problem::Problem;
use crate::routing::route::RouteState;

/// Makes `v`'s successors follow `u` and `u`'s successors follow `v` (two routes swap tails).
/// Tails holding a break, a pinned visit or a visit the other vehicle may not make are not moved.
pub(crate) struct TwoOptStar;

impl Operator for TwoOptStar {
    fn supports(&self, problem: &Problem) -> bool {
        problem.vehicles().len() >= 2
    }

    fn evaluate(
        &self,
        problem: &Problem,
        routes: &[RouteState],
        at_u: At,
        at_v: At,
        work: &mut u64,
    ) -> Option<Move> {
        let (ru, iu) = (at_u.route, at_u.index);
        let (rv, iv) = (at_v.route, at_v.index);
        if ru == rv {
            return None;
        }
        let (nu, nv) = (routes[ru].nodes.len(), routes[rv].nodes.len());
        let new_routes = [
            NewRoute::new(
                ru,
                &[
                    Piece::forward(ru, 0, iu + 1),
                    Piece::forward(rv, iv + 1, nv),
                ],
            ),
            NewRoute::new(
                rv,
                &[
                    Piece::forward(rv, 0, iv + 1),
                    Piece::forward(ru, iu + 1, nu),
                ],
            ),
        ];
        improving(problem, routes, &new_routes, work)
    }
}
