//! The assignment MILP: one function per constraint family (good_lp's
//! `resource_allocation_problem.rs`).
//!
//! Variables: `x[f]` holds one binary per référent allowed to follow family `f` (hard rules
//! applied by leaving the others out); `left[f]` is 1 when `f` stays without a référent
//! (families that may stay with their current référent have none); `mean` is the team's load relative to its working time and `z`
//! the largest deviation from it, both in percentage points.

use good_lp::{Expression, ProblemVariables, Variable, constraint, variable};

use super::Problem;
use crate::limits::{Deadline, Params, StopReason};
use crate::milp::{self, MilpSettings};

/// Cost of leaving a family without a référent, hundredths of a minute a month: a hundred
/// thousand minutes, more than any travel, continuity or balance cost can outweigh.
pub(super) const UNASSIGNED_COST: i64 = 10_000_000;

/// Cost of each family a référent follows above her maximum caseload, hundredths of a minute a
/// month: more than leaving a new family without a référent, so that an over-loaded référent
/// takes no new family, and far more than any continuity, so that she hands over every family
/// a colleague may take. Families she followed already stay with her otherwise (they have no
/// way to be left out).
pub(super) const OVERLOAD_COST: i64 = 2 * UNASSIGNED_COST;

struct Model {
    vars: ProblemVariables,
    /// Per family: (référent, binary).
    x: Vec<Vec<(usize, Variable)>>,
    /// Per family: left without a référent (`None` for families that may stay with their
    /// current référent, which keep one, and for those without a candidate).
    left: Vec<Option<Variable>>,
    /// Per référent: families above her maximum caseload.
    over: Vec<Variable>,
    mean: Variable,
    z: Variable,
}

impl Model {
    fn new(problem: &Problem) -> Model {
        let mut vars = ProblemVariables::new();
        let (nr, nf) = (problem.referents().len(), problem.families().len());
        let mut x = Vec::with_capacity(nf);
        let mut left = Vec::with_capacity(nf);
        for f in 0..nf {
            let candidates: Vec<(usize, Variable)> = (0..nr)
                .filter(|&r| problem.may_follow(r, f))
                .map(|r| (r, vars.add(variable().binary())))
                .collect();
            let slack = (!candidates.is_empty() && !problem.may_stay(f))
                .then(|| vars.add(variable().min(0.0).max(1.0)));
            x.push(candidates);
            left.push(slack);
        }
        let over = (0..nr).map(|_| vars.add(variable().min(0.0))).collect();
        let mean = vars.add(variable().min(0.0));
        let z = vars.add(variable().min(0.0));
        Model {
            vars,
            x,
            left,
            over,
            mean,
            z,
        }
    }

    /// Travel, continuity and sector costs of each choice, the penalty of each family left
    /// without a référent, and the balance cost of the largest deviation.
    fn objective(&self, problem: &Problem) -> Expression {
        let mut objective = Expression::from(0.0);
        for (f, candidates) in self.x.iter().enumerate() {
            for &(r, x) in candidates {
                let cost =
                    problem.travel(r, f) + problem.change_cost(r, f) + problem.sector_cost(r, f);
                objective += cost as f64 * x;
            }
            if let Some(left) = self.left[f] {
                objective += UNASSIGNED_COST as f64 * left;
            }
        }
        for &over in &self.over {
            objective += OVERLOAD_COST as f64 * over;
        }
        let per_point = 100.0 * problem.weights().balance_per_point as f64;
        objective + per_point * self.z
    }

    /// Every family with a candidate gets exactly one référent, or is left out.
    fn one_referent_each(&self) -> Vec<good_lp::Constraint> {
        self.x
            .iter()
            .zip(&self.left)
            .filter(|(candidates, _)| !candidates.is_empty())
            .map(|(candidates, left)| {
                let mut chosen: Expression = candidates.iter().map(|&(_, x)| x).sum();
                if let Some(left) = left {
                    chosen += *left;
                }
                constraint!(chosen == 1)
            })
            .collect()
    }

    /// A référent follows at most her capacity ([`Problem::capacity`]); `over` counts the
    /// families above her maximum caseload.
    fn caseload(&self, problem: &Problem) -> Vec<good_lp::Constraint> {
        let mut per_referent: Vec<Expression> =
            vec![Expression::from(0.0); problem.referents().len()];
        for candidates in &self.x {
            for &(r, x) in candidates {
                per_referent[r] += x;
            }
        }
        let mut rows = Vec::new();
        for (r, families) in per_referent.into_iter().enumerate() {
            let max = f64::from(problem.referents()[r].max_caseload);
            rows.push(constraint!(families.clone() - self.over[r] <= max));
            rows.push(constraint!(families <= f64::from(problem.capacity(r))));
        }
        rows
    }

    /// Each référent's load relative to her working time stays within `z` points of the
    /// team's `mean`.
    fn balance(&self, problem: &Problem) -> Vec<good_lp::Constraint> {
        let nr = problem.referents().len();
        let mut load: Vec<Expression> = vec![Expression::from(0.0); nr];
        let mut total = Expression::from(0.0);
        for (f, candidates) in self.x.iter().enumerate() {
            for &(r, x) in candidates {
                let l = problem.load(r, f) as f64;
                load[r] += l * x;
                total += l * x;
            }
        }
        let total_w: i64 = problem.referents().iter().map(|r| r.monthly_minutes).sum();
        let mut rows = Vec::new();
        if total_w == 0 {
            return rows;
        }
        rows.push(constraint!(total_w as f64 * self.mean == total));
        for (r, referent) in problem.referents().iter().enumerate() {
            if referent.monthly_minutes <= 0 {
                continue;
            }
            let points = load[r].clone() * (1.0 / referent.monthly_minutes as f64);
            rows.push(constraint!(points.clone() - self.mean <= self.z));
            rows.push(constraint!(self.mean - points <= self.z));
        }
        rows
    }
}

/// Who follows whom today, where the hard rules allow it: the assignment when the MILP gives
/// none.
pub(super) fn today(problem: &Problem) -> Vec<Option<usize>> {
    problem
        .families()
        .iter()
        .enumerate()
        .map(|(f, family)| {
            family
                .current
                .map(|c| c.referent)
                .filter(|&r| problem.may_follow(r, f))
        })
        .collect()
}

/// Builds and solves the model: the référent of each family, the proven gap, the stop reason.
pub(super) fn solve(
    problem: &Problem,
    params: &Params<'_>,
) -> Result<(Vec<Option<usize>>, f64, StopReason), milp::MilpError> {
    let deadline = Deadline::start(&params.limits);
    let model = Model::new(problem);
    let objective = model.objective(problem);
    let mut rows = model.one_referent_each();
    rows.extend(model.caseload(problem));
    rows.extend(model.balance(problem));
    let Model { vars, x, .. } = model;
    let settings = MilpSettings::new(params.seed).with_rel_gap(super::REL_GAP);
    let outcome = milp::solve(
        vars,
        milp::Objective::Minimise(objective),
        rows,
        &settings,
        &deadline,
    )?;
    let Some(solution) = outcome.solution else {
        // No incumbent (time limit before the first, or cancelled): keep who follows whom
        // today where the hard rules allow it.
        return Ok((today(problem), f64::INFINITY, outcome.stop));
    };
    let assignment = x
        .iter()
        .map(|candidates| {
            candidates
                .iter()
                .find(|&&(_, x)| milp::is_chosen(&solution, x))
                .map(|&(r, _)| r)
        })
        .collect();
    Ok((assignment, solution.gap, outcome.stop))
}
