//! The workshops' year through the API: a coordinator plans (a job), reads, publishes; a
//! référent reads the groups of the children she follows and nothing else; a roster for the
//! coordinator, refused to a référent who does not lead the group; the facilitator's feed shows
//! each session without a child in it; on SQLite and PostgreSQL.

use serde_json::Value;

use crate::api::{Team, call, databases, finished, json, team_on};
use crate::serve::TestServer;

const YEAR: &str = "/api/v1/workshops/2026-2027";

#[test]
fn a_coordinator_plans_and_publishes_the_workshops_and_a_referent_sees_only_her_children() {
    for (database, url) in databases() {
        workshops_on(team_on(Some(database), url));
    }
}

fn workshops_on(team: Team) {
    let server = TestServer::start(&team.url);
    let plans = format!("{YEAR}/plans");

    // Refused: a référent planning, a time limit out of range, `from` with no plan, no year.
    assert_eq!(call(&server, "POST", &plans, &team.r01, None).status, 403);
    for (body, field) in [
        (r#"{"time_limit_seconds": 0}"#, "time_limit_seconds"),
        (r#"{"from": "2027-01-04"}"#, "from"),
    ] {
        let refused = call(&server, "POST", &plans, &team.coordinator, Some(body));
        assert_eq!(refused.status, 422, "{body}: {}", refused.body);
        assert_eq!(json(&refused)["fields"][0]["field"], field, "{body}");
    }
    let read = |token: &str| call(&server, "GET", &format!("{YEAR}/plan"), token, None);
    assert_eq!(read(&team.coordinator).status, 404, "not planned yet");
    assert_eq!(
        call(
            &server,
            "POST",
            "/api/v1/workshops/2026/plans",
            &team.coordinator,
            None
        )
        .status,
        404
    );

    // Planned: AT-01 opens one group of E-0002 and E-0006 (R-01's families); AT-02 has too
    // few children and says why.
    let started = call(
        &server,
        "POST",
        &plans,
        &team.coordinator,
        Some(r#"{"time_limit_seconds": 20, "compare_baseline": true}"#),
    );
    assert_eq!(started.status, 202, "{}", started.body);
    let job = finished(
        &server,
        &team.coordinator,
        json(&started)["id"].as_u64().unwrap(),
    );
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["kind"], "workshops");
    assert_eq!(job["report"]["figures"]["enrolled"], 2, "{job}");
    let all = json(&read(&team.coordinator));
    let groups = all["plan"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{all}");
    let group = &groups[0];
    assert_eq!(group["code"], "AT-01-G1");
    assert_eq!(group["dates"].as_array().unwrap().len(), 6);
    let unenrolled = all["plan"]["unenrolled"].as_array().unwrap();
    assert_eq!(unenrolled.len(), 2);
    assert!(
        unenrolled
            .iter()
            .all(|u| u["workshop"] == "AT-02" && u["message"].as_str().unwrap().contains("AT-02")),
        "{all}"
    );

    // R-01 follows both children: she sees the group, and E-0003 left out of AT-02; R-02
    // follows neither, only E-0005 (F-0004), left out of AT-02.
    let left_out = |plan: &Value| -> Vec<String> {
        plan["plan"]["unenrolled"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["child"].as_str().unwrap().to_owned())
            .collect()
    };
    let hers = json(&read(&team.r01));
    assert_eq!(hers["plan"]["groups"].as_array().unwrap().len(), 1);
    assert_eq!(left_out(&hers), ["E-0003"]);
    let other = json(&read(&team.r02));
    assert_eq!(other["plan"]["groups"], Value::Array(vec![]), "{other}");
    assert_eq!(left_out(&other), ["E-0005"]);
    assert_eq!(read(&team.logistics).status, 403);

    // The roster: codes and ages for the coordinator; R-01 does not lead the group (P-02 does).
    let roster = format!("{YEAR}/groups/AT-01-G1/roster");
    let listed = call(&server, "GET", &roster, &team.coordinator, None);
    assert_eq!(listed.status, 200, "{}", listed.body);
    let listed = json(&listed);
    let children: Vec<(&str, u64)> = listed["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["child"].as_str().unwrap(), c["age"].as_u64().unwrap()))
        .collect();
    assert_eq!(children, [("E-0002", 4), ("E-0006", 2)]);
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 6);
    assert_eq!(call(&server, "GET", &roster, &team.r01, None).status, 403);
    assert_eq!(
        call(
            &server,
            "GET",
            &format!("{YEAR}/groups/AT-09-G1/roster"),
            &team.coordinator,
            None
        )
        .status,
        404
    );

    // Published: the six sessions in P-02's feed, without a child's code.
    assert_eq!(
        call(&server, "POST", &format!("{YEAR}/publish"), &team.r01, None).status,
        403
    );
    let published = call(
        &server,
        "POST",
        &format!("{YEAR}/publish"),
        &team.coordinator,
        None,
    );
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(json(&published)["added"], 6);
    assert_eq!(json(&read(&team.coordinator))["published_version"], 1);
    let subscription = call(
        &server,
        "POST",
        "/api/v1/feed-subscriptions",
        &team.coordinator,
        Some(r#"{"person":"P-02"}"#),
    );
    assert_eq!(subscription.status, 201, "{}", subscription.body);
    let feed_path = json(&subscription)["path"].as_str().unwrap().to_owned();
    let feed = server.request("GET", &feed_path, &[], None).body;
    assert_eq!(feed.matches("SUMMARY:Atelier AT-01").count(), 6, "{feed}");
    assert!(
        !feed.contains("E-0002") && !feed.contains("E-0006"),
        "{feed}"
    );
}
