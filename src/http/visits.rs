//! A référent reports what became of a visit of her published week: done, cancelled, or moved
//! to another time (`planning::apply_visit_report` says what that does to the week). The new
//! week is stored and published in one transaction that first checks the published version is
//! still the one the report was applied to: reports are applied one at a time on a server, and
//! one that another server (or a publication) overtook is applied again to the new week, so no
//! report answered 200 is ever lost and published versions only grow.

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::FieldIssue;
use super::extract::{AppJson, Caller};
use super::{ApiError, AppState};
use crate::domain::{Code, Role};
use crate::planning::{
    PlanError, PlanKind, PlanMethod, PlanOptions, ReportError, VisitReport, WeekPlan,
    apply_visit_report,
};
use crate::store::StoreError;

/// The rota's time limit when a report re-plans the week (its search does a quarter of it).
const REPORT_ROTA_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// How many times a report overtaken by another publication is applied again before the
/// caller is asked to retry.
const REPORT_ATTEMPTS: usize = 8;

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
    #[schema(format = DateTime)]
    pub(super) to: Option<String>,
}

/// What the change did, as her référent may read it.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct VisitChange {
    /// The published version of the week that holds the report.
    version: i64,
    /// Her visits the re-plan moved to another day or could no longer place (family codes).
    moved: Vec<String>,
    /// Her visits of the week left unplaced, with why (French): (family code, reason).
    // A tuple's generated schema is not valid OpenAPI 3.1 (schemathesis refuses it, issue 13).
    #[schema(value_type = Vec<Vec<String>>)]
    unmet: Vec<(String, String)>,
}

pub(super) fn invalid(family: &str, field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![FieldIssue {
        record: family.to_owned(),
        field: field.to_owned(),
        message: message.into(),
    }])
}

/// Local Europe/Paris time of `text`: RFC 3339 with any offset, or a local date-time that
/// exists once in Paris (the import's DST rule).
pub(super) fn local_time(text: &str) -> Result<NaiveDateTime, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&chrono_tz::Europe::Paris).naive_local());
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            "une date-heure est attendue (2026-12-02T14:00:00+01:00 ou 2026-12-02T14:00)".to_owned()
        })?;
    crate::domain::paris_instant(local).map_err(|e| e.to_string())?;
    Ok(local)
}

/// The référent whose visit to `family` the week holds, or held before it was cancelled.
fn owner(plan: &WeekPlan, family: &str) -> Option<String> {
    match plan.visit_of(family) {
        Some((r, _, _)) => Some(r.code.clone()),
        None if plan.cancelled.iter().any(|c| c == family) => plan
            .assignment
            .iter()
            .find(|(f, _)| f == family)
            .map(|(_, r)| r.clone()),
        None => None,
    }
}

/// `POST /api/v1/weeks/{week}/visits/{family}`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(update))
}

