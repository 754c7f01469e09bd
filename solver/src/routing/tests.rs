//! Hand-checkable cases, one per feature, each solution passed through the independent checker.

use std::time::Duration;

use super::check::check;
use super::*;
use crate::ids::LocationIdx;
use crate::limits::{Limits, Params};
use crate::travel::{Leg, TravelMatrix};
use crate::units::{Meters, Minutes};
use crate::unmet::UnmetReason;

/// Locations on a line, one time unit and one distance unit apart per step: location `i` is at
/// abscissa `xs[i]`.
fn line(xs: &[i64]) -> TravelMatrix {
    let n = xs.len();
    let legs = (0..n * n)
        .map(|k| {
            let d = (xs[k / n] - xs[k % n]).abs();
            Leg::new(Minutes(d), Meters(d))
        })
        .collect();
    TravelMatrix::new(n, legs).unwrap()
}

pub(super) fn window(start: i64, end: i64) -> TimeWindow {
    TimeWindow::new(Minutes(start), Minutes(end))
}

fn vehicle(shift: (i64, i64)) -> Vehicle {
    Vehicle {
        start: LocationIdx::new(0),
        end: LocationIdx::new(0),
        shift: window(shift.0, shift.1),
        capacity: 100,
        max_duration: None,
        lunch: None,
        fixed_cost: Cost(0),
    }
}

fn visit(location: usize, windows: &[(i64, i64)]) -> Visit {
    Visit {
        location: LocationIdx::new(location),
        service: Minutes(10),
        demand: 1,
        windows: windows.iter().map(|(s, e)| window(*s, *e)).collect(),
        allowed_vehicles: None,
        penalty: None,
        pin: None,
    }
}

fn weights() -> Weights {
    Weights {
        per_minute: 0,
        per_meter: 1,
    }
}

fn params(seed: u64) -> Params<'static> {
    Params::new(
        seed,
        Limits::new(Duration::from_secs(5)).with_iterations(300),
    )
}

/// Solves and asserts the checker accepts the solution with the same cost.
fn solve_checked(problem: &Problem) -> Solution {
    let solution = solve(problem, &params(1));
    let unassigned: Vec<usize> = solution.unmet.iter().map(|(x, _)| *x).collect();
    let report = check(problem, &solution.routes, &unassigned)
        .unwrap_or_else(|v| panic!("checker refused {solution:?}: {v:?}"));
    assert_eq!(report.cost, solution.cost, "{solution:?}");
    solution
}

#[test]
fn a_visit_whose_first_window_cannot_be_reached_is_served_in_its_second() {
    // Arrange: the visit is 50 away; its first window closes at 20.
    let travel = line(&[0, 50]);
    let problem = Problem::new(
        vec![vehicle((0, 1000))],
        vec![visit(1, &[(0, 20), (200, 300)])],
        &travel,
        weights(),
    )
    .unwrap();

    // Act
    let solution = solve_checked(&problem);

    // Assert
    assert_eq!(solution.routes[0].visits, vec![0]);
    let report = check(&problem, &solution.routes, &[]).unwrap();
    assert_eq!(report.routes[0].starts, vec![Minutes(200)]);
}

#[test]
fn a_visit_allowed_on_one_vehicle_only_is_on_that_vehicle() {
    // Arrange: two identical vehicles; the visit may only go on the second.
    let travel = line(&[0, 10, 20]);
    let mut only_second = visit(2, &[(0, 1000)]);
    only_second.allowed_vehicles = Some(vec![1]);
    let problem = Problem::new(
        vec![vehicle((0, 1000)), vehicle((0, 1000))],
        vec![visit(1, &[(0, 1000)]), only_second],
        &travel,
        weights(),
    )
    .unwrap();

    // Act
    let solution = solve_checked(&problem);

    // Assert
    assert!(solution.routes[1].visits.contains(&1), "{solution:?}");
    assert!(!solution.routes[0].visits.contains(&1), "{solution:?}");
}

/// Locations in the plane, Euclidean distances rounded, time = distance.
pub(super) fn plane(points: &[(f64, f64)]) -> TravelMatrix {
    let n = points.len();
    let legs = (0..n * n)
        .map(|k| {
            let (a, b) = (points[k / n], points[k % n]);
            let d = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt().round() as i64;
            Leg::new(Minutes(d), Meters(d))
        })
        .collect();
    TravelMatrix::new(n, legs).unwrap()
}

