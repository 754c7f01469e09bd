//! The store contract: the same cases on SQLite (always) and on PostgreSQL (when
//! `PARCOURS_TEST_POSTGRES_URL` names a server where the tests may create databases). Each case
//! gets a fresh database, dropped afterwards.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use parcours::domain::{AgendaEntry, AgendaKind, Code, Role, Territory, WeeklyAvailability};
use parcours::feeds::ics::EventStatus;
use parcours::feeds::token;
use parcours::import::{Source, validate};
use parcours::planning::{
    DayRoute, IsoWeek, PlaceKind, PlanKind, PlanMethod, ReferentWeek, Stop, StopKind, WeekPlan,
};
use parcours::store::{ApiUser, Feed, Publication, Store, StoreError, TravelOverride};
use sqlx::AssertSqlSafe;

/// The reference territory (`fixtures/territory`), validated, as the batch an import would
/// write.
fn reference() -> (Territory, Vec<TravelOverride>) {
    let source = Source::from_dir(&crate::helpers::fixture("territory")).unwrap();
    let validation = validate(&source, &Territory::default(), parcours::reference::MONDAY);
    assert!(validation.is_valid(), "{:?}", validation.errors.first());
    (validation.batch().clone(), validation.travel().to_vec())
}

/// The territory sorted as the store returns it: every list by code.
fn sorted(mut t: Territory) -> Territory {
    t.communes.sort_by(|a, b| a.insee.cmp(&b.insee));
    t.qpvs.sort_by(|a, b| a.code.cmp(&b.code));
    t.schools.sort_by(|a, b| a.code.cmp(&b.code));
    t.sites.sort_by(|a, b| a.code.cmp(&b.code));
    t.coordinators.sort_by(|a, b| a.code.cmp(&b.code));
    t.referents.sort_by(|a, b| a.code.cmp(&b.code));
    t.families.sort_by(|a, b| a.code.cmp(&b.code));
    t.children.sort_by(|a, b| a.code.cmp(&b.code));
    t.professionals.sort_by(|a, b| a.code.cmp(&b.code));
    t.eps.sort_by(|a, b| a.code.cmp(&b.code));
    t.workshops.sort_by(|a, b| a.code.cmp(&b.code));
    t.appointments.sort_by(|a, b| a.code.cmp(&b.code));
    t.drivers.sort_by(|a, b| a.code.cmp(&b.code));
    t.vehicles.sort_by(|a, b| a.code.cmp(&b.code));
    t.agenda.sort_by(|a, b| a.code.cmp(&b.code));
    t.unavailabilities
        .sort_by(|a, b| (&a.person, a.from, &a.code).cmp(&(&b.person, b.from, &b.code)));
    t
}

fn code(text: &str) -> Code {
    Code::parse(text).unwrap()
}

/// Row counts of every table, to show that a failed write left the database as it was.
async fn table_counts(store: &Store) -> Vec<(&'static str, u64)> {
    store.counts().await.unwrap()
}

async fn migrations_run_twice_and_create_every_table(store: Store) {
    // Arrange: `with_store` has migrated once.

    // Act
    store.migrate().await.unwrap();

    // Assert
    let counts = table_counts(&store).await;
    assert_eq!(counts.len(), 36, "{counts:?}");
    assert!(counts.iter().all(|(_, n)| *n == 0), "{counts:?}");
    assert_eq!(store.load_territory().await.unwrap(), Territory::default());
}

async fn the_reference_territory_loads_back_exactly_as_imported(store: Store) {
    // Arrange
    let (batch, travel) = reference();

    // Act
    let counts = store.apply_import(&batch, &travel).await.unwrap();
    let loaded = store.load_territory().await.unwrap();

    // Assert: agenda entries of every kind and fixed référents are part of what comes back.
    let families = u32::try_from(batch.families.len()).unwrap();
    assert_eq!(counts.get("familles.csv").unwrap().added, families);
    let entries = u32::try_from(batch.agenda.len()).unwrap();
    assert_eq!(counts.get("agenda.csv").unwrap().added, entries);
    assert!(loaded.families.iter().any(|f| f.referent_pinned));
    assert!(loaded.agenda.iter().any(|e| e.family.is_some()));
    assert!(loaded.agenda.iter().any(|e| e.site.is_some()));
    assert!(
        loaded
            .agenda
            .iter()
            .any(|e| e.site.is_none() && e.family.is_none())
    );
    // The EPS's school year: who is required and who invited, who attends, where else, when,
    // how often and how far apart; the coordinators' offices; the unavailabilities.
    let unavailabilities = u32::try_from(batch.unavailabilities.len()).unwrap();
    assert!(unavailabilities >= 25, "{unavailabilities}");
    assert_eq!(
        counts.get("indisponibilites.csv").unwrap().added,
        unavailabilities
    );
    let eps = &loaded.eps;
    assert!(
        eps.iter()
            .all(|e| !e.required.is_empty() && !e.referents.is_empty())
    );
    assert!(eps.iter().all(|e| e.invited().next().is_some()));
    assert!(eps.iter().any(|e| e.hours.is_some()));
    assert!(eps.iter().any(|e| e.min_spacing_days.is_some()));
    assert!(eps.iter().any(|e| e.meetings_per_year != 4));
    assert!(eps.iter().any(|e| e.meeting_minutes != 120));
    assert!(eps.iter().any(|e| e.alternative_sites.len() == 2));
    assert!(loaded.coordinators.iter().all(|c| c.site.is_some()));
    assert!(loaded.unavailabilities.iter().any(|u| u.reason.is_some()));
    // The workshops' year: who each gathers and how far, the orientations, the free time.
    let orientations = u32::try_from(batch.orientations.len()).unwrap();
    assert!(orientations >= 300, "{orientations}");
    assert_eq!(counts.get("orientations.csv").unwrap().added, orientations);
    assert_eq!(counts.get("temps_libre.csv").unwrap().added, 4);
    assert!(loaded.orientations.iter().any(|o| o.priority));
    assert!(
        loaded
            .workshops
            .iter()
            .any(|w| w.audience == parcours::domain::WorkshopAudience::Parents)
    );
    assert!(loaded.workshops.iter().any(|w| w.max_distance_km.is_some()));
    assert_eq!(counts.total().updated, 0);
    assert_eq!(loaded, sorted(batch));
}

async fn orientations_and_free_time_are_upserted_by_their_key(store: Store) {
    // Arrange: the reference territory stored; one orientation re-dated and made priority, one
    // new, collège's free time changed, a child given her own.
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    let mut redated = batch.orientations[0].clone();
    redated.date = chrono::NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
    redated.priority = !redated.priority;
    let taken: Vec<(&Code, &Code)> = batch
        .orientations
        .iter()
        .map(|o| (&o.child, &o.workshop))
        .collect();
    let child = batch
        .children
        .iter()
        .find(|c| !taken.contains(&(&c.code, &batch.workshops[0].code)))
        .unwrap();
    let new = parcours::domain::Orientation {
        child: child.code.clone(),
        workshop: batch.workshops[0].code.clone(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        priority: false,
        by: parcours::domain::OrientationSource::Referent,
    };
    let mut college = batch
        .free_time
        .iter()
        .find(|f| f.level == parcours::domain::FreeTimeLevel::Secondary)
        .unwrap()
        .clone();
    college.school_weeks = WeeklyAvailability::parse("mercredi 14:00-18:00").unwrap();
    let mut own = child.clone();
    own.free_time = Some(WeeklyAvailability::parse("samedi 09:00-12:00").unwrap());
    let update = Territory {
        orientations: vec![redated.clone(), new.clone()],
        free_time: vec![college.clone()],
        children: vec![own.clone()],
        ..Territory::default()
    };

    // Act
    let counts = store.apply_import(&update, &[]).await.unwrap();

    // Assert
    let o = counts.get("orientations.csv").unwrap();
    assert_eq!((o.added, o.updated), (1, 1));
    assert_eq!(counts.get("temps_libre.csv").unwrap().updated, 1);
    let loaded = store.load_territory().await.unwrap();
    assert_eq!(loaded.orientations.len(), batch.orientations.len() + 1);
    assert!(loaded.orientations.contains(&redated) && loaded.orientations.contains(&new));
    assert!(loaded.free_time.contains(&college));
    let back = loaded.children.iter().find(|c| c.code == own.code).unwrap();
    assert_eq!(back, &own);
    assert_eq!(
        loaded.free_time_of(back).0.to_string(),
        "samedi 09:00-12:00"
    );

    // An orientation to an unknown workshop is refused and nothing is written.
    let before = table_counts(&store).await;
    let mut stranger = new.clone();
    stranger.workshop = code("FA-99");
    let bad = Territory {
        orientations: vec![stranger],
        ..Territory::default()
    };
    let err = store.apply_import(&bad, &[]).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::UnknownReference { table: "orientation", field: "atelier", target, .. } if target == "FA-99"),
        "{err:?}"
    );
    assert_eq!(table_counts(&store).await, before);
}