/// Report a visit done, cancelled or moved.
#[utoipa::path(
    post,
    path = "/api/v1/weeks/{week}/visits/{family}",
    params(
        ("week" = String, Path, description = "ISO week, `2026-W49`", pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49"),
        ("family" = String, Path, description = "The family's code, `F-0001`", example = "F-0001"),
    ),
    request_body = VisitUpdate,
    security(("bearer" = ["coordinator", "referent"])),
    responses(
        (status = 200, description = "Recorded, re-planned if needed, published", body = VisitChange),
        (status = 400, description = "Malformed JSON", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Logistics staff", body = super::error::ErrorBody),
        (status = 404, description = "No such visit in her published week"),
        (status = 409, description = "The visit was cancelled earlier, or the week kept changing: says why", body = super::error::ErrorBody),
        (status = 422, description = "A move without a valid time, or to a time that conflicts (named); a visit reported done before its day", body = super::error::ErrorBody),
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
    let code = family.as_str();
    let report = match update.status {
        Outcome::Done => VisitReport::Done,
        Outcome::Cancelled => VisitReport::Cancelled,
        Outcome::Moved => {
            let text = update.to.as_deref().ok_or_else(|| {
                invalid(
                    code,
                    "to",
                    "une nouvelle date-heure est attendue (2026-12-02T14:00:00+01:00)",
                )
            })?;
            let to = local_time(text).map_err(|m| invalid(code, "to", m))?;
            if !week.contains(to.date()) {
                return Err(invalid(
                    code,
                    "to",
                    format!(
                        "le {} n'est pas dans la semaine {week}",
                        to.format("%d/%m/%Y")
                    ),
                ));
            }
            VisitReport::Moved(to)
        }
    };
    // This server applies reports one at a time; another server's come through the store's
    // check of the published version.
    let _turn = state.reports.lock().await;
    for attempt in 0..REPORT_ATTEMPTS {
        let version = state
            .store
            .published_version(PlanKind::Rota, week)
            .await?
            .ok_or(ApiError::NotFound)?;
        let published: WeekPlan = state
            .store
            .plan(week, PlanMethod::Optimised, version)
            .await?
            .ok_or(ApiError::NotFound)?;
        // Her visit, or none that she may know of.
        let Some(referent) = owner(&published, code) else {
            return Err(if attempt == 0 {
                ApiError::NotFound
            } else {
                ApiError::Refused(format!(
                    "la visite à {code} n'est plus dans la semaine publiée : relisez votre semaine"
                ))
            });
        };
        if caller.role == Role::Referent && caller.person.as_str() != referent {
            return Err(ApiError::NotFound);
        }
        let (territory, travel, options, today) = report_inputs(&state, week).await?;
        let seed = options.seed;
        let family_code = code.to_owned();
        let apply = move || {
            apply_visit_report(
                &territory,
                &travel,
                &published,
                &family_code,
                report,
                today,
                options,
            )
            .map(|reported| (reported, published))
        };
        // A re-plan is a solve: in the server's one solve slot, in this request's span, ahead
        // of the plan jobs (one holding the slot gives way, so a référent never waits for a
        // coordinator's long plan). A visit done changes a flag and solves nothing.
        let applied = if report.replans() {
            state
                .solve_slot
                .urgent(apply)
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))?
        } else {
            apply()
        };
        let (reported, published) = applied.map_err(|e| report_error(code, "to", e))?;
        let recorded = state
            .store
            .record_report(
                week,
                version,
                reported.plan.as_ref().map(|p| (p, seed)),
                reported.done_on.map(|d| (&family, d)),
                (state.clock)(),
            )
            .await;
        match recorded {
            Ok(publication) => {
                state.feeds.clear();
                let week = reported.plan.as_ref().unwrap_or(&published);
                return Ok(Json(VisitChange {
                    version: publication.version,
                    moved: reported.moved,
                    unmet: week
                        .unmet
                        .iter()
                        .filter(|u| u.referent.as_deref() == Some(reported.referent.as_str()))
                        .map(|u| (u.family.clone(), u.reason.clone()))
                        .collect(),
                }));
            }
            Err(StoreError::Stale { .. }) => {
                tracing::debug!(attempt, "week published meanwhile: report applied again");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Refused(
        "la semaine a été republiée plusieurs fois pendant l'enregistrement : réessayez".into(),
    ))
}

/// What applying a report (or a coordinator's pin) to `week` needs: the stored territory and
/// travel times, the re-plan's options (its absences, and a short guard: a report re-plans a few
/// days of one référent, every other visit kept, well inside the request's timeout while
/// reports queue), and today in Paris.
pub(super) async fn report_inputs(
    state: &AppState,
    week: crate::planning::IsoWeek,
) -> Result<
    (
        crate::domain::Territory,
        Vec<crate::domain::TravelOverride>,
        PlanOptions,
        chrono::NaiveDate,
    ),
    ApiError,
> {
    let territory = state
        .store
        .load_planning_territory(week.monday(), week.sunday())
        .await?;
    let travel = state.store.load_travel_overrides().await?;
    let mut options = PlanOptions::new(week);
    options.rota_time = REPORT_ROTA_TIME;
    options.absences = state.store.absences(Some(week)).await?;
    let today = crate::domain::to_paris((state.clock)()).date();
    Ok((territory, travel, options, today))
}

/// What a report that cannot be applied answers: 404 for no such visit, 409 for one called
/// off, 422 naming `move_field` for a move that conflicts, `status` for a visit not yet due.
pub(super) fn report_error(code: &str, move_field: &str, e: ReportError) -> ApiError {
    match e {
        ReportError::NoVisit => ApiError::NotFound,
        ReportError::Gone(message) => ApiError::Refused(message),
        ReportError::Move(message) => invalid(code, move_field, message),
        ReportError::NotYet(message) => invalid(code, "status", message),
        ReportError::Plan(PlanError::Data {
            record,
            field,
            message,
        }) => ApiError::Invalid(vec![FieldIssue {
            record,
            field,
            message,
        }]),
        ReportError::Plan(e) => ApiError::Internal(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::local_time;

    #[test]
    fn a_local_time_that_does_not_exist_or_happens_twice_in_paris_is_refused_as_the_import_does() {
        let gap = local_time("2027-03-28T02:30:00").unwrap_err();
        assert!(gap.contains("n'existe pas"), "{gap}");
        let overlap = local_time("2026-10-25T02:30").unwrap_err();
        assert!(overlap.contains("existe deux fois"), "{overlap}");
        assert_eq!(
            local_time("2026-12-02T14:00:00+01:00").unwrap().to_string(),
            "2026-12-02 14:00:00"
        );
        assert!(local_time("mercredi 14h").is_err());
    }
}
