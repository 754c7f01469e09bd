//! The eight weeks simulated from a week (issue 16): today's practice beside Parcours, each week
//! planned, its visits taken as made, then the next one ([`crate::report::horizon`]). What the
//! demo prints, and what the week page shows under « Les 8 semaines ».
//!
//! A simulation is sixteen week plans: tens of seconds in a release build. `POST` starts it in
//! the background and `GET` follows it; its weeks go through the server's solve slot one at a
//! time, behind the plan jobs already waiting and giving way to a visit report like them, so a
//! coordinator's plan waits one week's plan at most. One simulation runs at a time on a server.
//! The figures are kept in the database under a digest of the data they were computed on
//! ([`inputs_digest`]): after an import or an edit they are shown as out of date until
//! simulated again. They are counts only, never a family's code.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Caller;
use super::solve_slot::Solved;
use super::{ApiError, AppState};
use crate::domain::Role;
use crate::planning::{IsoWeek, PlanOptions};
use crate::report::horizon::{
    COMPARISON_WEEKS, Comparison, HorizonFigures, StoredHorizon, inputs_digest,
};

/// A simulation a client beyond the one running is told to wait for.
const RETRY_AFTER: Duration = Duration::from_secs(30);

/// The server's simulations: the one running, and how the last of each week ended.
#[derive(Debug, Default)]
pub struct Simulations {
    runs: Mutex<BTreeMap<IsoWeek, Run>>,
}

#[derive(Debug, Clone)]
struct Run {
    started: Instant,
    /// Weeks planned, of both methods.
    done: usize,
    total: usize,
    /// Set once it ended.
    finished: Option<Instant>,
    /// Why it failed, in French.
    error: Option<String>,
}

impl Simulations {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<IsoWeek, Run>> {
        self.runs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a run of `week`: `Err` with the week already running when one is.
    fn begin(&self, week: IsoWeek) -> Result<(), IsoWeek> {
        let mut runs = self.lock();
        if let Some((&running, _)) = runs.iter().find(|(_, r)| r.finished.is_none()) {
            return Err(running);
        }
        runs.insert(
            week,
            Run {
                started: Instant::now(),
                done: 0,
                total: 2 * COMPARISON_WEEKS,
                finished: None,
                error: None,
            },
        );
        Ok(())
    }

    fn update(&self, week: IsoWeek, f: impl FnOnce(&mut Run)) {
        if let Some(run) = self.lock().get_mut(&week) {
            f(run);
        }
    }

    fn get(&self, week: IsoWeek) -> Option<Run> {
        self.lock().get(&week).cloned()
    }
}

/// Where the simulation of a week stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum HorizonStatus {
    /// Never simulated (or only on data since changed, see `current`): `figures` is empty or
    /// out of date.
    None,
    /// Running: `weeks_done` of `weeks_total`.
    Running,
    /// Done: `figures`.
    Done,
    /// The last run failed: `error`.
    Failed,
}

/// The eight weeks from a week, as the API gives them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct HorizonDto {
    /// The first week simulated.
    pub(crate) week: String,
    pub(crate) status: HorizonStatus,
    /// Whether `figures` were computed on the data as they are now (false after an import or
    /// an edit: simulate again).
    pub(crate) current: bool,
    /// While running: week plans done (today's practice's eight, then Parcours').
    pub(crate) weeks_done: Option<usize>,
    /// While running: week plans in all.
    pub(crate) weeks_total: Option<usize>,
    /// While running: seconds since it started.
    pub(crate) elapsed_seconds: Option<f64>,
    /// When the figures shown were computed.
    pub(crate) computed_at: Option<DateTime<Utc>>,
    /// Time limit of each week's rota in that simulation, seconds.
    pub(crate) rota_seconds: Option<f64>,
    /// Today's practice and Parcours over the weeks (as `parcours-dev bench horizon`'s runs).
    #[schema(value_type = Option<Object>)]
    pub(crate) figures: Option<HorizonFigures>,
    /// Why the last run failed, in French.
    pub(crate) error: Option<String>,
}

