//! « Réunions EPS » (`/eps/{year}`), for coordinators (issue 17): the year's meetings per EPS
//! and per coordinator (a calendar by month), each with its attendance and its invitation; the
//! meetings left unplaced with why; plan (re-plan by default), publish, and mark a meeting held
//! or cancelled. Each form calls what the API's handler calls (`crate::http::eps`).

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse as _, Response};
use chrono::Datelike as _;
use maud::{Markup, html};

use super::layout::{self, Nav};
use super::{error_page, html_response, see_other, signed_form_as, signed_in_as};
use crate::domain::Role;
use crate::http::eps::{self as api, NewEpsPlan, year_of};
use crate::http::jobs::{self, JobStatus};
use crate::http::{ApiError, AppState, FieldIssue};
use crate::planning::SchoolYear;
use crate::planning::eps::{AttendeeRole, EpsMeeting, EpsPlan, MeetingStatus};

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// `GET /eps`: the school year of today.
pub(super) async fn current(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match signed_in_as(&state, &headers, &[Role::Coordinator]).await {
        Ok(_) => {
            let today = crate::domain::to_paris((state.clock)()).date();
            see_other(&format!("/eps/{}", SchoolYear::containing(today)))
        }
        Err(r) => r,
    }
}

fn when(m: &EpsMeeting) -> String {
    format!(
        "{} {} {} {}",
        WEEKDAYS[m.date.weekday().num_days_from_monday() as usize],
        m.date.day(),
        MONTHS[m.date.month0() as usize],
        m.start().format("%H:%M")
    )
}

fn status_french(s: MeetingStatus) -> &'static str {
    match s {
        MeetingStatus::Planned => "prévue",
        MeetingStatus::Held => "tenue",
        MeetingStatus::Cancelled => "annulée",
    }
}

fn coordinator_of(m: &EpsMeeting) -> &str {
    m.attendees
        .iter()
        .find(|a| a.role == AttendeeRole::Coordinator)
        .map_or("", |a| a.code.as_str())
}

fn meeting_row(year: SchoolYear, m: &EpsMeeting, csrf: &str) -> Markup {
    let (present, all) = m.invited_attendance();
    html! {
        tr data-meeting=(m.code) data-status=(format!("{:?}", m.status).to_lowercase()) {
            td { a href={ "/eps/" (year) "/reunions/" (m.code) } { (m.code) } }
            td { (when(m)) }
            td { (m.place) }
            td { (present) " sur " (all) }
            td { (status_french(m.status)) }
            td.actions {
                @for (status, label) in [(MeetingStatus::Held, "Tenue"), (MeetingStatus::Cancelled, "Annuler"), (MeetingStatus::Planned, "Prévue")] {
                    @if m.status != status {
                        form method="post" action={ "/eps/" (year) "/reunions/" (m.code) "/statut" } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="status" value=(format!("{status:?}").to_lowercase());
                            button type="submit" aria-label={ (label) " " (m.code) } { (label) }
                        }
                    }
                }
            }
        }
    }
}

fn year_body(
    year: SchoolYear,
    shown: Option<&api::EpsYearDto>,
    csrf: &str,
    published: Option<&str>,
) -> Markup {
    html! {
        h1 { "Réunions EPS " (year) }
        @if let Some(v) = published {
            p role="status" { "Plan n° " (v) " publié : les calendriers des participants le montrent." }
        }
        form.plan method="post" action={ "/eps/" (year) "/planifier" } {
            input type="hidden" name="csrf" value=(csrf);
            @if shown.is_some() {
                p { "Re-planifier garde chaque réunion à sa place tant qu'elle tient ; seules les autres bougent." }
                label { input type="checkbox" name="fresh"; " Repartir de zéro" }
            }
            label { input type="checkbox" name="compare"; " Comparer au sondage (premier créneau libre)" }
            label { "Temps de calcul (s) " input type="number" name="time_limit" min="1" max="600" value="60"; }
            button type="submit" { @if shown.is_some() { "Re-planifier l'année" } @else { "Planifier l'année" } }
        }
        @if let Some(dto) = shown {
            (plan_body(year, dto, csrf))
        } @else {
            p { "Aucun plan des réunions d'EPS pour cette année." }
        }
    }
}

