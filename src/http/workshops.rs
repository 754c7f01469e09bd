//! The collective workshops of a school year (issue 18): coordinators plan the year (a job,
//! like a week's rota), read it, publish it; a référent reads the groups of the children she
//! follows, and the roster of a group she leads; a group's roster carries child codes and ages,
//! never a name.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::eps::{PublishQuery, invalid, time_limit, year_of};
use super::extract::{AppQuery, Caller};
use super::{ApiError, AppState};
use crate::domain::{Code, Role};
use crate::planning::eps::EpsPlan;
use crate::planning::workshops::{Enrolment, WorkshopGroup, WorkshopOptions, WorkshopPlan};
use crate::planning::{PlanKind, PlanMethod, PlanRequest, SchoolYear};

/// `POST /api/v1/workshops/{year}/plans`, `GET /api/v1/workshops/{year}/plan`, `POST
/// …/publish` and `GET …/groups/{code}/roster`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(start))
        .routes(routes!(read))
        .routes(routes!(publish))
        .routes(routes!(roster))
}

/// How to plan a year of workshops.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewWorkshopPlan {
    /// Also plan what is done by hand (one group per fiche-action at its first preferred slot
    /// and site, children in orientation order) and report the difference.
    #[serde(default)]
    pub(super) compare_baseline: bool,
    /// Seed of the solve (default 1).
    pub(super) seed: Option<u64>,
    /// Time limit of the solve, seconds (default 60, at most 600).
    pub(super) time_limit_seconds: Option<f64>,
    /// Plan the rest of a year already begun from this day: the groups of the last plan started
    /// before it stay, with their children.
    pub(super) from: Option<NaiveDate>,
    /// Start over, ignoring the year's last plan. By default a year already planned is
    /// re-planned: each group and enrolment stays while it still pays.
    #[serde(default)]
    pub(super) fresh: bool,
}

/// Plan the collective workshops of a school year: returns at once with the job's number; `GET
/// /api/v1/jobs/{id}` follows it, and its report once done.
#[utoipa::path(
    post,
    path = "/api/v1/workshops/{year}/plans",
    params(("year" = String, Path, description = "School year, `2026-2027` (another text: 404)", example = "2026-2027")),
    request_body(content = NewWorkshopPlan, description = "Optional settings", content_type = "application/json"),
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
    let settings: NewWorkshopPlan = super::extract::optional_json_body(request, &state).await?;
    let mut options = WorkshopOptions::new(year);
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
        let planned = last_plan(&state, year).await.is_ok();
        if settings.fresh || !planned {
            return Err(invalid(
                year.to_string(),
                "from",
                format!(
                    "« from » garde les groupes commencés du dernier plan de l'année {year} : il n'y en a pas encore (ou « fresh » l'écarte)"
                ),
            ));
        }
        options.from = Some(from);
    }
    options.eps = state.store.published::<EpsPlan>(year).await?;
    let shown = super::jobs::queue(state, PlanRequest::Workshops(options), !settings.fresh)?;
    let id = shown.id;
    Ok((
        StatusCode::ACCEPTED,
        [(LOCATION, format!("/api/v1/jobs/{id}"))],
        Json(shown),
    )
        .into_response())
}

/// `year`'s last plan and its version; 404 when it has none.
async fn last_plan(state: &AppState, year: SchoolYear) -> Result<(i64, WorkshopPlan), ApiError> {
    state
        .store
        .latest_plan::<WorkshopPlan>(year, PlanMethod::Optimised)
        .await?
        .ok_or(ApiError::NotFound)
}

/// A year's last plan, as its reader may see it.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct WorkshopYearDto {
    /// The school year.
    pub(super) year: String,
    /// The plan's version.
    pub(super) version: i64,
    /// The version the feeds show, if one is published.
    pub(super) published_version: Option<i64>,
    /// The plan: its groups (slot, site, dates, children), the children left out with why, the
    /// families' travel, the gap and the stop reason. A référent sees only the groups of the
    /// children she follows, with only those children, and only hers left out.
    #[schema(value_type = Object)]
    pub(super) plan: WorkshopPlan,
}

/// The codes of the children `referent` follows (those of her families).
async fn children_of(state: &AppState, referent: &Code) -> Result<Vec<String>, ApiError> {
    let territory = state.store.load_territory().await?;
    let families: Vec<&Code> = territory
        .families
        .iter()
        .filter(|f| f.referent.as_ref().is_some_and(|(r, _)| r == referent))
        .map(|f| &f.code)
        .collect();
    Ok(territory
        .children
        .iter()
        .filter(|c| families.contains(&&c.family))
        .map(|c| c.code.to_string())
        .collect())
}

/// `plan` as a référent following `children` may read it.
fn for_referent(mut plan: WorkshopPlan, children: &[String]) -> WorkshopPlan {
    let hers = |e: &Enrolment| children.contains(&e.child);
    plan.groups.retain(|g| g.children.iter().any(hers));
    for g in &mut plan.groups {
        g.children.retain(hers);
    }
    plan.unenrolled.retain(|u| children.contains(&u.child));
    // The plan's totals concern every family: not hers to read.
    plan.family_minutes = 0;
    plan.family_meters = 0;
    plan.costs.clear();
    plan
}

