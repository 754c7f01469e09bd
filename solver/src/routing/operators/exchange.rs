//! Exchange: swap a visit with a neighbouring visit, in the same route or between two.

use super::{At, Move, NewRoute, Operator, Piece, improving};
use crate::routing::problem::Problem;
use crate::routing::route::{Node, RouteState};

/// Puts visit `u` where its neighbour `v` is, and `v` where `u` is.
pub(crate) struct Exchange;

impl Operator for Exchange {
    fn supports(&self, problem: &Problem) -> bool {
        problem.visits().len() >= 2
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
        let is_visit = |r: usize, i: usize| matches!(routes[r].nodes[i], Node::Visit(_));
        if !is_visit(ru, iu) || !is_visit(rv, iv) || (ru, iu) == (rv, iv) {
            return None;
        }
        let new_routes: Vec<NewRoute> = if ru == rv {
            let (i, j) = (iu.min(iv), iu.max(iv));
            let n = routes[ru].nodes.len();
            vec![NewRoute::new(
                ru,
                &[
                    Piece::forward(ru, 0, i),
                    Piece::forward(ru, j, j + 1),
                    Piece::forward(ru, i + 1, j),
                    Piece::forward(ru, i, i + 1),
                    Piece::forward(ru, j + 1, n),
                ],
            )]
        } else {
            let (nu, nv) = (routes[ru].nodes.len(), routes[rv].nodes.len());
            vec![
                NewRoute::new(
                    ru,
                    &[
                        Piece::forward(ru, 0, iu),
                        Piece::forward(rv, iv, iv + 1),
                        Piece::forward(ru, iu + 1, nu),
                    ],
                ),
                NewRoute::new(
                    rv,
                    &[
                        Piece::forward(rv, 0, iv),
                        Piece::forward(ru, iu, iu + 1),
                        Piece::forward(rv, iv + 1, nv),
                    ],
                ),
            ]
        };
        improving(problem, routes, &new_routes, work)
    }
}
