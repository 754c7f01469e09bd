//! `parcours demo` and the reference territory, as a new user meets them.

use crate::helpers::{fixture, parcours_in};

#[test]
fn the_demo_in_an_empty_directory_creates_the_database_and_prints_the_summary() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();

    // Act
    let out = parcours_in(dir.path(), &["demo"], None);

    // Assert
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.path().join("parcours.db").is_file(),
        "parcours.db was not created"
    );
    for expected in [
        "Charge par référent",
        "Déséquilibre",
        "Familles par commune",
        "Valenciennes",
        "Temps de route hebdomadaire estimé de l'affectation actuelle",
        "Et ensuite",
    ] {
        assert!(
            text.contains(expected),
            "missing « {expected} » in:\n{text}"
        );
    }
    // Six référents, each on her own line with her caseload, then the planned week beside
    // today's practice.
    let (summary, week) = text
        .split_once("Planification de la semaine 2026-W49")
        .unwrap_or_else(|| panic!("the demo plans no week:\n{text}"));
    assert_eq!(
        summary
            .lines()
            .filter(|l| l.trim_start().starts_with("R-0"))
            .count(),
        6,
        "{text}"
    );
    for expected in ["Visites placées", "pratique actuelle", "Économie de trajet"] {
        assert!(
            week.contains(expected),
            "missing « {expected} » in:\n{week}"
        );
    }

    // Running it again re-imports nothing new.
    let again = parcours_in(dir.path(), &["demo"], None);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success());
    assert!(
        text.contains("Import : 0 enregistrements ajoutés, 0 modifiés"),
        "{text}"
    );
}

#[test]
fn the_committed_reference_territory_is_what_the_generator_writes_for_seed_67() {
    let files = parcours::fixtures::generate(67);
    for f in &files {
        let committed = std::fs::read_to_string(fixture("territory").join(f.name))
            .unwrap_or_else(|e| panic!("fixtures/territory/{}: {e}", f.name));
        assert!(
            committed == f.contents,
            "fixtures/territory/{} differs from the generator's output: run `parcours fixtures generate --seed 67 --out fixtures/territory`",
            f.name
        );
    }
    // The calendar is real data, committed beside the generated files, not generated.
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture("territory"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".csv"))
        .collect();
    on_disk.sort();
    let mut expected: Vec<String> = files
        .iter()
        .map(|f| f.name)
        .chain(parcours::domain::files::CALENDAR_FILES)
        .map(str::to_owned)
        .collect();
    expected.sort();
    assert_eq!(
        on_disk, expected,
        "stray or missing CSV files in fixtures/territory"
    );
}
