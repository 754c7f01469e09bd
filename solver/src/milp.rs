//! The one place that configures and runs HiGHS, through `good_lp` (STYLE.md §7).
//!
//! Models (`assign/`, `meetings/`, …) build a `good_lp`
//! [`UnsolvedProblem`](good_lp::variable::UnsolvedProblem) and their constraints, then call
//! [`solve`]. This module sets HiGHS to one thread, a fixed random seed,
//! the remaining time budget as its time limit and the requested relative gap, silences its
//! output, and maps the outcome to a [`StopReason`]. With one thread and a fixed seed HiGHS is
//! deterministic unless its time limit ends the search. Values are read back with
//! [`integer_value`] and [`is_chosen`], which round once.

use good_lp::solvers::highs::HighsParallelType;
use std::collections::HashMap;

use good_lp::{Constraint, Expression, ProblemVariables, SolverModel, Variable, highs};
use highs::{HighsModelStatus, HighsSolutionStatus};

use crate::limits::{Deadline, StopReason};

/// What a MILP solve needs besides its model and deadline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MilpSettings {
    seed: u64,
    rel_gap: f64,
}

impl MilpSettings {
    /// HiGHS's own default `mip_rel_gap`: a solution is proven optimal when its objective is
    /// within 0.01 % of the best bound.
    pub const DEFAULT_REL_GAP: f64 = 1e-4;

    /// Settings with the solve's `seed` and [`DEFAULT_REL_GAP`](MilpSettings::DEFAULT_REL_GAP).
    pub fn new(seed: u64) -> MilpSettings {
        MilpSettings {
            seed,
            rel_gap: Self::DEFAULT_REL_GAP,
        }
    }

    /// The same settings with relative gap `rel_gap` (a fraction: `0.01` is 1 %): HiGHS stops
    /// and reports [`StopReason::Optimal`] once the incumbent is within it of the bound.
    pub fn with_rel_gap(self, rel_gap: f64) -> MilpSettings {
        MilpSettings { rel_gap, ..self }
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The relative gap, a fraction.
    pub fn rel_gap(&self) -> f64 {
        self.rel_gap
    }

    /// The seed folded into HiGHS's `random_seed` range, 0 to 2³¹ − 1.
    fn highs_seed(&self) -> i32 {
        let folded = (self.seed ^ (self.seed >> 32)) & 0x7fff_ffff;
        i32::try_from(folded).expect("BUG: masked to 31 bits")
    }
}

/// What a model optimises.
#[derive(Debug, Clone)]
pub enum Objective {
    /// Minimise the expression.
    Minimise(Expression),
    /// Maximise the expression.
    Maximise(Expression),
}

/// The values HiGHS found for a model's variables, with the proof it gave.
#[derive(Debug, Clone, PartialEq)]
pub struct MilpSolution {
    values: Vec<f64>,
    /// Column of each variable (good_lp keeps its own index private). Only looked up, never
    /// iterated, so its order reaches no decision.
    columns: HashMap<Variable, usize>,
    /// The objective of the solution, as HiGHS computed it.
    pub objective: f64,
    /// The relative gap HiGHS proved between the solution and its best bound: `0.001` means
    /// no solution is more than 0.1 % better. Infinite when no bound was proved.
    pub gap: f64,
}

impl MilpSolution {
    /// The value of `variable`.
    pub fn value(&self, variable: Variable) -> f64 {
        self.values[self.columns[&variable]]
    }
}

/// How a MILP solve ended.
#[derive(Debug)]
pub struct MilpOutcome {
    /// [`StopReason::Optimal`] when proven optimal within the gap, [`StopReason::TimeLimit`]
    /// when the time ran out (with or without an incumbent), [`StopReason::Infeasible`] when
    /// HiGHS proved there is no solution, [`StopReason::Cancelled`] when the cancel flag was set
    /// before the solve started.
    pub stop: StopReason,
    /// The best solution found, if any; read it with [`integer_value`] and [`is_chosen`].
    pub solution: Option<MilpSolution>,
}

/// A failure that a well-formed model never causes: these are bugs in the model-building code,
/// not infeasibility (which is an [`MilpOutcome`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MilpError {
    /// The relative gap is negative or not finite.
    #[error("invalid MIP relative gap {0}: must be a finite fraction >= 0")]
    InvalidGap(f64),
    /// The objective can improve without bound: a variable is missing a bound.
    #[error("MILP model is unbounded: a variable lacks a bound")]
    Unbounded,
    /// HiGHS reported an error (model, presolve or solve error).
    #[error("HiGHS failed: {0}")]
    Highs(String),
}

