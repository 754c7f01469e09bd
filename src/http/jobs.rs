//! Planning is a job (STYLE.md §6): `POST` starts it and returns its number, `GET` gives its
//! status and, once done, the stored plan's version and report; `DELETE` cancels it. A job runs
//! a [`PlanRequest`] of any kind (the week's rota today) and stores its plans as envelopes, like
//! `parcours plan`. Its solve goes through the server's one-at-a-time [`SolveSlot`], in the
//! job's span; a visit report that needs the slot stops it, and the job solves again from the
//! start (the same plan, later). The others wait their turn, at most [`PLAN_QUEUE_LIMIT`] queued
//! or running (beyond, 429 with `Retry-After`). Jobs live in the server's memory and a finished
//! one is forgotten after [`JOB_RETENTION`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Caller;
use super::solve_slot::{SolveSlot, Solved};
use super::{ApiError, AppState};
use crate::domain::Role;
use crate::planning::eps::EpsPlan;
use crate::planning::{
    AnyPlan, Holidays, Horizon, IsoWeek, PlanError, PlanKind, PlanMethod, PlanOptions, PlanOutcome,
    PlanRequest, WeekPlan,
};
use crate::report::eps::EpsReport;
use crate::report::week::WeekReport;
use crate::store::StoreError;

/// Where a job stands.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum JobStatus {
    /// Waiting for the plan running before it.
    Queued,
    /// Solving.
    Running,
    /// Stored as this version of the week's plan.
    Done,
    /// The territory cannot be planned as it is, or the solve failed.
    Failed,
    /// Cancelled before it finished: nothing stored.
    Cancelled,
}

/// At most this many jobs queued or running: a plan takes seconds of the one solve slot, so a
/// longer queue would only make each wait longer.
pub const PLAN_QUEUE_LIMIT: usize = 4;

/// A finished job (done, failed or cancelled) is forgotten this long after it finished: its
/// plan is stored, and a `GET` answers 404 from then on.
pub const JOB_RETENTION: Duration = Duration::from_secs(60 * 60);

/// What a client beyond [`PLAN_QUEUE_LIMIT`] is told to wait before trying again.
const RETRY_AFTER: Duration = Duration::from_secs(10);

/// How many times a re-plan overtaken by another change of the week is made again.
const REPLAN_ATTEMPTS: usize = 3;

impl JobStatus {
    /// In French, as the web app's progress pages show it.
    pub(super) fn french(&self) -> &'static str {
        match self {
            JobStatus::Queued => "en attente d'un autre calcul",
            JobStatus::Running => "en cours",
            JobStatus::Done => "terminé",
            JobStatus::Failed => "échec",
            JobStatus::Cancelled => "annulé",
        }
    }

    fn is_finished(&self) -> bool {
        matches!(
            self,
            JobStatus::Done | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}

#[derive(Debug, Clone)]
pub(super) struct Job {
    kind: PlanKind,
    horizon: Horizon,
    status: JobStatus,
    /// When it finished.
    finished: Option<Instant>,
    /// A `DELETE` asked to cancel it.
    cancel: bool,
    /// The flag that stops its current solve: set by a `DELETE`, or by the solve slot for a
    /// report. A new one for each solve.
    stop: Arc<AtomicBool>,
    version: Option<i64>,
    report: Option<serde_json::Value>,
    error: Option<String>,
    /// When its solve started (again from the start after giving way to a report).
    started: Option<Instant>,
    /// What the solve last said of itself.
    progress: Option<JobProgress>,
}

/// How far a running plan has got, as its solver says it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub(super) struct JobProgress {
    /// What is being solved, in French: `affectation`, `tournées`, `pratique actuelle`.
    pub(super) stage: &'static str,
    /// Référents done in this stage.
    pub(super) done: usize,
    /// Référents in all.
    pub(super) total: usize,
    /// Travel minutes of the référents done: the best plan's so far.
    pub(super) travel_minutes: i64,
    /// Visits of the référents done left unplaced.
    pub(super) unmet: usize,
}

