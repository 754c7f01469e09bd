//! `GET /api/v1/rides`: the health appointments that need a ride (aide à la mobilité), for
//! logistics staff and coordinators. Booking comes with the mobility issue; this shows what
//! exists. The kind of care is health data and is left out: the ride does not need it. The care
//! place's name often names it too (« Cabinet de psychomotricité »): logistics staff get the
//! address and the commune, and only coordinators the place's name (issue #13).

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Caller;
use super::{ApiError, AppState};
use crate::domain::{HealthAppointment, Role};

/// A ride to book.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct RideDto {
    /// The appointment's code (`RDV-001`).
    pub(super) appointment: String,
    /// The child's pseudonymous code (`E-0318`).
    pub(super) child: String,
    /// Where: the care place's street address (when the spreadsheet gives it) and commune.
    pub(super) address: Option<String>,
    /// INSEE code of the care place's commune.
    pub(super) commune: String,
    /// Name of that commune.
    pub(super) commune_name: Option<String>,
    /// The care place's name, for coordinators only: it often names the kind of care.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) place_name: Option<String>,
    /// Europe/Paris local time with its offset.
    pub(super) start: DateTime<FixedOffset>,
    pub(super) minutes: u32,
    /// The child travels in a wheelchair: the vehicle must take one.
    pub(super) wheelchair: bool,
}

/// `GET /api/v1/rides`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(rides))
}

/// The rides to book, by start.
#[utoipa::path(
    get,
    path = "/api/v1/rides",
    security(("bearer" = ["logistics", "coordinator"])),
    responses(
        (status = 200, description = "Appointments needing a ride", body = [RideDto]),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "A référent", body = super::error::ErrorBody),
    )
)]
pub(super) async fn rides(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RideDto>>, ApiError> {
    to_book(&state, &caller).await.map(Json)
}

/// What `GET /api/v1/rides` answers, and the web app's « Trajets » lists.
pub(super) async fn to_book(state: &AppState, caller: &Caller) -> Result<Vec<RideDto>, ApiError> {
    caller.require(&[Role::Logistics, Role::Coordinator])?;
    let t = state.store.load_territory().await?;
    let ride = |a: &HealthAppointment| RideDto {
        appointment: a.code.to_string(),
        child: a.child.to_string(),
        address: a.address.clone(),
        commune: a.commune.to_string(),
        commune_name: t.commune_name(&a.commune).map(str::to_owned),
        place_name: (caller.role == Role::Coordinator).then(|| a.place_name.clone()),
        start: a
            .start
            .with_timezone(&chrono_tz::Europe::Paris)
            .fixed_offset(),
        minutes: a.minutes,
        wheelchair: a.wheelchair,
    };
    Ok(t.rides().into_iter().map(ride).collect())
}
