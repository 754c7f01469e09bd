//! Tests of the workshops: each hard rule where it bites and where it does not, the soft rules
//! that decide between groups, the baseline, the checker, a running group kept.

use std::time::Duration;

use super::*;
use crate::limits::Limits;
use crate::rota::Span;
use crate::travel::{Leg, TravelMatrix};

const MON: usize = 0;
const WED: usize = 2;

fn hm(h: i64, m: i64) -> Minutes {
    Minutes(h * 60 + m)
}

/// 12 weeks from a Monday: weeks 6 and 7 are holidays (period 0), Sundays closed.
fn days() -> Vec<Day> {
    (0..12 * 7)
        .map(|d| Day {
            weekday: d % 7,
            kind: if d % 7 == 6 {
                DayKind::Closed
            } else if (6..8).contains(&(d / 7)) {
                DayKind::Holiday(0)
            } else {
                DayKind::School
            },
        })
        .collect()
}

fn weekly(stretches: &[(usize, Minutes, Minutes)]) -> Weekly {
    let mut w: Weekly = Default::default();
    for &(d, a, b) in stretches {
        w[d].push(Span::new(a, b));
    }
    w
}

fn wednesday_afternoon() -> Weekly {
    weekly(&[(WED, hm(13, 30), hm(18, 30))])
}

fn facilitator() -> Person {
    Person {
        available: weekly(&[(WED, hm(13, 0), hm(18, 0))]),
        away: Vec::new(),
        base: None,
        travel: 0,
    }
}

fn site(location: usize) -> Site {
    Site {
        location: LocationIdx::new(location),
        commune: 0,
        capacity: 20,
        opening: weekly(&(0..6).map(|d| (d, hm(8, 0), hm(19, 0))).collect::<Vec<_>>()),
        closed: Vec::new(),
    }
}

/// A child of family `family` living at location `home`, aged 8, free on Wednesday afternoons
/// in school weeks and on weekdays in the holidays.
fn child(home: usize, family: usize) -> Child {
    Child {
        home: LocationIdx::new(home),
        family,
        age: 8,
        school_weeks: wednesday_afternoon(),
        holidays: weekly(&(0..5).map(|d| (d, hm(9, 0), hm(18, 0))).collect::<Vec<_>>()),
    }
}

/// Four sessions of 90 minutes for 3 to 5 children of 6 to 11, Wednesday 14:00–17:30, at site
/// 0, within 3 km.
fn action() -> Action {
    Action {
        facilitator: 0,
        sites: vec![0],
        sessions: 4,
        duration: Minutes(90),
        size: (3, 5),
        ages: (6, 11),
        preferred: weekly(&[(WED, hm(14, 0), hm(17, 30))]),
        period: Period::School,
        audience: Audience::Children,
        max_distance: Meters(3_000),
    }
}

fn orientation(child: usize, action: usize) -> Orientation {
    Orientation {
        child,
        action,
        priority: false,
        oriented: -30,
        kept: None,
    }
}

/// Locations on a line, `positions[i]` km from the origin; a kilometre takes 2 minutes.
fn line(positions: &[i64]) -> TravelMatrix {
    let n = positions.len();
    let legs = (0..n * n)
        .map(|i| {
            let km = (positions[i / n] - positions[i % n]).abs();
            if km == 0 {
                Leg::ZERO
            } else {
                Leg::new(Minutes(2 * km), Meters(1_000 * km))
            }
        })
        .collect();
    TravelMatrix::new(n, legs).unwrap()
}

/// A term of one action at site 0 (location 0), with `children` children living 1 km away
/// (location 1), each oriented to it; site 1 is at location 2, 10 km away.
fn term(children: usize) -> Term {
    Term {
        days: days(),
        first_day: 0,
        people: vec![facilitator()],
        sites: vec![site(0), site(2)],
        children: (0..children).map(|i| child(1, i)).collect(),
        actions: vec![action()],
        orientations: (0..children).map(|c| orientation(c, 0)).collect(),
        kept: Vec::new(),
        family_travel: 0,
        weights: Weights::default(),
    }
}

fn positions() -> TravelMatrix {
    line(&[0, 1, 10, 30])
}

fn params() -> Params<'static> {
    Params::new(7, Limits::new(Duration::from_secs(60)))
}

fn solved(term: Term, travel: &TravelMatrix) -> (Problem<'_>, Solution) {
    let problem = Problem::new(term, vec![travel]).unwrap();
    let solution = solve(&problem, &params());
    check::check(&problem, &solution).unwrap();
    assert_eq!(solution.stop, StopReason::Optimal);
    (problem, solution)
}

