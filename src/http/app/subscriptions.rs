//! « Abonnements » (`/abonnements`): a coordinator creates a person's calendar feed and gets
//! its https and webcal addresses once, with a QR code to scan from a phone; she revokes a
//! feed, whose address then answers 404. The list never shows an address: only each token's
//! hash is stored. The same functions as the API's `/api/v1/feed-subscriptions`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::HOST;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, PreEscaped, html};

use super::layout::{self, Nav};
use super::session::{self, Session};
use super::{error_page, html_response, see_other, signed_form, signed_form_as, signed_in};
use crate::domain::Role;
use crate::http::subscriptions::{self, ActiveSubscription, Subscription};
use crate::http::{ApiError, AppState};

/// `GET /abonnements`.
pub(super) async fn page(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let active = match subscriptions::active(&state, &session.caller).await {
        Ok(a) => a,
        Err(e) => return error_page(Some(&session), e),
    };
    let revoked = query
        .as_deref()
        .and_then(|q| q.strip_prefix("revoque="))
        .and_then(|n| n.parse::<i64>().ok());
    let territory = state.store.load_territory().await.ok();
    let people: Vec<(String, String)> = territory
        .map(|t| {
            let referents = t
                .referents
                .iter()
                .map(|r| (r.code.to_string(), format!("{} — référente", r.code)));
            let coordinators = t
                .coordinators
                .iter()
                .map(|c| (c.code.to_string(), format!("{} — coordination", c.code)));
            referents.chain(coordinators).collect()
        })
        .unwrap_or_default();
    let notice =
        revoked.map(|n| format!("Abonnement n° {n} révoqué : son adresse ne répond plus."));
    html_response(
        StatusCode::OK,
        layout::page(
            "Abonnements",
            Some(&session),
            Nav::Subscriptions,
            content(&session, &active, &people, notice.as_deref(), None),
        ),
    )
}

fn content(
    session: &Session,
    active: &[ActiveSubscription],
    people: &[(String, String)],
    notice: Option<&str>,
    created: Option<Markup>,
) -> Markup {
    html! {
        h1 { "Abonnements aux calendriers" }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if let Some(c) = created { (c) }
        div.layout {
            section.card aria-labelledby="actifs" {
                h2 id="actifs" { "Abonnements actifs (" (active.len()) ")" }
                p { "Chaque abonnement est une adresse secrète : elle n'est montrée qu'à sa création. Révoquer un abonnement coupe son adresse ; créez-en un autre pour la remplacer." }
                @if active.is_empty() { p { "Aucun abonnement actif." } }
                @else {
                    table.list {
                        thead { tr { th scope="col" { "N°" } th scope="col" { "Personne" } th scope="col" { span.skip { "Action" } } } }
                        tbody {
                            @for a in active {
                                tr data-subscription=(a.id) {
                                    td { (a.id) }
                                    td { (a.person) }
                                    td {
                                        form method="post" action={ "/abonnements/" (a.id) "/revoquer" } {
                                            input type="hidden" name="csrf" value=(session.form_token);
                                            button.secondary type="submit" aria-label={ "Révoquer l'abonnement n° " (a.id) " de " (a.person) } { "Révoquer" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.card aria-labelledby="nouvel" {
                h2 id="nouvel" { "Nouvel abonnement" }
                form method="post" action="/abonnements" {
                    input type="hidden" name="csrf" value=(session.form_token);
                    label for="person" { "Personne (code)" }
                    input type="text" id="person" name="person" list="people" required placeholder="R-01";
                    datalist id="people" { @for (code, label) in people { option value=(code) { (label) } } }
                    p { button type="submit" { "Créer l'abonnement" } }
                }
            }
        }
    }
}

/// The server's address as the browser reached it (`https://parcours.example.org`), for the
/// feed's links.
fn base_url(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(HOST)?.to_str().ok()?;
    let plain = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !plain || host.is_empty() {
        return None;
    }
    let scheme = if session::is_https(headers) {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{host}"))
}

/// The QR code of `text`, as inline SVG.
fn qr(text: &str) -> Option<Markup> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // Inline in the page: without its XML declaration.
    let at = svg.find("<svg")?;
    Some(PreEscaped(svg[at..].to_owned()))
}

fn created(s: &Subscription, headers: &HeaderMap) -> Markup {
    let base = base_url(headers).unwrap_or_default();
    let https = format!("{base}{}", s.path);
    let webcal = https
        .replacen("https://", "webcal://", 1)
        .replacen("http://", "webcal://", 1);
    html! {
        section.card.created aria-labelledby="cree" {
            h2 id="cree" { "Abonnement n° " (s.id) " créé pour " (s.person) }
            p.alert role="alert" { "Ces adresses ne seront plus jamais affichées : transmettez-les maintenant à " (s.person) ", par un canal sûr." }
            dl {
                dt { "Adresse https (Google Agenda, Outlook : « ajouter un agenda à partir d'une URL »)" }
                dd { code data-feed="https" { (https) } }
                dt { "Adresse webcal (iPhone, Thunderbird : un clic l'ouvre dans l'agenda)" }
                dd { a data-feed="webcal" href=(webcal) { (webcal) } }
            }
            @if let Some(code) = qr(&webcal) {
                figure.qr {
                    (code)
                    figcaption { "À scanner avec l'appareil photo du téléphone : l'agenda propose l'abonnement." }
                }
            }
        }
    }
}

/// `POST /abonnements`: creates the subscription and shows its addresses, once (in the page,
/// never in an address of the page).
pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, fields) =
        match signed_form_as(&state, &headers, &body, &[Role::Coordinator]).await {
            Ok(s) => s,
            Err(r) => return r,
        };
    let person = fields.get("person").map_or("", |p| p.trim());
    let made = match subscriptions::create_for(&state, &session.caller, person).await {
        Ok(s) => s,
        Err(e) => return error_page(Some(&session), e),
    };
    let active = subscriptions::active(&state, &session.caller)
        .await
        .unwrap_or_default();
    html_response(
        StatusCode::OK,
        layout::page(
            "Abonnements",
            Some(&session),
            Nav::Subscriptions,
            content(&session, &active, &[], None, Some(created(&made, &headers))),
        ),
    )
}

/// `POST /abonnements/{id}/revoquer`.
pub(super) async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, _) = match signed_form(&state, &headers, &body).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i64>() else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    match subscriptions::revoke_one(&state, &session.caller, id).await {
        Ok(_) => see_other(&format!("/abonnements?revoque={id}")),
        Err(e) => error_page(Some(&session), e),
    }
}
