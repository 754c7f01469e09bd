//! « La semaine » (`/semaine/2026-W49`): for a coordinator, the week's last plan as a grid of
//! référents × days (each visit a block with its time, family code, commune and place type, the
//! drive between blocks, her agenda's commitments and her lunch break), the visits not placed
//! grouped by cause with their reason and lateness, today's practice beside it, « Planifier »
//! (a plan job, followed until it ends) and « Publier » with what it changes for whom. For a
//! référent, her own published week. Everything shown comes from the API's functions
//! ([`weeks::plan_of`], [`weeks::published_week_of`], [`jobs::start_plan`]).

use std::collections::BTreeSet;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate};
use maud::{Markup, html};

use super::layout::{self, Nav};
use super::session::Session;
use super::{
    error_page, html_response, see_other, signed_form, signed_form_as, signed_in, signed_in_as,
};
use crate::domain::{Code, Role};
use crate::http::ApiError;
use crate::http::AppState;
use crate::http::horizon::{self, HorizonDto, HorizonStatus};
use crate::http::jobs::{self, JobDto, JobStatus, NewPlan};
use crate::http::pins;
use crate::http::weeks::{self, DayDto, ReferentWeekDto, StopDto, WeekPlanDto};
use crate::planning::{IsoWeek, MAX_WEEKS};
use crate::report::horizon::COMPARISON_WEEKS;
use crate::report::week::PlanFigures;

/// `GET /semaine/{week}`.
pub(super) async fn page(
    State(state): State<AppState>,
    Path(week): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(week) = IsoWeek::parse(&week) else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    let flash = notice(query.as_deref());
    match session.caller.role {
        Role::Coordinator => {
            let plan = match weeks::plan_of(&state, &session.caller, week, None).await {
                Ok(plan) => Some(plan),
                Err(ApiError::NotFound) => None,
                Err(e) => return error_page(Some(&session), e),
            };
            let eight = match horizon::horizon_of(&state, &session.caller, week).await {
                Ok(h) => h,
                Err(e) => return error_page(Some(&session), e),
            };
            let body = coordinator_week(&session, week, plan.as_ref(), &eight, flash.as_deref());
            html_response(
                StatusCode::OK,
                layout::page(&format!("Semaine {week}"), Some(&session), Nav::Week, body),
            )
        }
        Role::Referent => {
            let code = session.caller.person.clone();
            let mine = match weeks::published_week_of(&state, &session.caller, week, &code).await {
                Ok(mine) => Some(mine),
                Err(ApiError::NotFound) => None,
                Err(e) => return error_page(Some(&session), e),
            };
            let body = referent_week(week, &code, mine.as_ref());
            html_response(
                StatusCode::OK,
                layout::page(
                    &format!("Ma semaine {week}"),
                    Some(&session),
                    Nav::Week,
                    body,
                ),
            )
        }
        Role::Logistics => error_page(Some(&session), ApiError::Forbidden),
    }
}

/// What the query string of a redirect says happened: `publie=N`, `plan=N`.
fn notice(query: Option<&str>) -> Option<String> {
    let query = query?;
    let (key, value) = form_urlencoded::parse(query.as_bytes()).next()?;
    if key == "fixe" {
        let family = Code::parse(&value).ok()?;
        let version = form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == "version")
            .and_then(|(_, v)| v.parse::<i64>().ok())?;
        return Some(format!(
            "Visite {family} fixée ; ses jours touchés sont replanifiés autour d'elle : version {version} (non publiée)."
        ));
    }
    let n: i64 = value.parse().ok()?;
    match key.as_ref() {
        "publie" => Some(format!(
            "Version {n} publiée : les calendriers des référentes la montrent désormais."
        )),
        "plan" => Some(format!("Plan calculé et enregistré : version {n}.")),
        _ => None,
    }
}

/// « 3 h 05 », « 45 min ».
pub(super) fn hours(minutes: i64) -> String {
    if minutes.abs() < 60 {
        format!("{minutes} min")
    } else {
        format!("{} h {:02}", minutes / 60, (minutes % 60).abs())
    }
}

/// « lundi 30/11 ».
fn day_label(date: NaiveDate) -> String {
    let day = crate::domain::Weekday::from_chrono(date.weekday()).french();
    format!("{day} {:02}/{:02}", date.day(), date.month())
}

