//! The coordinators' web app (issue 16), served by `parcours serve` beside the API: pages in
//! French, rendered on the server (maud) from the same functions the API's handlers answer
//! with, so that a page shows exactly what the API would and there is no second path to the
//! database. Forms work without JavaScript; `assets/app.js` only adds conveniences.
//!
//! A person signs in with her login and password (`parcours user add --login`): the session
//! cookie is HttpOnly, SameSite=Strict and Secure over https; every form carries a token tied
//! to the session (a request without it gets 403); sessions expire after
//! [`session::SESSION_LIFETIME`]; failed sign-ins slow down the next ones
//! ([`throttle::SignInThrottle`]). Roles as in the API: a référent sees her own week only.

mod assets;
mod eps;
mod families;
mod import;
mod layout;
pub mod password;
mod rides;
mod session;
mod subscriptions;
pub mod throttle;
mod week;

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use chrono::Duration;
use maud::{Markup, html};

use self::layout::Nav;
use self::session::Session;
use super::{ApiError, AppState};
use crate::domain::Role;
use crate::planning::IsoWeek;

pub use import::IMPORT_LIMIT_BYTES;
pub use session::SESSION_LIFETIME;

/// The pages, their forms and their assets.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/connexion", get(signin_page).post(signin))
        .route("/deconnexion", post(signout))
        .route("/semaine/{week}", get(week::page))
        .route("/semaine/{week}/planifier", post(week::plan))
        .route("/semaine/{week}/calcul/{id}", get(week::job))
        .route("/semaine/{week}/publier", post(week::publish))
        .route("/semaine/{week}/fixer", post(week::pin))
        .route("/semaine/{week}/carte", get(week::map))
        .route("/semaine/{week}/simuler", post(week::simulate))
        .route("/semaine/{week}/simulation", get(week::simulation))
        .route("/trajets", get(rides::page))
        .route("/eps", get(eps::current))
        .route("/eps/{year}", get(eps::page))
        .route("/eps/{year}/planifier", post(eps::plan))
        .route("/eps/{year}/calcul/{id}", get(eps::job))
        .route("/eps/{year}/publier", post(eps::publish))
        .route("/eps/{year}/reunions/{code}", get(eps::meeting))
        .route("/eps/{year}/reunions/{code}/statut", post(eps::set_status))
        .route(
            "/eps/{year}/reunions/{code}/invitation.ics",
            get(eps::meeting_ics),
        )
        .route("/familles", get(families::list))
        .route(
            "/familles/nouvelle",
            get(families::new).post(families::create),
        )
        .route("/familles/{code}", get(families::edit).post(families::save))
        .route(
            "/abonnements",
            get(subscriptions::page).post(subscriptions::create),
        )
        .route("/abonnements/{id}/revoquer", post(subscriptions::revoke))
        .layer(middleware::from_fn(page_headers))
        .route("/static/{file}", get(assets::serve))
}

/// The import page, whose upload may be larger than any other request
/// ([`IMPORT_LIMIT_BYTES`]).
pub(super) fn import_router() -> Router<AppState> {
    Router::new()
        .route("/import", get(import::page).post(import::upload))
        .layer(middleware::from_fn(page_headers))
}

/// Every page: never cached (it shows personal work data), never framed, scripts and styles
/// from this server only.
async fn page_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

/// An HTML answer.
fn html_response(status: StatusCode, markup: Markup) -> Response {
    (
        status,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        markup.into_string(),
    )
        .into_response()
}

/// A `303 See Other` to `to` (after a form: the browser then GETs it).
fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            LOCATION,
            HeaderValue::from_str(to).expect("BUG: a path of ours"),
        )],
    )
        .into_response()
}

