//! The workshops MILP: one binary per option of each action (`y`: a group opens there), one per
//! orientation and option her child may join (`x`), one slack per orientation left (`left`),
//! one per pair of siblings split (`split`) and per planned group or enrolment of the previous
//! plan that moved (`moved`).
//!
//! Rows, one function each: every orientation in one group or left; a child only in an open
//! group, a group between its least and most children; a facilitator, a site and a child in
//! one session at a time (cliques of each day's sessions, duplicates dropped), a facilitator in
//! time for her next session elsewhere; siblings split; what moved. The children no option can
//! take cost a column fixed at 1, so that the gap is relative to the plan's whole cost; HiGHS
//! starts from the greedy plan (`greedy`), its first incumbent.

use std::collections::{BTreeMap, BTreeSet};

use good_lp::{Constraint, Expression, ProblemVariables, Variable, constraint, variable};

use super::{Group, Problem};
use crate::limits::{Deadline, Params, StopReason};
use crate::milp::{self, MilpSettings};

/// A session of a column: its day, start, end and site.
#[derive(Clone, Copy)]
struct Session {
    column: usize,
    day: usize,
    start: i64,
    end: i64,
    site: usize,
}

struct Model {
    /// Per action: whether it is in this model (a part of the problem, alone).
    part: Vec<bool>,
    vars: ProblemVariables,
    /// Every binary by column id.
    columns: Vec<Variable>,
    /// Per action, per option: its `y` column, if the option is in the model.
    y: Vec<Vec<Option<usize>>>,
    /// Per orientation: (option, `x` column).
    x: Vec<Vec<(usize, usize)>>,
    objective: Expression,
    rows: Vec<Constraint>,
    /// Rows already written, by their sorted columns.
    written: BTreeSet<Vec<usize>>,
    /// Per orientation: her `left` slack, when she may be left.
    left: Vec<Option<Variable>>,
    /// Each pair of siblings' `split`, with the pair.
    splits: Vec<(Variable, usize, usize)>,
    /// Each `moved` of a planned group (its `y` column) or enrolment (its `x` column).
    moved: Vec<(Variable, usize)>,
    /// The column fixed at 1 that carries the cost of the children no option can take.
    fixed: Option<Variable>,
}

impl Model {
    fn binary(&mut self) -> usize {
        let v = self.vars.add(variable().binary());
        self.columns.push(v);
        self.columns.len() - 1
    }

    /// The model of the actions of `part` (per action, whether it is in), alone.
    fn new(problem: &Problem<'_>, part: &[bool]) -> Model {
        let mut m = Model {
            part: part.to_vec(),
            vars: ProblemVariables::new(),
            columns: Vec::new(),
            y: Vec::new(),
            x: vec![Vec::new(); problem.orientations().len()],
            objective: Expression::from(0.0),
            rows: Vec::new(),
            written: BTreeSet::new(),
            left: vec![None; problem.orientations().len()],
            splits: Vec::new(),
            moved: Vec::new(),
            fixed: None,
        };
        for (a, &inside) in part.iter().enumerate() {
            let mut ys = Vec::new();
            for slot in problem.options(a) {
                if !inside {
                    ys.push(None);
                    continue;
                }
                let id = m.binary();
                let (travel, outside) = problem.group_cost(a, slot);
                m.objective += (travel + outside) as f64 * m.columns[id];
                ys.push(Some(id));
            }
            m.y.push(ys);
        }
        for (o, or) in problem.orientations().iter().enumerate() {
            let a = or.action;
            if !part[a] {
                continue;
            }
            for (k, slot) in problem.options(a).iter().enumerate() {
                // A child of a running group stays in it; a running group takes no one new.
                let in_running = or.kept.filter(|&k| problem.kept()[k].exact);
                let allowed = match (running(problem, a, slot), in_running) {
                    (Some(kept), _) => or.kept == Some(kept),
                    (None, Some(_)) => false,
                    (None, None) => problem.may_join(o, slot),
                };
                if !allowed {
                    continue;
                }
                let id = m.binary();
                m.objective += problem.enrolment_cost(o, slot) as f64 * m.columns[id];
                m.x[o].push((k, id));
            }
        }
        m
    }

    fn var(&self, id: usize) -> Variable {
        self.columns[id]
    }

    /// A row `sum of columns <= 1`, unless written already.
    fn at_most_one(&mut self, mut ids: Vec<usize>) {
        ids.sort_unstable();
        ids.dedup();
        if ids.len() < 2 || !self.written.insert(ids.clone()) {
            return;
        }
        let sum: Expression = ids.iter().map(|&i| self.columns[i]).sum();
        self.rows.push(constraint!(sum <= 1));
    }