/// The links to the weeks before and after.
fn week_nav(week: IsoWeek) -> Markup {
    let previous = IsoWeek::containing(week.monday() - chrono::Duration::days(7));
    html! {
        nav.weeknav aria-label="Semaines" {
            a href={ "/semaine/" (previous) } rel="prev" { "← Semaine " (previous) }
            a href={ "/semaine/" (week.next()) } rel="next" { "Semaine " (week.next()) " →" }
        }
    }
}

fn coordinator_week(
    session: &Session,
    week: IsoWeek,
    plan: Option<&WeekPlanDto>,
    eight: &HorizonDto,
    flash: Option<&str>,
) -> Markup {
    html! {
        h1 { "Semaine " (week) " " small { "du " (day_label(week.monday())) " au " (day_label(week.sunday())) } }
        (week_nav(week))
        @if plan.is_some() { p { a href={ "/semaine/" (week) "/carte" } { "Voir la carte des tournées" } } }
        @if let Some(f) = flash { p.notice role="status" { (f) } }
        @match plan {
            None => {
                p { "Aucun plan n'a encore été calculé pour cette semaine." }
                (plan_form(session, week, false))
            }
            Some(plan) => {
                (headline(plan))
                div.layout {
                    div {
                        h2 { "Les tournées" }
                        (grid(week, &plan.referents, Some(&plan.figures)))
                    }
                    aside aria-label="Actions et visites non placées" {
                        (pin_form(session, week, plan))
                        (plan_form(session, week, true))
                        (publish_form(session, week, plan))
                        (comparison(&plan.figures, plan.baseline.as_ref()))
                        (unmet(&plan.figures))
                    }
                }
            }
        }
        (eight_weeks(session, week, eight))
    }
}

/// « Les 8 semaines suivantes »: today's practice beside Parcours over the weeks from this one,
/// as the demo prints them, with « Simuler » when they are missing or out of date.
fn eight_weeks(session: &Session, week: IsoWeek, eight: &HorizonDto) -> Markup {
    let percent = |x: f64| format!("{x:.0} %");
    let per_visit = |x: f64| format!("{x:.1} min").replace('.', ",");
    html! {
        section.card #huit-semaines aria-labelledby="huit" {
            h2 id="huit" { "Les " (COMPARISON_WEEKS) " semaines suivantes, simulées" }
            p { "Chaque semaine planifiée, ses visites faites, puis la suivante : la pratique actuelle (premier créneau libre, dans l'ordre des codes) et Parcours (chaque semaine planifiée avec la suivante)." }
            @if eight.status == HorizonStatus::Running {
                p role="status" { "Simulation en cours : " (eight.weeks_done.unwrap_or(0)) " semaines planifiées sur " (eight.weeks_total.unwrap_or(0)) ". "
                    a href={ "/semaine/" (week) "/simulation" } { "Suivre" } }
            }
            @if let Some(e) = &eight.error { p.alert role="alert" { "La dernière simulation a échoué : " (e) } }
            @if let Some(f) = &eight.figures {
                @if !eight.current {
                    p.alert role="status" { "Ces chiffres ont été calculés sur des données modifiées depuis (import, fiche famille) : relancez la simulation." }
                }
                table.eight data-current=(eight.current) {
                    thead { tr { th scope="col" { "" } th scope="col" { "Pratique actuelle" } th scope="col" { "Parcours" } } }
                    tbody {
                        tr { th scope="row" { "Visites faites" } td { (f.today.visits) } td data-figure="eight-visits" { (f.parcours.visits) } }
                        tr { th scope="row" { "Dans la tolérance" } td { (percent(f.today.on_time_percent())) } td { (percent(f.parcours.on_time_percent())) } }
                        tr { th scope="row" { "Familles sans visite plus de 2 intervalles" } td { (f.today.unseen_twice) } td { (f.parcours.unseen_twice) } }
                        tr { th scope="row" { "… dont personne ne peut voir" } td { (f.today.unseen_twice_unvisitable) } td { (f.parcours.unseen_twice_unvisitable) } }
                        tr { th scope="row" { "… dont personne ne peut suivre" } td { (f.today.unseen_twice_unfollowed) } td { (f.parcours.unseen_twice_unfollowed) } }
                        tr { th scope="row" { "… dont faute d'heures quand elles sont libres" } td { (f.today.unseen_twice_short) } td { (f.parcours.unseen_twice_short) } }
                        tr { th scope="row" { "Plus long écart entre deux visites" } td { (f.today.longest_gap_days) " j" } td { (f.parcours.longest_gap_days) " j" } }
                        tr { th scope="row" { "Trajets" } td { (hours(f.today.drive_minutes)) } td { (hours(f.parcours.drive_minutes)) } }
                        tr { th scope="row" { "Trajet par visite" } td { (per_visit(f.today.minutes_per_visit())) } td { (per_visit(f.parcours.minutes_per_visit())) } }
                    }
                }
                @if let Some(at) = eight.computed_at {
                    p.small { "Calculés le " (crate::domain::to_paris(at).format("%d/%m/%Y à %H:%M")) "." }
                }
            }
            @if eight.figures.is_none() && eight.status != HorizonStatus::Running {
                p { "Pas encore simulées pour ces données." }
            }
            @if eight.status != HorizonStatus::Running && !eight.current {
                form method="post" action={ "/semaine/" (week) "/simuler" } {
                    input type="hidden" name="csrf" value=(session.form_token);
                    p { button type="submit" { "Simuler les " (COMPARISON_WEEKS) " semaines" } " (une à quelques minutes ; les plans demandés entre-temps passent entre deux semaines)" }
                }
            }
        }
    }
}

