//! The first solution of the search.

use crate::rng::Rng;

use super::route::RouteState;
use super::search::{Search, State};

/// The first solution: pinned visits on their vehicles in pin order, then every other visit by
/// cheapest insertion.
pub(super) fn construct(search: &mut Search<'_>, rng: &mut Rng) -> State {
    let problem = search.problem;
    let mut state = State {
        routes: (0..problem.vehicles().len())
            .map(|v| RouteState::new(problem, v))
            .collect(),
        unassigned: Vec::new(),
    };
    let mut pinned: Vec<(usize, usize, usize)> = problem
        .visits()
        .iter()
        .enumerate()
        .filter_map(|(x, v)| {
            v.pin
                .map(|p| (p.vehicle, p.position.unwrap_or(usize::MAX), x))
        })
        .collect();
    pinned.sort_unstable();
    for (vehicle, position, x) in pinned {
        let route = &mut state.routes[vehicle];
        let at = if position == usize::MAX {
            route
                .best_insertion(problem, x, rng, 0.0, &mut search.work)
                .map(|i| i.position)
        } else {
            let slot = route.nodes.len().min(route.first_free.max(position));
            route.insertion_delta(problem, x, slot).map(|_| slot)
        };
        match at {
            Some(position) => route.insert(problem, x, position),
            None => state.unassigned.push(x),
        }
    }
    let free: Vec<usize> = (0..problem.visits().len())
        .filter(|x| problem.visits()[*x].pin.is_none())
        .collect();
    search.recreate(&mut state, free, rng);
    state
}
