//! One error type for every handler, turned into a status and a JSON body (STYLE.md §6).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::store::StoreError;

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Nothing here, or nothing the caller may know of: a bare 404 with no body.
    #[error("not found")]
    NotFound,
    /// The database does not answer (503).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A failure of ours (500); the details go to the log, not to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::Internal(e.to_string())
    }
}

#[derive(Serialize)]
struct Body {
    error: &'static str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND.into_response(),
            ApiError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(Body {
                        error: "base de données indisponible",
                    }),
                )
                    .into_response()
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(Body {
                        error: "erreur interne",
                    }),
                )
                    .into_response()
            }
        }
    }
}
