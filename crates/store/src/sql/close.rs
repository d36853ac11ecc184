//! Giving `SQLite`'s disk space back: free pages released after a sync, and
//! on close the write-ahead log folded into the database file and truncated,
//! then every connection closed, so a command or server leaves no `-wal`
//! file behind when it exits.
//!
//! Every open store is registered here. [`close_all`] (called by the CLI
//! before it exits, whatever the command's outcome) closes those still open
//! and waits for those whose last handle was dropped: dropping a store
//! starts its close in the background, which [`close_all`] then awaits.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use sqlx::AnyPool;
use tokio::task::JoinHandle;

use crate::error::StoreError;
use crate::records::Backend;

/// Owns the pool on behalf of every clone of one `SqlStore`; closes it when
/// the last clone is dropped.
#[derive(Debug)]
pub(super) struct OpenPool {
    pool: AnyPool,
    backend: Backend,
}

static OPEN: Mutex<Vec<Weak<OpenPool>>> = Mutex::new(Vec::new());
static CLOSING: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

impl OpenPool {
    /// Registers `pool` so that [`close_all`] can close it.
    pub(super) fn register(pool: AnyPool, backend: Backend) -> Arc<Self> {
        let open = Arc::new(Self { pool, backend });
        let mut list = OPEN.lock().unwrap_or_else(PoisonError::into_inner);
        list.retain(|w| w.strong_count() > 0);
        list.push(Arc::downgrade(&open));
        open
    }
}

impl Drop for OpenPool {
    fn drop(&mut self) {
        if self.pool.is_closed() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (pool, backend) = (self.pool.clone(), self.backend);
        let task = runtime.spawn(async move {
            if let Err(e) = close(&pool, backend).await {
                tracing::warn!(error = %e, "closing the database");
            }
        });
        let mut closing = CLOSING.lock().unwrap_or_else(PoisonError::into_inner);
        closing.retain(|t| !t.is_finished());
        closing.push(task);
    }
}

/// Folds the write-ahead log into the database file and truncates it
/// (`SQLite`; nothing to fold on `PostgreSQL`).
pub(super) async fn checkpoint(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// After a sync's staged rows are removed (a fifth to a third of the file):
/// returns the database's free pages to the file system, on a `SQLite` file
/// created with `auto_vacuum = INCREMENTAL`, then folds the log, which
/// removing and moving those pages filled, back into the file and truncates
/// it. A checkpoint that other connections keep from completing is left to
/// the next one (`wal_autocheckpoint`).
pub(super) async fn release_free_pages(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA incremental_vacuum")
            .execute(pool)
            .await?;
        if let Err(e) = checkpoint(pool, backend).await {
            tracing::debug!(error = %e, "checkpoint after a sync deferred");
        }
    }
    Ok(())
}

/// Checkpoints, then closes every connection of `pool`. Closing an already
/// closed pool does nothing.
pub(super) async fn close(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    if pool.is_closed() {
        return Ok(());
    }
    let folded = checkpoint(pool, backend).await;
    pool.close().await;
    folded
}

/// Closes every store this process opened: those still open, and those
/// whose last handle was dropped and whose close is under way. Call it once
/// before the process exits.
pub async fn close_all() {
    let open: Vec<Arc<OpenPool>> = OPEN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .drain(..)
        .filter_map(|w| w.upgrade())
        .collect();
    for store in &open {
        if let Err(e) = close(&store.pool, store.backend).await {
            tracing::warn!(error = %e, "closing the database");
        }
    }
    let closing = std::mem::take(&mut *CLOSING.lock().unwrap_or_else(PoisonError::into_inner));
    for task in closing {
        let _ = task.await;
    }
}
