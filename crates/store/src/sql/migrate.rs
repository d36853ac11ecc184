//! Embedded, per-backend migrations, applied in order at start. On
//! `PostgreSQL` an advisory lock keeps many starting processes from racing.

use async_trait::async_trait;
use roster_core::Clock;
use sqlx::{AnyPool, Row};

use super::SqlStore;
use crate::error::StoreError;
use crate::ports::Migrations;
use crate::records::Backend;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// One migration, the same file name under each backend's folder.
macro_rules! migration {
    ($version:literal, $name:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../../migrations/sqlite/", $file)),
            postgres: include_str!(concat!("../../migrations/postgres/", $file)),
        }
    };
}

#[rustfmt::skip]
const MIGRATIONS: &[Migration] = &[
    migration!(1, "init", "0001_init.sql"),
    migration!(2, "jobs", "0002_jobs.sql"),
    migration!(3, "evidence", "0003_evidence.sql"),
    migration!(4, "console", "0004_console.sql"),
    migration!(5, "quotas", "0005_quotas.sql"),
    migration!(6, "console identities", "0006_console_identities.sql"),
];

const LOCK_KEY: i64 = 0x726f_7374_6572; // "roster"

pub(super) async fn run(
    pool: &AnyPool,
    backend: Backend,
    clock: &dyn Clock,
) -> Result<(), StoreError> {
    let mut conn = pool.acquire().await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS roster_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(LOCK_KEY)
            .execute(&mut *conn)
            .await?;
    }
    let result = apply_pending(&mut conn, backend, clock).await;
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(LOCK_KEY)
            .execute(&mut *conn)
            .await?;
    }
    result
}

async fn applied_versions(conn: &mut sqlx::AnyConnection) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query("SELECT version FROM roster_migrations")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>(0).map_err(StoreError::from))
        .collect()
}

async fn apply_pending(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    clock: &dyn Clock,
) -> Result<(), StoreError> {
    // Every migration not yet applied, in order (not only those above the
    // highest applied one: branches may land migrations out of order).
    let applied = applied_versions(conn).await?;
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        let wrap = |source| StoreError::Migration {
            version: m.version,
            source,
        };
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(wrap)?;
        sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(wrap)?;
        sqlx::query(
            "INSERT INTO roster_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(clock.now().to_string())
        .execute(&mut *tx)
        .await
        .map_err(wrap)?;
        tx.commit().await.map_err(wrap)?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
    }
    Ok(())
}

async fn is_current(pool: &AnyPool, _backend: Backend) -> Result<bool, StoreError> {
    let mut conn = pool.acquire().await?;
    let applied = applied_versions(&mut conn).await?;
    Ok(MIGRATIONS.iter().all(|m| applied.contains(&m.version)))
}

#[async_trait]
impl Migrations for SqlStore {
    async fn migrations_current(&self) -> Result<bool, StoreError> {
        is_current(&self.pool, self.backend).await
    }
}