/// `POST /semaine/{week}/simuler`: starts the simulation of the eight weeks, then follows it.
pub(super) async fn simulate(
    State(state): State<AppState>,
    Path(week): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, _) = match signed_form_as(&state, &headers, &body, &[Role::Coordinator]).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let week = match jobs::plannable_week(&state, &week).await {
        Ok(w) => w,
        Err(e) => return error_page(Some(&session), e),
    };
    match horizon::start_simulation(&state, week, &horizon::NewHorizon::default()) {
        Ok(()) => see_other(&format!("/semaine/{week}/simulation")),
        Err(e) => error_page(Some(&session), e),
    }
}

/// `GET /semaine/{week}/simulation`: how far the simulation has got, refreshed every two
/// seconds until it ends; then the week, at its figures.
pub(super) async fn simulation(
    State(state): State<AppState>,
    Path(week): Path<String>,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in_as(&state, &headers, &[Role::Coordinator]).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(week) = IsoWeek::parse(&week) else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    let eight = match horizon::horizon_of(&state, &session.caller, week).await {
        Ok(h) => h,
        Err(e) => return error_page(Some(&session), e),
    };
    if eight.status != HorizonStatus::Running {
        return see_other(&format!("/semaine/{week}#huit-semaines"));
    }
    let body = html! {
        h1 { "Simulation des " (COMPARISON_WEEKS) " semaines depuis " (week) }
        dl.progress aria-live="polite" {
            dt { "État" } dd data-status="running" { "en cours" }
            @if let Some(s) = eight.elapsed_seconds {
                dt { "Temps écoulé" } dd { (format!("{s:.0}")) " s" }
            }
            dt { "Semaines planifiées" }
            dd { (eight.weeks_done.unwrap_or(0)) " sur " (eight.weeks_total.unwrap_or(0))
                " (la pratique actuelle, puis Parcours)" }
        }
        p { "La page se met à jour d'elle-même." }
        p { a href={ "/semaine/" (week) } { "Revenir à la semaine" } }
    };
    let mut r = html_response(
        StatusCode::OK,
        layout::page(
            &format!("Simulation depuis {week}"),
            Some(&session),
            Nav::Week,
            body,
        ),
    );
    r.headers_mut()
        .insert("refresh", axum::http::HeaderValue::from_static("2"));
    r
}

fn headline(plan: &WeekPlanDto) -> Markup {
    let f = &plan.figures;
    html! {
        ul.figures {
            li { b data-figure="visits" { (f.visits_placed) } " visites placées sur " (f.visits_due) " dues" }
            li { b { (hours(f.travel_minutes)) } " de trajet (" (f.travel_km) " km)" }
            li { "Version " b data-figure="version" { (plan.version) } }
            li {
                @match plan.published_version {
                    Some(v) if v == plan.version => { "publiée" }
                    Some(v) => { "version " (v) " publiée" }
                    None => { "rien n'est encore publié" }
                }
            }
        }
    }
}

