//! `parcours demo` and the reference territory, as a new user meets them.

use crate::helpers::parcours_in;

#[test]
fn the_demo_in_an_empty_directory_creates_the_database_and_prints_the_summary() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();

    // Act: little search work, as a debug build is slow (the figures are not checked here).
    let quick = ["demo", "--work-time", "0.05"];
    let out = parcours_in(dir.path(), &quick, None);

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
    // Then eight weeks beside today's practice.
    let (_, weeks) = week
        .split_once("8 semaines simulées")
        .unwrap_or_else(|| panic!("the demo simulates no weeks:\n{week}"));
    for expected in [
        "pratique actuelle",
        "Parcours",
        "dans la tolérance",
        "familles sans visite plus de 2 intervalles",
        "dont faute d'heures quand elles sont libres",
        "trajet par visite",
        "Parcours planifie chaque semaine avec la suivante",
    ] {
        assert!(
            weeks.contains(expected),
            "missing « {expected} » in:\n{weeks}"
        );
    }

    // Running it again re-imports nothing new.
    let again = parcours_in(dir.path(), &quick, None);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success());
    assert!(
        text.contains("Import : 0 enregistrements ajoutés, 0 modifiés"),
        "{text}"
    );
    // The web app's sign-ins, with passwords renewed at each demo, that open a session.
    let password_of = |text: &str, login: &str| {
        let at = text
            .find(&format!("identifiant « {login} », mot de passe « "))
            .unwrap_or_else(|| panic!("no sign-in {login} in:\n{text}"));
        let rest = &text[at..];
        let start = rest.find("mot de passe « ").unwrap() + "mot de passe « ".len();
        rest[start..start + rest[start..].find(" »").unwrap()].to_owned()
    };
    let first = password_of(&String::from_utf8_lossy(&out.stdout), "coordination");
    let second = password_of(&text, "coordination");
    assert_ne!(first, second, "renewed at each demo");
    let url = format!("sqlite://{}", dir.path().join("parcours.db").display());
    let referent = password_of(&text, "referente");
    crate::helpers::on_store(&url, |store| async move {
        for (login, password, person) in [
            ("coordination", second.as_str(), "C-01"),
            ("referente", referent.as_str(), "R-01"),
        ] {
            let found = store
                .login_named(login)
                .await
                .unwrap()
                .expect("a demo sign-in");
            assert_eq!(found.person.as_str(), person);
            assert!(parcours::http::password::verify(
                password,
                &found.password_hash
            ));
            if login == "coordination" {
                assert!(!parcours::http::password::verify(
                    &first,
                    &found.password_hash
                ));
            }
        }
        // The eight weeks are kept for the week page, on the data as they are.
        let week = parcours::planning::IsoWeek::parse("2026-W49").unwrap();
        let territory = store.load_territory().await.unwrap();
        let travel = store.load_travel_overrides().await.unwrap();
        let digest = parcours::report::horizon::inputs_digest(&territory, &travel);
        let (current, body) = store
            .horizon_figures(week, &digest)
            .await
            .unwrap()
            .expect("the demo keeps its eight weeks");
        assert!(current);
        let kept: parcours::report::horizon::StoredHorizon = serde_json::from_str(&body).unwrap();
        assert_eq!(kept.figures.parcours.weeks, 8);
        assert!(kept.figures.today.visits > 0);
    });
}

#[test]
fn parcours_help_lists_what_a_team_runs_and_no_developer_tool() {
    let dir = tempfile::tempdir().unwrap();

    let out = parcours_in(dir.path(), &["--help"], None);

    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for command in [
        "serve", "import", "check", "demo", "plan", "publish", "export", "feed",
    ] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(command)),
            "missing {command} in:\n{text}"
        );
    }
    for command in ["bench", "fixtures"] {
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with(command)),
            "{command} is a developer tool (parcours-dev), not a team's command:\n{text}"
        );
    }
}
