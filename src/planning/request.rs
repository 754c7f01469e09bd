//! A plan to make, of any kind, and what its solve gives: what the API's plan jobs run, whatever
//! the problem ([`PlanRequest`], [`solve`], [`PlanOutcome`]).
//!
//! Each kind maps to its own planner (the rota to [`plan_week`]); a new kind is one more
//! variant here. Pure and CPU-bound: the caller runs [`solve`] off the async runtime, in the
//! one-solve-at-a-time slot, and stores [`PlanOutcome::envelopes`].

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;

use super::envelope::{PlanEnvelope, PlanKind};
use super::eps::{EpsOptions, EpsOutcome};
use super::horizon::Horizon;
use super::workshops::{WorkshopOptions, WorkshopOutcome};
use super::{PlanError, PlanOptions, PlanProgress, WeekOutcome, plan_week};
use crate::domain::{Code, Territory, TravelOverride};

/// A plan to make.
#[derive(Debug, Clone)]
pub enum PlanRequest {
    /// A week's rota, with its options.
    Rota(PlanOptions),
    /// The EPS meetings of a school year.
    EpsYear(EpsOptions),
    /// The collective workshops of a school year.
    Workshops(WorkshopOptions),
}

impl PlanRequest {
    /// What it plans.
    pub fn kind(&self) -> PlanKind {
        match self {
            PlanRequest::Rota(_) => PlanKind::Rota,
            PlanRequest::EpsYear(_) => PlanKind::EpsYear,
            PlanRequest::Workshops(_) => PlanKind::Workshops,
        }
    }

    /// The period it covers.
    pub fn horizon(&self) -> Horizon {
        match self {
            PlanRequest::Rota(options) => Horizon::Week(options.week),
            PlanRequest::EpsYear(options) => Horizon::SchoolYear(options.year),
            PlanRequest::Workshops(options) => Horizon::SchoolYear(options.year),
        }
    }

    /// The seed of its solves.
    pub fn seed(&self) -> u64 {
        match self {
            PlanRequest::Rota(options) => options.seed,
            PlanRequest::EpsYear(options) => options.seed,
            PlanRequest::Workshops(options) => options.seed,
        }
    }

    /// The same request, stopped early when `flag` is set (each solve returns its best so far).
    pub fn with_cancel(mut self, flag: Arc<AtomicBool>) -> PlanRequest {
        match &mut self {
            PlanRequest::Rota(options) => options.cancel = Some(flag),
            PlanRequest::EpsYear(options) => options.cancel = Some(flag),
            PlanRequest::Workshops(options) => options.cancel = Some(flag),
        }
        self
    }

    /// The same request, with the travel times measured by a routing engine (the rota's; the
    /// EPS year estimates its drives between sites).
    pub fn with_travel(mut self, travel: Vec<TravelOverride>) -> PlanRequest {
        match &mut self {
            PlanRequest::Rota(options) => options.travel = travel,
            PlanRequest::EpsYear(_) | PlanRequest::Workshops(_) => {}
        }
        self
    }

    /// The same request as a re-plan of `previous`, the horizon's last stored plan: what
    /// still holds in it stays (a rota's [`PlanOptions::previous`]).
    pub fn with_previous(mut self, previous: super::AnyPlan) -> PlanRequest {
        match (&mut self, previous) {
            (PlanRequest::Rota(options), super::AnyPlan::Rota(plan)) => {
                options.previous = Some(plan);
            }
            (PlanRequest::EpsYear(options), super::AnyPlan::EpsYear(plan)) => {
                options.previous = Some(plan);
            }
            (PlanRequest::Workshops(options), super::AnyPlan::Workshops(plan)) => {
                options.previous = Some(plan);
            }
            // A plan of another kind is no previous plan.
            _ => {}
        }
        self
    }

    /// The same request, with the référents' absences recorded over its horizon (the store's):
    /// their days are closed (the EPS year reads their unavailability instead).
    pub fn with_absences(mut self, absences: Vec<(Code, NaiveDate)>) -> PlanRequest {
        match &mut self {
            PlanRequest::Rota(options) => options.absences = absences,
            PlanRequest::EpsYear(_) | PlanRequest::Workshops(_) => {}
        }
        self
    }
}

/// What a solve of a [`PlanRequest`] gives.
#[derive(Debug, Clone, PartialEq)]
// One outcome per job, moved a handful of times: boxing the larger variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum PlanOutcome {
    /// A week's rota, with what the coordinator needs to trust it.
    Rota(WeekOutcome),
    /// The EPS meetings of a school year.
    EpsYear(EpsOutcome),
    /// The collective workshops of a school year.
    Workshops(WorkshopOutcome),
}

impl PlanOutcome {
    /// The plans to store, sealed: the plan first, then those made to compare with it.
    pub fn envelopes(&self) -> Vec<PlanEnvelope> {
        match self {
            PlanOutcome::Rota(outcome) => outcome.envelopes(),
            PlanOutcome::EpsYear(outcome) => std::iter::once(&outcome.plan)
                .chain(&outcome.baseline)
                .map(PlanEnvelope::of)
                .collect(),
            PlanOutcome::Workshops(outcome) => std::iter::once(&outcome.plan)
                .chain(&outcome.baseline)
                .map(PlanEnvelope::of)
                .collect(),
        }
    }
}

impl WeekOutcome {
    /// The plans to store, sealed: Parcours' plan, then today's practice when it was compared.
    pub fn envelopes(&self) -> Vec<PlanEnvelope> {
        std::iter::once(&self.plan)
            .chain(&self.baseline)
            .map(PlanEnvelope::of)
            .collect()
    }
}

/// Solves `request` for `territory`, reporting progress.
///
/// # Errors
/// As the kind's planner: [`PlanError::Data`] naming the record and field that cannot be
/// planned as it is, [`PlanError::Solver`] for a solver failure.
pub fn solve(
    request: &PlanRequest,
    territory: &Territory,
    progress: &mut dyn FnMut(PlanProgress),
) -> Result<PlanOutcome, PlanError> {
    match request {
        PlanRequest::Rota(options) => {
            plan_week(territory, options, progress).map(PlanOutcome::Rota)
        }
        PlanRequest::EpsYear(options) => {
            super::eps::plan_year(territory, options).map(PlanOutcome::EpsYear)
        }
        PlanRequest::Workshops(options) => {
            super::workshops::plan_year(territory, options).map(PlanOutcome::Workshops)
        }
    }
}
