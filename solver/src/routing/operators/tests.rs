//! Each operator against the independent checker: on random instances with every feature
//! (several windows, breaks, allowed vehicles, pins, capacity, maximum duration), every move an
//! operator proposes, once applied, gives routes the checker accepts, and its evaluated delta
//! equals the change of the checker's cost.

use super::*;
use crate::ids::LocationIdx;
use crate::routing::check::check;
use crate::routing::problem::{Break, Pin, Route, Vehicle, Visit, Weights};
use crate::routing::tests::window;
use crate::units::{Cost, Minutes};

/// A random instance on a 100 × 100 grid with `n` visits and up to four vehicles.
fn random_problem(seed: u64, n: usize) -> Problem {
    let mut rng = Rng::seed_from_u64(seed);
    let points: Vec<(f64, f64)> = (0..=n)
        .map(|_| (rng.range_i64(0, 100) as f64, rng.range_i64(0, 100) as f64))
        .collect();
    let travel = crate::routing::tests::plane(&points);
    let vehicles: Vec<Vehicle> = (0..2 + rng.index(3))
        .map(|_| Vehicle {
            start: LocationIdx::new(0),
            end: LocationIdx::new(0),
            shift: window(0, 800),
            capacity: 4 + rng.range_i64(0, 8),
            max_duration: rng.chance(0.3).then_some(Minutes(500)),
            lunch: rng.chance(0.5).then(|| Break {
                window: window(200, 320),
                duration: Minutes(40),
            }),
            fixed_cost: Cost(rng.range_i64(0, 50)),
        })
        .collect();
    let visits = (1..=n)
        .map(|i| {
            let a = rng.range_i64(0, 500);
            let mut windows = vec![window(a, a + rng.range_i64(20, 200))];
            if rng.chance(0.3) {
                let b = windows[0].end.0 + 1 + rng.range_i64(0, 100);
                windows.push(window(b, b + 80));
            }
            let allowed_vehicles = rng
                .chance(0.2)
                .then(|| vec![rng.index(vehicles.len()), rng.index(vehicles.len())]);
            let pin = (allowed_vehicles.is_none() && rng.chance(0.1)).then(|| Pin {
                vehicle: rng.index(vehicles.len()),
                position: None,
            });
            Visit {
                location: LocationIdx::new(i),
                service: Minutes(rng.range_i64(0, 20)),
                demand: rng.range_i64(0, 2),
                windows,
                allowed_vehicles,
                penalty: Some(Cost(1_000)),
                pin,
            }
        })
        .collect();
    Problem::new(
        vehicles,
        visits,
        &travel,
        Weights {
            per_minute: 1,
            per_meter: 2,
        },
    )
    .unwrap()
}

/// A poor but feasible start: each visit at a random feasible place of a random route.
fn random_routes(problem: &Problem, rng: &mut Rng) -> Vec<RouteState> {
    let mut routes: Vec<RouteState> = (0..problem.vehicles().len())
        .map(|v| RouteState::new(problem, v))
        .collect();
    for x in 0..problem.visits().len() {
        let visit = &problem.visits()[x];
        let mut places = Vec::new();
        for (r, route) in routes.iter().enumerate() {
            let vehicle = route.vehicle;
            if !problem.allows(x, vehicle)
                || visit.pin.is_some_and(|p| p.vehicle != vehicle)
                || route.load + visit.demand > problem.vehicles()[vehicle].capacity
            {
                continue;
            }
            for p in 0..=route.nodes.len() {
                if route.insertion_delta(problem, x, p).is_some() {
                    places.push((r, p));
                }
            }
        }
        if let Some(&(r, p)) = rng.pick(&places) {
            routes[r].insert(problem, x, p);
        }
    }
    routes
}

fn unassigned(problem: &Problem, routes: &[RouteState]) -> Vec<usize> {
    let mut placed = vec![false; problem.visits().len()];
    for r in routes {
        for x in r.visit_order() {
            placed[x] = true;
        }
    }
    (0..placed.len()).filter(|x| !placed[*x]).collect()
}

