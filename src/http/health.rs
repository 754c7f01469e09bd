//! `GET /health`: the server is up and its database answers.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiError, AppState};

/// The server's health.
#[derive(Serialize, ToSchema)]
pub(super) struct Health {
    /// `ok`.
    status: &'static str,
    /// `SQLite` or `PostgreSQL`.
    database: &'static str,
}

/// `GET /health`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(health))
}

/// 200 `{"status":"ok","database":"SQLite"}` when a query goes through, 503 otherwise.
#[utoipa::path(
    get,
    path = "/health",
    responses(
        (status = 200, description = "Up, database answering", body = Health),
        (status = 503, description = "Database unavailable", body = super::error::ErrorBody),
    )
)]
pub(super) async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(Json(Health {
        status: "ok",
        database: state.store.backend_name(),
    }))
}
