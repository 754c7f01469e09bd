//! Re-planning that holds still and absences kept in the database (issue 15), as a coordinator
//! runs them with the real binary on the reference territory, week 2026-W49, on SQLite and on
//! PostgreSQL: `--replan` on unchanged data changes nothing (twice), an absence recorded once
//! holds for every later plan until it is lifted, a fixed visit never moves, and the move report
//! is exactly the difference between the two stored versions.

use chrono::NaiveDate;
use parcours::domain::{AgendaKind, to_paris};
use parcours::planning::{IsoWeek, PlanMethod, WeekPlan, changes};
use serde_json::Value;

use crate::api::databases;
use crate::helpers::{fixture, load, on_store, parcours, visits};

const WEEK: &str = "2026-W49";

/// Deterministic rota budget (debug builds are slow: no clock decides).
const ITERATIONS: &str = "4000";

fn import(url: &str) {
    let territory = fixture("territory");
    let out = parcours(&["import", territory.to_str().unwrap()], url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `parcours plan --week W49 --json <extra…>` with a generous clock; its report.
fn plan(url: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "plan",
        "--week",
        WEEK,
        "--json",
        "--iterations",
        ITERATIONS,
        "--time-limit",
        "600",
    ];
    args.extend_from_slice(extra);
    let out = parcours(&args, url);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("plan --json prints JSON")
}

/// `parcours <args…>`: (success, stdout, stderr).
fn run(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = parcours(args, url);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Stored version `version` of W49's optimised plan.
fn version(url: &str, version: i64) -> WeekPlan {
    let week = IsoWeek::parse(WEEK).unwrap();
    on_store(url, |store| async move {
        store
            .plan::<WeekPlan>(week, PlanMethod::Optimised, version)
            .await
            .unwrap()
            .expect("a stored version")
    })
}

fn unplaced(plan: &WeekPlan) -> Vec<(String, Option<String>)> {
    plan.unmet
        .iter()
        .map(|u| (u.family.clone(), u.referent.clone()))
        .collect()
}

fn thursday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

fn works_on(plan: &WeekPlan, referent: &str, date: NaiveDate) -> bool {
    plan.referents
        .iter()
        .find(|r| r.code == referent)
        .unwrap()
        .days
        .iter()
        .any(|d| d.date == date)
}

#[test]
fn replan_on_unchanged_data_moves_adds_and_drops_nothing_twice_in_a_row() {
    for (_database, url) in databases() {
        // Arrange
        import(&url);
        plan(&url, &[]);

        // Act
        let first = plan(&url, &["--replan"]);
        let second = plan(&url, &["--replan"]);

        // Assert: the three stored versions place the same visits at the same times, leave
        // the same visits unplaced, and each re-plan says nothing changed.
        let (v1, v2, v3) = (version(&url, 1), version(&url, 2), version(&url, 3));
        assert!(v1.visits() > 50, "{} visits", v1.visits());
        assert_eq!(visits(&v2), visits(&v1));
        assert_eq!(visits(&v3), visits(&v2));
        assert_eq!(unplaced(&v2), unplaced(&v1));
        assert_eq!(unplaced(&v3), unplaced(&v2));
        assert_eq!(v2.assignment, v1.assignment);
        assert!(changes(&v1, &v2).is_empty());
        for report in [&first, &second] {
            assert_eq!(
                report["changes"]["referents"],
                serde_json::json!([]),
                "{report}"
            );
        }
    }
}

#[test]
fn a_recorded_absence_holds_for_every_later_plan_and_the_move_report_is_the_stored_difference() {
    for (_database, url) in databases() {
        // Arrange: a plan, then R-03 recorded absent on Thursday (not a plan flag).
        import(&url);
        plan(&url, &[]);
        let (ok, out, err) = run(&url, &["absence", "add", "R-03:2026-12-03"]);
        assert!(ok, "{out}{err}");
        assert!(
            out.contains("Absence enregistrée : R-03 le jeudi 03/12/2026"),
            "{out}"
        );

        // Act: a re-plan without `--absent`.
        let report = plan(&url, &["--replan"]);

        // Assert: nothing on R-03's Thursday; every other visit stays exactly where it was;
        // the report is the difference between the two stored versions, and lists every
        // visit R-03 had on Thursday.
        let (before, after) = (version(&url, 1), version(&url, 2));
        assert!(works_on(&before, "R-03", thursday()));
        assert!(!works_on(&after, "R-03", thursday()));
        let old = visits(&before);
        let on_thursday: Vec<&String> = old
            .iter()
            .filter(|(_, (r, start))| r == "R-03" && start.date() == thursday())
            .map(|(f, _)| f)
            .collect();
        assert!(!on_thursday.is_empty(), "R-03 had no visit on Thursday");
        let now = visits(&after);
        for (family, place) in &old {
            if !on_thursday.contains(&family) {
                assert_eq!(now.get(family), Some(place), "{family} moved");
            }
        }
        let difference = changes(&before, &after);
        assert_eq!(
            report["changes"],
            serde_json::to_value(&difference).unwrap()
        );
        let r03 = difference.of("R-03").expect("R-03's week changed");
        let reported: Vec<&String> = r03
            .moved
            .iter()
            .map(|m| &m.family)
            .chain(r03.dropped.iter().map(|d| &d.family))
            .collect();
        for family in &on_thursday {
            assert!(reported.contains(family), "{family} not reported");
        }
        assert!(
            difference
                .referents
                .iter()
                .all(|r| r.referent == "R-03" || (r.moved.is_empty() && r.dropped.is_empty()))
        );

        // Act: re-plan again, and plan afresh: the absence still holds.
        let again = plan(&url, &["--replan"]);
        plan(&url, &[]);

        // Assert
        assert_eq!(
            again["changes"]["referents"],
            serde_json::json!([]),
            "{again}"
        );
        assert!(!works_on(&version(&url, 3), "R-03", thursday()));
        assert!(!works_on(&version(&url, 4), "R-03", thursday()));

        // Act: lifted, the next re-plan gives her Thursday back.
        let (ok, out, err) = run(&url, &["absence", "lift", "R-03:2026-12-03"]);
        assert!(ok, "{out}{err}");
        assert!(out.contains("Absence levée : R-03"), "{out}");
        plan(&url, &["--replan"]);

        // Assert
        assert!(works_on(&version(&url, 5), "R-03", thursday()));
        let (_, listed, _) = run(&url, &["absence", "list", "--week", WEEK]);
        assert!(listed.contains("Aucune absence enregistrée"), "{listed}");
    }
}

#[test]
fn a_fixed_visit_stays_at_its_time_and_is_reported_not_moved_when_its_referent_is_absent() {
    for (_database, url) in databases() {
        // Arrange: W49 planned; two visits fixed in the agenda that week.
        import(&url);
        let territory = load(&url);
        let week = IsoWeek::parse(WEEK).unwrap();
        let fixed: Vec<_> = territory
            .agenda
            .iter()
            .filter(|e| e.kind == AgendaKind::Visit)
            .filter(|e| week.contains(to_paris(e.start).date()))
            .collect();
        assert!(!fixed.is_empty(), "the fixtures fix a visit in W49");
        plan(&url, &[]);
        let planned = version(&url, 1);
        let at_its_time = |plan: &WeekPlan, entry: &parcours::domain::AgendaEntry| {
            let family = entry.family.as_ref().unwrap().as_str();
            plan.visit_of(family).is_some_and(|(r, _, s)| {
                r.code == entry.referent.as_str() && s.start == to_paris(entry.start) && s.confirmed
            })
        };
        let kept: Vec<_> = fixed.iter().filter(|e| at_its_time(&planned, e)).collect();
        assert!(!kept.is_empty(), "no fixed visit planned at its time");
        let entry = kept[0];
        let family = entry.family.as_ref().unwrap().to_string();
        let absent = format!("{}:{}", entry.referent, to_paris(entry.start).date());

        // Act: `--absent` records her absence that day and re-plans.
        let report = plan(&url, &["--absent", &absent]);

        // Assert: the fixed visit is not moved anywhere: reported, with why; the other fixed
        // visits stay at their times; the absence is recorded.
        let after = version(&url, 2);
        assert!(after.visit_of(&family).is_none(), "{family} was moved");
        let unmet = after
            .unmet
            .iter()
            .find(|u| u.family == family)
            .unwrap_or_else(|| panic!("{family} is not reported"));
        assert!(unmet.reason.contains("à reprogrammer"), "{}", unmet.reason);
        let agenda_unplaced = report["agenda_unplaced"].as_array().unwrap();
        assert!(
            agenda_unplaced.iter().any(|e| e[0] == entry.code.as_str()),
            "{report}"
        );
        for other in kept.iter().filter(|e| e.referent != entry.referent) {
            assert!(at_its_time(&after, other), "{} moved", other.code);
        }
        let (_, listed, _) = run(&url, &["absence", "list", "--week", WEEK]);
        assert!(listed.contains(&entry.referent.to_string()), "{listed}");

        // Act: an unchanged re-plan keeps all of it.
        plan(&url, &["--replan"]);

        // Assert
        let again = version(&url, 3);
        assert_eq!(visits(&again), visits(&after));
        assert!(again.visit_of(&family).is_none());
    }
}

#[test]
fn an_absence_naming_an_unknown_referent_or_date_is_refused_in_french_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("absence.db").display());
    import(&url);

    // An unknown référent among known ones: none is recorded.
    let (ok, _, err) = run(
        &url,
        &["absence", "add", "R-01:2026-12-01", "R-99:2026-12-03"],
    );
    assert!(!ok);
    assert!(err.contains("référent R-99 inconnu"), "{err}");
    // A date that does not exist.
    let (ok, _, err) = run(&url, &["absence", "add", "R-03:2026-02-30"]);
    assert!(!ok);
    assert!(err.contains("2026-02-30"), "{err}");
    // Through `plan --absent`: refused before anything is planned or recorded.
    let out = parcours(
        &["plan", "--week", WEEK, "--absent", "R-99:2026-12-03"],
        &url,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("référent R-99 inconnu"));
    let out = parcours(
        &["plan", "--week", WEEK, "--absent", "R-03:2026-12-10"],
        &url,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("n'est pas dans la semaine"));

    let (ok, listed, _) = run(&url, &["absence", "list"]);
    assert!(ok);
    assert!(listed.contains("Aucune absence enregistrée"), "{listed}");
    let stored = on_store(&url, |store| async move {
        (
            store.absences(None).await.unwrap(),
            store
                .latest_plan::<WeekPlan>(IsoWeek::parse(WEEK).unwrap(), PlanMethod::Optimised)
                .await
                .unwrap(),
        )
    });
    assert!(stored.0.is_empty());
    assert!(stored.1.is_none());
}

