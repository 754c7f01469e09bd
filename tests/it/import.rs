//! Import and check through the real binary, on a real SQLite file: every bad-input case of
//! `fixtures/bad/` is rejected with a message naming file, line and column, and leaves the
//! database byte-for-byte unchanged.

use std::path::PathBuf;
use std::process::Output;

use crate::helpers::{fixture, parcours};

/// A temporary SQLite database holding the `mini` case, imported through the CLI.
struct MiniDb {
    _dir: tempfile::TempDir,
    file: PathBuf,
    url: String,
}

impl MiniDb {
    fn new() -> MiniDb {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("parcours.db");
        let url = format!("sqlite://{}", file.display());
        let out = parcours(&["import", fixture("cases/mini").to_str().unwrap()], &url);
        assert_success(&out);
        MiniDb {
            _dir: dir,
            file,
            url,
        }
    }

    /// The database's bytes, with the WAL that the closed process must have merged.
    fn bytes(&self) -> Vec<u8> {
        let wal = self.file.with_extension("db-wal");
        assert!(
            !wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0,
            "a write-ahead log was left behind"
        );
        std::fs::read(&self.file).unwrap()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `check` and `import` on `fixtures/bad/<case>` over a database holding the mini case.
fn rejects(case: &str, file: &str, line: usize, column: &str, reason: &str) {
    // Arrange
    let db = MiniDb::new();
    let before = db.bytes();
    let dir = fixture(&format!("bad/{case}"));
    assert!(dir.is_dir(), "missing fixture folder {}", dir.display());
    let located = format!("{file}, ligne {line}, colonne {column}");

    // Act
    let check = parcours(&["check", dir.to_str().unwrap()], &db.url);
    let import = parcours(&["import", dir.to_str().unwrap()], &db.url);

    // Assert
    for (what, out) in [("check", &check), ("import", &import)] {
        let text = stdout(out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{what} {case} should exit 1:\n{text}"
        );
        let hit = text
            .lines()
            .find(|l| l.contains(&located) && l.contains(reason));
        assert!(
            hit.is_some(),
            "{what} {case}: no line with « {located} » and « {reason} »:\n{text}"
        );
    }
    assert!(stdout(&import).contains("rien n'a été modifié"));
    assert_eq!(
        db.bytes(),
        before,
        "the database changed after a failed import of {case}"
    );
}

macro_rules! bad_cases {
    ($($case:ident: $file:literal, $line:literal, $column:literal, $reason:literal;)+) => {
        $(
            #[test]
            fn $case() {
                rejects(stringify!($case), $file, $line, $column, $reason);
            }
        )+

        /// Every folder of fixtures/bad has its test above, and every test its folder.
        #[test]
        fn every_bad_fixture_folder_has_a_test() {
            let mut listed = vec![$(stringify!($case)),+];
            listed.sort();
            let mut found: Vec<String> = std::fs::read_dir(fixture("bad"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            found.sort();
            assert_eq!(found, listed);
        }
    };
}

bad_cases! {
    window_end_before_start: "familles.csv", 3, "disponibilites", "finit avant de commencer";
    nonexistent_local_time: "rendez_vous_sante.csv", 2, "debut", "n'existe pas";
    ambiguous_local_time: "rendez_vous_sante.csv", 3, "debut", "existe deux fois";
    unknown_commune: "familles.csv", 4, "insee", "commune « 59999 » inconnue";
    duplicate_family_code: "familles.csv", 6, "code", "en double (déjà ligne 2)";
    child_aged_17: "enfants.csv", 3, "age", "17 ans hors du public";
    coordinates_outside_france: "familles.csv", 2, "latitude", "hors de France";
    negative_caseload: "referents.csv", 2, "charge_cible", "négatif";
    missing_column: "familles.csv", 1, "frequence", "colonne obligatoire";
    comma_separator: "communes.csv", 1, "en-tête", "virgule";
    truncated_row: "familles.csv", 4, "disponibilites", "ligne tronquée";
    empty_file: "familles.csv", 1, "en-tête", "fichier vide";
    unknown_referent: "familles.csv", 5, "referent", "famille F-0004 : référent « R-09 » inconnu";
    unknown_school: "enfants.csv", 2, "ecole", "enfant E-0001 : école « 0599999Z » inconnue";
    hour_out_of_range: "referents.csv", 3, "horaires", "n'est pas une heure valide";
    weekday_in_english: "professionnels.csv", 2, "disponibilites", "n'est pas un jour de la semaine";
    max_caseload_below_target: "referents.csv", 2, "charge_max", "inférieure à la charge cible";
    qpv_in_another_commune: "familles.csv", 2, "qpv", "est dans la commune";
    unknown_eps_member: "eps.csv", 2, "membres", "EPS EPS-01 : professionnel·le « P-99 »";
    impossible_date: "familles.csv", 2, "derniere_visite", "n'est pas une date valide";
    unknown_agenda_referent: "agenda.csv", 3, "referent", "engagement AG-02 : référent « R-09 » inconnu";
    visit_without_family: "agenda.csv", 4, "famille", "doit nommer la famille visitée";
    overlapping_agenda_entries: "agenda.csv", 6, "debut", "engagement AG-05 (mardi 01/12/2026 10:00–10:45) : chevauche l'engagement AG-01";
    nonexistent_agenda_local_time: "agenda.csv", 6, "debut", "n'existe pas";
    visit_by_another_referent: "agenda.csv", 4, "referent", "la famille F-0001 est suivie par R-01, pas par R-02";
    family_on_a_team_meeting: "agenda.csv", 2, "famille", "seule une visite (type visite) nomme une famille";
    site_on_a_visit: "agenda.csv", 4, "lieu", "laissez lieu vide";
    agenda_duration_out_of_range: "agenda.csv", 6, "duree_min", "hors de 5 à 600 min";
    pinned_referent_without_referent: "familles.csv", 7, "referent_fixe", "référent fixé sans référent";
    insee_not_five_digits: "communes.csv", 2, "insee", "« douze » n'est pas un code INSEE";
    code_of_another_kind: "familles.csv", 2, "code", "le code R-01 est déjà celui d'un référent";
    last_visit_in_the_future: "familles.csv", 2, "derniere_visite", "est dans le futur";
    school_holidays_resuming_before_they_start: "vacances_scolaires.csv", 5, "reprise", "la reprise des cours (2027-02-08) doit venir après le premier jour de vacances (2027-02-20)";
    overlapping_school_holidays: "vacances_scolaires.csv", 7, "debut", "zone B : « Pont de l'Ascension » (du 2027-05-07 à la reprise du 2027-05-10) chevauche « Vacances de printemps » (ligne 6";
    unknown_school_zone: "territoire.csv", 2, "zone", "« D » n'est pas une zone de vacances scolaires (A, B ou C)";
    public_holiday_twice: "jours_feries.csv", 12, "date", "le 2026-11-11 est déjà un jour férié de ce fichier (ligne 11)";
    required_member_not_a_member: "eps.csv", 2, "requis", "EPS EPS-01 : « P-04 » est requis·e mais ne fait pas partie des membres";
    unknown_eps_referent: "eps.csv", 2, "referents", "EPS EPS-01 : référent « R-07 » inconnu";
    unavailability_unknown_person: "indisponibilites.csv", 3, "personne", "indisponibilité IND-02 : personne « R-09 » inconnue";
    unavailability_ending_before_start: "indisponibilites.csv", 4, "fin", "indisponibilité IND-03 : la fin (01/02/2027 inclus) ne vient pas après le début (19/02/2027)";
    orientation_unknown_child: "orientations.csv", 3, "enfant", "orientation de E-0099 vers AT-01 : enfant « E-0099 » inconnu";
    orientation_unknown_workshop: "orientations.csv", 2, "atelier", "orientation de E-0002 vers AT-09 : atelier « AT-09 » inconnu";
    orientation_twice: "orientations.csv", 4, "atelier", "en double (déjà ligne 2)";
    orientation_impossible_date: "orientations.csv", 2, "date", "n'est pas une date valide";
    workshop_distance_out_of_range: "ateliers.csv", 3, "distance_max_km", "une distance de 80 km n'est pas plausible (1 à 50 km)";
    free_time_unknown_level: "temps_libre.csv", 3, "niveau", "n'est pas un niveau de temps libre";
}

#[test]
fn the_mini_case_checks_valid_and_imports_then_reimports_unchanged() {
    let db = MiniDb::new();
    let mini = fixture("cases/mini");
    let check = parcours(&["check", mini.to_str().unwrap()], &db.url);
    assert_success(&check);
    let again = parcours(&["import", mini.to_str().unwrap()], &db.url);
    assert_success(&again);
    let text = stdout(&again);
    let total = text
        .lines()
        .find(|l| l.trim_start().starts_with("total"))
        .unwrap();
    assert!(
        total.contains(" 0 ajouté(s)") && total.contains(" 0 modifié(s)"),
        "{total}"
    );
}

#[test]
fn the_mini_eps_school_year_and_unavailabilities_load_back_as_written() {
    // Arrange, Act: mini imported through the CLI, read back from the database.
    let db = MiniDb::new();
    let t = crate::helpers::load(&db.url);

    // Assert
    let code = |c: &str| parcours::domain::Code::parse(c).unwrap();
    let eps = &t.eps[0];
    assert_eq!(eps.required, vec![code("P-01")]);
    assert_eq!(
        eps.invited().collect::<Vec<_>>(),
        vec![&code("P-02"), &code("P-03")]
    );
    assert_eq!((eps.meetings_per_year, eps.meeting_minutes), (4, 90));
    assert_eq!(eps.referents, vec![code("R-01")]);
    assert_eq!(eps.alternative_sites, vec![code("L-02")]);
    assert_eq!((eps.hours.as_ref(), eps.min_spacing_days), (None, None));
    assert_eq!(t.coordinators[0].site, Some(code("L-01")));
    let shown: Vec<String> = t
        .unavailabilities
        .iter()
        .map(|u| {
            let at = |i| parcours::domain::to_paris(i).format("%Y-%m-%d %H:%M");
            format!("{} {} {} {}", u.code, u.person, at(u.from), at(u.to))
        })
        .collect();
    // By person, then start: a date alone is the whole day, `fin` included.
    assert_eq!(
        shown,
        [
            "IND-04 C-01 2027-03-15 00:00 2027-03-20 00:00",
            "IND-03 L-02 2027-02-01 00:00 2027-02-20 00:00",
            "IND-01 P-02 2026-12-08 00:00 2026-12-09 00:00",
            "IND-02 R-01 2027-01-12 09:00 2027-01-12 12:30",
        ]
    );
    assert_eq!(t.unavailabilities[0].reason.as_deref(), Some("congé"));
}

#[test]
fn a_windows_1252_file_with_accents_imports_with_its_accents() {
    let db = MiniDb::new();
    let dir = fixture("cases/windows_1252");
    let raw = std::fs::read(dir.join("lieux.csv")).unwrap();
    assert!(
        std::str::from_utf8(&raw).is_err(),
        "the fixture must really be Windows-1252"
    );
    let out = parcours(&["import", dir.to_str().unwrap()], &db.url);
    assert_success(&out);
    assert!(
        stdout(&out).contains("lieux.csv (Windows-1252)"),
        "{}",
        stdout(&out)
    );
    let territory = crate::helpers::load(&db.url);
    let names: Vec<&str> = territory.sites.iter().map(|s| s.name.as_str()).collect();
    assert!(
        names.contains(&"Médiathèque Jérôme-Bosch de Valenciennes"),
        "{names:?}"
    );
}

#[test]
fn an_extra_unknown_column_is_a_warning_naming_it_and_the_import_succeeds() {
    let db = MiniDb::new();
    let dir = fixture("cases/extra_column");
    let out = parcours(&["import", dir.to_str().unwrap()], &db.url);
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.contains("familles.csv, ligne 1, colonne commentaire")
                && l.contains("ignorée")),
        "{text}"
    );
}

#[test]
fn the_reference_territory_checks_valid() {
    let out = parcours(
        &["check", fixture("territory").to_str().unwrap()],
        "sqlite::memory:",
    );
    assert_success(&out);
}

#[test]
fn a_partial_folder_updates_one_family_and_reports_it() {
    // Arrange: the mini case, then a folder with only familles.csv where F-0001's visit lasts 90 min.
    let db = MiniDb::new();
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("cases/mini/familles.csv")).unwrap();
    let changed = change_cell(&text, "F-0001", "duree_visite_min", "90");
    std::fs::write(tmp.path().join("familles.csv"), changed).unwrap();

    // Act
    let out = parcours(&["import", tmp.path().to_str().unwrap()], &db.url);

    // Assert
    assert_success(&out);
    let line = stdout(&out)
        .lines()
        .find(|l| l.trim_start().starts_with("familles.csv "))
        .unwrap()
        .to_owned();
    assert!(
        line.contains(" 1 modifié(s)") && line.contains(" 0 ajouté(s)"),
        "{line}"
    );
    let territory = crate::helpers::load(&db.url);
    let f = territory
        .families
        .iter()
        .find(|f| f.code.as_str() == "F-0001")
        .unwrap();
    assert_eq!(f.visit_minutes, 90);
}

/// Replaces one cell of a `;` CSV, by row code and column name.
fn change_cell(text: &str, code: &str, column: &str, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(';').collect();
    let col = header.iter().position(|h| *h == column).unwrap();
    for line in lines.iter_mut().skip(1) {
        let mut cells: Vec<String> = line.split(';').map(str::to_owned).collect();
        if cells[0] == code {
            cells[col] = value.to_owned();
            *line = cells.join(";");
        }
    }
    lines.join("\n") + "\n"
}

#[test]
fn an_excel_unicode_text_file_in_utf16_with_tabs_imports_with_its_accents() {
    // Arrange
    let db = MiniDb::new();
    let dir = fixture("cases/utf16_unicode_text");
    let raw = std::fs::read(dir.join("lieux.csv")).unwrap();
    assert_eq!(
        raw[..2],
        [0xFF, 0xFE],
        "the fixture must really be UTF-16LE"
    );

    // Act
    let out = parcours(&["import", dir.to_str().unwrap()], &db.url);

    // Assert
    assert_success(&out);
    assert!(
        !stdout(&out).contains("colonne inconnue"),
        "{}",
        stdout(&out)
    );
    let territory = crate::helpers::load(&db.url);
    let site = territory
        .sites
        .iter()
        .find(|s| s.code.as_str() == "L-04")
        .expect("L-04 imported");
    assert_eq!(site.name, "Maison de quartier Émile-Zola à Valenciennes");
}

#[test]
fn excel_trailing_empty_columns_are_ignored_without_a_warning() {
    // Arrange
    let db = MiniDb::new();
    let dir = fixture("cases/excel_trailing_columns");

    // Act
    let out = parcours(&["import", dir.to_str().unwrap()], &db.url);

    // Assert: the same families as mini, nothing changed, nothing to warn of but mini's own
    // F-0006, whom nobody can visit.
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        !text
            .lines()
            .any(|l| l.contains("colonne") && !l.contains("famille F-0006 : aucune référente")),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("familles.csv "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains(" 0 ajouté(s)") && line.contains(" 0 modifié(s)"),
        "{line}"
    );
}