async fn eps_year_fields_coordinator_sites_and_unavailabilities_are_updated_by_code(store: Store) {
    // Arrange
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    let mut eps = batch.eps[0].clone();
    eps.required = vec![eps.members[0].clone()];
    eps.referents = vec![batch.referents.last().unwrap().code.clone()];
    // Another order of preference: kept as given.
    eps.alternative_sites = vec![batch.sites[11].code.clone(), batch.sites[7].code.clone()];
    eps.hours = Some(parcours::domain::WeeklyAvailability::parse("mercredi 09:00-12:30").unwrap());
    eps.meetings_per_year = 5;
    eps.meeting_minutes = 90;
    eps.min_spacing_days = Some(42);
    let mut coordinator = batch.coordinators[0].clone();
    coordinator.site = None;
    let mut moved = batch.unavailabilities[0].clone();
    moved.from += chrono::Duration::days(1);
    moved.to += chrono::Duration::days(1);
    moved.reason = None;
    let closed = parcours::domain::Unavailability {
        code: code("IND-900"),
        person: batch.sites[0].code.clone(),
        from: "2027-06-06T22:00:00Z".parse().unwrap(),
        to: "2027-06-13T22:00:00Z".parse().unwrap(),
        reason: Some("travaux".to_owned()),
    };
    let partial = Territory {
        coordinators: vec![coordinator.clone()],
        eps: vec![eps.clone()],
        unavailabilities: vec![moved.clone(), closed.clone()],
        ..Territory::default()
    };

    // Act
    let counts = store.apply_import(&partial, &[]).await.unwrap();

    // Assert
    assert_eq!(counts.get("eps.csv").unwrap().updated, 1);
    assert_eq!(counts.get("coordinateurs.csv").unwrap().updated, 1);
    let c = counts.get("indisponibilites.csv").unwrap();
    assert_eq!((c.added, c.updated, c.unchanged), (1, 1, 0));
    let loaded = store.load_territory().await.unwrap();
    let find_eps = loaded.eps.iter().find(|e| e.code == eps.code).unwrap();
    assert_eq!(find_eps, &eps);
    assert_eq!(find_eps.invited().count(), eps.members.len() - 1);
    let find_coordinator = loaded
        .coordinators
        .iter()
        .find(|c| c.code == coordinator.code)
        .unwrap();
    assert_eq!(find_coordinator, &coordinator);
    assert_eq!(
        loaded.unavailabilities.len(),
        batch.unavailabilities.len() + 1,
        "none is deleted"
    );
    let find = |c: &Code| {
        loaded
            .unavailabilities
            .iter()
            .find(|u| &u.code == c)
            .unwrap()
    };
    assert_eq!(find(&moved.code), &moved);
    assert_eq!(find(&closed.code), &closed);
    let mut order = loaded.unavailabilities.clone();
    order.sort_by(|a, b| (&a.person, a.from, &a.code).cmp(&(&b.person, b.from, &b.code)));
    assert_eq!(order, loaded.unavailabilities, "by person, then start");
}

async fn an_unavailability_of_nobody_is_refused_and_nothing_is_written(store: Store) {
    // Arrange
    let (mut batch, travel) = reference();
    batch.unavailabilities[0].person = code("P-999");
    let before = table_counts(&store).await;

    // Act
    let result = store.apply_import(&batch, &travel).await;

    // Assert
    let err = result.unwrap_err();
    assert!(
        matches!(&err, StoreError::UnknownReference { table: "unavailability", field: "personne", target, .. } if target == "P-999"),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("indisponibilité"), "{err}");
    assert_eq!(table_counts(&store).await, before);
}

async fn importing_the_same_batch_again_writes_nothing(store: Store) {
    // Arrange
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();

    // Act
    let again = store.apply_import(&batch, &travel).await.unwrap();

    // Assert
    let total = again.total();
    assert_eq!((total.added, total.updated), (0, 0), "{again:?}");
    assert!(total.unchanged > 1000, "{again:?}");
}

async fn a_changed_record_is_updated_and_records_left_out_are_kept(store: Store) {
    // Arrange
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    let mut family = batch.families[0].clone();
    family.visit_minutes += 15;
    family.referent = None;
    family.referent_pinned = false;
    let partial = Territory {
        families: vec![family.clone()],
        ..Territory::default()
    };

    // Act
    let counts = store.apply_import(&partial, &[]).await.unwrap();

    // Assert
    let c = counts.get("familles.csv").unwrap();
    assert_eq!((c.added, c.updated, c.unchanged), (0, 1, 0));
    let loaded = store.load_territory().await.unwrap();
    assert_eq!(loaded.families.len(), batch.families.len());
    assert_eq!(loaded.children.len(), batch.children.len());
    let stored = loaded
        .families
        .iter()
        .find(|f| f.code == family.code)
        .unwrap();
    assert_eq!(stored, &family);
}

async fn list_members_are_replaced_in_their_new_order(store: Store) {
    // Arrange
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    let mut eps = batch.eps[0].clone();
    eps.members.reverse();
    eps.members.pop();

    // Act
    let partial = Territory {
        eps: vec![eps.clone()],
        ..Territory::default()
    };
    let counts = store.apply_import(&partial, &[]).await.unwrap();

    // Assert
    assert_eq!(counts.get("eps.csv").unwrap().updated, 1);
    let loaded = store.load_territory().await.unwrap();
    assert_eq!(
        loaded
            .eps
            .iter()
            .find(|e| e.code == eps.code)
            .unwrap()
            .members,
        eps.members
    );
}

async fn an_unknown_reference_is_refused_and_nothing_is_written(store: Store) {
    // Arrange: a valid territory whose last vehicle names a driver that exists nowhere.
    let (mut batch, travel) = reference();
    batch.vehicles.last_mut().unwrap().driver = Some(code("CH-99"));
    let before = table_counts(&store).await;

    // Act
    let result = store.apply_import(&batch, &travel).await;

    // Assert
    let err = result.unwrap_err();
    assert!(
        matches!(&err, StoreError::UnknownReference { field: "chauffeur", target, .. } if target == "CH-99"),
        "{err:?}"
    );
    assert!(err.to_string().contains("CH-99"), "{err}");
    assert_eq!(table_counts(&store).await, before);
}

async fn a_code_twice_in_one_batch_is_a_conflict_and_nothing_is_written(store: Store) {
    // Arrange
    let (mut batch, travel) = reference();
    let twin = batch.children[3].clone();
    batch.children.push(twin);
    let before = table_counts(&store).await;

    // Act
    let result = store.apply_import(&batch, &travel).await;

    // Assert
    assert!(
        matches!(result, Err(StoreError::Conflict { table: "child", .. })),
        "{result:?}"
    );
    assert_eq!(table_counts(&store).await, before);
}