#[test]
fn a_lunch_break_forces_the_visits_into_another_order() {
    // Arrange: depot and three visits on the corners of a square of side 10. Without a break
    // the square tour A, C, B (cost 40) is best. With a 100-long lunch starting between 40 and
    // 45, only two visits fit before it, and A and B must both be made before 60: the tour
    // becomes A, B (diagonal), lunch, C (cost 48).
    let travel = plane(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]);
    let visits = vec![
        visit(1, &[(0, 60)]),
        visit(2, &[(0, 1000)]),
        visit(3, &[(0, 60)]),
    ];
    let (a, c, b) = (0, 1, 2);
    let no_lunch =
        Problem::new(vec![vehicle((0, 1000))], visits.clone(), &travel, weights()).unwrap();
    let mut v = vehicle((0, 1000));
    v.lunch = Some(Break {
        window: window(40, 45),
        duration: Minutes(100),
    });
    let with_lunch = Problem::new(vec![v], visits, &travel, weights()).unwrap();

    // Act
    let before = solve_checked(&no_lunch);
    let after = solve_checked(&with_lunch);

    // Assert
    assert_eq!(before.cost, Cost(40));
    assert!(before.routes[0].visits == vec![a, c, b] || before.routes[0].visits == vec![b, c, a]);
    assert_eq!(after.cost, Cost(48));
    assert_eq!(after.routes[0].visits[2], c, "{after:?}");
    assert_eq!(after.routes[0].break_after, Some(2));
}

#[test]
fn a_pinned_visit_stays_on_its_vehicle_at_its_position() {
    // Arrange: the pinned visit is next to vehicle 0's depot… but pinned to vehicle 1, first.
    let travel = line(&[0, 5, 100, 105]);
    let mut pinned = visit(1, &[(0, 1000)]);
    pinned.pin = Some(Pin {
        vehicle: 1,
        position: Some(0),
    });
    let mut v1 = vehicle((0, 1000));
    v1.start = LocationIdx::new(2);
    v1.end = LocationIdx::new(2);
    let problem = Problem::new(
        vec![vehicle((0, 1000)), v1],
        vec![pinned, visit(3, &[(0, 1000)])],
        &travel,
        weights(),
    )
    .unwrap();

    // Act
    let solution = solve_checked(&problem);

    // Assert
    assert_eq!(solution.routes[1].visits.first(), Some(&0), "{solution:?}");
}

#[test]
fn an_impossible_optional_visit_comes_back_unassigned_with_its_reason() {
    // Arrange: the visit's window closes before the vehicle could get there.
    let travel = line(&[0, 100]);
    let mut impossible = visit(1, &[(0, 50)]);
    impossible.penalty = Some(Cost(1_000));
    let problem = Problem::new(
        vec![vehicle((0, 1000))],
        vec![impossible],
        &travel,
        weights(),
    )
    .unwrap();

    // Act
    let solution = solve_checked(&problem);

    // Assert
    assert_eq!(solution.unmet, vec![(0, UnmetReason::NoCompatibleWindow)]);
    assert_eq!(
        solution.unmet[0].1.to_string(),
        "aucune plage horaire compatible"
    );
    assert_eq!(solution.cost, Cost(1_000));
}

#[test]
fn an_optional_visit_dearer_than_its_penalty_is_left_out() {
    // Arrange: going there costs 200, leaving it out 50.
    let travel = line(&[0, 100]);
    let mut far = visit(1, &[(0, 1000)]);
    far.penalty = Some(Cost(50));
    let problem = Problem::new(vec![vehicle((0, 1000))], vec![far], &travel, weights()).unwrap();

    // Act
    let solution = solve_checked(&problem);

    // Assert
    assert_eq!(solution.unmet, vec![(0, UnmetReason::NotWorthIt)]);
}

