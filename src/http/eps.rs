//! The EPS meetings of a school year (issue 17), for coordinators: plan the year (a job, like
//! a week's rota), read it, publish it, mark a meeting held or cancelled, and a meeting's
//! invitation (its list, its single-meeting calendar). Professionals have no role here: only
//! their feed.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{AppJson, AppQuery, Caller};
use super::{ApiError, AppState, FieldIssue};
use crate::domain::Role;
use crate::feeds::events::eps_event;
use crate::feeds::ics::{self, Calendar};
use crate::planning::eps::{EpsMeeting, EpsOptions, EpsPlan, InvitationLine, MeetingStatus};
use crate::planning::{Horizon, PlanEnvelope, PlanKind, PlanMethod, PlanRequest, SchoolYear};
use crate::store::StoreError;

/// The longest solve a client may ask for, in seconds.
const MAX_TIME_LIMIT_SECONDS: f64 = 600.0;

/// How many times a status change overtaken by another change of the year is applied again.
const STATUS_ATTEMPTS: usize = 3;

/// `POST /api/v1/eps/{year}/plans`, `GET /api/v1/eps/{year}/plan`, `POST …/publish`, `PUT
/// …/meetings/{code}/status`, `GET …/meetings/{code}/invitation` and `invitation.ics`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(start))
        .routes(routes!(read))
        .routes(routes!(publish))
        .routes(routes!(set_status))
        .routes(routes!(invitation))
        .routes(routes!(invitation_ics))
}

/// A school year in a path (`2026-2027`); another text names nothing: 404.
pub(super) fn year_of(text: &str) -> Result<SchoolYear, ApiError> {
    match Horizon::parse(text) {
        Ok(Horizon::SchoolYear(year)) => Ok(year),
        _ => Err(ApiError::NotFound),
    }
}

pub(super) fn invalid(record: impl Into<String>, field: &str, message: String) -> ApiError {
    ApiError::Invalid(vec![FieldIssue {
        record: record.into(),
        field: field.into(),
        message,
    }])
}

/// How to plan a year.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewEpsPlan {
    /// Also plan what a poll does (first free slot, EPS by EPS) and report the difference.
    #[serde(default)]
    pub(super) compare_baseline: bool,
    /// Seed of the solve (default 1).
    pub(super) seed: Option<u64>,
    /// Time limit of the solve, seconds (default 60, at most 600).
    pub(super) time_limit_seconds: Option<f64>,
    /// Plan the rest of a year already begun from this day: the meetings of the last plan
    /// before it are held and stay.
    pub(super) from: Option<NaiveDate>,
    /// Start over, ignoring the year's last plan. By default a year already planned is
    /// re-planned: each meeting stays while it still can.
    #[serde(default)]
    pub(super) fresh: bool,
}

