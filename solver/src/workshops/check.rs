//! The independent checker of a workshops solution: whether every hard rule holds and what each
//! rule costs, recomputed from the problem and the groups alone (never from the options the
//! solver listed).

use std::collections::BTreeMap;
use std::fmt;

use super::{Group, Problem, Rule, Solution};
use crate::cost::RuleCost;
use crate::units::{Cost, Minutes};

/// A hard rule broken, or a figure that does not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The group at fault, if one.
    pub group: Option<usize>,
    /// What is wrong, in English (a bug report, not a coordinator's message).
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.group {
            Some(g) => write!(f, "group {g}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn violation(group: Option<usize>, message: impl Into<String>) -> Violation {
    Violation {
        group,
        message: message.into(),
    }
}

/// Whether a kept running group is `group` (its rules are not checked: it runs as it is).
fn running(problem: &Problem<'_>, group: &Group) -> bool {
    problem
        .kept()
        .iter()
        .any(|k| k.exact && k.action == group.action && k.slot == group.slot)
}

/// The cost of each rule for `groups`, in [`Rule::ALL`] order.
pub fn costs(
    problem: &Problem<'_>,
    groups: &[Group],
    enrolled: &[Option<usize>],
) -> Vec<RuleCost<Rule>> {
    let w = problem.weights();
    let mut per = BTreeMap::new();
    let not_enrolled: i64 = (0..problem.orientations().len())
        .filter(|&o| enrolled[o].is_none())
        .map(|o| problem.not_enrolled_cost(o))
        .sum();
    per.insert(Rule::NotEnrolled, not_enrolled);
    let split = problem
        .sibling_pairs()
        .into_iter()
        .filter(|&(a, b)| enrolled[a] != enrolled[b])
        .count() as i64;
    per.insert(Rule::SiblingsSplit, split * w.siblings_split);
    let mut family = 0;
    let mut facilitator = 0;
    let mut outside = 0;
    for g in groups {
        let (travel, out) = problem.group_cost(g.action, &g.slot);
        facilitator += travel;
        outside += out;
        for &o in &g.orientations {
            family += problem.enrolment_cost(o, &g.slot);
        }
    }
    per.insert(Rule::FamilyTravel, family);
    per.insert(Rule::FacilitatorTravel, facilitator);
    per.insert(Rule::OutsidePreferred, outside);
    let mut moved = 0;
    for k in problem.kept().iter().filter(|k| !k.exact) {
        if !groups
            .iter()
            .any(|g| g.action == k.action && g.slot == k.slot)
        {
            moved += 1;
        }
    }
    for (o, or) in problem.orientations().iter().enumerate() {
        let Some(k) = or.kept else { continue };
        let kept = &problem.kept()[k];
        if kept.exact {
            continue;
        }
        let stays = enrolled[o].is_some_and(|g| groups[g].slot == kept.slot);
        if !stays {
            moved += 1;
        }
    }
    per.insert(Rule::Moved, moved * w.moved);
    Rule::ALL
        .iter()
        .map(|&r| RuleCost::new(r, Cost(per[&r])))
        .collect()
}

/// Checks `solution` against every hard rule of `problem` and recomputes its costs.
///
/// # Errors
/// Every [`Violation`] found.
pub fn check(problem: &Problem<'_>, solution: &Solution) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    let groups = &solution.groups;
    let n = problem.orientations().len();
    if solution.enrolled.len() != n {
        out.push(violation(None, "enrolled has the wrong length"));
        return Err(out);
    }
    let mut seen = vec![None; n];
    for (g, group) in groups.iter().enumerate() {
        if group.action >= problem.actions().len() {
            out.push(violation(Some(g), "unknown action"));
            continue;
        }
        let a = group.action;
        for &o in &group.orientations {
            if o >= n {
                out.push(violation(Some(g), format!("unknown orientation {o}")));
                continue;
            }
            if seen[o].replace(g).is_some() {
                out.push(violation(Some(g), format!("orientation {o} in two groups")));
            }
            if solution.enrolled[o] != Some(g) {
                out.push(violation(
                    Some(g),
                    format!("orientation {o}: enrolled disagrees"),
                ));
            }
            if problem.orientations()[o].action != a {
                out.push(violation(
                    Some(g),
                    format!("orientation {o} of another action"),
                ));
            }
        }
        if running(problem, group) {
            continue;
        }
        if !problem.dates_follow(a, &group.slot) {
            out.push(violation(Some(g), "dates do not follow one another"));
        }
        if !problem.size_allows(a, group.orientations.len()) {
            out.push(violation(
                Some(g),
                format!("{} children", group.orientations.len()),
            ));
        }
        if !problem.actions()[a].sites.contains(&group.slot.site) {
            out.push(violation(Some(g), "site not one of the action's"));
        }
        if !problem.site_allows(a, &group.slot) {
            out.push(violation(Some(g), "site closed or too small"));
        }
        if !problem.facilitator_free(a, &group.slot) {
            out.push(violation(Some(g), "facilitator not free"));
        }
        for &o in &group.orientations {
            if o < n && !problem.may_join(o, &group.slot) {
                out.push(violation(
                    Some(g),
                    format!("orientation {o}: age, distance, free time or orientation date"),
                ));
            }
        }
    }
    for (o, e) in solution.enrolled.iter().enumerate() {
        if e.is_some() != seen[o].is_some() {
            out.push(violation(
                None,
                format!("orientation {o}: enrolled disagrees"),
            ));
        }
        // A child of a running group stays in it.
        if let Some(k) = problem.orientations()[o].kept {
            let kept = &problem.kept()[k];
            if kept.exact && !e.is_some_and(|g| g < groups.len() && groups[g].slot == kept.slot) {
                out.push(violation(
                    None,
                    format!("orientation {o} left its running group"),
                ));
            }
        }
    }
    for k in problem.kept().iter().filter(|k| k.exact) {
        if !groups
            .iter()
            .any(|g| g.action == k.action && g.slot == k.slot)
        {
            out.push(violation(None, "a running group was dropped"));
        }
    }
    overlaps(problem, groups, &mut out);
    let expected = costs(problem, groups, &solution.enrolled);
    if expected != solution.costs {
        out.push(violation(
            None,
            format!("costs {:?}, recomputed {:?}", solution.costs, expected),
        ));
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// A session: (start, length, site, group).
type Session = (Minutes, Minutes, usize, usize);

/// Sessions by day.
type Sessions = BTreeMap<usize, Vec<Session>>;

/// No child, facilitator or site in two sessions at once; a facilitator in time for the next.
fn overlaps(problem: &Problem<'_>, groups: &[Group], out: &mut Vec<Violation>) {
    let mut by_person: BTreeMap<usize, Sessions> = BTreeMap::new();
    let mut by_site: BTreeMap<usize, Sessions> = BTreeMap::new();
    let mut by_child: BTreeMap<usize, Sessions> = BTreeMap::new();
    for (g, group) in groups.iter().enumerate() {
        let Some(action) = problem.actions().get(group.action) else {
            continue;
        };
        for &d in &group.slot.days {
            let s = (group.slot.start, action.duration, group.slot.site, g);
            by_person
                .entry(action.facilitator)
                .or_default()
                .entry(d)
                .or_default()
                .push(s);
            by_site
                .entry(group.slot.site)
                .or_default()
                .entry(d)
                .or_default()
                .push(s);
            for &o in &group.orientations {
                if let Some(or) = problem.orientations().get(o) {
                    by_child
                        .entry(or.child)
                        .or_default()
                        .entry(d)
                        .or_default()
                        .push(s);
                }
            }
        }
    }
    let pairs = |sessions: &Sessions,
                 what: &str,
                 ok: &dyn Fn(&Session, &Session) -> bool,
                 out: &mut Vec<Violation>| {
        for (day, list) in sessions {
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    if !ok(a, b) {
                        out.push(violation(
                            Some(a.3),
                            format!("{what}: with group {} on day {day}", b.3),
                        ));
                    }
                }
            }
        }
    };
    let apart = |a: &Session, b: &Session| !Problem::overlap(a.0, a.1, b.0, b.1);
    for (&p, sessions) in &by_person {
        let ok = |a: &Session, b: &Session| {
            problem.facilitator_compatible(p, (a.0, a.1, a.2), (b.0, b.1, b.2))
        };
        pairs(sessions, "facilitator double-booked or late", &ok, out);
    }
    for sessions in by_site.values() {
        pairs(sessions, "site double-booked", &apart, out);
    }
    for sessions in by_child.values() {
        pairs(sessions, "child double-booked", &apart, out);
    }
}
