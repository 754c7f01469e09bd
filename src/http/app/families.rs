//! « Familles » (`/familles`): the list, searched by code, commune and référent, and a family's
//! form, checked by the import's own validation (each error next to its field, in French). An
//! edit says which version it was made from: if someone else saved the family meanwhile, the
//! page says « modifiée entre-temps par quelqu'un d'autre » and shows both versions — hers,
//! still in the form, and the one now stored — so that neither is lost. The same functions as
//! the API's `/api/v1/families`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};

use super::layout::{self, Nav};
use super::session::Session;
use super::{error_page, html_response, see_other, signed_form, signed_in};
use crate::domain::Code;
use crate::http::families::{self, FamilyDto, FamilyInput, FamilyQuery};
use crate::http::{ApiError, AppState, FieldIssue};

/// `GET /familles`.
pub(super) async fn list(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut q = FamilyQuery::default();
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "q" => q.q = Some(v.into_owned()),
            "commune" => q.commune = Some(v.into_owned()),
            "referent" => q.referent = Some(v.into_owned()),
            _ => {}
        }
    }
    let found = match families::matching(&state, &session.caller, &q).await {
        Ok(f) => f,
        Err(e) => return error_page(Some(&session), e),
    };
    let territory = match state.store.load_territory().await {
        Ok(t) => t,
        Err(e) => return error_page(Some(&session), e.into()),
    };
    let communes: Vec<(String, String)> = territory
        .communes
        .iter()
        .map(|c| (c.insee.to_string(), c.name.clone()))
        .collect();
    let commune_name = |insee: &str| {
        communes
            .iter()
            .find(|(i, _)| i == insee)
            .map_or(insee.to_owned(), |(_, n)| n.clone())
    };
    let referents: Vec<String> = territory
        .referents
        .iter()
        .map(|r| r.code.to_string())
        .collect();
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let body = html! {
        h1 { "Familles" }
        p { a href="/familles/nouvelle" { "Nouvelle famille" } }
        form.card.search method="get" action="/familles" role="search" {
            label for="q" { "Code" }
            input type="text" id="q" name="q" value=(value(&q.q)) placeholder="F-00";
            label for="commune" { "Commune" }
            select id="commune" name="commune" {
                option value="" { "toutes" }
                @for (insee, name) in &communes {
                    option value=(insee) selected[q.commune.as_deref() == Some(insee.as_str())] { (name) }
                }
            }
            label for="referent" { "Référente" }
            select id="referent" name="referent" {
                option value="" { "toutes" }
                option value="aucun" selected[q.referent.as_deref() == Some("aucun")] { "sans référente" }
                @for r in &referents {
                    option value=(r) selected[q.referent.as_deref() == Some(r.as_str())] { (r) }
                }
            }
            p { button type="submit" { "Rechercher" } }
        }
        p role="status" { (found.len()) " famille(s)" }
        div.scroll {
            table.list {
                thead { tr {
                    th scope="col" { "Code" } th scope="col" { "Commune" } th scope="col" { "Référente" }
                    th scope="col" { "Rythme" } th scope="col" { "Dernière visite" } th scope="col" { "Disponibilités" }
                } }
                tbody {
                    @for f in &found {
                        tr data-family=(f.code) {
                            td { a href={ "/familles/" (f.code) } { (f.code) } }
                            td { (commune_name(&f.commune)) }
                            td { (f.referent.as_deref().unwrap_or("—")) @if f.referent_pinned { " (fixée)" } }
                            td { (f.frequency) }
                            td { (f.last_visit.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|| "—".into())) }
                            td { (f.availability) }
                        }
                    }
                }
            }
        }
    };
    html_response(
        StatusCode::OK,
        layout::page("Familles", Some(&session), Nav::Families, body),
    )
}

/// The form's values: a stored family's, or what she sent.
#[derive(Debug, Clone, Default)]
struct Values(HashMap<String, String>);

