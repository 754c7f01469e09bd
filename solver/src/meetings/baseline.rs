//! What a poll does (a Doodle per meeting): EPS by EPS, meeting by meeting, the first slot of
//! its period where every required member and the site are free, after the meetings already
//! placed. The invited are not asked; they come when they are free.

use super::candidates::{self, Candidate, Fixed};
use super::{Problem, Slot, Solution, Spacing};
use crate::limits::StopReason;

/// The poll's period for meeting `m`: with [`Spacing::OnePerPeriod`], the `k`-th of `n`
/// meetings goes to period `⌊k·P/n⌋` of the `P` periods (4 meetings in 5 periods: the first
/// four); with [`Spacing::MinDays`], from half a slice of the year before its evenly spread date.
fn in_poll_period(problem: &Problem<'_>, m: usize, c: &Candidate) -> bool {
    let (k, n) = problem.rank(m);
    match problem.group_of(m).spacing {
        Spacing::OnePerPeriod => {
            let mut periods: Vec<usize> = (0..problem.days().len())
                .filter(|&d| problem.days()[d].school)
                .map(|d| problem.days()[d].period)
                .collect();
            periods.dedup();
            let poll = k * periods.len() / n.max(1);
            periods.get(poll) == Some(&problem.days()[c.slot.day].period)
        }
        Spacing::MinDays(_) => {
            let slice = problem.days().len() / n.max(1);
            c.slot.day + slice / 2 >= problem.target(m)
        }
    }
}

/// Whether a required member of meeting `m` at `c`, or its site, is taken by a placed meeting,
/// or the group's spacing forbids it.
fn taken(problem: &Problem<'_>, m: usize, c: &Candidate, placed: &[(usize, Candidate)]) -> bool {
    let group = problem.group_of(m);
    let g = problem.meetings()[m].group;
    placed.iter().any(|(k, ck)| {
        let gk = problem.meetings()[*k].group;
        let dk = problem.groups()[gk].duration;
        if gk == g && !problem.spacing_allows(g, c.slot.day, ck.slot.day) {
            return true;
        }
        if ck.slot.day != c.slot.day {
            return false;
        }
        if ck.slot.site == c.slot.site
            && !problem.compatible(None, c.slot, group.duration, ck.slot, dk)
        {
            return true;
        }
        let other = &problem.groups()[gk].members;
        group.members.iter().filter(|x| x.required).any(|x| {
            other
                .iter()
                .position(|y| y.person == x.person)
                .is_some_and(|j| {
                    ck.has(j)
                        && !problem.compatible(Some(x.person), c.slot, group.duration, ck.slot, dk)
                })
        })
    })
}

fn kept(problem: &Problem<'_>, fixed: &Fixed) -> Vec<(usize, Candidate)> {
    fixed
        .slots
        .iter()
        .enumerate()
        .filter_map(|(m, s)| s.map(|s| (m, candidates::at(problem, m, s))))
        .collect()
}

/// The poll, around the meetings kept: EPS by EPS, meeting by meeting.
pub fn solve(problem: &Problem<'_>) -> Solution {
    let fixed = candidates::keep(problem);
    let mut placed = kept(problem, &fixed);
    let mut slots = fixed.slots.clone();
    let mut order: Vec<usize> = (0..problem.meetings().len())
        .filter(|&m| slots[m].is_none())
        .collect();
    order.sort_by_key(|&m| (problem.meetings()[m].group, problem.rank(m).0));
    for m in order {
        let found = fixed.candidates[m]
            .iter()
            .filter(|c| in_poll_period(problem, m, c))
            .find(|c| !taken(problem, m, c, &placed));
        if let Some(c) = found {
            slots[m] = Some(c.slot);
            placed.push((m, *c));
        }
    }
    let candidates = fixed.candidates.iter().map(Vec::len).sum();
    super::finish(
        problem,
        slots,
        &fixed,
        f64::INFINITY,
        StopReason::NoImprovement,
        (candidates, 0, 0),
    )
}

/// Meetings placed one by one, each at its first candidate that meets none placed before:
/// what the solve keeps when HiGHS gives no solution.
pub(super) fn around(problem: &Problem<'_>, fixed: &Fixed) -> Vec<Option<Slot>> {
    let mut placed = kept(problem, fixed);
    let mut slots = fixed.slots.clone();
    for (m, cands) in fixed.candidates.iter().enumerate() {
        if slots[m].is_some() {
            continue;
        }
        if let Some(c) = cands.iter().find(|c| {
            !placed
                .iter()
                .any(|(k, ck)| candidates::clash(problem, m, c, *k, ck))
        }) {
            slots[m] = Some(c.slot);
            placed.push((m, *c));
        }
    }
    slots
}
