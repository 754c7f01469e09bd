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
use crate::planning::{DayRoute, IsoWeek, PlanKind, ReferentWeek, Stop, StopKind};

/// The week of a path naming something stored (a plan, a published week): a text that is no
/// ISO week, or a week that does not exist, names nothing (a bare 404). Only a plan's creation
/// says why a week is refused (422, `jobs::plannable`).
pub(super) fn week_of(text: &str) -> Result<IsoWeek, ApiError> {
    IsoWeek::parse(text).map_err(|_| ApiError::NotFound)
}

/// A Europe/Paris local time with its offset (RFC 3339 on the wire). A time skipped by the
/// spring change (no stop is planned at 02:30) is read at the winter offset: 02:30 is
/// 03:30+02:00, the same instant.
fn paris(t: NaiveDateTime) -> DateTime<FixedOffset> {
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
    kind: &'static str,
    week: String,
    version: i64,
    added: usize,
    changed: usize,
    cancelled: usize,
    unchanged: usize,
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
    let p = state
        .store
        .publish(PlanKind::Rota, week, query.version, (state.clock)())
        .await?
        .ok_or(ApiError::NotFound)?;
    state.feeds.clear();
    Ok(Json(PublicationDto {
        kind: p.kind.key(),
        week: p.horizon.to_string(),
        version: p.version,
        added: p.added,
        changed: p.changed,
        cancelled: p.cancelled,
        unchanged: p.unchanged,
    }))
}

/// One stop of a day.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct StopDto {
    /// Stable id within the week (`visite-2026-W49-F-0001`).
    id: String,
    /// `visit` or `fixed` (a meeting, a training…).
    kind: String,
    /// The family of a visit.
    family: Option<String>,
    /// The label of a fixed engagement (`Réunion EPS`).
    label: Option<String>,
    /// Europe/Paris local time with its offset.
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    commune: String,
    commune_name: String,
    /// `domicile`, `bureau`, `centre social`…
    place: String,
    travel_minutes: i64,
    confirmed: bool,
}

/// One working day.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DayDto {
    date: NaiveDate,
    /// When she leaves her base (Europe/Paris, with its offset); none on a day without stops.
    leave: Option<DateTime<FixedOffset>>,
    /// When she is back.
    back: Option<DateTime<FixedOffset>>,
    stops: Vec<StopDto>,
    return_minutes: i64,
}

/// A référent's published week.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ReferentWeekDto {
    week: String,
    referent: String,
    /// The published plan version.
    version: i64,
    days: Vec<DayDto>,
    travel_minutes: i64,
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
    // Another référent's week does not exist for her.
    if caller.role == Role::Referent && caller.person != code {
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
    Ok(Json(week_dto(week, version, her, caller.role)))
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
