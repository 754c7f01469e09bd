//! « Import » (`/import`): a coordinator uploads the folder's CSV files (all of them, or only
//! those that changed); the same all-or-nothing check as `parcours import` runs on them
//! (`import::import`, the CLI's own), every error listed with its file, line, column and value,
//! and nothing is written unless everything is valid.

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};

use super::layout::{self, Nav};
use super::session::{self, Session};
use super::{bad_form_token, error_page, html_response, signed_in, signed_in_as};
use crate::domain::Role;
use crate::http::{ApiError, AppState};
use crate::import::{self, ImportReport, Issue, Source};

/// The largest upload: a territory ten times the reference one is about 2 MiB of CSV.
pub const IMPORT_LIMIT_BYTES: usize = 16 * 1024 * 1024;

fn form(session: &Session) -> Markup {
    html! {
        section.card aria-labelledby="envoyer" {
            h2 id="envoyer" { "Envoyer les fichiers" }
            p { "Les fichiers CSV du dossier, séparés par des points-virgules, tels qu'Excel les enregistre (UTF-8 ou Windows-1252) : " code { "familles.csv" } ", " code { "referents.csv" } ", " code { "agenda.csv" } "… Tout est vérifié avant d'écrire : une seule erreur, et rien n'est modifié." }
            form method="post" action="/import" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(session.form_token);
                label for="files" { "Fichiers CSV" }
                input type="file" id="files" name="files" accept=".csv,text/csv" multiple required;
                p { button type="submit" { "Vérifier et importer" } }
            }
        }
    }
}

/// `GET /import`.
pub(super) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let session = match signed_in_as(&state, &headers, &[Role::Coordinator]).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let body = html! { h1 { "Import" } (form(&session)) };
    html_response(
        StatusCode::OK,
        layout::page("Import", Some(&session), Nav::Import, body),
    )
}

fn issues(title: &str, list: &[Issue]) -> Markup {
    html! {
        h3 { (title) " (" (list.len()) ")" }
        div.scroll {
            table.list.issues {
                thead { tr { th scope="col" { "Fichier" } th scope="col" { "Ligne" } th scope="col" { "Colonne" } th scope="col" { "Valeur" } th scope="col" { "Problème" } } }
                tbody {
                    @for i in list.iter().take(import::MAX_ERRORS) {
                        tr data-file=(i.file) data-line=[i.line] data-column=[i.column.as_deref()] {
                            td { (i.file) }
                            td { @if let Some(l) = i.line { (l) } @else { "—" } }
                            td { (i.column.as_deref().unwrap_or("—")) }
                            td { (i.value.as_deref().unwrap_or("")) }
                            td { (i.message) }
                        }
                    }
                }
            }
        }
        @if list.len() > import::MAX_ERRORS { p { "… et " (list.len() - import::MAX_ERRORS) " autre(s)." } }
    }
}

fn report(r: &ImportReport) -> Markup {
    let v = &r.validation;
    html! {
        section.card aria-labelledby="resultat" {
            h2 id="resultat" { "Résultat" }
            p { (v.files.len()) " fichier(s) lu(s) : "
                @for (i, (name, cp1252)) in v.files.iter().enumerate() {
                    @if i > 0 { ", " } (name) @if *cp1252 { " (Windows-1252)" }
                }
            }
            @match &r.counts {
                None => {
                    p.alert role="alert" { (v.errors.len()) " erreur(s) : rien n'a été modifié. Corrigez les fichiers et envoyez-les à nouveau." }
                    (issues("Erreurs", &v.errors))
                }
                Some(counts) => {
                    p.notice role="status" { "Import enregistré : " (v.records) " enregistrement(s) lus." }
                    table.list {
                        thead { tr { th scope="col" { "Fichier" } th scope="col" { "Ajoutés" } th scope="col" { "Modifiés" } th scope="col" { "Inchangés" } } }
                        tbody {
                            @for (file, c) in counts.files.iter().filter(|(f, _)| v.files.iter().any(|(n, _)| n == f)) {
                                tr { td { (file) } td { (c.added) } td { (c.updated) } td { (c.unchanged) } }
                            }
                        }
                    }
                }
            }
            @if !v.warnings.is_empty() { (issues("Avertissements", &v.warnings)) }
        }
    }
}

/// `POST /import`: the files of the form, checked all together, written only if all are valid.
pub(super) async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let session = match signed_in(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut token = String::new();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return error_page(
                    Some(&session),
                    ApiError::BadRequest(format!("envoi illisible : {}", e.body_text())),
                );
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(|f| {
            // The browser may send a path: only the file's own name counts.
            f.rsplit(['/', '\\']).next().unwrap_or(f).to_lowercase()
        });
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return error_page(
                    Some(&session),
                    ApiError::BadRequest(format!("envoi interrompu : {}", e.body_text())),
                );
            }
        };
        match (name.as_str(), file_name) {
            ("csrf", _) => token = String::from_utf8_lossy(&bytes).into_owned(),
            ("files", Some(file)) if !file.is_empty() => files.push((file, bytes.to_vec())),
            _ => {}
        }
    }
    if !session::same(&session.form_token, &token) {
        return bad_form_token(Some(&session));
    }
    if let Err(e) = session.caller.require(&[Role::Coordinator]) {
        return error_page(Some(&session), e);
    }
    if files.is_empty() {
        return error_page(
            Some(&session),
            ApiError::BadRequest(
                "aucun fichier envoyé : choisissez les fichiers CSV du dossier".into(),
            ),
        );
    }
    let today = crate::domain::to_paris((state.clock)()).date();
    let done = match import::import(&state.store, &Source::from_files(files), today).await {
        Ok(r) => r,
        Err(e) => return error_page(Some(&session), ApiError::Internal(e.to_string())),
    };
    let status = if done.counts.is_some() {
        state.feeds.clear();
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = html! { h1 { "Import" } (report(&done)) (form(&session)) };
    html_response(
        status,
        layout::page("Import", Some(&session), Nav::Import, body),
    )
}
