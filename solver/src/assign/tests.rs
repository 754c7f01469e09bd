use std::time::Duration;

use super::*;
use crate::limits::Limits;
use crate::rng::Rng;
use crate::unmet::UnmetReason;

fn params() -> Params<'static> {
    Params::new(7, Limits::new(Duration::from_secs(30)))
}

fn referent(max: u32) -> Referent {
    Referent {
        max_caseload: max,
        languages: vec![],
        monthly_minutes: 6000,
    }
}

fn family(current: Option<(usize, u32)>) -> Family {
    Family {
        language: None,
        visits_per_month_x100: 217,
        visit_minutes: 45,
        current: current.map(|(referent, months)| Current { referent, months }),
        pinned: false,
    }
}

/// Référents and families on a line (km from the origin); a round trip takes 2 min per km.
fn on_a_line(referents: &[i64], families: &[i64]) -> Vec<Pair> {
    referents
        .iter()
        .flat_map(|&r| {
            families.iter().map(move |&f| Pair {
                round_trip: Minutes(2 * (r - f).abs()),
                in_sector: true,
                can_visit: true,
            })
        })
        .collect()
}

fn no_balance() -> Weights {
    Weights {
        balance_per_point: 0,
        ..Weights::default()
    }
}

fn assign(problem: &Problem) -> Solution {
    let solution = solve(problem, &params());
    assert_eq!(solution.stop, StopReason::Optimal);
    assert!(solution.stats.gap <= REL_GAP, "gap {}", solution.stats.gap);
    solution
}

#[test]
fn each_family_goes_to_the_nearest_referent_when_nothing_else_binds() {
    let problem = Problem::new(
        vec![referent(10), referent(10)],
        vec![family(None), family(None), family(None)],
        on_a_line(&[0, 100], &[10, 90, 40]),
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment, vec![Some(0), Some(1), Some(0)]);
    assert_eq!(s.cost_of(Rule::Travel).0, 217 * (20 + 20 + 80));
}

#[test]
fn a_referent_never_follows_more_families_than_her_maximum_caseload() {
    let families = vec![family(None), family(None), family(None)];
    let pairs = on_a_line(&[0, 100], &[10, 11, 12]);
    let roomy = Problem::new(
        vec![referent(3), referent(3)],
        families.clone(),
        pairs.clone(),
        no_balance(),
    )
    .unwrap();
    assert_eq!(assign(&roomy).loads[0].families, 3);

    let tight = Problem::new(
        vec![referent(2), referent(3)],
        families,
        pairs,
        no_balance(),
    )
    .unwrap();
    let s = assign(&tight);
    assert_eq!(s.loads[0].families, 2);
    assert_eq!(s.loads[1].families, 1);
    // The one that goes far is the one it costs least to send: the farthest from R0.
    assert_eq!(s.assignment[2], Some(1));
}

#[test]
fn a_family_needing_a_language_goes_to_a_referent_who_speaks_it_even_if_farther() {
    let mut arabic = family(None);
    arabic.language = Some(1);
    let mut speaker = referent(10);
    speaker.languages = vec![1];
    let problem = Problem::new(
        vec![referent(10), speaker],
        vec![arabic, family(None)],
        on_a_line(&[0, 100], &[10, 10]),
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment, vec![Some(1), Some(0)]);
}

#[test]
fn hard_sectors_bind_and_soft_sectors_only_cost() {
    let mut pairs = on_a_line(&[0, 30], &[10]);
    pairs[0].in_sector = false; // R0 is nearer but the family is outside her sector.
    let families = vec![family(None)];
    let hard = Problem::new(
        vec![referent(5), referent(5)],
        families.clone(),
        pairs.clone(),
        no_balance(),
    )
    .unwrap();
    assert_eq!(assign(&hard).assignment, vec![Some(1)]);

    // Soft, cheap: R0 saves 2 × (20 − 10) × 2.17 ≈ 87 min a month, more than 30.
    let cheap = Weights {
        sectors: SectorRule::Soft { minutes: 30 },
        ..no_balance()
    };
    let soft = Problem::new(
        vec![referent(5), referent(5)],
        families.clone(),
        pairs.clone(),
        cheap,
    )
    .unwrap();
    let s = assign(&soft);
    assert_eq!(s.assignment, vec![Some(0)]);
    assert_eq!(s.cost_of(Rule::Sector).0, 3000);

    // Soft, dear: 200 min a month outweighs the saving.
    let dear = Weights {
        sectors: SectorRule::Soft { minutes: 200 },
        ..no_balance()
    };
    let soft = Problem::new(vec![referent(5), referent(5)], families, pairs, dear).unwrap();
    assert_eq!(assign(&soft).assignment, vec![Some(1)]);
}