/// An error as a page, in French; a failure of ours is logged, not shown.
fn error_page(session: Option<&Session>, error: ApiError) -> Response {
    let (status, title, lines): (StatusCode, &str, Vec<String>) = match error {
        ApiError::NotFound => (
            StatusCode::NOT_FOUND,
            "Page introuvable",
            vec!["Cette page n'existe pas, ou vous n'y avez pas accès.".into()],
        ),
        ApiError::Forbidden => (
            StatusCode::FORBIDDEN,
            "Accès refusé",
            vec!["Votre rôle ne permet pas cette action.".into()],
        ),
        ApiError::Unauthorized => return see_other("/connexion"),
        ApiError::Invalid(fields) | ApiError::Unreadable(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Demande refusée",
            fields
                .into_iter()
                .map(|f| format!("{} ({}) : {}", f.record, f.field, f.message))
                .collect(),
        ),
        ApiError::BadRequest(message) | ApiError::Refused(message) => {
            (StatusCode::BAD_REQUEST, "Demande refusée", vec![message])
        }
        ApiError::Busy(wait) => {
            let mut r = html_response(
                StatusCode::TOO_MANY_REQUESTS,
                layout::page(
                    "Trop de calculs en cours",
                    session,
                    Nav::None,
                    html! {
                        h1 { "Trop de calculs en cours" }
                        p role="alert" { "D'autres plans sont déjà en cours de calcul. Réessayez dans "
                            (wait.as_secs()) " secondes." }
                    },
                ),
            );
            r.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(wait.as_secs()));
            return r;
        }
        ApiError::Conflict | ApiError::PreconditionRequired => (
            StatusCode::CONFLICT,
            "Modifiée entre-temps",
            vec!["Ces données ont été modifiées entre-temps par quelqu'un d'autre.".into()],
        ),
        ApiError::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Envoi trop volumineux",
            vec!["Le formulaire envoyé est trop volumineux.".into()],
        ),
        other @ (ApiError::MethodNotAllowed(_)
        | ApiError::TimedOut
        | ApiError::Unavailable(_)
        | ApiError::Internal(_)) => {
            tracing::error!(error = %other, "page failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "Service indisponible",
                vec![
                    "Parcours ne peut pas répondre pour le moment. Réessayez dans un instant."
                        .into(),
                ],
            )
        }
    };
    html_response(
        status,
        layout::page(
            title,
            session,
            Nav::None,
            html! {
                h1 { (title) }
                div.alert role="alert" { @for line in &lines { p { (line) } } }
                p { a href="/" { "Revenir à l'accueil" } }
            },
        ),
    )
}

/// The 403 of a form without its token (or with another session's).
fn bad_form_token(session: Option<&Session>) -> Response {
    html_response(
        StatusCode::FORBIDDEN,
        layout::page(
            "Formulaire refusé",
            session,
            Nav::None,
            html! {
                h1 { "Formulaire refusé" }
                p.alert role="alert" {
                    "Ce formulaire a expiré ou ne vient pas de Parcours : rechargez la page et recommencez."
                }
            },
        ),
    )
}

/// The fields of a form (`application/x-www-form-urlencoded`); a field sent twice keeps its
/// first value.
fn form_fields(body: &Bytes) -> HashMap<String, String> {
    let mut fields = HashMap::new();
    for (k, v) in form_urlencoded::parse(body) {
        fields
            .entry(k.into_owned())
            .or_insert_with(|| v.into_owned());
    }
    fields
}

/// The signed-in session, or the answer that sends the browser to the sign-in page.
async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<Session, Response> {
    match session::session(state, headers).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(see_other("/connexion")),
        Err(e) => Err(error_page(None, e)),
    }
}

/// A form posted by a signed-in person: her session and the form's fields, once its token is
/// checked (403 without it).
async fn signed_form(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(Session, HashMap<String, String>), Response> {
    let session = signed_in(state, headers).await?;
    let fields = form_fields(body);
    let sent = fields.get("csrf").map_or("", String::as_str);
    if !session::same(&session.form_token, sent) {
        return Err(bad_form_token(Some(&session)));
    }
    Ok((session, fields))
}

/// The signed-in session of a person of one of `roles`, or the answer that sends her to the
/// sign-in page, or the 403 page.
async fn signed_in_as(
    state: &AppState,
    headers: &HeaderMap,
    roles: &[Role],
) -> Result<Session, Response> {
    let session = signed_in(state, headers).await?;
    match session.caller.require(roles) {
        Ok(()) => Ok(session),
        Err(e) => Err(error_page(Some(&session), e)),
    }
}

/// [`signed_form`], for a person of one of `roles` (403 for the others).
async fn signed_form_as(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
    roles: &[Role],
) -> Result<(Session, HashMap<String, String>), Response> {
    let (session, fields) = signed_form(state, headers, body).await?;
    match session.caller.require(roles) {
        Ok(()) => Ok((session, fields)),
        Err(e) => Err(error_page(Some(&session), e)),
    }
}

/// The current ISO week, in Paris.
fn this_week(state: &AppState) -> IsoWeek {
    let today = (state.clock)()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    IsoWeek::containing(today)
}

/// `GET /`: the sign-in page, or the current week.
async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed_in(&state, &headers).await {
        Ok(s) if s.caller.role == Role::Logistics => see_other("/trajets"),
        Ok(_) => see_other(&format!("/semaine/{}", this_week(&state))),
        Err(to_signin) => to_signin,
    }
}

