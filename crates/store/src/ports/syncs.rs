//! Sync runs: begin, stage, publish atomically, or fail; history.

use async_trait::async_trait;
use roster_core::{SnapshotCounts, SourceId, SyncId, SyncStats, TenantId};

use crate::error::StoreError;
use crate::records::{DirectoryLocation, Snapshot, StageBatch, SyncFailure, SyncRun, Versioning};

#[async_trait]
pub trait Syncs: Send + Sync {
    /// Starts a sync. Runs of this source left `running` by a dead process are
    /// marked failed (`interrupted`) and what they wrote is undone.
    async fn begin_sync(&self, tenant: &TenantId, source: &SourceId) -> Result<SyncId, StoreError>;
    /// Writes rows of a running sync as versions no published snapshot sees
    /// yet; idempotent for rows written twice (the first sighting wins).
    /// Refused with `Conflict` once the run is no longer running.
    async fn stage(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        batch: &StageBatch,
    ) -> Result<(), StoreError> {
        self.stage_with(tenant, sync, batch, Versioning::Now).await
    }
    /// `stage`, choosing when the batch becomes versions; once a batch is left
    /// to the publish, publishing versions every staged row of the run.
    async fn stage_with(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        batch: &StageBatch,
        versioning: Versioning,
    ) -> Result<(), StoreError>;
    /// Publishes the run atomically as the source's current snapshot: objects
    /// it did not see end here.
    async fn publish_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        location: Option<&DirectoryLocation>,
        stats: &SyncStats,
    ) -> Result<SnapshotCounts, StoreError>;
    /// Marks a sync failed and undoes what it wrote; the previous snapshot stays current.
    async fn fail_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        failure: &SyncFailure,
        stats: &SyncStats,
    ) -> Result<(), StoreError>;
    async fn get_sync(&self, tenant: &TenantId, sync: SyncId) -> Result<SyncRun, StoreError>;
    /// Newest first.
    async fn list_syncs(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        limit: u32,
    ) -> Result<Vec<SyncRun>, StoreError>;
    async fn latest_snapshot(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<Option<Snapshot>, StoreError>;
    /// Removes leftover staged rows of finished runs of `source` (housekeeping
    /// after a publish; `begin_sync` does it too).
    async fn clean_staging(&self, tenant: &TenantId, source: &SourceId) -> Result<(), StoreError>;
}