    /// Every orientation in one group, or left at her cost; a running group's children stay.
    fn once_each(&mut self, problem: &Problem<'_>) {
        let mut out_of_reach = 0;
        for o in 0..problem.orientations().len() {
            if !self.part[problem.orientations()[o].action] {
                continue;
            }
            if self.x[o].is_empty() {
                out_of_reach += problem.not_enrolled_cost(o);
                continue;
            }
            let sum: Expression = self.x[o].iter().map(|&(_, id)| self.columns[id]).sum();
            let stays = problem.orientations()[o]
                .kept
                .is_some_and(|k| problem.kept()[k].exact);
            if stays {
                self.rows.push(constraint!(sum == 1));
            } else {
                let left = self.vars.add(variable().min(0.0).max(1.0));
                self.left[o] = Some(left);
                self.objective += problem.not_enrolled_cost(o) as f64 * left;
                self.rows.push(constraint!(sum + left == 1));
            }
        }
        // The children no group can take cost the plan all the same: a column fixed at 1
        // carries their cost, so that the gap HiGHS proves is relative to the plan's whole cost.
        if out_of_reach > 0 {
            let one = self.vars.add(variable().min(1.0).max(1.0));
            self.objective += out_of_reach as f64 * one;
            self.fixed = Some(one);
        }
    }

    /// A child only in an open group; a group between its least and most children; a running
    /// group open.
    fn groups(&mut self, problem: &Problem<'_>) {
        let mut members: Vec<Vec<Vec<usize>>> = (0..problem.actions().len())
            .map(|a| vec![Vec::new(); problem.options(a).len()])
            .collect();
        for (o, xs) in self.x.iter().enumerate() {
            let a = problem.orientations()[o].action;
            for &(k, id) in xs {
                members[a][k].push(id);
            }
        }
        for (a, per_option) in members.into_iter().enumerate() {
            let (min, max) = problem.actions()[a].size;
            for (k, ids) in per_option.into_iter().enumerate() {
                let Some(yid) = self.y[a][k] else { continue };
                let y = self.var(yid);
                let slot = &problem.options(a)[k];
                if running(problem, a, slot).is_some() {
                    self.rows.push(constraint!(y == 1));
                    for &id in &ids {
                        let x = self.var(id);
                        self.rows.push(constraint!(x <= y));
                    }
                    continue;
                }
                if ids.len() < min as usize {
                    self.rows.push(constraint!(y == 0));
                    continue;
                }
                for &id in &ids {
                    let x = self.var(id);
                    self.rows.push(constraint!(x <= y));
                }
                let sum: Expression = ids.iter().map(|&i| self.columns[i]).sum();
                self.rows
                    .push(constraint!(sum.clone() <= f64::from(max) * y));
                self.rows.push(constraint!(sum >= f64::from(min) * y));
            }
        }
    }

    /// At each start of a day's sessions, those covering it exclude one another.
    fn cliques(&mut self, sessions: &[Session]) {
        let mut by_day: BTreeMap<usize, Vec<Session>> = BTreeMap::new();
        for s in sessions {
            by_day.entry(s.day).or_default().push(*s);
        }
        for list in by_day.values() {
            let mut starts: Vec<i64> = list.iter().map(|s| s.start).collect();
            starts.sort_unstable();
            starts.dedup();
            for t in starts {
                let covering: Vec<usize> = list
                    .iter()
                    .filter(|s| s.start <= t && t < s.end)
                    .map(|s| s.column)
                    .collect();
                self.at_most_one(covering);
            }
        }
    }

    /// A facilitator who drives reaches her next session elsewhere in time: those ending at a
    /// site at one time and those starting elsewhere before she can get there exclude one
    /// another.
    fn travel(&mut self, problem: &Problem<'_>, p: usize, sessions: &[Session]) {
        let mut by_day: BTreeMap<usize, Vec<Session>> = BTreeMap::new();
        for s in sessions {
            by_day.entry(s.day).or_default().push(*s);
        }
        for list in by_day.values() {
            let mut ends: BTreeMap<(usize, i64), Vec<usize>> = BTreeMap::new();
            for s in list {
                ends.entry((s.site, s.end)).or_default().push(s.column);
            }
            for ((site, end), ending) in ends {
                let late: Vec<usize> = list
                    .iter()
                    .filter(|s| {
                        s.site != site
                            && s.start >= end
                            && s.start < end + problem.leg(p, site, s.site).0
                    })
                    .map(|s| s.column)
                    .collect();
                if late.is_empty() {
                    continue;
                }
                self.at_most_one(ending.into_iter().chain(late).collect());
            }
        }
    }

