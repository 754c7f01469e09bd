//! The EPS year through the API, as a coordinator drives it: plan (a job), read, publish, cancel
//! a meeting and re-plan, mark one held, its invitation; a professional's feed follows every
//! step (SEQUENCE raised, STATUS:CANCELLED), on SQLite and PostgreSQL.

use serde_json::Value;

use crate::api::{Team, call, databases, finished, json, team_on};
use crate::serve::TestServer;

const YEAR: &str = "/api/v1/eps/2026-2027";

/// The block of the event with `uid` in a feed.
fn event<'a>(feed: &'a str, uid: &str) -> &'a str {
    feed.split("BEGIN:VEVENT")
        .find(|e| e.contains(&format!("UID:{uid}")))
        .unwrap_or_else(|| panic!("no event {uid} in\n{feed}"))
}

/// Plans the year through a job and waits for it: the job.
fn plan(server: &TestServer, team: &Team, body: &str) -> Value {
    let started = call(
        server,
        "POST",
        &format!("{YEAR}/plans"),
        &team.coordinator,
        Some(body),
    );
    assert_eq!(started.status, 202, "{}", started.body);
    let job = finished(
        server,
        &team.coordinator,
        json(&started)["id"].as_u64().unwrap(),
    );
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["kind"], "eps_year");
    job
}

