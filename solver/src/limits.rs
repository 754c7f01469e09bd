//! How long a solve may run, how it reports progress, and why it stopped: [`Params`],
//! [`Limits`], [`Progress`], [`Deadline`], [`StopReason`].
//!
//! This is the only module of the solver that reads the clock (STYLE.md §2). A solve turns its
//! limit into a deterministic work budget ([`Limits::work_budget`]) and checks a wall-clock
//! [`Deadline`], computed once at entry, once per iteration (never per move) as a guard only
//! (STYLE.md §8). The same input, seed and limits therefore give the same answer unless the
//! guard fires or the solve is cancelled, and the solution says which happened.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::units::Minutes;

/// The arguments every `solve` takes besides its problem: no solve has a hidden default
/// (STYLE.md §8).
#[derive(Clone)]
pub struct Params<'p> {
    /// Seed of the solve's one random-number generator ([`crate::rng::Rng::seed_from_u64`]),
    /// also passed to HiGHS as its `random_seed`.
    pub seed: u64,
    /// Time limit, iteration budget and cancel flag.
    pub limits: Limits,
    /// Called as the solve goes (the rota: after each référent), for a progress display. It
    /// only watches: what it does cannot change the solution.
    pub progress: Option<&'p dyn Fn(Progress)>,
}

impl<'p> Params<'p> {
    /// Parameters with `seed` and `limits`, reporting no progress.
    pub fn new(seed: u64, limits: Limits) -> Params<'p> {
        Params {
            seed,
            limits,
            progress: None,
        }
    }

    /// The same parameters, reporting progress to `progress`.
    pub fn with_progress<'q>(self, progress: &'q dyn Fn(Progress)) -> Params<'q> {
        Params {
            seed: self.seed,
            limits: self.limits,
            progress: Some(progress),
        }
    }

    /// Reports `progress`, when someone listens.
    pub fn report(&self, progress: Progress) {
        if let Some(listener) = self.progress {
            listener(progress);
        }
    }
}

impl fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params")
            .field("seed", &self.seed)
            .field("limits", &self.limits)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// How far a solve has got: parts done (référents, for the rota) out of all, with the travel
/// and the unmet items of the parts done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Parts done.
    pub done: usize,
    /// Parts in all.
    pub total: usize,
    /// Travel of the parts done.
    pub travel_minutes: Minutes,
    /// Items of the parts done left unplaced.
    pub unmet: usize,
}

/// What bounds a solve (rosomaxa's `Quota`): a wall-clock time limit, an optional iteration
/// budget, an optional work time and an optional cancel flag.
///
/// The time limit is a guard: the solve never runs past it. What the search does is set by its
/// deterministic work budget, [`Limits::work_budget`], which depends on the input and the
/// limits only, never on the machine's speed. By default that budget is what the reference
/// machine does in the whole time limit, so a slower or busier machine hits the guard and the
/// result then depends on it ([`StopReason::TimeGuard`]). A caller that needs the same answer
/// on a busy machine calibrates the budget on a fraction of the limit with
/// [`Limits::with_work_time`] (the planner uses a quarter: a machine up to four times slower
/// gives the same plan).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Wall-clock time the solve may take, from its entry.
    pub time_limit: Duration,
    /// Deterministic iteration budget; when set it replaces the budget derived from
    /// `time_limit` (tests that compare runs use it, with a generous `time_limit`).
    pub iterations: Option<u64>,
    /// The time the work budget is calibrated on, when less than the time limit: the search
    /// does what the reference machine does in this time, and the time limit only guards.
    pub work_time: Option<Duration>,
    /// Set to `true` by another thread (an HTTP `DELETE` on a solve job) to stop the solve at
    /// its next check; the best solution so far is returned with [`StopReason::Cancelled`].
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Limits {
    /// Limits of `time_limit` wall-clock time, no iteration budget and no cancel flag.
    pub fn new(time_limit: Duration) -> Limits {
        Limits {
            time_limit,
            iterations: None,
            work_time: None,
            cancel: None,
        }
    }

    /// The same limits with another wall-clock time limit.
    pub fn with_time_limit(self, time_limit: Duration) -> Limits {
        Limits { time_limit, ..self }
    }

    /// The same limits with a deterministic budget of `iterations`.
    pub fn with_iterations(self, iterations: u64) -> Limits {
        Limits {
            iterations: Some(iterations),
            ..self
        }
    }

    /// The same limits with a work budget calibrated on `work_time` instead of the whole time
    /// limit (at most the time limit): the time limit becomes a guard far above the work.
    pub fn with_work_time(self, work_time: Duration) -> Limits {
        Limits {
            work_time: Some(work_time.min(self.time_limit)),
            ..self
        }
    }

    /// The same limits, cancelled when `cancel` becomes `true`.
    pub fn with_cancel(self, cancel: Arc<AtomicBool>) -> Limits {
        Limits {
            cancel: Some(cancel),
            ..self
        }
    }

    /// The deterministic work budget of a search, in its own units (iterations, move
    /// evaluations): the explicit [`iterations`](Limits::iterations) budget when set, else the
    /// work time (by default the time limit) converted at `units_per_second`, the rate that
    /// search calibrates on the reference machine (STYLE.md §8). Saturates at `u64::MAX`.
    pub fn work_budget(&self, units_per_second: u64) -> u64 {
        match self.iterations {
            Some(iterations) => iterations,
            None => {
                let per_second = u128::from(units_per_second);
                let time = self.work_time.unwrap_or(self.time_limit);
                let units = time.as_millis().saturating_mul(per_second) / 1000;
                u64::try_from(units).unwrap_or(u64::MAX)
            }
        }
    }
}

