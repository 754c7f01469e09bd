//! The web app as a browser uses it, over HTTP, on SQLite and PostgreSQL: sign-in with a login
//! and password, the session cookie's flags, forms refused without their token, a référent who
//! sees her own week only, failed sign-ins slowed down, sessions that end; and the week a
//! coordinator plans and publishes from the pages. (The same in a real browser: `tests/browser`.)

use std::collections::BTreeMap;

use crate::api::{Database, databases};
use crate::helpers::{latest_plan, on_store, parcours_with_input};
use crate::serve::{Reply, ServerOptions, TestServer, planned_mini};

const COORDINATOR_PASSWORD: &str = "une phrase de passe";
const REFERENT_PASSWORD: &str = "mot de passe de R-01";

/// `mini` planned for W49, with a sign-in for C-01 (`claire`) and R-01 (`amina`).
fn web_team(database: Option<Database>, url: String) -> (Option<Database>, String) {
    planned_mini(&url);
    for (role, person, login, password) in [
        ("coordinator", "C-01", "claire", COORDINATOR_PASSWORD),
        ("referent", "R-01", "amina", REFERENT_PASSWORD),
    ] {
        let out = parcours_with_input(
            &[
                "user", "add", "--role", role, "--person", person, "--login", login,
            ],
            &url,
            &format!("{password}\n"),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (database, url)
}

/// A browser: its cookies, sent back with every request.
struct Browser<'s> {
    server: &'s TestServer,
    cookies: BTreeMap<String, String>,
    /// Extra headers of every request (`X-Forwarded-Proto`).
    extra: Vec<(&'static str, &'static str)>,
}

impl<'s> Browser<'s> {
    fn new(server: &'s TestServer) -> Browser<'s> {
        Browser {
            server,
            cookies: BTreeMap::new(),
            extra: Vec::new(),
        }
    }

    fn send(&mut self, method: &str, path: &str, form: Option<&str>) -> Reply {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut headers: Vec<(&str, &str)> = self.extra.clone();
        if !cookie.is_empty() {
            headers.push(("Cookie", &cookie));
        }
        if form.is_some() {
            headers.push(("Content-Type", "application/x-www-form-urlencoded"));
        }
        let reply = self.server.request(method, path, &headers, form);
        for line in reply
            .headers
            .get("set-cookie")
            .into_iter()
            .flat_map(|v| v.lines())
        {
            let pair = line.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        reply
    }

    fn get(&mut self, path: &str) -> Reply {
        self.send("GET", path, None)
    }

    fn post(&mut self, path: &str, form: &str) -> Reply {
        self.send("POST", path, Some(form))
    }

    /// Signs in through the form; the answer to the form.
    fn sign_in(&mut self, login: &str, password: &str) -> Reply {
        let page = self.get("/connexion");
        assert_eq!(page.status, 200, "{}", page.body);
        let token = form_token(&page.body);
        let form = format!(
            "csrf={token}&login={login}&password={}",
            password.replace(' ', "+")
        );
        self.post("/connexion", &form)
    }
}

/// The form token of the first form of `html`.
fn form_token(html: &str) -> String {
    let at = html
        .find(r#"name="csrf" value=""#)
        .expect("a form with its token");
    html[at + 19..at + 19 + 64].to_owned()
}

fn location(reply: &Reply) -> &str {
    reply.headers.get("location").map_or("", String::as_str)
}

#[test]
fn a_coordinator_signs_in_sees_the_week_and_publishes_it_from_the_page() {
    for (database, url) in databases() {
        let (_db, url) = web_team(Some(database), url);
        coordinator_on(&url);
    }
}

fn coordinator_on(url: &str) {
    let server = TestServer::start(url);
    let mut browser = Browser::new(&server);
    // Not signed in: every page leads to the sign-in form.
    let home = browser.get("/semaine/2026-W49");
    assert_eq!((home.status, location(&home)), (303, "/connexion"));

    let wrong = browser.sign_in("claire", "pas le bon mot de passe");
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("Identifiant ou mot de passe incorrect"),
        "{}",
        wrong.body
    );
    assert!(
        !wrong.body.contains("pas le bon mot de passe"),
        "the password is never echoed"
    );

    let signed = browser.sign_in("Claire", COORDINATOR_PASSWORD);
    assert_eq!((signed.status, location(&signed)), (303, "/"));
    let cookie = signed.headers["set-cookie"]
        .lines()
        .find(|c| c.starts_with("parcours_session="))
        .expect("a session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");

    let home = browser.get("/");
    assert_eq!(home.status, 303);
    let week = browser.get("/semaine/2026-W49");
    assert_eq!(week.status, 200, "{}", week.body);
    assert_eq!(week.headers["cache-control"], "no-store");
    assert!(week.headers["content-security-policy"].contains("default-src 'none'"));
    // The grid shows each référent's visits of the stored plan, and the plan's figures.
    let plan = latest_plan(url, "2026-W49", parcours::planning::PlanMethod::Optimised);
    for her in &plan.referents {
        let row_at = week
            .body
            .find(&format!(r#"<tr data-referent="{}">"#, her.code))
            .unwrap_or_else(|| panic!("a row for {}", her.code));
        let row = &week.body[row_at..week.body[row_at..].find("</tr>").unwrap() + row_at];
        assert_eq!(
            row.matches(r#"class="visit""#).count(),
            her.visits(),
            "{}",
            her.code
        );
    }
    assert!(week.body.contains(&format!(
        r#"<b data-figure="visits">{}</b> visites placées"#,
        plan.visits()
    )));
    assert!(week.body.contains("rien n'est encore publié"));

    // Publishing without the form's token: 403, nothing published.
    let forged = browser.post("/semaine/2026-W49/publier", "version=1");
    assert_eq!(forged.status, 403, "{}", forged.body);
    let published = |url: &str| {
        on_store(url, |store| async move {
            store
                .published_version(
                    parcours::planning::PlanKind::Rota,
                    parcours::planning::IsoWeek::parse("2026-W49").unwrap(),
                )
                .await
                .unwrap()
        })
    };
    assert_eq!(published(url), None);
    // Another session's token is no better.
    let mut other = Browser::new(&server);
    other.sign_in("claire", COORDINATOR_PASSWORD);
    let other_token = form_token(&other.get("/semaine/2026-W49").body);
    let forged = browser.post(
        "/semaine/2026-W49/publier",
        &format!("csrf={other_token}&version=1"),
    );
    assert_eq!(forged.status, 403);
    assert_eq!(published(url), None);

    let token = form_token(&week.body);
    let done = browser.post(
        "/semaine/2026-W49/publier",
        &format!("csrf={token}&version=1"),
    );
    assert_eq!(
        (done.status, location(&done)),
        (303, "/semaine/2026-W49?publie=1")
    );
    assert_eq!(published(url), Some(1));
    let after = browser.get(location(&done));
    assert!(after.body.contains("Version 1 publiée"), "{}", after.body);
    assert!(
        after
            .body
            .contains("La version 1 est celle que montrent les calendriers")
    );

    // Signing out ends the session: its cookie opens nothing any more.
    let session = browser.cookies["parcours_session"].clone();
    let out = browser.post("/deconnexion", &format!("csrf={token}"));
    assert_eq!((out.status, location(&out)), (303, "/connexion"));
    let mut replay = Browser::new(&server);
    replay.cookies.insert("parcours_session".into(), session);
    let refused = replay.get("/semaine/2026-W49");
    assert_eq!((refused.status, location(&refused)), (303, "/connexion"));
}

#[test]
fn a_referent_sees_her_own_published_week_and_nothing_else() {
    for (database, url) in databases() {
        let (_db, url) = web_team(Some(database), url);
        referent_on(&url);
    }
}

fn referent_on(url: &str) {
    let server = TestServer::start(url);
    let mut amina = Browser::new(&server);
    assert_eq!(amina.sign_in("amina", REFERENT_PASSWORD).status, 303);
    let week = amina.get("/semaine/2026-W49");
    assert_eq!(week.status, 200);
    assert!(
        week.body.contains("pas encore publiée"),
        "a draft is not hers to see"
    );
    assert!(!week.body.contains("data-referent"));

    crate::serve::run_ok(&["publish", "--week", "2026-W49"], url);
    let week = amina.get("/semaine/2026-W49");
    assert!(
        week.body.contains(r#"<tr data-referent="R-01">"#),
        "{}",
        week.body
    );
    assert_eq!(
        week.body.matches("<tr data-referent=").count(),
        1,
        "only her row"
    );
    assert!(!week.body.contains("/publier") && !week.body.contains("/planifier"));
    // Her session opens no coordinator's form and no API call.
    let token = form_token(&week.body);
    let plan = amina.post(
        "/semaine/2026-W49/planifier",
        &format!("csrf={token}&weeks=1"),
    );
    assert_eq!(plan.status, 403);
    let publish = amina.post("/semaine/2026-W49/publier", &format!("csrf={token}"));
    assert_eq!(publish.status, 403);
    for path in [
        "/api/v1/weeks/2026-W49/referents/R-02",
        "/api/v1/weeks/2026-W49/plan",
    ] {
        assert_eq!(
            amina.get(path).status,
            401,
            "{path}: the API wants a bearer token"
        );
    }
}

#[test]
fn failed_sign_ins_slow_the_next_attempts_down() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let (_db, url) = web_team(None, url);
    // A server whose clock stands still: the wait never runs out during the test.
    let now = chrono::Utc::now();
    let server = TestServer::start_configured(
        &url,
        ServerOptions {
            now: Some(now),
            ..ServerOptions::default()
        },
    );
    let mut b = Browser::new(&server);
    for _ in 0..parcours::http::throttle::FREE_ATTEMPTS {
        assert_eq!(b.sign_in("claire", "mauvais mot de passe").status, 401);
    }
    // Now even the right password waits, and the page says how long.
    let slowed = b.sign_in("claire", COORDINATOR_PASSWORD);
    assert_eq!(slowed.status, 429, "{}", slowed.body);
    assert_eq!(slowed.headers["retry-after"], "1");
    assert!(
        slowed.body.contains("réessayez dans 1 s"),
        "{}",
        slowed.body
    );
    assert!(!b.cookies.contains_key("parcours_session"));
    // An unknown login is slowed the same way: the answers do not tell which logins exist.
    for _ in 0..parcours::http::throttle::FREE_ATTEMPTS {
        assert_eq!(b.sign_in("personne", "mauvais mot de passe").status, 401);
    }
    assert_eq!(b.sign_in("personne", "mauvais mot de passe").status, 429);
    // Another login is not slowed.
    assert_eq!(b.sign_in("amina", REFERENT_PASSWORD).status, 303);
}

#[test]
fn a_session_ends_when_its_time_is_up_and_its_cookie_is_secure_over_https() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let (_db, url) = web_team(None, url);
    let now = chrono::Utc::now();
    let cookie = {
        let server = TestServer::start_configured(
            &url,
            ServerOptions {
                now: Some(now),
                ..ServerOptions::default()
            },
        );
        let mut b = Browser::new(&server);
        b.extra.push(("X-Forwarded-Proto", "https"));
        let signed = b.sign_in("claire", COORDINATOR_PASSWORD);
        assert!(
            signed.headers["set-cookie"]
                .lines()
                .all(|c| c.ends_with("; Secure")),
            "{:?}",
            signed.headers["set-cookie"]
        );
        b.cookies["parcours_session"].clone()
    };
    let at = |offset: chrono::Duration| {
        let server = TestServer::start_configured(
            &url,
            ServerOptions {
                now: Some(now + offset),
                ..ServerOptions::default()
            },
        );
        let mut b = Browser::new(&server);
        b.cookies.insert("parcours_session".into(), cookie.clone());
        b.get("/semaine/2026-W49").status
    };
    let lifetime = parcours::http::SESSION_LIFETIME;
    assert_eq!(at(lifetime - chrono::Duration::minutes(1)), 200);
    assert_eq!(at(lifetime + chrono::Duration::minutes(1)), 303);
}

#[test]
fn a_password_too_short_or_a_login_taken_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let (_db, url) = web_team(None, url);
    let add = |login: &str, password: &str| {
        parcours_with_input(
            &[
                "user", "add", "--role", "referent", "--person", "R-02", "--login", login,
            ],
            &url,
            &format!("{password}\n"),
        )
    };
    let short = add("nadia", "court");
    assert_eq!(short.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&short.stderr).contains("au moins 10 caractères"));
    let taken = add("AMINA", "un mot de passe assez long");
    assert_eq!(taken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&taken.stderr).contains("« amina » est déjà pris"));
    let server = TestServer::start(&url);
    let mut b = Browser::new(&server);
    assert_eq!(b.sign_in("nadia", "court").status, 401);
    // Revoking her person ends her sign-in.
    assert_eq!(b.sign_in("amina", REFERENT_PASSWORD).status, 303);
    crate::serve::run_ok(&["user", "revoke", "--person", "R-01"], &url);
    assert_eq!(b.get("/semaine/2026-W49").status, 303);
}

#[test]
fn visits_fixed_at_once_by_two_coordinators_are_both_kept_and_a_replan_keeps_them() {
    for (database, url) in databases() {
        let team = crate::api::team_on(Some(database), url);
        pins_on(&team);
    }
}

fn pins_on(team: &crate::api::Team) {
    use crate::api::{call, finished, json};
    let server = TestServer::start(&team.url);
    let before = latest_plan(
        &team.url,
        "2026-W49",
        parcours::planning::PlanMethod::Optimised,
    );
    let at = crate::helpers::visits(&before);
    // One visit of each of two référents, each fixed at its own start by its own request.
    let chosen: Vec<(String, chrono::NaiveDateTime)> = ["R-01", "R-02"]
        .iter()
        .map(|r| {
            let (family, (_, start)) = at.iter().find(|(_, (who, _))| who == r).unwrap();
            (family.clone(), *start)
        })
        .collect();
    let replies: Vec<crate::serve::Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = chosen
            .iter()
            .map(|(family, start)| {
                let server = &server;
                let token = team.coordinator.as_str();
                s.spawn(move || {
                    let body = format!(r#"{{"start": "{}"}}"#, start.format("%Y-%m-%dT%H:%M"));
                    call(
                        server,
                        "PUT",
                        &format!("/api/v1/weeks/2026-W49/plan/pins/{family}"),
                        token,
                        Some(&body),
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for reply in &replies {
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let confirmed = |plan: &parcours::planning::WeekPlan, family: &str| {
        plan.referents
            .iter()
            .flat_map(|r| r.days.iter().flat_map(|d| &d.stops))
            .find(|s| matches!(&s.kind, parcours::planning::StopKind::Visit { family: f } if f == family))
            .map(|s| (s.start, s.confirmed))
    };
    let after = latest_plan(
        &team.url,
        "2026-W49",
        parcours::planning::PlanMethod::Optimised,
    );
    for (family, start) in &chosen {
        assert_eq!(
            confirmed(&after, family),
            Some((*start, true)),
            "{family}: neither pin is lost"
        );
    }
    // A pin to a time outside the week is refused, naming the field; nothing is stored.
    let refused = call(
        &server,
        "PUT",
        &format!("/api/v1/weeks/2026-W49/plan/pins/{}", chosen[0].0),
        &team.coordinator,
        Some(r#"{"start": "2026-12-14T10:00"}"#),
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(json(&refused)["fields"][0]["field"] == "start");
    // A référent may not fix visits in the draft.
    let forbidden = call(
        &server,
        "PUT",
        &format!("/api/v1/weeks/2026-W49/plan/pins/{}", chosen[0].0),
        &team.r01,
        Some(r#"{"start": "2026-12-01T10:00"}"#),
    );
    assert_eq!(forbidden.status, 403);
    // A re-plan keeps both where they were fixed.
    let started = call(
        &server,
        "POST",
        "/api/v1/weeks/2026-W49/plans",
        &team.coordinator,
        Some(r#"{"replan": true}"#),
    );
    assert_eq!(started.status, 202, "{}", started.body);
    let job = finished(
        &server,
        &team.coordinator,
        json(&started)["id"].as_u64().unwrap(),
    );
    assert_eq!(job["status"], "done", "{job}");
    let replanned = latest_plan(
        &team.url,
        "2026-W49",
        parcours::planning::PlanMethod::Optimised,
    );
    for (family, start) in &chosen {
        assert_eq!(
            confirmed(&replanned, family),
            Some((*start, true)),
            "{family}"
        );
    }
}

/// The form of a family page as the browser would send it, with `changes`.
fn family_form(html: &str, changes: &[(&str, &str)]) -> String {
    let mut fields: Vec<(String, String)> = Vec::new();
    for name in [
        "csrf",
        "version",
        "commune",
        "qpv",
        "latitude",
        "longitude",
        "availability",
        "meeting_place",
        "language",
        "referent",
        "referent_since",
        "last_visit",
        "visit_minutes",
    ] {
        let needle = format!(r#"name="{name}" value=""#);
        let at = html
            .find(&needle)
            .unwrap_or_else(|| panic!("{name} in the form"))
            + needle.len();
        let value = &html[at..at + html[at..].find('"').unwrap()];
        fields.push((
            name.to_owned(),
            value.replace("&quot;", "\"").replace("&amp;", "&"),
        ));
    }
    let select = &html[html.find(r#"name="frequency""#).unwrap()..];
    let selected = select.find(" selected").unwrap();
    let option = &select[..selected];
    let value = &option[option.rfind(r#"value=""#).unwrap() + 7..];
    fields.push((
        "frequency".into(),
        value[..value.find('"').unwrap()].to_owned(),
    ));
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        fields.push(((*k).to_owned(), (*v).to_owned()));
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
}

#[test]
fn of_two_coordinators_editing_a_family_the_second_sees_both_versions_and_loses_neither() {
    for (database, url) in databases() {
        let (_db, url) = web_team(Some(database), url);
        let server = TestServer::start(&url);
        let (mut a, mut b) = (Browser::new(&server), Browser::new(&server));
        a.sign_in("claire", COORDINATOR_PASSWORD);
        b.sign_in("claire", COORDINATOR_PASSWORD);
        let (page_a, page_b) = (a.get("/familles/F-0001"), b.get("/familles/F-0001"));
        assert_eq!(page_a.status, 200, "{}", page_a.body);
        let saved = a.post(
            "/familles/F-0001",
            &family_form(&page_a.body, &[("visit_minutes", "50")]),
        );
        assert_eq!(
            (saved.status, location(&saved)),
            (303, "/familles/F-0001?enregistre=1")
        );
        let late = b.post(
            "/familles/F-0001",
            &family_form(&page_b.body, &[("visit_minutes", "70")]),
        );
        assert_eq!(late.status, 409, "{}", late.body);
        assert!(
            late.body
                .contains("Modifiée entre-temps par quelqu'un d'autre")
        );
        assert!(
            late.body.contains(r#"name="visit_minutes" value="70""#),
            "hers stays in the form"
        );
        assert!(
            late.body
                .contains(r#"<dd data-field="visit_minutes">50</dd>"#),
            "theirs is shown"
        );
        let stored = |url: &str| {
            crate::helpers::load(url)
                .families
                .iter()
                .find(|f| f.code.as_str() == "F-0001")
                .unwrap()
                .visit_minutes
        };
        assert_eq!(stored(&url), 50, "the first edit is kept");
        // Sending hers again, now from the version she has seen, replaces it knowingly.
        let again = b.post("/familles/F-0001", &family_form(&late.body, &[]));
        assert_eq!(again.status, 303, "{}", again.body);
        assert_eq!(stored(&url), 70);
        // A bad value: 422, the message next to its field, nothing written.
        let page = b.get("/familles/F-0001");
        let bad = b.post(
            "/familles/F-0001",
            &family_form(&page.body, &[("latitude", "nord")]),
        );
        assert_eq!(bad.status, 422);
        assert!(
            bad.body.contains(r#"id="f-latitude-erreur""#),
            "{}",
            bad.body
        );
        assert!(bad.body.contains("« nord » : un nombre est attendu"));
        assert_eq!(stored(&url), 70);
    }
}

/// A `multipart/form-data` body of `fields` and `files`, and its content type.
fn multipart(fields: &[(&str, &str)], files: &[(&str, String)]) -> (String, String) {
    let boundary = "----parcours-test-boundary";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    for (file, content) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[test]
fn an_import_uploaded_is_written_whole_or_not_at_all_and_never_without_its_form_token() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let (_db, url) = web_team(None, url);
    let server = TestServer::start(&url);
    let mut b = Browser::new(&server);
    b.sign_in("claire", COORDINATOR_PASSWORD);
    let token = form_token(&b.get("/import").body);
    let families =
        std::fs::read_to_string(crate::helpers::fixture("cases/mini/familles.csv")).unwrap();
    let minutes = |url: &str| {
        crate::helpers::load(url)
            .families
            .iter()
            .map(|f| f.visit_minutes)
            .collect::<Vec<_>>()
    };
    let before = minutes(&url);
    // Every family's visit now lasts 55 minutes, and one line is wrong: nothing is written.
    let header = families.lines().next().unwrap();
    let column = header
        .split(';')
        .position(|c| c == "duree_visite_min")
        .unwrap();
    let mut lines: Vec<String> = families
        .lines()
        .skip(1)
        .map(|l| {
            let mut cells: Vec<&str> = l.split(';').collect();
            cells[column] = "55";
            cells.join(";")
        })
        .collect();
    let good = format!("{header}\n{}\n", lines.join("\n"));
    lines[1] = lines[1].replacen(";55", ";beaucoup", 1);
    let bad = format!("{header}\n{}\n", lines.join("\n"));
    let send = |b: &mut Browser, fields: &[(&str, &str)], content: &str| {
        let (body, content_type) = multipart(fields, &[("familles.csv", content.to_owned())]);
        let cookie = b
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        server.request(
            "POST",
            "/import",
            &[("Cookie", &cookie), ("Content-Type", &content_type)],
            Some(&body),
        )
    };
    let refused = send(&mut b, &[("csrf", &token)], &bad);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains(r#"data-file="familles.csv" data-line="3" data-column="duree_visite_min""#),
        "{}",
        refused.body
    );
    assert_eq!(minutes(&url), before);
    let forged = send(&mut b, &[], &good);
    assert_eq!(forged.status, 403);
    assert_eq!(minutes(&url), before);
    let written = send(&mut b, &[("csrf", &token)], &good);
    assert_eq!(written.status, 200, "{}", written.body);
    assert!(written.body.contains("Import enregistré"));
    assert!(minutes(&url).iter().all(|m| *m == 55));
}

#[test]
fn logistics_staff_see_the_rides_to_book_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let (_db, url) = web_team(None, url);
    let out = parcours_with_input(
        &[
            "user",
            "add",
            "--role",
            "logistics",
            "--person",
            "CH-01",
            "--login",
            "lea",
        ],
        &url,
        "mot de passe de Léa\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = TestServer::start(&url);
    let mut lea = Browser::new(&server);
    assert_eq!(lea.sign_in("lea", "mot de passe de Léa").status, 303);
    let home = lea.get("/");
    assert_eq!((home.status, location(&home)), (303, "/trajets"));
    let rides = lea.get("/trajets");
    assert_eq!(rides.status, 200, "{}", rides.body);
    let territory = crate::helpers::load(&url);
    let expected = territory.rides();
    assert!(!expected.is_empty(), "mini has rides to book");
    assert_eq!(rides.body.matches("<tr data-ride=").count(), expected.len());
    for ride in &expected {
        assert!(
            !rides.body.contains(&ride.place_name),
            "the care place is not hers to see"
        );
    }
    for path in [
        "/semaine/2026-W49",
        "/familles",
        "/familles/F-0001",
        "/abonnements",
        "/import",
    ] {
        assert_eq!(lea.get(path).status, 403, "{path}");
    }
}

#[test]
fn the_eight_weeks_are_simulated_in_the_background_shown_on_the_week_and_out_of_date_after_an_edit()
{
    use crate::api::{call, json};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let (_db, url) = web_team(None, url);
    let token = |role: &str, person: &str| {
        crate::api::token_of(&crate::serve::run_ok(
            &["user", "add", "--role", role, "--person", person],
            &url,
        ))
    };
    let (coordinator, referent) = (token("coordinator", "C-01"), token("referent", "R-01"));
    let server = TestServer::start(&url);
    let mut claire = Browser::new(&server);
    claire.sign_in("claire", COORDINATOR_PASSWORD);
    let week = claire.get("/semaine/2026-W49");
    assert!(
        week.body.contains("Pas encore simulées pour ces données"),
        "{}",
        week.body
    );
    assert!(week.body.contains(r#"action="/semaine/2026-W49/simuler""#));
    let path = "/api/v1/weeks/2026-W49/horizon";
    assert_eq!(call(&server, "GET", path, &referent, None).status, 403);
    assert_eq!(
        json(&call(&server, "GET", path, &coordinator, None))["status"],
        "none"
    );

    // Started from the API with a short limit per week (a debug build); the page's button,
    // pressed meanwhile, follows the same run; another week waits its turn.
    let started = call(
        &server,
        "POST",
        path,
        &coordinator,
        Some(r#"{"time_limit_seconds": 0.2}"#),
    );
    assert_eq!(started.status, 202, "{}", started.body);
    assert_eq!(json(&started)["status"], "running");
    let other = call(
        &server,
        "POST",
        "/api/v1/weeks/2026-W50/horizon",
        &coordinator,
        None,
    );
    assert_eq!(other.status, 429, "{}", other.body);
    let pressed = claire.post(
        "/semaine/2026-W49/simuler",
        &format!("csrf={}", form_token(&week.body)),
    );
    assert_eq!(
        (pressed.status, location(&pressed)),
        (303, "/semaine/2026-W49/simulation")
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    let done = loop {
        let now = json(&call(&server, "GET", path, &coordinator, None));
        if now["status"] != "running" {
            break now;
        }
        assert!(std::time::Instant::now() < deadline, "still running: {now}");
        std::thread::sleep(std::time::Duration::from_millis(300));
    };
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["current"], true);
    let figures = &done["figures"];
    for method in ["today", "parcours"] {
        assert_eq!(figures[method]["weeks"], 8, "{figures}");
        assert!(figures[method]["visits"].as_u64().unwrap() > 0, "{figures}");
    }
    assert_eq!(figures["parcours"]["plan_weeks"], 2);
    let followed = claire.get("/semaine/2026-W49/simulation");
    assert_eq!(
        (followed.status, location(&followed)),
        (303, "/semaine/2026-W49#huit-semaines")
    );
    let shown = claire.get("/semaine/2026-W49");
    assert!(
        shown.body.contains(&format!(
            r#"<td data-figure="eight-visits">{}</td>"#,
            figures["parcours"]["visits"]
        )),
        "{}",
        shown.body
    );
    assert!(shown.body.contains("Calculés le"));
    assert!(
        !shown.body.contains(r#"action="/semaine/2026-W49/simuler""#),
        "nothing to simulate again"
    );

    // A family edited: the figures stay, said to be out of date, and can be simulated again.
    let page = claire.get("/familles/F-0001");
    let saved = claire.post(
        "/familles/F-0001",
        &family_form(&page.body, &[("visit_minutes", "50")]),
    );
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stale = json(&call(&server, "GET", path, &coordinator, None));
    assert_eq!(
        (&stale["status"], &stale["current"]),
        (&"none".into(), &false.into())
    );
    assert_eq!(stale["figures"], done["figures"]);
    let shown = claire.get("/semaine/2026-W49");
    assert!(
        shown
            .body
            .contains("calculés sur des données modifiées depuis")
    );
    assert!(shown.body.contains(r#"action="/semaine/2026-W49/simuler""#));
}

#[test]
fn a_new_family_is_created_from_its_form_checked_like_an_import_and_never_over_another() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let (_db, url) = web_team(None, url);
    let server = TestServer::start(&url);
    let mut claire = Browser::new(&server);
    claire.sign_in("claire", COORDINATOR_PASSWORD);
    let list = claire.get("/familles");
    assert!(list.body.contains(r#"href="/familles/nouvelle""#));
    let page = claire.get("/familles/nouvelle");
    assert_eq!(page.status, 200, "{}", page.body);
    let families = crate::helpers::load(&url).families;
    let next = format!("F-{:04}", families.len() + 1);
    assert!(
        page.body
            .contains(&format!(r#"name="code" value="{next}""#)),
        "the next free code is offered: {}",
        page.body
    );
    let token = form_token(&page.body);
    let form = |code: &str, latitude: &str| {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("csrf", token.as_str()),
                ("version", ""),
                ("code", code),
                ("commune", "59606"),
                ("latitude", latitude),
                ("longitude", "3,525"),
                ("availability", "mardi 14:00-17:00, jeudi 09:00-12:00"),
                ("frequency", "quinzaine"),
                ("visit_minutes", "60"),
            ])
            .finish()
    };
    let stored = |url: &str| crate::helpers::load(url).families;

    // A bad latitude: refused next to its field, nothing written.
    let bad = claire.post("/familles/nouvelle", &form(&next, "nord"));
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains(r#"id="f-latitude-erreur""#));
    assert!(bad.body.contains("Nouvelle famille"));
    assert_eq!(stored(&url), families);
    // An existing family's code: refused next to the code, the other family untouched.
    let taken = claire.post("/familles/nouvelle", &form("F-0001", "50,36"));
    assert_eq!(taken.status, 422, "{}", taken.body);
    assert!(taken.body.contains(r#"id="f-code-erreur""#));
    assert!(taken.body.contains("F-0001 : une famille a déjà ce code"));
    assert_eq!(stored(&url), families);
    // Without the form's token: 403.
    let forged = claire.post(
        "/familles/nouvelle",
        &form(&next, "50,36").replace(&token, "0"),
    );
    assert_eq!(forged.status, 403);

    let created = claire.post("/familles/nouvelle", &form(&next, "50,36"));
    assert_eq!(
        (created.status, location(&created)),
        (303, format!("/familles/{next}?enregistre=1").as_str())
    );
    let after = stored(&url);
    assert_eq!(after.len(), families.len() + 1);
    let new = after.iter().find(|f| f.code.as_str() == next).unwrap();
    assert_eq!(new.visit_minutes, 60);
    assert!((new.location.lat() - 50.36).abs() < 1e-9);
    let shown = claire.get(location(&created));
    assert!(shown.body.contains(&format!("Famille {next} enregistrée")));
}
