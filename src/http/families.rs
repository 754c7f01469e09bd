//! A family's record, for coordinators: read it (with an `ETag`), create or update it with the
//! same validation as an import (422 listing each field), and never lose an edit: an update
//! says which version it was made from (`If-Match`), and of two concurrent edits one wins and
//! the other gets 409, checked inside the write's transaction.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::{ETAG, IF_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::FieldIssue;
use super::extract::{AppJson, Caller};
use super::{ApiError, AppState};
use crate::domain::{Code, Family, MeetingPlace, Role, Territory, to_paris};
use crate::feeds::token;
use crate::import::{self, Source};
use crate::store::StoreError;

/// A family (pseudonymous code), in the formats of `familles.csv`.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct FamilyDto {
    pub(super) code: String,
    /// INSEE code of its commune.
    pub(super) commune: String,
    pub(super) qpv: Option<String>,
    pub(super) latitude: f64,
    pub(super) longitude: f64,
    /// When it can be visited (`mardi 14:00-16:30, …`).
    pub(super) availability: String,
    /// `domicile` or a neutral site's code.
    pub(super) meeting_place: String,
    pub(super) language: String,
    pub(super) referent: Option<String>,
    /// Followed by its référent since.
    pub(super) referent_since: Option<NaiveDate>,
    pub(super) referent_pinned: bool,
    pub(super) frequency: String,
    pub(super) last_visit: Option<NaiveDate>,
    pub(super) visit_minutes: u32,
}

pub(super) fn dto(f: &Family) -> FamilyDto {
    FamilyDto {
        code: f.code.to_string(),
        commune: f.commune.to_string(),
        qpv: f.qpv.as_ref().map(ToString::to_string),
        latitude: f.location.lat(),
        longitude: f.location.lon(),
        availability: f.availability.to_string(),
        meeting_place: match &f.meeting_place {
            MeetingPlace::Home => "domicile".to_owned(),
            MeetingPlace::Site(code) => code.to_string(),
        },
        language: f.language.code().to_owned(),
        referent: f.referent.as_ref().map(|(r, _)| r.to_string()),
        referent_since: f.referent.as_ref().map(|(_, d)| *d),
        referent_pinned: f.referent_pinned,
        frequency: f.frequency.key().to_owned(),
        last_visit: f.last_visit,
        visit_minutes: f.visit_minutes,
    }
}

/// The version of a stored family, for `ETag` and `If-Match`.
pub(super) fn etag(f: &Family) -> String {
    format!("\"{}\"", &token::hash(&format!("{f:?}"))[..32])
}

/// A family as a coordinator writes it: the columns of `familles.csv`, in the same formats.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct FamilyInput {
    /// INSEE code of its commune (`59606`).
    pub(super) commune: String,
    pub(super) qpv: Option<String>,
    pub(super) latitude: f64,
    pub(super) longitude: f64,
    /// `mardi 14:00-16:30, jeudi 09:00-12:00`.
    pub(super) availability: String,
    /// `domicile` (default) or a neutral site's code.
    pub(super) meeting_place: Option<String>,
    /// Default French.
    pub(super) language: Option<String>,
    pub(super) referent: Option<String>,
    /// `YYYY-MM-DD`, with `referent`.
    #[schema(format = Date)]
    pub(super) referent_since: Option<String>,
    pub(super) referent_pinned: Option<bool>,
    /// `hebdomadaire`, `quinzaine` or `mensuelle`.
    pub(super) frequency: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub(super) last_visit: Option<String>,
    pub(super) visit_minutes: Option<u32>,
}

