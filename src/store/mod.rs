//! Storage: the only way to the database (STYLE.md §5).
//!
//! [`Store`] hides the backend: an SQLite file by default, PostgreSQL when the URL says so. It
//! runs the embedded migrations, loads the whole [`Territory`] back into domain types and applies
//! an import batch in one transaction, upserting by code. Backend differences stay in this module:
//! `sqlite.rs` and `postgres.rs` open their pool and instantiate the same query code
//! (`queries.rs`), `rows.rs` converts rows into domain types, `upsert.rs` decides what an import
//! adds, updates or leaves alone, `publication.rs` what a publication changes in the feeds.
//!
//! It keeps the plans of every kind as [`PlanEnvelope`]s (kind, horizon, method, format version,
//! body) without reading their bodies, except to open one for its caller or its publication.
//! It also keeps who may use the API and the feeds (tokens, stored as hashes only: see
//! [`crate::feeds::token`]), which plan of each kind and horizon is published, and the calendar
//! events of every person's feed.
//!
//! This module does not read files or the environment and does not validate input beyond what
//! the schema needs: the import layer reports bad input to the user first; the errors here are the
//! safety net.

mod calendar;
mod postgres;
mod publication;
mod queries;
mod rows;
mod sqlite;
mod upsert;

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{PgPool, SqlSafeStr, SqlitePool};

use crate::domain::{Code, Role, Territory};
use crate::feeds::ics::Event;
use crate::planning::{
    BodyError, Horizon, IsoWeek, PlanBody, PlanEnvelope, PlanKind, PlanMethod, WeekPlan,
};

/// Imported travel times are domain records; the store keeps them (`travel_override`).
pub use crate::domain::TravelOverride;

/// What an import did to the records of one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntityCounts {
    /// Records whose code was not in the database.
    pub added: u32,
    /// Records whose code was in the database with different values.
    pub updated: u32,
    /// Records already stored exactly as given (not written).
    pub unchanged: u32,
}

impl EntityCounts {
    fn add(&mut self, other: EntityCounts) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// What an import did, per file, in the order of [`crate::domain::files::FILES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportCounts {
    /// `(file name, counts)` for every file of [`crate::domain::files::FILES`], in that order
    /// (zero counts for a file the batch had no record of).
    pub files: Vec<(&'static str, EntityCounts)>,
}

impl ImportCounts {
    /// The counts of one file (`"familles.csv"`), `None` for an unknown name.
    pub fn get(&self, file: &str) -> Option<EntityCounts> {
        self.files
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, counts)| *counts)
    }

    /// `(file name, counts)` for every file, in import order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, EntityCounts)> + '_ {
        self.files.iter().copied()
    }

    /// The sum over every file.
    pub fn total(&self) -> EntityCounts {
        let mut total = EntityCounts::default();
        for (_, counts) in &self.files {
            total.add(*counts);
        }
        total
    }
}

/// A user of the HTTP API: the person her token speaks for, and her role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUser {
    /// `api_user_id`: what `revoke_user` takes.
    pub id: i64,
    /// Code of the person (a référent, a coordinator, …).
    pub person: Code,
    /// What she may do.
    pub role: Role,
}

/// A person's sign-in to the web app, as stored: her password only as its Argon2id hash.
#[derive(Clone, PartialEq, Eq)]
pub struct WebLogin {
    /// `web_login_id`.
    pub id: i64,
    /// Code of the person.
    pub person: Code,
    /// What she may do.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
}

impl std::fmt::Debug for WebLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The hash stays out of logs.
        f.debug_struct("WebLogin")
            .field("id", &self.id)
            .field("person", &self.person)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// What a publication did to the feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    /// What the plan plans.
    pub kind: PlanKind,
    /// The period published (the week, for a rota).
    pub horizon: Horizon,
    /// The version of its optimised plan now published.
    pub version: i64,
    /// Events new to their person's feed (sequence 0).
    pub added: usize,
    /// Events whose time or text changed, or that were cancelled and come back (sequence + 1).
    pub changed: usize,
    /// Events the previous publication of this kind and horizon had and this plan no longer
    /// has, now cancelled (sequence + 1).
    pub cancelled: usize,
    /// Events published exactly as before (not written).
    pub unchanged: usize,
}

/// One person's calendar feed, as the published plans make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// Confirmed events of every published week, and the events cancelled in the last
    /// [`CANCELLED_SHOWN_DAYS`] days; sorted by start, then UID.
    pub events: Vec<Event>,
    /// The last time any of her events changed, those too old to show included; `None` when she
    /// never had an event.
    pub last_modified: Option<DateTime<Utc>>,
}

/// How long a cancelled event stays in a feed, in days: long enough for every subscribed
/// calendar to fetch it and remove the event, rather than keep a ghost (issue 6).
pub const CANCELLED_SHOWN_DAYS: i64 = 30;

