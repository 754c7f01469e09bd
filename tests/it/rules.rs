//! Each planning rule on a hand-checkable case of `fixtures/cases/rules/`, where it bites and
//! where it does not, as a coordinator sees it: `parcours plan --json` and the stored plan.
//!
//! Every case is a few families and one or two référents; a contrast is a second folder
//! imported over the first that changes the one thing the rule looks at (or a `plan` flag, or
//! another week). `fixtures/cases/README.md` says what each folder holds and why the expected
//! outcome follows; the car times quoted below are Parcours' estimate between those points.

use chrono::{NaiveDate, NaiveDateTime};
use parcours::planning::{DayRoute, PlaceKind, PlanMethod, Stop, StopKind, UnmetCause, WeekPlan};
use serde_json::Value;

use crate::helpers::{fixture, parcours};

/// Enough rota iterations for these tiny weeks, and a deterministic plan.
const ITERATIONS: &str = "4000";

/// A fresh database holding the `cases` of `fixtures/cases/rules/`, imported in order, each
/// over the previous ones.
fn imported(cases: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("rules.db").display());
    // Every case is planned with the same calendar (zone B, 2026–2027), imported first.
    for case in std::iter::once(&"calendar").chain(cases) {
        let folder = fixture(&format!("cases/rules/{case}"));
        let out = parcours(&["import", folder.to_str().unwrap()], &url);
        assert!(
            out.status.success(),
            "importing {case}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (dir, url)
}

/// Plans `week` with `extra` flags: the JSON report and the plan the store now holds.
fn plan_week(url: &str, week: &str, extra: &[&str]) -> (Value, WeekPlan) {
    let mut args = vec!["plan", "--week", week, "--json", "--iterations", ITERATIONS];
    args.extend_from_slice(extra);
    let out = parcours(&args, url);
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_slice(&out.stdout).expect("plan --json prints JSON");
    (report, stored(url, week))
}

fn stored(url: &str, week: &str) -> WeekPlan {
    crate::helpers::latest_plan(url, week, PlanMethod::Optimised)
}

/// Who follows `family` in `plan`.
fn referent_of<'p>(plan: &'p WeekPlan, family: &str) -> Option<&'p str> {
    plan.assignment
        .iter()
        .find(|(f, _)| f == family)
        .map(|(_, r)| r.as_str())
}

/// The changes of référent the report lists: (family, from, to, reason).
fn moves(report: &Value) -> Vec<(String, String, String, String)> {
    let text = |m: &Value, key: &str| m[key].as_str().unwrap().to_owned();
    report["assignment"]["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                text(m, "family"),
                text(m, "from"),
                text(m, "to"),
                text(m, "reason"),
            )
        })
        .collect()
}

/// What the assignment's rule `key` costs, minutes a month.
fn cost(report: &Value, key: &str) -> i64 {
    report["assignment"]["costs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] == key)
        .unwrap_or_else(|| panic!("no cost {key}: {report}"))[2]
        .as_i64()
        .unwrap()
}

/// The families the report lists as followed outside their référent's sector: (family, référent).
fn outside_sector(report: &Value) -> Vec<(String, String)> {
    report["assignment"]["outside_sector"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["family"].as_str().unwrap().to_owned(),
                o["referent"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Why the plan does not visit `family`, if it does not.
fn unmet_reason<'p>(plan: &'p WeekPlan, family: &str) -> Option<&'p str> {
    plan.unmet
        .iter()
        .find(|u| u.family == family)
        .map(|u| u.reason.as_str())
}

/// The day and stop of `family`'s visit; panics, showing the plan, when there is none.
fn visit<'p>(plan: &'p WeekPlan, family: &str) -> (&'p DayRoute, &'p Stop) {
    let (_, day, stop) = plan
        .visit_of(family)
        .unwrap_or_else(|| panic!("{family} is not visited: {plan:#?}"));
    (day, stop)
}

/// The stop of agenda entry `code`.
fn engagement<'p>(plan: &'p WeekPlan, code: &str) -> Option<&'p Stop> {
    plan.referents
        .iter()
        .flat_map(|r| &r.days)
        .flat_map(|d| &d.stops)
        .find(|s| matches!(&s.kind, StopKind::Fixed { code: c, .. } if c == code))
}

