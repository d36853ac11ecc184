//! The SQL implementation of `Store`, shared by `SQLite` and `PostgreSQL` through
//! sqlx's `Any` driver. Queries are written once in the common dialect
//! (`$N` parameters, partial indexes, `ON CONFLICT`, `RETURNING`).
//!
//! Each port of `crate::ports` is implemented for [`SqlStore`] in the file
//! of its area: `sources.rs` (`Sources`), `syncs.rs` (`Syncs`, with
//! `versions/` writing the versions of the tables `columns.rs` defines), `directory.rs` (`Snapshots`),
//! `browse.rs`, `history.rs`, `console.rs`, `evidence.rs`
//! (`EvidenceSettings`), `audit.rs`, `jobs.rs`, `quota_shares.rs` and
//! `migrate.rs` (`Migrations`); `close.rs` closes stores on exit,
//! `storage.rs` measures the directory's bytes, and `compact.rs` encodes
//! the directory's documents (`compact_rewrite.rs` converts those of earlier
//! versions once, on start). This file holds only the store itself.

mod access;
mod audit;
mod browse;
mod close;
mod columns;
mod compact;
mod compact_rewrite;
mod console;
mod directory;
mod evidence;
mod history;
mod jobs;
mod keys;
mod migrate;
#[cfg(test)]
mod plans;
mod pool;
mod quota_shares;
mod reviews;
mod rows;
mod sources;
mod storage;
mod syncs;
mod text;
mod versions;

use std::sync::Arc;

use roster_core::Clock;
use sqlx::AnyPool;

use crate::error::StoreError;
use crate::ports::Store;
use crate::records::Backend;

pub use close::close_all;

/// A `Store` over a `SQLite` file or a `PostgreSQL` database.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    clock: Arc<dyn Clock>,
    /// Closes the pool when the last clone is dropped (see `close`).
    _open: Arc<close::OpenPool>,
}

impl SqlStore {
    /// Connects and applies pending migrations; times come from the system clock.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_clock(url, roster_core::clock::system()).await
    }

    /// Connects and applies pending migrations; every stored time comes from `clock`.
    pub async fn connect_with_clock(url: &str, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let (pool, backend) = pool::open(url).await?;
        migrate::run(&pool, backend, &*clock).await?;
        compact_rewrite::rewrite_legacy(&pool).await?;
        Ok(Self {
            _open: close::OpenPool::register(pool.clone(), backend),
            pool,
            backend,
            clock,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Folds `SQLite`'s write-ahead log into the database file (so file sizes
    /// mean something); nothing to do on `PostgreSQL`.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        close::checkpoint(&self.pool, self.backend).await
    }

    /// Checkpoints (as [`Self::checkpoint`]) and closes every connection:
    /// `SQLite` leaves no write-ahead log behind. Later calls on this store
    /// (or its clones) fail; closing twice does nothing.
    pub async fn close(&self) -> Result<(), StoreError> {
        close::close(&self.pool, self.backend).await
    }
}

impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    fn clock(&self) -> &dyn Clock {
        &*self.clock
    }
}