/// Solves `problem` subject to `constraints` with HiGHS, within what remains of `deadline`.
///
/// The cancel flag is checked once, before HiGHS starts; HiGHS itself then runs until it proves
/// optimality or reaches the remaining time. A deadline already past returns
/// [`StopReason::TimeLimit`] without solving.
///
/// # Errors
///
/// [`MilpError::InvalidGap`] for a bad gap in `settings`; [`MilpError::Unbounded`] and
/// [`MilpError::Highs`] for models that are wrong rather than infeasible.
pub fn solve(
    variables: ProblemVariables,
    objective: Objective,
    constraints: impl IntoIterator<Item = Constraint>,
    settings: &MilpSettings,
    deadline: &Deadline,
) -> Result<MilpOutcome, MilpError> {
    solve_from(variables, objective, constraints, settings, deadline, &[])
}

/// As [`solve`], HiGHS starting from `start`: the values of some variables (the others 0), a
/// feasible solution it takes as its first incumbent (one it finds infeasible it ignores).
///
/// # Errors
/// As [`solve`].
pub fn solve_from(
    variables: ProblemVariables,
    objective: Objective,
    constraints: impl IntoIterator<Item = Constraint>,
    settings: &MilpSettings,
    deadline: &Deadline,
    start: &[(Variable, f64)],
) -> Result<MilpOutcome, MilpError> {
    let rel_gap = settings.rel_gap;
    if !rel_gap.is_finite() || rel_gap < 0.0 {
        return Err(MilpError::InvalidGap(rel_gap));
    }
    let no_solution = |stop| {
        Ok(MilpOutcome {
            stop,
            solution: None,
        })
    };
    if deadline.is_cancelled() {
        return no_solution(StopReason::Cancelled);
    }
    let remaining = deadline.remaining();
    if remaining.is_zero() {
        return no_solution(StopReason::TimeLimit);
    }

    // good_lp builds the rows; the HiGHS model is then driven directly, so that the proven gap
    // can be read back (good_lp's own `solve` drops it).
    // Option names: https://ergo-code.github.io/HiGHS/dev/options/definitions/
    let columns: HashMap<Variable, usize> = variables
        .iter_variables_with_def()
        .enumerate()
        .map(|(column, (variable, _))| (variable, column))
        .collect();
    let problem = match objective {
        Objective::Minimise(e) => variables.minimise(e),
        Objective::Maximise(e) => variables.maximise(e),
    };
    let model = problem
        .using(highs)
        .set_threads(1)
        .set_parallel(HighsParallelType::Off)
        .with_all(constraints);
    let mut model = model
        .try_into_inner()
        .map_err(|e| MilpError::Highs(e.to_string()))?;
    fn refused(name: &'static str) -> impl Fn(highs::TrySetOptionError) -> MilpError {
        move |e| MilpError::Highs(format!("option {name}: {e:?}"))
    }
    model
        .try_set_option("random_seed", settings.highs_seed())
        .map_err(refused("random_seed"))?;
    model
        .try_set_option("mip_rel_gap", rel_gap)
        .map_err(refused("mip_rel_gap"))?;
    model
        .try_set_option("time_limit", remaining.as_secs_f64())
        .map_err(refused("time_limit"))?;
    for quiet in ["output_flag", "log_to_console"] {
        model.try_set_option(quiet, false).map_err(refused(quiet))?;
    }
    if !start.is_empty() {
        let mut values = vec![0.0; columns.len()];
        for (variable, value) in start {
            if let Some(&column) = columns.get(variable) {
                values[column] = *value;
            }
        }
        // A start HiGHS cannot take leaves it to find its own first incumbent.
        if let Err(e) = model.try_set_solution(Some(&values), None, None, None) {
            tracing::debug!(error = ?e, "HiGHS refused the start");
        }
    }

    tracing::debug!(
        remaining_s = remaining.as_secs_f64(),
        rel_gap,
        "solving MILP with HiGHS"
    );
    let solved = model
        .try_solve()
        .map_err(|e| MilpError::Highs(format!("{e:?}")))?;
    let stop = match solved.status() {
        HighsModelStatus::Optimal
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget
        | HighsModelStatus::ModelEmpty => StopReason::Optimal,
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ReachedInterrupt
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedMemoryLimit => StopReason::TimeLimit,
        HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
            return no_solution(StopReason::Infeasible);
        }
        HighsModelStatus::Unbounded => return Err(MilpError::Unbounded),
        other => return Err(MilpError::Highs(format!("{other:?}"))),
    };
    let feasible = solved.status() == HighsModelStatus::ModelEmpty
        || solved.primal_solution_status() == HighsSolutionStatus::Feasible;
    let solution = feasible.then(|| MilpSolution {
        values: solved.get_solution().columns().to_vec(),
        columns,
        objective: solved.objective_value(),
        gap: if solved.status() == HighsModelStatus::ModelEmpty {
            0.0
        } else {
            solved.mip_gap()
        },
    });
    tracing::debug!(stop = stop.key(), "MILP solved");
    Ok(MilpOutcome { stop, solution })
}

