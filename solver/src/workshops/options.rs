//! The slots a group of each action may take, and why a child is not enrolled.
//!
//! Options of an action of the school weeks: each weekday, each start (every [`GRID`] minutes
//! inside its preferred times, on the hour outside them when its facilitator is free), each
//! site, and each cycle: its sessions from a start that is a multiple of its length in school
//! weeks of that weekday, or the first week after holidays. Of an action of the holidays: each
//! start and site, from each Monday of a holiday period (or its first weekday). An option is
//! kept when it keeps the rules of the group alone and enough oriented children may join it to
//! open it.

use std::collections::BTreeSet;

use super::{Audience, DayKind, GRID, Group, GroupSlot, Period, Problem, Unenrolled};
use crate::rota::DAY;
use crate::units::Minutes;
use crate::unmet::UnmetReason;

/// Earliest start tried outside the preferred times.
const EARLIEST: i64 = 8 * 60;

/// Candidate starts of action `a` on `weekdays`: every [`GRID`] inside its preferred spans, and
/// on the hour where its facilitator is available.
fn starts(problem: &Problem<'_>, a: usize, weekdays: &[usize]) -> BTreeSet<i64> {
    let action = &problem.actions()[a];
    let person = &problem.people()[action.facilitator];
    let d = action.duration.0;
    let mut out = BTreeSet::new();
    for &w in weekdays {
        for span in &action.preferred[w] {
            let mut t = span.start.0;
            while t + d <= span.end.0 {
                out.insert(t);
                t += GRID;
            }
        }
        for span in &person.available[w] {
            let mut t = ((span.start.0 + 59) / 60 * 60).max(EARLIEST);
            while t + d <= span.end.0 && t + d <= DAY {
                out.insert(t);
                t += 60;
            }
        }
    }
    out
}

/// The options of every action, and per orientation whether a slot has her free
/// ([`Problem::reachable`]).
pub(super) fn all(problem: &Problem<'_>) -> (Vec<Vec<GroupSlot>>, Vec<bool>) {
    let mut reachable = vec![false; problem.orientations().len()];
    let options = (0..problem.actions().len())
        .map(|a| of_action(problem, a, &mut reachable))
        .collect();
    (options, reachable)
}

fn of_action(problem: &Problem<'_>, a: usize, reachable: &mut [bool]) -> Vec<GroupSlot> {
    let action = &problem.actions()[a];
    let mut out: Vec<GroupSlot> = Vec::new();
    for k in problem.kept().iter().filter(|k| k.action == a) {
        if !out.contains(&k.slot) {
            out.push(k.slot.clone());
        }
    }
    let kept = out.len();
    let orientations: Vec<usize> = (0..problem.orientations().len())
        .filter(|&o| problem.orientations()[o].action == a && problem.age_allows(o))
        .collect();
    let min = action.size.0 as usize;
    let days = problem.days();
    let first = problem.first_day();
    let mut found = BTreeSet::new();
    let mut consider = |slot: GroupSlot, out: &mut Vec<GroupSlot>| {
        if !problem.site_allows(a, &slot) || !problem.facilitator_free(a, &slot) {
            return;
        }
        let mut joinable = 0;
        for &o in &orientations {
            if problem.may_join(o, &slot) {
                joinable += 1;
                reachable[o] = true;
            }
        }
        if joinable >= min && found.insert(slot.clone()) && !out[..kept].contains(&slot) {
            out.push(slot);
        }
    };
    match action.period {
        Period::School => {
            for weekday in 0..6 {
                let dates: Vec<usize> = (first..days.len())
                    .filter(|&d| days[d].weekday == weekday && days[d].kind == DayKind::School)
                    .collect();
                let n = action.sessions;
                if dates.len() < n {
                    continue;
                }
                let mut cycles: BTreeSet<usize> = (0..=dates.len() - n).step_by(n).collect();
                for i in 1..=dates.len() - n {
                    let after_holidays = (dates[i - 1] + 1..dates[i])
                        .any(|d| matches!(days[d].kind, DayKind::Holiday(_)));
                    if after_holidays {
                        cycles.insert(i);
                    }
                }
                for t in starts(problem, a, &[weekday]) {
                    for &site in &action.sites {
                        for &c in &cycles {
                            consider(
                                GroupSlot {
                                    weekday: Some(weekday),
                                    start: Minutes(t),
                                    site,
                                    days: dates[c..c + n].to_vec(),
                                },
                                &mut out,
                            );
                        }
                    }
                }
            }
        }
        Period::Holidays => {
            let mut runs: Vec<Vec<usize>> = Vec::new();
            let mut holiday_days: Vec<(usize, usize)> = (first..days.len())
                .filter_map(|d| match days[d].kind {
                    DayKind::Holiday(p) if days[d].weekday < 5 => Some((p, d)),
                    _ => None,
                })
                .collect();
            holiday_days.sort_unstable();
            let mut periods: Vec<usize> = holiday_days.iter().map(|&(p, _)| p).collect();
            periods.dedup();
            for p in periods {
                let dates: Vec<usize> = holiday_days
                    .iter()
                    .filter(|&&(q, _)| q == p)
                    .map(|&(_, d)| d)
                    .collect();
                let n = action.sessions;
                for i in 0..dates.len() {
                    if i + n > dates.len() {
                        break;
                    }
                    if i == 0 || days[dates[i]].weekday == 0 {
                        runs.push(dates[i..i + n].to_vec());
                    }
                }
            }
            let weekdays: Vec<usize> = (0..5).collect();
            for t in starts(problem, a, &weekdays) {
                for &site in &action.sites {
                    for run in &runs {
                        consider(
                            GroupSlot {
                                weekday: None,
                                start: Minutes(t),
                                site,
                                days: run.clone(),
                            },
                            &mut out,
                        );
                    }
                }
            }
        }
    }
    out
}

