//! The single store writer of a sync: gathers pages into batches and writes
//! them, so memory is bounded by the channel and the batch size.
//!
//! Writing and gathering overlap: while the store writes one batch, the next
//! one gathers from the channel, so readers keep reading during a write
//! instead of waiting for the channel to drain (on the 200k directory, a
//! write of 2,000 rows took longer than the channel's 64 pages lasted at
//! 2,000 requests a second). At most three batches are held: one being
//! written, one waiting, one gathering.
//!
//! Each batch normally becomes versions at once, which leaves the publish
//! almost nothing to do. Versioning costs about as much again as staging, so
//! a writer that stays behind its readers (half the channel waiting at
//! `BEHIND_FLUSHES` batches in a row; a burst of pages is not enough) stages
//! only from then on and leaves the versions to the publish, which does them
//! in bulk: the readers do not wait for the store.

use std::sync::Arc;

use roster_core::{SyncId, TenantId};
use roster_store::{StageBatch, Store, StoreError, Versioning};
use tokio::sync::mpsc;

/// Consecutive batches that found the channel at least half full.
const BEHIND_FLUSHES: u32 = 3;

pub(crate) async fn write_batches(
    store: Arc<dyn Store>,
    tenant: TenantId,
    sync: SyncId,
    rx: mpsc::Receiver<StageBatch>,
    batch_rows: usize,
) -> Result<(), StoreError> {
    // One batch waits while another is written.
    let (batches, mut to_write) = mpsc::channel::<(StageBatch, Versioning)>(1);
    let writing = async move {
        while let Some((batch, versioning)) = to_write.recv().await {
            store.stage_with(&tenant, sync, &batch, versioning).await?;
        }
        Ok(())
    };
    let (written, ()) = tokio::join!(writing, gather(rx, batches, batch_rows, sync));
    written
}

/// Gathers pages into batches of at least `batch_rows` rows (and the rest
/// at the end), each with how to version it. Stops early when the writing
/// side has stopped (on an error, which `write_batches` returns); readers
/// then find the channel closed.
async fn gather(
    mut rx: mpsc::Receiver<StageBatch>,
    batches: mpsc::Sender<(StageBatch, Versioning)>,
    batch_rows: usize,
    sync: SyncId,
) {
    let mut pending = StageBatch::default();
    let mut versioning = Versioning::Now;
    let mut behind = 0;
    while let Some(batch) = rx.recv().await {
        pending.users.extend(batch.users);
        pending.groups.extend(batch.groups);
        pending.memberships.extend(batch.memberships);
        if pending.len() < batch_rows {
            continue;
        }
        behind = if rx.len() * 2 >= rx.max_capacity() {
            behind + 1
        } else {
            0
        };
        if versioning == Versioning::Now && behind >= BEHIND_FLUSHES {
            tracing::debug!(%sync, "store writer behind its readers: versions left to the publish");
            versioning = Versioning::AtPublish;
        }
        if batches
            .send((std::mem::take(&mut pending), versioning))
            .await
            .is_err()
        {
            return;
        }
    }
    if !pending.is_empty() {
        // An error here is the writer's, which it returns.
        let _ = batches.send((pending, versioning)).await;
    }
}
