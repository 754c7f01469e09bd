//! `GET /api/v1/territory`: the coordinator's territory — communes, référents, families (codes
//! only: families have no names in Parcours).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Caller;
use super::{ApiError, AppState};
use crate::domain::Role;

/// A commune.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct CommuneDto {
    insee: String,
    name: String,
}

/// A référent.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ReferentDto {
    code: String,
    name: String,
    commune: String,
    /// Working hours, as in `referents.csv` (`lundi 09:00-17:00, …`).
    working_hours: String,
    target_caseload: u32,
    max_caseload: u32,
    /// `commune:59606`, `qpv:QPV-59606-1`, …
    sectors: Vec<String>,
    /// Languages besides French.
    languages: Vec<String>,
    travel_mode: String,
}

/// The territory.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct TerritoryDto {
    communes: Vec<CommuneDto>,
    referents: Vec<ReferentDto>,
    families: Vec<super::families::FamilyDto>,
}

/// `GET /api/v1/territory`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(territory))
}

/// The territory, for coordinators.
#[utoipa::path(
    get,
    path = "/api/v1/territory",
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "Communes, référents and families", body = TerritoryDto),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
    )
)]
pub(super) async fn territory(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<TerritoryDto>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let t = state.store.load_territory().await?;
    Ok(Json(TerritoryDto {
        communes: t
            .communes
            .iter()
            .map(|c| CommuneDto {
                insee: c.insee.to_string(),
                name: c.name.clone(),
            })
            .collect(),
        referents: t
            .referents
            .iter()
            .map(|r| ReferentDto {
                code: r.code.to_string(),
                name: r.name.clone(),
                commune: r.commune.to_string(),
                working_hours: r.working_hours.to_string(),
                target_caseload: r.target_caseload,
                max_caseload: r.max_caseload,
                sectors: r.sectors.iter().map(ToString::to_string).collect(),
                languages: r.languages.iter().map(|l| l.code().to_owned()).collect(),
                travel_mode: r.travel_mode.key().to_owned(),
            })
            .collect(),
        families: t.families.iter().map(super::families::dto).collect(),
    }))
}
