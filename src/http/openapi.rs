//! The OpenAPI 3.1 document of the API (`/api/openapi.json`): its paths come from the route
//! list (`super::operations`), this file adds the rest. What every operation reading a body may
//! answer besides its own statuses (400, 413, 422: the one error shape) is added here, so that
//! the document stays true (issue 13).

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::routing::{MethodRouter, get};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::AppState;

#[derive(OpenApi)]
#[openapi(info(
    title = "Parcours API",
    description = "Planning for Programme de Réussite Éducative teams: territory, plans, publication, calendar feeds.",
    version = "1"
))]
pub(super) struct ApiDoc;

/// `doc`, the routes' document, with what no single handler says: the bearer scheme and the
/// errors of every operation that reads a body.
pub(super) fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    Bearer.modify(&mut doc);
    BodyErrors.modify(&mut doc);
    doc
}

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A person's token (`parcours user add`). An operation's scopes are the \
                         roles it admits (`coordinator`, `referent`, `logistics`); none listed: \
                         any role.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The errors of an operation that reads a body, whatever the operation.
struct BodyErrors;

impl Modify for BodyErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let errors = [
            ("400", "A body that is no JSON, or that breaks off"),
            ("413", "A body over 256 KiB"),
            (
                "422",
                "A field of the wrong type, unknown, missing or invalid",
            ),
        ];
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.put, &mut item.post, &mut item.patch]
                .into_iter()
                .flatten()
                .filter(|o| o.request_body.is_some())
            {
                for (status, description) in errors {
                    let content = ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build();
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            ResponseBuilder::new()
                                .description(description)
                                .content("application/json", content)
                                .build()
                                .into()
                        });
                }
            }
        }
    }
}

/// `GET /api/openapi.json`: `doc`, serialised once.
pub(super) fn served(doc: &utoipa::openapi::OpenApi) -> MethodRouter<AppState> {
    let body = Bytes::from(serde_json::to_vec(doc).expect("BUG: the document is plain JSON"));
    get(move || {
        let body = body.clone();
        async move { ([(CONTENT_TYPE, "application/json")], body) }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_operation_reading_a_body_documents_400_413_and_422() {
        let doc = serde_json::to_value(super::super::openapi()).unwrap();
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if operation.get("requestBody").is_none() {
                    continue;
                }
                for status in ["400", "413", "422"] {
                    let response = &operation["responses"][status];
                    assert!(
                        response["content"]["application/json"]["schema"]["$ref"]
                            .as_str()
                            .is_some_and(|r| r.ends_with("/ErrorBody")),
                        "{method} {path}: {status} {response}"
                    );
                }
                checked += 1;
            }
        }
        assert_eq!(
            checked, 9,
            "PUT a family, POST a plan, a visit, a subscription, a simulation, PUT a pin, POST an EPS plan, PUT a meeting's status, POST a workshops plan"
        );
    }
}