/// The checker's cost of `routes`, or its violations.
fn checked_cost(problem: &Problem, routes: &[RouteState]) -> i64 {
    let solution: Vec<Route> = routes
        .iter()
        .map(|r| Route {
            visits: r.visit_order(),
            break_after: r.break_after(),
        })
        .collect();
    match check(problem, &solution, &unassigned(problem, routes)) {
        Ok(report) => report.cost.0,
        Err(violations) => panic!("checker refused {solution:?}: {violations:?}"),
    }
}

/// Applies every move `operator` proposes on random instances; returns how many it applied.
fn every_move_is_feasible_and_exactly_evaluated(operator: &dyn Operator) -> usize {
    let mut applied = 0;
    for seed in 0..40 {
        let problem = random_problem(seed, 12 + (seed as usize % 20));
        assert!(operator.supports(&problem));
        let mut rng = Rng::seed_from_u64(seed);
        let mut routes = random_routes(&problem, &mut rng);
        let mut cost = checked_cost(&problem, &routes);
        let mut work = 0;
        // Repeatedly apply the first move found, as the local search does, until none is left.
        'search: for _ in 0..200 {
            for (ru, route) in routes.iter().enumerate() {
                for (iu, node) in route.nodes.iter().enumerate() {
                    if !matches!(node, Node::Visit(_)) {
                        continue;
                    }
                    for (rv, other) in routes.iter().enumerate() {
                        for iv in 0..other.nodes.len() {
                            if !matches!(other.nodes[iv], Node::Visit(_)) {
                                continue;
                            }
                            let at_u = At {
                                route: ru,
                                index: iu,
                            };
                            let at_v = At {
                                route: rv,
                                index: iv,
                            };
                            if let Some(mv) =
                                operator.evaluate(&problem, &routes, at_u, at_v, &mut work)
                            {
                                assert!(mv.delta < 0, "{mv:?}");
                                let before = routes.clone();
                                operator.apply(&problem, &mut routes, &mv);
                                for r in &routes {
                                    assert!(r.feasible, "{mv:?} on {before:?}");
                                }
                                let after = checked_cost(&problem, &routes);
                                assert_eq!(
                                    after - cost,
                                    mv.delta,
                                    "seed {seed}: {mv:?} on {before:?}"
                                );
                                cost = after;
                                applied += 1;
                                continue 'search;
                            }
                        }
                    }
                }
            }
            break;
        }
    }
    applied
}

#[test]
fn relocate_moves_are_feasible_and_exactly_evaluated() {
    assert!(every_move_is_feasible_and_exactly_evaluated(&Relocate) > 100);
}

#[test]
fn or_opt_moves_are_feasible_and_exactly_evaluated() {
    assert!(every_move_is_feasible_and_exactly_evaluated(&OrOpt) > 50);
}

#[test]
fn exchange_moves_are_feasible_and_exactly_evaluated() {
    assert!(every_move_is_feasible_and_exactly_evaluated(&Exchange) > 100);
}

#[test]
fn two_opt_star_moves_are_feasible_and_exactly_evaluated() {
    assert!(every_move_is_feasible_and_exactly_evaluated(&TwoOptStar) > 50);
}

#[test]
fn two_opt_moves_are_feasible_and_exactly_evaluated() {
    assert!(every_move_is_feasible_and_exactly_evaluated(&TwoOpt) > 20);
}

#[test]
fn local_search_never_worsens_and_keeps_every_visit_once() {
    for seed in 0..20 {
        let problem = random_problem(seed, 30);
        let mut rng = Rng::seed_from_u64(seed);
        let mut routes = random_routes(&problem, &mut rng);
        let before = checked_cost(&problem, &routes);
        let left_out = unassigned(&problem, &routes);
        let neighbours = crate::routing::search::neighbours(&problem);

        let mut work = 0;
        let delta = LocalSearch::new(&problem, 10).run(
            &problem,
            &neighbours,
            &mut routes,
            &mut rng,
            &mut work,
            u64::MAX,
        );

        let after = checked_cost(&problem, &routes);
        assert_eq!(after - before, delta);
        assert!(delta <= 0);
        assert_eq!(unassigned(&problem, &routes), left_out);
    }
}