#[test]
fn a_family_may_stay_with_a_current_referent_who_breaks_a_hard_rule() {
    // R1 does not speak the family's language and is outside her sector, but follows it.
    let mut followed = family(Some((1, 6)));
    followed.language = Some(2);
    let mut pairs = on_a_line(&[0, 5], &[5]);
    pairs[1].in_sector = false;
    let problem = Problem::new(
        vec![referent(5), referent(5)],
        vec![followed],
        pairs,
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment, vec![Some(1)]);
    assert!(s.unmet.is_empty());
}

#[test]
fn a_pinned_family_keeps_its_referent_however_far() {
    let mut pinned = family(Some((1, 0)));
    pinned.pinned = true;
    let problem = Problem::new(
        vec![referent(5), referent(5)],
        vec![pinned, family(Some((1, 0)))],
        on_a_line(&[0, 500], &[1, 1]),
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment, vec![Some(1), Some(0)]);
    assert_eq!(s.moves.len(), 1);
    assert_eq!(s.moves[0].family, 1);
}

#[test]
fn continuity_keeps_a_long_followed_family_unless_the_saving_is_large() {
    // Both families sit 20 km nearer R0 than their current R1: 2 × 20 × 2.17 ≈ 87 min a month.
    let problem = Problem::new(
        vec![referent(5), referent(5)],
        vec![family(Some((1, 12))), family(Some((1, 0)))],
        on_a_line(&[0, 40], &[10, 10]),
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    // Followed a year: 60 + 12 × 15 = 240 min > 87, stays. New: 60 < 87, moves.
    assert_eq!(s.assignment, vec![Some(1), Some(0)]);
    assert_eq!(
        s.moves,
        vec![Move {
            family: 1,
            from: 1,
            to: 0,
            reason: MoveReason::Travel { saved_minutes: 87 }
        }]
    );
    assert_eq!(s.cost_of(Rule::Continuity).0, 6000);
}

#[test]
fn balance_spreads_the_load_when_it_weighs_and_not_when_it_does_not() {
    let families: Vec<Family> = (0..6).map(|_| family(None)).collect();
    let pairs = on_a_line(&[0, 14], &[6, 6, 6, 6, 6, 6]);
    let lopsided = Problem::new(
        vec![referent(10), referent(10)],
        families.clone(),
        pairs.clone(),
        no_balance(),
    )
    .unwrap();
    assert_eq!(assign(&lopsided).loads[0].families, 6);

    let balanced = Problem::new(
        vec![referent(10), referent(10)],
        families,
        pairs,
        Weights::default(),
    )
    .unwrap();
    let s = assign(&balanced);
    assert!(s.loads[1].families >= 2, "{:?}", s.loads);
    assert!(
        (s.loads[0].permille - s.loads[1].permille).abs() < 100,
        "{:?}",
        s.loads
    );
}

#[test]
fn a_family_no_one_may_follow_is_reported_with_its_reason() {
    let mut tamil = family(None);
    tamil.language = Some(9);
    let problem = Problem::new(
        vec![referent(1)],
        vec![tamil, family(None), family(None)],
        on_a_line(&[0], &[1, 2, 3]),
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment[0], None);
    assert_eq!(s.loads[0].families, 1);
    let reasons: Vec<UnmetReason> = s.unmet.iter().map(|(_, r)| *r).collect();
    assert_eq!(
        reasons,
        vec![UnmetReason::NoLanguage, UnmetReason::Capacity]
    );
}

#[test]
fn a_followed_family_never_loses_its_referent_and_an_overloaded_referent_hands_over_what_she_can() {
    // R0 follows 3 families for a maximum of 1; R1 (maximum 1) may only take F1 (the others
    // need a language only R0 speaks); a new family F3 near R0 finds no room.
    let mut r0 = referent(1);
    r0.languages = vec![1];
    let mut families: Vec<Family> = (0..3).map(|_| family(Some((0, 30)))).collect();
    families[0].language = Some(1);
    families[2].language = Some(1);
    families.push(family(None));
    let problem = Problem::new(
        vec![r0, referent(1)],
        families,
        on_a_line(&[0, 100], &[1, 2, 3, 4]),
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment, vec![Some(0), Some(1), Some(0), None]);
    assert_eq!(s.moves.len(), 1);
    assert_eq!(s.moves[0].reason, MoveReason::Capacity);
    assert_eq!(s.unmet, vec![(3, UnmetReason::Capacity)]);
    assert_eq!(s.cost_of(Rule::Overload).0, model::OVERLOAD_COST);

    // Without a colleague, she keeps all three: nobody is left without a référent.
    let mut alone: Vec<Family> = (0..3).map(|_| family(Some((0, 30)))).collect();
    alone.push(family(None));
    let problem = Problem::new(
        vec![referent(1)],
        alone,
        on_a_line(&[0], &[1, 2, 3, 4]),
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment, vec![Some(0), Some(0), Some(0), None]);
}

#[test]
fn more_pinned_families_than_the_maximum_caseload_is_refused_naming_the_referent() {
    let mut pinned = family(Some((0, 3)));
    pinned.pinned = true;
    let err = Problem::new(
        vec![referent(1)],
        vec![pinned.clone(), pinned],
        on_a_line(&[0], &[1, 2]),
        Weights::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "référent 0, champ charge max : 2 familles fixées pour une charge maximale de 1"
    );
}

/// Every assignment of `nf` families to `nr` référents (or none), by enumeration.
fn brute_force(problem: &Problem) -> i64 {
    let (nr, nf) = (problem.referents().len(), problem.families().len());
    let options = nr + 1;
    let mut best = i64::MAX;
    for code in 0..options.pow(nf as u32) {
        let mut c = code;
        let assignment: Vec<Option<usize>> = (0..nf)
            .map(|_| {
                let r = c % options;
                c /= options;
                (r < nr).then_some(r)
            })
            .collect();
        let hard_ok = assignment
            .iter()
            .enumerate()
            .all(|(f, a)| a.is_none_or(|r| problem.may_follow(r, f)));
        let caseload_ok = (0..nr).all(|r| {
            assignment.iter().filter(|a| **a == Some(r)).count() <= problem.capacity(r) as usize
        });
        let pinned_ok = (0..nf).all(|f| !problem.may_stay(f) || assignment[f].is_some());
        if hard_ok && caseload_ok && pinned_ok {
            let cost = evaluate(problem, assignment, 0.0, StopReason::Optimal)
                .cost()
                .0;
            best = best.min(cost);
        }
    }
    best
}

#[test]
fn the_assignment_is_optimal_within_its_gap_on_random_small_cases() {
    let mut rng = Rng::seed_from_u64(11);
    for case in 0..25 {
        let nr = 3;
        let nf = 6;
        let referents: Vec<Referent> = (0..nr)
            .map(|_| Referent {
                max_caseload: rng.below(4) as u32 + 1,
                languages: if rng.below(2) == 0 { vec![1] } else { vec![] },
                monthly_minutes: 3000 + 1000 * rng.below(4) as i64,
            })
            .collect();
        let families: Vec<Family> = (0..nf)
            .map(|_| {
                let current = (rng.below(3) > 0).then(|| Current {
                    referent: rng.index(nr),
                    months: rng.below(30) as u32,
                });
                Family {
                    language: (rng.below(4) == 0).then_some(1),
                    visits_per_month_x100: [433, 217, 108][rng.index(3)],
                    visit_minutes: 45 + 15 * rng.below(2) as i64,
                    current,
                    pinned: current.is_some() && rng.below(6) == 0,
                }
            })
            .collect();
        let pairs: Vec<Pair> = (0..nr * nf)
            .map(|_| Pair {
                round_trip: Minutes(10 + rng.below(80) as i64),
                in_sector: rng.below(5) > 0,
                can_visit: rng.below(6) > 0,
            })
            .collect();
        let weights = Weights {
            sectors: if case % 2 == 0 {
                SectorRule::Hard
            } else {
                SectorRule::Soft { minutes: 50 }
            },
            ..Weights::default()
        };
        let Ok(problem) = Problem::new(referents, families, pairs, weights) else {
            continue; // too many pins for a caseload: refused, as it should be
        };
        let s = assign(&problem);
        let best = brute_force(&problem);
        let allowed = best as f64 * (1.0 + REL_GAP) + 1.0;
        assert!(
            (s.cost().0 as f64) <= allowed,
            "case {case}: solver {} vs enumeration {best}",
            s.cost().0
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_assignment() {
    let families: Vec<Family> = (0..20).map(|i| family(Some((i % 3, i as u32)))).collect();
    let spots: Vec<i64> = (0..20).map(|i| (i * 37) % 100).collect();
    let problem = Problem::new(
        vec![referent(8), referent(8), referent(8)],
        families,
        on_a_line(&[0, 50, 100], &spots),
        Weights::default(),
    )
    .unwrap();
    assert_eq!(assign(&problem), assign(&problem));
}

/// A solved case to break in the checker's tests: two référents, one speaking language 1, a
/// pinned family, hard sectors.
fn checked_case() -> (Problem, Solution) {
    let mut speaker = referent(2);
    speaker.languages = vec![1];
    let mut needs = family(None);
    needs.language = Some(1);
    let mut pinned = family(Some((1, 12)));
    pinned.pinned = true;
    let mut pairs = on_a_line(&[0, 100], &[10, 90, 50]);
    pairs[2].in_sector = false; // référent 0 does not cover the third family
    let problem = Problem::new(
        vec![speaker, referent(2)],
        vec![needs, pinned, family(None)],
        pairs,
        Weights::default(),
    )
    .unwrap();
    let solution = assign(&problem);
    assert_eq!(solution.assignment, vec![Some(0), Some(1), Some(1)]);
    assert_eq!(check::check(&problem, &solution).unwrap(), solution.costs);
    (problem, solution)
}

fn broken(damage: impl Fn(&mut Solution)) -> Vec<check::Violation> {
    let (problem, mut solution) = checked_case();
    damage(&mut solution);
    check::check(&problem, &solution).unwrap_err()
}

#[test]
fn the_checker_catches_a_family_given_to_someone_who_does_not_speak_its_language() {
    let found = broken(|s| s.assignment[0] = Some(1));
    assert!(found.contains(&check::Violation::Language {
        family: 0,
        referent: 1
    }));
}

#[test]
fn the_checker_catches_a_pinned_family_that_moves() {
    let found = broken(|s| s.assignment[1] = Some(0));
    assert!(
        found.contains(&check::Violation::Pin { family: 1 }),
        "{found:?}"
    );
}

#[test]
fn the_checker_catches_a_family_outside_the_sector() {
    let found = broken(|s| s.assignment[2] = Some(0));
    assert!(found.contains(&check::Violation::Sector {
        family: 2,
        referent: 0
    }));
}

#[test]
fn the_checker_catches_a_referent_over_her_caseload() {
    let (mut problem_referents, families) = (vec![referent(1), referent(3)], vec![family(None); 3]);
    problem_referents[0].max_caseload = 1;
    let problem = Problem::new(
        problem_referents,
        families,
        on_a_line(&[0, 100], &[1, 2, 3]),
        no_balance(),
    )
    .unwrap();
    let mut solution = assign(&problem);
    assert_eq!(solution.assignment, vec![Some(0), Some(1), Some(1)]);
    solution.assignment = vec![Some(0), Some(0), Some(1)];
    let found = check::check(&problem, &solution).unwrap_err();
    assert_eq!(
        found,
        vec![check::Violation::Caseload {
            referent: 0,
            families: 2,
            max: 1
        }]
    );
}

#[test]
fn the_checker_recomputes_the_costs_and_catches_an_unreported_family() {
    let (problem, mut solution) = checked_case();
    solution.assignment[2] = None;
    let found = check::check(&problem, &solution).unwrap_err();
    assert_eq!(found, vec![check::Violation::Unmet { family: 2 }]);
    solution.unmet.push((2, UnmetReason::Capacity));
    let costs = check::check(&problem, &solution).unwrap();
    assert_eq!(
        crate::cost::cost_of(&costs, Rule::Unassigned),
        Cost(model::UNASSIGNED_COST)
    );
    assert_ne!(costs, solution.costs, "the old costs no longer hold");
}

/// `pairs` with référent `r` unable to visit family `f`.
fn cannot_visit(mut pairs: Vec<Pair>, families: usize, r: usize, f: usize) -> Vec<Pair> {
    pairs[r * families + f].can_visit = false;
    pairs
}

#[test]
fn a_family_goes_only_to_a_referent_who_can_visit_it_even_if_farther() {
    let pairs = on_a_line(&[0, 100], &[10]);
    let near = Problem::new(
        vec![referent(5), referent(5)],
        vec![family(None)],
        pairs.clone(),
        no_balance(),
    )
    .unwrap();
    assert_eq!(assign(&near).assignment, vec![Some(0)]);

    let problem = Problem::new(
        vec![referent(5), referent(5)],
        vec![family(None)],
        cannot_visit(pairs, 1, 0, 0),
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment, vec![Some(1)]);
    assert!(s.unmet.is_empty());
}

#[test]
fn a_family_its_referent_cannot_visit_moves_with_the_reason_and_a_pinned_one_stays() {
    // Three families followed for two years by R0, all nearer her; she can visit none of
    // them. F0 is free, F1 pinned; F2 she can visit (the control).
    let mut families: Vec<Family> = (0..3).map(|_| family(Some((0, 24)))).collect();
    families[1].pinned = true;
    let pairs = on_a_line(&[0, 100], &[10, 10, 10]);
    let pairs = cannot_visit(cannot_visit(pairs, 3, 0, 0), 3, 0, 1);
    let problem = Problem::new(
        vec![referent(5), referent(5)],
        families,
        pairs,
        no_balance(),
    )
    .unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment, vec![Some(1), Some(0), Some(0)]);
    assert_eq!(
        s.moves,
        vec![Move {
            family: 0,
            from: 0,
            to: 1,
            reason: MoveReason::Availability
        }]
    );
    assert!(
        s.moves[0]
            .reason
            .to_string()
            .contains("ne peut pas la voir"),
        "{}",
        s.moves[0].reason
    );
}

#[test]
fn a_family_nobody_can_visit_is_left_without_a_referent_with_the_reason() {
    // F0 followed by R0: nobody can visit it. F1 needs language 1, which only R0 speaks, and
    // only R1 can visit it. F2 followed by R0, who cannot visit it; R1 can but is full with
    // F3, which only she can visit.
    let mut speaker = referent(5);
    speaker.languages = vec![1];
    let mut families = vec![family(Some((0, 6))), family(None), family(Some((0, 6)))];
    families[1].language = Some(1);
    families.push(family(Some((1, 6))));
    let mut pairs = on_a_line(&[0, 100], &[10, 10, 10, 90]);
    for (r, f) in [(0, 0), (1, 0), (0, 1), (0, 2), (0, 3)] {
        pairs = cannot_visit(pairs, 4, r, f);
    }
    let problem = Problem::new(vec![speaker, referent(1)], families, pairs, no_balance()).unwrap();
    let s = assign(&problem);
    assert_eq!(s.assignment, vec![None, None, None, Some(1)]);
    assert_eq!(
        s.unmet,
        vec![
            (0, UnmetReason::NoVisitPossible),
            (1, UnmetReason::NoVisitAllowed),
            (2, UnmetReason::Capacity)
        ]
    );
    assert!(s.moves.is_empty());
    assert_eq!(check::check(&problem, &s).unwrap(), s.costs);
}

#[test]
fn the_checker_catches_a_family_kept_by_someone_who_cannot_visit_it() {
    let mut families = vec![family(Some((0, 6))), family(Some((0, 6)))];
    families[1].pinned = true;
    let pairs = cannot_visit(
        cannot_visit(on_a_line(&[0, 100], &[10, 10]), 2, 0, 0),
        2,
        0,
        1,
    );
    let problem = Problem::new(
        vec![referent(5), referent(5)],
        families,
        pairs,
        no_balance(),
    )
    .unwrap();
    let mut s = assign(&problem);
    assert_eq!(s.assignment, vec![Some(1), Some(0)]);
    // The pinned family may stay; the other may not.
    s.assignment[0] = Some(0);
    s.moves.clear();
    let found = check::check(&problem, &s).unwrap_err();
    assert_eq!(
        found,
        vec![check::Violation::CannotVisit {
            family: 0,
            referent: 0
        }]
    );
}

#[test]
fn hard_sectors_give_way_only_when_nobody_of_the_sector_can_visit_the_family() {
    // R0 is outside the family's sector, R1 inside it.
    let mut pairs = on_a_line(&[0, 30], &[10]);
    pairs[0].in_sector = false;
    let problem = |pairs: Vec<Pair>| {
        Problem::new(
            vec![referent(5), referent(5)],
            vec![family(None)],
            pairs,
            no_balance(),
        )
        .unwrap()
    };
    // Where it does not bite: R1 can visit it, so the sector holds (R0 is nearer).
    assert_eq!(assign(&problem(pairs.clone())).assignment, vec![Some(1)]);
    // Where it bites: R1's hours never meet the family's: R0 follows it, outside its sector.
    pairs[1].can_visit = false;
    let bites = problem(pairs);
    assert!(bites.sector_gives_way(0));
    let s = assign(&bites);
    assert_eq!(s.assignment, vec![Some(0)]);
    assert_eq!(s.outside_sector, vec![0]);
    assert!(check::check(&bites, &s).is_ok());
}
