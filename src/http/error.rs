//! One error type for every handler, turned into a status and a JSON body (STYLE.md §6).
//! Bodies are French for the people who read them; a 404 has no body, so that it tells nothing
//! of what exists. Answers made outside the handlers (the body limit's 413, the router's 405,
//! the timeout's 503) are given the same shape by [`json_error`] (issue 13).

use std::time::Duration;

use axum::Json;
use axum::http::header::{ALLOW, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::StoreError;

/// A field that cannot be accepted as it is (422; 400 for a query parameter or a body that does
/// not have the expected shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldIssue {
    /// The record's code (`F-0012`), or what the field belongs to.
    pub record: String,
    /// The field (`disponibilites`).
    pub field: String,
    /// What is wrong, in French.
    pub message: String,
}

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No token, or one that is unknown or revoked (401).
    #[error("unauthorized")]
    Unauthorized,
    /// The caller's role may not do this (403).
    #[error("forbidden")]
    Forbidden,
    /// Nothing here, or nothing the caller may know of: a bare 404 with no body.
    #[error("not found")]
    NotFound,
    /// A request that cannot be read: malformed JSON, a bad path parameter (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A request that cannot be read, field by field: a query parameter of the wrong type (400).
    #[error("unreadable fields")]
    Unreadable(Vec<FieldIssue>),
    /// A body larger than the limit (413).
    #[error("payload too large")]
    TooLarge,
    /// A method the path does not answer (405), with the ones it does (`Allow`).
    #[error("method not allowed")]
    MethodNotAllowed(Option<HeaderValue>),
    /// Too much work queued already (429): try again after this long.
    #[error("too many requests")]
    Busy(Duration),
    /// The record changed since the caller read it (409): read it again.
    #[error("conflict")]
    Conflict,
    /// A change that cannot be applied to the data as it now stands, with why in French (409):
    /// a visit report on a visit that is no longer in the published week.
    #[error("refused: {0}")]
    Refused(String),
    /// An update that does not say which version it was made from (428).
    #[error("precondition required")]
    PreconditionRequired,
    /// Well-formed data that cannot be accepted, field by field (422).
    #[error("invalid data")]
    Invalid(Vec<FieldIssue>),
    /// The request took longer than the server's request timeout (503).
    #[error("timed out")]
    TimedOut,
    /// The database does not answer (503).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A failure of ours (500); the details go to the log, not to the client.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        if e.is_unknown_person() {
            return ApiError::Invalid(vec![FieldIssue {
                record: "personne".into(),
                field: "person".into(),
                message: e.to_string(),
            }]);
        }
        ApiError::Internal(e.to_string())
    }
}

/// The body of every error but 404.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in French.
    pub error: String,
    /// For 400 and 422: each field that cannot be accepted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldIssue>,
}