impl Values {
    fn of(f: &FamilyDto) -> Values {
        let mut v = HashMap::new();
        let mut put = |k: &str, s: String| {
            v.insert(k.to_owned(), s);
        };
        put("commune", f.commune.clone());
        put("qpv", f.qpv.clone().unwrap_or_default());
        put("latitude", f.latitude.to_string());
        put("longitude", f.longitude.to_string());
        put("availability", f.availability.clone());
        put("meeting_place", f.meeting_place.clone());
        put("language", f.language.clone());
        put("referent", f.referent.clone().unwrap_or_default());
        put(
            "referent_since",
            f.referent_since.map(|d| d.to_string()).unwrap_or_default(),
        );
        if f.referent_pinned {
            put("referent_pinned", "1".into());
        }
        put("frequency", f.frequency.clone());
        put(
            "last_visit",
            f.last_visit.map(|d| d.to_string()).unwrap_or_default(),
        );
        put("visit_minutes", f.visit_minutes.to_string());
        Values(v)
    }

    fn get(&self, k: &str) -> &str {
        self.0.get(k).map_or("", |v| v.trim())
    }

    fn opt(&self, k: &str) -> Option<String> {
        Some(self.get(k).to_owned()).filter(|v| !v.is_empty())
    }

    /// The API's input, or the fields that cannot even be read as their type.
    fn input(&self, code: &str) -> Result<FamilyInput, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let mut number = |k: &str| -> f64 {
            match self.get(k).replace(',', ".").parse::<f64>() {
                Ok(n) if n.is_finite() => n,
                _ => {
                    issues.push(FieldIssue {
                        record: code.to_owned(),
                        field: k.to_owned(),
                        message: format!("« {} » : un nombre est attendu (50,358)", self.get(k)),
                    });
                    0.0
                }
            }
        };
        let (latitude, longitude) = (number("latitude"), number("longitude"));
        let minutes = match self.get("visit_minutes") {
            "" => None,
            m => match m.parse::<u32>() {
                Ok(m) => Some(m),
                Err(_) => {
                    issues.push(FieldIssue {
                        record: code.to_owned(),
                        field: "visit_minutes".into(),
                        message: format!("« {m} » : un nombre entier de minutes est attendu"),
                    });
                    None
                }
            },
        };
        if !issues.is_empty() {
            return Err(issues);
        }
        Ok(FamilyInput {
            commune: self.get("commune").to_owned(),
            qpv: self.opt("qpv"),
            latitude,
            longitude,
            availability: self.get("availability").to_owned(),
            meeting_place: self.opt("meeting_place"),
            language: self.opt("language"),
            referent: self.opt("referent"),
            referent_since: self.opt("referent_since"),
            referent_pinned: Some(!self.get("referent_pinned").is_empty()),
            frequency: self.get("frequency").to_owned(),
            last_visit: self.opt("last_visit"),
            visit_minutes: minutes,
        })
    }
}

/// The fields of the form: (name, French label, input type, hint).
const FIELDS: [(&str, &str, &str, &str); 13] = [
    ("commune", "Commune (code INSEE)", "text", "59606"),
    ("qpv", "Quartier prioritaire (code)", "text", "facultatif"),
    ("latitude", "Latitude", "text", "50,358"),
    ("longitude", "Longitude", "text", "3,523"),
    (
        "availability",
        "Disponibilités",
        "text",
        "mardi 14:00-16:30, jeudi 09:00-12:00",
    ),
    (
        "meeting_place",
        "Lieu de visite",
        "text",
        "domicile, ou le code d'un lieu neutre",
    ),
    ("language", "Langue", "text", "fr"),
    ("referent", "Référente", "text", "R-01"),
    ("referent_since", "Suivie par elle depuis", "date", ""),
    ("frequency", "Rythme des visites", "select", ""),
    ("last_visit", "Dernière visite", "date", ""),
    (
        "visit_minutes",
        "Durée d'une visite (minutes)",
        "text",
        "60",
    ),
    (
        "referent_pinned",
        "Référente fixée (ne change pas à l'affectation)",
        "checkbox",
        "",
    ),
];

/// Where the form of a new family is (and is sent).
const NEW: &str = "nouvelle";