/// The sign-in form, with `message` (an error) above it.
fn signin_form(token: &str, login: &str, message: Option<&str>) -> Markup {
    layout::page(
        "Connexion",
        None,
        Nav::None,
        html! {
            div.signin.card {
                h1 { "Connexion à Parcours" }
                @if let Some(m) = message { p.alert role="alert" { (m) } }
                form method="post" action="/connexion" {
                    input type="hidden" name="csrf" value=(token);
                    label for="login" { "Identifiant" }
                    input type="text" id="login" name="login" value=(login) autocomplete="username"
                        required autofocus[message.is_none()];
                    label for="password" { "Mot de passe" }
                    input type="password" id="password" name="password" autocomplete="current-password" required;
                    p { button type="submit" { "Se connecter" } }
                }
            }
        },
    )
}

/// `GET /connexion`.
async fn signin_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Ok(Some(_)) = session::session(&state, &headers).await {
        return see_other("/");
    }
    match session::signin_form(&headers) {
        Ok((cookie, token)) => {
            let mut r = html_response(StatusCode::OK, signin_form(&token, "", None));
            if let Some((name, value)) = cookie {
                r.headers_mut().append(name, value);
            }
            r
        }
        Err(e) => error_page(None, e),
    }
}

/// `POST /connexion`: checks the form's token, the throttle, then the password (in a blocking
/// thread: Argon2 takes tens of milliseconds of one core); opens a session.
async fn signin(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let fields = form_fields(&body);
    let sent = fields.get("csrf").map_or("", String::as_str);
    if !session::signin_token_ok(&headers, sent) {
        return bad_form_token(None);
    }
    let login = fields.get("login").map_or("", |l| l.trim()).to_owned();
    let password = fields.get("password").cloned().unwrap_or_default();
    let (_, token) = match session::signin_form(&headers) {
        Ok(t) => t,
        Err(e) => return error_page(None, e),
    };
    let refuse = |status: StatusCode, message: String| {
        html_response(status, signin_form(&token, &login, Some(&message)))
    };
    if login.is_empty() || login.len() > 100 || password.is_empty() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Saisissez votre identifiant et votre mot de passe.".into(),
        );
    }
    let now = (state.clock)();
    if let Some(wait) = state.signins.wait(&login, now) {
        let seconds = (wait + Duration::milliseconds(999)).num_seconds();
        let mut r = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Trop de tentatives pour cet identifiant : réessayez dans {seconds} s."),
        );
        r.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
        return r;
    }
    let found = match state.store.login_named(&login).await {
        Ok(found) => found,
        Err(e) => return error_page(None, e.into()),
    };
    let phc = found
        .as_ref()
        .map_or_else(|| password::decoy().to_owned(), |l| l.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || password::verify(&password, &phc))
        .await
        .unwrap_or(false);
    let Some(found) = found.filter(|_| matches) else {
        state.signins.failed(&login, now);
        tracing::info!("sign-in refused");
        return refuse(
            StatusCode::UNAUTHORIZED,
            "Identifiant ou mot de passe incorrect.".into(),
        );
    };
    state.signins.succeeded(&login);
    let secure = session::is_https(&headers);
    match session::open(&state, found.id, secure).await {
        Ok((name, value)) => {
            tracing::info!(person = %found.person, role = %found.role, "signed in");
            let mut r = see_other("/");
            r.headers_mut().append(name, value);
            // The sign-in form's cookie has served.
            let (name, value) =
                session::set_cookie(session::SIGNIN_COOKIE, "", Duration::zero(), secure);
            r.headers_mut().append(name, value);
            r
        }
        Err(e) => error_page(None, e),
    }
}

/// `POST /deconnexion`: ends the session and deletes its cookie.
async fn signout(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (session, _) = match signed_form(&state, &headers, &body).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(e) = state
        .store
        .end_session(&session.token_hash, (state.clock)())
        .await
    {
        return error_page(Some(&session), e.into());
    }
    let mut r = see_other("/connexion");
    let (name, value) = session::set_cookie(
        session::SESSION_COOKIE,
        "",
        Duration::zero(),
        session::is_https(&headers),
    );
    r.headers_mut().append(name, value);
    r
}