/// Why a store operation failed.
///
/// Messages are for developers (English), except [`StoreError::UnknownReference`],
/// [`StoreError::UnknownPerson`] and [`StoreError::UnreadablePlan`], which a coordinator may
/// read and are French.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL has a scheme the store does not know.
    #[error(
        "unsupported database URL scheme `{scheme}`: use `sqlite:<file>` or \
         `postgres://<user>@<host>/<database>` (`postgresql://` is accepted too)"
    )]
    InvalidUrl {
        /// The scheme found (the part before the first `:`), never the whole URL, which may hold
        /// a password.
        scheme: String,
    },
    /// A record refers to a code that is neither in the batch nor in the database.
    #[error(
        "{} {code}, champ {field} : {} {target} introuvable (ni dans l'import ni dans la base)",
        upsert::french_label(table),
        upsert::french_label(target_table)
    )]
    UnknownReference {
        /// Table of the referring record (`family`).
        table: &'static str,
        /// Code of the referring record.
        code: String,
        /// Column of the referring record, as named in its CSV file (`referent`).
        field: &'static str,
        /// Table the reference points to (`referent`), or `located` / `facilitator` / `person`
        /// when it may point to several tables.
        target_table: &'static str,
        /// The code that was not found.
        target: String,
    },
    /// A token was asked for a person code that no table allowed for the role holds.
    #[error("{code} : aucun {wanted} de ce code")]
    UnknownPerson {
        /// The code that was not found.
        code: String,
        /// What the code had to name, in French (`référent`, `coordinateur`, …).
        wanted: &'static str,
    },
    /// A stored value does not parse back into its domain type.
    #[error("corrupt value in table {table}, record {code}, column {field}: {message}")]
    Corrupt {
        /// Table.
        table: &'static str,
        /// Code of the record.
        code: String,
        /// Column.
        field: &'static str,
        /// What the domain parser said.
        message: String,
    },
    /// No record with this code.
    #[error("no {table} with code {code}")]
    NotFound {
        /// Table.
        table: &'static str,
        /// Code looked for.
        code: String,
    },
    /// A write would break a uniqueness rule (a code twice in one batch, a member twice in a
    /// list).
    #[error("conflict in table {table} on {code}: {message}")]
    Conflict {
        /// Table.
        table: &'static str,
        /// Code of the record.
        code: String,
        /// What is duplicated.
        message: String,
    },
    /// A stored plan's body does not open: a kind or format this version of Parcours does not
    /// read (a later one wrote it), or a body that does not read as its format says. French:
    /// a coordinator meets it after going back to an older Parcours.
    #[error("{kind} {horizon}, version {version} : {reason}")]
    UnreadablePlan {
        /// The plan's kind (`rota`).
        kind: PlanKind,
        /// Its horizon (`2026-W49`).
        horizon: String,
        /// Its version.
        version: i64,
        /// Why it does not open.
        reason: BodyError,
    },
    /// Another version of the plan was stored since the one a change was made from: read the
    /// last one again and redo the change on it.
    #[error("plan {horizon}: version {latest:?} was stored since version {after:?} was read")]
    Overtaken {
        /// The plan's horizon (`2026-W49`).
        horizon: String,
        /// The version the change was made from.
        after: Option<i64>,
        /// The version now last.
        latest: Option<i64>,
    },
    /// The week was published again since the caller read it: read it again and retry.
    #[error("the published version of {week} changed since it was read")]
    Stale {
        /// The week (`2026-W49`).
        week: String,
    },
    /// The database refused or failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// A migration failed or does not match what was applied.
    #[error("migration failed")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    fn unreadable(envelope: &PlanEnvelope, version: i64, reason: BodyError) -> StoreError {
        StoreError::UnreadablePlan {
            kind: envelope.kind,
            horizon: envelope.horizon.to_string(),
            version,
            reason,
        }
    }

    /// Whether this is [`StoreError::UnknownPerson`]: bad input from the user, whose message
    /// (French) can be shown as it is.
    pub fn is_unknown_person(&self) -> bool {
        matches!(self, StoreError::UnknownPerson { .. })
    }
}

/// The database: an SQLite file or a PostgreSQL database, behind one type.
///
/// Cheap to clone (the pool is shared). `Debug` shows the backend and the URL with any password
/// replaced by `***`.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    /// The URL with its password redacted, for `Debug` and logs.
    url: Arc<str>,
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The same call on whichever backend the store has: `on_backend!(self, query_module::f(args))`
/// becomes `sqlite::f(pool, args)` or `postgres::f(pool, args)`.
macro_rules! on_backend {
    ($store:expr, $f:ident($($arg:expr),* $(,)?)) => {
        match &$store.pool {
            Pool::Sqlite(pool) => sqlite::$f(pool, $($arg),*).await,
            Pool::Postgres(pool) => postgres::$f(pool, $($arg),*).await,
        }
    };
}

impl Store {
    /// Opens the database named by `url`.
    ///
    /// - `sqlite:<path>` (also `sqlite://<path>`): the file is created if missing and opened in
    ///   WAL mode, with foreign keys on and a busy timeout;
    /// - `postgres://…` or `postgresql://…`: a connection pool to that database.
    ///
    /// # Errors
    /// [`StoreError::InvalidUrl`] for any other scheme; [`StoreError::Database`] when the
    /// database cannot be opened.
    #[tracing::instrument(skip_all, fields(url = %redact_url(url)))]
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let pool = if url.starts_with("sqlite:") {
            Pool::Sqlite(sqlite::connect(url).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Pool::Postgres(postgres::connect(url).await?)
        } else {
            // Only the scheme goes into the error: the rest may hold a password.
            let scheme = url
                .split_once(':')
                .map(|(scheme, _)| scheme)
                .filter(|s| {
                    !s.is_empty()
                        && s.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                })
                .unwrap_or("(none)");
            return Err(StoreError::InvalidUrl {
                scheme: scheme.to_owned(),
            });
        };
        let store = Store {
            pool,
            url: redact_url(url).into(),
        };
        tracing::debug!(backend = store.backend_name(), "database opened");
        Ok(store)
    }

