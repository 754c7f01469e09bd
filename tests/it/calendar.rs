//! The calendar is imported data (issue 14): a PRE in zone C sees its own school holidays, the
//! reference territory plans a week of 2028, and a week beyond the imported calendar is refused
//! with a French message naming the days it lacks.

use serde_json::Value;

use crate::helpers::{fixture, parcours};

/// Enough rota iterations for a plan in a debug build, and a deterministic one.
const ITERATIONS: &str = "2000";

/// A fresh database holding `fixtures/<folder>`.
fn imported(folder: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("calendar.db").display());
    let out = parcours(&["import", fixture(folder).to_str().unwrap()], &url);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, url)
}

/// The JSON report of `parcours plan --week <week>`.
fn planned(url: &str, week: &str) -> Value {
    let out = parcours(
        &["plan", "--week", week, "--json", "--iterations", ITERATIONS],
        url,
    );
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("plan --json prints JSON")
}

/// What `parcours plan --week <week>` says on its error stream, having failed with exit 1.
fn refused(url: &str, week: &str) -> String {
    let out = parcours(&["plan", "--week", week, "--quiet"], url);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    err
}

#[test]
fn in_zone_c_its_winter_holidays_make_a_holiday_week_and_zone_bs_do_not() {
    // Arrange: Montauban (zone C). Winter holidays 2027: zone C 6–21 February, zone B
    // 20 February – 7 March.
    let (_dir, url) = imported("cases/zone_c");

    // Act
    let in_c = planned(&url, "2027-W06");
    let in_b_only = planned(&url, "2027-W09");

    // Assert
    assert_eq!(in_c["school_holidays"], "Vacances d'hiver", "{in_c}");
    assert_eq!(in_b_only["school_holidays"], Value::Null, "{in_b_only}");
    assert!(
        in_b_only["plan"]["visits_placed"].as_u64().unwrap() > 0,
        "{in_b_only}"
    );
}

#[test]
fn a_week_after_the_imported_calendar_is_refused_naming_the_days_it_lacks() {
    // Arrange: zone_c's school holidays stop with the summer of 2027 (classes resume on
    // 1 September); its public holidays with 2027.
    let (_dir, url) = imported("cases/zone_c");

    // Act
    let september = refused(&url, "2027-W36");
    let new_year = refused(&url, "2027-W52");

    // Assert
    assert!(
        september.contains(
            "2027-W36, semaine : le calendrier importé ne couvre pas du 2027-09-06 au 2027-09-12 \
             : importer les vacances scolaires de la zone C de cette période \
             (vacances_scolaires.csv ne les donne que du 2026-07-04 au 2027-08-31)"
        ),
        "{september}"
    );
    assert!(
        new_year.contains(
            "le calendrier importé ne couvre pas du 2027-12-27 au 2028-01-02 : importer les \
             jours fériés de 2028 (jours_feries.csv) et les vacances scolaires de la zone C"
        ),
        "{new_year}"
    );
    // Nothing was stored: there is no plan to export.
    let export = parcours(
        &["export", "--week", "2027-W36", "--out", "/nonexistent"],
        &url,
    );
    assert_eq!(export.status.code(), Some(1), "a plan was stored");
}

#[test]
fn the_reference_territory_plans_a_week_of_2028_and_knows_its_winter_holidays() {
    // Arrange: the demo's territory, whose calendar goes to the summer of 2028.
    let (_dir, url) = imported("territory");

    // Act
    let march = planned(&url, "2028-W10");
    let after_summer = refused(&url, "2028-W35");

    // Assert
    assert_eq!(march["school_holidays"], Value::Null, "{march}");
    assert!(
        march["plan"]["visits_placed"].as_u64().unwrap() > 0,
        "{march}"
    );
    assert!(
        after_summer.contains("le calendrier importé ne couvre pas du 2028-09-01 au 2028-09-03"),
        "{after_summer}"
    );
}