impl From<crate::planning::PlanProgress> for JobProgress {
    fn from(p: crate::planning::PlanProgress) -> JobProgress {
        JobProgress {
            stage: p.stage,
            done: p.done,
            total: p.total,
            travel_minutes: p.travel_minutes,
            unmet: p.unmet,
        }
    }
}

/// The server's jobs.
#[derive(Debug)]
pub struct Jobs {
    next: AtomicU64,
    jobs: Mutex<BTreeMap<u64, Job>>,
    /// At most this many queued or running.
    queue_limit: usize,
    /// Finished jobs are kept this long.
    retention: Duration,
}

impl Default for Jobs {
    fn default() -> Jobs {
        Jobs::with_limits(PLAN_QUEUE_LIMIT, JOB_RETENTION)
    }
}

impl Jobs {
    /// Jobs with at most `queue_limit` queued or running, finished ones kept `retention`.
    pub fn with_limits(queue_limit: usize, retention: Duration) -> Jobs {
        Jobs {
            next: AtomicU64::new(1),
            jobs: Mutex::new(BTreeMap::new()),
            queue_limit,
            retention,
        }
    }

    /// Changes job `id`, if it is still known; what `f` returns.
    fn update<T>(&self, id: u64, f: impl FnOnce(&mut Job) -> T) -> Option<T> {
        let mut jobs = self.jobs.lock().expect("jobs lock");
        let job = jobs.get_mut(&id)?;
        let out = f(job);
        if job.status.is_finished() && job.finished.is_none() {
            job.finished = Some(Instant::now());
        }
        Some(out)
    }

    pub(super) fn get(&self, id: u64) -> Option<Job> {
        self.prune(Instant::now());
        self.jobs.lock().expect("jobs lock").get(&id).cloned()
    }

    /// Forgets the jobs finished `retention` before `now`.
    fn prune(&self, now: Instant) {
        let retention = self.retention;
        self.jobs.lock().expect("jobs lock").retain(|_, j| {
            j.finished
                .is_none_or(|t| now.saturating_duration_since(t) < retention)
        });
    }

    /// Queues `job` under a new number, unless [`PLAN_QUEUE_LIMIT`] jobs are queued or running.
    fn admit(&self, job: Job) -> Result<u64, ApiError> {
        self.prune(Instant::now());
        let mut jobs = self.jobs.lock().expect("jobs lock");
        let pending = jobs.values().filter(|j| !j.status.is_finished()).count();
        if pending >= self.queue_limit {
            return Err(ApiError::Busy(RETRY_AFTER));
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        jobs.insert(id, job);
        Ok(id)
    }
}

/// How to plan.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewPlan {
    /// Also plan today's practice and report the saving.
    #[serde(default)]
    pub(super) compare_baseline: bool,
    /// Seed of the solves (default 1).
    pub(super) seed: Option<u64>,
    /// Time limit of the rota, seconds (default 5, at most 300).
    pub(super) time_limit_seconds: Option<f64>,
    /// Weeks planned together from this one, 1 to 8 (`MAX_WEEKS`, default 1): only this week
    /// is stored.
    pub(super) weeks: Option<u32>,
    /// Re-plan the week's last plan (as `parcours plan --replan`): every visit that still
    /// holds stays where it is, fixed and confirmed visits never move. Stored only if no other
    /// version came meanwhile (else made again from it).
    #[serde(default)]
    pub(super) replan: bool,
}

/// A job, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct JobDto {
    pub(super) id: u64,
    /// What it plans: `rota`, `eps_year`.
    pub(super) kind: &'static str,
    /// The period it plans: an ISO week (`2026-W49`), a range of dates
    /// (`2026-09-01/2026-10-16`) or a school year (`2026-2027`).
    pub(super) horizon: String,
    /// The ISO week, for a plan of a week.
    pub(super) week: Option<String>,
    pub(super) status: JobStatus,
    /// Seconds since its solve started (until it finished), once it has started.
    pub(super) elapsed_seconds: Option<f64>,
    /// How far its solve has got, once it has started.
    pub(super) progress: Option<JobProgress>,
    /// The stored plan's version, once done.
    pub(super) version: Option<i64>,
    /// The plan's figures (as `parcours plan --json`), once done.
    #[schema(value_type = Option<Object>)]
    pub(super) report: Option<serde_json::Value>,
    /// Why it failed, in French.
    pub(super) error: Option<String>,
}

