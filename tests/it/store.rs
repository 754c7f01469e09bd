//! The store contract: the same cases on SQLite (always) and on PostgreSQL (when
//! `PARCOURS_TEST_POSTGRES_URL` names a server where the tests may create databases). Each case
//! gets a fresh database, dropped afterwards.

use std::future::Future;
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

use parcours::domain::{AgendaEntry, AgendaKind, Code, Territory};
use parcours::import::validate;
use parcours::store::{Store, StoreError, TravelOverride};
use sqlx::AssertSqlSafe;

/// The reference territory (seed 67), validated, as the batch an import would write.
fn reference() -> (Territory, Vec<TravelOverride>) {
    let source = parcours::fixtures::source(parcours::fixtures::REFERENCE_SEED);
    let validation = validate(&source, &Territory::default());
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
    assert_eq!(counts.len(), 19, "{counts:?}");
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
    assert_eq!(counts.total().updated, 0);
    assert_eq!(loaded, sorted(batch));
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
struct PgDatabase {
    admin_url: String,
    name: String,
}

impl PgDatabase {
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
        kind: PlanKind::Optimised,
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
        }],
        assignment: vec![("F-0001".into(), "R-01".into())],
    }
}

async fn a_plan_is_stored_as_a_new_version_and_the_last_one_loads_back(store: Store) {
    use parcours::planning::{IsoWeek, PlanKind};
    let week = IsoWeek::parse("2026-W49").unwrap();
    assert_eq!(
        store.latest_plan(week, PlanKind::Optimised).await.unwrap(),
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
        .latest_plan(week, PlanKind::Optimised)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(version, 2);
    assert_eq!(loaded, second);
    assert_eq!(
        store.latest_plan(week, PlanKind::Baseline).await.unwrap(),
        None
    );
}

contract! {
    a_plan_is_stored_as_a_new_version_and_the_last_one_loads_back,
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
}