/// The wall-clock guard of one solve, started once at its entry.
#[derive(Debug, Clone)]
pub struct Deadline {
    started: Instant,
    time_limit: Duration,
    cancel: Option<Arc<AtomicBool>>,
}

impl Deadline {
    /// Starts the clock now for a solve bounded by `limits`.
    pub fn start(limits: &Limits) -> Deadline {
        Deadline {
            started: Instant::now(),
            time_limit: limits.time_limit,
            cancel: limits.cancel.clone(),
        }
    }

    /// A guard starting now for `fraction` (0 to 1) of the time left, with the same cancel flag:
    /// one part of a solve made of several.
    pub fn share(&self, fraction: f64) -> Deadline {
        Deadline {
            started: Instant::now(),
            time_limit: self.remaining().mul_f64(fraction.clamp(0.0, 1.0)),
            cancel: self.cancel.clone(),
        }
    }

    /// Wall-clock time since [`Deadline::start`].
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Wall-clock time left before the time limit, zero once it has passed.
    pub fn remaining(&self) -> Duration {
        self.time_limit.saturating_sub(self.elapsed())
    }

    /// Whether the time limit has passed.
    pub fn is_over(&self) -> bool {
        self.elapsed() >= self.time_limit
    }

    /// Whether the cancel flag has been set.
    pub fn is_cancelled(&self) -> bool {
        // Relaxed suffices: the flag carries no data, and a check one iteration late is fine.
        self.cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    /// The reason to stop now, if any: [`StopReason::Cancelled`] when the flag is set, else
    /// [`StopReason::TimeGuard`] when the time limit has passed. Call once per iteration.
    pub fn check(&self) -> Option<StopReason> {
        if self.is_cancelled() {
            Some(StopReason::Cancelled)
        } else if self.is_over() {
            Some(StopReason::TimeGuard)
        } else {
            None
        }
    }
}

/// Why a solve (or a MILP inside it) stopped; recorded in every solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StopReason {
    /// The deterministic work budget was used up.
    Budget,
    /// The search stopped improving for the configured number of iterations.
    NoImprovement,
    /// The MILP solver proved the solution optimal within the relative gap tolerance.
    Optimal,
    /// The MILP solver reached its time limit; the solution, if any, is its best incumbent.
    TimeLimit,
    /// The wall-clock guard fired before the work budget was used up: the result depends on the
    /// machine's speed.
    TimeGuard,
    /// The cancel flag was set.
    Cancelled,
    /// The MILP solver proved that the model has no solution.
    Infeasible,
    /// The MILP solver failed on a model it should accept (a bug, asserted in debug builds):
    /// the solution is the problem's fallback (for the assignment, who follows whom today).
    Failed,
}

impl StopReason {
    /// Every reason, in declaration order.
    pub const ALL: [StopReason; 8] = [
        StopReason::Budget,
        StopReason::NoImprovement,
        StopReason::Optimal,
        StopReason::TimeLimit,
        StopReason::TimeGuard,
        StopReason::Cancelled,
        StopReason::Infeasible,
        StopReason::Failed,
    ];

