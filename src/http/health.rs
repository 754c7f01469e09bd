//! `GET /health`: the server is up and its database answers.

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use super::{ApiError, AppState};

#[derive(Serialize)]
pub(super) struct Health {
    status: &'static str,
    database: &'static str,
}

/// 200 `{"status":"ok","database":"SQLite"}` when a query goes through, 503 otherwise.
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