/// A family's form: `code`'s, or with `code` as an editable field for a new family
/// (`version` empty).
fn form(
    session: &Session,
    code: &str,
    values: &Values,
    version: &str,
    errors: &HashMap<String, String>,
) -> Markup {
    let creating = version.is_empty();
    let action = if creating { NEW } else { code };
    html! {
        form.card.family method="post" action={ "/familles/" (action) } novalidate {
            input type="hidden" name="csrf" value=(session.form_token);
            input type="hidden" name="version" value=(version);
            @if creating {
                @let error = errors.get("code");
                div.field data-field="code" {
                    label for="f-code" { "Code de la famille" }
                    input type="text" id="f-code" name="code" value=(code) placeholder="F-0123" required
                        aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "f-code-erreur")];
                    @if let Some(e) = error { p.error id="f-code-erreur" { (e) } }
                }
            }
            @for (name, label, kind, hint) in FIELDS {
                @let id = format!("f-{name}");
                @let error = errors.get(name);
                @let described = error.map(|_| format!("{id}-erreur"));
                div.field data-field=(name) {
                    @match kind {
                        "checkbox" => {
                            p.inline {
                                input type="checkbox" id=(id) name=(name) value="1" checked[!values.get(name).is_empty()];
                                " " label for=(id) { (label) }
                            }
                        }
                        "select" => {
                            label for=(id) { (label) }
                            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] aria-describedby=[described.as_deref()] {
                                @for f in ["hebdomadaire", "quinzaine", "mensuelle"] {
                                    option value=(f) selected[values.get(name) == f] { (f) }
                                }
                            }
                        }
                        _ => {
                            label for=(id) { (label) }
                            input type=(kind) id=(id) name=(name) value=(values.get(name)) placeholder=(hint)
                                aria-invalid=[error.map(|_| "true")] aria-describedby=[described.as_deref()];
                        }
                    }
                    @if let (Some(e), Some(d)) = (error, described.as_deref()) { p.error id=(d) { (e) } }
                }
            }
            p { button type="submit" { "Enregistrer" } " " a href="/familles" { "Annuler" } }
        }
    }
}

async fn stored(
    state: &AppState,
    session: &Session,
    code: &Code,
) -> Result<(FamilyDto, String), ApiError> {
    session
        .caller
        .require(&[crate::domain::Role::Coordinator])?;
    let territory = state.store.load_territory().await?;
    let family = territory.family(code).ok_or(ApiError::NotFound)?;
    Ok((families::dto(family), families::etag(family)))
}

fn family_page(session: &Session, code: &str, body: Markup) -> Response {
    html_response(
        StatusCode::OK,
        layout::page(
            &format!("Famille {code}"),
            Some(session),
            Nav::Families,
            body,
        ),
    )
}

/// `GET /familles/{code}`.
pub(super) async fn edit(
    State(state): State<AppState>,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(code) = Code::parse(&code) else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    let (family, version) = match stored(&state, &session, &code).await {
        Ok(f) => f,
        Err(e) => return error_page(Some(&session), e),
    };
    let saved = query.as_deref() == Some("enregistre=1");
    let body = html! {
        h1 { "Famille " (code) }
        p { a href="/familles" { "← Toutes les familles" } }
        @if saved { p.notice role="status" { "Famille " (code) " enregistrée." } }
        (form(&session, code.as_str(), &Values::of(&family), &version, &HashMap::new()))
    };
    family_page(&session, code.as_str(), body)
}

/// `GET /familles/nouvelle`: the form of a new family, with the next free code.
pub(super) async fn new(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let session =
        match super::signed_in_as(&state, &headers, &[crate::domain::Role::Coordinator]).await {
            Ok(s) => s,
            Err(r) => return r,
        };
    let territory = match state.store.load_territory().await {
        Ok(t) => t,
        Err(e) => return error_page(Some(&session), e.into()),
    };
    let next = territory
        .families
        .iter()
        .filter_map(|f| f.code.as_str().strip_prefix("F-")?.parse::<u32>().ok())
        .max()
        .map_or(1, |n| n + 1);
    let mut values = Values::default();
    values.0.insert("frequency".into(), "quinzaine".into());
    values.0.insert("visit_minutes".into(), "60".into());
    let body = html! {
        h1 { "Nouvelle famille" }
        p { a href="/familles" { "← Toutes les familles" } }
        p { "Les mêmes vérifications que l'import : chaque erreur s'affiche à côté de son champ, et rien n'est enregistré tant qu'il en reste une." }
        (form(&session, &format!("F-{next:04}"), &values, "", &HashMap::new()))
    };
    family_page(&session, "nouvelle", body)
}

/// `POST /familles/nouvelle`: creates the family under the code typed (never over an existing
/// one).
pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, fields) = match signed_form(&state, &headers, &body).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let values = Values(fields);
    let typed = values.get("code").to_owned();
    match Code::parse(&typed) {
        Ok(code) => write(&state, &session, code, values, true).await,
        Err(e) => refused(
            &session,
            &typed,
            &values,
            "",
            vec![FieldIssue {
                record: typed.clone(),
                field: "code".into(),
                message: e.to_string(),
            }],
        ),
    }
}

