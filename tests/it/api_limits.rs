//! The API at its edges (issue 13): every error is JSON in one shape, French and naming the
//! field, but the deliberate bare 404s; a week is `YYYY-Www` exactly and one that cannot be
//! planned is refused at once; the plan queue is bounded and finished jobs are forgotten. (A
//! wrong role refused before its body is read: `api_document`, for every operation.)

use std::time::Duration;

use serde_json::Value;

use crate::api::{Team, call, databases, finished, json, team_on};
use crate::serve::{Reply, ServerOptions, TestServer, exchange};

/// A `status` answer with a JSON error body: its message is there, in French.
fn json_error(reply: &Reply, status: u16) -> Value {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert!(
        reply
            .headers
            .get("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{status} without JSON: {:?} {}",
        reply.headers,
        reply.body
    );
    let body = json(reply);
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{body}"
    );
    body
}

#[test]
fn every_error_is_json_in_one_shape_but_the_bare_404s() {
    for (database, url) in databases() {
        every_error_is_json_in_one_shape_but_the_bare_404s_on(team_on(Some(database), url));
    }
}

fn every_error_is_json_in_one_shape_but_the_bare_404s_on(team: Team) {
    let server = TestServer::start(&team.url);
    let auth = format!("Authorization: Bearer {}\r\n", team.coordinator);
    let head = |extra: &str| {
        format!(
            "PUT /api/v1/families/F-0001 HTTP/1.1\r\nHost: parcours\r\nConnection: close\r\n\
             {auth}Content-Type: application/json\r\n{extra}\r\n"
        )
    };

    // A body over 256 KiB, announced or chunked: 413.
    let announced = head("Content-Length: 300000\r\n");
    let too_large = json_error(&exchange(server.addr(), announced.as_bytes()), 413);
    assert!(
        too_large["error"].as_str().unwrap().contains("256 Kio"),
        "{too_large}"
    );
    let mut chunked = head("Transfer-Encoding: chunked\r\n");
    let chunk = "x".repeat(64 * 1024);
    for _ in 0..5 {
        chunked.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    chunked.push_str("0\r\n\r\n");
    json_error(&exchange(server.addr(), chunked.as_bytes()), 413);

    // A query parameter of the wrong type: 400 naming it.
    let publish = "/api/v1/weeks/2026-W49/publish?version=abc";
    let bad_version = json_error(
        &call(&server, "POST", publish, &team.coordinator, None),
        400,
    );
    assert_eq!(
        bad_version["fields"][0]["field"], "version",
        "{bad_version}"
    );
    let message = bad_version["fields"][0]["message"].as_str().unwrap();
    assert!(message.contains("« abc »"), "{message}");

    // A method the path does not answer: 405, saying which it does.
    let delete_me = call(&server, "DELETE", "/api/v1/me", &team.coordinator, None);
    json_error(&delete_me, 405);
    assert!(
        delete_me.headers["allow"].contains("GET"),
        "{:?}",
        delete_me.headers
    );

    // JSON that is no JSON: 400; a value of the wrong type: 422 naming the field, in French.
    let plans = "/api/v1/weeks/2026-W49/plans";
    let unreadable = json_error(
        &call(&server, "POST", plans, &team.coordinator, Some("{")),
        400,
    );
    assert!(
        unreadable["error"]
            .as_str()
            .unwrap()
            .contains("JSON invalide"),
        "{unreadable}"
    );
    for (body, field, said) in [
        (
            r#"{"seed": -1}"#,
            "seed",
            "la valeur -1 ne convient pas : un entier positif",
        ),
        (
            r#"{"time_limit_seconds": "vite"}"#,
            "time_limit_seconds",
            "« vite » ne convient pas : un nombre est attendu",
        ),
        (
            r#"{"compare_baseline": 1}"#,
            "compare_baseline",
            "true ou false",
        ),
    ] {
        let reply = call(&server, "POST", plans, &team.coordinator, Some(body));
        let error = json_error(&reply, 422);
        assert_eq!(error["fields"][0]["field"], field, "{error}");
        let message = error["fields"][0]["message"].as_str().unwrap();
        assert!(message.contains(said), "{message}");
    }
    let family = r#"{"commune": "59606", "latitude": "nord", "longitude": 3.0,
        "availability": "mardi 14:00-16:00", "frequency": "mensuelle"}"#;
    let reply = call(
        &server,
        "PUT",
        "/api/v1/families/F-0777",
        &team.coordinator,
        Some(family),
    );
    assert_eq!(json_error(&reply, 422)["fields"][0]["field"], "latitude");

    // The deliberate bare 404s: an address that does not decode, like any unknown feed.
    for path in [
        "/feeds/%C3%28.ics",
        "/feeds/nothing.ics",
        "/api/v1/families/%FF",
    ] {
        let reply = server.request("GET", path, &[], None);
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert!(reply.body.is_empty(), "{path}: {}", reply.body);
    }
}

#[test]
fn a_week_is_written_yyyy_www_exactly_and_one_that_cannot_be_planned_is_refused_at_once() {
    for (database, url) in databases() {
        weeks_on(team_on(Some(database), url));
    }
}