fn reason(s: &Solution, o: usize) -> UnmetReason {
    s.unenrolled
        .iter()
        .find(|u| u.orientation == o)
        .unwrap_or_else(|| panic!("orientation {o} enrolled"))
        .reason
}

#[test]
fn children_free_at_the_preferred_time_share_one_group_on_wednesdays_of_consecutive_school_weeks() {
    let travel = positions();
    let (_, s) = solved(term(4), &travel);
    assert_eq!(s.groups.len(), 1);
    let g = &s.groups[0];
    assert_eq!(g.orientations, vec![0, 1, 2, 3]);
    assert_eq!(g.slot.weekday, Some(WED));
    assert!(g.slot.start >= hm(14, 0) && g.slot.start + Minutes(90) <= hm(17, 30));
    assert_eq!(
        g.slot.days,
        vec![2, 9, 16, 23],
        "four Wednesdays in a row from the first"
    );
    assert_eq!(s.cost_of(Rule::OutsidePreferred), Cost::ZERO);
    assert_eq!(s.cost_of(Rule::NotEnrolled), Cost::ZERO);
    // Each child's family drives 1 km there and back, 2 minutes each way, four times.
    assert_eq!(s.cost_of(Rule::FamilyTravel), Cost(4 * 4 * 4));
}

#[test]
fn an_over_subscribed_action_opens_a_second_group_that_never_meets_the_first() {
    let travel = positions();
    let (_, s) = solved(term(8), &travel);
    assert_eq!(s.groups.len(), 2);
    assert!(s.unenrolled.is_empty(), "{:?}", s.unenrolled);
    let (a, b) = (&s.groups[0].slot, &s.groups[1].slot);
    let same_day = a.days.iter().any(|d| b.days.contains(d));
    assert!(!same_day || !Problem::overlap(a.start, Minutes(90), b.start, Minutes(90)));
}

#[test]
fn a_group_never_takes_fewer_children_than_its_least_and_says_so() {
    let travel = positions();
    let (_, s) = solved(term(2), &travel);
    assert!(s.groups.is_empty());
    // Two children alone cannot open a group of three.
    assert_eq!(reason(&s, 0), UnmetReason::WorkshopNotOpened);
}

#[test]
fn siblings_oriented_together_are_put_in_the_same_group() {
    let travel = positions();
    let mut t = term(6);
    // Six children make two groups of three; children 0 and 5 are siblings, and child 5 lives
    // a little farther (so without the rule, nothing ties them).
    t.children[5].family = 0;
    let (p, s) = solved(t, &travel);
    assert_eq!(s.groups.len(), 2);
    assert_eq!(s.enrolled[0], s.enrolled[5]);
    assert_eq!(p.sibling_pairs(), vec![(0, 5)]);
    assert_eq!(s.cost_of(Rule::SiblingsSplit), Cost::ZERO);
}

#[test]
fn a_child_outside_the_age_range_is_not_enrolled_and_told_why() {
    let travel = positions();
    let mut t = term(4);
    t.children[3].age = 14;
    let (_, s) = solved(t, &travel);
    assert_eq!(s.groups[0].orientations, vec![0, 1, 2]);
    assert_eq!(reason(&s, 3), UnmetReason::OutsideAgeRange);
}

#[test]
fn a_child_living_beyond_the_distance_is_told_the_nearest_site() {
    let travel = positions();
    let mut t = term(4);
    t.children[3].home = LocationIdx::new(3);
    let (_, s) = solved(t, &travel);
    let u = s.unenrolled.iter().find(|u| u.orientation == 3).unwrap();
    assert_eq!(u.reason, UnmetReason::TooFarFromSites);
    assert_eq!(u.nearest, Some((0, Meters(30_000))));
    // Raising the action's distance brings her in.
    let mut t = term(4);
    t.children[3].home = LocationIdx::new(3);
    t.actions[0].max_distance = Meters(30_000);
    let (_, s) = solved(t, &travel);
    assert!(s.unenrolled.is_empty());
}

#[test]
fn a_child_free_only_on_mondays_is_told_no_group_meets_when_she_is_free() {
    let travel = positions();
    let mut t = term(4);
    t.children[3].school_weeks = weekly(&[(MON, hm(16, 30), hm(18, 30))]);
    t.people[0].available = weekly(&[(WED, hm(13, 0), hm(18, 0)), (MON, hm(16, 0), hm(19, 0))]);
    let (_, s) = solved(t, &travel);
    assert_eq!(s.groups.len(), 1);
    assert_eq!(s.groups[0].slot.weekday, Some(WED));
    assert_eq!(reason(&s, 3), UnmetReason::NoGroupWhenFree);
}