/// Plan the EPS meetings of a school year: returns at once with the job's number; `GET
/// /api/v1/jobs/{id}` follows it, and its report once done.
#[utoipa::path(
    post,
    path = "/api/v1/eps/{year}/plans",
    params(("year" = String, Path, description = "School year, `2026-2027` (another text: 404)", example = "2026-2027")),
    request_body(content = NewEpsPlan, description = "Optional settings", content_type = "application/json"),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 202, description = "Queued", body = super::jobs::JobDto),
        (status = 400, description = "Malformed JSON", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such school year"),
        (status = 413, description = "Body over 256 KiB", body = super::error::ErrorBody),
        (status = 422, description = "Settings out of range, or `from` outside the year or without a plan to keep", body = super::error::ErrorBody),
        (status = 429, description = "Too many plans queued or running: retry after `Retry-After` seconds", body = super::error::ErrorBody,
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub(super) async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let year = year_of(&year)?;
    let settings: NewEpsPlan = super::extract::optional_json_body(request, &state).await?;
    let shown = start_year(state, year, settings).await?;
    let id = shown.id;
    Ok((
        StatusCode::ACCEPTED,
        [(LOCATION, format!("/api/v1/jobs/{id}"))],
        Json(shown),
    )
        .into_response())
}

/// Queues the plan of `year` with `settings`: what `POST /api/v1/eps/{year}/plans` and the web
/// app's « Planifier » do. 422 naming the field for settings out of range.
pub(super) async fn start_year(
    state: AppState,
    year: SchoolYear,
    settings: NewEpsPlan,
) -> Result<super::jobs::JobDto, ApiError> {
    let mut options = EpsOptions::new(year);
    options.compare_baseline = settings.compare_baseline;
    if let Some(seed) = settings.seed {
        options.seed = seed;
    }
    if let Some(t) = time_limit(year, settings.time_limit_seconds)? {
        options.time_limit = t;
    }
    if let Some(from) = settings.from {
        if from < year.first_day() || from > year.last_day() {
            return Err(invalid(
                year.to_string(),
                "from",
                format!("le {from} n'est pas dans l'année scolaire {year}"),
            ));
        }
        let planned = state
            .store
            .latest_plan::<EpsPlan>(year, PlanMethod::Optimised)
            .await?
            .is_some();
        if settings.fresh || !planned {
            return Err(invalid(
                year.to_string(),
                "from",
                format!(
                    "« from » garde les réunions tenues du dernier plan de l'année {year} : il n'y en a pas encore (ou « fresh » l'écarte)"
                ),
            ));
        }
        options.from = Some(from);
    }
    super::jobs::queue(state, PlanRequest::EpsYear(options), !settings.fresh)
}

/// The time limit a client asked for: 422 naming `time_limit_seconds` outside (0, 600] s.
pub(super) fn time_limit(
    year: SchoolYear,
    seconds: Option<f64>,
) -> Result<Option<std::time::Duration>, ApiError> {
    let Some(t) = seconds else { return Ok(None) };
    if !(t.is_finite() && t > 0.0 && t <= MAX_TIME_LIMIT_SECONDS) {
        return Err(invalid(
            year.to_string(),
            "time_limit_seconds",
            format!("{t} : une durée entre 0 et {MAX_TIME_LIMIT_SECONDS} secondes est attendue"),
        ));
    }
    Ok(Some(std::time::Duration::from_secs_f64(t)))
}

/// A year's last plan, as a coordinator reads it.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct EpsYearDto {
    /// The school year.
    pub(super) year: String,
    /// The plan's version.
    pub(super) version: i64,
    /// The version the feeds show, if one is published.
    pub(super) published_version: Option<i64>,
    /// The plan: its meetings with their attendees, those unplaced with why, the driving, the
    /// gap and the stop reason.
    #[schema(value_type = Object)]
    pub(super) plan: EpsPlan,
}

/// The last plan of a year's EPS meetings.
#[utoipa::path(
    get,
    path = "/api/v1/eps/{year}/plan",
    params(("year" = String, Path, description = "School year, `2026-2027`", example = "2026-2027")),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The year's last plan", body = EpsYearDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such year, or not planned yet"),
    )
)]
pub(super) async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<String>,
) -> Result<Json<EpsYearDto>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let year = year_of(&year)?;
    year_plan(&state, year).await.map(Json)
}

/// `year`'s last plan and its version; 404 when it has none.
async fn last_plan(state: &AppState, year: SchoolYear) -> Result<(i64, EpsPlan), ApiError> {
    state
        .store
        .latest_plan::<EpsPlan>(year, PlanMethod::Optimised)
        .await?
        .ok_or(ApiError::NotFound)
}

/// `year`'s last plan with its published version: what `GET /api/v1/eps/{year}/plan` answers.
pub(super) async fn year_plan(state: &AppState, year: SchoolYear) -> Result<EpsYearDto, ApiError> {
    let (version, plan) = last_plan(state, year).await?;
    let published_version = state
        .store
        .published_version(PlanKind::EpsYear, year)
        .await?;
    Ok(EpsYearDto {
        year: year.to_string(),
        version,
        published_version,
        plan,
    })
}

/// Which version to publish.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PublishQuery {
    /// The version to publish, instead of the last.
    pub(super) version: Option<i64>,
}

/// What a publication changed in the feeds.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct EpsPublicationDto {
    /// `eps_year`.
    pub(super) kind: &'static str,
    pub(super) year: String,
    pub(super) version: i64,
    /// Events new in someone's feed.
    pub(super) added: usize,
    /// Events moved or changed (their `SEQUENCE` raised).
    pub(super) changed: usize,
    /// Events cancelled (`STATUS:CANCELLED`).
    pub(super) cancelled: usize,
    pub(super) unchanged: usize,
}