fn plan_body(year: SchoolYear, dto: &api::EpsYearDto, csrf: &str) -> Markup {
    let plan: &EpsPlan = &dto.plan;
    let (present, all) = plan.invited_attendance();
    let (minutes, _) = plan.coordinator_driving();
    let mut by_eps: BTreeMap<&str, Vec<&EpsMeeting>> = BTreeMap::new();
    for m in &plan.meetings {
        by_eps.entry(m.eps.as_str()).or_default().push(m);
    }
    let mut by_coordinator: BTreeMap<&str, BTreeMap<(i32, u32), Vec<&EpsMeeting>>> =
        BTreeMap::new();
    for m in plan.live() {
        by_coordinator
            .entry(coordinator_of(m))
            .or_default()
            .entry((m.date.year(), m.date.month()))
            .or_default()
            .push(m);
    }
    html! {
        dl.figures data-version=(dto.version) {
            dt { "Plan" } dd { "n° " (dto.version) @match dto.published_version {
                Some(p) if p == dto.version => { " (publié)" }
                Some(p) => { " (publié : n° " (p) ")" }
                None => { " (pas encore publié)" }
            } }
            dt { "Réunions placées" } dd data-figure="placed" { (plan.meetings.len()) " sur " (plan.asked()) }
            dt { "Présence des invités" } dd data-figure="invited" { (present) " sur " (all) }
            dt { "Trajets des coordinatrices" } dd { (minutes) " min" }
            dt { "Résolution" } dd { (crate::planning::eps::stop_french(&plan.stop))
                @if let Some(g) = plan.gap { ", écart prouvé " (format!("{:.2}", 100.0 * g).replace('.', ",")) " %" } }
        }
        form method="post" action={ "/eps/" (year) "/publier" } {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="version" value=(dto.version);
            button type="submit" { "Publier le plan n° " (dto.version) }
        }
        @if !plan.unmet.is_empty() {
            h2 { "Réunions non placées" }
            ul.unmet { @for u in &plan.unmet { li data-unmet=(u.code) { (u.message) } } }
        }
        h2 { "Par EPS" }
        @for (eps, meetings) in &by_eps {
            section.eps data-eps=(eps) {
                h3 { (eps) " – " (meetings[0].eps_name) }
                div.scroll { table.list {
                    thead { tr {
                        th scope="col" { "Réunion" } th scope="col" { "Date" } th scope="col" { "Lieu" }
                        th scope="col" { "Invités présents" } th scope="col" { "État" } th scope="col" { "Actions" }
                    } }
                    tbody { @for m in meetings { (meeting_row(year, m, csrf)) } }
                } }
            }
        }
        h2 { "Par coordinatrice" }
        @for (coordinator, months) in &by_coordinator {
            section.coordinator data-coordinator=(coordinator) {
                h3 { (coordinator) }
                @for ((y, month), meetings) in months {
                    h4 { (MONTHS[*month as usize - 1]) " " (y) }
                    ul { @for m in meetings { li { (when(m)) " : " (m.eps_name) ", " (m.place) } } }
                }
            }
        }
    }
}

/// `GET /eps/{year}`.
pub(super) async fn page(
    State(state): State<AppState>,
    Path(year): Path<String>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let session = match signed_in_as(&state, &headers, &[Role::Coordinator]).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let year = match year_of(&year) {
        Ok(y) => y,
        Err(e) => return error_page(Some(&session), e),
    };
    let shown = match api::year_plan(&state, year).await {
        Ok(dto) => Some(dto),
        Err(ApiError::NotFound) => None,
        Err(e) => return error_page(Some(&session), e),
    };
    let published = query
        .as_deref()
        .and_then(|q| q.strip_prefix("publie="))
        .filter(|v| v.chars().all(|c| c.is_ascii_digit()));
    html_response(
        StatusCode::OK,
        layout::page(
            &format!("Réunions EPS {year}"),
            Some(&session),
            Nav::Eps,
            year_body(year, shown.as_ref(), &session.form_token, published),
        ),
    )
}

/// A coordinator's form about the school year `year`: her session, its fields and the year;
/// the page to answer instead (sign-in, 403, a 404 for a text that is no school year).
async fn year_form(
    state: &AppState,
    headers: &HeaderMap,
    body: &Bytes,
    year: &str,
) -> Result<(super::session::Session, HashMap<String, String>, SchoolYear), Response> {
    let (session, fields) = signed_form_as(state, headers, body, &[Role::Coordinator]).await?;
    match year_of(year) {
        Ok(y) => Ok((session, fields, y)),
        Err(e) => Err(error_page(Some(&session), e)),
    }
}

/// `POST /eps/{year}/planifier`: a plan job; its progress page.
pub(super) async fn plan(
    State(state): State<AppState>,
    Path(year): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, fields, year) = match year_form(&state, &headers, &body, &year).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let time_limit = match fields.get("time_limit").filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => match t.parse::<f64>() {
            Ok(t) => Some(t),
            Err(_) => {
                return error_page(
                    Some(&session),
                    ApiError::Invalid(vec![FieldIssue {
                        record: year.to_string(),
                        field: "time_limit".into(),
                        message: format!("« {t} » : un nombre de secondes est attendu"),
                    }]),
                );
            }
        },
    };
    let settings = NewEpsPlan {
        compare_baseline: fields.contains_key("compare"),
        seed: None,
        time_limit_seconds: time_limit,
        from: None,
        fresh: fields.contains_key("fresh"),
    };
    match api::start_year(state, year, settings).await {
        Ok(job) => see_other(&format!("/eps/{year}/calcul/{}", job.id)),
        Err(e) => error_page(Some(&session), e),
    }
}