#[test]
fn outside_the_preferred_times_only_when_it_enrols_more_children() {
    let travel = positions();
    // Everyone free on Mondays only: the group goes there, outside the preferred times.
    let mut t = term(3);
    for c in &mut t.children {
        c.school_weeks = weekly(&[(MON, hm(16, 30), hm(18, 30))]);
    }
    t.people[0].available = weekly(&[(MON, hm(16, 0), hm(19, 0))]);
    let (_, s) = solved(t, &travel);
    assert_eq!(s.groups.len(), 1);
    assert_eq!(s.groups[0].slot.weekday, Some(MON));
    assert_eq!(s.cost_of(Rule::OutsidePreferred), Cost(4 * 60));
}

#[test]
fn a_holiday_action_runs_on_consecutive_weekdays_of_the_holidays_only() {
    let travel = positions();
    let mut t = term(4);
    t.actions[0].period = Period::Holidays;
    t.actions[0].sessions = 5;
    t.actions[0].preferred = weekly(
        &(0..5)
            .map(|d| (d, hm(9, 30), hm(17, 0)))
            .collect::<Vec<_>>(),
    );
    t.people[0].available = weekly(&(0..5).map(|d| (d, hm(9, 0), hm(17, 0))).collect::<Vec<_>>());
    let (_, s) = solved(t, &travel);
    assert_eq!(s.groups.len(), 1);
    let days = &s.groups[0].slot.days;
    assert!(
        days == &[42, 43, 44, 45, 46] || days == &[49, 50, 51, 52, 53],
        "{days:?}"
    );
    assert_eq!(s.groups[0].slot.weekday, None);
}

#[test]
fn a_public_holiday_is_skipped_and_the_cycle_goes_on_the_next_week() {
    let travel = positions();
    let mut t = term(4);
    t.days[9].kind = DayKind::Closed; // the second Wednesday
    let (p, s) = solved(t, &travel);
    let days = &s.groups[0].slot.days;
    assert!(!days.contains(&9));
    assert!(p.dates_follow(0, &s.groups[0].slot));
    assert_eq!(days.len(), 4);
}

#[test]
fn a_facilitator_away_the_first_weeks_starts_her_group_after() {
    let travel = positions();
    let mut t = term(4);
    // Away the first three weeks.
    t.people[0].away = vec![Stretch::new(Minutes(0), Minutes(21 * DAY))];
    let (_, s) = solved(t, &travel);
    assert!(s.groups[0].slot.days[0] >= 21);
}

#[test]
fn a_child_oriented_later_joins_only_a_group_starting_after() {
    let travel = positions();
    let mut t = term(8);
    // Child 7 was oriented in week 3: she may join only a group starting after.
    t.orientations[7].oriented = 21;
    let (_, s) = solved(t, &travel);
    let g = s.enrolled[7].expect("enrolled in the later group");
    assert!(s.groups[g].slot.days[0] >= 21);
}

#[test]
fn a_child_in_two_actions_is_in_one_session_at_a_time() {
    let travel = positions();
    let mut t = term(4);
    // A second action, same times, another facilitator and site; child 0 oriented to both.
    let mut second = action();
    second.facilitator = 1;
    second.sites = vec![1];
    second.max_distance = Meters(20_000);
    t.people.push(facilitator());
    t.actions.push(second);
    t.children.extend((0..3).map(|i| child(1, 10 + i)));
    t.orientations.push(orientation(0, 1));
    t.orientations.extend((4..7).map(|c| orientation(c, 1)));
    let (p, s) = solved(t, &travel);
    assert!(s.unenrolled.is_empty(), "{:?}", s.unenrolled);
    let a = &s.groups[s.enrolled[0].unwrap()].slot;
    let b = &s.groups[s.enrolled[4].unwrap()].slot;
    assert!(!options::clash(&p, (0, a), (1, b)));
}

#[test]
fn a_site_holds_one_group_at_a_time() {
    let travel = positions();
    let mut t = term(3);
    let mut second = action();
    second.facilitator = 1;
    t.people.push(facilitator());
    t.actions.push(second);
    t.children.extend((0..3).map(|i| child(1, 10 + i)));
    t.orientations.extend((3..6).map(|c| orientation(c, 1)));
    let (p, s) = solved(t, &travel);
    assert_eq!(s.groups.len(), 2);
    assert!(!options::clash(
        &p,
        (0, &s.groups[0].slot),
        (1, &s.groups[1].slot)
    ));
}

#[test]
fn a_running_group_stays_with_its_children_whatever_the_rules_say_now() {
    let travel = positions();
    let mut t = term(4);
    t.first_day = 10;
    // It started on the first Wednesday at 17:00 (outside today's preferred times).
    let slot = GroupSlot {
        weekday: Some(WED),
        start: hm(17, 0),
        site: 0,
        days: vec![2, 9, 16, 23],
    };
    t.kept.push(Kept {
        action: 0,
        slot: slot.clone(),
        exact: true,
    });
    for o in &mut t.orientations[..3] {
        o.kept = Some(0);
    }
    let (_, s) = solved(t, &travel);
    let g = s.groups.iter().find(|g| g.slot == slot).expect("kept");
    assert_eq!(g.orientations, vec![0, 1, 2]);
    // The fourth child could not join a running group, nor open one alone.
    assert!(s.enrolled[3].is_none());
}