    /// Facilitators, sites and children in one session at a time.
    fn overlaps(&mut self, problem: &Problem<'_>) {
        let mut by_person: BTreeMap<usize, Vec<Session>> = BTreeMap::new();
        let mut by_site: BTreeMap<usize, Vec<Session>> = BTreeMap::new();
        for (a, ys) in self.y.iter().enumerate() {
            let action = &problem.actions()[a];
            for (k, y) in ys.iter().enumerate() {
                let Some(column) = *y else { continue };
                let slot = &problem.options(a)[k];
                for &day in &slot.days {
                    let s = Session {
                        column,
                        day,
                        start: slot.start.0,
                        end: (slot.start + action.duration).0,
                        site: slot.site,
                    };
                    by_person.entry(action.facilitator).or_default().push(s);
                    by_site.entry(slot.site).or_default().push(s);
                }
            }
        }
        let mut by_child: BTreeMap<usize, Vec<Session>> = BTreeMap::new();
        let mut orientations_of: BTreeMap<usize, usize> = BTreeMap::new();
        for or in problem.orientations() {
            *orientations_of.entry(or.child).or_default() += 1;
        }
        for (o, xs) in self.x.iter().enumerate() {
            let or = problem.orientations()[o];
            if orientations_of[&or.child] < 2 {
                continue;
            }
            let duration = problem.actions()[or.action].duration;
            for &(k, column) in xs {
                let slot = &problem.options(or.action)[k];
                for &day in &slot.days {
                    by_child.entry(or.child).or_default().push(Session {
                        column,
                        day,
                        start: slot.start.0,
                        end: (slot.start + duration).0,
                        site: slot.site,
                    });
                }
            }
        }
        for (p, sessions) in by_person {
            self.cliques(&sessions);
            if problem.people()[p].base.is_some() {
                self.travel(problem, p, &sessions);
            }
        }
        for sessions in by_site.into_values() {
            self.cliques(&sessions);
        }
        for sessions in by_child.into_values() {
            self.cliques(&sessions);
        }
    }

    /// Each pair of siblings not in the same group costs [`super::Weights::siblings_split`].
    fn siblings(&mut self, problem: &Problem<'_>) {
        let w = problem.weights().siblings_split as f64;
        for (a, b) in problem.sibling_pairs() {
            if self.x[a].is_empty() && self.x[b].is_empty() {
                continue;
            }
            let split = self.vars.add(variable().min(0.0));
            self.splits.push((split, a, b));
            self.objective += w * split;
            let of =
                |xs: &[(usize, usize)]| -> BTreeMap<usize, usize> { xs.iter().copied().collect() };
            let (xa, xb) = (of(&self.x[a]), of(&self.x[b]));
            let options: BTreeSet<usize> = xa.keys().chain(xb.keys()).copied().collect();
            for k in options {
                let ea: Expression = xa
                    .get(&k)
                    .map_or(Expression::from(0.0), |&id| self.columns[id].into());
                let eb: Expression = xb
                    .get(&k)
                    .map_or(Expression::from(0.0), |&id| self.columns[id].into());
                self.rows
                    .push(constraint!(ea.clone() - eb.clone() <= split));
                self.rows.push(constraint!(eb - ea <= split));
            }
        }
    }

    /// A planned group of the previous plan, or a child's enrolment in it, that moved costs
    /// [`super::Weights::moved`].
    fn moved(&mut self, problem: &Problem<'_>) {
        let w = problem.weights().moved as f64;
        for kept in problem.kept().iter().filter(|k| !k.exact) {
            let Some(k) = problem
                .options(kept.action)
                .iter()
                .position(|s| *s == kept.slot)
            else {
                continue;
            };
            let Some(yid) = self.y[kept.action][k] else {
                continue;
            };
            let y = self.var(yid);
            let moved = self.vars.add(variable().min(0.0));
            self.moved.push((moved, yid));
            self.objective += w * moved;
            self.rows.push(constraint!(moved + y >= 1));
        }
        for (o, or) in problem.orientations().iter().enumerate() {
            let Some(kept) = or.kept.map(|k| &problem.kept()[k]) else {
                continue;
            };
            if kept.exact {
                continue;
            }
            let Some(k) = problem
                .options(or.action)
                .iter()
                .position(|s| *s == kept.slot)
            else {
                continue;
            };
            let Some(&(_, id)) = self.x[o].iter().find(|&&(opt, _)| opt == k) else {
                continue;
            };
            let x = self.var(id);
            let moved = self.vars.add(variable().min(0.0));
            self.moved.push((moved, id));
            self.objective += w * moved;
            self.rows.push(constraint!(moved + x >= 1));
        }
    }
}

