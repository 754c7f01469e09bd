//! The PostgreSQL backend.

use sqlx::postgres::PgPoolOptions;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};

/// A pool of connections to the database of `url`.
pub(super) async fn connect(url: &str) -> Result<PgPool, sqlx::Error> {
    PgPoolOptions::new().max_connections(8).connect(url).await
}

/// Arbitrary key of the advisory lock that serialises imports.
const IMPORT_LOCK: i64 = 0x7061_7263_6f75_7273;

/// A write transaction holding the import lock: two imports run one after the other instead of
/// failing on each other's new codes.
async fn begin(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(IMPORT_LOCK)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Arbitrary key of the advisory lock that serialises publications.
const PUBLICATION_LOCK: i64 = 0x7075_626c_6963_6174;

/// A write transaction holding the publication lock: two servers publishing at once take turns,
/// so each publication compares the plan with what the previous one wrote.
async fn begin_publication(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(PUBLICATION_LOCK)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// A visit report's write transaction, holding the import lock (it changes a family's last
/// visit) and then the publication lock (it publishes), in that order, which no other
/// transaction reverses.
async fn begin_report(pool: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
    let mut tx = begin(pool).await?;
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(PUBLICATION_LOCK)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// PostgreSQL stores instants as `timestamptz`.
fn stamp(now: DateTime<Utc>) -> DateTime<Utc> {
    now
}

super::queries::backend_queries!(Postgres, PgConnection);