    /// Stable English key for logs, JSON and stats (`"time_guard"`).
    pub const fn key(self) -> &'static str {
        match self {
            StopReason::Budget => "budget",
            StopReason::NoImprovement => "no_improvement",
            StopReason::Optimal => "optimal",
            StopReason::TimeLimit => "time_limit",
            StopReason::TimeGuard => "time_guard",
            StopReason::Cancelled => "cancelled",
            StopReason::Infeasible => "infeasible",
            StopReason::Failed => "failed",
        }
    }

    /// Whether the same input, seed and limits are guaranteed to stop the same way: false
    /// when the clock or a user decided.
    pub const fn is_reproducible(self) -> bool {
        match self {
            StopReason::Budget
            | StopReason::NoImprovement
            | StopReason::Optimal
            | StopReason::Infeasible => true,
            StopReason::TimeLimit
            | StopReason::TimeGuard
            | StopReason::Cancelled
            | StopReason::Failed => false,
        }
    }
}

/// French, for CLI summaries and coordinators.
impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::Budget => "budget de calcul épuisé",
            StopReason::NoImprovement => "arrêt faute d'amélioration",
            StopReason::Optimal => "optimum prouvé (à la tolérance près)",
            StopReason::TimeLimit => "limite de temps atteinte",
            StopReason::TimeGuard => "temps écoulé avant la fin du budget de calcul",
            StopReason::Cancelled => "calcul annulé",
            StopReason::Infeasible => "aucune solution ne respecte toutes les contraintes",
            StopReason::Failed => "échec du solveur : solution de repli",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_iteration_budget_wins_over_the_time_limit() {
        let limits = Limits::new(Duration::from_secs(10)).with_iterations(500);
        assert_eq!(limits.work_budget(1_000_000), 500);
    }

    #[test]
    fn the_time_limit_becomes_a_budget_at_the_given_rate() {
        let limits = Limits::new(Duration::from_millis(2500));
        assert_eq!(limits.work_budget(1000), 2500);
        assert_eq!(Limits::new(Duration::MAX).work_budget(u64::MAX), u64::MAX);
    }

    #[test]
    fn a_work_time_sets_the_budget_and_leaves_the_limit_as_a_guard() {
        let limits = Limits::new(Duration::from_secs(20)).with_work_time(Duration::from_secs(5));
        assert_eq!(limits.work_budget(1000), 5000);
        assert_eq!(limits.time_limit, Duration::from_secs(20));
        // Never more work than the time limit holds.
        let capped = Limits::new(Duration::from_secs(1)).with_work_time(Duration::from_secs(5));
        assert_eq!(capped.work_budget(1000), 1000);
    }

    #[test]
    fn a_zero_time_limit_is_over_at_once() {
        let deadline = Deadline::start(&Limits::new(Duration::ZERO));
        assert!(deadline.is_over());
        assert_eq!(deadline.remaining(), Duration::ZERO);
        assert_eq!(deadline.check(), Some(StopReason::TimeGuard));
    }

    #[test]
    fn a_generous_time_limit_is_not_over_at_the_start() {
        let deadline = Deadline::start(&Limits::new(Duration::from_secs(3600)));
        assert!(!deadline.is_over());
        assert!(deadline.remaining() > Duration::ZERO);
        assert_eq!(deadline.check(), None);
    }

    #[test]
    fn setting_the_cancel_flag_stops_a_running_solve() {
        let flag = Arc::new(AtomicBool::new(false));
        let limits = Limits::new(Duration::from_secs(3600)).with_cancel(Arc::clone(&flag));
        let deadline = Deadline::start(&limits);
        assert!(!deadline.is_cancelled());
        flag.store(true, Ordering::Relaxed);
        assert_eq!(deadline.check(), Some(StopReason::Cancelled));
    }

    #[test]
    fn every_stop_reason_has_a_distinct_key_and_a_french_label() {
        let mut keys: Vec<&str> = StopReason::ALL.iter().map(|r| r.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), StopReason::ALL.len());
        assert_eq!(StopReason::Cancelled.to_string(), "calcul annulé");
        assert_eq!(StopReason::TimeGuard.key(), "time_guard");
        assert!(!StopReason::TimeGuard.is_reproducible());
        assert!(StopReason::Budget.is_reproducible());
    }

    #[test]
    fn params_carry_the_seed_and_limits() {
        let params = Params::new(7, Limits::new(Duration::from_secs(1)).with_iterations(3));
        assert_eq!(params.seed, 7);
        assert_eq!(params.limits.iterations, Some(3));
        assert!(params.progress.is_none());
    }

    #[test]
    fn progress_goes_to_the_listener_given() {
        let seen = std::cell::Cell::new(0);
        let listener = |p: Progress| seen.set(p.done);
        let params = Params::new(7, Limits::new(Duration::from_secs(1))).with_progress(&listener);
        params.report(Progress {
            done: 3,
            total: 4,
            travel_minutes: Minutes(10),
            unmet: 0,
        });
        assert_eq!(seen.get(), 3);
    }
}