/// `GET /eps/{year}/calcul/{id}`: the job, refreshed every second until it ends; once done,
/// the year.
pub(super) async fn job(
    State(state): State<AppState>,
    Path((year, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in_as(&state, &headers, &[Role::Coordinator]).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let found = id
        .parse::<u64>()
        .ok()
        .and_then(|id| state.jobs.get(id).map(|j| jobs::dto(id, &j)))
        .filter(|j| j.horizon == year);
    let Some(job) = found else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    if job.status == JobStatus::Done {
        return see_other(&format!("/eps/{year}"));
    }
    let running = matches!(job.status, JobStatus::Queued | JobStatus::Running);
    let status = job.status.french();
    let body = html! {
        h1 { "Calcul des réunions EPS " (year) }
        dl.progress aria-live="polite" {
            dt { "État" } dd data-status=(format!("{:?}", job.status).to_lowercase()) { (status) }
            @if let Some(s) = job.elapsed_seconds {
                dt { "Temps écoulé" } dd { (format!("{s:.1}").replace('.', ",")) " s" }
            }
        }
        @if let Some(e) = &job.error { p.alert role="alert" { (e) } }
        @if running { p { "La page se met à jour d'elle-même." } }
        p { a href={ "/eps/" (year) } { "Revenir à l'année" } }
    };
    let mut r = html_response(
        StatusCode::OK,
        layout::page(
            &format!("Calcul des réunions EPS {year}"),
            Some(&session),
            Nav::Eps,
            body,
        ),
    );
    if running {
        r.headers_mut()
            .insert("refresh", axum::http::HeaderValue::from_static("1"));
    }
    r
}

/// `POST /eps/{year}/publier`: publishes the version the page showed.
pub(super) async fn publish(
    State(state): State<AppState>,
    Path(year): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, fields, year) = match year_form(&state, &headers, &body, &year).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let version = fields.get("version").and_then(|v| v.parse::<i64>().ok());
    match api::publish_year(&state, year, version).await {
        Ok(p) => see_other(&format!("/eps/{year}?publie={}", p.version)),
        Err(e) => error_page(Some(&session), e),
    }
}

/// `POST /eps/{year}/reunions/{code}/statut`: held, cancelled or planned again (a new version,
/// not published).
pub(super) async fn set_status(
    State(state): State<AppState>,
    Path((year, code)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, fields, year) = match year_form(&state, &headers, &body, &year).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let status = match fields.get("status").map(String::as_str) {
        Some("held") => MeetingStatus::Held,
        Some("cancelled") => MeetingStatus::Cancelled,
        Some("planned") => MeetingStatus::Planned,
        other => {
            return error_page(
                Some(&session),
                ApiError::Invalid(vec![FieldIssue {
                    record: code.chars().take(20).collect(),
                    field: "status".into(),
                    message: format!(
                        "« {} » : tenue, annulée ou prévue est attendu",
                        other.unwrap_or("")
                    ),
                }]),
            );
        }
    };
    match api::mark(&state, year, &code, status).await {
        Ok(_) => see_other(&format!("/eps/{year}")),
        Err(e) => error_page(Some(&session), e),
    }
}

/// `GET /eps/{year}/reunions/{code}`: a meeting's invitation list and its calendar.
pub(super) async fn meeting(
    State(state): State<AppState>,
    Path((year, code)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in_as(&state, &headers, &[Role::Coordinator]).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let invitation = match api::invitation_of(&state, &year, &code).await {
        Ok(i) => i,
        Err(e) => return error_page(Some(&session), e),
    };
    let body = html! {
        h1 { (invitation.code) " – " (invitation.eps_name) }
        p { (invitation.start.format("%d/%m/%Y %H:%M")) ", " (invitation.minutes) " min, " (invitation.place) }
        p { a href={ "/eps/" (year) "/reunions/" (code) "/invitation.ics" } download { "Invitation (.ics)" } }
        div.scroll { table.list {
            thead { tr {
                th scope="col" { "Code" } th scope="col" { "Nom" } th scope="col" { "Structure" }
                th scope="col" { "Rôle" } th scope="col" { "Présence" }
            } }
            tbody { @for l in &invitation.invited {
                tr data-person=(l.code) {
                    td { (l.code) } td { (l.name) } td { (l.structure) } td { (l.role) }
                    td { @if l.present { "disponible" } @else { "indisponible" } }
                }
            } }
        } }
        p { a href={ "/eps/" (year) } { "Revenir à l'année" } }
    };
    html_response(
        StatusCode::OK,
        layout::page(&invitation.code, Some(&session), Nav::Eps, body),
    )
}

/// `GET /eps/{year}/reunions/{code}/invitation.ics`.
pub(super) async fn meeting_ics(
    State(state): State<AppState>,
    Path((year, code)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in_as(&state, &headers, &[Role::Coordinator]).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match api::invitation_calendar(&state, &year, &code).await {
        Ok(body) => ([(CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response(),
        Err(e) => error_page(Some(&session), e),
    }
}