/// Settings of a simulation.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewHorizon {
    /// Time limit of each week's rota, seconds (default 20, as `parcours plan` and the demo; at
    /// most 300); its work is a quarter of it.
    pub(crate) time_limit_seconds: Option<f64>,
}

/// `GET` and `POST /api/v1/weeks/{week}/horizon`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(horizon, simulate))
}

/// The eight weeks simulated from this week: the figures kept, or how far the simulation
/// running has got.
#[utoipa::path(
    get,
    path = "/api/v1/weeks/{week}/horizon",
    params(("week" = String, Path, description = "ISO week, `2026-W49` (another text: no such week, 404)", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49")),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The figures, or where their simulation stands", body = HorizonDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such week"),
    )
)]
pub(super) async fn horizon(
    State(state): State<AppState>,
    caller: Caller,
    Path(week): Path<String>,
) -> Result<Json<HorizonDto>, ApiError> {
    let week = super::weeks::week_of(&week)?;
    Ok(Json(horizon_of(&state, &caller, week).await?))
}

/// What `GET /api/v1/weeks/{week}/horizon` answers; the week page shows the same.
pub(crate) async fn horizon_of(
    state: &AppState,
    caller: &Caller,
    week: IsoWeek,
) -> Result<HorizonDto, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let territory = state
        .store
        .load_planning_territory(week.monday(), comparison_end(week))
        .await?;
    let travel = state.store.load_travel_overrides().await?;
    let digest = inputs_digest(&territory, &travel);
    let kept = match state.store.horizon_figures(week, &digest).await? {
        None => None,
        Some((current, body)) => match serde_json::from_str::<StoredHorizon>(&body) {
            Ok(stored) => Some((current, stored)),
            // Figures an older or later Parcours kept: simulate again.
            Err(e) => {
                tracing::warn!(error = %e, "simulated weeks that do not read back: ignored");
                None
            }
        },
    };
    let run = state.simulations.get(week);
    let running = run.as_ref().filter(|r| r.finished.is_none());
    let failed = run.as_ref().and_then(|r| r.error.clone());
    let current = kept.as_ref().is_some_and(|(c, _)| *c);
    let status = if running.is_some() {
        HorizonStatus::Running
    } else if current {
        HorizonStatus::Done
    } else if failed.is_some() {
        HorizonStatus::Failed
    } else {
        HorizonStatus::None
    };
    Ok(HorizonDto {
        week: week.to_string(),
        status,
        current,
        weeks_done: running.map(|r| r.done),
        weeks_total: running.map(|r| r.total),
        elapsed_seconds: running.map(|r| r.started.elapsed().as_secs_f64()),
        computed_at: kept.as_ref().map(|(_, s)| s.computed_at),
        rota_seconds: kept.as_ref().map(|(_, s)| s.rota_seconds),
        figures: kept.map(|(_, s)| s.figures),
        error: failed.filter(|_| status == HorizonStatus::Failed),
    })
}

