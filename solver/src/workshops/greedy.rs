//! A first solution for the MILP to improve on (its start): groups opened one at a time, each
//! time the option that saves the most (the children it takes, each her cost of staying out
//! less her family's travel, less the group's own costs), the children with most to gain
//! first, while an option saves anything. It keeps every hard rule the model states, so HiGHS
//! accepts it as its first incumbent: whatever the time limit, a plan is never worse than this.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::options::clash;
use super::{Group, GroupSlot, Problem};
use crate::limits::Deadline;

/// Whether a group of action `a` at `slot` leaves the facilitator and the site of every group
/// of `groups` free: no two sessions at once, and time for the facilitator to drive between
/// sessions of one day.
pub(super) fn fits(problem: &Problem<'_>, groups: &[Group], a: usize, slot: &GroupSlot) -> bool {
    let action = &problem.actions()[a];
    groups.iter().all(|g| {
        let other = &problem.actions()[g.action];
        let shares = other.facilitator == action.facilitator || g.slot.site == slot.site;
        !(shares && clash(problem, (a, slot), (g.action, &g.slot)))
            && (other.facilitator != action.facilitator
                || !slot.days.iter().any(|d| g.slot.days.contains(d))
                || problem.facilitator_compatible(
                    action.facilitator,
                    (slot.start, action.duration, slot.site),
                    (g.slot.start, other.duration, g.slot.site),
                ))
    })
}

/// Whether the child of orientation `o`, whose orientations are `hers`, is in a group of
/// `groups` (through `enrolled`) at the time of a group of action `a` at `slot`.
fn busy(
    problem: &Problem<'_>,
    groups: &[Group],
    enrolled: &[Option<usize>],
    hers: &[usize],
    a: usize,
    slot: &GroupSlot,
) -> bool {
    hers.iter().any(|&x| {
        enrolled[x].is_some_and(|g| clash(problem, (a, slot), (groups[g].action, &groups[g].slot)))
    })
}

/// The greedy groups: the running ones kept with their children, then the best option at a
/// time, until none saves anything (or `deadline` is over).
pub(super) fn groups(problem: &Problem<'_>, deadline: Option<&Deadline>) -> Vec<Group> {
    let n = problem.orientations().len();
    let mut groups: Vec<Group> = Vec::new();
    let mut enrolled: Vec<Option<usize>> = vec![None; n];
    for (i, k) in problem.kept().iter().enumerate() {
        if !k.exact {
            continue;
        }
        let orientations: Vec<usize> = (0..n)
            .filter(|&o| problem.orientations()[o].kept == Some(i))
            .collect();
        for &o in &orientations {
            enrolled[o] = Some(groups.len());
        }
        groups.push(Group {
            action: k.action,
            slot: k.slot.clone(),
            orientations,
        });
    }
    let running = groups.len();
    let mut of_child: Vec<Vec<usize>> = vec![Vec::new(); problem.children().len()];
    for (o, or) in problem.orientations().iter().enumerate() {
        of_child[or.child].push(o);
    }
    // Per action, per option: the orientations the rules of the child alone let join it.
    let joinable: Vec<Vec<Vec<usize>>> = (0..problem.actions().len())
        .map(|a| {
            let mine: Vec<usize> = (0..n)
                .filter(|&o| problem.orientations()[o].action == a)
                .collect();
            problem
                .options(a)
                .iter()
                .map(|slot| {
                    mine.iter()
                        .copied()
                        .filter(|&o| problem.may_join(o, slot))
                        .collect()
                })
                .collect()
        })
        .collect();
    // What opening option `k` of action `a` saves now, and the children it takes.
    let evaluate = |a: usize, k: usize, groups: &[Group], enrolled: &[Option<usize>]| {
        let action = &problem.actions()[a];
        let slot = &problem.options(a)[k];
        let waits = |o: usize| {
            enrolled[o].is_none()
                && problem.orientations()[o]
                    .kept
                    .is_none_or(|kept| !problem.kept()[kept].exact)
        };
        if joinable[a][k].iter().filter(|&&o| waits(o)).count() < action.size.0 as usize
            || super::model::running(problem, a, slot).is_some()
            || !fits(problem, groups, a, slot)
        {
            return None;
        }
        let mut gains: Vec<(i64, usize)> = joinable[a][k]
            .iter()
            .copied()
            .filter(|&o| {
                let hers = &of_child[problem.orientations()[o].child];
                waits(o) && !busy(problem, groups, enrolled, hers, a, slot)
            })
            .map(|o| {
                (
                    problem.not_enrolled_cost(o) - problem.enrolment_cost(o, slot),
                    o,
                )
            })
            .filter(|&(gain, _)| gain > 0)
            .collect();
        if gains.len() < action.size.0 as usize {
            return None;
        }
        gains.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        gains.truncate(action.size.1 as usize);
        let (travel, outside) = problem.group_cost(a, slot);
        let saving = gains.iter().map(|&(g, _)| g).sum::<i64>() - travel - outside;
        (saving > 0).then(|| {
            (
                saving,
                gains.into_iter().map(|(_, o)| o).collect::<Vec<_>>(),
            )
        })
    };
    // Lazily: an option only saves less as groups open (its children taken, its facilitator,
    // site and children busier), so the best of the heap, saving as much as when it was last
    // evaluated, is the best of all.
    let mut heap: BinaryHeap<(i64, Reverse<(usize, usize)>)> = BinaryHeap::new();
    for a in 0..problem.actions().len() {
        for k in 0..problem.options(a).len() {
            if let Some((saving, _)) = evaluate(a, k, &groups, &enrolled) {
                heap.push((saving, Reverse((a, k))));
            }
        }
    }
    while let Some((saving, Reverse((a, k)))) = heap.pop() {
        if deadline.is_some_and(Deadline::is_over) {
            break;
        }
        let Some((now, mut children)) = evaluate(a, k, &groups, &enrolled) else {
            continue;
        };
        if now < saving {
            heap.push((now, Reverse((a, k))));
            continue;
        }
        children.sort_unstable();
        for &o in &children {
            enrolled[o] = Some(groups.len());
        }
        groups.push(Group {
            action: a,
            slot: problem.options(a)[k].clone(),
            orientations: children,
        });
    }
    debug_assert!(groups.len() >= running);
    groups
}