    /// `"SQLite"` or `"PostgreSQL"`.
    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "SQLite",
            Pool::Postgres(_) => "PostgreSQL",
        }
    }

    /// Runs the embedded migrations that have not run yet; running it again does nothing.
    ///
    /// # Errors
    /// [`StoreError::Migration`] when a migration fails or an applied one was edited.
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => migrator(SQLITE_MIGRATIONS).run(pool).await?,
            Pool::Postgres(pool) => migrator(POSTGRES_MIGRATIONS).run(pool).await?,
        }
        Ok(())
    }

    /// Runs the embedded migrations numbered up to `version` that have not run yet: a database
    /// as an older Parcours left it, for the tests of a later migration on the data it kept.
    ///
    /// # Errors
    /// As [`Store::migrate`].
    #[doc(hidden)]
    pub async fn migrate_up_to(&self, version: i64) -> Result<(), StoreError> {
        let upto = |files: &'static [(&'static str, &'static str)]| {
            let n = files
                .iter()
                .take_while(|(name, _)| migration_version(name).is_some_and(|(v, _)| v <= version))
                .count();
            migrator(&files[..n])
        };
        match &self.pool {
            Pool::Sqlite(pool) => upto(SQLITE_MIGRATIONS).run(pool).await?,
            Pool::Postgres(pool) => upto(POSTGRES_MIGRATIONS).run(pool).await?,
        }
        Ok(())
    }

    /// Runs a trivial query: whether the database answers (for `/health`).
    ///
    /// # Errors
    /// [`StoreError::Database`] when it does not.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_backend!(self, ping())
    }

    /// Closes every connection; SQLite checkpoints its write-ahead log into the file.
    pub async fn close(self) {
        match self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    /// The territory as the weekly rota plans the days from `first` to `last`: every record,
    /// with the meetings of each published EPS year over those days as fixed commitments of
    /// the référents who attend them ([`crate::planning::eps::add_commitments`]).
    ///
    /// # Errors
    /// As [`Store::load_territory`]; [`StoreError::UnreadablePlan`] when a published year does
    /// not open.
    pub async fn load_planning_territory(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Territory, StoreError> {
        use crate::planning::SchoolYear;
        use crate::planning::eps::{self, EpsPlan};
        use crate::planning::workshops::{self, WorkshopPlan};
        let mut territory = self.load_territory().await?;
        let mut years = vec![SchoolYear::containing(first)];
        if SchoolYear::containing(last) != years[0] {
            years.push(SchoolYear::containing(last));
        }
        let mut meetings = Vec::new();
        let mut sessions = Vec::new();
        for year in years {
            if let Some(plan) = self.published::<EpsPlan>(year).await? {
                meetings.push(plan);
            }
            if let Some(plan) = self.published::<WorkshopPlan>(year).await? {
                sessions.push(plan);
            }
        }
        eps::add_commitments(&mut territory, &meetings);
        workshops::add_commitments(&mut territory, &sessions);
        Ok(territory)
    }

    /// The published plan of kind `T` for `horizon`, if any.
    ///
    /// # Errors
    /// [`StoreError::UnreadablePlan`] when it does not open; [`StoreError::Database`].
    pub async fn published<T: crate::planning::PlanBody>(
        &self,
        horizon: impl Into<Horizon> + Copy,
    ) -> Result<Option<T>, StoreError> {
        let Some(version) = self.published_version(T::KIND, horizon).await? else {
            return Ok(None);
        };
        self.plan::<T>(horizon, PlanMethod::Optimised, version)
            .await
    }

    /// Every record of the territory, each list sorted by code.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored value does not parse back;
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn load_territory(&self) -> Result<Territory, StoreError> {
        let (territory, _) = on_backend!(self, load())?;
        Ok(territory)
    }

    /// The territory's calendar only: its settings, public and school holidays (what a plan's
    /// week is checked against before it is queued), every other list empty.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored zone does not parse back; [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn load_calendar(&self) -> Result<Territory, StoreError> {
        on_backend!(self, load_calendar())
    }

    /// Stores the plans of one solve in one transaction, each as the next version of its kind,
    /// horizon and method (Parcours' plan, and today's practice beside it when it was
    /// compared: [`crate::planning::PlanOutcome::envelopes`]). Returns their versions, in order.
    ///
    /// # Errors
    /// [`StoreError::Database`]; nothing is written then.
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), plans = plans.len()))]
    pub async fn save_plans(
        &self,
        plans: &[PlanEnvelope],
        seed: u64,
    ) -> Result<Vec<i64>, StoreError> {
        let records: Vec<PlanRecord> = plans.iter().map(|p| PlanRecord::of(p, seed)).collect();
        on_backend!(self, insert_plans(&records))
    }

    /// As [`Store::save_plans`], only if the last stored version of the first plan's kind,
    /// horizon and method is still `after` (`None`: there is none yet): a change made from a
    /// version that another change has overtaken is never stored over it.
    ///
    /// # Errors
    /// [`StoreError::Overtaken`] with the version now last, nothing written;
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), plans = plans.len(), after))]
    pub async fn save_plans_after(
        &self,
        plans: &[PlanEnvelope],
        seed: u64,
        after: Option<i64>,
    ) -> Result<Vec<i64>, StoreError> {
        let records: Vec<PlanRecord> = plans.iter().map(|p| PlanRecord::of(p, seed)).collect();
        on_backend!(self, insert_plans_after(&records, after))
    }

    /// Stores `plan` as the next version of its kind, horizon and method; returns that version
    /// (1 for the first).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn save_plan<B: PlanBody>(&self, plan: &B, seed: u64) -> Result<i64, StoreError> {
        let versions = self.save_plans(&[PlanEnvelope::of(plan)], seed).await?;
        Ok(*versions.first().expect("BUG: one version per plan stored"))
    }

    /// The last stored version of the plan of kind `B` over `horizon` made by `method`, with its
    /// version number.
    ///
    /// # Errors
    /// [`StoreError::UnreadablePlan`] when the stored body does not open as a `B` (a format this
    /// version does not read); [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), kind = %B::KIND))]
    pub async fn latest_plan<B: PlanBody>(
        &self,
        horizon: impl Into<Horizon>,
        method: PlanMethod,
    ) -> Result<Option<(i64, B)>, StoreError> {
        let horizon = horizon.into();
        let stored = self.envelope(B::KIND, horizon, method, None).await?;
        stored
            .map(|(version, envelope)| Ok((version, open(&envelope, version)?)))
            .transpose()
    }

    /// Version `version` of the plan of kind `B` over `horizon` made by `method`.
    ///
    /// # Errors
    /// As [`Store::latest_plan`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), kind = %B::KIND, version))]
    pub async fn plan<B: PlanBody>(
        &self,
        horizon: impl Into<Horizon>,
        method: PlanMethod,
        version: i64,
    ) -> Result<Option<B>, StoreError> {
        let horizon = horizon.into();
        let stored = self
            .envelope(B::KIND, horizon, method, Some(version))
            .await?;
        stored
            .map(|(version, envelope)| open(&envelope, version))
            .transpose()
    }

    /// Version `version` (the last when `None`) of the plan of `kind` over `horizon` made by
    /// `method`, sealed as stored, with its version number.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), kind = %kind, horizon = %horizon))]
    pub async fn envelope(
        &self,
        kind: PlanKind,
        horizon: Horizon,
        method: PlanMethod,
        version: Option<i64>,
    ) -> Result<Option<(i64, PlanEnvelope)>, StoreError> {
        let row = on_backend!(
            self,
            plan_row(kind.key(), &horizon.to_string(), method.key(), version)
        )?;
        Ok(row.map(|row| rows::plan_envelope(kind, horizon, method, row)))
    }

    /// Gives `person` an API token in `role`; only the token's hash is stored. Returns the new
    /// user's id.
    ///
    /// The person must be a référent for [`Role::Referent`], a coordinator for
    /// [`Role::Coordinator`], and a coordinator, référent, driver or professional for
    /// [`Role::Logistics`].
    ///
    /// # Errors
    /// [`StoreError::UnknownPerson`] naming the code when it is not such a person (nothing is
    /// written); [`StoreError::Conflict`] when the hash is already stored;
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), person = %person, role = %role))]
    pub async fn add_user(
        &self,
        person: &Code,
        role: Role,
        token_hash: &str,
    ) -> Result<i64, StoreError> {
        let (exists, wanted) = match role {
            Role::Referent => (queries::REFERENT_EXISTS, "référent"),
            Role::Coordinator => (queries::COORDINATOR_EXISTS, "coordinateur"),
            Role::Logistics => (queries::PERSON_EXISTS, ANY_PERSON),
        };
        let id = on_backend!(
            self,
            add_user(person.as_str(), role.key(), exists, token_hash, Utc::now())
        )
        .map_err(|e| token_conflict(e, "api_user", person))?;
        id.ok_or_else(|| StoreError::UnknownPerson {
            code: person.to_string(),
            wanted,
        })
    }

    /// Revokes API user `id`; `false` when there is no such user or she was already revoked.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), user_id = id))]
    pub async fn revoke_user(&self, id: i64) -> Result<bool, StoreError> {
        on_backend!(self, revoke_one(queries::REVOKE_USER, id, Utc::now()))
    }

    /// Revokes every valid API token of `person`; returns how many.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), person = %person))]
    pub async fn revoke_users_of(&self, person: &Code) -> Result<u64, StoreError> {
        on_backend!(
            self,
            revoke_all(queries::REVOKE_USERS_OF, person.as_str(), Utc::now())
        )
    }

    /// The user whose token has this hash, unless revoked.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when the stored role or code does not parse back;
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn user_by_token(&self, token_hash: &str) -> Result<Option<ApiUser>, StoreError> {
        on_backend!(self, user_by_token(token_hash))
    }

    /// Creates a web login for `person` with `role` (the same people as [`Store::add_user`]):
    /// `login` (stored lowercase) and the Argon2id hash of her password. Returns its id.
    ///
    /// # Errors
    /// [`StoreError::UnknownPerson`] naming the code when it is not such a person;
    /// [`StoreError::Conflict`] when the login is taken; [`StoreError::Database`]. Nothing is
    /// written on an error.
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), person = %person, role = %role))]
    pub async fn add_login(
        &self,
        person: &Code,
        role: Role,
        login: &str,
        password_hash: &str,
    ) -> Result<i64, StoreError> {
        let (exists, wanted) = match role {
            Role::Referent => (queries::REFERENT_EXISTS, "référent"),
            Role::Coordinator => (queries::COORDINATOR_EXISTS, "coordinateur"),
            Role::Logistics => (queries::PERSON_EXISTS, ANY_PERSON),
        };
        let login = login.to_lowercase();
        let id = on_backend!(
            self,
            add_login(
                person.as_str(),
                role.key(),
                exists,
                &login,
                password_hash,
                Utc::now()
            )
        )
        .map_err(|e| match &e {
            StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                StoreError::Conflict {
                    table: "web_login",
                    code: login.clone(),
                    message: format!("l'identifiant « {login} » est déjà pris"),
                }
            }
            _ => e,
        })?;
        id.ok_or_else(|| StoreError::UnknownPerson {
            code: person.to_string(),
            wanted,
        })
    }

    /// Gives `person`'s valid login `login` a new password hash; `false` when she has no such
    /// login (nothing changed).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), person = %person))]
    pub async fn set_password(
        &self,
        login: &str,
        person: &Code,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        on_backend!(
            self,
            set_password(
                &login.to_lowercase(),
                person.as_str(),
                password_hash,
                Utc::now()
            )
        )
    }

    /// The valid login named `login` (any case).
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when its stored role or code does not parse back;
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn login_named(&self, login: &str) -> Result<Option<WebLogin>, StoreError> {
        on_backend!(self, login_named(&login.to_lowercase()))
    }

    /// Revokes every valid web login of `person`, and so their sessions; returns how many.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), person = %person))]
    pub async fn revoke_logins_of(&self, person: &Code) -> Result<u64, StoreError> {
        on_backend!(
            self,
            revoke_all(queries::REVOKE_LOGINS_OF, person.as_str(), Utc::now())
        )
    }

    /// Opens a session of login `login_id` until `expires`; only its token's hash is stored.
    ///
    /// # Errors
    /// [`StoreError::Database`] (also when the hash is already stored).
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), login_id))]
    pub async fn add_session(
        &self,
        login_id: i64,
        token_hash: &str,
        expires: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        on_backend!(self, add_session(login_id, token_hash, expires, now))
    }

    /// The person of the open, unexpired session whose token has this hash (its login not
    /// revoked), as an [`ApiUser`] whose id is the login's.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`], [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiUser>, StoreError> {
        on_backend!(self, session_user(token_hash, now))
    }

    /// Ends the session whose token has this hash; `false` when none was open.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn end_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, end_session(token_hash, now))
    }

    /// Creates a feed subscription for `person` (a coordinator, référent, driver or
    /// professional); only the token's hash is stored. Returns its id.
    ///
    /// # Errors
    /// [`StoreError::UnknownPerson`] naming the code when it is no such person (nothing is
    /// written); [`StoreError::Conflict`] when the hash is already stored;
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), person = %person))]
    pub async fn add_feed(&self, person: &Code, token_hash: &str) -> Result<i64, StoreError> {
        let id = on_backend!(self, add_feed(person.as_str(), token_hash, Utc::now()))
            .map_err(|e| token_conflict(e, "feed_subscription", person))?;
        id.ok_or_else(|| StoreError::UnknownPerson {
            code: person.to_string(),
            wanted: ANY_PERSON,
        })
    }

    /// The subscriptions not revoked, by number: (number, person). Never their tokens, which
    /// are not stored.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`], [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn feeds(&self) -> Result<Vec<(i64, Code)>, StoreError> {
        on_backend!(self, feeds())
    }

    /// Revokes feed subscription `id`; `false` when there is none or it was already revoked.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), feed_id = id))]
    pub async fn revoke_feed(&self, id: i64) -> Result<bool, StoreError> {
        on_backend!(self, revoke_one(queries::REVOKE_FEED, id, Utc::now()))
    }

    /// Revokes every valid feed subscription of `person`; returns how many.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), person = %person))]
    pub async fn revoke_feeds_of(&self, person: &Code) -> Result<u64, StoreError> {
        on_backend!(
            self,
            revoke_all(queries::REVOKE_FEEDS_OF, person.as_str(), Utc::now())
        )
    }

    /// The person whose feed token has this hash, unless revoked.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when the stored code does not parse back;
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn feed_person(&self, token_hash: &str) -> Result<Option<Code>, StoreError> {
        on_backend!(self, feed_person(token_hash))
    }

    /// Records référent `referent` absent on `date`: every later plan of that date's week
    /// closes her day, until [`Store::lift_absence`]. Returns `false` when it was already
    /// recorded (nothing changes).
    ///
    /// # Errors
    /// [`StoreError::UnknownPerson`] naming the code when she is no référent (nothing is
    /// written); [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), referent = %referent, %date))]
    pub async fn add_absence(&self, referent: &Code, date: NaiveDate) -> Result<bool, StoreError> {
        on_backend!(self, add_absence(referent.as_str(), date, Utc::now()))?
            .ok_or_else(|| unknown_referent(referent))
    }

    /// Lifts référent `referent`'s absence on `date`; `false` when none was recorded.
    ///
    /// # Errors
    /// [`StoreError::UnknownPerson`] naming the code when she is no référent;
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), referent = %referent, %date))]
    pub async fn lift_absence(&self, referent: &Code, date: NaiveDate) -> Result<bool, StoreError> {
        on_backend!(self, lift_absence(referent.as_str(), date))?
            .ok_or_else(|| unknown_referent(referent))
    }

    /// The recorded absences, of `week` only when given: `(référent, date)`, by date then
    /// référent.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored code does not parse back; [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn absences(
        &self,
        week: Option<IsoWeek>,
    ) -> Result<Vec<(Code, NaiveDate)>, StoreError> {
        let between = week.map(|w| (w.monday(), w.sunday()));
        on_backend!(self, absences(between))
    }

    /// Keeps the weeks simulated from `week` on data of digest `digest` (the body as JSON, opaque
    /// to the store), replacing those of the same week and digest.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), %week))]
    pub async fn save_horizon_figures(
        &self,
        week: IsoWeek,
        digest: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        let week = week.to_string();
        on_backend!(self, save_horizon_figures(&week, digest, body, Utc::now()))
    }

    /// The weeks simulated from `week`: those on data of digest `digest` when kept (`true`
    /// and the body), else the latest kept on other data (`false`), else `None`.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), %week))]
    pub async fn horizon_figures(
        &self,
        week: IsoWeek,
        digest: &str,
    ) -> Result<Option<(bool, String)>, StoreError> {
        let week = week.to_string();
        Ok(on_backend!(self, horizon_figures(&week, digest))?
            .map(|(found, body)| (found == digest, body)))
    }

    /// Publishes version `version` (the latest when `None`) of the optimised plan of `kind` over
    /// `horizon`, and brings every feed in line with it; `Ok(None)`, with nothing written, when
    /// there is no such plan.
    ///
    /// One transaction (on PostgreSQL, serialised with other publications by an advisory
    /// lock): a feed shows the previous publication or this one, never a mix. Per person and
    /// UID, an event new to her feed is added (sequence 0), one whose time or text changed (or
    /// that was cancelled) is updated with its sequence plus one, one published as it was is
    /// not written; an event the plan of this kind and horizon published before and no longer
    /// has is cancelled at `now`, sequence plus one. Plans of every kind publish the same way:
    /// their events come from [`crate::feeds::plan_events`].
    ///
    /// # Errors
    /// [`StoreError::UnreadablePlan`] when the stored plan does not open, [`StoreError::Corrupt`]
    /// when the stored events do not parse back; [`StoreError::Database`]; in every case
    /// nothing is written.
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), kind = %kind, version = ?version))]
    pub async fn publish(
        &self,
        kind: PlanKind,
        horizon: impl Into<Horizon>,
        version: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<Publication>, StoreError> {
        let horizon = horizon.into();
        let publication = on_backend!(self, publish(kind, horizon, version, now))?;
        match &publication {
            Some(p) => tracing::info!(
                horizon = %p.horizon,
                version = p.version,
                added = p.added,
                changed = p.changed,
                cancelled = p.cancelled,
                unchanged = p.unchanged,
                "plan published"
            ),
            None => tracing::debug!(horizon = %horizon, "no plan to publish"),
        }
        Ok(publication)
    }

    /// Records a référent's visit report in one transaction, serialised with imports and
    /// publications: if `week`'s published rota is still version `base`, stores `plan` (the
    /// week as the report left it, a visit moved or called off; `None` when the report changed
    /// nothing in it) as the next version and publishes it, and moves `last_visit`'s family's
    /// last visit forward to its date. The one path by which a report or a move is saved and
    /// published.
    ///
    /// # Errors
    /// [`StoreError::Stale`] when another publication came after `base` (read the week again);
    /// [`StoreError::UnreadablePlan`], [`StoreError::Corrupt`], [`StoreError::Database`]; in
    /// every case nothing is written.
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), week = %week, base))]
    pub async fn record_report(
        &self,
        week: IsoWeek,
        base: i64,
        plan: Option<(&WeekPlan, u64)>,
        last_visit: Option<(&Code, chrono::NaiveDate)>,
        now: DateTime<Utc>,
    ) -> Result<Publication, StoreError> {
        let record = plan.map(|(plan, seed)| PlanRecord::of(&PlanEnvelope::of(plan), seed));
        let publication = on_backend!(
            self,
            report(
                week,
                base,
                record.as_ref(),
                last_visit.map(|(code, date)| (code.as_str(), date)),
                now,
            )
        )?;
        tracing::info!(
            version = publication.version,
            changed = publication.changed,
            cancelled = publication.cancelled,
            "visit report recorded and published"
        );
        Ok(publication)
    }

    /// The published version of the optimised plan of `kind` over `horizon`, if any.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), kind = %kind))]
    pub async fn published_version(
        &self,
        kind: PlanKind,
        horizon: impl Into<Horizon>,
    ) -> Result<Option<i64>, StoreError> {
        let horizon = horizon.into().to_string();
        on_backend!(self, published_version(kind.key(), &horizon))
    }

    /// The published plan of `week` and its version, if any: the week référents read.
    ///
    /// # Errors
    /// As [`Store::plan`].
    pub async fn published_plan(
        &self,
        week: IsoWeek,
    ) -> Result<Option<(i64, WeekPlan)>, StoreError> {
        let Some(version) = self.published_version(PlanKind::Rota, week).await? else {
            return Ok(None);
        };
        let plan = self.plan(week, PlanMethod::Optimised, version).await?;
        Ok(plan.map(|plan| (version, plan)))
    }

    /// `person`'s feed at `now`, read in one statement (one snapshot): her events of every
    /// published week, confirmed ones and those cancelled less than [`CANCELLED_SHOWN_DAYS`]
    /// days before `now`.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored event does not parse back;
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name(), person = %person))]
    pub async fn feed(&self, person: &Code, now: DateTime<Utc>) -> Result<Feed, StoreError> {
        let shown_since = now - Duration::days(CANCELLED_SHOWN_DAYS);
        on_backend!(self, feed(person.as_str(), shown_since))
    }

    /// Every imported travel time, sorted by origin then destination code.
    ///
    /// # Errors
    /// As [`Store::load_territory`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn load_travel_overrides(&self) -> Result<Vec<TravelOverride>, StoreError> {
        let (_, travel) = on_backend!(self, load())?;
        Ok(travel)
    }

    /// Applies an import batch in one transaction: each record is added when its code is new,
    /// updated when it differs from the stored one, and not written at all when unchanged.
    /// Records missing from the batch are kept. References (codes) may point into the batch or
    /// into the database.
    ///
    /// # Errors
    /// [`StoreError::UnknownReference`] when a reference names a code found nowhere,
    /// [`StoreError::Conflict`] when the batch holds a code twice, [`StoreError::Database`];
    /// in every case nothing is written.
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn apply_import(
        &self,
        batch: &Territory,
        travel: &[TravelOverride],
    ) -> Result<ImportCounts, StoreError> {
        self.apply_import_if(batch, travel, &|_| Ok(())).await
    }

    /// [`Store::apply_import`], written only if `precondition` accepts the stored territory as
    /// it is inside the import's transaction (an edit made from a record the caller read: one of
    /// two concurrent edits wins, the other gets the precondition's error and writes nothing).
    ///
    /// # Errors
    /// As [`Store::apply_import`], and the precondition's error.
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn apply_import_if(
        &self,
        batch: &Territory,
        travel: &[TravelOverride],
        precondition: &(dyn Fn(&Territory) -> Result<(), StoreError> + Sync),
    ) -> Result<ImportCounts, StoreError> {
        let now = Utc::now();
        let counts = on_backend!(self, apply(batch, travel, now, precondition))?;
        let total = counts.total();
        tracing::info!(
            added = total.added,
            updated = total.updated,
            unchanged = total.unchanged,
            "import applied"
        );
        Ok(counts)
    }

    /// The number of rows of every table, in schema order (`("family", 120)`).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn counts(&self) -> Result<Vec<(&'static str, u64)>, StoreError> {
        on_backend!(self, counts())
    }
}

