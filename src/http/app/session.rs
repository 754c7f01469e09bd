//! Who is signed in: the session cookie (`parcours_session`, HttpOnly, SameSite=Strict, Secure
//! when the page came over https), its token stored only as its SHA-256, and the form token
//! that guards every form against cross-site requests.
//!
//! A form token is not stored: it is the SHA-256 of the session's token with a purpose, so a
//! page can only carry it if it was served to the browser holding the cookie. The sign-in form,
//! before any session, is guarded the same way by a cookie of its own (`parcours_signin`).

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use chrono::Duration;
use sha2::{Digest as _, Sha256};

use super::super::extract::Caller;
use super::super::{ApiError, AppState};
use crate::feeds::token;

/// The session's cookie.
pub(super) const SESSION_COOKIE: &str = "parcours_session";

/// The sign-in form's cookie.
pub(super) const SIGNIN_COOKIE: &str = "parcours_signin";

/// How long a session lasts from its sign-in: a working day and some.
pub const SESSION_LIFETIME: Duration = Duration::hours(10);

/// How long the sign-in form stays valid.
const SIGNIN_LIFETIME: Duration = Duration::hours(1);

/// A signed-in person.
#[derive(Debug, Clone)]
pub(super) struct Session {
    /// Who she is and what she may do, as the API's bearer tokens say it.
    pub(super) caller: Caller,
    /// The token her forms carry.
    pub(super) form_token: String,
    /// Her session token's hash, to end it.
    pub(super) token_hash: String,
}

/// The value of cookie `name` in the request, if any.
pub(super) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty() && v.len() <= 256)
}

/// The form token of a secret (a session's token, a sign-in form's cookie) for `purpose`.
pub(super) fn form_token(secret: &str, purpose: &str) -> String {
    let mut h = Sha256::new();
    h.update(purpose.as_bytes());
    h.update([0]);
    h.update(secret.as_bytes());
    format!("{:x}", h.finalize())
}

/// Whether two tokens are equal, in a time that does not depend on where they differ.
pub(super) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// Whether the browser reached us over https (directly or through a proxy that says so).
pub(super) fn is_https(headers: &HeaderMap) -> bool {
    let says = |name: &str, needle: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().contains(needle))
    };
    says("x-forwarded-proto", "https") || says("forwarded", "proto=https")
}

/// A `Set-Cookie` for `name` = `value`, living `max_age` (zero: deleted now).
pub(super) fn set_cookie(
    name: &str,
    value: &str,
    max_age: Duration,
    secure: bool,
) -> (axum::http::HeaderName, HeaderValue) {
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!(
        "{name}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{secure}",
        max_age.num_seconds()
    );
    (
        SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("BUG: a cookie of hex and known names"),
    )
}

/// The session of the request's cookie, if it is open.
///
/// # Errors
/// [`ApiError::Unavailable`] and the like when the database fails.
pub(super) async fn session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Session>, ApiError> {
    let Some(raw) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let token_hash = token::hash(raw);
    let user = state
        .store
        .session_user(&token_hash, (state.clock)())
        .await?;
    Ok(user.map(|user| Session {
        caller: Caller {
            person: user.person,
            role: user.role,
        },
        form_token: form_token(raw, "form"),
        token_hash,
    }))
}

/// Opens a session for login `login_id`: its `Set-Cookie`.
///
/// # Errors
/// When the random source or the database fails.
pub(super) async fn open(
    state: &AppState,
    login_id: i64,
    secure: bool,
) -> Result<(axum::http::HeaderName, HeaderValue), ApiError> {
    let raw = token::generate().map_err(|e| ApiError::Internal(format!("random source: {e}")))?;
    let now = (state.clock)();
    state
        .store
        .add_session(login_id, &token::hash(&raw), now + SESSION_LIFETIME, now)
        .await?;
    Ok(set_cookie(SESSION_COOKIE, &raw, SESSION_LIFETIME, secure))
}

/// The sign-in form's cookie (a new one unless the browser has one) and the token its form
/// carries.
///
/// # Errors
/// When the random source fails.
pub(super) fn signin_form(
    headers: &HeaderMap,
) -> Result<(Option<(axum::http::HeaderName, HeaderValue)>, String), ApiError> {
    if let Some(raw) = cookie(headers, SIGNIN_COOKIE) {
        return Ok((None, form_token(raw, "signin")));
    }
    let raw = token::generate().map_err(|e| ApiError::Internal(format!("random source: {e}")))?;
    let set = set_cookie(SIGNIN_COOKIE, &raw, SIGNIN_LIFETIME, is_https(headers));
    Ok((Some(set), form_token(&raw, "signin")))
}

/// Whether `sent` is the sign-in form token of the browser's sign-in cookie.
pub(super) fn signin_token_ok(headers: &HeaderMap, sent: &str) -> bool {
    cookie(headers, SIGNIN_COOKIE).is_some_and(|raw| same(&form_token(raw, "signin"), sent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_is_found_among_others_and_an_empty_one_is_none() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; parcours_session=abc ; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        h.insert(COOKIE, HeaderValue::from_static("parcours_session="));
        assert_eq!(cookie(&h, SESSION_COOKIE), None);
    }

    #[test]
    fn form_tokens_depend_on_the_secret_and_the_purpose() {
        assert_eq!(form_token("s", "form"), form_token("s", "form"));
        assert_ne!(form_token("s", "form"), form_token("t", "form"));
        assert_ne!(form_token("s", "form"), form_token("s", "signin"));
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }

    #[test]
    fn cookies_are_http_only_same_site_strict_and_secure_over_https() {
        let (_, plain) = set_cookie(SESSION_COOKIE, "x", SESSION_LIFETIME, false);
        let plain = plain.to_str().unwrap();
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Strict"));
        assert!(!plain.contains("Secure"));
        let (_, secure) = set_cookie(SESSION_COOKIE, "x", SESSION_LIFETIME, true);
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
    }
}