#[test]
fn a_plan_job_of_the_api_respects_the_recorded_absences() {
    use crate::api::{call, finished, json, team_on};
    for (database, url) in databases() {
        // Arrange: mini's W49 planned; R-01 recorded absent on Tuesday 1 December.
        let team = team_on(Some(database), url);
        let tuesday = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert!(works_on(&version(&team.url, 1), "R-01", tuesday));
        let (ok, out, err) = run(&team.url, &["absence", "add", "R-01:2026-12-01"]);
        assert!(ok, "{out}{err}");
        let server = crate::serve::TestServer::start(&team.url);

        // Act: a fresh plan, as a job.
        let started = call(
            &server,
            "POST",
            "/api/v1/weeks/2026-W49/plans",
            &team.coordinator,
            Some(r#"{"time_limit_seconds": 2}"#),
        );
        assert_eq!(started.status, 202, "{}", started.body);
        let id = json(&started)["id"].as_u64().unwrap();
        let job = finished(&server, &team.coordinator, id);

        // Assert: stored as version 2, without R-01's Tuesday.
        assert_eq!(job["status"], "done", "{job}");
        assert_eq!(job["version"], 2);
        assert!(!works_on(&version(&team.url, 2), "R-01", tuesday));
    }
}

#[test]
fn a_coordinator_records_lists_and_lifts_absences_through_the_api() {
    use crate::api::{call, json, team_on};
    for (database, url) in databases() {
        // Arrange
        let team = team_on(Some(database), url);
        let server = crate::serve::TestServer::start(&team.url);
        let absence = "/api/v1/absences/R-01/2026-12-01";
        let listed = "/api/v1/weeks/2026-W49/absences";

        // Act and assert: recorded (201), again (200, nothing changes), listed.
        let reply = call(&server, "PUT", absence, &team.coordinator, None);
        assert_eq!(reply.status, 201, "{}", reply.body);
        assert_eq!(json(&reply)["date"], "2026-12-01");
        let reply = call(&server, "PUT", absence, &team.coordinator, None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        let week = json(&call(&server, "GET", listed, &team.coordinator, None));
        assert_eq!(
            week,
            serde_json::json!([{"referent": "R-01", "date": "2026-12-01"}])
        );
        // A référent may not; an unknown référent or date is named and records nothing.
        assert_eq!(call(&server, "PUT", absence, &team.r01, None).status, 403);
        for (path, field, named) in [
            ("/api/v1/absences/R-99/2026-12-01", "referent", "R-99"),
            ("/api/v1/absences/R-01/2026-02-30", "date", "2026-02-30"),
        ] {
            let reply = call(&server, "PUT", path, &team.coordinator, None);
            assert_eq!(reply.status, 422, "{}", reply.body);
            let issue = &json(&reply)["fields"][0];
            assert_eq!(issue["field"], field, "{}", reply.body);
            assert!(
                issue["message"].as_str().unwrap().contains(named),
                "{}",
                reply.body
            );
        }
        let week = json(&call(&server, "GET", listed, &team.coordinator, None));
        assert_eq!(week.as_array().unwrap().len(), 1);

        // Lifted (204), then there is nothing to lift (404).
        let reply = call(&server, "DELETE", absence, &team.coordinator, None);
        assert_eq!(reply.status, 204, "{}", reply.body);
        let reply = call(&server, "DELETE", absence, &team.coordinator, None);
        assert_eq!(reply.status, 404, "{}", reply.body);
        let week = json(&call(&server, "GET", listed, &team.coordinator, None));
        assert_eq!(week, serde_json::json!([]));

        // At once: R-01 and R-02 recorded absent on each working day of the week; every 2xx
        // answered stands.
        let paths: Vec<String> = ["R-01", "R-02"]
            .iter()
            .flat_map(|r| (1..=4).map(move |d| format!("/api/v1/absences/{r}/2026-12-0{d}")))
            .collect();
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let calls: Vec<_> = paths
                .iter()
                .map(|path| {
                    let (server, token) = (&server, &team.coordinator);
                    scope.spawn(move || call(server, "PUT", path, token, None).status)
                })
                .collect();
            calls.into_iter().map(|c| c.join().unwrap()).collect()
        });
        assert!(statuses.iter().all(|&s| s == 201), "{statuses:?}");
        let week = json(&call(&server, "GET", listed, &team.coordinator, None));
        assert_eq!(week.as_array().unwrap().len(), paths.len(), "{week}");
    }
}