pub(super) fn dto(id: u64, job: &Job) -> JobDto {
    let elapsed = job.started.map(|started| {
        let until = job.finished.unwrap_or_else(Instant::now);
        until.saturating_duration_since(started).as_secs_f64()
    });
    JobDto {
        id,
        kind: job.kind.key(),
        horizon: job.horizon.to_string(),
        week: job.horizon.week().map(|w| w.to_string()),
        status: job.status.clone(),
        elapsed_seconds: elapsed,
        progress: job.progress.clone(),
        version: job.version,
        report: job.report.clone(),
        error: job.error.clone(),
    }
}

/// The week of a plan to make: 422 naming `week` for a text that is no ISO week, a week that
/// does not exist, or one the imported calendar does not cover (it could not be planned).
/// Elsewhere a week in a path names something stored, and a text that is no week a bare 404.
fn plannable(text: &str, holidays: &Holidays) -> Result<IsoWeek, ApiError> {
    let invalid = |message: String| {
        ApiError::Invalid(vec![super::FieldIssue {
            record: text.chars().take(20).collect(),
            field: "week".into(),
            message,
        }])
    };
    let week = IsoWeek::parse(text).map_err(|e| invalid(e.to_string()))?;
    holidays.check_week(week).map_err(|message| {
        invalid(format!(
            "la semaine {week} ne peut pas être planifiée : {message}"
        ))
    })?;
    Ok(week)
}

/// `POST /api/v1/weeks/{week}/plans`, `GET` and `DELETE /api/v1/jobs/{id}`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(start))
        .routes(routes!(status, cancel))
}

