//! The frame of every page: French, the stylesheet and script of the binary, a skip link, the
//! navigation the reader's role allows, and who is signed in with the sign-out button.

use maud::{DOCTYPE, Markup, html};

use super::assets;
use super::session::Session;
use crate::domain::Role;

/// Which page of the navigation is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Nav {
    /// La semaine.
    Week,
    /// Abonnements.
    Subscriptions,
    /// La carte.
    Map,
    /// Familles.
    Families,
    /// Import.
    Import,
    /// Trajets.
    Rides,
    /// Réunions EPS.
    Eps,
    /// No entry of the navigation (sign-in, an error).
    None,
}

/// A whole page.
pub(super) fn page(title: &str, session: Option<&Session>, nav: Nav, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — Parcours" }
                link rel="icon" type="image/svg+xml" href=(assets::url("icon.svg"));
                link rel="stylesheet" href=(assets::url("app.css"));
                script src=(assets::url("app.js")) defer {}
            }
            body {
                a.skip href="#contenu" { "Aller au contenu" }
                header.top {
                    a.brand href="/" { "Parcours" }
                    @if let Some(s) = session {
                        nav aria-label="Navigation principale" {
                            ul {
                                @match s.caller.role {
                                    Role::Coordinator | Role::Referent => {
                                        li { a href="/" aria-current=[(nav == Nav::Week).then_some("page")] {
                                            @if s.caller.role == Role::Referent { "Ma semaine" } @else { "La semaine" }
                                        } }
                                    }
                                    Role::Logistics => {
                                        li { a href="/trajets" aria-current=[(nav == Nav::Rides).then_some("page")] { "Trajets" } }
                                    }
                                }
                                @if s.caller.role == Role::Coordinator {
                                    li { a href="/eps" aria-current=[(nav == Nav::Eps).then_some("page")] { "Réunions EPS" } }
                                    li { a href="/familles" aria-current=[(nav == Nav::Families).then_some("page")] { "Familles" } }
                                    li { a href="/import" aria-current=[(nav == Nav::Import).then_some("page")] { "Import" } }
                                    li { a href="/abonnements" aria-current=[(nav == Nav::Subscriptions).then_some("page")] { "Abonnements" } }
                                }
                            }
                        }
                        div.who {
                            span { (s.caller.person) " · " (role_french(s.caller.role)) }
                            form method="post" action="/deconnexion" {
                                input type="hidden" name="csrf" value=(s.form_token);
                                button type="submit" { "Se déconnecter" }
                            }
                        }
                    }
                }
                main id="contenu" tabindex="-1" { (body) }
            }
        }
    }
}

/// A role as the page says it.
pub(super) fn role_french(role: Role) -> &'static str {
    match role {
        Role::Coordinator => "coordination",
        Role::Referent => "référente",
        Role::Logistics => "logistique",
    }
}