/// Simulate the eight weeks from this week, in the background: answers at once; `GET` follows.
#[utoipa::path(
    post,
    path = "/api/v1/weeks/{week}/horizon",
    params(("week" = String, Path, description = "ISO week, `2026-W49`: one that does not exist, or that the imported calendar does not cover, is a 422", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49")),
    request_body(content = NewHorizon, description = "Optional settings", content_type = "application/json"),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 202, description = "Started (or already running for this week)", body = HorizonDto),
        (status = 400, description = "Malformed JSON", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 413, description = "Body over 256 KiB", body = super::error::ErrorBody),
        (status = 422, description = "A week that cannot be planned, or settings out of range", body = super::error::ErrorBody),
        (status = 429, description = "Another week is being simulated: retry after `Retry-After` seconds", body = super::error::ErrorBody,
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn simulate(
    State(state): State<AppState>,
    caller: Caller,
    Path(week): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let week = super::jobs::plannable_week(&state, &week).await?;
    let settings: NewHorizon = super::extract::optional_json_body(request, &state).await?;
    start_simulation(&state, week, &settings)?;
    let shown = horizon_of(&state, &caller, week).await?;
    Ok((StatusCode::ACCEPTED, Json(shown)).into_response())
}

/// Starts the simulation of the eight weeks from `week` (what `POST` and the week page's
/// « Simuler » do); nothing new when it is already running.
///
/// # Errors
/// 422 for settings out of range; 429 while another week is being simulated.
pub(crate) fn start_simulation(
    state: &AppState,
    week: IsoWeek,
    settings: &NewHorizon,
) -> Result<(), ApiError> {
    let template = template(week, settings)?;
    match state.simulations.begin(week) {
        Ok(()) => {}
        Err(running) if running == week => return Ok(()),
        Err(_) => return Err(ApiError::Busy(RETRY_AFTER)),
    }
    let state = state.clone();
    tokio::spawn(async move {
        let outcome = run(&state, week, template).await;
        state.simulations.update(week, |r| {
            r.finished = Some(Instant::now());
            r.error = outcome.err();
        });
    });
    Ok(())
}

/// The settings of each week's plan in the simulation from `week`: `parcours plan`'s, but for
/// the time limit asked.
///
/// # Errors
/// 422 naming `time_limit_seconds` out of range.
pub(crate) fn template(week: IsoWeek, settings: &NewHorizon) -> Result<PlanOptions, ApiError> {
    let mut template = PlanOptions::new(week);
    if let Some(t) = super::jobs::rota_time(week, settings.time_limit_seconds)? {
        template.rota_time = t;
    }
    Ok(template)
}

/// Runs the simulation week by week through the solve slot and keeps its figures; the reason
/// in French when it fails.
async fn run(state: &AppState, week: IsoWeek, mut template: PlanOptions) -> Result<(), String> {
    let territory = state
        .store
        .load_planning_territory(week.monday(), comparison_end(week))
        .await
        .map_err(|e| format!("lecture du territoire : {e}"))?;
    template.travel = state
        .store
        .load_travel_overrides()
        .await
        .map_err(|e| format!("lecture des trajets mesurés : {e}"))?;
    let digest = inputs_digest(&territory, &template.travel);
    let rota_seconds = template.rota_time.as_secs_f64();
    let mut comparison = Comparison::new(&territory, week, &template);
    drop(territory);
    let mut again = false;
    while !comparison.is_over() {
        let stop = Arc::new(AtomicBool::new(false));
        let mut attempt = comparison.clone();
        attempt.set_cancel(Some(Arc::clone(&stop)));
        let solved = state
            .solve_slot
            .plan_job(stop, again, move || {
                let stepped = attempt.step();
                (attempt, stepped)
            })
            .await
            .map_err(|e| format!("le calcul s'est interrompu : {e}"))?;
        match solved {
            Solved::Done((mut next, stepped)) => {
                stepped?;
                next.set_cancel(None);
                comparison = next;
                again = false;
                let (done, _) = comparison.progress();
                state.simulations.update(week, |r| r.done = done);
            }
            // A report took the slot: this week again, from where it was.
            Solved::GaveWay => again = true,
        }
    }
    let figures = comparison.finish().expect("BUG: every step is done");
    let stored = StoredHorizon {
        computed_at: Utc::now(),
        rota_seconds,
        figures,
    };
    let body = serde_json::to_string(&stored).map_err(|e| format!("figures en JSON : {e}"))?;
    state
        .store
        .save_horizon_figures(week, &digest, &body)
        .await
        .map_err(|e| format!("enregistrement des figures : {e}"))
}

/// The last day the simulation from `week` plans.
fn comparison_end(week: IsoWeek) -> chrono::NaiveDate {
    week.monday() + chrono::Days::new(7 * crate::report::horizon::COMPARISON_WEEKS as u64 - 1)
}
