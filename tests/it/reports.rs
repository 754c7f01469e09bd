//! Référents reporting visits from their phones at the same hours (issue 13): every report
//! answered 200 is in the published week and in her feed, published versions only grow, an
//! answer carries only her own families, and a move answered 200 stands at the time she gave
//! (otherwise a 422 names the conflict and nothing changes). On SQLite and PostgreSQL, with two
//! servers on one database.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::api::{Database, call, databases, json, stops_of, token_of, visits_of};
use crate::serve::{TestServer, run_ok};

/// The end of week 2026-W49, Europe/Paris.
const SUNDAY_EVENING: &str = "2026-12-06T20:00";

/// The reference territory imported, W49 planned and published, a token per référent and one
/// for the coordinator.
struct Published {
    _database: Database,
    url: String,
    coordinator: String,
    referents: BTreeMap<String, String>,
}

fn published(database: Database, url: String) -> Published {
    crate::serve::planned(&url, "territory");
    run_ok(&["publish", "--week", "2026-W49"], &url);
    let user = |role: &str, person: &str| {
        token_of(&run_ok(
            &["user", "add", "--role", role, "--person", person],
            &url,
        ))
    };
    let referents = (1..=6)
        .map(|i| {
            let code = format!("R-{i:02}");
            let token = user("referent", &code);
            (code, token)
        })
        .collect();
    Published {
        coordinator: user("coordinator", "C-01"),
        referents,
        url,
        _database: database,
    }
}

/// (family, référent) of W49's published plan, read through the store.
fn published_assignment(url: &str) -> Vec<(String, String)> {
    let week = parcours::planning::IsoWeek::parse("2026-W49").unwrap();
    crate::helpers::on_store(url, |store| async move {
        let version = store
            .published_version(parcours::planning::PlanKind::Rota, week)
            .await
            .unwrap()
            .unwrap();
        store
            .plan::<parcours::planning::WeekPlan>(
                week,
                parcours::planning::PlanMethod::Optimised,
                version,
            )
            .await
            .unwrap()
            .unwrap()
            .assignment
    })
}

