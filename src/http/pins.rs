//! A coordinator fixes a visit of the week's plan at a day and time (« fixer une visite »,
//! from the web app's grid or the API), and the rest of that référent's touched days is
//! planned again around it: the same move a référent reports on her published week
//! (`planning::apply_visit_report`), applied to the week's last plan, stored as its next
//! version, not published. The visit is confirmed: no later re-plan moves it.
//!
//! Two changes made at once never lose each other: the new version is stored only if the one
//! it was made from is still the last (`Store::save_plans_after`); otherwise the pin is made
//! again on the new last version.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{AppJson, Caller};
use super::visits::{invalid, local_time, report_error, report_inputs};
use super::{ApiError, AppState};
use crate::domain::{Code, Role};
use crate::planning::{
    IsoWeek, PlanEnvelope, PlanMethod, VisitReport, WeekPlan, apply_visit_report,
};
use crate::store::StoreError;

/// How many times a pin overtaken by another change is made again before the caller is asked
/// to retry.
const PIN_ATTEMPTS: usize = 4;

/// Where the visit is fixed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Pin {
    /// Its start, RFC 3339 (`2026-12-02T14:00:00+01:00`) or Europe/Paris local time
    /// (`2026-12-02T14:00`), in the week.
    #[schema(format = DateTime)]
    pub(super) start: String,
}

/// What fixing it did.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Pinned {
    /// The new version of the week's plan (not published).
    pub(super) version: i64,
    /// The référent whose visit it is.
    pub(super) referent: String,
    /// Her other visits the re-plan moved to another day or could no longer place.
    pub(super) moved: Vec<String>,
}

/// `PUT /api/v1/weeks/{week}/plan/pins/{family}`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(put_pin))
}

/// Fix a visit of the week's last plan at a time, and plan her touched days again around it.
#[utoipa::path(
    put,
    path = "/api/v1/weeks/{week}/plan/pins/{family}",
    params(
        ("week" = String, Path, description = "ISO week, `2026-W49`", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49"),
        ("family" = String, Path, description = "The family's code, `F-0001`", example = "F-0001"),
    ),
    request_body = Pin,
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "Fixed, her touched days planned again, stored as a new version", body = Pinned),
        (status = 400, description = "Malformed JSON", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No plan of the week, or no visit to that family in it"),
        (status = 409, description = "The plan kept changing meanwhile: try again", body = super::error::ErrorBody),
        (status = 422, description = "A start that is no time of the week, or that conflicts (named)", body = super::error::ErrorBody),
    )
)]
pub(super) async fn put_pin(
    State(state): State<AppState>,
    caller: Caller,
    Path((week, family)): Path<(String, String)>,
    AppJson(pin): AppJson<Pin>,
) -> Result<Json<Pinned>, ApiError> {
    let week = super::weeks::week_of(&week)?;
    let family = Code::parse(&family).map_err(|_| ApiError::NotFound)?;
    pin_visit(&state, &caller, week, &family, &pin.start)
        .await
        .map(Json)
}

/// Fixes `family`'s visit of `week`'s last plan at `start`: what the API's pin and the web
/// app's « Fixer » do.
pub(super) async fn pin_visit(
    state: &AppState,
    caller: &Caller,
    week: IsoWeek,
    family: &Code,
    start: &str,
) -> Result<Pinned, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let code = family.as_str();
    let to = local_time(start).map_err(|m| invalid(code, "start", m))?;
    if !week.contains(to.date()) {
        return Err(invalid(
            code,
            "start",
            format!(
                "le {} n'est pas dans la semaine {week}",
                to.format("%d/%m/%Y")
            ),
        ));
    }
    for attempt in 0..PIN_ATTEMPTS {
        let (version, plan) = state
            .store
            .latest_plan::<WeekPlan>(week, PlanMethod::Optimised)
            .await?
            .ok_or(ApiError::NotFound)?;
        let (territory, travel, options, today) = report_inputs(state, week).await?;
        let seed = options.seed;
        let family_code = code.to_owned();
        let applied = state
            .solve_slot
            .urgent(move || {
                apply_visit_report(
                    &territory,
                    &travel,
                    &plan,
                    &family_code,
                    VisitReport::Moved(to),
                    today,
                    options,
                )
            })
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let reported = applied.map_err(|e| report_error(code, "start", e))?;
        let Some(new) = reported.plan else {
            return Err(ApiError::Internal("a move always re-plans".into()));
        };
        match state
            .store
            .save_plans_after(&[PlanEnvelope::of(&new)], seed, Some(version))
            .await
        {
            Ok(versions) => {
                tracing::info!(attempt, version = versions[0], "visit fixed");
                return Ok(Pinned {
                    version: versions[0],
                    referent: reported.referent,
                    moved: reported.moved,
                });
            }
            Err(StoreError::Overtaken { .. }) => {
                tracing::debug!(attempt, "plan changed meanwhile: pin made again");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Refused(
        "le plan de la semaine a changé plusieurs fois pendant l'enregistrement : réessayez".into(),
    ))
}