/// Agenda entries of the week the plan does not honour: (code, reason).
fn agenda_unplaced(report: &Value) -> Vec<(String, String)> {
    report["agenda_unplaced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e[0].as_str().unwrap().to_owned(),
                e[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Local date and time, `"2026-12-01 12:00"`.
fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Whether `stop` takes some of the time from `from` to `to`.
fn overlaps(stop: &Stop, from: NaiveDateTime, to: NaiveDateTime) -> bool {
    stop.start < to && from < stop.end
}

// Assignment (MILP): hard rules are constraints, soft rules weighted costs.

#[test]
fn a_referent_at_her_maximum_caseload_gets_no_new_family_even_next_door() {
    // Arrange: R-01 (Valenciennes, maximum 1) follows F-0001; new F-0003 lives 7 min from her
    // base and 31 min from R-02's (Condé).
    let (_dir, url) = imported(&["caseload"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(referent_of(&plan, "F-0003"), Some("R-02"), "{report}");
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-01"));
    let r01 = &report["assignment"]["loads"][0];
    assert_eq!(r01["referent"], "R-01");
    assert_eq!(r01["families"], 1);
    assert!(moves(&report).is_empty(), "{report}");
    assert!(plan.unmet.is_empty(), "{:?}", plan.unmet);
}

#[test]
fn a_referent_with_room_gets_the_new_family_next_to_her() {
    // Arrange: the same team, R-01's maximum raised to 2.
    let (_dir, url) = imported(&["caseload", "caseload_room"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(referent_of(&plan, "F-0003"), Some("R-01"), "{report}");
    assert!(moves(&report).is_empty(), "{report}");
}

#[test]
fn a_new_family_nobody_has_room_for_is_reported_without_a_referent() {
    // Arrange: R-02's maximum lowered to 1 as well: both are full.
    let (_dir, url) = imported(&["caseload", "caseload_team_full"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert: left without a référent, and the coordinator reads why.
    assert_eq!(referent_of(&plan, "F-0003"), None);
    let unmet = plan.unmet.iter().find(|u| u.family == "F-0003").unwrap();
    assert_eq!(unmet.referent, None);
    assert!(unmet.reason.contains("charge maximale"), "{}", unmet.reason);
    // Someone could see it: the rules of who may follow whom are the cause, not its hours.
    assert_eq!(unmet.cause, UnmetCause::Assignment);
    assert_eq!(report["assignment"]["unassigned"][0][0], "F-0003");
    // The families already followed keep their référent.
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-01"));
    assert_eq!(referent_of(&plan, "F-0002"), Some("R-02"));
}

#[test]
fn an_overloaded_referent_hands_her_newest_family_to_a_colleague_with_the_reason() {
    // Arrange: F-0003 has been followed by R-01 since June 2026, so R-01 (maximum 1) follows
    // two families; F-0001 since 2023.
    let (_dir, url) = imported(&["caseload", "caseload_over"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-01"));
    assert_eq!(referent_of(&plan, "F-0003"), Some("R-02"));
    let moved = moves(&report);
    assert_eq!(moved.len(), 1, "{moved:?}");
    let (family, from, to, reason) = &moved[0];
    assert_eq!(
        (family.as_str(), from.as_str(), to.as_str()),
        ("F-0003", "R-01", "R-02")
    );
    assert!(reason.contains("charge maximale"), "{reason}");
}

#[test]
fn a_family_needing_turkish_goes_to_the_turkish_speaker_although_she_is_farther() {
    // Arrange: new F-0001 needs Turkish and lives 7 min from R-01's base (French only), 31 min
    // from R-02's (Turkish); new F-0002 needs Romani, which nobody speaks.
    let (_dir, url) = imported(&["language"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-02"), "{report}");
    let (referent, _, _) = plan.visit_of("F-0001").expect("F-0001 is visited");
    assert_eq!(referent.code, "R-02");
    assert_eq!(referent_of(&plan, "F-0002"), None);
    let reason = unmet_reason(&plan, "F-0002").unwrap();
    assert!(reason.contains("ne parle la langue"), "{reason}");
}

#[test]
fn the_same_family_speaking_french_goes_to_the_closest_referent() {
    // Arrange: F-0001 no longer needs Turkish.
    let (_dir, url) = imported(&["language", "language_french"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-01"), "{report}");
}

#[test]
fn a_new_family_outside_a_referents_sector_does_not_go_to_her_even_next_door() {
    // Arrange: R-01's sector is Valenciennes, R-02's Condé and Anzin. New F-0001 lives in
    // Anzin, 10 min from R-01's base and 30 min from R-02's. F-0002, also in Anzin, has been
    // followed by R-01 since 2023.
    let (_dir, url) = imported(&["sector"]);

    // Act: sectors bind by default.
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert: F-0001 goes to R-02; F-0002 stays with R-01 although outside her sector, which
    // costs nothing with hard sectors but is listed.
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-02"), "{report}");
    assert_eq!(referent_of(&plan, "F-0002"), Some("R-01"));
    assert!(moves(&report).is_empty(), "{report}");
    assert_eq!(cost(&report, "sector"), 0);
    assert_eq!(
        outside_sector(&report),
        vec![("F-0002".to_owned(), "R-01".to_owned())]
    );
}

#[test]
fn with_soft_sectors_the_family_next_door_goes_to_the_closer_referent_at_a_reported_cost() {
    // Arrange
    let (_dir, url) = imported(&["sector"]);

    // Act: 30 min a month per family outside its référent's sector.
    let (report, plan) = plan_week(&url, "2026-W49", &["--soft-sectors", "30"]);

    // Assert: F-0001 (and F-0002) with R-01, both outside her sector: 2 × 30 min reported.
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-01"), "{report}");
    assert_eq!(referent_of(&plan, "F-0002"), Some("R-01"));
    assert_eq!(cost(&report, "sector"), 60);

    // Act: a sector costing more than the travel it saves.
    let (report, plan) = plan_week(&url, "2026-W49", &["--soft-sectors", "300"]);

    // Assert: F-0001 stays in sector, with R-02.
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-02"), "{report}");
}

#[test]
fn a_pinned_family_keeps_its_far_referent() {
    // Arrange: F-0001 (Valenciennes) has been followed since September 2026 by R-01, based in
    // Condé (31 min away); R-02 is based 7 min away. The team fixed its référent.
    let (_dir, url) = imported(&["pinned"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert: no move, and R-01 makes the visit.
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-01"), "{report}");
    assert!(moves(&report).is_empty(), "{report}");
    let (referent, _, _) = plan.visit_of("F-0001").expect("F-0001 is visited");
    assert_eq!(referent.code, "R-01");
}

#[test]
fn the_same_family_not_pinned_moves_to_the_closer_referent() {
    // Arrange: the same family, référent no longer fixed.
    let (_dir, url) = imported(&["pinned", "pinned_released"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-02"), "{report}");
    let moved = moves(&report);
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!((moved[0].1.as_str(), moved[0].2.as_str()), ("R-01", "R-02"));
    assert!(moved[0].3.contains("trajets plus courts"), "{}", moved[0].3);
}

#[test]
fn a_family_followed_for_years_stays_and_a_recent_one_moves_to_the_closer_referent() {
    // Arrange: F-0001 and F-0002 live next to each other, 7 min from R-01's base and 31 min
    // from R-02's. R-02 has followed F-0001 since 2023, F-0002 since 9 November 2026.
    let (_dir, url) = imported(&["continuity"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert: only the recent one moves, and the report says why, in French.
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-02"), "{report}");
    assert_eq!(referent_of(&plan, "F-0002"), Some("R-01"));
    let moved = moves(&report);
    assert_eq!(moved.len(), 1, "{moved:?}");
    let (family, from, to, reason) = &moved[0];
    assert_eq!(
        (family.as_str(), from.as_str(), to.as_str()),
        ("F-0002", "R-02", "R-01")
    );
    // Weekly visits: 4.33 × (62 − 14) min of round trip a month.
    assert_eq!(reason, "trajets plus courts : 208 min de moins par mois");
}

#[test]
fn each_new_family_goes_to_the_referent_whose_base_is_closer() {
    // Arrange: R-01 based in Valenciennes, R-02 in Anzin, otherwise alike. New F-0001 (Saint-
    // Saulve) is 11 min from R-01 and 14 from R-02; new F-0002 (Raismes) 14 and 9.
    let (_dir, url) = imported(&["travel"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-01"), "{report}");
    assert_eq!(referent_of(&plan, "F-0002"), Some("R-02"));
}

#[test]
fn imported_travel_times_win_over_the_estimate() {
    // Arrange: a routing engine says F-0001 is 40 min from R-01's base and 8 from R-02's
    // (docs/data-format.md: imported times win over the estimate).
    let (_dir, url) = imported(&["travel", "travel_imported"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-02"), "{report}");
}

// Who can visit whom: the assignment knows the référents' hours and the families' availability.

#[test]
fn a_family_free_only_when_its_referent_does_not_work_moves_to_the_one_who_does_and_a_pinned_one_stays()
 {
    // Arrange: R-01 works Monday to Friday 09:00-17:00, R-02 Tuesday and Thursday 10:30-19:00.
    // R-01 has followed every family since 2023. F-0001 and F-0002 (pinned) are free on Thursday
    // 17:30-19:30 only, F-0003 on Saturday only; F-0004 (Anzin, outside R-01's sector) on
    // Monday morning, which only R-01 works; F-0005 on Tuesday morning.
    let (_dir, url) = imported(&["reach"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert: F-0001 moves to R-02, for that reason, and is visited on Thursday evening.
    let moved = moves(&report);
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(
        (
            moved[0].0.as_str(),
            moved[0].1.as_str(),
            moved[0].2.as_str()
        ),
        ("F-0001", "R-01", "R-02")
    );
    assert!(moved[0].3.contains("ne peut pas la voir"), "{}", moved[0].3);
    let (referent, day, stop) = plan.visit_of("F-0001").expect("F-0001 is visited");
    assert_eq!(referent.code, "R-02");
    assert_eq!(day.date, date("2026-12-03"));
    assert!(stop.start >= at("2026-12-03 17:30"), "{stop:?}");
    // The pinned F-0002 stays with R-01, who cannot see it: reported by the rota.
    assert_eq!(referent_of(&plan, "F-0002"), Some("R-01"));
    let reason = unmet_reason(&plan, "F-0002").expect("F-0002 is reported");
    assert!(reason.contains("aucun créneau commun"), "{reason}");
    // Nobody can see F-0003: without a référent, with the reason and its availability.
    assert_eq!(referent_of(&plan, "F-0003"), None);
    let reason = unmet_reason(&plan, "F-0003").expect("F-0003 is reported");
    assert!(
        reason.contains("aucune référente ne peut la voir")
            && reason.contains("samedi 10:00-12:00"),
        "{reason}"
    );
    // Grouped under the family's availability, which is what would have to change.
    let cause = plan
        .unmet
        .iter()
        .find(|u| u.family == "F-0003")
        .unwrap()
        .cause;
    assert_eq!(cause, UnmetCause::Family);
    // Where the rule does not bite: R-01 keeps the families she can see, in sector or not.
    assert_eq!(referent_of(&plan, "F-0004"), Some("R-01"));
    assert_eq!(referent_of(&plan, "F-0005"), Some("R-01"));
    assert_eq!(
        plan.visit_of("F-0005").map(|(r, _, _)| r.code.as_str()),
        Some("R-01")
    );
    assert_eq!(
        outside_sector(&report),
        vec![("F-0004".to_owned(), "R-01".to_owned())]
    );
}

#[test]
fn a_family_only_someone_outside_its_sector_can_visit_goes_to_her_and_is_listed_outside_its_sector()
{
    // Arrange: R-02, the only one who works on Thursday evening, no longer covers Valenciennes.
    let (_dir, url) = imported(&["reach", "reach_sector"]);

    // Act: hard sectors.
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert: F-0001 leaves R-01, who cannot see it; nobody of its sector can, so the sector
    // gives way: R-02 follows it, it is visited, and the report says it is outside its sector
    // and why.
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-02"), "{report}");
    assert_eq!(
        plan.visit_of("F-0001").map(|(r, _, _)| r.code.as_str()),
        Some("R-02")
    );
    assert!(
        outside_sector(&report).contains(&("F-0001".to_owned(), "R-02".to_owned())),
        "{report}"
    );
    let why = report["assignment"]["outside_sector"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["family"] == "F-0001")
        .map(|o| o["why"].as_str().unwrap().to_owned())
        .unwrap();
    assert!(
        why.contains("aucune référente de son secteur ne peut la voir"),
        "{why}"
    );

    // Act: soft sectors.
    let (report, plan) = plan_week(&url, "2026-W49", &["--soft-sectors", "30"]);

    // Assert: the same référent, at the sector's cost.
    assert_eq!(referent_of(&plan, "F-0001"), Some("R-02"), "{report}");
}

#[test]
fn the_french_report_lists_the_family_nobody_can_visit_and_the_one_outside_her_sector() {
    // Arrange
    let (_dir, url) = imported(&["reach"]);

    // Act
    let out = parcours(
        &["plan", "--week", "2026-W49", "--iterations", ITERATIONS],
        &url,
    );

    // Assert
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // In the unplaced visits, under the family's availability (what would have to change), not
    // under the rules of who may follow whom: nobody's hours ever meet its own.
    assert!(
        text.contains("disponibilités de la famille — 2 visite(s), 2 h 00 sur place\n"),
        "{text}"
    );
    assert!(
        text.contains("    F-0003 (sans référent) : aucune référente ne peut la voir"),
        "{text}"
    );
    assert!(
        !text.contains("aucune référente possible (langue"),
        "{text}"
    );
    assert!(
        text.contains(
            "F-0003 sans référent : aucune référente ne peut la voir : ses disponibilités ne \
             rencontrent les horaires d'aucune le temps d'une visite, trajet compris \
             (disponibilités : samedi 10:00-12:00 ; visite de 60 min) ; sa référente actuelle \
             R-01 ne peut pas la voir"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "1 famille(s) suivie(s) hors du secteur de leur référente :\n  référente actuelle \
             gardée : F-0004 (R-01)"
        ),
        "{text}"
    );
}

#[test]
fn check_and_import_warn_about_families_nobody_can_visit_and_families_outside_their_sector() {
    // Arrange: a database with the calendar only.
    let (_dir, url) = imported(&[]);
    let folder = fixture("cases/rules/reach");

    for command in ["check", "import"] {
        // Act
        let out = parcours(&[command, folder.to_str().unwrap()], &url);

        // Assert: warnings, not errors; each names the family, the référent and the cause.
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let warnings: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("familles.csv") && l.contains("famille F-"))
            .collect();
        let of = |family: &str| -> Vec<&str> {
            warnings
                .iter()
                .copied()
                .filter(|l| l.contains(&format!("famille {family} :")))
                .collect()
        };
        assert_eq!(of("F-0005"), Vec::<&str>::new(), "{command}: {text}");
        let f1 = of("F-0001");
        assert!(
            f1.len() == 1
                && f1[0].contains("sa référente R-01 ne peut pas la voir")
                && f1[0].contains("pourraient la voir : R-02"),
            "{command}: {text}"
        );
        let f2 = of("F-0002");
        assert!(
            f2.len() == 1
                && f2[0].contains("fixée chez R-01, qui ne peut pas la voir")
                && f2[0].contains("jeudi 17:30-19:30")
                && f2[0].contains("pourraient la voir : R-02"),
            "{command}: {text}"
        );
        let f3 = of("F-0003");
        assert!(
            f3.len() == 1
                && f3[0].contains("aucune référente ne peut la voir")
                && f3[0].contains("samedi 10:00-12:00"),
            "{command}: {text}"
        );
        let f4 = of("F-0004");
        assert!(
            f4.len() == 1 && f4[0].contains("suivie par R-01 hors de son secteur (commune:59606)"),
            "{command}: {text}"
        );
        assert_eq!(warnings.len(), 4, "{command}: {text}");
    }
}

// Rota: days, times and order of the visits.

#[test]
fn a_visit_is_placed_inside_the_familys_availability_and_one_that_never_meets_her_hours_is_reported()
 {
    // Arrange: R-01 works Monday to Friday 09:00-17:00. F-0001 is free on Thursday
    // 14:00-15:30; F-0003 on Monday from 15:30; F-0002 only on Monday evening and Saturday.
    let (_dir, url) = imported(&["availability"]);

    // Act
    let (_, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    let (day, stop) = visit(&plan, "F-0001");
    assert_eq!(day.date, date("2026-12-03"));
    assert!(stop.start >= at("2026-12-03 14:00") && stop.end <= at("2026-12-03 15:30"));
    let (day, stop) = visit(&plan, "F-0003");
    assert_eq!(day.date, date("2026-11-30"));
    assert!(stop.start >= at("2026-11-30 15:30"), "{stop:?}");
    assert!(day.back.unwrap() <= at("2026-11-30 17:00"), "{day:?}");
    // Nobody can ever visit F-0002: it is left without a référent, with the reason.
    let reason = unmet_reason(&plan, "F-0002").expect("F-0002 is reported");
    assert!(
        reason.contains("aucune référente ne peut la voir"),
        "{reason}"
    );
    assert_eq!(referent_of(&plan, "F-0002"), None);
    assert_eq!(plan.visits(), 2);
}

#[test]
fn lunch_is_taken_inside_the_break_window_and_no_visit_overlaps_it() {
    // Arrange: R-01 works on Tuesday only, 09:00-17:00, with 45 min of lunch between 12:00 and
    // 14:00; three one-hour visits due, each family free 10:30-15:30.
    let (_dir, url) = imported(&["lunch"]);

    // Act
    let (_, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(plan.visits(), 3, "{:?}", plan.unmet);
    let day = &plan.referents[0].days[0];
    let (start, minutes) = day.lunch.expect("a lunch break on a day with visits");
    let end = start + chrono::Duration::minutes(minutes);
    assert_eq!(minutes, 45);
    assert!(
        start >= at("2026-12-01 12:00") && end <= at("2026-12-01 14:00"),
        "{start}"
    );
    for stop in &day.stops {
        assert!(
            !overlaps(stop, start, end),
            "{stop:?} during lunch at {start}"
        );
    }
}

#[test]
fn without_a_break_rule_a_visit_runs_through_midday() {
    // Arrange: the same day with no lunch rule. Three one-hour visits cannot all fit in
    // 10:30-12:00 and 14:00-15:30.
    let (_dir, url) = imported(&["lunch", "lunch_none"]);

    // Act
    let (_, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    let day = &plan.referents[0].days[0];
    assert_eq!(day.lunch, None);
    assert_eq!(plan.visits(), 3, "{:?}", plan.unmet);
    let midday = (at("2026-12-01 12:00"), at("2026-12-01 14:00"));
    assert!(day.stops.iter().any(|s| overlaps(s, midday.0, midday.1)));
}

#[test]
fn a_morning_only_day_still_gets_a_visit() {
    // Arrange: R-01 works on Tuesday 09:00-12:00 only, lunch rule unchanged (12:00-14:00).
    let (_dir, url) = imported(&["lunch", "lunch_half_day"]);

    // Act
    let (_, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert: one visit fits from 10:30 (the families' availability) before noon.
    assert!(plan.visits() >= 1, "{:?}", plan.unmet);
    for stop in plan.referents[0].days.iter().flat_map(|d| &d.stops) {
        assert!(stop.end <= at("2026-12-01 12:00"), "{stop:?}");
    }
}

#[test]
fn no_visit_falls_between_two_working_ranges_of_a_day() {
    // Arrange: R-01 works on Tuesday 09:00-12:00 and 14:00-17:00, no lunch rule.
    let (_dir, url) = imported(&["lunch", "lunch_split_hours"]);

    // Act
    let (_, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    let midday = (at("2026-12-01 12:00"), at("2026-12-01 14:00"));
    for stop in plan.referents[0].days.iter().flat_map(|d| &d.stops) {
        assert!(
            !overlaps(stop, midday.0, midday.1),
            "{stop:?} while she is off"
        );
    }
    assert_eq!(plan.visits(), 2, "one visit before noon, one after 14:00");
}

#[test]
fn a_training_over_the_lunch_window_is_kept_at_its_time() {
    // Arrange: a training from 11:30 to 14:30 on R-01's Tuesday (lunch rule 12:00-14:00).
    let (_dir, url) = imported(&["lunch", "lunch_training"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert!(agenda_unplaced(&report).is_empty(), "{report}");
    let training = engagement(&plan, "AG-01").expect("the training is in her week");
    assert_eq!(
        (training.start, training.end),
        (at("2026-12-01 11:30"), at("2026-12-01 14:30"))
    );
}

#[test]
fn a_visit_at_a_neutral_site_falls_inside_its_opening_hours() {
    // Arrange: site L-01 opens on Wednesday 14:00-18:00 only. F-0001 meets there and is free
    // on Monday and Wednesday 09:00-17:00; F-0002 meets there and is free on Wednesday
    // 09:00-12:00 only.
    let (_dir, url) = imported(&["site_hours"]);

    // Act
    let (_, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    let (day, stop) = visit(&plan, "F-0001");
    assert_eq!(day.date, date("2026-12-02"));
    assert!(stop.start >= at("2026-12-02 14:00"), "{stop:?}");
    assert!(matches!(&stop.place, PlaceKind::Site { code, .. } if code == "L-01"));
    // Nobody can see F-0002 at the site while it is open: reported, naming the site's hours.
    let reason = unmet_reason(&plan, "F-0002").expect("F-0002 is reported");
    assert!(
        reason.contains("aucune référente ne peut la voir"),
        "{reason}"
    );
    assert!(
        reason.contains("lieu L-01 ouvert mercredi 14:00-18:00"),
        "{reason}"
    );
}

#[test]
fn the_same_family_met_at_home_is_visited_while_the_site_is_closed() {
    // Arrange: F-0002 now meets at home.
    let (_dir, url) = imported(&["site_hours", "site_hours_home"]);

    // Act
    let (_, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    let (day, stop) = visit(&plan, "F-0002");
    assert_eq!(day.date, date("2026-12-02"));
    assert!(stop.end <= at("2026-12-02 12:00"), "{stop:?}");
    assert_eq!(stop.place, PlaceKind::Home);
}

#[test]
fn nothing_is_planned_on_new_years_day() {
    // Arrange: R-01 works Monday to Friday. F-0001 is free on Friday mornings only, F-0002 every
    // weekday; a training is in R-01's agenda on Friday 1 January 2027.
    let (_dir, url) = imported(&["holiday"]);

    // Act: the week of Monday 28 December 2026.
    let (report, plan) = plan_week(&url, "2026-W53", &[]);

    // Assert
    assert_eq!(report["public_holidays"][0][0], "2027-01-01");
    assert_eq!(report["public_holidays"][0][1], "Jour de l'an");
    let new_year = date("2027-01-01");
    assert!(plan.referents[0].days.iter().all(|d| d.date != new_year));
    assert!(visit(&plan, "F-0002").0.date < new_year);
    assert!(unmet_reason(&plan, "F-0001").is_some(), "{plan:?}");
    let unplaced = agenda_unplaced(&report);
    assert_eq!(unplaced.len(), 1, "{unplaced:?}");
    assert_eq!(unplaced[0].0, "AG-01");
    assert!(unplaced[0].1.contains("férié"), "{}", unplaced[0].1);
}

#[test]
fn in_a_week_without_holiday_the_friday_family_is_visited_on_friday() {
    // Arrange
    let (_dir, url) = imported(&["holiday"]);

    // Act: the week of Monday 30 November 2026.
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    assert_eq!(report["public_holidays"], serde_json::json!([]));
    let (day, stop) = visit(&plan, "F-0001");
    assert_eq!(day.date, date("2026-12-04"));
    assert!(stop.end <= at("2026-12-04 12:00"), "{stop:?}");
}

#[test]
fn the_agenda_keeps_its_exact_times_and_visits_go_around_it() {
    // Arrange: R-01 has a team meeting on Tuesday 1 December 09:00-10:30 at her base and a
    // visit to F-0001 fixed on Wednesday at 10:00 (F-0001 is free Monday afternoon and
    // Wednesday 09:00-12:00). F-0002 is free on Tuesday 09:00-12:00, F-0003 on Tuesday
    // 09:00-10:30 only.
    let (_dir, url) = imported(&["agenda"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert: the meeting at its time.
    assert!(agenda_unplaced(&report).is_empty(), "{report}");
    let meeting = engagement(&plan, "AG-01").expect("the meeting is in her week");
    assert_eq!(
        (meeting.start, meeting.end),
        (at("2026-12-01 09:00"), at("2026-12-01 10:30"))
    );
    // The fixed visit at its time, confirmed, and the family's only visit of the week.
    let (day, stop) = visit(&plan, "F-0001");
    assert_eq!(day.date, date("2026-12-02"));
    assert_eq!(stop.start, at("2026-12-02 10:00"));
    assert!(stop.confirmed);
    let visits_to_f0001 = plan
        .referents
        .iter()
        .flat_map(|r| &r.days)
        .flat_map(|d| &d.stops)
        .filter(|s| matches!(&s.kind, StopKind::Visit { family } if family == "F-0001"))
        .count();
    assert_eq!(visits_to_f0001, 1);
    // F-0002 after the meeting and the drive; F-0003 has no time left.
    let (day, stop) = visit(&plan, "F-0002");
    assert_eq!(day.date, date("2026-12-01"));
    assert!(
        stop.start >= meeting.end + chrono::Duration::minutes(stop.travel_minutes),
        "{stop:?}"
    );
    let reason = unmet_reason(&plan, "F-0003").expect("F-0003 is reported");
    assert!(reason.contains("créneau"), "{reason}");
}

#[test]
fn in_a_week_without_the_meeting_the_family_it_displaced_is_visited() {
    // Arrange: the agenda holds nothing in the week of Monday 7 December.
    let (_dir, url) = imported(&["agenda"]);

    // Act
    let (_, plan) = plan_week(&url, "2026-W50", &[]);

    // Assert
    let (day, stop) = visit(&plan, "F-0003");
    assert_eq!(day.date, date("2026-12-08"));
    assert!(stop.end <= at("2026-12-08 10:30"), "{stop:?}");
    assert!(!visit(&plan, "F-0001").1.confirmed);
}

#[test]
fn a_replan_after_the_meeting_moved_away_visits_the_family_it_displaced() {
    // Arrange: W49 planned with the team meeting on Tuesday 09:00-10:30, when F-0003 is free
    // (so it is left out); then the meeting moves to 15 December.
    let (_dir, url) = imported(&["agenda"]);
    let (_, before) = plan_week(&url, "2026-W49", &[]);
    assert!(unmet_reason(&before, "F-0003").is_some());
    let moved = fixture("cases/rules/agenda_moved");
    let out = parcours(&["import", moved.to_str().unwrap()], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Act
    let (report, after) = plan_week(&url, "2026-W49", &["--replan"]);

    // Assert: the freed morning goes to F-0003; what was placed stays where it was.
    assert!(engagement(&after, "AG-01").is_none());
    let (day, stop) = visit(&after, "F-0003");
    assert_eq!(day.date, date("2026-12-01"));
    assert!(stop.end <= at("2026-12-01 10:30"), "{stop:?}");
    assert_eq!(
        visit(&after, "F-0002").1.start,
        visit(&before, "F-0002").1.start
    );
    let added: Vec<&str> = report["changes"]["referents"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["added"].as_array().unwrap())
        .map(|v| v["family"].as_str().unwrap())
        .collect();
    assert_eq!(added, vec!["F-0003"], "{}", report["changes"]);
}

#[test]
fn a_fixed_visit_lasts_as_long_as_its_agenda_entry() {
    // Arrange: the visit to F-0001 fixed on Wednesday at 10:00 for 90 min (the family's visits
    // last 60 min).
    let (_dir, url) = imported(&["agenda", "agenda_long_visit"]);

    // Act
    let (_, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert
    let (_, stop) = visit(&plan, "F-0001");
    assert_eq!(
        (stop.start, stop.end),
        (at("2026-12-02 10:00"), at("2026-12-02 11:30"))
    );
}

#[test]
fn an_evening_meeting_does_not_open_her_evening_to_visits() {
    // Arrange: an EPS meeting on Tuesday 18:30-20:00, after R-01's hours (09:00-17:00);
    // F-0004 is free on Tuesday 17:15-18:15 only.
    let (_dir, url) = imported(&["agenda", "agenda_evening_eps"]);

    // Act
    let (report, plan) = plan_week(&url, "2026-W49", &[]);

    // Assert: the meeting is kept; no visit after 17:00.
    assert!(agenda_unplaced(&report).is_empty(), "{report}");
    assert_eq!(
        engagement(&plan, "AG-03").map(|s| s.start),
        Some(at("2026-12-01 18:30"))
    );
    for day in &plan.referents[0].days {
        for stop in &day.stops {
            if matches!(stop.kind, StopKind::Visit { .. }) {
                let five = day.date.and_hms_opt(17, 0, 0).unwrap();
                assert!(stop.end <= five, "{stop:?} after her hours");
            }
        }
    }
    assert!(unmet_reason(&plan, "F-0004").is_some());
    // The coordinator is told that R-01 comes back after her hours, and why.
    let late = report["outside_hours"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["referent"] == "R-01" && o["date"] == "2026-12-01")
        .unwrap_or_else(|| panic!("no day outside her hours in {report}"));
    assert_eq!(late["entries"], serde_json::json!(["AG-03"]), "{late}");
    assert_eq!(late["back"][1], "2026-12-01T17:00:00", "{late}");
}