fn read(server: &TestServer, team: &Team) -> Value {
    let reply = call(
        server,
        "GET",
        &format!("{YEAR}/plan"),
        &team.coordinator,
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    json(&reply)
}

fn publish(server: &TestServer, team: &Team) -> Value {
    let reply = call(
        server,
        "POST",
        &format!("{YEAR}/publish"),
        &team.coordinator,
        None,
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    json(&reply)
}

fn slot(meeting: &Value) -> (String, u64, String) {
    (
        meeting["date"].as_str().unwrap().to_owned(),
        meeting["start_minutes"].as_u64().unwrap(),
        meeting["site"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_coordinator_plans_publishes_cancels_and_replans_the_eps_year_and_feeds_follow() {
    for (database, url) in databases() {
        eps_year_on(team_on(Some(database), url));
    }
}

fn eps_year_on(team: Team) {
    let server = TestServer::start(&team.url);
    let plans = format!("{YEAR}/plans");

    // Refused: a référent, a time limit out of range, `from` with no plan to keep, no year.
    assert_eq!(call(&server, "POST", &plans, &team.r01, None).status, 403);
    assert_eq!(
        call(&server, "GET", &format!("{YEAR}/plan"), &team.r01, None).status,
        403
    );
    for (body, field) in [
        (r#"{"time_limit_seconds": 1000}"#, "time_limit_seconds"),
        (r#"{"from": "2027-01-04"}"#, "from"),
        (r#"{"from": "2030-01-04"}"#, "from"),
    ] {
        let refused = call(&server, "POST", &plans, &team.coordinator, Some(body));
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        assert_eq!(json(&refused)["fields"][0]["field"], field, "{body}");
    }
    assert_eq!(
        call(
            &server,
            "GET",
            &format!("{YEAR}/plan"),
            &team.coordinator,
            None
        )
        .status,
        404,
        "not planned yet"
    );
    assert_eq!(
        call(
            &server,
            "POST",
            "/api/v1/eps/2026/plans",
            &team.coordinator,
            None
        )
        .status,
        404
    );

    // Planned and published: the four meetings in the feed of P-01, a professional.
    let job = plan(&server, &team, r#"{"time_limit_seconds": 20}"#);
    assert_eq!(job["version"], 1);
    assert_eq!(job["report"]["figures"]["placed"], 4, "{job}");
    let first = read(&server, &team);
    assert_eq!(first["version"], 1);
    assert_eq!(first["published_version"], Value::Null);
    let meetings = first["plan"]["meetings"].as_array().unwrap().clone();
    assert_eq!(meetings.len(), 4);
    assert!(publish(&server, &team)["added"].as_u64().unwrap() >= 4);
    let subscription = call(
        &server,
        "POST",
        "/api/v1/feed-subscriptions",
        &team.coordinator,
        Some(r#"{"person":"P-01"}"#),
    );
    assert_eq!(subscription.status, 201, "{}", subscription.body);
    let feed_path = json(&subscription)["path"].as_str().unwrap().to_owned();
    let feed = server.request("GET", &feed_path, &[], None);
    assert_eq!(feed.status, 200);
    assert_eq!(
        feed.body.matches("BEGIN:VEVENT").count(),
        4,
        "{}",
        feed.body
    );
    assert!(feed.body.contains("SUMMARY:EPS Valenciennes Faubourg"));
    assert!(
        !feed.body.contains("F-0"),
        "no family in a professional's feed"
    );

    // Cancelled: a new version; once published, her feed shows it cancelled.
    let cancelled = &meetings[1];
    let code = cancelled["code"].as_str().unwrap();
    let status = format!("{YEAR}/meetings/{code}/status");
    assert_eq!(
        call(
            &server,
            "PUT",
            &status,
            &team.coordinator,
            Some(r#"{"status":"adjourned"}"#)
        )
        .status,
        422
    );
    assert_eq!(
        call(
            &server,
            "PUT",
            &format!("{YEAR}/meetings/EPS-99-R1/status"),
            &team.coordinator,
            Some(r#"{"status":"cancelled"}"#)
        )
        .status,
        404
    );
    let marked = call(
        &server,
        "PUT",
        &status,
        &team.coordinator,
        Some(r#"{"status":"cancelled"}"#),
    );
    assert_eq!(marked.status, 200, "{}", marked.body);
    assert_eq!(json(&marked)["version"], 2);
    assert!(publish(&server, &team)["cancelled"].as_u64().unwrap() >= 1);
    let uid = format!("eps-2026-2027-{code}@parcours");
    let feed = server.request("GET", &feed_path, &[], None).body;
    let shown = event(&feed, &uid);
    assert!(shown.contains("STATUS:CANCELLED"), "{shown}");
    assert!(shown.contains("SEQUENCE:1"), "{shown}");

    // Re-planned: the cancelled meeting takes another slot, the others stay; her feed moves it.
    let job = plan(&server, &team, r#"{"time_limit_seconds": 20}"#);
    assert_eq!(job["version"], 3);
    let again = read(&server, &team);
    let after = again["plan"]["meetings"].as_array().unwrap();
    assert_eq!(after.len(), 4);
    for before in &meetings {
        let now = after
            .iter()
            .find(|m| m["code"] == before["code"])
            .unwrap_or_else(|| panic!("{} placed again", before["code"]));
        if before["code"] == cancelled["code"] {
            assert_ne!(slot(now), slot(before), "never at the cancelled slot again");
            assert_eq!(now["status"], "planned");
        } else {
            assert_eq!(slot(now), slot(before), "{} held still", before["code"]);
        }
    }
    assert!(publish(&server, &team)["changed"].as_u64().unwrap() >= 1);
    let feed = server.request("GET", &feed_path, &[], None).body;
    let shown = event(&feed, &uid);
    assert!(shown.contains("STATUS:CONFIRMED"), "{shown}");
    assert!(shown.contains("SEQUENCE:2"), "{shown}");

    // Held, then its invitation: the list names P-01 as required, the calendar one event.
    let held = meetings[0]["code"].as_str().unwrap();
    let marked = call(
        &server,
        "PUT",
        &format!("{YEAR}/meetings/{held}/status"),
        &team.coordinator,
        Some(r#"{"status":"held"}"#),
    );
    assert_eq!(marked.status, 200, "{}", marked.body);
    assert_eq!(json(&marked)["meeting"]["status"], "held");
    let invitation = call(
        &server,
        "GET",
        &format!("{YEAR}/meetings/{held}/invitation"),
        &team.coordinator,
        None,
    );
    assert_eq!(invitation.status, 200, "{}", invitation.body);
    let invitation = json(&invitation);
    let p01 = invitation["invited"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "P-01")
        .expect("P-01 invited");
    assert_eq!(p01["role"], "requis");
    let ics = call(
        &server,
        "GET",
        &format!("{YEAR}/meetings/{held}/invitation.ics"),
        &team.coordinator,
        None,
    );
    assert_eq!(ics.status, 200);
    assert_eq!(ics.headers["content-type"], "text/calendar; charset=utf-8");
    assert_eq!(ics.body.matches("BEGIN:VEVENT").count(), 1);
    assert_eq!(
        call(
            &server,
            "GET",
            &format!("{YEAR}/meetings/{held}/invitation"),
            &team.r01,
            None
        )
        .status,
        403
    );
}