/// Plan a week: returns at once with the job's number; `GET /api/v1/jobs/{id}` follows it.
#[utoipa::path(
    post,
    path = "/api/v1/weeks/{week}/plans",
    params(("week" = String, Path, description = "ISO week, `2026-W49`: one that does not exist, or that the imported calendar does not cover, is a 422", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49")),
    request_body(content = NewPlan, description = "Optional settings", content_type = "application/json"),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 202, description = "Queued", body = JobDto),
        (status = 400, description = "Malformed JSON", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 413, description = "Body over 256 KiB", body = super::error::ErrorBody),
        (status = 422, description = "A week that cannot be planned, or settings of the wrong type or out of range", body = super::error::ErrorBody),
        (status = 429, description = "Too many plans queued or running: retry after `Retry-After` seconds", body = super::error::ErrorBody,
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path(week): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let calendar = state.store.load_calendar().await?;
    let week = plannable(&week, &Holidays::of(&calendar))?;
    // The body is optional: none means the default settings.
    let settings: NewPlan = super::extract::optional_json_body(request, &state).await?;
    let shown = start_plan(state, week, settings)?;
    let id = shown.id;
    Ok((
        StatusCode::ACCEPTED,
        [(LOCATION, format!("/api/v1/jobs/{id}"))],
        Json(shown),
    )
        .into_response())
}

/// The week of a plan to make, as [`start`] reads it: 422 naming `week` when it cannot be
/// planned.
pub(super) async fn plannable_week(state: &AppState, text: &str) -> Result<IsoWeek, ApiError> {
    let calendar = state.store.load_calendar().await?;
    plannable(text, &Holidays::of(&calendar))
}

/// The rota's time limit a client asked for (`time_limit_seconds`, of a plan or a simulation):
/// 422 naming the field outside (0, 300] seconds.
pub(super) fn rota_time(week: IsoWeek, seconds: Option<f64>) -> Result<Option<Duration>, ApiError> {
    let Some(t) = seconds else { return Ok(None) };
    if !(t.is_finite() && t > 0.0 && t <= 300.0) {
        return Err(ApiError::Invalid(vec![super::FieldIssue {
            record: week.to_string(),
            field: "time_limit_seconds".into(),
            message: format!("{t} : une durée entre 0 et 300 secondes est attendue"),
        }]));
    }
    Ok(Some(Duration::from_secs_f64(t)))
}

/// Queues the plan of `week` with `settings` and starts it: what `POST
/// /api/v1/weeks/{week}/plans` and the web app's « Planifier » do.
pub(super) fn start_plan(
    state: AppState,
    week: IsoWeek,
    settings: NewPlan,
) -> Result<JobDto, ApiError> {
    let settings_replan = settings.replan;
    let mut options = PlanOptions::new(week);
    options.compare_baseline = settings.compare_baseline;
    if let Some(seed) = settings.seed {
        options.seed = seed;
    }
    if let Some(weeks) = settings.weeks {
        let max = crate::planning::MAX_WEEKS;
        if !(1..=max as u32).contains(&weeks) {
            return Err(ApiError::Invalid(vec![super::FieldIssue {
                record: week.to_string(),
                field: "weeks".into(),
                message: format!("{weeks} : un nombre de semaines entre 1 et {max} est attendu"),
            }]));
        }
        options.weeks = weeks as usize;
    }
    if let Some(t) = rota_time(week, settings.time_limit_seconds)? {
        options.rota_time = t;
    }
    queue(state, PlanRequest::Rota(options), settings_replan)
}

/// Queues `plan` and starts it, as a re-plan of its horizon's last plan when `replan`: what
/// every plan job of the API and the web app goes through.
pub(super) fn queue(state: AppState, plan: PlanRequest, replan: bool) -> Result<JobDto, ApiError> {
    let jobs = state.jobs.clone();
    let job = Job {
        kind: plan.kind(),
        horizon: plan.horizon(),
        status: JobStatus::Queued,
        finished: None,
        cancel: false,
        stop: Arc::default(),
        version: None,
        report: None,
        error: None,
        started: None,
        progress: None,
    };
    let id = jobs.admit(job.clone())?;
    let shown = dto(id, &job);
    // The job's span, a child of the request's: its solve runs in it, in the slot.
    let span = tracing::info_span!(
        "plan_job",
        job = id,
        kind = %plan.kind(),
        horizon = %plan.horizon()
    );
    tokio::spawn(tracing::Instrument::instrument(
        run(state, id, plan, replan),
        span,
    ));
    Ok(shown)
}

/// Runs job `id`: reads the territory, solves in the slot (again from the start each time a
/// report made it give way), stores the plans and the report.
async fn run(state: AppState, id: u64, request: PlanRequest, replan: bool) {
    let jobs = state.jobs.clone();
    let fail = |message: String| {
        jobs.update(id, |j| {
            j.status = JobStatus::Failed;
            j.error = Some(message);
        });
    };
    let horizon = request.horizon();
    let territory = match state
        .store
        .load_planning_territory(horizon.first_day(), horizon.last_day())
        .await
    {
        Ok(t) => Arc::new(t),
        Err(e) => return fail(format!("lecture de la base : {e}")),
    };
    let request = match state.store.load_travel_overrides().await {
        Ok(travel) => request.with_travel(travel),
        Err(e) => return fail(format!("lecture des trajets : {e}")),
    };
    // The absences recorded for the week hold for every plan of it.
    let request = match request.horizon() {
        Horizon::Week(week) => match state.store.absences(Some(week)).await {
            Ok(absences) => request.with_absences(absences),
            Err(e) => return fail(format!("lecture des absences : {e}")),
        },
        _ => request,
    };
    let seed = request.seed();
    let mut again = false;
    // A re-plan starts from the week's last plan, and is stored only if that plan is still the
    // last: one overtaken by another change (a visit fixed meanwhile) is made again from it.
    let mut overtaken = 0;
    let (outcome, versions) = loop {
        // The version a re-plan starts from: `None` for a fresh plan.
        let (request, base) = match (replan, request.horizon()) {
            (true, Horizon::Week(week)) => {
                match state
                    .store
                    .latest_plan::<WeekPlan>(week, PlanMethod::Optimised)
                    .await
                {
                    Ok(Some((v, previous))) => (
                        request.clone().with_previous(AnyPlan::Rota(previous)),
                        Some(v),
                    ),
                    Ok(None) => {
                        return fail(format!(
                            "aucun plan enregistré pour la semaine {week} : planifiez-la d'abord sans re-planification"
                        ));
                    }
                    Err(e) => return fail(format!("lecture du dernier plan : {e}")),
                }
            }
            // A year re-planned holds still; one not planned yet is planned afresh.
            (true, Horizon::SchoolYear(year)) => {
                match state
                    .store
                    .latest_plan::<EpsPlan>(year, PlanMethod::Optimised)
                    .await
                {
                    Ok(Some((v, previous))) => (
                        request.clone().with_previous(AnyPlan::EpsYear(previous)),
                        Some(v),
                    ),
                    Ok(None) => (request.clone(), None),
                    Err(e) => return fail(format!("lecture du dernier plan : {e}")),
                }
            }
            _ => (request.clone(), None),
        };
        let solved = loop {
            match solve_in_slot(&state.solve_slot, &jobs, id, &request, &territory, again).await {
                Some(Solved::Done(solved)) => break solved,
                Some(Solved::GaveWay) => {
                    tracing::debug!("plan job gave way to a report: solving again from the start");
                    again = true;
                }
                None => {
                    jobs.update(id, |j| j.status = JobStatus::Cancelled);
                    return;
                }
            }
        };
        let outcome = match solved {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(PlanError::Data {
                record,
                field,
                message,
            })) => return fail(format!("{record}, {field} : {message}")),
            Ok(Err(e)) => return fail(e.to_string()),
            Err(e) => return fail(format!("le calcul s'est interrompu : {e}")),
        };
        if jobs.update(id, |j| j.cancel).unwrap_or(true) {
            jobs.update(id, |j| j.status = JobStatus::Cancelled);
            return;
        }
        let envelopes = outcome.envelopes();
        let saved = match base {
            Some(_) => state.store.save_plans_after(&envelopes, seed, base).await,
            None => state.store.save_plans(&envelopes, seed).await,
        };
        match saved {
            Ok(versions) => break (outcome, versions),
            Err(StoreError::Overtaken { .. }) if overtaken < REPLAN_ATTEMPTS => {
                tracing::debug!("the week's plan changed during the re-plan: made again");
                overtaken += 1;
                again = true;
            }
            Err(StoreError::Overtaken { .. }) => {
                return fail(
                    "le plan de la semaine a changé plusieurs fois pendant le calcul : relancez-le"
                        .into(),
                );
            }
            Err(e) => return fail(format!("enregistrement du plan : {e}")),
        }
    };
    let version = *versions.first().expect("BUG: an outcome holds its plan");
    let report = match &outcome {
        PlanOutcome::Rota(week) => serde_json::to_value(WeekReport::of(week, version)).ok(),
        PlanOutcome::EpsYear(year) => {
            serde_json::to_value(EpsReport::of(&territory, year, version)).ok()
        }
        PlanOutcome::Workshops(year) => serde_json::to_value(
            crate::report::workshops::WorkshopReport::of(&territory, year, version),
        )
        .ok(),
    };
    jobs.update(id, |j| {
        j.status = JobStatus::Done;
        j.version = Some(version);
        j.report = report;
    });
}

