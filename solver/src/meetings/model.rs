//! The meetings MILP, time-indexed: one binary per candidate slot of each meeting to place
//! (`x`), one slack per meeting left unplaced (`left`), one per person, day, half-day and site
//! she drives to (`go`), one per half-day in several communes (`extra`).
//!
//! Rows, one function each: every meeting once or left; a person at one meeting at a time
//! (cliques at each start) and in time for the next one if she drives; a site holds one
//! meeting at a time; a group's spacing; `go` above each meeting there; `extra` above the
//! communes of a half-day beyond the first.

use std::collections::{BTreeMap, BTreeSet};

use good_lp::{Constraint, Expression, ProblemVariables, Variable, constraint, variable};

use super::candidates::{Candidate, Fixed};
use super::{Problem, Slot, Spacing};
use crate::limits::{Deadline, Params, StopReason};
use crate::milp::{self, MilpSettings};

/// A candidate in the model: meeting, candidate index, variable.
#[derive(Clone, Copy)]
struct Column {
    meeting: usize,
    candidate: usize,
    x: Variable,
}

/// Per person, day, half-day and site: per meeting, its columns there.
type Goes = BTreeMap<(usize, usize, usize, usize), BTreeMap<usize, Vec<Variable>>>;

struct Model<'f> {
    vars: ProblemVariables,
    fixed: &'f Fixed,
    /// Per meeting to place: its columns.
    x: Vec<Vec<Column>>,
    /// Per meeting to place that has candidates: its slack.
    left: Vec<Option<Variable>>,
    objective: Expression,
    rows: Vec<Constraint>,
}

