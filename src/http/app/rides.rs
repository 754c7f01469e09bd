//! « Trajets » (`/trajets`): the health appointments that need a ride, for logistics staff
//! (what they see of the app) and coordinators: the API's `GET /api/v1/rides`, the same
//! fields for the same roles (the kind of care never; the care place's name for coordinators
//! only). Booking comes with the mobility issue.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;

use super::layout::{self, Nav};
use super::{error_page, html_response, signed_in};
use crate::http::AppState;
use crate::http::rides;

/// `GET /trajets`.
pub(super) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let session = match signed_in(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let list = match rides::to_book(&state, &session.caller).await {
        Ok(l) => l,
        Err(e) => return error_page(Some(&session), e),
    };
    let body = html! {
        h1 { "Trajets à réserver" }
        p { "Les rendez-vous de santé des enfants pour lesquels un trajet est demandé, par date. La réservation arrive avec l'aide à la mobilité." }
        p role="status" { (list.len()) " rendez-vous" }
        div.scroll {
            table.list {
                thead { tr {
                    th scope="col" { "Rendez-vous" } th scope="col" { "Enfant" } th scope="col" { "Début" }
                    th scope="col" { "Durée" } th scope="col" { "Adresse" } th scope="col" { "Fauteuil" }
                } }
                tbody {
                    @for r in &list {
                        tr data-ride=(r.appointment) {
                            td { (r.appointment) }
                            td { (r.child) }
                            td { (r.start.format("%d/%m/%Y %H:%M")) }
                            td { (r.minutes) " min" }
                            td {
                                @if let Some(name) = &r.place_name { (name) ", " }
                                @if let Some(a) = &r.address { (a) ", " }
                                (r.commune_name.as_deref().unwrap_or(&r.commune))
                            }
                            td { @if r.wheelchair { "oui" } @else { "non" } }
                        }
                    }
                }
            }
        }
    };
    html_response(
        StatusCode::OK,
        layout::page("Trajets", Some(&session), Nav::Rides, body),
    )
}
