use std::time::Duration;

use super::*;
use crate::limits::Limits;
use crate::rng::Rng;

/// Places on a line: one minute and one kilometre per unit.
struct Line(Vec<i64>);

impl TravelTimes for Line {
    fn leg(&self, from: LocationIdx, to: LocationIdx) -> Leg {
        let d = (self.0[from.index()] - self.0[to.index()]).abs();
        Leg::new(Minutes(d), Meters(1000 * d))
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

const DAY: i64 = 24 * 60;

fn window(start: i64, end: i64) -> TimeWindow {
    TimeWindow::new(Minutes(start), Minutes(end))
}

/// A référent working 9:00–17:00 on `weekdays` (0 = Monday) with lunch 12:00–14:00 (45 min).
fn days_of(referent: usize, weekdays: &[i64]) -> Vec<Day> {
    weekdays
        .iter()
        .map(|&d| Day {
            referent,
            hours: window(d * DAY + 9 * 60, d * DAY + 17 * 60),
            open: window(d * DAY + 9 * 60, d * DAY + 17 * 60),
            lunch: Some(Break {
                window: window(d * DAY + 12 * 60, d * DAY + 14 * 60 - 45),
                duration: Minutes(45),
            }),
        })
        .collect()
}

fn visit(referent: usize, location: usize, available: Vec<TimeWindow>) -> Visit {
    Visit {
        referent,
        location: LocationIdx::new(location),
        duration: Minutes(60),
        available,
        priority: 0,
        keep: Keep::Free,
    }
}

fn params(seed: u64) -> Params {
    Params::new(
        seed,
        Limits::new(Duration::from_secs(60)).with_iterations(3_000),
    )
}

fn plan(problem: &Problem<'_>) -> Solution {
    solve(problem, &params(5), &mut |_| {}).unwrap()
}

/// A random week: 2 référents, 5 days each, `n` visits with one to three windows.
fn random_week(line: &Line, n: usize, seed: u64) -> (Vec<Referent>, Vec<Day>, Vec<Visit>) {
    let mut rng = Rng::seed_from_u64(seed);
    let referents = vec![
        Referent {
            base: LocationIdx::new(0),
            travel: 0,
        },
        Referent {
            base: LocationIdx::new(1),
            travel: 0,
        },
    ];
    let mut days = days_of(0, &[0, 1, 2, 3, 4]);
    days.extend(days_of(1, &[0, 1, 3, 4]));
    let visits = (0..n)
        .map(|i| {
            let mut available: Vec<TimeWindow> = Vec::new();
            for d in 0..5 {
                if rng.chance(0.5) {
                    let start = d * DAY + 8 * 60 + 30 * rng.range_i64(0, 16);
                    available.push(window(start, start + 90 + 30 * rng.range_i64(0, 6)));
                }
            }
            if available.is_empty() {
                available.push(window(2 * DAY + 9 * 60, 2 * DAY + 12 * 60));
            }
            visit(i % 2, 2 + rng.index(line.len() - 2), available)
        })
        .collect();
    (referents, days, visits)
}

fn line(n: usize, seed: u64) -> Line {
    let mut rng = Rng::seed_from_u64(seed);
    Line((0..n).map(|_| rng.range_i64(0, 40)).collect())
}

/// Every placed visit starts and ends inside one of its family's windows and inside its day's
/// hours, with travel between consecutive stops respected and lunch inside its window.
fn assert_schedule_respects_everything(problem: &Problem<'_>, solution: &Solution) {
    for (d, plan) in solution.days.iter().enumerate() {
        let day = &problem.days()[d];
        if plan.visits.is_empty() {
            continue;
        }
        let travel = problem.travel_of(day.referent);
        let base = problem.referents()[day.referent].base;
        assert!(plan.leave >= day.hours.start && plan.back <= day.hours.end);
        let mut at = base;
        let mut free_at = plan.leave.0;
        for (&v, &start) in plan.visits.iter().zip(&plan.starts) {
            let visit = &problem.visits()[v];
            assert_eq!(visit.referent, day.referent);
            let end = start.0 + visit.duration.0;
            match visit.keep {
                Keep::Exact {
                    day: kept,
                    start: s,
                } => assert_eq!((kept, s), (d, start)),
                _ => assert!(
                    visit
                        .available
                        .iter()
                        .any(|w| w.start <= start && end <= w.end.0),
                    "visit {v} at {start:?} outside {:?}",
                    visit.available
                ),
            }
            assert!(
                start.0 >= free_at + travel.leg(at, visit.location).minutes.0 || {
                    // lunch may sit between; then the gap holds lunch too
                    plan.lunch.is_some()
                }
            );
            free_at = end;
            at = visit.location;
        }
        assert!(plan.back.0 >= free_at + travel.leg(at, base).minutes.0);
        if let (Some(lunch), Some(b)) = (plan.lunch, day.lunch) {
            assert!(b.window.start <= lunch && lunch <= b.window.end);
        }
    }
}

#[test]
fn rota_never_schedules_a_visit_outside_the_family_availability_or_working_hours() {
    for seed in 0..4 {
        let travel = line(12, seed);
        let (referents, days, visits) = random_week(&travel, 30, seed);
        let problem = Problem::new(referents, days, visits, vec![&travel]).unwrap();
        let optimised = plan(&problem);
        assert_schedule_respects_everything(&problem, &optimised);
        let first_fit = baseline::solve(&problem).unwrap();
        assert_schedule_respects_everything(&problem, &first_fit);
        // Nothing is silently dropped.
        assert_eq!(optimised.placed() + optimised.unmet.len(), 30);
        assert_eq!(first_fit.placed() + first_fit.unmet.len(), 30);
    }
}

#[test]
fn the_optimised_week_places_as_many_visits_as_first_fit_with_less_travel() {
    for seed in 10..14 {
        let travel = line(14, seed);
        let (referents, days, visits) = random_week(&travel, 36, seed);
        let problem = Problem::new(referents, days, visits, vec![&travel]).unwrap();
        let optimised = plan(&problem);
        let first_fit = baseline::solve(&problem).unwrap();
        assert!(optimised.placed() >= first_fit.placed(), "seed {seed}");
        assert!(
            optimised.travel_minutes() <= first_fit.travel_minutes(),
            "seed {seed}: {:?} vs {:?}",
            optimised.travel_minutes(),
            first_fit.travel_minutes()
        );
    }
}

#[test]
fn first_fit_takes_families_in_order_on_the_earliest_day_and_time() {
    // Three families available all week, far apart: first fit fills Monday in the order given.
    let travel = Line(vec![0, 30, 1, 29]);
    let all_week: Vec<TimeWindow> = (0..5)
        .map(|d| window(d * DAY + 9 * 60, d * DAY + 17 * 60))
        .collect();
    let visits = vec![
        visit(0, 1, all_week.clone()),
        visit(0, 2, all_week.clone()),
        visit(0, 3, all_week),
    ];
    let problem = Problem::new(
        vec![Referent {
            base: LocationIdx::new(0),
            travel: 0,
        }],
        days_of(0, &[0, 1, 2, 3, 4]),
        visits,
        vec![&travel],
    )
    .unwrap();
    let first_fit = baseline::solve(&problem).unwrap();
    assert_eq!(first_fit.days[0].visits, vec![0, 1, 2]);
    // 30 out, 29 back, 28 out, 29 back: 116 minutes; the optimised order 0→1→3→2→0 drives 60.
    assert_eq!(first_fit.days[0].travel_minutes, Minutes(116));
    let optimised = plan(&problem);
    assert_eq!(optimised.travel_minutes(), Minutes(60), "{optimised:?}");
}

#[test]
fn an_exact_appointment_keeps_its_day_and_time() {
    let travel = Line(vec![0, 5, 8]);
    let mut eps = visit(0, 1, vec![]);
    eps.keep = Keep::Exact {
        day: 2,
        start: Minutes(2 * DAY + 14 * 60),
    };
    eps.duration = Minutes(120);
    let problem = Problem::new(
        vec![Referent {
            base: LocationIdx::new(0),
            travel: 0,
        }],
        days_of(0, &[0, 1, 2, 3, 4]),
        vec![
            eps,
            visit(0, 2, vec![window(2 * DAY + 9 * 60, 2 * DAY + 17 * 60)]),
        ],
        vec![&travel],
    )
    .unwrap();
    for solution in [plan(&problem), baseline::solve(&problem).unwrap()] {
        let wednesday = &solution.days[2];
        let at = wednesday.visits.iter().position(|&v| v == 0).unwrap();
        assert_eq!(wednesday.starts[at], Minutes(2 * DAY + 14 * 60));
        assert!(solution.unmet.is_empty());
    }
}

#[test]
fn a_visit_that_cannot_be_placed_comes_back_with_its_reason() {
    let travel = Line(vec![0, 5, 6]);
    let saturday_only = visit(0, 1, vec![window(5 * DAY + 9 * 60, 5 * DAY + 12 * 60)]);
    let for_absent = visit(1, 2, vec![window(9 * 60, 17 * 60)]);
    let referents = vec![
        Referent {
            base: LocationIdx::new(0),
            travel: 0,
        },
        Referent {
            base: LocationIdx::new(0),
            travel: 0,
        },
    ];
    let problem = Problem::new(
        referents,
        days_of(0, &[0, 1, 2, 3, 4]),
        vec![saturday_only, for_absent],
        vec![&travel],
    )
    .unwrap();
    let solution = plan(&problem);
    assert_eq!(
        solution.unmet,
        vec![(0, Unmet::NoCommonSlot), (1, Unmet::NoWorkingDay)]
    );
    assert_eq!(baseline::solve(&problem).unwrap().unmet, solution.unmet);
}

#[test]
fn a_kept_day_is_kept_when_it_fits_and_freed_when_it_must() {
    let travel = Line(vec![0, 3, 4, 5]);
    let wednesday = window(2 * DAY + 9 * 60, 2 * DAY + 12 * 60);
    let all_week: Vec<TimeWindow> = (0..5)
        .map(|d| window(d * DAY + 9 * 60, d * DAY + 17 * 60))
        .collect();
    let mut kept = visit(0, 1, all_week);
    kept.keep = Keep::Day(0); // Monday, though Wednesday would do as well.
    let referent = vec![Referent {
        base: LocationIdx::new(0),
        travel: 0,
    }];
    let problem = Problem::new(
        referent.clone(),
        days_of(0, &[0, 1, 2, 3, 4]),
        vec![kept.clone(), visit(0, 2, vec![wednesday])],
        vec![&travel],
    )
    .unwrap();
    let solution = plan(&problem);
    assert_eq!(solution.days[0].visits, vec![0]);
    assert!(solution.moved.is_empty());

    // Monday has room for one visit of four hours and lunch; a new Monday-only one needs it.
    let mut long = kept;
    long.duration = Minutes(4 * 60);
    let monday_only = Visit {
        duration: Minutes(4 * 60),
        ..visit(0, 3, vec![window(9 * 60, 17 * 60)])
    };
    let problem = Problem::new(
        referent,
        days_of(0, &[0, 1, 2, 3, 4]),
        vec![long, monday_only],
        vec![&travel],
    )
    .unwrap();
    let solution = plan(&problem);
    assert!(solution.unmet.is_empty(), "{:?}", solution.unmet);
    assert_eq!(solution.moved, vec![0]);
}

#[test]
fn the_same_seed_gives_the_same_week() {
    let travel = line(12, 3);
    let (referents, days, visits) = random_week(&travel, 30, 3);
    let problem = Problem::new(referents, days, visits, vec![&travel]).unwrap();
    assert_eq!(plan(&problem), plan(&problem));
}