#[test]
fn a_replan_with_nothing_changed_keeps_the_planned_groups() {
    let travel = positions();
    let (_, first) = solved(term(8), &travel);
    let mut t = term(8);
    for g in &first.groups {
        let k = t.kept.len();
        t.kept.push(Kept {
            action: 0,
            slot: g.slot.clone(),
            exact: false,
        });
        for &o in &g.orientations {
            t.orientations[o].kept = Some(k);
        }
    }
    let (_, again) = solved(t, &travel);
    assert_eq!(again.groups, first.groups);
    assert_eq!(again.cost_of(Rule::Moved), Cost::ZERO);
}

#[test]
fn the_baseline_takes_children_in_orientation_order_until_full() {
    let travel = positions();
    let mut t = term(7);
    for (i, o) in t.orientations.iter_mut().enumerate() {
        o.oriented = -(i as i64) - 1; // the last oriented first
    }
    let problem = Problem::new(t, vec![&travel]).unwrap();
    let s = baseline::solve(&problem);
    check::check(&problem, &s).unwrap();
    assert_eq!(s.groups.len(), 1);
    assert_eq!(s.groups[0].orientations, vec![2, 3, 4, 5, 6]);
    assert_eq!(s.groups[0].slot.start, hm(14, 0));
    assert_eq!(reason(&s, 0), UnmetReason::GroupsFull);
    // The optimiser opens a second group for them.
    let best = solve(&problem, &params());
    assert!(best.unenrolled.is_empty());
}

#[test]
fn the_checker_catches_a_double_booked_facilitator_and_a_group_too_small() {
    let travel = positions();
    let problem = Problem::new(term(8), vec![&travel]).unwrap();
    let mut s = solve(&problem, &params());
    check::check(&problem, &s).unwrap();
    // Move the second group onto the first one's slot.
    s.groups[1].slot = s.groups[0].slot.clone();
    let errors = check::check(&problem, &s).unwrap_err();
    assert!(
        errors.iter().any(|e| e.message.contains("facilitator")),
        "{errors:?}"
    );
    let mut s = solve(&problem, &params());
    let moved = s.groups[0].orientations.split_off(1);
    for o in moved {
        s.enrolled[o] = None;
    }
    let errors = check::check(&problem, &s).unwrap_err();
    assert!(
        errors.iter().any(|e| e.message.contains("1 children")),
        "{errors:?}"
    );
}

#[test]
fn the_same_input_and_seed_give_the_same_groups() {
    let travel = positions();
    let (_, a) = solved(term(8), &travel);
    let (_, b) = solved(term(8), &travel);
    assert_eq!(a, b);
}

#[test]
fn bad_input_names_the_item_and_the_field() {
    let travel = positions();
    let mut t = term(2);
    t.orientations.push(orientation(0, 0));
    let e = Problem::new(t, vec![&travel]).unwrap_err();
    assert_eq!((e.item, e.field), ("orientation", "enfant"));
    let mut t = term(2);
    t.actions[0].size = (6, 5);
    let e = Problem::new(t, vec![&travel]).unwrap_err();
    assert_eq!((e.item, e.index, e.field), ("action", 0, "taille"));
}

#[test]
fn the_start_handed_to_highs_keeps_every_rule_and_costs_no_more_than_by_hand() {
    // Arrange: seven children, oriented last first; the baseline fills one group of five.
    let travel = positions();
    let mut t = term(7);
    for (i, o) in t.orientations.iter_mut().enumerate() {
        o.oriented = -(i as i64) - 1;
    }
    let problem = Problem::new(t, vec![&travel]).unwrap();

    // Act
    let groups = super::greedy::groups(&problem, None);

    // Assert: a solution by the checker's rules, full, at the preferred time, no dearer than
    // filling by hand (HiGHS then opens the second group the optimum has).
    let s = super::finish(
        &problem,
        groups,
        f64::INFINITY,
        StopReason::TimeLimit,
        (0, 0),
    );
    check::check(&problem, &s).unwrap();
    assert_eq!(s.groups[0].orientations.len(), 5);
    assert_eq!(s.cost_of(Rule::OutsidePreferred), Cost::ZERO);
    assert!(s.cost() <= baseline::solve(&problem).cost());
    assert!(solve(&problem, &params()).cost() < s.cost());
}