/// The last plan of a year's workshops: all of it for a coordinator, the groups of her children
/// for a référent.
#[utoipa::path(
    get,
    path = "/api/v1/workshops/{year}/plan",
    params(("year" = String, Path, description = "School year, `2026-2027`", example = "2026-2027")),
    security(("bearer" = ["coordinator", "referent"])),
    responses(
        (status = 200, description = "The year's last plan", body = WorkshopYearDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Neither a coordinator nor a référent", body = super::error::ErrorBody),
        (status = 404, description = "No such year, or not planned yet"),
    )
)]
pub(super) async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<String>,
) -> Result<Json<WorkshopYearDto>, ApiError> {
    caller.require(&[Role::Coordinator, Role::Referent])?;
    let year = year_of(&year)?;
    let (version, plan) = last_plan(&state, year).await?;
    let plan = if caller.role == Role::Referent {
        for_referent(plan, &children_of(&state, &caller.person).await?)
    } else {
        plan
    };
    let published_version = state
        .store
        .published_version(PlanKind::Workshops, year)
        .await?;
    Ok(Json(WorkshopYearDto {
        year: year.to_string(),
        version,
        published_version,
        plan,
    }))
}

/// What a publication changed in the feeds.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct WorkshopPublicationDto {
    /// `workshops`.
    pub(super) kind: &'static str,
    pub(super) year: String,
    pub(super) version: i64,
    /// Sessions new in a facilitator's feed.
    pub(super) added: usize,
    /// Sessions moved or changed (their `SEQUENCE` raised).
    pub(super) changed: usize,
    /// Sessions cancelled (`STATUS:CANCELLED`).
    pub(super) cancelled: usize,
    pub(super) unchanged: usize,
}

/// Publish a year's plan: from now on each facilitator's feed shows her sessions, and the weekly
/// rota holds the sessions a référent leads as fixed commitments.
#[utoipa::path(
    post,
    path = "/api/v1/workshops/{year}/publish",
    params(("year" = String, Path, description = "School year, `2026-2027`", example = "2026-2027"), PublishQuery),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "Published", body = WorkshopPublicationDto),
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
) -> Result<Json<WorkshopPublicationDto>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let year = year_of(&year)?;
    let p = state
        .store
        .publish(PlanKind::Workshops, year, query.version, (state.clock)())
        .await?
        .ok_or(ApiError::NotFound)?;
    state.feeds.clear();
    Ok(Json(WorkshopPublicationDto {
        kind: p.kind.key(),
        year: p.horizon.to_string(),
        version: p.version,
        added: p.added,
        changed: p.changed,
        cancelled: p.cancelled,
        unchanged: p.unchanged,
    }))
}

/// A group's roster, for its facilitator.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct RosterDto {
    /// The group (`FA-04-G1`).
    pub(super) code: String,
    pub(super) theme: String,
    pub(super) facilitator: String,
    /// The site's name and commune.
    pub(super) place: String,
    /// Each session: its code (`FA-04-G1-S3`) and its start, Europe/Paris local time with its
    /// offset.
    pub(super) sessions: Vec<SessionDto>,
    /// The children: code and age, never a name.
    pub(super) children: Vec<ChildDto>,
}

/// One session of a roster.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct SessionDto {
    pub(super) code: String,
    pub(super) start: chrono::DateTime<chrono::FixedOffset>,
    pub(super) minutes: u32,
}

/// One child of a roster.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ChildDto {
    pub(super) child: String,
    pub(super) age: u32,
}

fn roster_of(group: &WorkshopGroup) -> RosterDto {
    RosterDto {
        code: group.code.clone(),
        theme: group.theme.clone(),
        facilitator: group.facilitator.clone(),
        place: group.place.clone(),
        sessions: (0..group.dates.len())
            .map(|i| SessionDto {
                code: group.session_code(i),
                start: super::weeks::paris(group.start(i)),
                minutes: group.minutes,
            })
            .collect(),
        children: group
            .children
            .iter()
            .map(|c| ChildDto {
                child: c.child.clone(),
                age: c.age,
            })
            .collect(),
    }
}

/// A group's roster: its sessions and its children's codes and ages. A coordinator reads any; a
/// référent the groups she leads.
#[utoipa::path(
    get,
    path = "/api/v1/workshops/{year}/groups/{code}/roster",
    params(
        ("year" = String, Path, description = "School year, `2026-2027`", example = "2026-2027"),
        ("code" = String, Path, description = "The group, `FA-04-G1`", example = "FA-04-G1"),
    ),
    security(("bearer" = ["coordinator", "referent"])),
    responses(
        (status = 200, description = "The roster", body = RosterDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Neither a coordinator nor the référent who leads it", body = super::error::ErrorBody),
        (status = 404, description = "No such year, plan or group"),
    )
)]
pub(super) async fn roster(
    State(state): State<AppState>,
    caller: Caller,
    Path((year, code)): Path<(String, String)>,
) -> Result<Json<RosterDto>, ApiError> {
    caller.require(&[Role::Coordinator, Role::Referent])?;
    let year = year_of(&year)?;
    let (_, plan) = last_plan(&state, year).await?;
    let group = plan
        .groups
        .iter()
        .find(|g| g.code == code)
        .ok_or(ApiError::NotFound)?;
    if caller.role == Role::Referent && group.facilitator != caller.person.as_str() {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(roster_of(group)))
}