fn plan_form(session: &Session, week: IsoWeek, has_plan: bool) -> Markup {
    html! {
        section.card aria-labelledby="planifier" {
            h2 id="planifier" { "Planifier" }
            form method="post" action={ "/semaine/" (week) "/planifier" } {
                input type="hidden" name="csrf" value=(session.form_token);
                label for="weeks" { "Semaines planifiées ensemble" }
                select id="weeks" name="weeks" {
                    @for n in 1..=MAX_WEEKS {
                        option value=(n) selected[n == 2] {
                            (n) @if n == 1 { " (cette semaine seule)" } @else { " semaines" }
                        }
                    }
                }
                p.inline {
                    input type="checkbox" id="compare" name="compare" value="1" checked;
                    " " label for="compare" { "Comparer à la pratique actuelle" }
                }
                @if has_plan {
                    p.inline {
                        input type="checkbox" id="replan" name="replan" value="1" checked;
                        " " label for="replan" { "Garder ce qui tient (visites fixées, confirmées, inchangées)" }
                    }
                }
                p { button type="submit" { "Planifier la semaine " (week) } }
            }
        }
    }
}

/// « Fixer une visite »: the keyboard's way to do what dragging a block does.
fn pin_form(session: &Session, week: IsoWeek, plan: &WeekPlanDto) -> Markup {
    let mut visits: Vec<(&str, &str, &StopDto)> = plan
        .referents
        .iter()
        .flat_map(|r| {
            r.days
                .iter()
                .flat_map(|d| &d.stops)
                .filter_map(move |s| Some((s.family.as_deref()?, r.referent.as_str(), s)))
        })
        .collect();
    visits.sort_by_key(|(family, _, _)| *family);
    html! {
        section.card aria-labelledby="fixer" {
            h2 id="fixer" { "Fixer une visite" }
            p { "Glissez une visite vers un autre jour de sa référente, ou choisissez-la ici : elle est fixée à ce moment, et les jours touchés sont replanifiés autour d'elle." }
            form #pin-form method="post" action={ "/semaine/" (week) "/fixer" } {
                input type="hidden" name="csrf" value=(session.form_token);
                label for="pin-family" { "Visite" }
                select id="pin-family" name="family" required {
                    @for (family, referent, stop) in &visits {
                        option value=(family) { (family) " — " (referent) ", " (day_label(stop.start.date_naive())) " " (stop.start.format("%H:%M")) }
                    }
                }
                label for="pin-date" { "Jour" }
                select id="pin-date" name="date" required {
                    @for d in week.dates() { option value=(d) { (day_label(d)) } }
                }
                label for="pin-time" { "Heure de début" }
                input type="time" id="pin-time" name="time" required step="60" value="09:00";
                p { button type="submit" { "Fixer la visite" } }
            }
        }
    }
}