/// The value of integer or binary `variable` in `solution`, rounded to the nearest integer
/// (HiGHS returns integers within its feasibility tolerance, 1e-6 by default).
pub fn integer_value(solution: &MilpSolution, variable: Variable) -> i64 {
    // Model variables are bounded far below 2^53, so the cast is exact after rounding.
    solution.value(variable).round() as i64
}

/// Whether binary `variable` is 1 in `solution` (its value is above one half).
pub fn is_chosen(solution: &MilpSolution, variable: Variable) -> bool {
    solution.value(variable) > 0.5
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    use std::time::Duration;

    use good_lp::{Expression, ProblemVariables, constraint, variable};

    use super::*;
    use crate::limits::Limits;

    fn generous() -> Deadline {
        Deadline::start(&Limits::new(Duration::from_secs(60)))
    }

    #[test]
    fn a_knapsack_is_solved_to_its_known_optimum() {
        // Arrange: (value, weight) of each item and the capacity.
        let items = [
            (10, 5),
            (13, 6),
            (7, 3),
            (8, 4),
            (4, 2),
            (9, 5),
            (3, 1),
            (6, 4),
        ];
        let capacity = 14;
        let best_by_enumeration = (0u32..1 << items.len())
            .filter_map(|set| {
                let chosen = || {
                    items
                        .iter()
                        .enumerate()
                        .filter(move |(i, _)| set >> i & 1 == 1)
                };
                let weight: i32 = chosen().map(|(_, (_, w))| w).sum();
                (weight <= capacity).then(|| chosen().map(|(_, (v, _))| v).sum::<i32>())
            })
            .max()
            .unwrap();
        let mut vars = ProblemVariables::new();
        let picks: Vec<Variable> = items
            .iter()
            .map(|_| vars.add(variable().binary()))
            .collect();
        let value: Expression = picks.iter().zip(&items).map(|(&x, &(v, _))| v * x).sum();
        let weight: Expression = picks.iter().zip(&items).map(|(&x, &(_, w))| w * x).sum();

        // Act
        let outcome = solve(
            vars,
            Objective::Maximise(value),
            [constraint!(weight <= capacity)],
            &MilpSettings::new(1).with_rel_gap(0.0),
            &generous(),
        )
        .unwrap();

        // Assert
        assert_eq!(outcome.stop, StopReason::Optimal);
        let solution = outcome.solution.unwrap();
        let (mut got_value, mut got_weight) = (0, 0);
        for (&x, &(v, w)) in picks.iter().zip(&items) {
            if is_chosen(&solution, x) {
                got_value += v;
                got_weight += w;
            }
        }
        assert!(got_weight <= capacity);
        assert_eq!(got_value, best_by_enumeration);
    }

    #[test]
    fn an_assignment_is_solved_to_its_known_optimum() {
        // Arrange: cost[référent][family]; of the six permutations, (0→1, 1→0, 2→2) is the
        // unique cheapest, 1 + 2 + 2 = 5.
        let cost = [[4, 1, 3], [2, 0, 5], [3, 2, 2]];
        let mut vars = ProblemVariables::new();
        let x: Vec<Vec<Variable>> = (0..3)
            .map(|_| (0..3).map(|_| vars.add(variable().binary())).collect())
            .collect();
        let total: Expression = (0..3)
            .flat_map(|r| (0..3).map(move |f| (r, f)))
            .map(|(r, f)| cost[r][f] * x[r][f])
            .sum();
        let mut rows = Vec::new();
        for (i, row) in x.iter().enumerate() {
            let per_referent: Expression = row.iter().sum();
            let per_family: Expression = x.iter().map(|r| r[i]).sum();
            rows.push(constraint!(per_referent == 1));
            rows.push(constraint!(per_family == 1));
        }

        // Act
        let outcome = solve(
            vars,
            Objective::Minimise(total),
            rows,
            &MilpSettings::new(7),
            &generous(),
        )
        .unwrap();

        // Assert
        assert_eq!(outcome.stop, StopReason::Optimal);
        let solution = outcome.solution.unwrap();
        let assigned: Vec<usize> = (0..3)
            .map(|r| (0..3).find(|&f| is_chosen(&solution, x[r][f])).unwrap())
            .collect();
        assert_eq!(assigned, vec![1, 0, 2]);
        let total: i64 = (0..3)
            .flat_map(|r| (0..3).map(move |f| (r, f)))
            .map(|(r, f)| i64::from(cost[r][f]) * integer_value(&solution, x[r][f]))
            .sum();
        assert_eq!(total, 5);
    }

    #[test]
    fn an_infeasible_model_reports_infeasible_instead_of_failing() {
        let mut vars = ProblemVariables::new();
        let a = vars.add(variable().binary());
        let b = vars.add(variable().binary());
        let outcome = solve(
            vars,
            Objective::Minimise(a + b),
            [constraint!(a + b >= 3)],
            &MilpSettings::new(0),
            &generous(),
        )
        .unwrap();
        assert_eq!(outcome.stop, StopReason::Infeasible);
        assert!(outcome.solution.is_none());
    }

    #[test]
    fn a_cancelled_solve_does_not_start_highs() {
        let flag = Arc::new(AtomicBool::new(true));
        let deadline = Deadline::start(&Limits::new(Duration::from_secs(60)).with_cancel(flag));
        let mut vars = ProblemVariables::new();
        let a = vars.add(variable().binary());
        let outcome = solve(
            vars,
            Objective::Minimise(a.into()),
            [],
            &MilpSettings::new(0),
            &deadline,
        )
        .unwrap();
        assert_eq!(outcome.stop, StopReason::Cancelled);
        assert!(outcome.solution.is_none());
    }

    #[test]
    fn a_spent_time_budget_stops_before_solving() {
        let deadline = Deadline::start(&Limits::new(Duration::ZERO));
        let mut vars = ProblemVariables::new();
        let a = vars.add(variable().binary());
        let outcome = solve(
            vars,
            Objective::Minimise(a.into()),
            [],
            &MilpSettings::new(0),
            &deadline,
        )
        .unwrap();
        assert_eq!(outcome.stop, StopReason::TimeLimit);
    }

    #[test]
    fn a_negative_gap_is_a_programming_error() {
        let mut vars = ProblemVariables::new();
        let a = vars.add(variable().binary());
        let settings = MilpSettings::new(0).with_rel_gap(-0.1);
        let err = solve(
            vars,
            Objective::Minimise(a.into()),
            [],
            &settings,
            &generous(),
        )
        .unwrap_err();
        assert_eq!(err, MilpError::InvalidGap(-0.1));
    }

    #[test]
    fn every_seed_maps_into_the_highs_seed_range() {
        for seed in [0, 1, u64::MAX, 1 << 31, 0xdead_beef_cafe] {
            assert!(MilpSettings::new(seed).highs_seed() >= 0);
        }
    }
}