async fn travel_times_are_upserted_by_pair(store: Store) {
    // Arrange
    let (batch, _) = reference();
    store.apply_import(&batch, &[]).await.unwrap();
    let (a, b) = (
        batch.communes[0].insee.clone(),
        batch.communes[1].insee.clone(),
    );
    let leg = |minutes| TravelOverride {
        from: a.clone(),
        to: b.clone(),
        minutes,
        metres: 9_000,
    };
    let back = TravelOverride {
        from: b.clone(),
        to: a.clone(),
        minutes: 14,
        metres: 9_100,
    };
    store
        .apply_import(&Territory::default(), &[leg(12), back.clone()])
        .await
        .unwrap();

    // Act
    let counts = store
        .apply_import(&Territory::default(), &[leg(15), back.clone()])
        .await
        .unwrap();

    // Assert
    let c = counts.get("trajets.csv").unwrap();
    assert_eq!((c.added, c.updated, c.unchanged), (0, 1, 1));
    let stored = store.load_travel_overrides().await.unwrap();
    let mut expected = vec![leg(15), back];
    expected.sort_by(|x, y| (&x.from, &x.to).cmp(&(&y.from, &y.to)));
    assert_eq!(stored, expected);
}

async fn agenda_entries_and_fixed_referents_are_upserted_by_code(store: Store) {
    // Arrange
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    let visit = batch
        .agenda
        .iter()
        .find(|e| e.kind == AgendaKind::Visit)
        .unwrap();
    let mut moved = visit.clone();
    moved.start += chrono::Duration::days(7);
    let added = AgendaEntry {
        code: code("AG-900"),
        referent: batch.referents[0].code.clone(),
        kind: AgendaKind::Training,
        start: "2026-12-08T08:00:00Z".parse().unwrap(),
        minutes: 180,
        site: Some(batch.sites[0].code.clone()),
        family: None,
        from_plan: false,
    };
    let mut family = batch
        .families
        .iter()
        .find(|f| f.referent.is_some() && !f.referent_pinned)
        .unwrap()
        .clone();
    family.referent_pinned = true;
    let partial = Territory {
        families: vec![family.clone()],
        agenda: vec![moved.clone(), added.clone()],
        ..Territory::default()
    };

    // Act
    let counts = store.apply_import(&partial, &[]).await.unwrap();

    // Assert
    let c = counts.get("agenda.csv").unwrap();
    assert_eq!((c.added, c.updated, c.unchanged), (1, 1, 0));
    assert_eq!(counts.get("familles.csv").unwrap().updated, 1);
    let loaded = store.load_territory().await.unwrap();
    assert_eq!(
        loaded.agenda.len(),
        batch.agenda.len() + 1,
        "none is deleted"
    );
    let find = |c: &Code| loaded.agenda.iter().find(|e| &e.code == c).unwrap();
    assert_eq!(find(&moved.code), &moved);
    assert_eq!(find(&added.code), &added);
    let stored = loaded
        .families
        .iter()
        .find(|f| f.code == family.code)
        .unwrap();
    assert!(stored.referent_pinned);
}

async fn an_agenda_entry_naming_an_unknown_family_is_refused_and_nothing_is_written(store: Store) {
    // Arrange
    let (mut batch, travel) = reference();
    let visit = batch
        .agenda
        .iter_mut()
        .find(|e| e.kind == AgendaKind::Visit)
        .unwrap();
    visit.family = Some(code("F-9999"));
    let before = table_counts(&store).await;

    // Act
    let result = store.apply_import(&batch, &travel).await;

    // Assert
    let err = result.unwrap_err();
    assert!(
        matches!(&err, StoreError::UnknownReference { table: "agenda_entry", field: "famille", target, .. } if target == "F-9999"),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("engagement d'agenda"), "{err}");
    assert_eq!(table_counts(&store).await, before);
}

/// Runs `case` on a fresh, migrated SQLite file.
async fn on_sqlite<F, Fut>(case: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("parcours.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    case(store.clone()).await;
    store.close().await;
}

/// A database created for one test on the server of `PARCOURS_TEST_POSTGRES_URL`, dropped when
/// the test ends, even by a failed assertion.
pub(crate) struct PgDatabase {
    admin_url: String,
    name: String,
}

impl PgDatabase {
    /// [`PgDatabase::create`] for a test that has no runtime.
    pub(crate) fn create_blocking(admin_url: &str) -> (PgDatabase, String) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(PgDatabase::create(admin_url))
    }

    async fn create(admin_url: &str) -> (PgDatabase, String) {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!(
            "parcours_test_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let admin = sqlx::PgPool::connect(admin_url).await.unwrap();
        sqlx::query(AssertSqlSafe(format!("create database {name}")))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let (base, query) = match admin_url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (admin_url, String::new()),
        };
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        let url = format!("{server}/{name}{query}");
        (
            PgDatabase {
                admin_url: admin_url.to_owned(),
                name,
            },
            url,
        )
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (url, sql) = (
            self.admin_url.clone(),
            format!("drop database if exists {} with (force)", self.name),
        );
        // Drop may run inside the test's runtime: use a runtime of its own on another thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let admin = sqlx::PgPool::connect(&url).await?;
                let result = sqlx::query(AssertSqlSafe(sql))
                    .execute(&admin)
                    .await
                    .map(|_| ());
                admin.close().await;
                result
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            let _ = writeln!(
                std::io::stderr(),
                "warning: could not drop test database {}",
                self.name
            );
        }
    }
}

/// Runs `case` on a fresh, migrated PostgreSQL database, or says it is skipped.
async fn on_postgres<F, Fut>(case: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let Ok(admin_url) = std::env::var("PARCOURS_TEST_POSTGRES_URL") else {
        // Written past the test harness's capture, so that a skip is always visible.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: PARCOURS_TEST_POSTGRES_URL not set"
        );
        return;
    };
    let (_database, url) = PgDatabase::create(&admin_url).await;
    let store = Store::connect(&url).await.unwrap();
    assert_eq!(store.backend_name(), "PostgreSQL");
    store.migrate().await.unwrap();
    case(store.clone()).await;
    store.close().await;
}

async fn simulated_weeks_are_kept_per_week_and_data_and_other_data_make_them_out_of_date(
    store: Store,
) {
    // Arrange
    let w49 = week49();
    let w50 = w49.next();

    // Act: figures of W49 on data "a", then on data "b", then "a" again with a new body.
    let none = store.horizon_figures(w49, "a").await.unwrap();
    store
        .save_horizon_figures(w49, "a", "{\"n\":1}")
        .await
        .unwrap();
    let on_a = store.horizon_figures(w49, "a").await.unwrap();
    let on_b_before = store.horizon_figures(w49, "b").await.unwrap();
    store
        .save_horizon_figures(w49, "b", "{\"n\":2}")
        .await
        .unwrap();
    let on_b = store.horizon_figures(w49, "b").await.unwrap();
    let on_a_still = store.horizon_figures(w49, "a").await.unwrap();
    // Instants are kept to the millisecond: the next save is a later one.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    store
        .save_horizon_figures(w49, "a", "{\"n\":3}")
        .await
        .unwrap();
    let on_c = store.horizon_figures(w49, "c").await.unwrap();

    // Assert: nothing at first; the figures of the data asked for when kept, else the latest,
    // said to be out of date; another week has none; saving again replaces.
    assert_eq!(none, None);
    assert_eq!(on_a, Some((true, "{\"n\":1}".to_owned())));
    assert_eq!(on_b_before, Some((false, "{\"n\":1}".to_owned())));
    assert_eq!(on_b, Some((true, "{\"n\":2}".to_owned())));
    assert_eq!(on_a_still, Some((true, "{\"n\":1}".to_owned())));
    assert_eq!(on_c, Some((false, "{\"n\":3}".to_owned())));
    assert_eq!(store.horizon_figures(w50, "a").await.unwrap(), None);
    let rows = table_counts(&store).await;
    assert!(rows.contains(&("horizon_figures", 2)), "{rows:?}");
}

