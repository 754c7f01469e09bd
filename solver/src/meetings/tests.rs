//! Tests of the meetings: each hard rule where it bites and where it does not, the poll, the
//! checker, re-planning.

use std::time::Duration;

use super::*;
use crate::limits::Limits;
use crate::travel::{Leg, TravelMatrix};
use crate::units::Meters;

const MON: usize = 0;
const TUE: usize = 1;
const WED: usize = 2;

fn hm(h: i64, m: i64) -> Minutes {
    Minutes(h * 60 + m)
}

/// `weeks` weeks from a Monday, weekdays school days, `per_period` weeks a period.
fn days(weeks: usize, per_period: usize) -> Vec<Day> {
    (0..weeks * 7)
        .map(|d| Day {
            weekday: d % 7,
            school: d % 7 < 5,
            period: d / 7 / per_period,
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

fn weekdays(a: Minutes, b: Minutes) -> Weekly {
    weekly(&(0..5).map(|d| (d, a, b)).collect::<Vec<_>>())
}

fn person(available: Weekly) -> Person {
    Person {
        available,
        away: Vec::new(),
        base: None,
        travel: 0,
    }
}

fn driver(base: usize) -> Person {
    Person {
        base: Some(LocationIdx::new(base)),
        ..person(weekdays(hm(8, 0), hm(19, 0)))
    }
}

fn site(location: usize, capacity: u32) -> Site {
    Site {
        location: LocationIdx::new(location),
        commune: location,
        capacity,
        opening: weekdays(hm(8, 0), hm(19, 0)),
        closed: Vec::new(),
    }
}

fn group(members: &[(usize, bool)], sites: &[usize]) -> Group {
    Group {
        members: members
            .iter()
            .map(|&(person, required)| Member { person, required })
            .collect(),
        sites: sites.to_vec(),
        hours: None,
        duration: Minutes(120),
        spacing: Spacing::OnePerPeriod,
    }
}

fn meeting(group: usize) -> Meeting {
    Meeting {
        group,
        keep: Keep::Free,
        refused: Vec::new(),
    }
}

/// Locations 0..n, `minutes` apart (0 to itself).
fn matrix(n: usize, minutes: i64) -> TravelMatrix {
    let legs = (0..n * n)
        .map(|i| {
            if i / n == i % n {
                Leg::ZERO
            } else {
                Leg::new(Minutes(minutes), Meters(minutes * 800))
            }
        })
        .collect();
    TravelMatrix::new(n, legs).unwrap()
}

fn params() -> Params<'static> {
    Params::new(7, Limits::new(Duration::from_secs(60)))
}

fn solved(year: Year, travel: &TravelMatrix) -> (Problem<'_>, Solution) {
    let problem = Problem::new(year, vec![travel]).unwrap();
    let solution = solve(&problem, &params());
    check::check(&problem, &solution).unwrap();
    (problem, solution)
}

fn slot(s: &Solution, m: usize) -> Slot {
    s.slots[m].unwrap_or_else(|| panic!("meeting {m} unplaced: {:?}", s.unmet))
}

#[test]
fn a_meeting_falls_inside_its_required_members_common_slot_on_a_school_day() {
    let travel = matrix(1, 0);
    let mut d = days(2, 2);
    // The first Wednesday is a public holiday.
    d[WED].school = false;
    let year = Year {
        days: d,
        people: vec![
            person(weekly(&[(WED, hm(9, 0), hm(12, 0))])),
            person(weekly(&[
                (MON, hm(9, 0), hm(12, 0)),
                (WED, hm(8, 30), hm(11, 30)),
            ])),
        ],
        sites: vec![site(0, 10)],
        groups: vec![group(&[(0, true), (1, true)], &[0])],
        meetings: vec![meeting(0)],
        ..Year::default()
    };
    let (_, s) = solved(year, &travel);
    let at = slot(&s, 0);
    assert_eq!(at.day, 7 + WED, "the Wednesday of the second week");
    assert!(
        at.start >= hm(9, 0) && at.start + Minutes(120) <= hm(11, 30),
        "{at:?}"
    );
}

#[test]
fn two_eps_sharing_a_member_never_meet_at_once_but_others_may() {
    let travel = matrix(2, 0);
    // One Wednesday morning in the whole period: 09:00-13:00 fits two meetings back to back.
    let d: Vec<Day> = days(1, 1);
    let wed = weekly(&[(WED, hm(9, 0), hm(13, 0))]);
    let year = Year {
        days: d,
        people: vec![person(wed.clone()), person(wed.clone()), person(wed)],
        sites: vec![site(0, 10), site(1, 10)],
        groups: vec![
            group(&[(0, true), (1, true)], &[0]),
            group(&[(0, true), (2, true)], &[1]),
        ],
        meetings: vec![meeting(0), meeting(1)],
        ..Year::default()
    };
    let (_, s) = solved(year, &travel);
    let (a, b) = (slot(&s, 0), slot(&s, 1));
    assert_eq!((a.day, b.day), (WED, WED));
    let (first, second) = if a.start < b.start { (a, b) } else { (b, a) };
    assert!(first.start + Minutes(120) <= second.start, "{a:?} {b:?}");

    // Without the shared member, both meet at the same time in their own sites.
    let year = Year {
        days: days(1, 1),
        people: vec![
            person(weekly(&[(WED, hm(9, 0), hm(11, 0))])),
            person(weekly(&[(WED, hm(9, 0), hm(11, 0))])),
        ],
        sites: vec![site(0, 10), site(1, 10)],
        groups: vec![group(&[(0, true)], &[0]), group(&[(1, true)], &[1])],
        meetings: vec![meeting(0), meeting(1)],
        ..Year::default()
    };
    let (_, s) = solved(year, &travel);
    assert_eq!(slot(&s, 0).start, slot(&s, 1).start);
}

#[test]
fn a_site_too_small_for_the_group_gives_way_to_its_alternative() {
    let travel = matrix(2, 10);
    let year = Year {
        days: days(1, 1),
        people: vec![person(weekdays(hm(9, 0), hm(12, 0))); 4],
        sites: vec![site(0, 3), site(1, 4)],
        groups: vec![group(
            &[(0, true), (1, true), (2, false), (3, false)],
            &[0, 1],
        )],
        meetings: vec![meeting(0)],
        ..Year::default()
    };
    let (p, s) = solved(year, &travel);
    assert_eq!(slot(&s, 0).site, 1);
    assert_eq!(s.cost_of(Rule::OtherSite), Cost(p.weights().other_site));

    // Big enough, the usual site is kept.
    let year = Year {
        days: days(1, 1),
        people: vec![person(weekdays(hm(9, 0), hm(12, 0))); 4],
        sites: vec![site(0, 4), site(1, 4)],
        groups: vec![group(
            &[(0, true), (1, true), (2, false), (3, false)],
            &[0, 1],
        )],
        meetings: vec![meeting(0)],
        ..Year::default()
    };
    let (_, s) = solved(year, &travel);
    assert_eq!(slot(&s, 0).site, 0);
}

#[test]
fn a_required_member_away_pushes_the_meeting_past_her_absence_and_holidays_never_hold_one() {
    let travel = matrix(1, 0);
    let mut away = person(weekdays(hm(9, 0), hm(12, 0)));
    // Away the whole first week.
    away.away = vec![Stretch::new(Minutes(0), Minutes(7 * DAY))];
    let mut d = days(3, 3);
    // The second week is holidays.
    for day in &mut d[7..14] {
        day.school = false;
    }
    let year = Year {
        days: d,
        people: vec![away, person(weekdays(hm(9, 0), hm(12, 0)))],
        sites: vec![site(0, 10)],
        groups: vec![group(&[(0, true), (1, true)], &[0])],
        meetings: vec![meeting(0)],
        ..Year::default()
    };
    let (p, s) = solved(year, &travel);
    assert!(slot(&s, 0).day >= 14, "{:?}", s.slots);
    assert!(p.days()[slot(&s, 0).day].school);
}

#[test]
fn an_invited_member_counts_where_she_is_free_and_the_plan_seeks_her() {
    let travel = matrix(1, 0);
    let year = Year {
        days: days(1, 1),
        people: vec![
            person(weekdays(hm(9, 0), hm(17, 0))),
            person(weekly(&[(TUE, hm(14, 0), hm(16, 0))])),
        ],
        sites: vec![site(0, 10)],
        groups: vec![group(&[(0, true), (1, false)], &[0])],
        meetings: vec![meeting(0)],
        ..Year::default()
    };
    let (_, s) = solved(year, &travel);
    assert_eq!(slot(&s, 0).day, TUE);
    assert_eq!(slot(&s, 0).start, hm(14, 0));
    assert_eq!(s.attendance[0].present, vec![true, true]);
    assert_eq!(s.cost_of(Rule::InvitedAbsent), Cost(0));
}

#[test]
fn a_coordinator_who_cannot_drive_between_two_sites_in_time_meets_them_on_other_days() {
    // Base 0, sites 1 and 2, 30 minutes apart from anywhere.
    let travel = matrix(3, 30);
    let morning = weekly(&[(MON, hm(9, 0), hm(13, 0)), (TUE, hm(9, 0), hm(13, 0))]);
    let year = Year {
        days: days(1, 1),
        people: vec![driver(0), person(morning.clone()), person(morning)],
        sites: vec![site(1, 10), site(2, 10)],
        groups: vec![
            group(&[(0, true), (1, true)], &[0]),
            group(&[(0, true), (2, true)], &[1]),
        ],
        meetings: vec![meeting(0), meeting(1)],
        ..Year::default()
    };
    let (p, s) = solved(year, &travel);
    let (a, b) = (slot(&s, 0), slot(&s, 1));
    // 09:00-11:00 then 11:00-13:00 elsewhere leaves her no time to drive: not the same morning.
    assert_ne!(a.day, b.day, "{a:?} {b:?}");
    assert_eq!(s.cost_of(Rule::Driving), Cost(4 * 30));
    assert_eq!(s.cost_of(Rule::Communes), Cost(0));

    // At the same site, back to back on one morning is fine and drives once.
    let morning = weekly(&[(MON, hm(9, 0), hm(13, 0))]);
    let year = Year {
        people: vec![driver(0), person(morning.clone()), person(morning)],
        sites: vec![site(1, 10)],
        groups: vec![
            group(&[(0, true), (1, true)], &[0]),
            group(&[(0, true), (2, true)], &[0]),
        ],
        ..p_year(&p)
    };
    let (_, s) = solved(year, &travel);
    assert_eq!(slot(&s, 0).day, slot(&s, 1).day);
    assert_eq!(s.cost_of(Rule::Driving), Cost(2 * 30));
}

/// The days and meetings of `p`, for a variant.
fn p_year(p: &Problem<'_>) -> Year {
    Year {
        days: p.days().to_vec(),
        meetings: p.meetings().to_vec(),
        ..Year::default()
    }
}

/// Group 0 can meet Monday or Tuesday morning, group 1 only Monday; one member sits on both.
fn poll_trap() -> Year {
    Year {
        days: days(1, 1),
        people: vec![
            person(weekly(&[
                (MON, hm(9, 0), hm(11, 0)),
                (TUE, hm(9, 0), hm(11, 0)),
            ])),
            person(weekly(&[(MON, hm(9, 0), hm(11, 0))])),
        ],
        sites: vec![site(0, 10), site(0, 10)],
        groups: vec![
            group(&[(0, true)], &[0]),
            group(&[(0, true), (1, true)], &[1]),
        ],
        meetings: vec![meeting(0), meeting(1)],
        ..Year::default()
    }
}

#[test]
fn the_poll_takes_the_first_free_slot_and_fails_where_the_plan_places_every_meeting() {
    let travel = matrix(1, 0);
    let problem = Problem::new(poll_trap(), vec![&travel]).unwrap();
    let poll = baseline::solve(&problem);
    check::check(&problem, &poll).unwrap();
    assert_eq!(slot(&poll, 0).day, MON);
    assert_eq!(poll.slots[1], None);
    assert_eq!(poll.unmet[0].reason, UnmetReason::SlotsTaken);

    let plan = solve(&problem, &params());
    check::check(&problem, &plan).unwrap();
    assert_eq!((slot(&plan, 0).day, slot(&plan, 1).day), (TUE, MON));
    assert!(plan.unmet.is_empty());
    assert_eq!(plan.stop, StopReason::Optimal);
}

#[test]
fn one_meeting_per_period_and_each_near_its_evenly_spread_date() {
    let travel = matrix(1, 0);
    // Three periods of two weeks, two meetings.
    let year = Year {
        days: days(6, 2),
        people: vec![person(weekdays(hm(9, 0), hm(12, 0)))],
        sites: vec![site(0, 10)],
        groups: vec![group(&[(0, true)], &[0])],
        meetings: vec![meeting(0), meeting(0)],
        ..Year::default()
    };
    let (p, s) = solved(year, &travel);
    let (a, b) = (slot(&s, 0), slot(&s, 1));
    assert_ne!(p.days()[a.day].period, p.days()[b.day].period);
    assert_eq!(a.day, p.target(0));
    assert_eq!(b.day, p.target(1));
    assert_eq!(s.cost_of(Rule::Spacing), Cost(0));
}

#[test]
fn members_who_never_share_a_slot_are_named() {
    let travel = matrix(1, 0);
    let year = Year {
        days: days(2, 2),
        people: vec![
            person(weekdays(hm(9, 0), hm(17, 0))),
            person(weekly(&[(TUE, hm(14, 0), hm(16, 0))])),
            person(weekly(&[(MON, hm(9, 0), hm(12, 0))])),
        ],
        sites: vec![site(0, 10)],
        groups: vec![group(&[(0, true), (1, true), (2, true)], &[0])],
        meetings: vec![meeting(0)],
        ..Year::default()
    };
    let (_, s) = solved(year, &travel);
    assert_eq!(
        s.unmet,
        vec![Unmet {
            meeting: 0,
            reason: UnmetReason::NoCommonMeetingSlot,
            who: vec![1, 2],
        }]
    );
}

#[test]
fn a_replan_with_nothing_changed_changes_nothing_and_an_absence_moves_only_its_meeting() {
    let travel = matrix(2, 15);
    let year = || Year {
        days: days(6, 2),
        people: vec![
            driver(0),
            person(weekdays(hm(9, 0), hm(12, 0))),
            person(weekdays(hm(14, 0), hm(17, 0))),
        ],
        sites: vec![site(1, 10)],
        groups: vec![
            group(&[(0, true), (1, true)], &[0]),
            group(&[(0, true), (2, true)], &[0]),
        ],
        meetings: vec![meeting(0), meeting(0), meeting(1), meeting(1)],
        ..Year::default()
    };
    let (_, first) = solved(year(), &travel);
    let still = |y: &mut Year, s: &Solution| {
        for (m, meeting) in y.meetings.iter_mut().enumerate() {
            meeting.keep = Keep::Still(s.slots[m].unwrap());
        }
    };
    let mut again = year();
    still(&mut again, &first);
    let (_, second) = solved(again, &travel);
    assert_eq!(second.slots, first.slots);
    assert!(second.moved.is_empty());

    // Person 1 is away the day of meeting 0.
    let mut changed = year();
    still(&mut changed, &first);
    let day = slot(&first, 0).day as i64;
    changed.people[1].away = vec![Stretch::new(Minutes(day * DAY), Minutes((day + 1) * DAY))];
    let (_, third) = solved(changed, &travel);
    assert_eq!(third.moved, vec![0]);
    assert_ne!(slot(&third, 0).day, slot(&first, 0).day);
    assert_eq!(third.slots[1..], first.slots[1..]);
}

#[test]
fn the_same_input_and_seed_give_the_same_plan() {
    let travel = matrix(1, 0);
    let problem = Problem::new(poll_trap(), vec![&travel]).unwrap();
    assert_eq!(solve(&problem, &params()), solve(&problem, &params()));
}

#[test]
fn the_checker_refuses_two_meetings_of_one_member_at_once() {
    let travel = matrix(2, 0);
    let wed = weekly(&[(WED, hm(9, 0), hm(13, 0))]);
    let year = Year {
        days: days(1, 1),
        people: vec![person(wed.clone()), person(wed.clone()), person(wed)],
        sites: vec![site(0, 10), site(1, 10)],
        groups: vec![
            group(&[(0, true), (1, true)], &[0]),
            group(&[(0, true), (2, true)], &[1]),
        ],
        meetings: vec![meeting(0), meeting(1)],
        ..Year::default()
    };
    let (p, mut s) = solved(year, &travel);
    let a = slot(&s, 0);
    s.slots[1] = Some(Slot { site: 1, ..a });
    s.attendance = check::attendance(&p, &s.slots);
    s.costs = check::costs(&p, &s.slots, &s.attendance);
    let refused = check::check(&p, &s).unwrap_err();
    assert!(refused.message.contains("person 0"), "{refused}");
}

#[test]
fn a_member_out_of_range_is_an_input_error_naming_the_group() {
    let travel = matrix(1, 0);
    let year = Year {
        days: days(1, 1),
        people: vec![person(weekdays(hm(9, 0), hm(12, 0)))],
        sites: vec![site(0, 10)],
        groups: vec![group(&[(3, true)], &[0])],
        meetings: vec![meeting(0)],
        ..Year::default()
    };
    let err = Problem::new(year, vec![&travel]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "groupe 0, champ membres : personne inexistante"
    );
}
