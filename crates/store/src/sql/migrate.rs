//! Embedded migrations, applied in order at start. On `PostgreSQL` an
//! advisory lock keeps many starting processes from racing.
//!
//! # The rule for a new migration
//!
//! - Take the next free number (numbers are never reused; a branch may land
//!   out of order, the runner applies every version it has not recorded).
//! - **`shared!`** when one SQL text runs on both backends: write it once as
//!   `migrations/shared/NNNN_name.sql`. Stay in the common dialect: `TEXT`,
//!   `BIGINT`, `INTEGER` for flags, `ALTER TABLE … ADD COLUMN`,
//!   `CREATE [UNIQUE] INDEX … [WHERE …]`, `CREATE TABLE` without identity
//!   columns. This is the default.
//! - **`per_backend!`** only where the backends differ (identity columns,
//!   changing a constraint, which `SQLite` can only do by rebuilding the
//!   table, `PostgreSQL`-only types): the same file name under
//!   `migrations/sqlite/` and `migrations/postgres/`, each holding only what
//!   that backend needs.
//! - Never edit a migration once released: the runner records versions, not
//!   checksums, so an edit would never reach a database that has applied
//!   it. 0001–0006 predate this rule and stay per backend as they are.
//!
//! A test checks that every file under `migrations/` is registered here
//! exactly once, in the form its folder says.

use async_trait::async_trait;
use roster_core::Clock;
use sqlx::{AnyPool, Row};

use super::SqlStore;
use crate::error::StoreError;
use crate::ports::Migrations;
use crate::records::Backend;

/// The SQL of one migration.
#[derive(Debug)]
enum Script {
    /// One text for both backends (`migrations/shared/`).
    Shared(&'static str),
    /// A text per backend (`migrations/sqlite/`, `migrations/postgres/`).
    PerBackend {
        sqlite: &'static str,
        postgres: &'static str,
    },
}

struct Migration {
    version: i64,
    name: &'static str,
    file: &'static str,
    script: Script,
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match (&self.script, backend) {
            (Script::Shared(sql), _) => sql,
            (Script::PerBackend { sqlite, .. }, Backend::Sqlite) => sqlite,
            (Script::PerBackend { postgres, .. }, Backend::Postgres) => postgres,
        }
    }
}

/// A migration written once, for both backends.
macro_rules! shared {
    ($version:literal, $name:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $name,
            file: $file,
            script: Script::Shared(include_str!(concat!("../../migrations/shared/", $file))),
        }
    };
}

/// A migration whose SQL differs by backend: the same file name in each folder.
macro_rules! per_backend {
    ($version:literal, $name:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $name,
            file: $file,
            script: Script::PerBackend {
                sqlite: include_str!(concat!("../../migrations/sqlite/", $file)),
                postgres: include_str!(concat!("../../migrations/postgres/", $file)),
            },
        }
    };
}

#[rustfmt::skip]
const MIGRATIONS: &[Migration] = &[
    per_backend!(1, "init", "0001_init.sql"),
    per_backend!(2, "jobs", "0002_jobs.sql"),
    per_backend!(3, "evidence", "0003_evidence.sql"),
    per_backend!(4, "console", "0004_console.sql"),
    per_backend!(5, "quotas", "0005_quotas.sql"),
    per_backend!(6, "console identities", "0006_console_identities.sql"),
    shared!(8, "indexes justified", "0008_indexes_justified.sql"),
    shared!(9, "quota model", "0009_quota_model.sql"),
    shared!(10, "directory fields", "0010_directory_fields.sql"),
    shared!(11, "source placement", "0011_source_placement.sql"),
    shared!(12, "sso access", "0012_sso_access.sql"),
    per_backend!(13, "reviews", "0013_reviews.sql"),
    shared!(14, "one key index", "0014_one_key_index.sql"),
    shared!(15, "compact documents", "0015_compact_documents.sql"),
    per_backend!(20, "reviewer role", "0020_reviewer_role.sql"),
    per_backend!(21, "directory keys", "0021_directory_keys.sql"),
    shared!(22, "directory keyed", "0022_directory_keys.sql"),
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
        let sql = m.sql(backend);
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
        tracing::info!(
            version = m.version,
            name = m.name,
            file = m.file,
            "applied migration"
        );
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

    async fn close(&self) -> Result<(), StoreError> {
        SqlStore::close(self).await
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    fn files_in(folder: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(folder);
        match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|f| Path::new(f).extension().is_some_and(|e| e == "sql"))
                .collect(),
            Err(_) => BTreeSet::new(),
        }
    }

    #[test]
    fn versions_are_unique_and_increasing_and_named_by_their_file() {
        for pair in MIGRATIONS.windows(2) {
            assert!(pair[0].version < pair[1].version, "{}", pair[1].file);
        }
        for m in MIGRATIONS {
            assert!(
                m.file.starts_with(&format!("{:04}_", m.version)),
                "{}",
                m.file
            );
            assert!(!m.sql(Backend::Sqlite).trim().is_empty(), "{}", m.file);
            assert!(!m.sql(Backend::Postgres).trim().is_empty(), "{}", m.file);
        }
    }

    #[test]
    fn every_file_is_registered_once_in_the_form_of_its_folder() {
        let (sqlite, postgres, shared) =
            (files_in("sqlite"), files_in("postgres"), files_in("shared"));
        assert_eq!(sqlite, postgres, "a per-backend migration needs both files");
        let mut registered = BTreeSet::new();
        for m in MIGRATIONS {
            assert!(registered.insert(m.file), "{} registered twice", m.file);
            match m.script {
                Script::Shared(_) => assert!(
                    shared.contains(m.file) && !sqlite.contains(m.file),
                    "{} is shared: only under migrations/shared/",
                    m.file
                ),
                Script::PerBackend { .. } => assert!(
                    sqlite.contains(m.file) && !shared.contains(m.file),
                    "{} is per backend: under migrations/sqlite/ and postgres/ only",
                    m.file
                ),
            }
        }
        let on_disk: BTreeSet<&str> = sqlite.iter().chain(&shared).map(String::as_str).collect();
        assert_eq!(on_disk, registered, "every migration file is in MIGRATIONS");
    }
}
