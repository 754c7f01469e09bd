//! Solomon-like VRPTW instances of any size, for the routing engine's scaling table (issue 4).
//!
//! The recipe follows Solomon's RC1 class, stretched the way Gehring and Homberger stretched it
//! to larger sizes: half the customers in clusters, half scattered; the square grows with the
//! square root of the size, so the density of customers stays that of the 100-customer
//! instances, and so does the horizon. Service takes 10 units, demands are 1 to 40 against a
//! capacity of 200, and each window (10 to 60 units wide) lies where the customer can be served
//! straight from the depot and back, so every customer fits in a route of its own. The output
//! is a VRPLIB file, like the Solomon ones: `parcours-dev bench vrptw` and PyVRP read it as is.

use std::fmt::Write as _;

use parcours_solver::rng::Rng;

/// The side of the square for 100 customers, and the horizon (Solomon's RC1: 100 and 240).
const SIDE: f64 = 100.0;
const HORIZON: f64 = 240.0;
const SERVICE: i64 = 10;
const CAPACITY: i64 = 200;

/// The VRPLIB text of a Solomon-like instance named `S<customers>` with `customers` customers,
/// the same for the same size and seed.
pub fn solomon_like(customers: usize, seed: u64) -> String {
    let mut rng = Rng::seed_from_u64(seed ^ (customers as u64).rotate_left(32));
    let scale = (customers as f64 / 100.0).sqrt().max(0.1);
    let side = SIDE * scale;
    // Long enough for the farthest corner and back, on the smallest grids too.
    let horizon = (HORIZON * scale)
        .max(1.5 * side + SERVICE as f64 + 10.0)
        .round() as i64;
    let depot = ((side / 2.0).round() as i64, (side / 2.0).round() as i64);
    let clusters: Vec<(f64, f64)> = (0..(8.0 * scale).ceil() as usize)
        .map(|_| (rng.unit_f64() * side, rng.unit_f64() * side))
        .collect();
    let mut points = Vec::with_capacity(customers);
    while points.len() < customers {
        let (x, y) = if points.len() % 2 == 0 {
            (rng.unit_f64() * side, rng.unit_f64() * side)
        } else {
            let (cx, cy) = *rng.pick(&clusters).expect("at least one cluster");
            (cx + 5.0 * rng.normal(), cy + 5.0 * rng.normal())
        };
        let point = (
            (x.round() as i64).clamp(0, side as i64),
            (y.round() as i64).clamp(0, side as i64),
        );
        if point != depot {
            points.push(point);
        }
    }
    let mut windows = Vec::with_capacity(customers);
    for &(x, y) in &points {
        // Travel in whole units, rounded up, so the window stays reachable under any rounding.
        let away = (((x - depot.0).pow(2) + (y - depot.1).pow(2)) as f64)
            .sqrt()
            .ceil() as i64;
        let (earliest, latest) = (away, horizon - away - SERVICE);
        let width = rng.range_i64(10, 60);
        let ready = rng.range_i64(earliest, latest.max(earliest)).min(latest);
        windows.push((ready, (ready + width).min(latest).max(ready)));
    }

    let mut text = String::new();
    let n = customers + 1;
    let vehicles = customers.div_ceil(4).max(1);
    let header = [
        format!("NAME : S{customers}"),
        "TYPE : CVRPTW".to_owned(),
        format!("COMMENT : Solomon-like RC1, seed {seed} (parcours-dev bench scaling)"),
        format!("DIMENSION : {n}"),
        format!("VEHICLES : {vehicles}"),
        format!("CAPACITY : {CAPACITY}"),
        format!("SERVICE_TIME : {SERVICE}"),
        "EDGE_WEIGHT_TYPE : EUC_2D".to_owned(),
        "NODE_COORD_SECTION".to_owned(),
    ];
    for line in header {
        text.push_str(&line);
        text.push('\n');
    }
    let line = |text: &mut String, args: std::fmt::Arguments<'_>| {
        text.write_fmt(args).expect("writing to a String");
        text.push('\n');
    };
    line(&mut text, format_args!("1 {} {}", depot.0, depot.1));
    for (k, (x, y)) in points.iter().enumerate() {
        line(&mut text, format_args!("{} {x} {y}", k + 2));
    }
    text.push_str("DEMAND_SECTION\n1 0\n");
    for k in 0..customers {
        line(
            &mut text,
            format_args!("{} {}", k + 2, rng.range_i64(1, 40)),
        );
    }
    line(
        &mut text,
        format_args!("TIME_WINDOW_SECTION\n1 0 {horizon}"),
    );
    for (k, (ready, due)) in windows.iter().enumerate() {
        line(&mut text, format_args!("{} {ready} {due}", k + 2));
    }
    text.push_str("DEPOT_SECTION\n1\n-1\nEOF\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use parcours_solver::routing::{Route, check, vrplib};

    #[test]
    fn instances_are_reproducible_and_every_customer_fits_in_a_route_of_its_own() {
        for customers in [1, 37, 200] {
            // Arrange
            let text = solomon_like(customers, 1);

            // Act
            let instance = vrplib::parse(&text).unwrap();
            let problem = vrplib::to_problem(&instance).unwrap();

            // Assert
            assert_eq!(text, solomon_like(customers, 1));
            assert_ne!(text, solomon_like(customers, 2));
            assert_eq!(problem.visits().len(), customers);
            let routes = vec![Route::default(); problem.vehicles().len()];
            for x in 0..customers {
                let mut alone = routes.clone();
                alone[0].visits = vec![x];
                let others: Vec<usize> = (0..customers).filter(|y| *y != x).collect();
                // The others are left out, which is all the checker may report.
                if let Err(violations) = check::check(&problem, &alone, &others) {
                    assert!(
                        violations
                            .iter()
                            .all(|v| matches!(v, check::Violation::MandatoryUnassigned { .. })),
                        "customer {x} of {customers}: {violations:?}"
                    );
                }
            }
        }
    }
}
