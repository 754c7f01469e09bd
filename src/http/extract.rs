//! Extractors: who calls (`Caller`, from the bearer token; [`guard`] checks her role, as the
//! operation's document names it, before the body is read), a JSON body (`AppJson`) and a
//! query string (`AppQuery`) whose rejections are our errors, in French, naming the field
//! (issue 13).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::de::DeserializeOwned;

use super::error::FieldIssue;
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
        // Already found by `only`, before the body.
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
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

/// Who may call each operation: the roles its OpenAPI `security` names (scopes of the `bearer`
/// scheme), by method and route. None listed: any valid token.
#[derive(Clone)]
pub(super) struct Guard {
    state: AppState,
    roles: Arc<BTreeMap<(String, String), Vec<Role>>>,
}

impl Guard {
    /// The roles of every operation of `doc` that has a `security`.
    pub(super) fn new(state: AppState, doc: &utoipa::openapi::OpenApi) -> Guard {
        let mut roles = BTreeMap::new();
        for (path, item) in &doc.paths.paths {
            let operations = [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
            ];
            for (method, operation) in operations {
                let Some(security) = operation.as_ref().and_then(|o| o.security.as_ref()) else {
                    continue;
                };
                let scopes = serde_json::to_value(security).expect("BUG: plain JSON");
                let admitted = scopes[0]["bearer"]
                    .as_array()
                    .expect("BUG: an operation's security is the bearer scheme")
                    .iter()
                    .map(|key| {
                        key.as_str()
                            .and_then(|k| Role::parse(k).ok())
                            .expect("BUG: a bearer scope is a role's key")
                    })
                    .collect();
                roles.insert((method.to_owned(), path.clone()), admitted);
            }
        }
        Guard {
            state,
            roles: Arc::new(roles),
        }
    }
}

/// Middleware of every route: an operation whose document names a `security` answers 401 or 403
/// unless the caller has one of its roles ([`only`]). The others (`/health`, a method the route
/// does not answer) go on.
pub(super) async fn guard(
    State(guard): State<Guard>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let method = match request.method().as_str() {
        "HEAD" => "GET",
        other => other,
    };
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let roles = route.and_then(|r| guard.roles.get(&(method.to_owned(), r)));
    match roles {
        Some(roles) => only(roles, &guard.state, request, next).await,
        None => Ok(next.run(request).await),
    }
}

/// 401 or 403 unless the caller has one of `roles` (any role if empty), decided before a byte
/// of the body is read, so that a wrong role gets 403 whatever it sends (issue 13). The handler
/// finds the caller again without a second lookup.
async fn only(
    roles: &[Role],
    state: &AppState,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let caller = Caller::from_request_parts(&mut parts, state).await?;
    if !roles.is_empty() {
        caller.require(roles)?;
    }
    parts.extensions.insert(caller);
    Ok(next.run(Request::from_parts(parts, body)).await)
}

/// `Json<T>` whose rejection is one of our errors: 400 for a body that is no JSON (or cannot be
/// read), 413 beyond the body limit, 422 naming the field for a value of the wrong type.
pub struct AppJson<T>(pub T);

impl<T, S> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<AppJson<T>, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::BadRequest(
                "corps de requête illisible : en-tête Content-Type: application/json attendu"
                    .into(),
            ));
        }
        let bytes = body_bytes(req, state).await?;
        json_body(&bytes).map(AppJson)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"))
}

/// An optional JSON body, as [`json_body`] reads it: an empty (or blank) one is `T::default()`.
pub(super) async fn optional_json_body<T: DeserializeOwned + Default, S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<T, ApiError> {
    let body = body_bytes(req, state).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        json_body(&body)
    }
}

/// The whole body: 413 beyond the limit (announced or chunked), 400 if it breaks off.
pub(super) async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest("corps de requête incomplet ou illisible".into())
        }
    })
}

/// `bytes` read as JSON into `T`: 400 for what is no JSON, 422 naming the field of a value
/// that does not fit.
pub(super) fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => value,
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if !inner.is_data() {
                return Err(unreadable_json(&inner));
            }
            let (name, message) = french(&inner.to_string());
            return Err(ApiError::Invalid(vec![FieldIssue {
                record: "corps de la requête".into(),
                field: field_name(&path, name),
                message,
            }]));
        }
    };
    de.end().map_err(|e| unreadable_json(&e))?;
    Ok(value)
}

fn unreadable_json(e: &serde_json::Error) -> ApiError {
    ApiError::BadRequest(format!(
        "corps de requête illisible : JSON invalide ligne {}, colonne {}",
        e.line(),
        e.column()
    ))
}

/// `Query<T>` whose rejection is a 400 naming the parameter, in French.
pub struct AppQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for AppQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<AppQuery<T>, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(AppQuery)
            .map_err(|err| {
                let path = err.path().to_string();
                let (name, message) = french(&err.inner().to_string());
                let field = field_name(&path, name);
                let value = form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| *k == field)
                    .map(|(_, v)| shown(&v));
                let message = match value {
                    Some(value) => format!("« {value} » ne convient pas : {message}"),
                    None => message,
                };
                ApiError::Unreadable(vec![FieldIssue {
                    record: "paramètres de la requête".into(),
                    field,
                    message,
                }])
            })
    }
}