/// `familles.csv` columns and the API's names for them.
const COLUMNS: [(&str, &str); 14] = [
    ("code", "code"),
    ("insee", "commune"),
    ("qpv", "qpv"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("disponibilites", "availability"),
    ("lieu", "meeting_place"),
    ("langue", "language"),
    ("referent", "referent"),
    ("referent_depuis", "referent_since"),
    ("frequence", "frequency"),
    ("derniere_visite", "last_visit"),
    ("duree_visite_min", "visit_minutes"),
    ("referent_fixe", "referent_pinned"),
];

/// The one-line `familles.csv` of `input`, so that it goes through the import's validation.
pub(super) fn csv(code: &str, input: &FamilyInput) -> String {
    let cell = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
    let opt = |v: &Option<String>| v.as_deref().map_or_else(String::new, cell);
    let header: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).collect();
    let row = [
        cell(code),
        cell(&input.commune),
        opt(&input.qpv),
        input.latitude.to_string(),
        input.longitude.to_string(),
        cell(&input.availability),
        opt(&input.meeting_place),
        opt(&input.language),
        opt(&input.referent),
        opt(&input.referent_since),
        cell(&input.frequency),
        opt(&input.last_visit),
        input
            .visit_minutes
            .map_or_else(String::new, |m| m.to_string()),
        input
            .referent_pinned
            .map_or_else(String::new, |p| if p { "oui" } else { "non" }.to_owned()),
    ];
    format!("{}\n{}\n", header.join(";"), row.join(";"))
}

fn api_field(column: &str) -> String {
    COLUMNS
        .iter()
        .find(|(c, _)| *c == column)
        .map_or(column, |(_, f)| *f)
        .to_owned()
}

fn code_of(code: &str) -> Result<Code, ApiError> {
    Code::parse(code).map_err(|_| ApiError::NotFound)
}

/// `GET` and `PUT /api/v1/families/{code}`.
pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(get, put))
        .routes(routes!(list))
}

/// A family's record and its version.
#[utoipa::path(
    get,
    path = "/api/v1/families/{code}",
    params(("code" = String, Path, description = "The family's code, `F-0001`", example = "F-0001")),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The family; `ETag` is its version", body = FamilyDto,
         headers(("ETag" = String, description = "Send it back as If-Match to update"))),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "No such family"),
    )
)]
pub(super) async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let code = code_of(&code)?;
    let territory = state.store.load_territory().await?;
    let family = territory.family(&code).ok_or(ApiError::NotFound)?;
    Ok(with_etag(StatusCode::OK, family))
}

fn with_etag(status: StatusCode, family: &Family) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        ETAG,
        HeaderValue::from_str(&etag(family)).expect("BUG: an ETag is visible ASCII"),
    );
    (status, headers, Json(dto(family))).into_response()
}

/// Create a family, or update it from the version named by `If-Match`.
#[utoipa::path(
    put,
    path = "/api/v1/families/{code}",
    params(
        ("code" = String, Path, description = "The family's code, `F-0001`", example = "F-0001"),
        ("If-Match" = Option<String>, Header, description = "The ETag read: required to update"),
    ),
    request_body = FamilyInput,
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "Updated", body = FamilyDto),
        (status = 201, description = "Created", body = FamilyDto),
        (status = 400, description = "Malformed JSON", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
        (status = 404, description = "Not a family code"),
        (status = 409, description = "Changed since it was read (or created meanwhile): read it again", body = super::error::ErrorBody),
        (status = 422, description = "Invalid fields", body = super::error::ErrorBody),
        (status = 428, description = "An update without If-Match", body = super::error::ErrorBody),
    )
)]
pub(super) async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    headers: HeaderMap,
    AppJson(input): AppJson<FamilyInput>,
) -> Result<Response, ApiError> {
    let code = code_of(&code)?;
    let if_match = headers
        .get(IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().trim_start_matches("W/").to_owned());
    let (status, family) = save(&state, &caller, &code, &input, if_match).await?;
    Ok(with_etag(status, &family))
}