/// A plan as its row stores it: the envelope's keys as text, the seed as a signed integer.
struct PlanRecord {
    kind: &'static str,
    horizon: String,
    method: &'static str,
    format: i64,
    /// The seed, as the signed integer with the same bits.
    seed: i64,
    /// The plan, as JSON.
    body: String,
    /// Placed, unmet, travel minutes, travel metres.
    figures: [i64; 4],
}

impl PlanRecord {
    fn of(plan: &PlanEnvelope, seed: u64) -> PlanRecord {
        let f = plan.figures;
        PlanRecord {
            kind: plan.kind.key(),
            horizon: plan.horizon.to_string(),
            method: plan.method.key(),
            format: plan.format,
            seed: seed as i64,
            body: plan.body.clone(),
            figures: [f.placed, f.unmet, f.travel_minutes, f.travel_meters],
        }
    }
}

/// The body of the stored `envelope` (version `version`) as a `B`.
fn open<B: PlanBody>(envelope: &PlanEnvelope, version: i64) -> Result<B, StoreError> {
    envelope
        .open()
        .map_err(|reason| StoreError::unreadable(envelope, version, reason))
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_name())
            .field("url", &self.url)
            .finish()
    }
}

/// The URL with any password replaced by `***`: the one in the user-info part
/// (`postgres://user:***@host/db`) and a `password=` query parameter. Use it wherever a database
/// URL is shown or logged (configuration `Debug`, error messages).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    // The user info ends at the last `@` before the query: a password written with a raw `/` or
    // `@` is still redacted whole.
    let mut out = format!("{scheme}://");
    match before_query.rsplit_once('@') {
        Some((user_info, host_and_path)) => {
            match user_info.split_once(':') {
                Some((user, _password)) => out.push_str(&format!("{user}:***@")),
                None => out.push_str(&format!("{user_info}@")),
            }
            out.push_str(host_and_path);
        }
        None => out.push_str(before_query),
    }
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => param.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

