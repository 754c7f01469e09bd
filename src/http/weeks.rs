//! A week's plans: publishing one (coordinators), and reading a référent's published week (her
//! own for a référent, anyone's for a coordinator).

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone as _};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{AppQuery, Caller};
use super::{ApiError, AppState};
use crate::domain::{Code, Role};
use crate::planning::{
    DayRoute, IsoWeek, PlanChanges, PlanKind, PlanMethod, ReferentWeek, Stop, StopKind, WeekPlan,
};
use crate::report::week::PlanFigures;

/// The week of a path naming something stored (a plan, a published week): a text that is no
/// ISO week, or a week that does not exist, names nothing (a bare 404). Only a plan's creation
/// says why a week is refused (422, `jobs::plannable`).
pub(super) fn week_of(text: &str) -> Result<IsoWeek, ApiError> {
    IsoWeek::parse(text).map_err(|_| ApiError::NotFound)
}

/// A Europe/Paris local time with its offset (RFC 3339 on the wire). A time skipped by the
/// spring change (no stop is planned at 02:30) is read at the winter offset: 02:30 is
/// 03:30+02:00, the same instant.
pub(super) fn paris(t: NaiveDateTime) -> DateTime<FixedOffset> {
    let paris = chrono_tz::Europe::Paris;
    paris
        .from_local_datetime(&t)
        .earliest()
        .or_else(|| {
            paris
                .from_local_datetime(&(t + Duration::hours(1)))
                .earliest()
        })
        .expect("BUG: Europe/Paris skips at most an hour")
        .fixed_offset()
}

/// `POST /api/v1/weeks/{week}/publish`, `GET /api/v1/weeks/{week}/referents/{code}`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(publish))
        .routes(routes!(week_plan))
        .routes(routes!(week_map))
        .routes(routes!(referent_week))
}

/// Which version to publish.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PublishQuery {
    /// A plan version of the week (default: its last plan).
    version: Option<i64>,
}

/// What a publication changed in the feeds.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct PublicationDto {
    /// What the plan plans: `rota`.
    pub(super) kind: &'static str,
    pub(super) week: String,
    pub(super) version: i64,
    pub(super) added: usize,
    pub(super) changed: usize,
    pub(super) cancelled: usize,
    pub(super) unchanged: usize,
}

/// Publish a week's plan: from now on the feeds show it, all at once.
#[utoipa::path(
    post,
    path = "/api/v1/weeks/{week}/publish",
    params(("week" = String, Path, description = "ISO week, `2026-W49` (another text: no such week, 404)", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49"), PublishQuery),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "Published", body = PublicationDto),
        (status = 400, description = "A `version` that is no integer", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such week or plan"),
    )
)]
pub(super) async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(week): Path<String>,
    AppQuery(query): AppQuery<PublishQuery>,
) -> Result<Json<PublicationDto>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let week = week_of(&week)?;
    publish_week(&state, week, query.version).await.map(Json)
}

/// Publishes `version` (the last when `None`) of `week`'s rota: what `POST
/// /api/v1/weeks/{week}/publish` and the web app's « Publier » do.
pub(super) async fn publish_week(
    state: &AppState,
    week: IsoWeek,
    version: Option<i64>,
) -> Result<PublicationDto, ApiError> {
    let p = state
        .store
        .publish(PlanKind::Rota, week, version, (state.clock)())
        .await?
        .ok_or(ApiError::NotFound)?;
    state.feeds.clear();
    Ok(PublicationDto {
        kind: p.kind.key(),
        week: p.horizon.to_string(),
        version: p.version,
        added: p.added,
        changed: p.changed,
        cancelled: p.cancelled,
        unchanged: p.unchanged,
    })
}

/// One stop of a day.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct StopDto {
    /// Stable id within the week (`visite-2026-W49-F-0001`).
    pub(super) id: String,
    /// `visit` or `fixed` (a meeting, a training…).
    pub(super) kind: String,
    /// The family of a visit.
    pub(super) family: Option<String>,
    /// The label of a fixed engagement (`Réunion EPS`).
    pub(super) label: Option<String>,
    /// Europe/Paris local time with its offset.
    pub(super) start: DateTime<FixedOffset>,
    pub(super) end: DateTime<FixedOffset>,
    pub(super) commune: String,
    pub(super) commune_name: String,
    /// `domicile`, `bureau`, `centre social`…
    pub(super) place: String,
    pub(super) travel_minutes: i64,
    pub(super) confirmed: bool,
}

