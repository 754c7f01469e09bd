//! The JSON API as coordinators and référents use it: a bearer token per person, one role each;
//! no token is a 401, a wrong role a 403, another référent's week a 404; malformed JSON a 400,
//! an unknown person a 422 naming the field; publishing makes a week readable and reach the
//! feeds (`api_document` checks the OpenAPI document against what is served).

use serde_json::Value;

use crate::helpers::fixture;
use crate::serve::{Reply, TestServer, add_feed, planned_mini, run_ok};

/// Where a test's database lives: a temporary SQLite file, always, and a fresh PostgreSQL
/// database when `PARCOURS_TEST_POSTGRES_URL` names a server (dropped at the end).
pub(crate) enum Database {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { _db: crate::store::PgDatabase },
}

/// The databases to run an API test on, with their URLs.
pub(crate) fn databases() -> Vec<(Database, String)> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("api.db").display());
    let mut all = vec![(Database::Sqlite { _dir: dir }, url)];
    match std::env::var("PARCOURS_TEST_POSTGRES_URL") {
        Ok(admin) => {
            let (db, url) = crate::store::PgDatabase::create_blocking(&admin);
            all.push((Database::Postgres { _db: db }, url));
        }
        Err(_) => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: PARCOURS_TEST_POSTGRES_URL not set (API tests on SQLite only)"
            );
        }
    }
    all
}

/// `mini` imported and W49 planned (not published), with a token per role.
pub(crate) struct Team {
    _database: Option<Database>,
    pub(crate) url: String,
    pub(crate) coordinator: String,
    pub(crate) r01: String,
    pub(crate) r02: String,
    pub(crate) logistics: String,
}

pub(crate) fn token_of(printed: &str) -> String {
    let token = printed.lines().last().unwrap().trim().to_owned();
    assert_eq!(token.len(), 64, "{printed}");
    token
}

/// A team on a temporary SQLite file.
pub(crate) fn team() -> Team {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("api.db").display());
    team_on(Some(Database::Sqlite { _dir: dir }), url)
}

pub(crate) fn team_on(database: Option<Database>, url: String) -> Team {
    planned_mini(&url);
    let user = |role: &str, person: &str| {
        token_of(&run_ok(
            &["user", "add", "--role", role, "--person", person],
            &url,
        ))
    };
    Team {
        coordinator: user("coordinator", "C-01"),
        r01: user("referent", "R-01"),
        r02: user("referent", "R-02"),
        logistics: user("logistics", "CH-01"),
        url,
        _database: database,
    }
}

pub(crate) fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Reply {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("Authorization", auth.as_str())];
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    server.request(method, path, &headers, body)
}

pub(crate) fn json(reply: &Reply) -> Value {
    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.body))
}

#[test]
fn without_a_valid_token_the_api_answers_401_and_a_wrong_role_403() {
    for (database, url) in databases() {
        roles_on(team_on(Some(database), url));
    }
}

fn roles_on(team: Team) {
    let server = TestServer::start(&team.url);

    let none = server.request("GET", "/api/v1/me", &[], None);
    assert_eq!(none.status, 401);
    assert_eq!(none.headers["www-authenticate"], "Bearer");
    assert_eq!(
        call(&server, "GET", "/api/v1/me", &"0".repeat(64), None).status,
        401
    );
    let me = call(&server, "GET", "/api/v1/me", &team.r01, None);
    assert_eq!(me.status, 200);
    assert_eq!(json(&me)["person"], "R-01");
    assert_eq!(json(&me)["role"], "referent");

    for token in [&team.r01, &team.logistics] {
        let reply = call(&server, "GET", "/api/v1/territory", token, None);
        assert_eq!(reply.status, 403, "{}", reply.body);
    }
    let territory = call(&server, "GET", "/api/v1/territory", &team.coordinator, None);
    assert_eq!(territory.status, 200);
    let territory = json(&territory);
    assert!(
        territory["families"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "F-0001")
    );

    // Rides: logistics staff and coordinators; no kind of care (health data) in them.
    let rides = call(&server, "GET", "/api/v1/rides", &team.logistics, None);
    assert_eq!(rides.status, 200, "{}", rides.body);
    let rides = json(&rides);
    assert!(!rides.as_array().unwrap().is_empty());
    assert!(rides[0].get("kind").is_none() && rides[0]["child"].is_string());
    assert_eq!(
        call(&server, "GET", "/api/v1/rides", &team.r01, None).status,
        403
    );

    // A revoked user is a stranger.
    run_ok(&["user", "revoke", "--person", "R-01"], &team.url);
    assert_eq!(
        call(&server, "GET", "/api/v1/me", &team.r01, None).status,
        401
    );
}