/// What a code must name when any person may hold the token.
const ANY_PERSON: &str = "coordinateur, référent, chauffeur ou professionnel";

fn unknown_referent(code: &Code) -> StoreError {
    StoreError::UnknownPerson {
        code: code.to_string(),
        wanted: "référent",
    }
}

/// A unique violation on a token table is a token hash stored twice.
fn token_conflict(err: StoreError, table: &'static str, person: &Code) -> StoreError {
    match &err {
        StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            StoreError::Conflict {
                table,
                code: person.to_string(),
                message: "this token hash is already stored".to_owned(),
            }
        }
        _ => err,
    }
}

/// Embedded migrations: `(file name, SQL)`, the same names in the same order in both lists
/// (a test checks them against `migrations/`). Never edit an applied one; add a file to both.
const SQLITE_MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_territory.sql",
        include_str!("../../migrations/sqlite/0001_territory.sql"),
    ),
    (
        "0002_week_plan.sql",
        include_str!("../../migrations/sqlite/0002_week_plan.sql"),
    ),
    (
        "0003_agenda.sql",
        include_str!("../../migrations/sqlite/0003_agenda.sql"),
    ),
    (
        "0004_publication.sql",
        include_str!("../../migrations/sqlite/0004_publication.sql"),
    ),
    (
        "0005_appointment_address.sql",
        include_str!("../../migrations/sqlite/0005_appointment_address.sql"),
    ),
    (
        "0006_calendar.sql",
        include_str!("../../migrations/sqlite/0006_calendar.sql"),
    ),
    (
        "0007_plan_kind.sql",
        include_str!("../../migrations/sqlite/0007_plan_kind.sql"),
    ),
    (
        "0008_absence.sql",
        include_str!("../../migrations/sqlite/0008_absence.sql"),
    ),
    (
        "0009_web_login.sql",
        include_str!("../../migrations/sqlite/0009_web_login.sql"),
    ),
    (
        "0010_horizon_figures.sql",
        include_str!("../../migrations/sqlite/0010_horizon_figures.sql"),
    ),
    (
        "0011_eps_year.sql",
        include_str!("../../migrations/sqlite/0011_eps_year.sql"),
    ),
    (
        "0012_workshop_orientations.sql",
        include_str!("../../migrations/sqlite/0012_workshop_orientations.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_territory.sql",
        include_str!("../../migrations/postgres/0001_territory.sql"),
    ),
    (
        "0002_week_plan.sql",
        include_str!("../../migrations/postgres/0002_week_plan.sql"),
    ),
    (
        "0003_agenda.sql",
        include_str!("../../migrations/postgres/0003_agenda.sql"),
    ),
    (
        "0004_publication.sql",
        include_str!("../../migrations/postgres/0004_publication.sql"),
    ),
    (
        "0005_appointment_address.sql",
        include_str!("../../migrations/postgres/0005_appointment_address.sql"),
    ),
    (
        "0006_calendar.sql",
        include_str!("../../migrations/postgres/0006_calendar.sql"),
    ),
    (
        "0007_plan_kind.sql",
        include_str!("../../migrations/postgres/0007_plan_kind.sql"),
    ),
    (
        "0008_absence.sql",
        include_str!("../../migrations/postgres/0008_absence.sql"),
    ),
    (
        "0009_web_login.sql",
        include_str!("../../migrations/postgres/0009_web_login.sql"),
    ),
    (
        "0010_horizon_figures.sql",
        include_str!("../../migrations/postgres/0010_horizon_figures.sql"),
    ),
    (
        "0011_eps_year.sql",
        include_str!("../../migrations/postgres/0011_eps_year.sql"),
    ),
    (
        "0012_workshop_orientations.sql",
        include_str!("../../migrations/postgres/0012_workshop_orientations.sql"),
    ),
];

