//! The OpenAPI 3 document of the API, generated from the handlers (`/api/openapi.json`).

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parcours API",
        description = "Planning for Programme de Réussite Éducative teams: territory, plans, publication, calendar feeds.",
        version = "1"
    ),
    paths(
        super::health::health,
        super::me::me,
        super::territory::territory,
        super::rides::rides,
        super::families::get,
        super::families::put,
        super::weeks::publish,
        super::jobs::start,
        super::jobs::status,
        super::jobs::cancel,
        super::weeks::referent_week,
        super::visits::update,
        super::subscriptions::create,
        super::subscriptions::revoke,
    ),
    modifiers(&Bearer)
)]
pub(super) struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document.
pub(super) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