#[test]
fn invalid_input_is_an_error_naming_the_item_and_field() {
    let travel = line(&[0, 10]);
    let cases: Vec<(Vec<Vehicle>, Vec<Visit>, &str)> = vec![
        (
            vec![vehicle((0, 100))],
            vec![visit(1, &[(50, 10)])],
            "visite 0, champ plages",
        ),
        (
            vec![vehicle((0, 100))],
            vec![Visit {
                allowed_vehicles: Some(vec![3]),
                ..visit(1, &[(0, 10)])
            }],
            "visite 0, champ véhicules permis",
        ),
        (
            vec![vehicle((0, 100))],
            vec![Visit {
                service: Minutes(-5),
                ..visit(1, &[(0, 10)])
            }],
            "visite 0, champ durée",
        ),
        (
            vec![vehicle((0, 100))],
            vec![visit(7, &[(0, 10)])],
            "visite 0, champ lieu",
        ),
        (
            vec![vehicle((100, 0))],
            vec![],
            "véhicule 0, champ horaires",
        ),
    ];
    for (vehicles, visits, expected) in cases {
        let err = Problem::new(vehicles, visits, &travel, weights()).unwrap_err();
        assert!(
            err.to_string().starts_with(expected),
            "{err} (expected {expected})"
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_solution() {
    // Arrange: 30 visits on a line with staggered windows, 3 vehicles.
    let xs: Vec<i64> = (0..31).map(|i| (i * 37) % 101).collect();
    let travel = line(&xs);
    let visits = (1..31)
        .map(|i| visit(i, &[((i as i64 % 5) * 60, (i as i64 % 5) * 60 + 200)]))
        .collect();
    let problem = Problem::new(vec![vehicle((0, 2000)); 3], visits, &travel, weights()).unwrap();

    // Act
    let a = solve(&problem, &params(7));
    let b = solve(&problem, &params(7));

    // Assert
    assert_eq!(a.routes, b.routes);
    assert_eq!(a.cost, b.cost);
}

/// A random instance on a 100 × 100 grid: up to `n` visits with one or two windows, some
/// optional, up to three vehicles of limited capacity.
fn random_problem(seed: u64, n: usize) -> Problem {
    let mut rng = crate::rng::Rng::seed_from_u64(seed);
    let points: Vec<(f64, f64)> = (0..=n)
        .map(|_| (rng.range_i64(0, 100) as f64, rng.range_i64(0, 100) as f64))
        .collect();
    let travel = plane(&points);
    let vehicles = (0..1 + rng.index(3))
        .map(|_| Vehicle {
            capacity: 3 + rng.range_i64(0, 6),
            ..vehicle((0, 600))
        })
        .collect();
    let visits = (1..=n)
        .map(|i| {
            let a = rng.range_i64(0, 400);
            let mut windows = vec![(a, a + rng.range_i64(0, 120))];
            if rng.chance(0.3) {
                let b = windows[0].1 + 1 + rng.range_i64(0, 100);
                windows.push((b, b + 60));
            }
            let mut v = visit(i, &windows);
            v.demand = rng.range_i64(0, 3);
            if rng.chance(0.5) {
                v.penalty = Some(Cost(rng.range_i64(0, 300)));
            }
            v
        })
        .collect();
    Problem::new(vehicles, visits, &travel, weights()).unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    #[test]
    fn random_instances_give_checked_solutions_with_every_visit_once(seed in 0_u64..10_000, n in 1_usize..14) {
        let problem = random_problem(seed, n);
        let solution = solve(&problem, &Params::new(seed, Limits::new(Duration::from_secs(5)).with_iterations(60)));
        let mut seen = vec![0; n];
        for r in &solution.routes {
            for x in &r.visits {
                seen[*x] += 1;
            }
        }
        for (x, _) in &solution.unmet {
            seen[*x] += 1;
        }
        proptest::prop_assert!(seen.iter().all(|k| *k == 1), "{:?}", solution);
        let unassigned: Vec<usize> = solution.unmet.iter().map(|(x, _)| *x).collect();
        if let Ok(report) = check(&problem, &solution.routes, &unassigned) {
            proptest::prop_assert_eq!(report.cost, solution.cost);
        }
        let again = solve(&problem, &Params::new(seed, Limits::new(Duration::from_secs(5)).with_iterations(60)));
        proptest::prop_assert_eq!(again.routes, solution.routes);
    }
}

#[test]
fn a_one_second_limit_is_respected_within_a_tenth_of_a_second() {
    // Arrange: 300 visits, far more than a second of search.
    let problem = random_problem(3, 300);
    let started = std::time::Instant::now();

    // Act
    let solution = solve(
        &problem,
        &Params::new(1, Limits::new(Duration::from_secs(1))),
    );

    // Assert
    let elapsed = started.elapsed();
    assert!(
        elapsed <= Duration::from_millis(1_100),
        "{elapsed:?}, stop {:?}",
        solution.stop
    );
}

#[test]
fn a_leg_too_long_for_the_matrix_is_refused_naming_its_locations() {
    // Arrange: a leg of three billion minutes.
    let far = 3_000_000_000;
    let legs = vec![
        Leg::ZERO,
        Leg::new(Minutes(far), Meters(1)),
        Leg::new(Minutes(1), Meters(1)),
        Leg::ZERO,
    ];
    let travel = TravelMatrix::new(2, legs).unwrap();

    // Act
    let err = Problem::new(vec![vehicle((0, 100))], vec![], &travel, weights()).unwrap_err();

    // Assert
    assert!(
        err.to_string()
            .starts_with("trajets 0, champ durée : trajet du lieu 0 au lieu 1 trop long"),
        "{err}"
    );
}

#[test]
fn a_day_with_no_visit_to_move_returns_at_once() {
    // Arrange: no visit at all, and a single pinned one; a whole minute allowed.
    let travel = line(&[0, 10]);
    let pinned = Visit {
        pin: Some(Pin {
            vehicle: 0,
            position: None,
        }),
        ..visit(1, &[(0, 100)])
    };
    let params = Params::new(1, Limits::new(Duration::from_secs(60)));
    for visits in [vec![], vec![pinned]] {
        let problem = Problem::new(vec![vehicle((0, 200))], visits, &travel, weights()).unwrap();

        // Act
        let started = std::time::Instant::now();
        let solution = solve(&problem, &params);

        // Assert
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(solution.stop, crate::limits::StopReason::NoImprovement);
        assert_eq!(solution.stats.iterations, 0);
    }
}