#[test]
fn a_published_week_is_hers_to_read_and_no_one_elses() {
    for (database, url) in databases() {
        published_week_on(team_on(Some(database), url));
    }
}

fn published_week_on(team: Team) {
    let server = TestServer::start(&team.url);
    let own = "/api/v1/weeks/2026-W49/referents/R-01";

    // Nothing is readable before publication.
    assert_eq!(call(&server, "GET", own, &team.r01, None).status, 404);

    // Only a coordinator publishes; a week that does not exist, or has no plan, is a 404.
    let publish = "/api/v1/weeks/2026-W49/publish";
    assert_eq!(call(&server, "POST", publish, &team.r01, None).status, 403);
    let bad = call(
        &server,
        "POST",
        "/api/v1/weeks/2026-W99/publish",
        &team.coordinator,
        None,
    );
    assert_eq!(bad.status, 404, "{}", bad.body);
    let empty = "/api/v1/weeks/2026-W50/publish";
    assert_eq!(
        call(&server, "POST", empty, &team.coordinator, None).status,
        404
    );
    let published = call(&server, "POST", publish, &team.coordinator, None);
    assert_eq!(published.status, 200, "{}", published.body);
    assert!(json(&published)["added"].as_u64().unwrap() > 0);

    // Her own week; another's is a 404 (its existence does not leak); a coordinator reads both.
    let week = call(&server, "GET", own, &team.r01, None);
    assert_eq!(week.status, 200, "{}", week.body);
    let week = json(&week);
    assert_eq!(week["referent"], "R-01");
    let starts: Vec<&str> = week["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["stops"].as_array().unwrap())
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert!(!starts.is_empty());
    assert!(starts.iter().all(|s| s.ends_with("+01:00")), "{starts:?}");
    let other = "/api/v1/weeks/2026-W49/referents/R-02";
    assert_eq!(call(&server, "GET", other, &team.r01, None).status, 404);
    assert_eq!(call(&server, "GET", other, &team.r02, None).status, 200);
    assert_eq!(
        call(&server, "GET", other, &team.coordinator, None).status,
        200
    );
    assert_eq!(call(&server, "GET", own, &team.logistics, None).status, 403);
}

#[test]
fn a_coordinator_creates_and_revokes_a_feed_subscription() {
    for (database, url) in databases() {
        a_coordinator_creates_and_revokes_a_feed_subscription_on(team_on(Some(database), url));
    }
}

fn a_coordinator_creates_and_revokes_a_feed_subscription_on(team: Team) {
    let server = TestServer::start(&team.url);
    let subscriptions = "/api/v1/feed-subscriptions";

    // Malformed JSON, an unknown person, a référent: refused, nothing created.
    let malformed = call(
        &server,
        "POST",
        subscriptions,
        &team.coordinator,
        Some("{\"person\":"),
    );
    assert_eq!(malformed.status, 400, "{}", malformed.body);
    let unknown = call(
        &server,
        "POST",
        subscriptions,
        &team.coordinator,
        Some(r#"{"person":"R-99"}"#),
    );
    assert_eq!(unknown.status, 422, "{}", unknown.body);
    assert_eq!(json(&unknown)["fields"][0]["field"], "person");
    assert!(
        json(&unknown)["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("R-99")
    );
    let body = r#"{"person":"R-01"}"#;
    assert_eq!(
        call(&server, "POST", subscriptions, &team.r01, Some(body)).status,
        403
    );

    // Created: the path works, once revoked it is a bare 404.
    let created = call(
        &server,
        "POST",
        subscriptions,
        &team.coordinator,
        Some(body),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let created = json(&created);
    let path = created["path"].as_str().unwrap().to_owned();
    let feed = server.request("GET", &path, &[], None);
    assert_eq!(feed.status, 200);
    assert_eq!(feed.headers["content-type"], "text/calendar; charset=utf-8");
    // Read back by the icalendar crate: R-01's published week, or nothing when none is.
    let week = call(
        &server,
        "GET",
        "/api/v1/weeks/2026-W49/referents/R-01",
        &team.coordinator,
        None,
    );
    let planned = match week.status {
        200 => crate::feeds::planned_from_api(&json(&week)),
        _ => Vec::new(),
    };
    crate::feeds::assert_feed_shows(&feed.body, &planned);
    let one = format!("{subscriptions}/{}", created["id"]);
    assert_eq!(
        call(&server, "DELETE", &one, &team.coordinator, None).status,
        204
    );
    assert_eq!(server.request("GET", &path, &[], None).status, 404);
    assert_eq!(
        call(&server, "DELETE", &one, &team.coordinator, None).status,
        404
    );
}

/// Polls job `id` until it leaves `queued` and `running` (at most a minute).
pub(crate) fn finished(server: &TestServer, token: &str, id: u64) -> Value {
    let path = format!("/api/v1/jobs/{id}");
    for _ in 0..600 {
        let reply = call(server, "GET", &path, token, None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let job = json(&reply);
        if job["status"] != "queued" && job["status"] != "running" {
            return job;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("job {id} still running after a minute");
}

#[test]
fn a_plan_is_a_job_a_coordinator_starts_follows_and_publishes() {
    for (database, url) in databases() {
        a_plan_is_a_job_a_coordinator_starts_follows_and_publishes_on(team_on(Some(database), url));
    }
}

fn a_plan_is_a_job_a_coordinator_starts_follows_and_publishes_on(team: Team) {
    let server = TestServer::start(&team.url);
    let plans = "/api/v1/weeks/2026-W49/plans";

    // Refused: another role, malformed JSON, settings out of range; an unknown job is a 404.
    assert_eq!(call(&server, "POST", plans, &team.r01, None).status, 403);
    assert_eq!(
        call(&server, "POST", plans, &team.coordinator, Some("{")).status,
        400
    );
    for (body, field) in [
        (r#"{"time_limit_seconds": 1000}"#, "time_limit_seconds"),
        (r#"{"weeks": 9}"#, "weeks"),
    ] {
        let refused = call(&server, "POST", plans, &team.coordinator, Some(body));
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        assert_eq!(json(&refused)["fields"][0]["field"], field, "{body}");
    }
    assert_eq!(
        call(&server, "GET", "/api/v1/jobs/999", &team.coordinator, None).status,
        404
    );

    // Started, followed to its end, stored as the week's second version, then published.
    let started = call(
        &server,
        "POST",
        plans,
        &team.coordinator,
        Some(r#"{"compare_baseline": true, "time_limit_seconds": 1}"#),
    );
    assert_eq!(started.status, 202, "{}", started.body);
    let id = json(&started)["id"].as_u64().unwrap();
    assert_eq!(started.headers["location"], format!("/api/v1/jobs/{id}"));
    let job = finished(&server, &team.coordinator, id);
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["version"], 2);
    assert!(job["report"]["plan"]["visits_placed"].as_u64().unwrap() > 0);
    assert!(job["report"]["comparison"]["baseline"].is_object());
    // A week the imported calendar does not cover (mini's stops with 2027) is refused at once,
    // naming the missing days in French.
    let unknown_holidays = call(
        &server,
        "POST",
        "/api/v1/weeks/2029-W10/plans",
        &team.coordinator,
        None,
    );
    assert_eq!(unknown_holidays.status, 422, "{}", unknown_holidays.body);
    let error: serde_json::Value = serde_json::from_str(&unknown_holidays.body).unwrap();
    assert_eq!(error["fields"][0]["field"], "week", "{error}");
    let message = error["fields"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "le calendrier importé ne couvre pas du 2029-03-05 au 2029-03-11 : importer les \
             jours fériés de 2029 (jours_feries.csv) et les vacances scolaires de la zone B"
        ),
        "{message}"
    );
    let publish = "/api/v1/weeks/2026-W49/publish?version=2";
    let published = call(&server, "POST", publish, &team.coordinator, None);
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(json(&published)["version"], 2);
}

/// The reference territory imported into a temporary SQLite file, and a coordinator's token.
pub(crate) fn reference_with_coordinator() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("reference.db").display());
    run_ok(&["import", fixture("territory").to_str().unwrap()], &url);
    let coordinator = token_of(&run_ok(
        &["user", "add", "--role", "coordinator", "--person", "C-01"],
        &url,
    ));
    (dir, url, coordinator)
}

#[test]
fn a_cancelled_plan_stops_and_stores_nothing() {
    // Arrange: the reference territory, so that a plan takes long enough to cancel.
    let (_dir, url, coordinator) = reference_with_coordinator();
    let server = TestServer::start(&url);
    let plans = "/api/v1/weeks/2026-W49/plans";
    let long = Some(r#"{"time_limit_seconds": 300}"#);

    // Act: a long plan, a second one queued behind it; both cancelled.
    let first = json(&call(&server, "POST", plans, &coordinator, long))["id"]
        .as_u64()
        .unwrap();
    let second = json(&call(&server, "POST", plans, &coordinator, long))["id"]
        .as_u64()
        .unwrap();
    for id in [second, first] {
        let path = format!("/api/v1/jobs/{id}");
        assert_eq!(
            call(&server, "DELETE", &path, &coordinator, None).status,
            202
        );
    }

    // Assert: both end cancelled, quickly, and no plan was stored.
    let started = std::time::Instant::now();
    for id in [first, second] {
        assert_eq!(finished(&server, &coordinator, id)["status"], "cancelled");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    let publish = "/api/v1/weeks/2026-W49/publish";
    assert_eq!(
        call(&server, "POST", publish, &coordinator, None).status,
        404
    );
}

#[test]
fn two_servers_on_one_database_agree_and_publications_never_mix() {
    for (database, url) in databases() {
        let team = team_on(Some(database), url);
        // A second version of the week, with R-01 absent on Monday and Tuesday.
        run_ok(
            &[
                "plan",
                "--week",
                "2026-W49",
                "--quiet",
                "--iterations",
                "2000",
                "--absent",
                "R-01:2026-11-30",
                "--absent",
                "R-01:2026-12-01",
            ],
            &team.url,
        );
        let (a, b) = (TestServer::start(&team.url), TestServer::start(&team.url));
        let feed = json(&call(
            &a,
            "POST",
            "/api/v1/feed-subscriptions",
            &team.coordinator,
            Some(r#"{"person":"R-01"}"#),
        ))["path"]
            .as_str()
            .unwrap()
            .to_owned();

        // Both versions published at once, one through each server, several times over.
        for round in 0..4 {
            let (first, second) = if round % 2 == 0 { (&a, &b) } else { (&b, &a) };
            let publish = |server: &TestServer, version: u32| {
                let path = format!("/api/v1/weeks/2026-W49/publish?version={version}");
                call(server, "POST", &path, &team.coordinator, None).status
            };
            let (s1, s2) = std::thread::scope(|scope| {
                let one = scope.spawn(|| publish(first, 1));
                let two = scope.spawn(|| publish(second, 2));
                (one.join().unwrap(), two.join().unwrap())
            });
            assert_eq!((s1, s2), (200, 200));

            // Both servers show the same feed and the same published week, and that week is
            // one whole version.
            let (fa, fb) = (
                a.request("GET", &feed, &[], None),
                b.request("GET", &feed, &[], None),
            );
            assert_eq!(fa.status, 200);
            assert_eq!(fa.body, fb.body, "two servers disagree");
            let week = "/api/v1/weeks/2026-W49/referents/R-01";
            let (wa, wb) = (
                json(&call(&a, "GET", week, &team.coordinator, None)),
                json(&call(&b, "GET", week, &team.coordinator, None)),
            );
            assert_eq!(wa, wb);
            let version = wa["version"].as_i64().unwrap();
            assert!(version == 1 || version == 2);
            // The feed, read by the icalendar crate, holds exactly that version's events.
            crate::feeds::assert_feed_shows(&fa.body, &crate::feeds::planned_from_api(&wa));
        }
    }
}

/// On PostgreSQL, waits until no other session is connected to the database at `url` (a killed
/// client's server process finishes what it was sent, then ends); nothing to wait for on SQLite.
fn wait_until_alone(url: &str) {
    if !url.starts_with("postgres") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        for _ in 0..200 {
            let others: i64 = sqlx::query_scalar(
                "select count(*) from pg_stat_activity \
                 where datname = current_database() and pid <> pg_backend_pid()",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            if others == 0 {
                pool.close().await;
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("another session stays connected to {url}");
    });
}

#[test]
fn a_server_killed_during_a_publication_restarts_with_one_whole_version() {
    for (database, url) in databases() {
        // Arrange: the reference territory, two versions of W49, version 1 published, every
        // référent subscribed.
        run_ok(&["import", fixture("territory").to_str().unwrap()], &url);
        let plan = [
            "plan",
            "--week",
            "2026-W49",
            "--quiet",
            "--iterations",
            "1000",
        ];
        run_ok(&plan, &url);
        let mut second = plan.to_vec();
        second.extend(["--absent", "R-01:2026-12-01", "--absent", "R-04:2026-12-02"]);
        run_ok(&second, &url);
        run_ok(&["publish", "--week", "2026-W49", "--version", "1"], &url);
        let coordinator = token_of(&run_ok(
            &["user", "add", "--role", "coordinator", "--person", "C-01"],
            &url,
        ));
        let referents = ["R-01", "R-02", "R-03", "R-04", "R-05", "R-06"];
        let feeds: Vec<String> = referents.iter().map(|r| add_feed(&url, r).1).collect();

        // Act: publications of the other version killed (SIGKILL) at different moments.
        for round in 0u64..8 {
            let version = if round % 2 == 0 { "2" } else { "1" };
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_parcours"))
                .args(["--database-url", &url, "publish", "--week", "2026-W49"])
                .args(["--version", version])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20 + 37 * round));
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &child.id().to_string()])
                .status();
            let _ = child.wait();
            // On PostgreSQL a commit the client sent just before it died still completes, in
            // its server process: wait until that one is gone too.
            wait_until_alone(&url);

            // Assert: a restarted server shows one whole version in every feed.
            let server = TestServer::start(&url);
            let mut published = None;
            for (referent, feed) in referents.iter().zip(&feeds) {
                let path = format!("/api/v1/weeks/2026-W49/referents/{referent}");
                let week = json(&call(&server, "GET", &path, &coordinator, None));
                let version = week["version"].as_i64().unwrap();
                assert_eq!(*published.get_or_insert(version), version, "{referent}");
                let body = server.request("GET", feed, &[], None).body;
                let planned = crate::feeds::planned_from_api(&week);
                let confirmed = crate::feeds::parse(&body)
                    .into_iter()
                    .filter(|e| e.is_confirmed())
                    .count();
                assert_eq!(
                    confirmed,
                    planned.len(),
                    "{referent}'s feed mixes versions (round {round})"
                );
                crate::feeds::assert_feed_shows(&body, &planned);
            }
        }
        drop(database);
    }
}

fn family_body(visit_minutes: u32, availability: &str) -> String {
    format!(
        r#"{{"commune":"59606","qpv":"QPV-VAL-01","latitude":50.3549,"longitude":3.5342,
            "availability":"{availability}","meeting_place":"domicile","referent":"R-01",
            "referent_since":"2025-09-01","frequency":"hebdomadaire","last_visit":"2026-01-12",
            "visit_minutes":{visit_minutes}}}"#
    )
}

#[test]
fn a_family_is_validated_like_an_import_and_updated_from_the_version_read() {
    for (database, url) in databases() {
        a_family_is_validated_like_an_import_and_updated_from_the_version_read_on(team_on(
            Some(database),
            url,
        ));
    }
}

fn a_family_is_validated_like_an_import_and_updated_from_the_version_read_on(team: Team) {
    let server = TestServer::start(&team.url);
    let path = "/api/v1/families/F-0001";
    let read = call(&server, "GET", path, &team.coordinator, None);
    assert_eq!(read.status, 200, "{}", read.body);
    let etag = read.headers["etag"].clone();
    assert_eq!(call(&server, "GET", path, &team.r01, None).status, 403);
    assert_eq!(
        call(
            &server,
            "GET",
            "/api/v1/families/F-9999",
            &team.coordinator,
            None
        )
        .status,
        404
    );

    // Invalid data: 422 naming the field, and nothing changes.
    let auth = format!("Bearer {}", team.coordinator);
    let put = |body: &str, if_match: Option<&str>| {
        let mut headers = vec![
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ];
        if let Some(tag) = if_match {
            headers.push(("If-Match", tag));
        }
        server.request("PUT", path, &headers, Some(body))
    };
    let invalid = put(&family_body(60, "lundi 18:00-09:00"), Some(&etag));
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    assert_eq!(json(&invalid)["fields"][0]["field"], "availability");
    assert_eq!(json(&invalid)["fields"][0]["record"], "F-0001");
    assert_eq!(
        call(&server, "GET", path, &team.coordinator, None).headers["etag"],
        etag
    );
    assert_eq!(put("{\"commune\":", Some(&etag)).status, 400);

    // An update must say which version it comes from.
    let body = family_body(75, "lundi 14:00-18:00, mercredi 09:00-12:00");
    assert_eq!(put(&body, None).status, 428);
    let updated = put(&body, Some(&etag));
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(json(&updated)["visit_minutes"], 75);
    assert_ne!(updated.headers["etag"], etag);
    // The old version is stale now.
    assert_eq!(
        put(&family_body(90, "lundi 14:00-18:00"), Some(&etag)).status,
        409
    );

    // A new family.
    let created = server.request(
        "PUT",
        "/api/v1/families/F-0099",
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ],
        Some(&body),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    assert!(
        crate::helpers::load(&team.url)
            .families
            .iter()
            .any(|f| f.code.as_str() == "F-0099")
    );
}

#[test]
fn of_two_concurrent_edits_of_a_family_one_wins_and_the_other_gets_409() {
    for (database, url) in databases() {
        let team = team_on(Some(database), url);
        let (a, b) = (TestServer::start(&team.url), TestServer::start(&team.url));
        let path = "/api/v1/families/F-0001";
        for round in 0..3u32 {
            let etag = call(&a, "GET", path, &team.coordinator, None).headers["etag"].clone();
            let auth = format!("Bearer {}", team.coordinator);
            let edit = |server: &TestServer, minutes: u32| {
                let headers = [
                    ("Authorization", auth.as_str()),
                    ("Content-Type", "application/json"),
                    ("If-Match", etag.as_str()),
                ];
                let body = family_body(minutes, "lundi 14:00-18:00");
                server.request("PUT", path, &headers, Some(&body)).status
            };
            let (ra, rb) = std::thread::scope(|scope| {
                let one = scope.spawn(|| edit(&a, 45 + round));
                let two = scope.spawn(|| edit(&b, 100 + round));
                (one.join().unwrap(), two.join().unwrap())
            });
            let mut statuses = [ra, rb];
            statuses.sort_unstable();
            assert_eq!(statuses, [200, 409], "round {round}");
            // The winner's edit is what is stored: nothing lost, nothing mixed.
            let stored = json(&call(&b, "GET", path, &team.coordinator, None))["visit_minutes"]
                .as_u64()
                .unwrap();
            let winner = if ra == 200 { 45 + round } else { 100 + round };
            assert_eq!(stored, u64::from(winner));
        }
    }
}

/// The visits of a référent's week as the API shows them: (family, start, confirmed).
pub(crate) fn stops_of(week: &Value) -> Vec<(String, String, bool)> {
    week["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["stops"].as_array().unwrap())
        .filter(|s| s["kind"] == "visit")
        .map(|s| {
            (
                s["family"].as_str().unwrap().to_owned(),
                s["start"].as_str().unwrap().to_owned(),
                s["confirmed"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The visits of a référent's week as the API shows them: (family, start).
pub(crate) fn visits_of(week: &Value) -> Vec<(String, String)> {
    stops_of(week)
        .into_iter()
        .map(|(family, start, _)| (family, start))
        .collect()
}

#[test]
fn a_referent_reports_a_visit_done_moved_or_cancelled_and_her_feed_follows() {
    for (database, url) in databases() {
        a_referent_reports_a_visit_done_moved_or_cancelled_and_her_feed_follows_on(team_on(
            Some(database),
            url,
        ));
    }
}

fn a_referent_reports_a_visit_done_moved_or_cancelled_and_her_feed_follows_on(team: Team) {
    // Arrange: W49 published, R-01 subscribed.
    run_ok(&["publish", "--week", "2026-W49"], &team.url);
    // Sunday evening of W49: every visit has had its day.
    let server = TestServer::start_at(&team.url, "2026-12-06T20:00");
    let feed = json(&call(
        &server,
        "POST",
        "/api/v1/feed-subscriptions",
        &team.coordinator,
        Some(r#"{"person":"R-01"}"#),
    ))["path"]
        .as_str()
        .unwrap()
        .to_owned();
    let week_path = "/api/v1/weeks/2026-W49/referents/R-01";
    let week = json(&call(&server, "GET", week_path, &team.r01, None));
    let visits = visits_of(&week);
    assert!(
        visits.len() >= 2,
        "R-01 needs two visits in mini's W49: {visits:?}"
    );
    let r02_before = json(&call(
        &server,
        "GET",
        "/api/v1/weeks/2026-W49/referents/R-02",
        &team.coordinator,
        None,
    ));
    let days: Vec<String> = week["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap().to_owned())
        .collect();
    let visit = |family: &str| format!("/api/v1/weeks/2026-W49/visits/{family}");
    let (first, second) = (visits[0].0.clone(), visits[1].0.clone());

    // Refused: another référent's visit does not exist for R-02; logistics may not; bad moves.
    let done = Some(r#"{"status":"done"}"#);
    assert_eq!(
        call(&server, "POST", &visit(&first), &team.r02, done).status,
        404
    );
    assert_eq!(
        call(&server, "POST", &visit(&first), &team.logistics, done).status,
        403
    );
    assert_eq!(
        call(&server, "POST", &visit("F-9999"), &team.r01, done).status,
        404
    );
    let no_time = call(
        &server,
        "POST",
        &visit(&first),
        &team.r01,
        Some(r#"{"status":"moved"}"#),
    );
    assert_eq!(no_time.status, 422, "{}", no_time.body);
    assert_eq!(json(&no_time)["fields"][0]["field"], "to");
    let sunday = call(
        &server,
        "POST",
        &visit(&first),
        &team.r01,
        Some(r#"{"status":"moved","to":"2026-12-06T10:00:00+01:00"}"#),
    );
    assert_eq!(sunday.status, 422, "{}", sunday.body);

    // Done: recorded, the family's last visit is that day.
    let reply = call(&server, "POST", &visit(&first), &team.r01, done);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let first_day = &visits[0].1[..10];
    let family = crate::helpers::load(&team.url)
        .families
        .into_iter()
        .find(|f| f.code.as_str() == first)
        .unwrap();
    assert_eq!(family.last_visit.unwrap().to_string(), first_day);

    // Moved to another day at 10:00: her week and her feed show it there, raised to SEQUENCE:1.
    let other_day = days
        .iter()
        .find(|d| d.as_str() != &visits[1].1[..10])
        .unwrap();
    let to = format!("{other_day}T10:00:00");
    let body = format!(r#"{{"status":"moved","to":"{to}"}}"#);
    let reply = call(&server, "POST", &visit(&second), &team.r01, Some(&body));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let after = visits_of(&json(&call(&server, "GET", week_path, &team.r01, None)));
    let moved = after
        .iter()
        .find(|(f, _)| *f == second)
        .expect("still planned");
    assert!(
        moved.1.starts_with(&format!("{other_day}T10:00:00")),
        "{moved:?}"
    );
    let calendar = server.request("GET", &feed, &[], None).body;
    let week = json(&call(&server, "GET", week_path, &team.coordinator, None));
    let events = crate::feeds::assert_feed_shows(&calendar, &crate::feeds::planned_from_api(&week));
    let event = events
        .iter()
        .find(|e| e.uid == format!("visite-2026-W49-{second}@parcours"))
        .unwrap();
    assert_eq!(event.sequence, 1, "{event:?}");
    assert_eq!(event.start.to_string(), format!("{other_day} 10:00:00"));

    // Cancelled: gone from her week, CANCELLED in her feed.
    let reply = call(
        &server,
        "POST",
        &visit(&second),
        &team.r01,
        Some(r#"{"status":"cancelled"}"#),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let after = visits_of(&json(&call(&server, "GET", week_path, &team.r01, None)));
    assert!(after.iter().all(|(f, _)| *f != second), "{after:?}");
    let calendar = server.request("GET", &feed, &[], None).body;
    let week = json(&call(&server, "GET", week_path, &team.coordinator, None));
    let events = crate::feeds::assert_feed_shows(&calendar, &crate::feeds::planned_from_api(&week));
    let event = events
        .iter()
        .find(|e| e.uid == format!("visite-2026-W49-{second}@parcours"))
        .unwrap();
    assert_eq!(event.status, "CANCELLED", "{event:?}");

    // Nobody else's week moved.
    let r02_after = json(&call(
        &server,
        "GET",
        "/api/v1/weeks/2026-W49/referents/R-02",
        &team.coordinator,
        None,
    ));
    assert_eq!(r02_before["days"], r02_after["days"]);
}

/// `PUT /api/v1/families/{code}` by the coordinator, without `If-Match`.
fn put_family(server: &TestServer, team: &Team, code: &str, body: &str) -> Reply {
    call(
        server,
        "PUT",
        &format!("/api/v1/families/{code}"),
        &team.coordinator,
        Some(body),
    )
}

#[test]
fn a_family_may_not_take_the_code_of_a_referent_or_a_child() {
    for (database, url) in databases() {
        let team = team_on(Some(database), url);
        let server = TestServer::start(&team.url);
        let body = family_body(60, "lundi 14:00-18:00");
        for (code, kind) in [("R-01", "d'un référent"), ("E-0001", "d'un enfant")] {
            // Act
            let reply = put_family(&server, &team, code, &body);

            // Assert
            assert_eq!(reply.status, 422, "{code}: {}", reply.body);
            let field = &json(&reply)["fields"][0];
            assert_eq!(field["field"], "code", "{}", reply.body);
            assert_eq!(field["record"], code);
            let message = field["message"].as_str().unwrap();
            assert!(
                message.contains(&format!("le code {code} est déjà celui {kind}")),
                "{message}"
            );
        }
        let families = crate::helpers::load(&team.url).families;
        assert!(
            families
                .iter()
                .all(|f| !["R-01", "E-0001"].contains(&f.code.as_str()))
        );
    }
}

#[test]
fn a_family_with_a_last_visit_in_the_future_or_a_bad_insee_code_is_refused_naming_the_field() {
    for (database, url) in databases() {
        let team = team_on(Some(database), url);
        let server = TestServer::start(&team.url);
        let base = family_body(60, "lundi 14:00-18:00");
        for (body, field, says) in [
            (
                base.replace("2026-01-12", "2099-01-01"),
                "last_visit",
                "dans le futur",
            ),
            (
                base.replace(r#""commune":"59606""#, r#""commune":"douze""#),
                "commune",
                "n'est pas un code INSEE",
            ),
        ] {
            // Act
            let reply = put_family(&server, &team, "F-0098", &body);

            // Assert
            assert_eq!(reply.status, 422, "{}", reply.body);
            let issue = &json(&reply)["fields"][0];
            assert_eq!(issue["field"], field, "{}", reply.body);
            assert!(
                issue["message"].as_str().unwrap().contains(says),
                "{}",
                reply.body
            );
        }
        assert!(
            crate::helpers::load(&team.url)
                .families
                .iter()
                .all(|f| f.code.as_str() != "F-0098")
        );
    }
}

#[test]
fn a_feed_subscription_with_an_unknown_field_is_refused_naming_it() {
    for (database, url) in databases() {
        let team = team_on(Some(database), url);
        let server = TestServer::start(&team.url);
        let subscriptions = "/api/v1/feed-subscriptions";

        // Act
        let reply = call(
            &server,
            "POST",
            subscriptions,
            &team.coordinator,
            Some(r#"{"person":"R-01","admin":true}"#),
        );

        // Assert: refused, naming the field; a clean request still works.
        assert!(
            [400, 422].contains(&reply.status),
            "{}: {}",
            reply.status,
            reply.body
        );
        assert!(reply.body.contains("admin"), "{}", reply.body);
        let clean = call(
            &server,
            "POST",
            subscriptions,
            &team.coordinator,
            Some(r#"{"person":"R-01"}"#),
        );
        assert_eq!(clean.status, 201, "{}", clean.body);
        assert_eq!(json(&clean)["id"], 1, "the refused one was not created");
    }
}

#[test]
fn a_huge_value_is_echoed_cut_in_its_422() {
    for (database, url) in databases() {
        let team = team_on(Some(database), url);
        let server = TestServer::start(&team.url);
        let huge = "X".repeat(200_000);

        // Act
        let person = call(
            &server,
            "POST",
            "/api/v1/feed-subscriptions",
            &team.coordinator,
            Some(&format!(r#"{{"person":"{huge}"}}"#)),
        );
        let family = put_family(
            &server,
            &team,
            "F-0097",
            &family_body(60, "lundi 14:00-18:00")
                .replace(r#""referent":"R-01""#, &format!(r#""referent":"{huge}""#)),
        );

        // Assert
        for (reply, field) in [(&person, "person"), (&family, "referent")] {
            assert_eq!(
                reply.status,
                422,
                "{}",
                &reply.body[..200.min(reply.body.len())]
            );
            assert!(reply.body.len() < 1_000, "{} bytes", reply.body.len());
            assert_eq!(json(reply)["fields"][0]["field"], field);
            assert!(
                reply.body.contains(&format!("{}…", "X".repeat(40))),
                "{}",
                reply.body
            );
        }
    }
}

#[test]
fn logistics_read_a_ride_s_address_and_commune_but_never_the_care_place_or_kind() {
    for (database, url) in databases() {
        // Arrange: the reference territory, a logistics token and a coordinator's.
        let _database = database;
        run_ok(&["import", fixture("territory").to_str().unwrap()], &url);
        let user = |role: &str, person: &str| {
            token_of(&run_ok(
                &["user", "add", "--role", role, "--person", person],
                &url,
            ))
        };
        let (logistics, coordinator) = (user("logistics", "CH-01"), user("coordinator", "C-01"));
        let server = TestServer::start(&url);
        let appointments =
            std::fs::read_to_string(fixture("territory/rendez_vous_sante.csv")).unwrap();
        let header: Vec<&str> = appointments.lines().next().unwrap().split(';').collect();
        let cell = |line: &str, column: &str| {
            let i = header.iter().position(|h| *h == column).unwrap();
            line.split(';').nth(i).unwrap().to_owned()
        };
        let secrets: Vec<String> = appointments
            .lines()
            .skip(1)
            .flat_map(|l| [cell(l, "lieu_nom"), cell(l, "type")])
            .chain(
                [
                    "orthophon",
                    "psychomot",
                    "ophtalm",
                    "CMP",
                    "CAMSP",
                    "hospitalier",
                ]
                .map(str::to_owned),
            )
            .collect();

        // Act
        let for_logistics = call(&server, "GET", "/api/v1/rides", &logistics, None);
        let for_coordinator = call(&server, "GET", "/api/v1/rides", &coordinator, None);

        // Assert
        assert_eq!(for_logistics.status, 200, "{}", for_logistics.body);
        let rides = json(&for_logistics);
        let rides = rides.as_array().unwrap();
        assert!(rides.len() > 5, "{}", for_logistics.body);
        for secret in &secrets {
            assert!(
                !for_logistics
                    .body
                    .to_lowercase()
                    .contains(&secret.to_lowercase()),
                "« {secret} » in {}",
                for_logistics.body
            );
        }
        for ride in rides {
            assert!(ride.get("place_name").is_none(), "{ride}");
            assert!(!ride["address"].as_str().unwrap().is_empty(), "{ride}");
            assert!(ride["commune"].as_str().unwrap().len() == 5, "{ride}");
            assert!(ride["commune_name"].is_string(), "{ride}");
        }
        assert_eq!(for_coordinator.status, 200, "{}", for_coordinator.body);
        let rides = json(&for_coordinator);
        assert!(
            rides
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["place_name"].is_string() && r["address"].is_string()),
            "{}",
            for_coordinator.body
        );
    }
}
