//! The independent checker of a meetings solution: who attends, what each rule costs, and
//! whether every hard rule holds, recomputed from the problem and the slots alone.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::{AFTERNOON, Attendance, Keep, Problem, Rule, Slot, Solution};
use crate::cost::RuleCost;
use crate::units::{Cost, Minutes};

/// A hard rule broken, or a figure that does not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The meeting at fault, if one.
    pub meeting: Option<usize>,
    /// What is wrong, in English (a bug report, not a coordinator's message).
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.meeting {
            Some(m) => write!(f, "meeting {m}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn violation(meeting: Option<usize>, message: impl Into<String>) -> Violation {
    Violation {
        meeting,
        message: message.into(),
    }
}

/// Who attends each placed meeting: every required member; an invited one when she is free
/// (weekly availability, unavailability) and can be there besides the meetings she attends
/// already — those where she is required, then the earlier ones (by day, start, index).
pub fn attendance(problem: &Problem<'_>, slots: &[Option<Slot>]) -> Vec<Attendance> {
    let mut present: Vec<Vec<bool>> = slots
        .iter()
        .enumerate()
        .map(|(m, slot)| match slot {
            Some(_) => problem
                .group_of(m)
                .members
                .iter()
                .map(|x| x.required)
                .collect(),
            None => Vec::new(),
        })
        .collect();
    // Per person: the slots she attends, with their length.
    let mut attends: BTreeMap<usize, Vec<(Slot, Minutes)>> = BTreeMap::new();
    for (m, slot) in slots.iter().enumerate() {
        if let Some(slot) = slot {
            let group = problem.group_of(m);
            for x in group.members.iter().filter(|x| x.required) {
                attends
                    .entry(x.person)
                    .or_default()
                    .push((*slot, group.duration));
            }
        }
    }
    let mut order: Vec<(Slot, usize)> = slots
        .iter()
        .enumerate()
        .filter_map(|(m, s)| s.map(|s| (s, m)))
        .collect();
    order.sort_by_key(|(s, m)| (s.day, s.start, *m));
    for (slot, m) in order {
        let group = problem.group_of(m);
        let end = slot.start + group.duration;
        for (i, x) in group.members.iter().enumerate() {
            if x.required || !problem.is_free(x.person, slot.day, slot.start, end) {
                continue;
            }
            let mine = attends.entry(x.person).or_default();
            if mine
                .iter()
                .all(|&(s, d)| problem.compatible(Some(x.person), s, d, slot, group.duration))
            {
                mine.push((slot, group.duration));
                present[m][i] = true;
            }
        }
    }
    present
        .into_iter()
        .map(|present| Attendance { present })
        .collect()
}

/// The cost of each rule, in [`Rule::ALL`] order.
pub fn costs(
    problem: &Problem<'_>,
    slots: &[Option<Slot>],
    attendance: &[Attendance],
) -> Vec<RuleCost<Rule>> {
    let w = problem.weights();
    let mut absent = 0;
    let mut spacing = 0;
    let mut other_site = 0;
    let mut unmet = 0;
    // Per person with a base: the sites of each half-day.
    let mut halves: BTreeMap<(usize, usize, usize), BTreeSet<usize>> = BTreeMap::new();
    for (m, slot) in slots.iter().enumerate() {
        let Some(slot) = slot else {
            unmet += w.unmet;
            continue;
        };
        let g = problem.meetings()[m].group;
        let group = &problem.groups()[g];
        spacing += problem.spacing_cost(m, slot.day);
        other_site += problem.site_cost(g, slot.site);
        let half = usize::from(slot.start.0 >= AFTERNOON);
        for (i, x) in group.members.iter().enumerate() {
            let there = attendance[m].present[i];
            if !x.required && !there {
                absent += 1;
            }
            if there && problem.people()[x.person].base.is_some() {
                halves
                    .entry((x.person, slot.day, half))
                    .or_default()
                    .insert(slot.site);
            }
        }
    }
    let mut driving = 0;
    let mut communes = 0;
    for ((p, _, _), sites) in &halves {
        driving += sites
            .iter()
            .map(|&s| problem.round_trip(*p, s).0 * w.driving_per_minute)
            .sum::<i64>();
        let distinct: BTreeSet<usize> = sites.iter().map(|&s| problem.sites()[s].commune).collect();
        communes += problem.communes_cost(distinct.len());
    }
    vec![
        RuleCost::new(
            Rule::InvitedAbsent,
            Cost(problem.invited_absent_cost(absent)),
        ),
        RuleCost::new(Rule::Spacing, Cost(spacing)),
        RuleCost::new(Rule::Driving, Cost(driving)),
        RuleCost::new(Rule::Communes, Cost(communes)),
        RuleCost::new(Rule::OtherSite, Cost(other_site)),
        RuleCost::new(Rule::Unmet, Cost(unmet)),
    ]
}

/// Every hard rule of the module's documentation, and the solution's attendance, costs and
/// unmet list, recomputed.
///
/// # Errors
/// The first [`Violation`] found.
pub fn check(problem: &Problem<'_>, solution: &Solution) -> Result<(), Violation> {
    let n = problem.meetings().len();
    if solution.slots.len() != n || solution.attendance.len() != n {
        return Err(violation(
            None,
            "one slot and one attendance per meeting expected",
        ));
    }
    let exact = |m: usize| matches!(problem.meetings()[m].keep, Keep::Exact(_));
    for (m, meeting) in problem.meetings().iter().enumerate() {
        let slot = solution.slots[m];
        match meeting.keep {
            Keep::Exact(kept) if slot != Some(kept) => {
                return Err(violation(Some(m), "a meeting held or confirmed moved"));
            }
            Keep::Still(kept) if slot != Some(kept) && !solution.moved.contains(&m) => {
                return Err(violation(
                    Some(m),
                    "a meeting to hold still moved unreported",
                ));
            }
            _ => {}
        }
        if let Some(slot) = slot
            && !exact(m)
            && !problem.slot_allowed(m, slot)
        {
            return Err(violation(
                Some(m),
                format!("slot {slot:?} breaks a rule of its own (day, window, members, site)"),
            ));
        }
    }
    let attendance = attendance(problem, &solution.slots);
    if attendance != solution.attendance {
        return Err(violation(
            None,
            "attendance differs from the recomputed one",
        ));
    }
    // Pairs: persons attending both, sites, groups.
    let placed: Vec<(usize, Slot)> = (0..n)
        .filter_map(|m| solution.slots[m].map(|s| (m, s)))
        .collect();
    for (i, &(a, sa)) in placed.iter().enumerate() {
        for &(b, sb) in &placed[i + 1..] {
            if exact(a) && exact(b) {
                continue;
            }
            let (ga, gb) = (problem.meetings()[a].group, problem.meetings()[b].group);
            let (da, db) = (problem.groups()[ga].duration, problem.groups()[gb].duration);
            if ga == gb && !problem.spacing_allows(ga, sa.day, sb.day) {
                return Err(violation(
                    Some(b),
                    format!("too close to meeting {a} of its group"),
                ));
            }
            if sa.site == sb.site && !problem.compatible(None, sa, da, sb, db) {
                return Err(violation(
                    Some(b),
                    format!("its site holds meeting {a} then"),
                ));
            }
            for (x, there) in problem.groups()[ga]
                .members
                .iter()
                .zip(&attendance[a].present)
            {
                let Some(j) = problem.groups()[gb]
                    .members
                    .iter()
                    .position(|y| y.person == x.person)
                else {
                    continue;
                };
                if *there
                    && attendance[b].present[j]
                    && !problem.compatible(Some(x.person), sa, da, sb, db)
                {
                    return Err(violation(
                        Some(b),
                        format!("person {} cannot attend it and meeting {a}", x.person),
                    ));
                }
            }
        }
    }
    let costs = costs(problem, &solution.slots, &attendance);
    if costs != solution.costs {
        return Err(violation(
            None,
            format!(
                "costs {:?} differ from the recomputed {costs:?}",
                solution.costs
            ),
        ));
    }
    let unplaced: Vec<usize> = (0..n).filter(|&m| solution.slots[m].is_none()).collect();
    let listed: Vec<usize> = solution.unmet.iter().map(|u| u.meeting).collect();
    if unplaced != listed {
        return Err(violation(
            None,
            "the unmet list is not the meetings unplaced",
        ));
    }
    Ok(())
}