/// Creates `code` from `input`, or updates it from the version `if_match` (its `ETag`): what
/// `PUT /api/v1/families/{code}` and the web app's family form do. The family as stored, and
/// whether it was created (201) or updated (200).
///
/// # Errors
/// 422 listing each field the import's validation refuses; 428 for an update without its
/// version; 409 when it changed since that version (checked inside the write).
pub(super) async fn save(
    state: &AppState,
    caller: &Caller,
    code: &Code,
    input: &FamilyInput,
    if_match: Option<String>,
) -> Result<(StatusCode, Family), ApiError> {
    caller.require(&[Role::Coordinator])?;
    let code = code.clone();
    let existing = state.store.load_territory().await?;
    let source = Source::from_files(vec![(
        crate::domain::files::FAMILIES.to_owned(),
        csv(code.as_str(), input).into_bytes(),
    )]);
    let today = to_paris((state.clock)()).date();
    let validation = import::validate(&source, &existing, today);
    if !validation.is_valid() {
        return Err(ApiError::Invalid(
            validation
                .errors
                .iter()
                .map(|issue| FieldIssue {
                    record: code.to_string(),
                    field: issue.column.as_deref().map_or_else(String::new, api_field),
                    message: issue.message.clone(),
                })
                .collect(),
        ));
    }
    let stored = existing.family(&code);
    if stored.is_some() && if_match.is_none() {
        return Err(ApiError::PreconditionRequired);
    }
    // Checked again inside the write's transaction: the family is still the version read (or
    // still absent, for a creation).
    let expected = if_match.clone();
    let conflict = |t: &Territory| {
        let same = match (&expected, t.family(&code)) {
            (Some(tag), Some(f)) => *tag == etag(f),
            (None, None) => true,
            _ => false,
        };
        if same {
            Ok(())
        } else {
            Err(StoreError::Conflict {
                table: "family",
                code: code.to_string(),
                message: "modified since it was read".into(),
            })
        }
    };
    match state
        .store
        .apply_import_if(validation.batch(), validation.travel(), &conflict)
        .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => return Err(ApiError::Conflict),
        Err(e) => return Err(e.into()),
    }
    let saved = state.store.load_territory().await?;
    let family = saved
        .family(&code)
        .ok_or_else(|| ApiError::Internal(format!("{code} not found after its write")))?;
    let status = if stored.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, family.clone()))
}

/// Which families to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FamilyQuery {
    /// Part of the code (`F-00`), any case.
    pub(super) q: Option<String>,
    /// INSEE code of the commune.
    pub(super) commune: Option<String>,
    /// The référent's code; `aucun` for the families without one.
    pub(super) referent: Option<String>,
}

/// The families matching `query`, by code: what `GET /api/v1/families` and the web app's
/// « Familles » list.
pub(super) async fn matching(
    state: &AppState,
    caller: &Caller,
    query: &FamilyQuery,
) -> Result<Vec<FamilyDto>, ApiError> {
    caller.require(&[Role::Coordinator])?;
    let territory = state.store.load_territory().await?;
    let q = query
        .q
        .as_deref()
        .map(|q| q.trim().to_uppercase())
        .filter(|q| !q.is_empty());
    fn wanted(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    let (commune, referent) = (
        wanted(query.commune.as_deref()),
        wanted(query.referent.as_deref()),
    );
    Ok(territory
        .families
        .iter()
        .filter(|f| {
            q.as_ref()
                .is_none_or(|q| f.code.as_str().contains(q.as_str()))
        })
        .filter(|f| commune.is_none_or(|c| f.commune.as_str() == c))
        .filter(|f| {
            referent.is_none_or(|r| match &f.referent {
                Some((code, _)) => code.as_str() == r,
                None => r == "aucun",
            })
        })
        .map(dto)
        .collect())
}

/// The families, by code, filtered by part of their code, their commune, their référent.
#[utoipa::path(
    get,
    path = "/api/v1/families",
    params(FamilyQuery),
    security(("bearer" = ["coordinator"])),
    responses(
        (status = 200, description = "The families matching", body = [FamilyDto]),
        (status = 400, description = "A query parameter that cannot be read", body = super::error::ErrorBody),
        (status = 401, description = "No valid token", body = super::error::ErrorBody),
        (status = 403, description = "Not a coordinator", body = super::error::ErrorBody),
    )
)]
pub(super) async fn list(
    State(state): State<AppState>,
    caller: Caller,
    super::extract::AppQuery(query): super::extract::AppQuery<FamilyQuery>,
) -> Result<Json<Vec<FamilyDto>>, ApiError> {
    matching(&state, &caller, &query).await.map(Json)
}
