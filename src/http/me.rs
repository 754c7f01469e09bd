//! `GET /api/v1/me`: who the token belongs to.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::Caller;

/// The caller.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Me {
    /// Her code (`R-01`).
    person: String,
    /// `coordinator`, `referent` or `logistics`.
    role: String,
}

/// `GET /api/v1/me`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(me))
}

/// Who am I.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
    )
)]
pub(super) async fn me(caller: Caller) -> Json<Me> {
    Json(Me {
        person: caller.person.to_string(),
        role: caller.role.key().to_owned(),
    })
}