/// What one solve of a job gives: the outcome, or why the solve's thread stopped.
type Attempt = Result<Result<PlanOutcome, PlanError>, String>;

/// One solve of job `id` in the slot, with a new stop flag; `None` when the job was cancelled
/// (or forgotten) before it could start.
async fn solve_in_slot(
    slot: &Arc<SolveSlot>,
    jobs: &Arc<Jobs>,
    id: u64,
    request: &PlanRequest,
    territory: &Arc<crate::domain::Territory>,
    again: bool,
) -> Option<Solved<Attempt>> {
    let stop = Arc::new(AtomicBool::new(false));
    let request = request.clone().with_cancel(stop.clone());
    let territory = Arc::clone(territory);
    let jobs_in_slot = Arc::clone(jobs);
    let flag = stop.clone();
    let solved = slot
        .plan_job(stop, again, move || {
            // Cancelled while it waited: nothing to solve. The flag is set under the jobs' lock,
            // with the job's `cancel`, so a `DELETE` is never missed.
            let go = jobs_in_slot
                .update(id, |j| {
                    if j.cancel {
                        return false;
                    }
                    j.stop = flag;
                    j.status = JobStatus::Running;
                    j.started = Some(Instant::now());
                    j.progress = None;
                    true
                })
                .unwrap_or(false);
            let mut progress = |p: crate::planning::PlanProgress| {
                jobs_in_slot.update(id, |j| j.progress = Some(p.into()));
            };
            go.then(|| crate::planning::solve(&request, &territory, &mut progress))
        })
        .await;
    match solved {
        Ok(Solved::Done(Some(outcome))) => Some(Solved::Done(Ok(outcome))),
        Ok(Solved::Done(None)) => None,
        Ok(Solved::GaveWay) => Some(Solved::GaveWay),
        Err(e) => Some(Solved::Done(Err(e.to_string()))),
    }
}

