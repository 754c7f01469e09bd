//! Référents' absences, for coordinators (issue 15): record one, lift one, list a week's. An
//! absence is kept in the database and holds for every later plan of its week (fresh, re-plan,
//! job or visit report) until it is lifted; recording one plans nothing by itself.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::FieldIssue;
use super::extract::Caller;
use super::weeks::week_of;
use super::{ApiError, AppState};
use crate::domain::{Code, Role, echo, parse_date};
use crate::store::StoreError;

/// A référent absent on a day.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AbsenceDto {
    /// The référent's code.
    referent: String,
    /// The day she does not work (local date).
    date: NaiveDate,
}

/// `GET /api/v1/weeks/{week}/absences`, `PUT` and `DELETE /api/v1/absences/{referent}/{date}`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(list))
        .routes(routes!(record, lift))
}

/// The référent and date of a path, each refused with a French message naming it (422).
fn absence_of(referent: &str, date: &str) -> Result<(Code, NaiveDate), ApiError> {
    let invalid = |field: &str, message: String| {
        ApiError::Invalid(vec![FieldIssue {
            record: echo(referent),
            field: field.into(),
            message,
        }])
    };
    let code = Code::parse(referent).map_err(|e| invalid("referent", e.to_string()))?;
    let date = parse_date(date).map_err(|e| invalid("date", e.to_string()))?;
    Ok((code, date))
}

/// An unknown référent is the caller's mistake, named (422).
fn unknown_referent(e: StoreError, code: &Code) -> ApiError {
    if e.is_unknown_person() {
        return ApiError::Invalid(vec![FieldIssue {
            record: code.to_string(),
            field: "referent".into(),
            message: format!("référent {code} inconnu"),
        }]);
    }
    e.into()
}

/// The absences recorded in a week, by date then référent.
#[utoipa::path(
    get,
    path = "/api/v1/weeks/{week}/absences",
    params(("week" = String, Path, description = "ISO week, `2026-W49` (another text: no such week, 404)", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49")),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The week's absences", body = Vec<AbsenceDto>),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such week"),
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(week): Path<String>,
) -> Result<Json<Vec<AbsenceDto>>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let week = week_of(&week)?;
    let absences = state.store.absences(Some(week)).await?;
    Ok(Json(
        absences
            .into_iter()
            .map(|(referent, date)| AbsenceDto {
                referent: referent.to_string(),
                date,
            })
            .collect(),
    ))
}

/// Record a référent absent on a day: every later plan of its week closes that day for her.
#[utoipa::path(
    put,
    path = "/api/v1/absences/{referent}/{date}",
    params(
        ("referent" = String, Path, description = "The référent's code", example = "R-01"),
        ("date" = String, Path, description = "The day, `2026-12-03` (or `03/12/2026`)", example = "2026-12-03"),
    ),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 201, description = "Recorded", body = AbsenceDto),
        (status = 200, description = "Already recorded: nothing changed", body = AbsenceDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 422, description = "An unknown référent or a date that does not exist, named; nothing is recorded", body = super::error::ErrorBody),
    )
)]
pub(super) async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path((referent, date)): Path<(String, String)>,
) -> Result<(StatusCode, Json<AbsenceDto>), ApiError> {
    caller.require(&[Role::Coordinator])?;
    let (code, date) = absence_of(&referent, &date)?;
    let added = state
        .store
        .add_absence(&code, date)
        .await
        .map_err(|e| unknown_referent(e, &code))?;
    let status = if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(AbsenceDto {
            referent: code.to_string(),
            date,
        }),
    ))
}

/// Lift a référent's absence: the next plan of its week may use that day again.
#[utoipa::path(
    delete,
    path = "/api/v1/absences/{referent}/{date}",
    params(
        ("referent" = String, Path, description = "The référent's code", example = "R-01"),
        ("date" = String, Path, description = "The day, `2026-12-03` (or `03/12/2026`)", example = "2026-12-03"),
    ),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 204, description = "Lifted"),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such absence recorded"),
        (status = 422, description = "An unknown référent or a date that does not exist, named", body = super::error::ErrorBody),
    )
)]
pub(super) async fn lift(
    State(state): State<AppState>,
    caller: Caller,
    Path((referent, date)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let (code, date) = absence_of(&referent, &date)?;
    let lifted = state
        .store
        .lift_absence(&code, date)
        .await
        .map_err(|e| unknown_referent(e, &code))?;
    if lifted {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