macro_rules! contract {
    ($($case:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    super::on_sqlite(super::$case).await;
                }
            )+
        }

        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    super::on_postgres(super::$case).await;
                }
            )+
        }
    };
}

/// A small plan: one référent, one Monday visit.
fn small_plan(week: &str, travel_minutes: i64) -> parcours::planning::WeekPlan {
    use parcours::planning::*;
    let week = IsoWeek::parse(week).unwrap();
    let at = |h, m| week.monday().and_hms_opt(h, m, 0).unwrap();
    WeekPlan {
        week,
        method: PlanMethod::Optimised,
        referents: vec![ReferentWeek {
            code: "R-01".into(),
            name: "Amina K.".into(),
            travel_mode: "voiture".into(),
            base: (50.35, 3.52),
            working_minutes: 2100,
            days: vec![DayRoute {
                date: week.monday(),
                leave: Some(at(9, 0)),
                back: Some(at(10, 30)),
                lunch: None,
                stops: vec![Stop {
                    id: format!("visite-{week}-F-0001"),
                    kind: StopKind::Visit {
                        family: "F-0001".into(),
                    },
                    start: at(9, 15),
                    end: at(10, 0),
                    commune: "59606".into(),
                    commune_name: "Valenciennes".into(),
                    place: PlaceKind::Home,
                    point: (50.36, 3.53),
                    travel_minutes,
                    travel_meters: 4200,
                    confirmed: false,
                }],
                return_minutes: 15,
                return_meters: 4200,
            }],
        }],
        unmet: vec![UnmetVisit {
            family: "F-0002".into(),
            referent: Some("R-01".into()),
            reason: "semaine complète".into(),
            ..UnmetVisit::default()
        }],
        assignment: vec![("F-0001".into(), "R-01".into())],
        cancelled: vec![],
    }
}

async fn a_plan_is_stored_as_a_new_version_and_the_last_one_loads_back(store: Store) {
    use parcours::planning::{IsoWeek, PlanMethod, WeekPlan};
    let week = IsoWeek::parse("2026-W49").unwrap();
    assert_eq!(
        store
            .latest_plan::<WeekPlan>(week, PlanMethod::Optimised)
            .await
            .unwrap(),
        None
    );

    let first = small_plan("2026-W49", 15);
    let second = small_plan("2026-W49", 12);
    assert_eq!(store.save_plan(&first, 1).await.unwrap(), 1);
    assert_eq!(store.save_plan(&second, 1).await.unwrap(), 2);
    // Another week has its own versions.
    assert_eq!(
        store
            .save_plan(&small_plan("2026-W50", 9), 1)
            .await
            .unwrap(),
        1
    );

    let (version, loaded) = store
        .latest_plan::<WeekPlan>(week, PlanMethod::Optimised)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(version, 2);
    assert_eq!(loaded, second);
    assert_eq!(
        store
            .latest_plan::<WeekPlan>(week, PlanMethod::Baseline)
            .await
            .unwrap(),
        None
    );
}

/// A visit of a test plan: référent, family, day of the week (0 = Monday), start hour and minute.
type PlannedVisit = (&'static str, &'static str, u64, (u32, u32));

/// A plan of `week` making `visits` (45 minutes each, at home in Valenciennes), plus a private
/// appointment of R-01 on Friday morning, which no feed may show.
fn plan_of(week: &str, visits: &[PlannedVisit]) -> WeekPlan {
    let week = IsoWeek::parse(week).unwrap();
    let stop = |id: String, kind: StopKind, date: chrono::NaiveDate, (h, m): (u32, u32)| {
        let start = date.and_hms_opt(h, m, 0).unwrap();
        Stop {
            id,
            kind,
            start,
            end: start + chrono::Duration::minutes(45),
            commune: "59606".into(),
            commune_name: "Valenciennes".into(),
            place: PlaceKind::Home,
            point: (50.36, 3.53),
            travel_minutes: 10,
            travel_meters: 3_000,
            confirmed: false,
        }
    };
    let mut days: BTreeMap<&str, BTreeMap<chrono::NaiveDate, Vec<Stop>>> = BTreeMap::new();
    for &(referent, family, day, time) in visits {
        let date = week.monday() + chrono::Days::new(day);
        let kind = StopKind::Visit {
            family: family.into(),
        };
        days.entry(referent)
            .or_default()
            .entry(date)
            .or_default()
            .push(stop(format!("visite-{week}-{family}"), kind, date, time));
    }
    let friday = week.monday() + chrono::Days::new(4);
    let private = StopKind::Fixed {
        label: "Indisponible".into(),
        code: "AG-900".into(),
        private: true,
        published_apart: false,
    };
    days.entry("R-01")
        .or_default()
        .entry(friday)
        .or_default()
        .push(stop("agenda-AG-900".into(), private, friday, (8, 0)));
    let referents = days
        .into_iter()
        .map(|(code, days)| ReferentWeek {
            code: code.into(),
            name: format!("Référente {code}"),
            travel_mode: "voiture".into(),
            base: (50.35, 3.52),
            working_minutes: 2_100,
            days: days
                .into_iter()
                .map(|(date, mut stops)| {
                    stops.sort_by_key(|s| s.start);
                    DayRoute {
                        date,
                        leave: Some(stops[0].start),
                        back: Some(stops[stops.len() - 1].end),
                        lunch: None,
                        stops,
                        return_minutes: 10,
                        return_meters: 3_000,
                    }
                })
                .collect(),
        })
        .collect();
    WeekPlan {
        week,
        method: PlanMethod::Optimised,
        referents,
        unmet: Vec::new(),
        assignment: visits
            .iter()
            .map(|&(referent, family, _, _)| (family.into(), referent.into()))
            .collect(),
        cancelled: Vec::new(),
    }
}

const W49: &str = "2026-W49";

/// The first plan of the publication tests: R-01 visits F-0001 on Monday at 9:15 and F-0003 on
/// Tuesday at 14:00; R-02 visits F-0002 on Monday at 10:00.
const FIRST: &[PlannedVisit] = &[
    ("R-01", "F-0001", 0, (9, 15)),
    ("R-01", "F-0003", 1, (14, 0)),
    ("R-02", "F-0002", 0, (10, 0)),
];

fn week49() -> IsoWeek {
    IsoWeek::parse(W49).unwrap()
}

/// When the first version is published (Monday 23 November 2026, 16:05 UTC).
fn first_published() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 16, 5, 0).unwrap()
}

fn uid(family: &str) -> String {
    format!("visite-{W49}-{family}@parcours")
}

/// `(uid, sequence, status)` of every event of a feed, in feed order.
fn summary(feed: &Feed) -> Vec<(String, u32, EventStatus)> {
    feed.events
        .iter()
        .map(|e| (e.uid.clone(), e.sequence, e.status))
        .collect()
}

fn counts_of(p: &Publication) -> (usize, usize, usize, usize) {
    (p.added, p.changed, p.cancelled, p.unchanged)
}

/// Saves `visits` as the next version of week 49 and publishes it at `now`.
async fn publish(store: &Store, visits: &[PlannedVisit], now: DateTime<Utc>) -> Publication {
    store.save_plan(&plan_of(W49, visits), 1).await.unwrap();
    store
        .publish(PlanKind::Rota, week49(), None, now)
        .await
        .unwrap()
        .expect("a saved plan is published")
}

