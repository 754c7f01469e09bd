//! `parcours-dev fixtures generate`, as the CI runs it: the committed reference territory is
//! what the generator writes for seed 67, byte for byte, and nothing else.

use crate::{fixture, parcours_dev_in};

#[test]
fn the_committed_reference_territory_is_what_the_generator_writes_for_seed_67() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("territory");

    // Act
    let run = parcours_dev_in(
        dir.path(),
        &[
            "fixtures",
            "generate",
            "--seed",
            "67",
            "--out",
            out.to_str().unwrap(),
        ],
    );

    // Assert
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let files = parcours_dev::fixtures::generate(67);
    assert!(
        stdout.contains(&format!("{} fichiers", files.len())),
        "{stdout}"
    );
    for f in &files {
        let written = std::fs::read_to_string(out.join(f.name)).unwrap();
        assert!(
            written == f.contents,
            "{} is not the generator's output",
            f.name
        );
        let committed = std::fs::read_to_string(fixture("territory").join(f.name))
            .unwrap_or_else(|e| panic!("fixtures/territory/{}: {e}", f.name));
        assert!(
            committed == written,
            "fixtures/territory/{} differs from the generator's output: run `cargo run -p parcours-dev -- fixtures generate --seed 67 --out fixtures/territory`",
            f.name
        );
    }
    let on_disk = std::fs::read_dir(fixture("territory"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "csv")
        })
        .count();
    // The calendar is real data committed beside the generated files, not generated.
    assert_eq!(
        on_disk,
        files.len() + parcours::domain::files::CALENDAR_FILES.len(),
        "stray or missing CSV files in fixtures/territory"
    );
}
