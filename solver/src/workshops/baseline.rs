//! What is done by hand, for comparison: each action in turn (the caller's order, by code)
//! opens one group at its first preferred slot and first site, from the start of the term;
//! oriented children are taken in the order they were oriented until it is full. A child who
//! lives too far, is not free then or is already in a group at that time is passed over. The
//! first slot is the first, in that order, that the facilitator and the site have free and
//! that enough children can join to open; an action with none stays closed.

use super::options::clash;
use super::{Group, Problem, Solution};
use crate::limits::StopReason;

/// The groups of the baseline: the running groups kept, then one group per action.
pub fn groups(problem: &Problem<'_>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut enrolled: Vec<Option<usize>> = vec![None; problem.orientations().len()];
    for (i, k) in problem.kept().iter().enumerate() {
        if !k.exact {
            continue;
        }
        let orientations: Vec<usize> = (0..problem.orientations().len())
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
    for a in 0..problem.actions().len() {
        if groups.iter().any(|g| g.action == a) {
            continue;
        }
        let action = &problem.actions()[a];
        let mut order: Vec<usize> = (0..problem.orientations().len())
            .filter(|&o| problem.orientations()[o].action == a)
            .collect();
        order.sort_by_key(|&o| (problem.orientations()[o].oriented, o));
        // Preferred options first: by first day, then weekday and start, then site.
        let mut options: Vec<&super::GroupSlot> = problem
            .options(a)
            .iter()
            .filter(|s| problem.outside_preferred(a, s) == 0)
            .collect();
        let site_rank = |s: usize| action.sites.iter().position(|&x| x == s);
        options.sort_by_key(|s| (s.days[0], s.start, site_rank(s.site)));
        for slot in options {
            let free = super::greedy::fits(problem, &groups, a, slot);
            if !free {
                continue;
            }
            let mut taken = Vec::new();
            for &o in &order {
                if taken.len() == action.size.1 as usize {
                    break;
                }
                let child = problem.orientations()[o].child;
                let busy = (0..problem.orientations().len()).any(|x| {
                    problem.orientations()[x].child == child
                        && enrolled[x].is_some_and(|g| {
                            clash(problem, (a, slot), (groups[g].action, &groups[g].slot))
                        })
                });
                if problem.may_join(o, slot) && !busy {
                    taken.push(o);
                }
            }
            if taken.len() < action.size.0 as usize {
                continue;
            }
            for &o in &taken {
                enrolled[o] = Some(groups.len());
            }
            groups.push(Group {
                action: a,
                slot: slot.clone(),
                orientations: taken,
            });
            break;
        }
    }
    groups
}

/// The baseline as a solution, costed and explained by the same rules.
pub fn solve(problem: &Problem<'_>) -> Solution {
    super::finish(
        problem,
        groups(problem),
        f64::INFINITY,
        StopReason::NoImprovement,
        (0, 0),
    )
}