async fn a_token_hash_finds_its_user_and_a_revoked_one_does_not(store: Store) {
    // Arrange
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    let referent = batch.referents[0].code.clone();
    let driver = batch.drivers[0].code.clone();
    let token = token::generate().unwrap();
    let other = token::generate().unwrap();

    // Act
    let id = store
        .add_user(&referent, Role::Referent, &token::hash(&token))
        .await
        .unwrap();
    let logistics = store
        .add_user(&driver, Role::Logistics, &token::hash(&other))
        .await
        .unwrap();

    // Assert
    let found = store.user_by_token(&token::hash(&token)).await.unwrap();
    assert_eq!(
        found,
        Some(ApiUser {
            id,
            person: referent.clone(),
            role: Role::Referent
        })
    );
    assert_eq!(
        store.user_by_token(&token).await.unwrap(),
        None,
        "raw tokens are not stored"
    );
    assert!(store.revoke_user(id).await.unwrap());
    assert!(!store.revoke_user(id).await.unwrap(), "already revoked");
    assert_eq!(
        store.user_by_token(&token::hash(&token)).await.unwrap(),
        None
    );
    let driver_user = store.user_by_token(&token::hash(&other)).await.unwrap();
    assert_eq!(
        driver_user.map(|u| (u.id, u.role)),
        Some((logistics, Role::Logistics))
    );
    assert_eq!(store.revoke_users_of(&driver).await.unwrap(), 1);
    assert_eq!(
        store.user_by_token(&token::hash(&other)).await.unwrap(),
        None
    );
    assert!(!store.revoke_user(9_999).await.unwrap());
}

async fn a_token_for_an_unknown_person_or_the_wrong_role_is_refused_naming_the_code(store: Store) {
    // Arrange
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    let driver = batch.drivers[0].code.clone();
    let before = table_counts(&store).await;

    // Act
    let unknown = store
        .add_user(&code("R-99"), Role::Referent, &token::hash("a"))
        .await;
    let not_a_referent = store
        .add_user(&driver, Role::Referent, &token::hash("b"))
        .await;
    let not_a_coordinator = store
        .add_user(
            &batch.referents[0].code,
            Role::Coordinator,
            &token::hash("c"),
        )
        .await;
    let no_feed = store.add_feed(&code("X-99"), &token::hash("d")).await;

    // Assert
    let err = unknown.unwrap_err();
    assert!(
        matches!(&err, StoreError::UnknownPerson { code, .. } if code == "R-99"),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "R-99 : aucun référent de ce code");
    let err = not_a_referent.unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("{driver} : aucun référent")),
        "{err}"
    );
    let err = not_a_coordinator.unwrap_err();
    assert!(err.to_string().contains("aucun coordinateur"), "{err}");
    let err = no_feed.unwrap_err();
    assert!(err.to_string().starts_with("X-99 : aucun"), "{err}");
    assert_eq!(table_counts(&store).await, before);
}

async fn a_feed_token_finds_its_person_until_it_is_revoked(store: Store) {
    // Arrange
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    let referent = batch.referents[0].code.clone();
    let professional = batch.professionals[0].code.clone();
    let (first, second, third) = (
        token::generate().unwrap(),
        token::generate().unwrap(),
        token::generate().unwrap(),
    );

    // Act
    let id = store
        .add_feed(&referent, &token::hash(&first))
        .await
        .unwrap();
    store
        .add_feed(&referent, &token::hash(&second))
        .await
        .unwrap();
    store
        .add_feed(&professional, &token::hash(&third))
        .await
        .unwrap();

    // Assert
    assert_eq!(
        store.feed_person(&token::hash(&first)).await.unwrap(),
        Some(referent.clone())
    );
    assert_eq!(
        store.feed_person(&token::hash(&third)).await.unwrap(),
        Some(professional)
    );
    assert_eq!(store.feed_person(&first).await.unwrap(), None);
    assert!(store.revoke_feed(id).await.unwrap());
    assert!(!store.revoke_feed(id).await.unwrap());
    assert_eq!(store.feed_person(&token::hash(&first)).await.unwrap(), None);
    assert_eq!(
        store.feed_person(&token::hash(&second)).await.unwrap(),
        Some(referent.clone())
    );
    assert_eq!(store.revoke_feeds_of(&referent).await.unwrap(), 1);
    assert_eq!(
        store.feed_person(&token::hash(&second)).await.unwrap(),
        None
    );
}

async fn publishing_the_same_plan_twice_changes_nothing_the_second_time(store: Store) {
    // Arrange
    let first = publish(&store, FIRST, first_published()).await;
    let later = first_published() + chrono::Duration::hours(2);

    // Act
    let again = store
        .publish(PlanKind::Rota, week49(), None, later)
        .await
        .unwrap()
        .unwrap();

    // Assert
    assert_eq!((first.horizon, first.version), (week49().into(), 1));
    assert_eq!(counts_of(&first), (3, 0, 0, 0));
    assert_eq!((again.version, counts_of(&again)), (1, (0, 0, 0, 3)));
    let feed = store.feed(&code("R-01"), later).await.unwrap();
    assert_eq!(
        summary(&feed),
        [
            (uid("F-0001"), 0, EventStatus::Confirmed),
            (uid("F-0003"), 0, EventStatus::Confirmed),
        ]
    );
    assert_eq!(
        feed.last_modified,
        Some(first_published()),
        "nothing rewritten"
    );
    assert_eq!(
        store
            .published_version(PlanKind::Rota, week49())
            .await
            .unwrap(),
        Some(1)
    );
}

async fn the_feed_shows_the_published_events_and_never_a_private_appointment(store: Store) {
    // Arrange
    publish(&store, FIRST, first_published()).await;

    // Act
    let feed = store.feed(&code("R-01"), first_published()).await.unwrap();
    let nobody = store.feed(&code("R-03"), first_published()).await.unwrap();

    // Assert: the events are those the plan's calendar writes, private appointment left out.
    let plan = plan_of(W49, FIRST);
    let expected = parcours::feeds::ics::referent_calendar(&plan.referents[0]).events;
    assert_eq!(feed.events, expected);
    assert!(feed.events.iter().all(|e| !e.uid.contains("AG-900")));
    assert_eq!(
        nobody,
        Feed {
            events: Vec::new(),
            last_modified: None
        }
    );
}

async fn a_moved_visit_gets_sequence_1_and_a_dropped_one_stays_cancelled_for_30_days(store: Store) {
    // Arrange: F-0001 moves to 11:00, F-0003 is no longer planned.
    publish(&store, FIRST, first_published()).await;
    let second = [
        ("R-01", "F-0001", 0, (11, 0)),
        ("R-02", "F-0002", 0, (10, 0)),
    ];
    let now = first_published() + chrono::Duration::days(1);

    // Act
    let publication = publish(&store, &second, now).await;

    // Assert
    assert_eq!(
        (publication.version, counts_of(&publication)),
        (2, (0, 1, 1, 1))
    );
    let feed = store.feed(&code("R-01"), now).await.unwrap();
    assert_eq!(
        summary(&feed),
        [
            (uid("F-0001"), 1, EventStatus::Confirmed),
            (uid("F-0003"), 1, EventStatus::Cancelled),
        ]
    );
    let monday = week49().monday();
    assert_eq!(feed.events[0].start, monday.and_hms_opt(11, 0, 0).unwrap());
    assert_eq!(feed.last_modified, Some(now));
    let r02 = store.feed(&code("R-02"), now).await.unwrap();
    assert_eq!(summary(&r02), [(uid("F-0002"), 0, EventStatus::Confirmed)]);
    assert_eq!(r02.last_modified, Some(first_published()));

    let day_29 = store
        .feed(&code("R-01"), now + chrono::Duration::days(29))
        .await
        .unwrap();
    assert_eq!(day_29.events.len(), 2, "still there 29 days after");
    let day_30 = store
        .feed(&code("R-01"), now + chrono::Duration::days(30))
        .await
        .unwrap();
    assert_eq!(
        summary(&day_30),
        [(uid("F-0001"), 1, EventStatus::Confirmed)],
        "gone 30 days after"
    );
    assert_eq!(
        day_30.last_modified,
        Some(now),
        "the dropped change still counts"
    );
}