impl Model {
    /// The values of every variable for `groups` (the greedy ones): HiGHS's start. `None` when
    /// a group or enrolment has no column (it would not be a solution of the model).
    fn start(&self, problem: &Problem<'_>, groups: &[Group]) -> Option<Vec<(Variable, f64)>> {
        let mut chosen = vec![false; self.columns.len()];
        // Per orientation: the option she is in.
        let mut option_of: Vec<Option<usize>> = vec![None; problem.orientations().len()];
        for g in groups {
            let k = problem
                .options(g.action)
                .iter()
                .position(|s| *s == g.slot)?;
            chosen[self.y[g.action][k]?] = true;
            for &o in &g.orientations {
                let &(_, id) = self.x[o].iter().find(|&&(opt, _)| opt == k)?;
                chosen[id] = true;
                option_of[o] = Some(k);
            }
        }
        let mut start: Vec<(Variable, f64)> = self
            .columns
            .iter()
            .zip(&chosen)
            .map(|(&v, &c)| (v, if c { 1.0 } else { 0.0 }))
            .collect();
        for (o, left) in self.left.iter().enumerate() {
            if let Some(left) = left {
                start.push((*left, if option_of[o].is_some() { 0.0 } else { 1.0 }));
            }
        }
        for &(split, a, b) in &self.splits {
            let apart = option_of[a] != option_of[b];
            start.push((split, if apart { 1.0 } else { 0.0 }));
        }
        for &(moved, id) in &self.moved {
            start.push((moved, if chosen[id] { 0.0 } else { 1.0 }));
        }
        start.extend(self.fixed.map(|one| (one, 1.0)));
        Some(start)
    }
}

/// The kept running group at `slot` of action `a`, if it is one.
pub(super) fn running(problem: &Problem<'_>, a: usize, slot: &super::GroupSlot) -> Option<usize> {
    problem
        .kept()
        .iter()
        .position(|k| k.exact && k.action == a && k.slot == *slot)
}

/// The parts of `problem` that share nothing: no facilitator, no site, no child. Each is a
/// list of actions, ascending; the parts in the order of their first action.
fn parts(problem: &Problem<'_>) -> Vec<Vec<usize>> {
    let n = problem.actions().len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut a: usize) -> usize {
        while parent[a] != a {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        a
    }
    let join = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    let mut by_person: BTreeMap<usize, usize> = BTreeMap::new();
    let mut by_site: BTreeMap<usize, usize> = BTreeMap::new();
    for (a, action) in problem.actions().iter().enumerate() {
        if let Some(&b) = by_person.get(&action.facilitator) {
            join(&mut parent, a, b);
        }
        by_person.insert(action.facilitator, a);
        for &s in &action.sites {
            if let Some(&b) = by_site.get(&s) {
                join(&mut parent, a, b);
            }
            by_site.insert(s, a);
        }
    }
    let mut by_child: BTreeMap<usize, usize> = BTreeMap::new();
    for or in problem.orientations() {
        if let Some(&b) = by_child.get(&or.child) {
            join(&mut parent, or.action, b);
        }
        by_child.insert(or.child, or.action);
    }
    let mut parts: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for a in 0..n {
        let r = root(&mut parent, a);
        parts.entry(r).or_default().push(a);
    }
    parts.into_values().collect()
}