/// `POST /familles/{code}`: saves the family from the version the form was read at.
pub(super) async fn save(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, fields) = match signed_form(&state, &headers, &body).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(code) = Code::parse(&code) else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    write(&state, &session, code, Values(fields), false).await
}

/// Writes the family of the form `values` (a new one when `creating`), or shows why not.
async fn write(
    state: &AppState,
    session: &Session,
    code: Code,
    values: Values,
    creating: bool,
) -> Response {
    let version = if creating {
        String::new()
    } else {
        values.get("version").to_owned()
    };
    let issues = match values.input(code.as_str()) {
        Ok(input) => {
            let tag = Some(version.clone()).filter(|v| !v.is_empty());
            match families::save(state, &session.caller, &code, &input, tag).await {
                Ok(_) => return see_other(&format!("/familles/{code}?enregistre=1")),
                Err(ApiError::Invalid(issues)) => issues,
                // A new family under a code already taken: said next to the code, nothing
                // written over the family that has it.
                Err(ApiError::Conflict | ApiError::PreconditionRequired) if creating => {
                    vec![FieldIssue {
                        record: code.to_string(),
                        field: "code".into(),
                        message: format!("{code} : une famille a déjà ce code"),
                    }]
                }
                Err(ApiError::Conflict | ApiError::PreconditionRequired) => {
                    return conflict(state, session, &code, &values).await;
                }
                Err(e) => return error_page(Some(session), e),
            }
        }
        Err(issues) => issues,
    };
    refused(session, code.as_str(), &values, &version, issues)
}

/// The form again, with each refused field's message next to it (422).
fn refused(
    session: &Session,
    code: &str,
    values: &Values,
    version: &str,
    issues: Vec<FieldIssue>,
) -> Response {
    // Each refused field's message next to it; a message without a field above the form.
    let mut errors: HashMap<String, String> = HashMap::new();
    let mut general = Vec::new();
    for issue in issues {
        if issue.field == "code" || FIELDS.iter().any(|(n, ..)| *n == issue.field) {
            errors
                .entry(issue.field.clone())
                .and_modify(|m| {
                    m.push_str(" ; ");
                    m.push_str(&issue.message);
                })
                .or_insert(issue.message);
        } else {
            general.push(issue.message);
        }
    }
    let body = html! {
        h1 { @if version.is_empty() { "Nouvelle famille" } @else { "Famille " (code) } }
        div.alert role="alert" {
            p { "La famille n'est pas enregistrée : " (errors.len() + general.len()) " erreur(s) à corriger." }
            @for m in &general { p { (m) } }
        }
        (form(session, code, values, version, &errors))
    };
    let mut r = family_page(session, code, body);
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// Someone else saved the family after this form was read: both versions, hers still in the
/// form (sending it again replaces the other's, knowingly), the other's as now stored.
async fn conflict(state: &AppState, session: &Session, code: &Code, mine: &Values) -> Response {
    let (theirs, version) = match stored(state, session, code).await {
        Ok(f) => f,
        Err(e) => return error_page(Some(session), e),
    };
    let theirs = Values::of(&theirs);
    let body = html! {
        h1 { "Famille " (code) }
        div.alert role="alert" {
            p { b { "Modifiée entre-temps par quelqu'un d'autre." } " Rien n'est perdu : votre version est dans le formulaire ci-dessous, celle enregistrée entre-temps est à côté. Enregistrer remplace la leur par la vôtre." }
        }
        div.layout {
            div { h2 { "Votre version" } (form(session, code.as_str(), mine, &version, &HashMap::new())) }
            section.card aria-labelledby="leur-version" {
                h2 id="leur-version" { "La version enregistrée entre-temps" }
                dl.theirs {
                    @for (name, label, _, _) in FIELDS {
                        @let differs = theirs.get(name) != mine.get(name);
                        dt { (label) @if differs { " " span.late { "(différent)" } } }
                        dd data-field=(name) { (if theirs.get(name).is_empty() { "—" } else { theirs.get(name) }) }
                    }
                }
            }
        }
    };
    let mut r = family_page(session, code.as_str(), body);
    *r.status_mut() = StatusCode::CONFLICT;
    r
}