/// One working day.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DayDto {
    pub(super) date: NaiveDate,
    /// When she leaves her base (Europe/Paris, with its offset); none on a day without stops.
    pub(super) leave: Option<DateTime<FixedOffset>>,
    /// When she is back.
    pub(super) back: Option<DateTime<FixedOffset>>,
    pub(super) stops: Vec<StopDto>,
    pub(super) return_minutes: i64,
    /// Her lunch break's start (Europe/Paris, with its offset), on a day with stops and a break.
    pub(super) lunch_start: Option<DateTime<FixedOffset>>,
    /// Its minutes (0 without a break).
    pub(super) lunch_minutes: i64,
}

/// A référent's published week.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ReferentWeekDto {
    pub(super) week: String,
    pub(super) referent: String,
    /// The published plan version.
    pub(super) version: i64,
    pub(super) days: Vec<DayDto>,
    pub(super) travel_minutes: i64,
}

/// A référent's published week: a référent reads her own (another's is a 404), a coordinator
/// anyone's.
#[utoipa::path(
    get,
    path = "/api/v1/weeks/{week}/referents/{code}",
    params(
        ("week" = String, Path, description = "ISO week, `2026-W49` (another text: no such week, 404)", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49"),
        ("code" = String, Path, description = "The référent's code, `R-01`", example = "R-01"),
    ),
    security(("bearer" = ["coordinator", "referent"])),
    responses(
        (status = 200, description = "Her published week", body = ReferentWeekDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Logistics staff", body = super::error::ErrorBody),
        (status = 404, description = "Not published, unknown, or not hers"),
    )
)]
pub(super) async fn referent_week(
    State(state): State<AppState>,
    caller: Caller,
    Path((week, code)): Path<(String, String)>,
) -> Result<Json<ReferentWeekDto>, ApiError> {
    caller.require(&[Role::Coordinator, Role::Referent])?;
    let week = week_of(&week)?;
    let code = Code::parse(&code).map_err(|_| ApiError::NotFound)?;
    published_week_of(&state, &caller, week, &code)
        .await
        .map(Json)
}

/// `code`'s published `week` as `caller` may read it: her own for a référent (another's is
/// a 404), anyone's for a coordinator. What `GET /api/v1/weeks/{week}/referents/{code}` and
/// the web app's week of a référent show.
pub(super) async fn published_week_of(
    state: &AppState,
    caller: &Caller,
    week: IsoWeek,
    code: &Code,
) -> Result<ReferentWeekDto, ApiError> {
    caller.require(&[Role::Coordinator, Role::Referent])?;
    // Another référent's week does not exist for her.
    if caller.role == Role::Referent && caller.person != *code {
        return Err(ApiError::NotFound);
    }
    let (version, plan) = state
        .store
        .published_plan(week)
        .await?
        .ok_or(ApiError::NotFound)?;
    let her = plan
        .referents
        .iter()
        .find(|r| r.code == code.as_str())
        .ok_or(ApiError::NotFound)?;
    Ok(week_dto(week, version, her, caller.role))
}

/// Which plan of the week to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PlanQuery {
    /// A plan version of the week (default: its last plan).
    version: Option<i64>,
}

/// A week's plan as a coordinator reads it, published or not.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct WeekPlanDto {
    pub(super) week: String,
    /// This plan's version.
    pub(super) version: i64,
    /// The version the feeds show, if one is published.
    pub(super) published_version: Option<i64>,
    /// Its figures, as `parcours plan --json` gives them under `plan`: visits placed and due,
    /// travel, each référent's workload, the visits not placed grouped by cause.
    #[schema(value_type = Object)]
    pub(super) figures: PlanFigures,
    /// Today's practice for the week, from the last plan that compared it.
    #[schema(value_type = Option<Object>)]
    pub(super) baseline: Option<PlanFigures>,
    /// What publishing this plan would change in the référents' weeks, against the version
    /// published (none when nothing is): per référent, visits moved, dropped, added.
    #[schema(value_type = Option<Object>)]
    pub(super) unpublished_changes: Option<PlanChanges>,
    /// Each référent's week (her private appointments left out, as in her published week).
    pub(super) referents: Vec<ReferentWeekDto>,
}

/// A week's plan, the last one or `version`, with its figures and what publishing it would
/// change: coordinators only.
#[utoipa::path(
    get,
    path = "/api/v1/weeks/{week}/plan",
    params(("week" = String, Path, description = "ISO week, `2026-W49` (another text: no such week, 404)", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49"), PlanQuery),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The plan", body = WeekPlanDto),
        (status = 400, description = "A `version` that is no integer", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such week or plan"),
    )
)]
pub(super) async fn week_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(week): Path<String>,
    AppQuery(query): AppQuery<PlanQuery>,
) -> Result<Json<WeekPlanDto>, ApiError> {
    let week = week_of(&week)?;
    plan_of(&state, &caller, week, query.version)
        .await
        .map(Json)
}

