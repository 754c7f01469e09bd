//! The SQLite backend: a file, created if missing, in WAL mode with foreign keys on.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

/// Opens (creating if needed) the database of `url` (`sqlite:parcours.db`, `sqlite::memory:`).
pub(super) async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    if !in_memory {
        options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
    }
    // An in-memory database lives in its one connection.
    let max_connections = if in_memory { 1 } else { 4 };
    SqlitePoolOptions::new()
        .max_connections(max_connections)
        .connect_with(options)
        .await
}

/// A write transaction that takes the write lock at once, so that two imports queue instead of
/// failing when the second tries to upgrade its read lock.
async fn begin(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("begin immediate").await
}

/// A publication's write transaction: as [`begin`], the write lock taken at once, so that two
/// publications take turns.
async fn begin_publication(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    begin(pool).await
}

/// A visit report's write transaction: as [`begin`], the write lock taken at once, so that
/// reports, imports and publications take turns.
async fn begin_report(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    begin(pool).await
}

/// SQLite stores instants as RFC 3339 text in UTC, like the schema's defaults.
fn stamp(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

super::queries::backend_queries!(Sqlite, SqliteConnection);
