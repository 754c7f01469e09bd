//! Relocate: move one visit next to a neighbouring visit, in its route or another.

use super::{At, Move, NewRoute, Operator, Piece, improving};
use crate::routing::problem::Problem;
use crate::routing::route::{Node, RouteState};

/// Moves visit `u` just before or just after its neighbour `v`.
pub(crate) struct Relocate;

impl Operator for Relocate {
    fn supports(&self, _problem: &Problem) -> bool {
        true
    }

    fn evaluate(
        &self,
        problem: &Problem,
        routes: &[RouteState],
        at_u: At,
        at_v: At,
        work: &mut u64,
    ) -> Option<Move> {
        move_string(problem, routes, at_u, 1, at_v, work)
    }
}

/// The better improving move of the string of `len` visits starting at `at_u` to just before
/// or just after `at_v`, if either is feasible and improving. Shared with or-opt.
pub(super) fn move_string(
    problem: &Problem,
    routes: &[RouteState],
    at_u: At,
    len: usize,
    at_v: At,
    work: &mut u64,
) -> Option<Move> {
    let (ru, iu) = (at_u.route, at_u.index);
    let (rv, iv) = (at_v.route, at_v.index);
    let source = &routes[ru];
    let end = iu + len;
    if end > source.nodes.len()
        || source.nodes[iu..end]
            .iter()
            .any(|n| matches!(n, Node::Break))
    {
        return None;
    }
    let string = Piece::forward(ru, iu, end);
    let mut best: Option<Move> = None;
    for p in [iv, iv + 1] {
        let new_routes: Vec<NewRoute> = if ru == rv {
            if (iu..=end).contains(&p) {
                continue;
            }
            let n = source.nodes.len();
            let pieces = if p < iu {
                [
                    Piece::forward(ru, 0, p),
                    string,
                    Piece::forward(ru, p, iu),
                    Piece::forward(ru, end, n),
                ]
            } else {
                [
                    Piece::forward(ru, 0, iu),
                    Piece::forward(ru, end, p),
                    string,
                    Piece::forward(ru, p, n),
                ]
            };
            vec![NewRoute::new(ru, &pieces)]
        } else {
            let target = &routes[rv];
            vec![
                NewRoute::new(
                    ru,
                    &[
                        Piece::forward(ru, 0, iu),
                        Piece::forward(ru, end, source.nodes.len()),
                    ],
                ),
                NewRoute::new(
                    rv,
                    &[
                        Piece::forward(rv, 0, p),
                        string,
                        Piece::forward(rv, p, target.nodes.len()),
                    ],
                ),
            ]
        };
        if let Some(mv) = improving(problem, routes, &new_routes, work)
            && best.is_none_or(|b| mv.delta < b.delta)
        {
            best = Some(mv);
        }
    }
    best
}