async fn publishing_an_earlier_version_brings_its_events_back_with_a_higher_sequence(store: Store) {
    // Arrange
    publish(&store, FIRST, first_published()).await;
    publish(
        &store,
        &[
            ("R-01", "F-0001", 0, (11, 0)),
            ("R-02", "F-0002", 0, (10, 0)),
        ],
        first_published() + chrono::Duration::days(1),
    )
    .await;
    let now = first_published() + chrono::Duration::days(2);

    // Act
    let back = store
        .publish(PlanKind::Rota, week49(), Some(1), now)
        .await
        .unwrap()
        .unwrap();

    // Assert
    assert_eq!((back.version, counts_of(&back)), (1, (0, 2, 0, 1)));
    assert_eq!(
        store
            .published_version(PlanKind::Rota, week49())
            .await
            .unwrap(),
        Some(1)
    );
    let feed = store.feed(&code("R-01"), now).await.unwrap();
    assert_eq!(
        summary(&feed),
        [
            (uid("F-0001"), 2, EventStatus::Confirmed),
            (uid("F-0003"), 2, EventStatus::Confirmed),
        ]
    );
}

async fn a_visit_reassigned_to_another_referent_leaves_her_feed_for_the_other_one(store: Store) {
    // Arrange: F-0003 goes to R-02, same time.
    publish(&store, FIRST, first_published()).await;
    let second = [
        ("R-01", "F-0001", 0, (9, 15)),
        ("R-02", "F-0003", 1, (14, 0)),
        ("R-02", "F-0002", 0, (10, 0)),
    ];
    let now = first_published() + chrono::Duration::hours(3);

    // Act
    let publication = publish(&store, &second, now).await;

    // Assert
    assert_eq!(counts_of(&publication), (1, 0, 1, 2));
    let r01 = store.feed(&code("R-01"), now).await.unwrap();
    assert_eq!(
        summary(&r01),
        [
            (uid("F-0001"), 0, EventStatus::Confirmed),
            (uid("F-0003"), 1, EventStatus::Cancelled),
        ]
    );
    let r02 = store.feed(&code("R-02"), now).await.unwrap();
    assert_eq!(
        summary(&r02),
        [
            (uid("F-0002"), 0, EventStatus::Confirmed),
            (uid("F-0003"), 0, EventStatus::Confirmed),
        ]
    );
}

async fn publishing_a_week_without_a_plan_returns_none_and_writes_nothing(store: Store) {
    // Arrange: week 49 has an optimised version 1 and a baseline; week 50 has nothing.
    store.save_plan(&plan_of(W49, FIRST), 1).await.unwrap();
    let mut baseline = plan_of("2026-W50", FIRST);
    baseline.method = PlanMethod::Baseline;
    store.save_plan(&baseline, 1).await.unwrap();
    let before = table_counts(&store).await;

    // Act
    let no_plan = store
        .publish(
            PlanKind::Rota,
            IsoWeek::parse("2026-W50").unwrap(),
            None,
            first_published(),
        )
        .await
        .unwrap();
    let no_version = store
        .publish(PlanKind::Rota, week49(), Some(2), first_published())
        .await
        .unwrap();

    // Assert
    assert_eq!(no_plan, None);
    assert_eq!(no_version, None);
    assert_eq!(table_counts(&store).await, before);
    assert_eq!(
        store
            .published_version(PlanKind::Rota, week49())
            .await
            .unwrap(),
        None
    );
    let feed = store.feed(&code("R-01"), first_published()).await.unwrap();
    assert_eq!(feed.events, []);
}

async fn a_report_on_a_week_published_meanwhile_is_stale_and_writes_nothing(store: Store) {
    // Arrange: the reference territory, W49's first plan published (version 1).
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    publish(&store, FIRST, first_published()).await;
    let last_visit = |t: &Territory| {
        t.families
            .iter()
            .find(|f| f.code.as_str() == "F-0001")
            .and_then(|f| f.last_visit)
    };
    let monday = week49().monday();
    let mut reported = plan_of(W49, FIRST);
    reported.cancelled = vec!["F-0002".into()];

    // Act: a report applied to version 1 is recorded and published as version 2.
    let recorded = store
        .record_report(
            week49(),
            1,
            Some((&reported, 1)),
            Some((&code("F-0001"), monday)),
            first_published(),
        )
        .await
        .unwrap();

    // Assert
    assert_eq!(recorded.version, 2);
    assert_eq!(
        store
            .published_version(PlanKind::Rota, week49())
            .await
            .unwrap(),
        Some(2)
    );
    let stored = store
        .plan::<WeekPlan>(week49(), PlanMethod::Optimised, 2)
        .await
        .unwrap();
    assert_eq!(stored.unwrap().cancelled, ["F-0002"]);
    assert_eq!(
        last_visit(&store.load_territory().await.unwrap()),
        Some(monday)
    );

    // Act: another report still applied to version 1 is stale: nothing is written.
    let before = table_counts(&store).await;
    let stale = store
        .record_report(
            week49(),
            1,
            Some((&plan_of(W49, FIRST), 1)),
            None,
            first_published(),
        )
        .await;

    // Assert
    assert!(matches!(stale, Err(StoreError::Stale { .. })), "{stale:?}");
    assert_eq!(table_counts(&store).await, before);
    assert_eq!(
        store
            .published_version(PlanKind::Rota, week49())
            .await
            .unwrap(),
        Some(2)
    );

    // A report of an earlier visit never moves the family's last visit back.
    store
        .record_report(
            week49(),
            2,
            None,
            Some((&code("F-0001"), monday - chrono::Days::new(30))),
            first_published(),
        )
        .await
        .unwrap();
    assert_eq!(
        last_visit(&store.load_territory().await.unwrap()),
        Some(monday)
    );
    assert_eq!(
        store
            .published_version(PlanKind::Rota, week49())
            .await
            .unwrap(),
        Some(2)
    );
}

async fn two_publications_at_once_take_turns_and_agree(store: Store) {
    // Arrange: two stores on the same database, as two servers would have.
    store.save_plan(&plan_of(W49, FIRST), 1).await.unwrap();
    let other = store.clone();

    // Act
    let (a, b) = tokio::join!(
        store.publish(PlanKind::Rota, week49(), None, first_published()),
        other.publish(PlanKind::Rota, week49(), None, first_published()),
    );

    // Assert: one adds the events, the other finds them published.
    let mut counts = [
        counts_of(&a.unwrap().unwrap()),
        counts_of(&b.unwrap().unwrap()),
    ];
    counts.sort_unstable();
    assert_eq!(counts, [(0, 0, 0, 3), (3, 0, 0, 0)]);
    let feed = store.feed(&code("R-01"), first_published()).await.unwrap();
    assert_eq!(feed.events.len(), 2);
}

async fn a_stored_plan_version_loads_back_by_number(store: Store) {
    let first = plan_of(W49, FIRST);
    let second = plan_of(W49, &FIRST[..1]);
    store.save_plan(&first, 1).await.unwrap();
    store.save_plan(&second, 1).await.unwrap();

    let loaded = store
        .plan::<WeekPlan>(week49(), PlanMethod::Optimised, 1)
        .await
        .unwrap();
    assert_eq!(loaded, Some(first));
    let loaded = store
        .plan::<WeekPlan>(week49(), PlanMethod::Optimised, 2)
        .await
        .unwrap();
    assert_eq!(loaded, Some(second));
    assert_eq!(
        store
            .plan::<WeekPlan>(week49(), PlanMethod::Optimised, 3)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .plan::<WeekPlan>(week49(), PlanMethod::Baseline, 1)
            .await
            .unwrap(),
        None
    );
}