fn weeks_on(team: Team) {
    let server = TestServer::start(&team.url);

    // Plans: a text that is no week, a week that does not exist or whose public holidays are
    // not known: 422 naming `week`, and no job.
    for week in [
        "9999-W01",
        "0000-W01",
        "2026-W54",
        "2027-W53",
        "2026w49",
        "2026-W049",
        "2026-W+49",
        "+2026-W49",
    ] {
        let path = format!("/api/v1/weeks/{week}/plans");
        let reply = call(&server, "POST", &path, &team.coordinator, None);
        let error = json_error(&reply, 422);
        assert_eq!(error["fields"][0]["field"], "week", "{week}: {error}");
    }
    let year_zero = call(
        &server,
        "POST",
        "/api/v1/weeks/0000-W01/plans",
        &team.coordinator,
        None,
    );
    let message = json(&year_zero)["fields"][0]["message"].clone();
    assert!(
        message.as_str().unwrap().contains("0000-W01")
            && message.as_str().unwrap().contains("jours fériés"),
        "{message}"
    );
    assert_eq!(
        call(&server, "GET", "/api/v1/jobs/1", &team.coordinator, None).status,
        404,
        "a job was queued for a week that cannot be planned"
    );

    // Reads: only the exact form names the published week.
    let published = call(
        &server,
        "POST",
        "/api/v1/weeks/2026-W49/publish",
        &team.coordinator,
        None,
    );
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(json(&published)["week"], "2026-W49");
    let read = |week: &str| {
        let path = format!("/api/v1/weeks/{week}/referents/R-01");
        call(&server, "GET", &path, &team.coordinator, None)
    };
    assert_eq!(read("2026-W49").status, 200);
    for lax in ["2026w49", "2026-W049", "2026-W+49", "+2026-W49", "2026W49"] {
        let reply = read(lax);
        assert_eq!(reply.status, 404, "{lax}: {}", reply.body);
        assert!(reply.body.is_empty());
    }
}

#[test]
fn beyond_four_plans_queued_or_running_a_plan_gets_429_with_retry_after() {
    // Arrange: the reference territory, so that a plan runs long enough for others to queue.
    let (_dir, url, coordinator) = crate::api::reference_with_coordinator();
    let server = TestServer::start(&url);
    let plans = "/api/v1/weeks/2026-W49/plans";
    let long = Some(r#"{"time_limit_seconds": 300}"#);

    // Act
    let replies: Vec<Reply> = (0..6)
        .map(|_| call(&server, "POST", plans, &coordinator, long))
        .collect();

    // Assert: four accepted, the others told to come back later.
    let accepted: Vec<u64> = replies
        .iter()
        .filter(|r| r.status == 202)
        .map(|r| json(r)["id"].as_u64().unwrap())
        .collect();
    assert_eq!(
        accepted.len(),
        4,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for refused in &replies[4..] {
        let error = json_error(refused, 429);
        let after: u64 = refused.headers["retry-after"].parse().unwrap();
        assert!(after > 0);
        assert!(
            error["error"].as_str().unwrap().contains("réessayez"),
            "{error}"
        );
    }
    for id in &accepted {
        let path = format!("/api/v1/jobs/{id}");
        assert_eq!(
            call(&server, "DELETE", &path, &coordinator, None).status,
            202
        );
    }
    for id in &accepted {
        assert_eq!(finished(&server, &coordinator, *id)["status"], "cancelled");
    }
    // Once they are finished, a plan is accepted again.
    let again = call(&server, "POST", plans, &coordinator, long);
    assert_eq!(again.status, 202, "{}", again.body);
    let id = json(&again)["id"].as_u64().unwrap();
    let path = format!("/api/v1/jobs/{id}");
    assert_eq!(
        call(&server, "DELETE", &path, &coordinator, None).status,
        202
    );
    finished(&server, &coordinator, id);
}

#[test]
fn a_finished_job_is_forgotten_after_its_retention() {
    // Arrange: a server keeping finished jobs a fraction of a second.
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("retention.db").display());
    let team = team_on(None, url);
    let server = TestServer::start_configured(
        &team.url,
        ServerOptions {
            jobs: Some(parcours::http::Jobs::with_limits(
                4,
                Duration::from_millis(500),
            )),
            ..ServerOptions::default()
        },
    );
    let started = call(
        &server,
        "POST",
        "/api/v1/weeks/2026-W49/plans",
        &team.coordinator,
        Some(r#"{"time_limit_seconds": 1}"#),
    );
    assert_eq!(started.status, 202, "{}", started.body);
    let id = json(&started)["id"].as_u64().unwrap();
    assert_eq!(finished(&server, &team.coordinator, id)["status"], "done");

    // Act
    std::thread::sleep(Duration::from_millis(700));

    // Assert: forgotten; its plan stays stored (and can be published).
    let path = format!("/api/v1/jobs/{id}");
    assert_eq!(
        call(&server, "GET", &path, &team.coordinator, None).status,
        404
    );
    let publish = "/api/v1/weeks/2026-W49/publish?version=2";
    assert_eq!(
        call(&server, "POST", publish, &team.coordinator, None).status,
        200
    );
}
