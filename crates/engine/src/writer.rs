//! The single store writer of a sync: gathers pages into batches and writes
//! them, so memory is bounded by the channel and the batch size.
//!
//! Each batch normally becomes versions at once, which leaves the publish
//! almost nothing to do. Versioning costs about as much again as staging, so
//! a writer that stays behind its readers (half the channel waiting at
//! `BEHIND_FLUSHES` writes in a row; a burst of pages is not enough) stages
//! only from then on and leaves the versions to the publish, which does them
//! in bulk: the readers do not wait for the store.

use std::sync::Arc;

use roster_core::{SyncId, TenantId};
use roster_store::{StageBatch, Store, StoreError, Versioning};
use tokio::sync::mpsc;

/// Consecutive writes that found the channel at least half full.
const BEHIND_FLUSHES: u32 = 3;

pub(crate) async fn write_batches(
    store: Arc<dyn Store>,
    tenant: TenantId,
    sync: SyncId,
    mut rx: mpsc::Receiver<StageBatch>,
    batch_rows: usize,
) -> Result<(), StoreError> {
    let mut pending = StageBatch::default();
    let mut versioning = Versioning::Now;
    let mut behind = 0;
    while let Some(batch) = rx.recv().await {
        pending.users.extend(batch.users);
        pending.groups.extend(batch.groups);
        pending.memberships.extend(batch.memberships);
        if pending.len() >= batch_rows {
            behind = if rx.len() * 2 >= rx.max_capacity() {
                behind + 1
            } else {
                0
            };
            if versioning == Versioning::Now && behind >= BEHIND_FLUSHES {
                tracing::debug!(%sync, "store writer behind its readers: versions left to the publish");
                versioning = Versioning::AtPublish;
            }
            store
                .stage_with(&tenant, sync, &std::mem::take(&mut pending), versioning)
                .await?;
        }
    }
    if !pending.is_empty() {
        store
            .stage_with(&tenant, sync, &pending, versioning)
            .await?;
    }
    Ok(())
}
