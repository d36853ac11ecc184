//! The single store writer of a sync: gathers pages into batches and stages
//! them, so memory is bounded by the channel and the batch size.

use std::sync::Arc;

use roster_core::{SyncId, TenantId};
use roster_store::{StageBatch, Store, StoreError};
use tokio::sync::mpsc;

pub(crate) async fn write_batches(
    store: Arc<dyn Store>,
    tenant: TenantId,
    sync: SyncId,
    mut rx: mpsc::Receiver<StageBatch>,
    batch_rows: usize,
) -> Result<(), StoreError> {
    let mut pending = StageBatch::default();
    while let Some(batch) = rx.recv().await {
        pending.users.extend(batch.users);
        pending.groups.extend(batch.groups);
        pending.memberships.extend(batch.memberships);
        if pending.len() >= batch_rows {
            store
                .stage(&tenant, sync, &std::mem::take(&mut pending))
                .await?;
        }
    }
    if !pending.is_empty() {
        store.stage(&tenant, sync, &pending).await?;
    }
    Ok(())
}