/// Publish a year's plan: from now on every attendee's feed shows its meetings, and the
/// weekly rota holds the référents' ones as fixed commitments.
#[utoipa::path(
    post,
    path = "/api/v1/eps/{year}/publish",
    params(("year" = String, Path, description = "School year, `2026-2027`", example = "2026-2027"), PublishQuery),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "Published", body = EpsPublicationDto),
        (status = 400, description = "A `version` that is no integer", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such year or plan"),
    )
)]
pub(super) async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<String>,
    AppQuery(query): AppQuery<PublishQuery>,
) -> Result<Json<EpsPublicationDto>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let year = year_of(&year)?;
    publish_year(&state, year, query.version).await.map(Json)
}

/// Publishes `version` (the last when `None`) of `year`: what the API and the web app's
/// « Publier » do.
pub(super) async fn publish_year(
    state: &AppState,
    year: SchoolYear,
    version: Option<i64>,
) -> Result<EpsPublicationDto, ApiError> {
    let p = state
        .store
        .publish(PlanKind::EpsYear, year, version, (state.clock)())
        .await?
        .ok_or(ApiError::NotFound)?;
    state.feeds.clear();
    Ok(EpsPublicationDto {
        kind: p.kind.key(),
        year: p.horizon.to_string(),
        version: p.version,
        added: p.added,
        changed: p.changed,
        cancelled: p.cancelled,
        unchanged: p.unchanged,
    })
}

/// Where a meeting stands now.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewStatus {
    /// `held` (it took place: it never moves), `cancelled` (it will not take place at this
    /// slot: calendars drop it once published, and the next plan gives it another slot) or
    /// `planned`.
    #[schema(value_type = String, pattern = "^(held|cancelled|planned)$", example = "held")]
    pub(super) status: MeetingStatus,
}

/// A meeting's new status, stored as the year's next version.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct StatusDto {
    /// The version that holds it (publish it for the feeds to show it).
    pub(super) version: i64,
    /// The meeting.
    #[schema(value_type = Object)]
    pub(super) meeting: EpsMeeting,
}

/// Mark a meeting held, cancelled or planned again: stored as the year's next version, never
/// over another change made meanwhile.
#[utoipa::path(
    put,
    path = "/api/v1/eps/{year}/meetings/{code}/status",
    params(
        ("year" = String, Path, description = "School year, `2026-2027`", example = "2026-2027"),
        ("code" = String, Path, description = "The meeting, `EPS-07-R3`", example = "EPS-07-R3"),
    ),
    request_body(content = NewStatus, content_type = "application/json"),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "Stored", body = StatusDto),
        (status = 400, description = "Malformed JSON", body = super::error::ErrorBody),
        (status = 413, description = "Body over 256 KiB", body = super::error::ErrorBody),
        (status = 422, description = "An unknown status", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such year, plan or meeting"),
        (status = 409, description = "The year changed again and again meanwhile: read it again", body = super::error::ErrorBody),
    )
)]
pub(super) async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    Path((year, code)): Path<(String, String)>,
    AppJson(body): AppJson<NewStatus>,
) -> Result<Json<StatusDto>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let year = year_of(&year)?;
    mark(&state, year, &code, body.status).await.map(Json)
}