/// `jours_feries.csv` and `vacances_scolaires.csv` as an import batch.
fn calendar(public: &str, school: &str) -> Territory {
    let source = parcours::import::Source::from_files(vec![
        (
            "territoire.csv".to_owned(),
            b"nom;zone\nPRE de Montauban;C\n".to_vec(),
        ),
        (
            "jours_feries.csv".to_owned(),
            format!("date;nom\n{public}").into_bytes(),
        ),
        (
            "vacances_scolaires.csv".to_owned(),
            format!("zone;nom;debut;reprise\n{school}").into_bytes(),
        ),
    ]);
    let validation = validate(&source, &Territory::default(), parcours::reference::MONDAY);
    assert!(validation.is_valid(), "{:?}", validation.errors);
    validation.batch().clone()
}

async fn the_calendar_replaces_the_years_and_zones_it_lists_and_keeps_the_others(store: Store) {
    // Arrange: 2026 and 2027 public holidays, zones B and C's Christmas holidays.
    let first = calendar(
        "2026-12-25;Noël\n2027-01-01;Jour de l'an\n2027-12-25;Noël\n",
        "B;Vacances de Noël;2026-12-19;2027-01-04\nC;Vacances de Noël;2026-12-19;2027-01-04\n\
         C;Vacances d'hiver;2027-02-06;2027-02-22\n",
    );
    store.apply_import(&first, &[]).await.unwrap();

    // Act: 2027 again without its Christmas, zone C again with its winter holidays corrected.
    let mut second = calendar(
        "2027-01-01;Jour de l'an\n",
        "C;Vacances de Noël;2026-12-19;2027-01-04\nC;Vacances d'hiver;2027-02-06;2027-02-23\n",
    );
    second.settings = None;
    let counts = store.apply_import(&second, &[]).await.unwrap();

    // Assert
    let c = counts.get("jours_feries.csv").unwrap();
    assert_eq!((c.added, c.updated, c.unchanged), (0, 0, 1));
    let c = counts.get("vacances_scolaires.csv").unwrap();
    assert_eq!((c.added, c.updated, c.unchanged), (0, 1, 1));
    let t = store.load_territory().await.unwrap();
    let dates: Vec<String> = t
        .public_holidays
        .iter()
        .map(|h| h.date.to_string())
        .collect();
    assert_eq!(dates, ["2026-12-25", "2027-01-01"]);
    let school: Vec<(String, String)> = t
        .school_holidays
        .iter()
        .map(|h| (h.zone.to_string(), h.resume.to_string()))
        .collect();
    assert_eq!(
        school,
        [
            ("B".to_owned(), "2027-01-04".to_owned()),
            ("C".to_owned(), "2027-01-04".to_owned()),
            ("C".to_owned(), "2027-02-23".to_owned())
        ]
    );
    assert_eq!(t.settings.unwrap().zone.to_string(), "C");
    assert_eq!(
        store.load_calendar().await.unwrap().school_holidays,
        t.school_holidays
    );
}

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

async fn an_absence_holds_until_lifted_and_an_unknown_referent_writes_nothing(store: Store) {
    // Arrange
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();

    // Act: R-03 absent on Thursday of W49 (twice), R-01 on the next Monday.
    let first = store.add_absence(&code("R-03"), day(3)).await.unwrap();
    let again = store.add_absence(&code("R-03"), day(3)).await.unwrap();
    store.add_absence(&code("R-01"), day(7)).await.unwrap();
    let before = table_counts(&store).await;
    let unknown = store.add_absence(&code("R-99"), day(3)).await;
    let unknown_lift = store.lift_absence(&code("R-99"), day(3)).await;

    // Assert: recorded once; the unknown référent is named, in French, and nothing changed.
    assert!(first);
    assert!(!again);
    let err = unknown.unwrap_err();
    assert!(matches!(&err, StoreError::UnknownPerson { code, .. } if code == "R-99"));
    assert_eq!(err.to_string(), "R-99 : aucun référent de ce code");
    assert!(unknown_lift.unwrap_err().is_unknown_person());
    assert_eq!(table_counts(&store).await, before);
    assert_eq!(
        store.absences(Some(week49())).await.unwrap(),
        vec![(code("R-03"), day(3))]
    );
    assert_eq!(
        store.absences(None).await.unwrap(),
        vec![(code("R-03"), day(3)), (code("R-01"), day(7))]
    );

    // Act: lifted, then lifted again.
    let lifted = store.lift_absence(&code("R-03"), day(3)).await.unwrap();
    let lifted_again = store.lift_absence(&code("R-03"), day(3)).await.unwrap();

    // Assert
    assert!(lifted);
    assert!(!lifted_again);
    assert!(store.absences(Some(week49())).await.unwrap().is_empty());
    assert_eq!(store.absences(None).await.unwrap().len(), 1);
}

async fn concurrent_absence_adds_and_lifts_all_stand(store: Store) {
    // Arrange: R-01 absent all of W49's working days.
    let (batch, travel) = reference();
    store.apply_import(&batch, &travel).await.unwrap();
    for d in 0..5 {
        store.add_absence(&code("R-01"), day(1 + d)).await.unwrap();
    }

    // Act: at once, R-02 recorded absent every working day and R-01's Monday, Wednesday and
    // Friday lifted.
    let mut writes = tokio::task::JoinSet::new();
    for d in 0..5 {
        let store = store.clone();
        writes.spawn(async move { store.add_absence(&code("R-02"), day(1 + d)).await });
    }
    for d in [1, 3, 5] {
        let store = store.clone();
        writes.spawn(async move { store.lift_absence(&code("R-01"), day(d)).await });
    }
    let mut answers = Vec::new();
    while let Some(done) = writes.join_next().await {
        answers.push(done.unwrap());
    }

    // Assert: every write succeeded and stands.
    assert_eq!(answers.len(), 8);
    assert!(answers.iter().all(|a| matches!(a, Ok(true))), "{answers:?}");
    let mut expected = vec![(code("R-01"), day(2)), (code("R-01"), day(4))];
    expected.extend((1..=5).map(|d| (code("R-02"), day(d))));
    expected.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    assert_eq!(store.absences(Some(week49())).await.unwrap(), expected);
}

contract! {
    a_plan_is_stored_as_a_new_version_and_the_last_one_loads_back,
    an_absence_holds_until_lifted_and_an_unknown_referent_writes_nothing,
    concurrent_absence_adds_and_lifts_all_stand,
    a_stored_plan_version_loads_back_by_number,
    a_token_hash_finds_its_user_and_a_revoked_one_does_not,
    a_token_for_an_unknown_person_or_the_wrong_role_is_refused_naming_the_code,
    a_feed_token_finds_its_person_until_it_is_revoked,
    publishing_the_same_plan_twice_changes_nothing_the_second_time,
    the_feed_shows_the_published_events_and_never_a_private_appointment,
    a_moved_visit_gets_sequence_1_and_a_dropped_one_stays_cancelled_for_30_days,
    publishing_an_earlier_version_brings_its_events_back_with_a_higher_sequence,
    a_visit_reassigned_to_another_referent_leaves_her_feed_for_the_other_one,
    publishing_a_week_without_a_plan_returns_none_and_writes_nothing,
    a_report_on_a_week_published_meanwhile_is_stale_and_writes_nothing,
    two_publications_at_once_take_turns_and_agree,
    migrations_run_twice_and_create_every_table,
    the_reference_territory_loads_back_exactly_as_imported,
    importing_the_same_batch_again_writes_nothing,
    a_changed_record_is_updated_and_records_left_out_are_kept,
    list_members_are_replaced_in_their_new_order,
    an_unknown_reference_is_refused_and_nothing_is_written,
    a_code_twice_in_one_batch_is_a_conflict_and_nothing_is_written,
    travel_times_are_upserted_by_pair,
    agenda_entries_and_fixed_referents_are_upserted_by_code,
    an_agenda_entry_naming_an_unknown_family_is_refused_and_nothing_is_written,
    eps_year_fields_coordinator_sites_and_unavailabilities_are_updated_by_code,
    an_unavailability_of_nobody_is_refused_and_nothing_is_written,
    orientations_and_free_time_are_upserted_by_their_key,
    the_calendar_replaces_the_years_and_zones_it_lists_and_keeps_the_others,
    simulated_weeks_are_kept_per_week_and_data_and_other_data_make_them_out_of_date,
}

