//! Extractors: who calls (`Caller`, from the bearer token) and a JSON body whose rejection is
//! one of our errors (`AppJson`).

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::{ApiError, AppState};
use crate::domain::{Code, Role};
use crate::feeds::token;

/// The person behind the request's `Authorization: Bearer <token>`, and her role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Her code (`R-01`, `C-01`).
    pub person: Code,
    /// What she may do.
    pub role: Role,
}

impl Caller {
    /// 403 unless her role is one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let raw = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .ok_or(ApiError::Unauthorized)?;
        let user = state
            .store
            .user_by_token(&token::hash(raw))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Caller {
            person: user.person,
            role: user.role,
        })
    }
}

/// `Json<T>` whose malformed body is a 400 with a French message.
pub struct AppJson<T>(pub T);

impl<T, S> FromRequest<S> for AppJson<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<AppJson<T>, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(AppJson(value)),
            Err(rejection) => Err(ApiError::BadRequest(format!(
                "corps de requête illisible : {}",
                rejection.body_text()
            ))),
        }
    }
}