/// A job's status, and its result once done.
#[utoipa::path(
    get,
    path = "/api/v1/jobs/{id}",
    params(("id" = u64, Path, description = "The job's number", example = 1)),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The job", body = JobDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such job, or one finished over an hour ago"),
    )
)]
pub(super) async fn status(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<JobDto>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let id: u64 = id.parse().map_err(|_| ApiError::NotFound)?;
    let job = state.jobs.get(id).ok_or(ApiError::NotFound)?;
    Ok(Json(dto(id, &job)))
}

/// Cancel a job: a queued one never starts, a running one stops at its solver's next check and
/// stores nothing. A finished job stays as it is.
#[utoipa::path(
    delete,
    path = "/api/v1/jobs/{id}",
    params(("id" = u64, Path, description = "The job's number", example = 1)),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 202, description = "Cancelling (or already finished: see its status)", body = JobDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such job"),
    )
)]
pub(super) async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<JobDto>), ApiError> {
    caller.require(&[Role::Coordinator])?;
    let id: u64 = id.parse().map_err(|_| ApiError::NotFound)?;
    state.jobs.prune(Instant::now());
    let job = state
        .jobs
        .update(id, |j| {
            j.cancel = true;
            j.stop.store(true, Ordering::Relaxed);
            j.clone()
        })
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::ACCEPTED, Json(dto(id, &job))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(status: JobStatus) -> Job {
        Job {
            kind: PlanKind::Rota,
            horizon: Horizon::Week(IsoWeek::parse("2026-W49").unwrap()),
            status,
            finished: None,
            cancel: false,
            stop: Arc::default(),
            version: None,
            report: None,
            error: None,
            started: None,
            progress: None,
        }
    }

    #[test]
    fn beyond_the_queue_limit_a_plan_is_refused_with_retry_after() {
        let jobs = Jobs::with_limits(2, JOB_RETENTION);
        let first = jobs.admit(job(JobStatus::Queued)).unwrap();
        jobs.admit(job(JobStatus::Queued)).unwrap();
        let refused = jobs.admit(job(JobStatus::Queued)).unwrap_err();
        assert!(matches!(refused, ApiError::Busy(d) if d == RETRY_AFTER));
        // A finished job frees its place.
        jobs.update(first, |j| j.status = JobStatus::Done);
        assert!(jobs.admit(job(JobStatus::Queued)).is_ok());
    }

    #[test]
    fn a_finished_job_is_forgotten_after_the_retention_and_a_pending_one_never() {
        let jobs = Jobs::with_limits(PLAN_QUEUE_LIMIT, JOB_RETENTION);
        let done = jobs.admit(job(JobStatus::Queued)).unwrap();
        let failed = jobs.admit(job(JobStatus::Queued)).unwrap();
        let waiting = jobs.admit(job(JobStatus::Queued)).unwrap();
        jobs.update(done, |j| j.status = JobStatus::Done);
        jobs.update(failed, |j| j.status = JobStatus::Failed);
        let now = Instant::now();

        jobs.prune(now + JOB_RETENTION - Duration::from_secs(1));
        assert!(jobs.jobs.lock().unwrap().contains_key(&done));

        jobs.prune(now + JOB_RETENTION + Duration::from_secs(1));
        let kept: Vec<u64> = jobs.jobs.lock().unwrap().keys().copied().collect();
        assert_eq!(kept, vec![waiting]);
    }
}