fn body(status: StatusCode, error: impl Into<String>, fields: Vec<FieldIssue>) -> Response {
    (
        status,
        Json(ErrorBody {
            error: error.into(),
            fields,
        }),
    )
        .into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Unauthorized => {
                let mut r = body(
                    StatusCode::UNAUTHORIZED,
                    "jeton d'accès manquant, inconnu ou révoqué",
                    Vec::new(),
                );
                r.headers_mut()
                    .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                r
            }
            ApiError::Forbidden => body(
                StatusCode::FORBIDDEN,
                "votre rôle ne permet pas cette action",
                Vec::new(),
            ),
            ApiError::NotFound => StatusCode::NOT_FOUND.into_response(),
            ApiError::BadRequest(message) => body(StatusCode::BAD_REQUEST, message, Vec::new()),
            ApiError::Unreadable(fields) => {
                body(StatusCode::BAD_REQUEST, "requête illisible", fields)
            }
            ApiError::TooLarge => body(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "corps de requête trop volumineux : {} Kio au plus",
                    super::BODY_LIMIT_BYTES / 1024
                ),
                Vec::new(),
            ),
            ApiError::MethodNotAllowed(allow) => {
                let mut r = body(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "cette adresse ne répond pas à cette méthode",
                    Vec::new(),
                );
                if let Some(allow) = allow {
                    r.headers_mut().insert(ALLOW, allow);
                }
                r
            }
            ApiError::Busy(after) => {
                let mut r = body(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "trop de calculs en attente : réessayez dans {} secondes",
                        after.as_secs()
                    ),
                    Vec::new(),
                );
                r.headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(after.as_secs()));
                r
            }
            ApiError::TimedOut => body(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "la requête a dépassé {} secondes : réessayez plus tard",
                    super::REQUEST_TIMEOUT.as_secs()
                ),
                Vec::new(),
            ),
            ApiError::Conflict => body(
                StatusCode::CONFLICT,
                "la fiche a été modifiée depuis votre lecture : relisez-la avant de la modifier",
                Vec::new(),
            ),
            ApiError::Refused(message) => body(StatusCode::CONFLICT, message, Vec::new()),
            ApiError::PreconditionRequired => body(
                StatusCode::PRECONDITION_REQUIRED,
                "indiquez la version lue (en-tête If-Match) pour modifier une fiche existante",
                Vec::new(),
            ),
            ApiError::Invalid(fields) => body(
                StatusCode::UNPROCESSABLE_ENTITY,
                "données invalides",
                fields,
            ),
            ApiError::Unavailable(detail) => {
                tracing::warn!(%detail, "database unavailable");
                body(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "base de données indisponible",
                    Vec::new(),
                )
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                body(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "erreur interne",
                    Vec::new(),
                )
            }
        }
    }
}

/// The same answer in our shape, for one made outside the handlers: an error without a JSON
/// body (the body limit's 413, the router's 405, the timeout's 503, an extractor's 400) gets
/// one; everything else, a bare 404 included, is kept as it is.
pub(super) fn json_error(status: StatusCode, headers: &HeaderMap) -> Option<Response> {
    let has_body = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if status.as_u16() < 400 || status == StatusCode::NOT_FOUND || has_body {
        return None;
    }
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed(headers.get(ALLOW).cloned()),
        StatusCode::SERVICE_UNAVAILABLE => ApiError::TimedOut,
        StatusCode::BAD_REQUEST => ApiError::BadRequest("requête illisible".into()),
        other if other.is_server_error() => ApiError::Internal(format!("{other} without a body")),
        other => {
            return Some(body(
                other,
                format!("requête refusée ({})", other.as_u16()),
                Vec::new(),
            ));
        }
    };
    Some(error.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(axum::http::HeaderName, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(n, v)| (n.clone(), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn an_answer_made_outside_the_handlers_gets_the_json_shape_and_a_404_stays_bare() {
        // The timeout's 503 has no body at all.
        let timed_out = json_error(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new()).unwrap();
        assert_eq!(timed_out.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(timed_out.headers()["content-type"], "application/json");
        // The router's 405 keeps saying which methods the path answers.
        let allow = headers(&[(ALLOW, "GET,HEAD")]);
        let method = json_error(StatusCode::METHOD_NOT_ALLOWED, &allow).unwrap();
        assert_eq!(method.headers()[ALLOW], "GET,HEAD");
        assert_eq!(method.headers()["content-type"], "application/json");
        let plain = headers(&[(axum::http::header::CONTENT_TYPE, "text/plain")]);
        assert_eq!(
            json_error(StatusCode::PAYLOAD_TOO_LARGE, &plain)
                .unwrap()
                .status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        // Ours already have the shape; a 404 tells nothing; a success is no error.
        let ours = headers(&[(axum::http::header::CONTENT_TYPE, "application/json")]);
        assert!(json_error(StatusCode::BAD_REQUEST, &ours).is_none());
        assert!(json_error(StatusCode::NOT_FOUND, &HeaderMap::new()).is_none());
        assert!(json_error(StatusCode::NOT_MODIFIED, &HeaderMap::new()).is_none());
    }
}