/// `0001_territory.sql` → `(1, "territory")`.
fn migration_version(file_name: &str) -> Option<(i64, &str)> {
    let stem = file_name.strip_suffix(".sql")?;
    let (version, description) = stem.split_once('_')?;
    Some((version.parse().ok()?, description))
}

fn migrator(files: &'static [(&'static str, &'static str)]) -> Migrator {
    let migrations = files
        .iter()
        .map(|(name, sql)| {
            let (version, description) = migration_version(name)
                .expect("BUG: embedded migration names are NNNN_name.sql (tested)");
            Migration::new(
                version,
                description.into(),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql_files(dir: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut names: Vec<String> = std::fs::read_dir(&path)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn both_backends_have_the_same_migration_files_in_the_same_order_all_embedded() {
        let sqlite: Vec<&str> = SQLITE_MIGRATIONS.iter().map(|(name, _)| *name).collect();
        let postgres: Vec<&str> = POSTGRES_MIGRATIONS.iter().map(|(name, _)| *name).collect();
        assert_eq!(sqlite, postgres);
        assert_eq!(sql_files("migrations/sqlite"), sqlite);
        assert_eq!(sql_files("migrations/postgres"), postgres);
        let versions: Vec<i64> = sqlite
            .iter()
            .map(|name| migration_version(name).expect(name).0)
            .collect();
        assert!(
            versions.windows(2).all(|pair| pair[0] < pair[1]),
            "{versions:?}"
        );
    }

    #[test]
    fn migration_sql_is_lowercase_and_every_table_has_timestamps() {
        for (name, sql) in SQLITE_MIGRATIONS.iter().chain(POSTGRES_MIGRATIONS) {
            for line in sql
                .lines()
                .filter(|line| !line.trim_start().starts_with("--"))
            {
                for keyword in ["CREATE", "TABLE", "NOT NULL", "REFERENCES", "PRIMARY KEY"] {
                    assert!(!line.contains(keyword), "{name}: uppercase SQL in {line:?}");
                }
            }
            for table in sql.split("create table ").skip(1) {
                let table_name = table.split_whitespace().next().unwrap();
                let body = &table[..table.find("\n)").unwrap()];
                assert!(
                    body.contains("created_at"),
                    "{name}: {table_name} lacks created_at"
                );
                assert!(
                    body.contains("updated_at"),
                    "{name}: {table_name} lacks updated_at"
                );
            }
        }
    }

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact_url("postgres://parcours:s3cret@db.local:5432/pre"),
            "postgres://parcours:***@db.local:5432/pre"
        );
        assert_eq!(
            redact_url("postgresql://u:p/a@ss@host/db?sslmode=require&password=other"),
            "postgresql://u:***@host/db?sslmode=require&password=***"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact_url("sqlite://parcours.db"), "sqlite://parcours.db");
        assert_eq!(redact_url("sqlite:parcours.db"), "sqlite:parcours.db");
    }
}