fn publish_form(session: &Session, week: IsoWeek, plan: &WeekPlanDto) -> Markup {
    let already = plan.published_version == Some(plan.version);
    html! {
        section.card aria-labelledby="publier" {
            h2 id="publier" { "Publier" }
            @if already {
                p { "La version " (plan.version) " est celle que montrent les calendriers." }
            } @else {
                @match &plan.unpublished_changes {
                    None => { p { "Rien n'est encore publié : la publication ajoute toutes les visites aux calendriers." } }
                    Some(changes) if changes.referents.is_empty() => {
                        p { "Mêmes visites aux mêmes heures que la version publiée." }
                    }
                    Some(changes) => {
                        p { "Ce qui change pour chacune depuis la dernière publication :" }
                        ul.changes {
                            @for r in &changes.referents {
                                li {
                                    b { (r.referent) } " : "
                                    (r.moved.len()) " déplacée(s), "
                                    (r.added.len()) " ajoutée(s), "
                                    (r.dropped.len()) " retirée(s)"
                                    @if !r.moved.is_empty() || !r.added.is_empty() || !r.dropped.is_empty() {
                                        ul {
                                            @for m in &r.moved {
                                                li { (m.family) " : " (m.from.format("%d/%m %H:%M")) " → " (m.to.format("%d/%m %H:%M")) }
                                            }
                                            @for a in &r.added {
                                                li { (a.family) " : ajoutée le " (a.start.format("%d/%m à %H:%M")) }
                                            }
                                            @for d in &r.dropped {
                                                li { (d.family) " : retirée"
                                                    @if let Some(why) = &d.reason { " (" (why) ")" } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                form method="post" action={ "/semaine/" (week) "/publier" } {
                    input type="hidden" name="csrf" value=(session.form_token);
                    input type="hidden" name="version" value=(plan.version);
                    button type="submit" { "Publier la version " (plan.version) }
                }
            }
        }
    }
}

fn comparison(figures: &PlanFigures, baseline: Option<&PlanFigures>) -> Markup {
    html! {
        @if let Some(b) = baseline {
            section.card aria-labelledby="pratique" {
                h2 id="pratique" { "La pratique actuelle" }
                p { "Chaque référente place ses visites dans l'ordre des codes des familles, au premier créneau libre :" }
                ul {
                    li { "pratique actuelle : " (b.visits_placed) " visites, " (hours(b.travel_minutes)) " de trajet" }
                    li { "Parcours : " (figures.visits_placed) " visites, " (hours(figures.travel_minutes)) " de trajet" }
                    @if b.travel_minutes > 0 && b.visits_placed > 0 && figures.visits_placed > 0 {
                        @let per_b = b.travel_minutes as f64 / b.visits_placed as f64;
                        @let per_p = figures.travel_minutes as f64 / figures.visits_placed as f64;
                        li { "trajet par visite : " (format!("{per_b:.1}").replace('.', ",")) " min → "
                            (format!("{per_p:.1}").replace('.', ",")) " min ("
                            (format!("{:+.0}", (per_p / per_b - 1.0) * 100.0)) " %)" }
                    }
                }
            }
        }
    }
}

fn unmet(figures: &PlanFigures) -> Markup {
    html! {
        section.card aria-labelledby="non-placees" {
            h2 id="non-placees" { "Visites non placées (" (figures.unmet_by_cause.iter().map(|g| g.visits.len()).sum::<usize>()) ")" }
            @if figures.unmet_by_cause.is_empty() {
                p { "Toutes les visites dues sont placées." }
            }
            @for group in &figures.unmet_by_cause {
                details open[figures.unmet_by_cause.len() <= 3] {
                    summary { (group.label) " : " (group.visits.len()) " visite(s), " (hours(group.minutes)) }
                    @if let Some(reason) = &group.reason { p { (reason) } }
                    ul.unmet {
                        @for (family, referent, late, reason) in &group.visits {
                            li {
                                b { (family) }
                                @if let Some(r) = referent { " (" (r) ")" }
                                @if *late > 0 { " — " span.late { "en retard de " (late) " j" } }
                                @if group.reason.is_none() { " — " (reason) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The dates shown as columns: Monday to Friday, and a weekend day someone works.
fn columns(week: IsoWeek, referents: &[ReferentWeekDto]) -> Vec<NaiveDate> {
    let worked: BTreeSet<NaiveDate> = referents
        .iter()
        .flat_map(|r| r.days.iter().map(|d| d.date))
        .collect();
    week.dates()
        .filter(|d| d.weekday().num_days_from_monday() < 5 || worked.contains(d))
        .collect()
}

/// The grid of référents × days.
fn grid(week: IsoWeek, referents: &[ReferentWeekDto], figures: Option<&PlanFigures>) -> Markup {
    let dates = columns(week, referents);
    html! {
        div.scroll {
            table.grid {
                caption.skip { "Tournées de la semaine " (week) ", une ligne par référente, une colonne par jour" }
                thead {
                    tr {
                        th scope="col" { "Référente" }
                        @for d in &dates { th scope="col" { (day_label(*d)) } }
                    }
                }
                tbody {
                    @for r in referents {
                        tr data-referent=(r.referent) {
                            th scope="row" {
                                (r.referent)
                                @if let Some(f) = figures.and_then(|f| f.referents.iter().find(|x| x.referent == r.referent)) {
                                    small { (f.visits) " visites · " (hours(f.travel_minutes)) " de trajet · charge " (f.workload_percent) " %" }
                                }
                            }
                            @for d in &dates {
                                @match r.days.iter().find(|day| day.date == *d) {
                                    Some(day) => { td data-date=(d) { (day_cell(day)) } }
                                    None => { td data-date=(d) { ol.day { li.off { "ne travaille pas" } } } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One day of one référent: her stops in order, the drive before each, her lunch break where
/// it falls, the drive back.
fn day_cell(day: &DayDto) -> Markup {
    let lunch = day
        .lunch_start
        .filter(|_| day.lunch_minutes > 0)
        .map(|start| (start, start + chrono::Duration::minutes(day.lunch_minutes)));
    // The lunch break goes before the first stop that starts after it.
    let lunch_before = lunch.and_then(|(start, _)| day.stops.iter().position(|s| start <= s.start));
    let lunch_block = |(start, end): (DateTime<FixedOffset>, DateTime<FixedOffset>)| {
        html! { li.lunch { span.time { (start.format("%H:%M")) "–" (end.format("%H:%M")) } " déjeuner" } }
    };
    html! {
        ol.day {
            @if day.stops.is_empty() { li.off { "aucune visite" } }
            @for (i, stop) in day.stops.iter().enumerate() {
                @if lunch_before == Some(i) { @if let Some(l) = lunch { (lunch_block(l)) } }
                @if stop.travel_minutes > 0 {
                    li.travel aria-label={ (stop.travel_minutes) " minutes de trajet" } { "↝ " (stop.travel_minutes) " min" }
                }
                (stop_block(stop))
            }
            @if lunch_before.is_none() { @if let Some(l) = lunch { (lunch_block(l)) } }
            @if day.return_minutes > 0 {
                li.travel aria-label={ (day.return_minutes) " minutes de retour" } { "↩ " (day.return_minutes) " min" }
            }
        }
    }
}

fn stop_block(stop: &StopDto) -> Markup {
    let time = html! { span.time { (stop.start.format("%H:%M")) "–" (stop.end.format("%H:%M")) } };
    match stop.kind.as_str() {
        "visit" => html! {
            li.visit id=(stop.id) data-family=[stop.family.as_deref()] data-start=(stop.start.format("%H:%M"))
                tabindex="0" draggable="true" title="Glisser vers un autre jour pour la fixer" {
                (time) " " b { (stop.family.as_deref().unwrap_or("?")) }
                br; small { (stop.commune_name) " · " (stop.place) }
                @if stop.confirmed { " " span.pin { "fixée" } }
            }
        },
        _ => html! {
            li.fixed id=(stop.id) {
                (time) " " (stop.label.as_deref().unwrap_or("engagement"))
                br; small { (stop.commune_name) " · " (stop.place) }
            }
        },
    }
}

fn referent_week(week: IsoWeek, code: &Code, mine: Option<&ReferentWeekDto>) -> Markup {
    html! {
        h1 { "Ma semaine " (week) " " small { (code) } }
        (week_nav(week))
        @match mine {
            None => { p { "Cette semaine n'est pas encore publiée." } }
            Some(mine) => {
                p { "Version publiée " (mine.version) " · " (hours(mine.travel_minutes)) " de trajet." }
                (grid(week, std::slice::from_ref(mine), None))
            }
        }
    }
}

/// `POST /semaine/{week}/planifier`: starts the plan job and shows its progress.
pub(super) async fn plan(
    State(state): State<AppState>,
    Path(week): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, fields) =
        match signed_form_as(&state, &headers, &body, &[Role::Coordinator]).await {
            Ok(s) => s,
            Err(r) => return r,
        };
    let week = match jobs::plannable_week(&state, &week).await {
        Ok(w) => w,
        Err(e) => return error_page(Some(&session), e),
    };
    let weeks = match fields.get("weeks").map(|w| w.parse::<u32>()) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return error_page(
                Some(&session),
                ApiError::Invalid(vec![crate::http::FieldIssue {
                    record: week.to_string(),
                    field: "weeks".into(),
                    message: "un nombre de semaines entre 1 et 8 est attendu".into(),
                }]),
            );
        }
    };
    let settings = NewPlan {
        compare_baseline: fields.contains_key("compare"),
        seed: None,
        time_limit_seconds: None,
        weeks,
        replan: fields.contains_key("replan"),
    };
    match jobs::start_plan(state, week, settings) {
        Ok(job) => see_other(&format!("/semaine/{week}/calcul/{}", job.id)),
        Err(e) => error_page(Some(&session), e),
    }
}

/// `GET /semaine/{week}/calcul/{id}`: the job's progress, refreshed every second until it
/// ends; once done, the week.
pub(super) async fn job(
    State(state): State<AppState>,
    Path((week, id)): Path<(String, String)>,
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
        .filter(|j| j.week.as_deref() == Some(week.as_str()));
    let Some(job) = found else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    if job.status == JobStatus::Done {
        let version = job.version.unwrap_or_default();
        return see_other(&format!("/semaine/{week}?plan={version}"));
    }
    let running = matches!(job.status, JobStatus::Queued | JobStatus::Running);
    let mut r = html_response(
        StatusCode::OK,
        layout::page(
            &format!("Calcul de la semaine {week}"),
            Some(&session),
            Nav::Week,
            progress(&week, &job),
        ),
    );
    if running {
        r.headers_mut()
            .insert("refresh", axum::http::HeaderValue::from_static("1"));
    }
    r
}

fn progress(week: &str, job: &JobDto) -> Markup {
    let running = matches!(job.status, JobStatus::Queued | JobStatus::Running);
    let status = job.status.french();
    html! {
        h1 { "Calcul de la semaine " (week) }
        dl.progress aria-live="polite" {
            dt { "État" } dd data-status=(format!("{:?}", job.status).to_lowercase()) { (status) }
            @if let Some(s) = job.elapsed_seconds {
                dt { "Temps écoulé" } dd { (format!("{s:.1}").replace('.', ",")) " s" }
            }
            @if let Some(p) = &job.progress {
                dt { "Étape" } dd { (p.stage) " : " (p.done) " sur " (p.total) }
                dt { "Référentes déjà planifiées à cette étape" }
                dd data-progress="best" { (hours(p.travel_minutes)) " de trajet, " (p.unmet) " visite(s) non placée(s)" }
            }
        }
        @if let Some(e) = &job.error { p.alert role="alert" { (e) } }
        @if running {
            p { "La page se met à jour d'elle-même." }
            p { a href="" { "Actualiser" } }
        }
        p { a href={ "/semaine/" (week) } { "Revenir à la semaine" } }
    }
}

/// `POST /semaine/{week}/publier`: publishes the version the page showed.
pub(super) async fn publish(
    State(state): State<AppState>,
    Path(week): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, fields) =
        match signed_form_as(&state, &headers, &body, &[Role::Coordinator]).await {
            Ok(s) => s,
            Err(r) => return r,
        };
    let Ok(week) = IsoWeek::parse(&week) else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    let version = fields.get("version").and_then(|v| v.parse::<i64>().ok());
    match weeks::publish_week(&state, week, version).await {
        Ok(p) => see_other(&format!("/semaine/{week}?publie={}", p.version)),
        Err(e) => error_page(Some(&session), e),
    }
}

/// `POST /semaine/{week}/fixer`: fixes the visit at the day and time given, her touched days
/// planned again around it (a new version, not published).
pub(super) async fn pin(
    State(state): State<AppState>,
    Path(week): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (session, fields) = match signed_form(&state, &headers, &body).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(week) = IsoWeek::parse(&week) else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    let field = |name: &str| fields.get(name).map_or("", |v| v.trim());
    let Ok(family) = Code::parse(field("family")) else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    let start = format!("{}T{}", field("date"), field("time"));
    match pins::pin_visit(&state, &session.caller, week, &family, &start).await {
        Ok(p) => see_other(&format!(
            "/semaine/{week}?fixe={}&version={}",
            family.as_str(),
            p.version
        )),
        Err(e) => error_page(Some(&session), e),
    }
}

/// `GET /semaine/{week}/carte`: « La carte », the routes of the week's last plan per référent
/// and day beside today's practice, each visit labelled on hover and focus, the visits not
/// placed drawn at the families' homes (the API's `GET /api/v1/weeks/{week}/map`, inline).
pub(super) async fn map(
    State(state): State<AppState>,
    Path(week): Path<String>,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in(&state, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(week) = IsoWeek::parse(&week) else {
        return error_page(Some(&session), ApiError::NotFound);
    };
    let svg = match weeks::map_of(&state, &session.caller, week).await {
        Ok(svg) => Some(svg),
        Err(ApiError::NotFound) => None,
        Err(e) => return error_page(Some(&session), e),
    };
    let body = html! {
        h1 { "La carte — semaine " (week) }
        nav.weeknav aria-label="Semaines" {
            a href={ "/semaine/" (week) } { "← La semaine " (week) }
        }
        @match svg {
            None => { p { "Aucun plan n'a encore été calculé pour cette semaine." } }
            Some(svg) => {
                p { "Survolez une visite, ou atteignez-la avec la touche Tab, pour voir la famille, le jour et l'heure. Les cercles rouges sont les visites non placées, au domicile de la famille." }
                div.scroll.map { (maud::PreEscaped(svg)) }
            }
        }
    };
    html_response(
        StatusCode::OK,
        layout::page(&format!("La carte {week}"), Some(&session), Nav::Map, body),
    )
}
