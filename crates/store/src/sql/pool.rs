//! Opening a pool from a database URL, with per-backend session settings.

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

use crate::error::{StoreError, redact_url};
use crate::records::Backend;

pub(super) fn backend_of(url: &str) -> Result<Backend, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StoreError::UnsupportedUrl(redact_url(url)))
    }
}

/// `SQLite` files are created when missing.
fn with_create_mode(url: &str) -> String {
    if url.contains(":memory:") || url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Session settings of every `SQLite` connection. A new database file
/// frees pages incrementally (`auto_vacuum`, which only takes effect before
/// the first table exists): the pages a sync's staging used are returned to
/// the file system once it is published (`close::release_free_pages`); a
/// database created before keeps them for the next sync. The write-ahead log is
/// checkpointed once it holds 1000 pages (4 MiB) and truncated back to
/// 4 MiB after each checkpoint that empties it (`journal_size_limit`): it is
/// bounded while roster runs, not only when it exits (`close`). A single
/// transaction larger than that still grows it until its next checkpoint.
const SQLITE_SESSION: &str = "PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA busy_timeout = 15000; PRAGMA foreign_keys = ON; \
     PRAGMA cache_size = -8192; PRAGMA temp_store = MEMORY; \
     PRAGMA wal_autocheckpoint = 1000; PRAGMA journal_size_limit = 4194304;";

pub(super) async fn open(url: &str) -> Result<(AnyPool, Backend), StoreError> {
    sqlx::any::install_default_drivers();
    let backend = backend_of(url)?;
    let (url, max_connections) = match backend {
        // One in-memory database per connection: keep a single one.
        Backend::Sqlite if url.contains(":memory:") => (url.to_owned(), 1),
        Backend::Sqlite => (with_create_mode(url), 4),
        Backend::Postgres => (url.to_owned(), 10),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    conn.execute(SQLITE_SESSION).await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .map_err(|source| StoreError::Connect {
            url: redact_url(&url),
            source,
        })?;
    Ok((pool, backend))
}

/// Starts a write transaction. On `SQLite` it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a transaction that reads before it writes then waits
/// its turn (`busy_timeout`) instead of failing with "database is locked"
/// when another connection wrote in between.
pub(super) async fn begin_write(
    pool: &AnyPool,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
    let tx = if pool.connect_options().database_url.scheme() == "sqlite" {
        pool.begin_with("BEGIN IMMEDIATE").await?
    } else {
        pool.begin().await?
    };
    Ok(tx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_the_backend() {
        assert_eq!(backend_of("sqlite://roster.db").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("sqlite::memory:").unwrap(), Backend::Sqlite);
        assert_eq!(backend_of("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert_eq!(
            backend_of("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        let err = backend_of("mysql://u:secret@h/db").unwrap_err().to_string();
        assert!(err.contains("unsupported database URL"), "{err}");
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn sqlite_files_are_created_on_demand() {
        assert_eq!(with_create_mode("sqlite://r.db"), "sqlite://r.db?mode=rwc");
        assert_eq!(
            with_create_mode("sqlite://r.db?x=1"),
            "sqlite://r.db?x=1&mode=rwc"
        );
        assert_eq!(
            with_create_mode("sqlite://r.db?mode=ro"),
            "sqlite://r.db?mode=ro"
        );
    }
}
