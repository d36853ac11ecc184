//! Writing a running sync's rows as versions while it reads (the snapshot model of ARCHITECTURE.md).
//!
//! Each batch is staged (the run's own copy: what it saw, first sighting
//! wins) and versioned in the same transaction: an object that changed has
//! its current version ended at this sync and a new one begun; a new object
//! gets its first version. Readers ask for `valid_from <= S < valid_to` of a
//! *published* sync S, so versions begun by a running sync are invisible to
//! them and versions it ended stay visible. Publishing is then small: end the
//! versions of objects the run did not see, and mark the run complete. A run
//! that fails, or is found abandoned, has its versions undone. A source's
//! first sync has nothing to compare or end: it skips staging and writes
//! versions straight from each batch.
//!
//! `batch` stages and versions a running sync's batches, `publish` ends
//! what the run did not see, `discard` undoes a run that will never publish
//! and clears staging; `statements` builds the SQL they share.

use roster_core::{SourceId, SyncId, TenantId};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Transaction};

use crate::error::StoreError;

mod batch;
mod discard;
mod publish;
mod statements;

pub(super) use batch::write_batch;
pub(super) use discard::{clean_staging, delete_staged, undo};
pub(super) use publish::{chunk_end, publish};
#[cfg(test)]
pub(super) use statements::placeholders;

/// Rows (or keys) per statement: well under every backend's bind-parameter
/// limit, and small enough that `SQLite`'s per-parameter name lookup (linear
/// in the statement's parameters) stays cheap.
const ROWS_PER_STATEMENT: usize = 50;

type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;
/// Where versions are written: the run's tenant, its source's key
/// (`keys::ensure_source_key`) and the run.
type At<'a> = (&'a TenantId, i64, SyncId);

/// Runs `sql` with the run, tenant and source key as `$1..$3`, then `extra`.
async fn execute(
    tx: &mut Transaction<'_, Any>,
    sql: &str,
    (tenant, source_key, sync): At<'_>,
    extra: &[&str],
) -> Result<(), StoreError> {
    let mut q = sqlx::query(sql)
        .bind(sync.0)
        .bind(tenant.as_str())
        .bind(source_key);
    for value in extra {
        q = q.bind(*value);
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
/// Whether `source` has published a sync: before its first, it has no
/// versions but the running sync's, so there is nothing to end. (A
/// published access sync counts too: that only costs work, never skips it.)
async fn has_published(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT 1 FROM sync_runs WHERE tenant_id = $1 AND source_id = $2 AND status = 'complete' LIMIT 1",
    )
    .bind(tenant.as_str())
    .bind(source.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}