/// The field an error is about: its path, or the field the message names (`missing field
/// `x``) under that path.
fn field_name(path: &str, named: Option<String>) -> String {
    let path = if path == "." { "" } else { path };
    match named {
        // An unknown field is in the path already.
        Some(name) if path == name || path.ends_with(&format!(".{name}")) => path.to_owned(),
        Some(name) if path.is_empty() => name,
        Some(name) => format!("{path}.{name}"),
        None => path.to_owned(),
    }
}

/// An echoed value, cut short.
fn shown(value: &str) -> String {
    let cut: String = value.chars().take(40).collect();
    if cut.len() < value.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// serde's English message in French, and the field it names, if any (`missing field`,
/// `unknown field`). Messages of our own `Deserialize` impls are French already and kept.
fn french(message: &str) -> (Option<String>, String) {
    // serde_json adds where it stopped; the field is named instead.
    let message = message.rsplit_once(" at line ").map_or(message, |(m, _)| m);
    let quoted = |rest: &str| rest.split('`').nth(1).unwrap_or(rest).to_owned();
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (Some(quoted(rest)), "champ obligatoire absent".into());
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return (Some(quoted(rest)), "champ inconnu".into());
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return (Some(quoted(rest)), "champ en double".into());
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let allowed = rest
            .split_once("expected ")
            .map_or("", |(_, e)| e)
            .trim_start_matches("one of ")
            .replace('`', "");
        return (
            None,
            format!(
                "« {} » n'est pas une valeur permise (valeurs permises : {allowed})",
                shown(&quoted(rest))
            ),
        );
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some((got, expected)) = rest.split_once(", expected ")
        {
            return (
                None,
                format!(
                    "{} ne convient pas : {} est attendu",
                    value(got),
                    kind(expected)
                ),
            );
        }
    }
    // serde_urlencoded passes on the parse error of a number or a boolean.
    if message.contains("digit") || message.contains("number") {
        return (None, "un nombre entier est attendu".into());
    }
    if message.contains("float") {
        return (None, "un nombre est attendu".into());
    }
    if message.contains("`true` or `false`") {
        return (None, "true ou false est attendu".into());
    }
    (None, message.to_owned())
}

/// serde's `Unexpected` (`integer `-1``, `string "x"`, `null`) in French.
fn value(got: &str) -> String {
    if let Some(text) = got.strip_prefix("string ") {
        return format!("« {} »", shown(text.trim_matches('"')));
    }
    for prefix in ["integer ", "floating point ", "boolean ", "character "] {
        if let Some(v) = got.strip_prefix(prefix) {
            return format!("la valeur {}", shown(v.trim_matches('`')));
        }
    }
    match got {
        "null" | "unit value" => "null".into(),
        "sequence" => "une liste".into(),
        "map" => "un objet".into(),
        other => shown(other),
    }
}

/// serde's `expecting` (`u64`, `a string`, `struct NewPlan`) in French.
fn kind(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "un entier positif ou nul".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "un entier".into(),
        "f32" | "f64" => "un nombre".into(),
        "a boolean" => "true ou false".into(),
        "a string" | "a borrowed string" => "un texte".into(),
        "a sequence" => "une liste".into(),
        e if e.starts_with("struct ") || e == "a map" => "un objet".into(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Settings {
        seed: Option<u64>,
        limit: Option<f64>,
        name: String,
    }

    fn issue(body: &str) -> (String, String) {
        match json_body::<Settings>(body.as_bytes()) {
            Err(ApiError::Invalid(fields)) => (fields[0].field.clone(), fields[0].message.clone()),
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_names_its_field_in_french() {
        assert_eq!(
            issue(r#"{"name":"a","seed":-1}"#),
            (
                "seed".into(),
                "la valeur -1 ne convient pas : un entier positif ou nul est attendu".into()
            )
        );
        assert_eq!(
            issue(r#"{"name":"a","limit":"vite"}"#),
            (
                "limit".into(),
                "« vite » ne convient pas : un nombre est attendu".into()
            )
        );
        assert_eq!(
            issue(r#"{"seed":1}"#),
            ("name".into(), "champ obligatoire absent".into())
        );
        assert_eq!(
            issue(r#"{"name":"a","admin":true}"#),
            ("admin".into(), "champ inconnu".into())
        );
    }

    #[test]
    fn a_good_body_is_read() {
        let s: Settings = json_body(br#"{"name":"a","seed":3,"limit":1.5}"#).unwrap();
        assert_eq!(
            (s.name.as_str(), s.seed, s.limit),
            ("a", Some(3), Some(1.5))
        );
    }

    #[test]
    fn a_body_that_is_no_json_is_a_400_saying_where() {
        for body in ["{", r#"{"name":"a"} x"#, ""] {
            match json_body::<Settings>(body.as_bytes()) {
                Err(ApiError::BadRequest(m)) => assert!(m.contains("JSON invalide"), "{m}"),
                other => panic!("{body}: {other:?}"),
            }
        }
    }
}