/// What `GET /api/v1/weeks/{week}/plan` answers, and the web app's week shows.
pub(super) async fn plan_of(
    state: &AppState,
    caller: &Caller,
    week: IsoWeek,
    version: Option<i64>,
) -> Result<WeekPlanDto, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let store = &state.store;
    let (version, plan) = match version {
        Some(v) => (
            v,
            store
                .plan::<WeekPlan>(week, PlanMethod::Optimised, v)
                .await?,
        ),
        None => match store
            .latest_plan::<WeekPlan>(week, PlanMethod::Optimised)
            .await?
        {
            Some((v, plan)) => (v, Some(plan)),
            None => (0, None),
        },
    };
    let plan = plan.ok_or(ApiError::NotFound)?;
    let published = store.published_plan(week).await?;
    let baseline = store
        .latest_plan::<WeekPlan>(week, PlanMethod::Baseline)
        .await?
        .map(|(_, b)| PlanFigures::of(&b));
    Ok(WeekPlanDto {
        week: week.to_string(),
        version,
        published_version: published.as_ref().map(|(v, _)| *v),
        figures: PlanFigures::of(&plan),
        baseline,
        unpublished_changes: published.map(|(_, before)| crate::planning::changes(&before, &plan)),
        referents: plan
            .referents
            .iter()
            .map(|her| week_dto(week, version, her, caller.role))
            .collect(),
    })
}

/// `her` published week as `role` may read it: her private appointments are hers, shown to her
/// and not to a coordinator.
fn week_dto(week: IsoWeek, version: i64, her: &ReferentWeek, role: Role) -> ReferentWeekDto {
    let shown = |s: &&Stop| {
        role == Role::Referent || !matches!(s.kind, StopKind::Fixed { private: true, .. })
    };
    let day = |d: &DayRoute| DayDto {
        date: d.date,
        leave: d.leave.map(paris),
        back: d.back.map(paris),
        stops: d.stops.iter().filter(shown).map(stop_dto).collect(),
        return_minutes: d.return_minutes,
        lunch_start: d.lunch.map(|(start, _)| paris(start)),
        lunch_minutes: d.lunch.map_or(0, |(_, minutes)| minutes),
    };
    ReferentWeekDto {
        week: week.to_string(),
        referent: her.code.clone(),
        version,
        days: her.days.iter().map(day).collect(),
        travel_minutes: her.travel_minutes(),
    }
}

fn stop_dto(s: &Stop) -> StopDto {
    let (kind, family, label) = match &s.kind {
        StopKind::Visit { family } => ("visit", Some(family.clone()), None),
        StopKind::Fixed { label, .. } => ("fixed", None, Some(label.clone())),
    };
    StopDto {
        id: s.id.clone(),
        kind: kind.to_owned(),
        family,
        label,
        start: paris(s.start),
        end: paris(s.end),
        commune: s.commune.clone(),
        commune_name: s.commune_name.clone(),
        place: s.place.french().to_owned(),
        travel_minutes: s.travel_minutes,
        confirmed: s.confirmed,
    }
}

/// The map of a week's last plan beside today's practice (its last comparison), each visit
/// labelled with its family's code on hover and focus, each visit not placed drawn at the
/// family's home: coordinators only.
#[utoipa::path(
    get,
    path = "/api/v1/weeks/{week}/map",
    params(("week" = String, Path, description = "ISO week, `2026-W49` (another text: no such week, 404)", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49")),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The map, SVG", content_type = "image/svg+xml", body = String),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such week or plan"),
    )
)]
pub(super) async fn week_map(
    State(state): State<AppState>,
    caller: Caller,
    Path(week): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse as _;
    let week = week_of(&week)?;
    let svg = map_of(&state, &caller, week).await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("image/svg+xml"),
        )],
        svg,
    )
        .into_response())
}

/// What `GET /api/v1/weeks/{week}/map` answers, and the web app's « La carte » shows.
pub(super) async fn map_of(
    state: &AppState,
    caller: &Caller,
    week: IsoWeek,
) -> Result<String, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let store = &state.store;
    let (_, plan) = store
        .latest_plan::<WeekPlan>(week, PlanMethod::Optimised)
        .await?
        .ok_or(ApiError::NotFound)?;
    let baseline = store
        .latest_plan::<WeekPlan>(week, PlanMethod::Baseline)
        .await?
        .map(|(_, b)| b);
    let territory = store.load_territory().await?;
    let communes: Vec<(String, f64, f64)> = territory
        .communes
        .iter()
        .map(|c| (c.name.clone(), c.location.lat(), c.location.lon()))
        .collect();
    let homes = territory
        .families
        .iter()
        .map(|f| (f.code.to_string(), (f.location.lat(), f.location.lon())))
        .collect();
    Ok(crate::report::map::week_map_labelled(
        &plan,
        baseline.as_ref(),
        &communes,
        &homes,
    ))
}