/// Sets meeting `code` of `year`'s last plan to `status`, stored after that version: what the
/// API and the web app do.
pub(super) async fn mark(
    state: &AppState,
    year: SchoolYear,
    code: &str,
    status: MeetingStatus,
) -> Result<StatusDto, ApiError> {
    for _ in 0..STATUS_ATTEMPTS {
        let (base, mut plan) = last_plan(state, year).await?;
        let meeting = plan
            .meetings
            .iter_mut()
            .find(|m| m.code == code)
            .ok_or(ApiError::NotFound)?;
        meeting.status = status;
        let meeting = meeting.clone();
        match state
            .store
            .save_plans_after(&[PlanEnvelope::of(&plan)], 1, Some(base))
            .await
        {
            Ok(versions) => {
                tracing::info!(meeting = code, status = ?status, "EPS meeting status set");
                return Ok(StatusDto {
                    version: versions[0],
                    meeting,
                });
            }
            Err(StoreError::Overtaken { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Conflict)
}

/// A meeting's invitation.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct InvitationDto {
    pub(super) code: String,
    pub(super) eps_name: String,
    /// Europe/Paris local time with its offset.
    pub(super) start: chrono::DateTime<chrono::FixedOffset>,
    pub(super) minutes: u32,
    /// The site's name and commune.
    pub(super) place: String,
    /// Who is invited: name, structure, required or invited, whether she can come.
    pub(super) invited: Vec<InvitationLineDto>,
}

/// One person invited.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct InvitationLineDto {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) structure: String,
    /// Required or invited, in French.
    pub(super) role: String,
    pub(super) present: bool,
}

impl From<InvitationLine> for InvitationLineDto {
    fn from(l: InvitationLine) -> InvitationLineDto {
        InvitationLineDto {
            code: l.code,
            name: l.name,
            structure: l.structure,
            role: l.role,
            present: l.present,
        }
    }
}

/// The meeting `code` of `year`'s last plan.
async fn meeting_of(
    state: &AppState,
    year: &str,
    code: &str,
) -> Result<(SchoolYear, EpsMeeting), ApiError> {
    let year = year_of(year)?;
    let (_, plan) = last_plan(state, year).await?;
    let meeting = plan
        .meetings
        .into_iter()
        .find(|m| m.code == code)
        .ok_or(ApiError::NotFound)?;
    Ok((year, meeting))
}

/// A meeting's invitation list: name, structure, required or invited.
#[utoipa::path(
    get,
    path = "/api/v1/eps/{year}/meetings/{code}/invitation",
    params(
        ("year" = String, Path, description = "School year, `2026-2027`", example = "2026-2027"),
        ("code" = String, Path, description = "The meeting, `EPS-07-R3`", example = "EPS-07-R3"),
    ),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The invitation", body = InvitationDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such year, plan or meeting"),
    )
)]
pub(super) async fn invitation(
    State(state): State<AppState>,
    caller: Caller,
    Path((year, code)): Path<(String, String)>,
) -> Result<Json<InvitationDto>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    invitation_of(&state, &year, &code).await.map(Json)
}

/// The invitation of meeting `code` of `year` (as the path gives them): what the API and the
/// web app show.
pub(super) async fn invitation_of(
    state: &AppState,
    year: &str,
    code: &str,
) -> Result<InvitationDto, ApiError> {
    let (_, meeting) = meeting_of(state, year, code).await?;
    let territory = state.store.load_territory().await?;
    let invited = crate::planning::eps::invitation_list(&territory, &meeting)
        .into_iter()
        .map(InvitationLineDto::from)
        .collect();
    Ok(InvitationDto {
        code: meeting.code.clone(),
        eps_name: meeting.eps_name.clone(),
        start: super::weeks::paris(meeting.start()),
        minutes: meeting.minutes,
        place: meeting.place.clone(),
        invited,
    })
}

/// A meeting's single-meeting calendar, for an e-mail invitation: « EPS <name> » at its site,
/// never a child or a family.
#[utoipa::path(
    get,
    path = "/api/v1/eps/{year}/meetings/{code}/invitation.ics",
    params(
        ("year" = String, Path, description = "School year, `2026-2027`", example = "2026-2027"),
        ("code" = String, Path, description = "The meeting, `EPS-07-R3`", example = "EPS-07-R3"),
    ),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The meeting's calendar", content_type = "text/calendar", body = String),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such year, plan or meeting"),
    )
)]
pub(super) async fn invitation_ics(
    State(state): State<AppState>,
    caller: Caller,
    Path((year, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let body = invitation_calendar(&state, &year, &code).await?;
    Ok(([(CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response())
}

/// The single-meeting calendar of meeting `code` of `year`.
pub(super) async fn invitation_calendar(
    state: &AppState,
    year: &str,
    code: &str,
) -> Result<String, ApiError> {
    let (year, meeting) = meeting_of(state, year, code).await?;
    let calendar = Calendar {
        name: format!("Parcours – {}", meeting.eps_name),
        events: vec![eps_event(year, &meeting)],
    };
    Ok(ics::write(&calendar, (state.clock)()))
}