impl<'f> Model<'f> {
    fn new(problem: &Problem<'_>, fixed: &'f Fixed) -> Model<'f> {
        let mut vars = ProblemVariables::new();
        let mut objective = Expression::from(0.0);
        let w = problem.weights();
        let mut x = Vec::new();
        let mut left = Vec::new();
        for (m, candidates) in fixed.candidates.iter().enumerate() {
            let g = problem.meetings()[m].group;
            let columns: Vec<Column> = candidates
                .iter()
                .enumerate()
                .map(|(c, cand)| {
                    let var = vars.add(variable().binary());
                    let cost = problem.invited_absent_cost(cand.absent as usize)
                        + problem.spacing_cost(m, cand.slot.day)
                        + problem.site_cost(g, cand.slot.site);
                    objective += cost as f64 * var;
                    Column {
                        meeting: m,
                        candidate: c,
                        x: var,
                    }
                })
                .collect();
            let slack = (!columns.is_empty()).then(|| {
                let v = vars.add(variable().min(0.0).max(1.0));
                objective += w.unmet as f64 * v;
                v
            });
            x.push(columns);
            left.push(slack);
        }
        Model {
            vars,
            fixed,
            x,
            left,
            objective,
            rows: Vec::new(),
        }
    }

    fn cand(&self, c: &Column) -> &Candidate {
        &self.fixed.candidates[c.meeting][c.candidate]
    }

    /// Every meeting with candidates takes one, or is left.
    fn once_each(&mut self) {
        for (columns, left) in self.x.iter().zip(&self.left) {
            if let Some(left) = left {
                let sum: Expression = columns.iter().map(|c| c.x).sum::<Expression>() + *left;
                self.rows.push(constraint!(sum == 1));
            }
        }
    }

    /// Per person, the columns where she attends, by day.
    fn attended(&self, problem: &Problem<'_>) -> BTreeMap<(usize, usize), Vec<Column>> {
        let mut by: BTreeMap<(usize, usize), Vec<Column>> = BTreeMap::new();
        for columns in &self.x {
            for col in columns {
                let cand = self.cand(col);
                let group = problem.group_of(col.meeting);
                for (i, member) in group.members.iter().enumerate() {
                    if cand.has(i) {
                        by.entry((member.person, cand.slot.day))
                            .or_default()
                            .push(*col);
                    }
                }
            }
        }
        by
    }

    /// At each start of a set of intervals, those covering it, when they span two meetings
    /// or more: the maximal cliques of the interval graph (duplicates skipped).
    fn cliques(&mut self, columns: &[Column]) {
        let mut starts: Vec<i64> = columns.iter().map(|c| self.cand(c).slot.start.0).collect();
        starts.sort_unstable();
        starts.dedup();
        let mut last: Vec<usize> = Vec::new();
        for t in starts {
            let covering: Vec<usize> = (0..columns.len())
                .filter(|&i| {
                    let c = self.cand(&columns[i]);
                    c.slot.start.0 <= t && t < c.end.0
                })
                .collect();
            let meetings: BTreeSet<usize> = covering.iter().map(|&i| columns[i].meeting).collect();
            if meetings.len() < 2 || covering.iter().all(|i| last.contains(i)) {
                continue;
            }
            let sum: Expression = covering.iter().map(|&i| columns[i].x).sum();
            self.rows.push(constraint!(sum <= 1));
            last = covering;
        }
    }

    /// A person attends one meeting at a time; who drives reaches the next in time.
    fn people(&mut self, problem: &Problem<'_>) {
        for ((p, _day), columns) in self.attended(problem) {
            let meetings: BTreeSet<usize> = columns.iter().map(|c| c.meeting).collect();
            if meetings.len() < 2 {
                continue;
            }
            self.cliques(&columns);
            if problem.people()[p].base.is_some() {
                self.travel(problem, p, &columns);
            }
        }
    }

    /// For each site and end time of a meeting she may attend, that meeting and those starting
    /// elsewhere before she can get there exclude one another.
    fn travel(&mut self, problem: &Problem<'_>, p: usize, columns: &[Column]) {
        let mut ends: BTreeMap<(usize, i64), Vec<usize>> = BTreeMap::new();
        for (i, c) in columns.iter().enumerate() {
            let cand = self.cand(c);
            ends.entry((cand.slot.site, cand.end.0))
                .or_default()
                .push(i);
        }
        for ((site, end), ending) in ends {
            let late: Vec<usize> = (0..columns.len())
                .filter(|&j| {
                    let c = self.cand(&columns[j]);
                    c.slot.site != site
                        && c.slot.start.0 >= end
                        && c.slot.start.0 < end + problem.leg(p, site, c.slot.site).0
                })
                .collect();
            let meetings: BTreeSet<usize> = ending
                .iter()
                .chain(&late)
                .map(|&i| columns[i].meeting)
                .collect();
            if late.is_empty() || meetings.len() < 2 {
                continue;
            }
            let sum: Expression = ending.iter().chain(&late).map(|&i| columns[i].x).sum();
            self.rows.push(constraint!(sum <= 1));
        }
    }

    /// A site holds one meeting at a time.
    fn sites(&mut self) {
        let mut by: BTreeMap<(usize, usize), Vec<Column>> = BTreeMap::new();
        for columns in &self.x {
            for col in columns {
                let slot = self.cand(col).slot;
                by.entry((slot.site, slot.day)).or_default().push(*col);
            }
        }
        for columns in by.into_values() {
            self.cliques(&columns);
        }
    }

    /// One meeting of a group per period, or its least spacing.
    fn spacing(&mut self, problem: &Problem<'_>) {
        let mut by_group: BTreeMap<usize, Vec<Column>> = BTreeMap::new();
        for columns in &self.x {
            for col in columns {
                by_group
                    .entry(problem.meetings()[col.meeting].group)
                    .or_default()
                    .push(*col);
            }
        }
        for (g, columns) in by_group {
            match problem.groups()[g].spacing {
                Spacing::OnePerPeriod => {
                    let mut by_period: BTreeMap<usize, Vec<Column>> = BTreeMap::new();
                    for col in columns {
                        let period = problem.days()[self.cand(&col).slot.day].period;
                        by_period.entry(period).or_default().push(col);
                    }
                    for cols in by_period.into_values() {
                        let meetings: BTreeSet<usize> = cols.iter().map(|c| c.meeting).collect();
                        if meetings.len() >= 2 {
                            let sum: Expression = cols.iter().map(|c| c.x).sum();
                            self.rows.push(constraint!(sum <= 1));
                        }
                    }
                }
                Spacing::MinDays(d) => {
                    let mut days: Vec<usize> =
                        columns.iter().map(|c| self.cand(c).slot.day).collect();
                    days.sort_unstable();
                    days.dedup();
                    let mut last: Vec<usize> = Vec::new();
                    for first in days {
                        let inside: Vec<usize> = (0..columns.len())
                            .filter(|&i| {
                                let day = self.cand(&columns[i]).slot.day;
                                first <= day && day < first + d as usize
                            })
                            .collect();
                        let meetings: BTreeSet<usize> =
                            inside.iter().map(|&i| columns[i].meeting).collect();
                        if meetings.len() < 2 || inside.iter().all(|i| last.contains(i)) {
                            continue;
                        }
                        let sum: Expression = inside.iter().map(|&i| columns[i].x).sum();
                        self.rows.push(constraint!(sum <= 1));
                        last = inside;
                    }
                }
            }
        }
    }

    /// Driving: `go[p, day, half, site]` is 1 when person `p` (with a base) attends a meeting
    /// there, and costs her round trip, unless a meeting kept already takes her there; a
    /// half-day in several communes costs each commune beyond the first.
    fn driving(&mut self, problem: &Problem<'_>) {
        let w = problem.weights();
        // What the kept meetings already make each person drive.
        let mut kept_sites: BTreeSet<(usize, usize, usize, usize)> = BTreeSet::new();
        let mut kept_communes: BTreeMap<(usize, usize, usize), BTreeSet<usize>> = BTreeMap::new();
        for (m, slot) in self.fixed.slots.iter().enumerate() {
            let Some(slot) = slot else { continue };
            let cand = super::candidates::at(problem, m, *slot);
            for (i, member) in problem.group_of(m).members.iter().enumerate() {
                if cand.has(i) && problem.people()[member.person].base.is_some() {
                    let half = cand.half();
                    kept_sites.insert((member.person, slot.day, half, slot.site));
                    kept_communes
                        .entry((member.person, slot.day, half))
                        .or_default()
                        .insert(problem.sites()[slot.site].commune);
                }
            }
        }
        // Per (person, day, half, site): per meeting, its columns.
        let mut goes: Goes = BTreeMap::new();
        for columns in &self.x {
            for col in columns {
                let cand = self.cand(col);
                for (i, member) in problem.group_of(col.meeting).members.iter().enumerate() {
                    if cand.has(i) && problem.people()[member.person].base.is_some() {
                        let key = (member.person, cand.slot.day, cand.half(), cand.slot.site);
                        goes.entry(key)
                            .or_default()
                            .entry(col.meeting)
                            .or_default()
                            .push(col.x);
                    }
                }
            }
        }
        let mut halves: BTreeMap<(usize, usize, usize), BTreeMap<usize, Vec<Variable>>> =
            BTreeMap::new();
        for ((p, day, half, site), per_meeting) in goes {
            if kept_sites.contains(&(p, day, half, site)) {
                continue;
            }
            let go = self.vars.add(variable().min(0.0).max(1.0));
            let round_trip = problem.round_trip(p, site).0 * w.driving_per_minute;
            self.objective += round_trip as f64 * go;
            for xs in per_meeting.values() {
                let sum: Expression = xs.iter().copied().sum();
                self.rows.push(constraint!(sum <= go));
            }
            let commune = problem.sites()[site].commune;
            halves
                .entry((p, day, half))
                .or_default()
                .entry(commune)
                .or_default()
                .push(go);
        }
        for (key, communes) in halves {
            let kept = kept_communes.get(&key);
            let new: Vec<&Vec<Variable>> = communes
                .iter()
                .filter(|(c, _)| !kept.is_some_and(|k| k.contains(c)))
                .map(|(_, goes)| goes)
                .collect();
            let already = kept.map_or(0, |k| k.len());
            if new.len() + already < 2 || new.is_empty() {
                continue;
            }
            let extra = self.vars.add(variable().min(0.0));
            self.objective += w.communes as f64 * extra;
            let mut total = Expression::from(already as f64 - 1.0);
            for goes in new {
                let z = self.vars.add(variable().min(0.0).max(1.0));
                for &go in goes {
                    self.rows.push(constraint!(go <= z));
                }
                total += z;
            }
            self.rows.push(constraint!(total <= extra));
        }
    }
}