/// Whether groups `a` and `b` have a session at once.
pub(super) fn clash(problem: &Problem<'_>, a: (usize, &GroupSlot), b: (usize, &GroupSlot)) -> bool {
    let (da, db) = (
        problem.actions()[a.0].duration,
        problem.actions()[b.0].duration,
    );
    a.1.days.iter().any(|d| b.1.days.binary_search(d).is_ok())
        && Problem::overlap(a.1.start, da, b.1.start, db)
}

/// Why orientation `o` is not enrolled, given the groups opened.
pub(super) fn explain(
    problem: &Problem<'_>,
    groups: &[Group],
    enrolled: &[Option<usize>],
    o: usize,
) -> Unenrolled {
    let or = problem.orientations()[o];
    let action = &problem.actions()[or.action];
    let nearest = action
        .sites
        .iter()
        .map(|&s| (s, problem.distance(o, s)))
        .min_by_key(|&(s, m)| (m, s));
    let why = |reason: UnmetReason, other: Option<usize>| Unenrolled {
        orientation: o,
        reason,
        nearest,
        other,
    };
    if !problem.age_allows(o) {
        return why(UnmetReason::OutsideAgeRange, None);
    }
    if !action.sites.iter().any(|&s| problem.within_distance(o, s)) {
        return why(UnmetReason::TooFarFromSites, None);
    }
    if problem.options(or.action).is_empty() {
        // No slot at all: never her facilitator free, a site open and enough children together.
        return why(UnmetReason::WorkshopNotOpened, None);
    }
    if !problem.reachable(o) {
        // Free at some slot but oriented after it started, or never free.
        let too_late = problem.options(or.action).iter().any(|s| {
            problem.within_distance(o, s.site)
                && (action.audience == Audience::Parents || problem.child_free(o, s))
                && !problem.oriented_in_time(o, s)
        });
        return if too_late {
            why(UnmetReason::OrientedTooLate, None)
        } else {
            why(UnmetReason::NeverFreeAtSlots, None)
        };
    }
    let own: Vec<(usize, &Group)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.action == or.action)
        .collect();
    if own.is_empty() {
        return why(UnmetReason::WorkshopNotOpened, None);
    }
    let fitting: Vec<&(usize, &Group)> = own
        .iter()
        .filter(|(_, g)| problem.may_join(o, &g.slot))
        .collect();
    if fitting.is_empty() {
        // A group she is free for and near enough to, but started before she was oriented.
        let started = own.iter().any(|(_, g)| {
            problem.within_distance(o, g.slot.site)
                && (action.audience == Audience::Parents || problem.child_free(o, &g.slot))
                && !problem.oriented_in_time(o, &g.slot)
        });
        return if started {
            why(UnmetReason::OrientedTooLate, None)
        } else {
            why(UnmetReason::NoGroupWhenFree, None)
        };
    }
    let open: Vec<&&(usize, &Group)> = fitting
        .iter()
        .filter(|(_, g)| g.orientations.len() < action.size.1 as usize)
        .collect();
    if open.is_empty() {
        return why(UnmetReason::GroupsFull, None);
    }
    // Her other enrolments that take the time of every group with room.
    let others: Vec<usize> = (0..problem.orientations().len())
        .filter(|&x| x != o && problem.orientations()[x].child == or.child && enrolled[x].is_some())
        .collect();
    let blocking = others.iter().copied().find(|&x| {
        let g = &groups[enrolled[x].expect("BUG: filtered on enrolled")];
        open.iter()
            .all(|(_, mine)| clash(problem, (or.action, &mine.slot), (g.action, &g.slot)))
    });
    match blocking {
        Some(x) => why(UnmetReason::WorkshopClash, Some(x)),
        None => why(UnmetReason::NotWorthIt, None),
    }
}