fn week_of(server: &TestServer, token: &str, referent: &str) -> Value {
    let path = format!("/api/v1/weeks/2026-W49/referents/{referent}");
    let reply = call(server, "GET", &path, token, None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    json(&reply)
}

/// `mini`'s W49 planned and published; R-01's token.
fn mini_published_for_r01(url: &str) -> String {
    crate::serve::planned_mini(url);
    run_ok(&["publish", "--week", "2026-W49"], url);
    token_of(&run_ok(
        &["user", "add", "--role", "referent", "--person", "R-01"],
        url,
    ))
}

fn report(server: &TestServer, token: &str, family: &str, body: &str) -> crate::serve::Reply {
    let path = format!("/api/v1/weeks/2026-W49/visits/{family}");
    call(server, "POST", &path, token, Some(body))
}

#[test]
fn many_referents_reporting_at_once_never_lose_a_report() {
    for (database, url) in databases() {
        many_referents_reporting_at_once_never_lose_a_report_on(published(database, url));
    }
}

fn many_referents_reporting_at_once_never_lose_a_report_on(team: Published) {
    // Arrange: two servers on one database; each référent will cancel one visit and report two
    // others done, all at the same moment, half through each server.
    // Sunday evening: every visit of the week has had its day.
    let servers = [
        TestServer::start_at(&team.url, SUNDAY_EVENING),
        TestServer::start_at(&team.url, SUNDAY_EVENING),
    ];
    let mut reports: Vec<(String, String, &'static str)> = Vec::new();
    for referent in team.referents.keys() {
        let week = week_of(&servers[0], &team.coordinator, referent);
        let unconfirmed: Vec<String> = stops_of(&week)
            .into_iter()
            .filter(|(_, _, confirmed)| !confirmed)
            .map(|(family, _, _)| family)
            .collect();
        assert!(
            unconfirmed.len() >= 3,
            "{referent} needs three visits in W49: {unconfirmed:?}"
        );
        reports.push((referent.clone(), unconfirmed[0].clone(), "cancelled"));
        reports.push((referent.clone(), unconfirmed[1].clone(), "done"));
        reports.push((referent.clone(), unconfirmed[2].clone(), "done"));
    }
    let before = json(&call(
        &servers[0],
        "GET",
        "/api/v1/weeks/2026-W49/referents/R-01",
        &team.coordinator,
        None,
    ))["version"]
        .as_i64()
        .unwrap();

    // Act: every report at once.
    let replies: Vec<(u16, Value)> = std::thread::scope(|scope| {
        let handles: Vec<_> = reports
            .iter()
            .enumerate()
            .map(|(i, (referent, family, status))| {
                let server = &servers[i % 2];
                let token = &team.referents[referent];
                scope.spawn(move || {
                    let body = format!(r#"{{"status":"{status}"}}"#);
                    let reply = report(server, token, family, &body);
                    let value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
                    (reply.status, value)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    // Assert: all accepted, each with its own version, every one of them published.
    for ((referent, family, status), (code, body)) in reports.iter().zip(&replies) {
        assert_eq!(*code, 200, "{referent} {family} {status}: {body}");
    }
    let versions: BTreeSet<i64> = replies
        .iter()
        .map(|(_, b)| b["version"].as_i64().unwrap())
        .collect();
    assert!(versions.iter().all(|&v| v > before), "{versions:?}");
    assert_eq!(
        versions.len(),
        reports.len(),
        "two reports answered with one version: {versions:?}"
    );
    let last = *versions.iter().max().unwrap();
    let feed_events = |referent: &str| {
        let path = json(&call(
            &servers[0],
            "POST",
            "/api/v1/feed-subscriptions",
            &team.coordinator,
            Some(&format!(r#"{{"person":"{referent}"}}"#)),
        ))["path"]
            .as_str()
            .unwrap()
            .to_owned();
        servers[1].request("GET", &path, &[], None).body
    };
    let territory = crate::helpers::load(&team.url);
    for referent in team.referents.keys() {
        let week = week_of(&servers[1], &team.coordinator, referent);
        assert_eq!(
            week["version"].as_i64(),
            Some(last),
            "the last answered version is the one published"
        );
        let stops = stops_of(&week);
        let calendar = feed_events(referent);
        // Read by the icalendar crate: her feed holds exactly her published week.
        let events =
            crate::feeds::assert_feed_shows(&calendar, &crate::feeds::planned_from_api(&week));
        for (r, family, status) in reports.iter().filter(|(r, _, _)| r == referent) {
            let event = events
                .iter()
                .find(|e| e.uid == format!("visite-2026-W49-{family}@parcours"))
                .unwrap_or_else(|| panic!("{family} is not in {r}'s feed"));
            match *status {
                "cancelled" => {
                    assert!(
                        stops.iter().all(|(f, _, _)| f != family),
                        "{family}'s cancelled visit is back in {r}'s week"
                    );
                    assert_eq!(event.status, "CANCELLED", "{event:?}");
                }
                _ => {
                    let (_, start, confirmed) = stops
                        .iter()
                        .find(|(f, _, _)| f == family)
                        .unwrap_or_else(|| panic!("{family}'s visit reported done is gone"));
                    assert!(confirmed, "{family}'s visit reported done is not confirmed");
                    assert!(event.is_confirmed(), "{event:?}");
                    let last_visit = territory
                        .families
                        .iter()
                        .find(|f| f.code.as_str() == family)
                        .and_then(|f| f.last_visit)
                        .map(|d| d.to_string());
                    assert_eq!(last_visit.as_deref(), Some(&start[..10]));
                }
            }
        }
    }
}

#[test]
fn a_referent_reading_her_report_answer_sees_only_her_own_families() {
    for (database, url) in databases() {
        let team = published(database, url);
        let server = TestServer::start(&team.url);
        for (referent, token) in &team.referents {
            let week = week_of(&server, token, referent);
            let family = &stops_of(&week)[0].0;
            let reply = report(&server, token, family, r#"{"status":"cancelled"}"#);
            assert_eq!(reply.status, 200, "{}", reply.body);
            let body = json(&reply);
            // Who follows whom in the week now published.
            let hers: BTreeSet<String> = published_assignment(&team.url)
                .into_iter()
                .filter(|(_, r)| r == referent)
                .map(|(f, _)| f)
                .collect();
            for listed in body["unmet"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u[0].as_str().unwrap())
                .chain(
                    body["moved"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|m| m.as_str().unwrap()),
                )
            {
                assert!(
                    hers.contains(listed),
                    "{referent}'s answer names {listed}, a family she does not follow: {body}"
                );
            }
        }
    }
}

#[test]
fn a_move_answered_200_stands_at_her_time_and_a_conflicting_one_is_a_422_that_changes_nothing() {
    for (database, url) in databases() {
        a_move_stands_or_is_refused_on(database, url);
    }
}

fn a_move_stands_or_is_refused_on(database: Database, url: String) {
    // Arrange: mini's W49 published. R-01 works Monday to Friday 09:00-17:30 (Friday until
    // 16:00), has a team meeting AG-01 on Tuesday 09:00-10:30 and a visit to F-0001 fixed on
    // Wednesday 09:30 (AG-03).
    let _database = database;
    let r01 = mini_published_for_r01(&url);
    let server = TestServer::start(&url);
    let week = week_of(&server, &r01, "R-01");
    let version = week["version"].as_i64().unwrap();
    let family = stops_of(&week)
        .into_iter()
        .find(|(f, _, confirmed)| f != "F-0001" && !confirmed)
        .expect("R-01 has a visit to move")
        .0;

    // Refused, naming the conflict, and nothing changes.
    for (to, expected) in [
        ("2026-11-30T07:00:00", "horaires"),
        ("2026-12-04T16:00:00", "horaires"),
        (
            "2026-12-01T09:30:00",
            "en conflit avec AG-01 de 09:00 à 10:30",
        ),
        ("2026-12-02T09:45:00", "en conflit avec la visite à F-0001"),
    ] {
        let body = format!(r#"{{"status":"moved","to":"{to}"}}"#);
        let reply = report(&server, &r01, &family, &body);
        assert_eq!(reply.status, 422, "{to}: {}", reply.body);
        let answer = json(&reply);
        assert_eq!(answer["fields"][0]["field"], "to", "{answer}");
        let message = answer["fields"][0]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{to}: {message}");
        assert_eq!(
            week_of(&server, &r01, "R-01"),
            week,
            "{to} changed her week"
        );
        assert_eq!(week["version"].as_i64(), Some(version));
    }

    // Accepted: every 200 leaves the visit exactly at the time she gave, in her week.
    let mut accepted = 0;
    for to in [
        "2026-11-30T10:00:00",
        "2026-12-01T15:00:00",
        "2026-12-03T16:00:00",
        "2026-12-04T09:30:00+01:00",
    ] {
        let before = week_of(&server, &r01, "R-01");
        let body = format!(r#"{{"status":"moved","to":"{to}"}}"#);
        let reply = report(&server, &r01, &family, &body);
        let after = week_of(&server, &r01, "R-01");
        match reply.status {
            200 => {
                accepted += 1;
                let start = visits_of(&after)
                    .into_iter()
                    .find(|(f, _)| *f == family)
                    .unwrap_or_else(|| panic!("{family} moved to {to} is gone"))
                    .1;
                assert!(
                    start.starts_with(&to[..19]),
                    "moved to {to}, stands at {start}"
                );
            }
            422 => assert_eq!(before, after, "a refused move to {to} changed her week"),
            other => panic!("{to}: {other} {}", reply.body),
        }
    }
    assert!(accepted >= 2, "only {accepted} of 4 free slots accepted");
}

#[test]
fn a_visit_cannot_be_reported_done_before_its_day() {
    for (database, url) in databases() {
        let _database = database;
        let r01 = mini_published_for_r01(&url);
        // Monday noon of W49.
        let server = TestServer::start_at(&url, "2026-11-30T12:00");
        let week = week_of(&server, &r01, "R-01");
        let (family, start, _) = stops_of(&week)
            .into_iter()
            .find(|(_, start, _)| &start[..10] > "2026-11-30")
            .expect("R-01 has a visit after Monday");
        let before = crate::helpers::load(&url);

        let reply = report(&server, &r01, &family, r#"{"status":"done"}"#);

        assert_eq!(reply.status, 422, "{}", reply.body);
        let answer = json(&reply);
        assert_eq!(answer["fields"][0]["field"], "status", "{answer}");
        assert!(
            answer["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("ne peut pas encore avoir eu lieu"),
            "{answer}"
        );
        assert_eq!(week_of(&server, &r01, "R-01"), week, "{start}");
        assert_eq!(crate::helpers::load(&url), before);
    }
}

#[test]
fn a_report_is_answered_while_a_coordinator_s_long_plan_runs() {
    for (database, url) in databases() {
        // Arrange: a plan of the reference week with a 300 s limit, running.
        let team = published(database, url);
        let server = TestServer::start_at(&team.url, SUNDAY_EVENING);
        let job = call(
            &server,
            "POST",
            "/api/v1/weeks/2026-W49/plans",
            &team.coordinator,
            Some(r#"{"time_limit_seconds": 300}"#),
        );
        assert_eq!(job.status, 202, "{}", job.body);
        let job = format!("/api/v1/jobs/{}", json(&job)["id"]);
        let status =
            || json(&call(&server, "GET", &job, &team.coordinator, None))["status"].clone();
        while status() == "queued" {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let token = &team.referents["R-01"];
        let family = stops_of(&week_of(&server, token, "R-01"))[0].0.clone();

        // Act
        let reply = report(&server, token, &family, r#"{"status":"cancelled"}"#);

        // Assert: answered, not held until the plan ends (or cut by the request timeout).
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(status(), "running", "the plan should still be running");
        call(&server, "DELETE", &job, &team.coordinator, None);
    }
}