/// The kept meetings' slots with the chosen ones, the proven gap, the stop reason and the
/// model's size (candidates, columns, rows).
pub(super) fn solve(
    problem: &Problem<'_>,
    fixed: &Fixed,
    params: &Params<'_>,
) -> (Vec<Option<Slot>>, f64, StopReason, (usize, usize, usize)) {
    let deadline = Deadline::start(&params.limits);
    let candidates: usize = fixed.candidates.iter().map(Vec::len).sum();
    if candidates == 0 {
        return (fixed.slots.clone(), 0.0, StopReason::Optimal, (0, 0, 0));
    }
    let mut model = Model::new(problem, fixed);
    model.once_each();
    model.people(problem);
    model.sites();
    model.spacing(problem);
    model.driving(problem);
    let Model {
        vars,
        x,
        objective,
        rows,
        ..
    } = model;
    let size = (candidates, vars.len(), rows.len());
    let settings = MilpSettings::new(params.seed).with_rel_gap(super::REL_GAP);
    let outcome = milp::solve(
        vars,
        milp::Objective::Minimise(objective),
        rows,
        &settings,
        &deadline,
    );
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            debug_assert!(false, "BUG: HiGHS failed on the meetings model: {e}");
            let slots = super::baseline::around(problem, fixed);
            return (slots, f64::INFINITY, StopReason::Failed, size);
        }
    };
    let Some(solution) = outcome.solution else {
        let slots = super::baseline::around(problem, fixed);
        return (slots, f64::INFINITY, outcome.stop, size);
    };
    let mut slots = fixed.slots.clone();
    for columns in &x {
        if let Some(col) = columns.iter().find(|c| milp::is_chosen(&solution, c.x)) {
            slots[col.meeting] = Some(fixed.candidates[col.meeting][col.candidate].slot);
        }
    }
    (slots, solution.gap, outcome.stop, size)
}
