//! A référent reports what became of a visit of her published week: done, cancelled, or moved
//! to another time. A cancellation or a move re-plans only the days it touches (every other
//! visit stays exactly where it was), stores the result as a new version of the week and
//! publishes it, so that the change reaches her feed.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::FieldIssue;
use super::extract::{AppJson, Caller};
use super::{ApiError, AppState};
use crate::domain::{Code, Role};
use crate::planning::{PlanKind, PlanOptions, plan_week};

/// What became of the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum Outcome {
    /// It took place.
    Done,
    /// The family or the référent called it off: not planned again this week.
    Cancelled,
    /// It takes place at `to` instead.
    Moved,
}

/// A visit's outcome.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct VisitUpdate {
    /// `done`, `cancelled` or `moved`.
    status: Outcome,
    /// For `moved`: the new start, RFC 3339 (`2026-12-02T14:00:00+01:00`) or Europe/Paris
    /// local time (`2026-12-02T14:00:00`).
    pub(super) to: Option<String>,
}

/// What the change did.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct VisitChange {
    /// The new published version of the week (the same when nothing had to be re-planned).
    version: i64,
    /// Visits the re-plan moved to another day or could no longer place (family codes).
    moved: Vec<String>,
    /// Visits of the week left unplaced, with why (French).
    // A tuple's generated schema is not valid OpenAPI 3.1 (schemathesis refuses it, issue 13).
    #[schema(value_type = Vec<Vec<String>>)]
    unmet: Vec<(String, String)>,
}

fn invalid(family: &str, field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![FieldIssue {
        record: family.to_owned(),
        field: field.to_owned(),
        message: message.into(),
    }])
}

/// Local Europe/Paris time of `text`: RFC 3339 with any offset, or a local date-time.
pub(super) fn local_time(text: &str) -> Option<NaiveDateTime> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&chrono_tz::Europe::Paris).naive_local());
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .ok()
}

/// Report a visit done, cancelled or moved.
#[utoipa::path(
    post,
    path = "/api/v1/weeks/{week}/visits/{family}",
    params(
        ("week" = String, Path, description = "ISO week, `2026-W49`", pattern = r"^[0-9]{4}-W[0-9]{2}$"),
        ("family" = String, Path, description = "The family's code, `F-0001`"),
    ),
    request_body = VisitUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded, re-planned if needed, published", body = VisitChange),
        (status = 400, description = "Malformed JSON", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Logistics staff", body = super::error::ErrorBody),
        (status = 404, description = "No such visit in her published week"),
        (status = 422, description = "A move without a valid time, or to a day she does not work", body = super::error::ErrorBody),
    )
)]
pub(super) async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path((week, family)): Path<(String, String)>,
    AppJson(update): AppJson<VisitUpdate>,
) -> Result<Json<VisitChange>, ApiError> {
    caller.require(&[Role::Coordinator, Role::Referent])?;
    let week = super::weeks::week_of(&week)?;
    let family = Code::parse(&family).map_err(|_| ApiError::NotFound)?;
    let version = state
        .store
        .published_version(week)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut plan = state
        .store
        .plan(week, PlanKind::Optimised, version)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (referent, date) = {
        let (r, d, _) = plan.visit_of(family.as_str()).ok_or(ApiError::NotFound)?;
        (r.code.clone(), d.date)
    };
    // Her visit, or none that she may know of.
    if caller.role == Role::Referent && caller.person.as_str() != referent {
        return Err(ApiError::NotFound);
    }
    let mut options = PlanOptions::new(week);
    let touched: Vec<chrono::NaiveDate> = match update.status {
        Outcome::Done => {
            plan.confirm_visit(family.as_str());
            vec![]
        }
        Outcome::Cancelled => {
            options.excluded.push(family.to_string());
            vec![date]
        }
        Outcome::Moved => {
            let to = update.to.as_deref().and_then(local_time).ok_or_else(|| {
                invalid(
                    family.as_str(),
                    "to",
                    "une nouvelle date-heure est attendue (2026-12-02T14:00:00+01:00)",
                )
            })?;
            if !week.dates().any(|d| d == to.date()) {
                return Err(invalid(
                    family.as_str(),
                    "to",
                    format!("{to} n'est pas dans la semaine {week}"),
                ));
            }
            plan.move_visit(family.as_str(), to)
                .map_err(|m| invalid(family.as_str(), "to", m))?;
            vec![date, to.date()]
        }
    };
    if update.status == Outcome::Done {
        // Nothing to re-plan: the visit stays, now kept exactly by any later re-plan, and the
        // family's last visit is that day (its next one falls due from it).
        let territory = state.store.load_territory().await?;
        if let Some(f) = territory.families.iter().find(|f| f.code == family)
            && f.last_visit.is_none_or(|d| d < date)
        {
            let mut f = f.clone();
            f.last_visit = Some(date);
            let batch = crate::domain::Territory {
                families: vec![f],
                ..crate::domain::Territory::default()
            };
            state.store.apply_import(&batch, &[]).await?;
        }
        let new_version = state.store.save_plan(&plan, options.seed).await?;
        state
            .store
            .publish_week(week, Some(new_version), (state.clock)())
            .await?;
        state.feeds.clear();
        return Ok(Json(VisitChange {
            version: new_version,
            moved: Vec::new(),
            unmet: Vec::new(),
        }));
    }
    // Every visit outside the touched days stays exactly where it is.
    options.keep_exact = plan.visits_outside(&referent, &touched);
    options.previous = Some(plan);
    let seed = options.seed;
    let territory = state.store.load_territory().await?;
    options.travel = state.store.load_travel_overrides().await?;
    let outcome = tokio::task::spawn_blocking(move || plan_week(&territory, &options, &mut |_| {}))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let new_version = state.store.save_outcome(&outcome, seed).await?;
    state
        .store
        .publish_week(week, Some(new_version), (state.clock)())
        .await?;
    state.feeds.clear();
    Ok(Json(VisitChange {
        version: new_version,
        moved: outcome.moved.clone(),
        unmet: outcome
            .plan
            .unmet
            .iter()
            .map(|u| (u.family.clone(), u.reason.clone()))
            .collect(),
    }))
}