/// Plans an older Parcours stored (before plans had a kind: a `week_plan` table, rota bodies
/// of format 1 with `kind` for the method) read back after the migration, on both backends.
mod before_plan_kinds {
    use super::*;
    use parcours::planning::AnyPlan;

    /// Runs `sql` on the database at `url` outside the store, as the older version wrote it.
    pub(super) async fn raw(url: &str, statements: &[String]) {
        if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            for sql in statements {
                sqlx::query(AssertSqlSafe(sql.clone()))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        } else {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            for sql in statements {
                sqlx::query(AssertSqlSafe(sql.clone()))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        }
    }

    fn quoted(text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }

    async fn old_plans_read_back_and_publish_on(url: &str) {
        // Arrange: a database at migration 0005, W49's optimised plan stored as version 1 in a
        // format-1 body, published, and its events in the feeds.
        let store = Store::connect(url).await.unwrap();
        store.migrate_up_to(5).await.unwrap();
        let plan = plan_of(W49, FIRST);
        let mut body = serde_json::to_value(&plan).unwrap();
        let fields = body.as_object_mut().unwrap();
        let method = fields.remove("method").unwrap();
        fields.insert("kind".into(), method);
        let mut sql = vec![
            format!(
                "insert into week_plan (week, kind, version, seed, body, visits, unmet, \
                 travel_minutes, travel_meters) values ('2026-W49', 'optimised', 1, 1, {}, \
                 3, 0, 45, 12000)",
                quoted(&body.to_string())
            ),
            "insert into published_week (week, week_plan_id, published_at) \
             select '2026-W49', week_plan_id, '2026-11-27T09:00:00Z' from week_plan"
                .to_owned(),
        ];
        let events = parcours::feeds::plan_events(&AnyPlan::Rota(plan.clone()));
        assert_eq!(events.len(), 3, "{events:?}");
        for (person, e) in &events {
            sql.push(format!(
                "insert into feed_event (person_code, week, uid, sequence, status, start_local, \
                 end_local, summary, location, description) values ({}, '2026-W49', {}, 0, \
                 'confirmed', '{}', '{}', {}, {}, {})",
                quoted(person),
                quoted(&e.uid),
                e.start.format("%Y-%m-%d %H:%M:%S"),
                e.end.format("%Y-%m-%d %H:%M:%S"),
                quoted(&e.summary),
                quoted(&e.location),
                quoted(&e.description)
            ));
        }
        raw(url, &sql).await;

        // Act
        store.migrate().await.unwrap();

        // Assert: the plan is a rota of W49 again, version 1, published.
        let (version, loaded) = store
            .latest_plan::<WeekPlan>(week49(), PlanMethod::Optimised)
            .await
            .unwrap()
            .expect("the old plan");
        assert_eq!((version, &loaded), (1, &plan));
        assert_eq!(
            store
                .published_version(PlanKind::Rota, week49())
                .await
                .unwrap(),
            Some(1)
        );
        let feed = store.feed(&code("R-01"), first_published()).await.unwrap();
        assert_eq!(feed.events.len(), 2);
        // Publishing it again finds its events as its own: nothing to write.
        let again = store
            .publish(PlanKind::Rota, week49(), Some(1), first_published())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(counts_of(&again), (0, 0, 0, 3));
        // A new version is stored after the old ones, and publishing it cancels a dropped visit.
        assert_eq!(
            store
                .save_plan(&plan_of(W49, &FIRST[..2]), 1)
                .await
                .unwrap(),
            2
        );
        let next = store
            .publish(PlanKind::Rota, week49(), None, first_published())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((next.version, counts_of(&next)), (2, (0, 0, 1, 2)));
        store.close().await;
    }

    #[tokio::test]
    async fn old_plans_read_back_and_publish_after_the_migration_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("parcours.db").display());
        old_plans_read_back_and_publish_on(&url).await;
    }

    #[tokio::test]
    async fn old_plans_read_back_and_publish_after_the_migration_on_postgres() {
        let Ok(admin_url) = std::env::var("PARCOURS_TEST_POSTGRES_URL") else {
            let _ = writeln!(
                std::io::stderr(),
                "skipped: PARCOURS_TEST_POSTGRES_URL not set"
            );
            return;
        };
        let (_database, url) = PgDatabase::create(&admin_url).await;
        old_plans_read_back_and_publish_on(&url).await;
    }
}

/// EPS an older Parcours stored (before issue 17: no `requis`, `reunions`, `duree_min`…) read
/// back after the migration as an import of the same old `eps.csv` reads them: every member
/// required, 4 meetings of 120 min, no référent, no alternative site; re-importing changes
/// nothing.
mod before_eps_year {
    use super::*;

    async fn old_eps_read_back_with_every_member_required_on(url: &str) {
        // Arrange: a database at migration 0010 holding mini's EPS as it was then.
        let store = Store::connect(url).await.unwrap();
        store.migrate_up_to(10).await.unwrap();
        let sql = [
            "insert into commune (code, name, latitude, longitude) \
             values ('59606', 'Valenciennes', 50.357, 3.523)",
            "insert into coordinator (code, name) values ('C-01', 'Anne L.')",
            "insert into professional (code, name, function, availability) values \
             ('P-01', 'Isabelle C.', 'enseignante', 'mercredi 09:00-12:00'), \
             ('P-02', 'Karima H.', 'infirmière scolaire', 'mardi 09:00-12:00')",
            "insert into eps (code, name, commune_id, coordinator_id) select 'EPS-01', \
             'EPS Faubourg', commune_id, coordinator_id from commune, coordinator",
            "insert into eps_member (eps_id, professional_id, position) \
             select eps_id, professional_id, case professional.code when 'P-01' then 0 else 1 end \
             from eps, professional",
        ];
        before_plan_kinds::raw(url, &sql.map(str::to_owned)).await;
        let old_file = "code;nom;insee;qpv;coordinateur;lieu;membres\n\
                        EPS-01;EPS Faubourg;59606;;C-01;;P-01, P-02\n";

        // Act
        store.migrate().await.unwrap();
        let loaded = store.load_territory().await.unwrap();

        // Assert
        let eps = &loaded.eps[0];
        assert_eq!(eps.members, vec![code("P-01"), code("P-02")]);
        assert_eq!(eps.required, eps.members);
        assert_eq!((eps.meetings_per_year, eps.meeting_minutes), (4, 120));
        assert!(eps.referents.is_empty() && eps.alternative_sites.is_empty());
        assert_eq!((eps.hours.as_ref(), eps.min_spacing_days), (None, None));
        assert_eq!(loaded.coordinators[0].site, None);
        let source = Source::from_files(vec![("eps.csv".to_owned(), old_file.as_bytes().to_vec())]);
        let v = validate(&source, &loaded, parcours::reference::MONDAY);
        assert!(v.is_valid(), "{:?}", v.errors);
        let again = store.apply_import(v.batch(), &[]).await.unwrap();
        let c = again.get("eps.csv").unwrap();
        assert_eq!((c.added, c.updated, c.unchanged), (0, 0, 1));
        store.close().await;
    }

    #[tokio::test]
    async fn old_eps_read_back_with_every_member_required_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("parcours.db").display());
        old_eps_read_back_with_every_member_required_on(&url).await;
    }

    #[tokio::test]
    async fn old_eps_read_back_with_every_member_required_on_postgres() {
        let Ok(admin_url) = std::env::var("PARCOURS_TEST_POSTGRES_URL") else {
            let _ = writeln!(
                std::io::stderr(),
                "skipped: PARCOURS_TEST_POSTGRES_URL not set"
            );
            return;
        };
        let (_database, url) = PgDatabase::create(&admin_url).await;
        old_eps_read_back_with_every_member_required_on(&url).await;
    }
}
