//! Feed subscriptions, for coordinators: create one for any person (its secret address is
//! returned once), revoke one.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::FieldIssue;
use super::extract::{AppJson, Caller};
use super::{ApiError, AppState};
use crate::domain::{Code, Role, echo};
use crate::feeds::token;

/// Whose calendar.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewSubscription {
    /// The person's code: a référent, a coordinator, a driver or a professional.
    pub(super) person: String,
}

/// A created subscription.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Subscription {
    pub(super) id: i64,
    pub(super) person: String,
    /// The feed's path on this server (`/feeds/<token>.ics`): shown once, never again.
    pub(super) path: String,
}

/// A subscription not revoked, as the list shows it: never its address.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ActiveSubscription {
    pub(super) id: i64,
    pub(super) person: String,
}

/// `POST /api/v1/feed-subscriptions`, `DELETE /api/v1/feed-subscriptions/{id}`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(create, list))
        .routes(routes!(revoke))
}

/// Create a person's calendar subscription.
#[utoipa::path(
    post,
    path = "/api/v1/feed-subscriptions",
    request_body = NewSubscription,
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 201, description = "Created; the path is shown once", body = Subscription),
        (status = 400, description = "Malformed JSON", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 422, description = "Unknown person", body = super::error::ErrorBody),
    )
)]
pub(super) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    AppJson(new): AppJson<NewSubscription>,
) -> Result<(StatusCode, Json<Subscription>), ApiError> {
    create_for(&state, &caller, &new.person)
        .await
        .map(|s| (StatusCode::CREATED, Json(s)))
}

/// Creates `person`'s subscription: what the API's `POST` and the web app's « Abonnements » do.
pub(super) async fn create_for(
    state: &AppState,
    caller: &Caller,
    person: &str,
) -> Result<Subscription, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let new = NewSubscription {
        person: person.to_owned(),
    };
    let person = Code::parse(&new.person).map_err(|e| {
        ApiError::Invalid(vec![FieldIssue {
            record: echo(&new.person),
            field: "person".into(),
            message: e.to_string(),
        }])
    })?;
    let raw = token::generate().map_err(|e| ApiError::Internal(e.to_string()))?;
    let id = state.store.add_feed(&person, &token::hash(&raw)).await?;
    Ok(Subscription {
        id,
        person: person.to_string(),
        path: format!("/feeds/{raw}.ics"),
    })
}

/// The subscriptions not revoked, by number (never their addresses: only their hashes are
/// stored).
#[utoipa::path(
    get,
    path = "/api/v1/feed-subscriptions",
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "Active subscriptions", body = [ActiveSubscription]),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ActiveSubscription>>, ApiError> {
    active(&state, &caller).await.map(Json)
}

/// What `GET /api/v1/feed-subscriptions` answers.
pub(super) async fn active(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<ActiveSubscription>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    Ok(state
        .store
        .feeds()
        .await?
        .into_iter()
        .map(|(id, person)| ActiveSubscription {
            id,
            person: person.to_string(),
        })
        .collect())
}

/// Revoke a subscription: its address answers 404 from now on.
#[utoipa::path(
    delete,
    path = "/api/v1/feed-subscriptions/{id}",
    params(("id" = i64, Path, description = "The subscription's number", example = 1)),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such active subscription"),
    )
)]
pub(super) async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    revoke_one(&state, &caller, id).await
}

/// Revokes subscription `id`: what the API's `DELETE` and the web app's « Révoquer » do.
pub(super) async fn revoke_one(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<StatusCode, ApiError> {
    caller.require(&[Role::Coordinator])?;
    if state.store.revoke_feed(id).await? {
        state.feeds.clear();
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