/// The groups chosen, the proven gap, the stop reason and the model's size (columns, rows).
///
/// The parts that share nothing ([`parts`]) are solved one after the other, the smallest first,
/// each in a share of the time left as large as its share of the options and enrolments left: their costs add up,
/// so the plan is the best of each, and the gap of the whole is no larger than the largest of
/// theirs. HiGHS starts each from the greedy plan's groups of its actions.
pub(super) fn solve(
    problem: &Problem<'_>,
    params: &Params<'_>,
) -> (Vec<Group>, f64, StopReason, (usize, usize)) {
    let deadline = Deadline::start(&params.limits);
    let greedy = super::greedy::groups(problem, Some(&deadline));
    let mut parts = parts(problem);
    let weight = |part: &[usize]| -> usize {
        part.iter()
            .map(|&a| {
                let oriented = problem
                    .orientations()
                    .iter()
                    .filter(|o| o.action == a)
                    .count();
                problem.options(a).len() * (1 + oriented)
            })
            .sum::<usize>()
            .max(1)
    };
    // The smallest first: what they leave of their share goes to the larger ones.
    parts.sort_by_key(|p| (weight(p), p[0]));
    let mut weight_left: usize = parts.iter().map(|p| weight(p)).sum();
    let (mut groups, mut size) = (Vec::new(), (0, 0));
    let mut stop = StopReason::Optimal;
    let (mut cost, mut unproved) = (0.0, 0.0);
    for part in &parts {
        let w = weight(part);
        let share = deadline.share(w as f64 / weight_left.max(1) as f64);
        weight_left -= w;
        let mut inside = vec![false; problem.actions().len()];
        for &a in part {
            inside[a] = true;
        }
        let start: Vec<Group> = greedy
            .iter()
            .filter(|g| inside[g.action])
            .cloned()
            .collect();
        let solved = solve_part(problem, params.seed, &inside, start, &share);
        groups.extend(solved.groups);
        size = (size.0 + solved.size.0, size.1 + solved.size.1);
        if solved.stop != StopReason::Optimal {
            stop = solved.stop;
        }
        if solved.gap.is_finite() {
            cost += solved.objective;
            unproved += solved.objective * solved.gap;
        } else {
            unproved = f64::INFINITY;
        }
    }
    let gap = if unproved.is_infinite() {
        f64::INFINITY
    } else if cost > 0.0 {
        unproved / cost
    } else {
        0.0
    };
    (groups, gap, stop, size)
}

/// What the MILP of one part gives.
struct PartSolution {
    groups: Vec<Group>,
    gap: f64,
    stop: StopReason,
    size: (usize, usize),
    /// Its objective (HiGHS's, or the start's when HiGHS gives none).
    objective: f64,
}

/// The MILP of the actions `inside`, started from `start` (the greedy groups of those actions),
/// within `deadline`.
fn solve_part(
    problem: &Problem<'_>,
    seed: u64,
    inside: &[bool],
    start: Vec<Group>,
    deadline: &Deadline,
) -> PartSolution {
    let mut model = Model::new(problem, inside);
    if model.columns.is_empty() {
        return PartSolution {
            groups: Vec::new(),
            gap: 0.0,
            stop: StopReason::Optimal,
            size: (0, 0),
            objective: 0.0,
        };
    }
    model.once_each(problem);
    model.groups(problem);
    model.overlaps(problem);
    model.siblings(problem);
    model.moved(problem);
    let values = model.start(problem, &start).unwrap_or_default();
    debug_assert!(
        !values.is_empty(),
        "BUG: the greedy groups are not a solution of the model"
    );
    let Model {
        vars,
        columns,
        y,
        x,
        objective,
        rows,
        ..
    } = model;
    let size = (vars.len(), rows.len());
    let settings = MilpSettings::new(seed).with_rel_gap(super::REL_GAP);
    let outcome = milp::solve_from(
        vars,
        milp::Objective::Minimise(objective),
        rows,
        &settings,
        deadline,
        &values,
    );
    let unsolved = |stop| PartSolution {
        groups: start.clone(),
        gap: f64::INFINITY,
        stop,
        size,
        objective: 0.0,
    };
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => {
            debug_assert!(false, "BUG: HiGHS failed on the workshops model: {e}");
            return unsolved(StopReason::Failed);
        }
    };
    let Some(solution) = outcome.solution else {
        return unsolved(outcome.stop);
    };
    let mut groups = Vec::new();
    let mut index: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (a, ys) in y.iter().enumerate() {
        for (k, yid) in ys.iter().enumerate() {
            if yid.is_some_and(|id| milp::is_chosen(&solution, columns[id])) {
                index.insert((a, k), groups.len());
                groups.push(Group {
                    action: a,
                    slot: problem.options(a)[k].clone(),
                    orientations: Vec::new(),
                });
            }
        }
    }
    for (o, xs) in x.iter().enumerate() {
        let a = problem.orientations()[o].action;
        let chosen = xs
            .iter()
            .find(|&&(_, id)| milp::is_chosen(&solution, columns[id]));
        if let Some(&g) = chosen.and_then(|&(k, _)| index.get(&(a, k))) {
            groups[g].orientations.push(o);
        }
    }
    PartSolution {
        groups,
        gap: solution.gap,
        stop: outcome.stop,
        size,
        objective: solution.objective,
    }
}
