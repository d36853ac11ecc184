//! The `Store` trait: everything roster persists, scoped by tenant.

use async_trait::async_trait;
use roster_core::{
    ExternalId, Group, RoleArn, SnapshotCounts, SourceId, SyncId, SyncStats, TenantId, User,
};

use crate::error::StoreError;
use crate::records::{
    Backend, DirectoryLocation, MembershipRow, NewSource, Snapshot, Source, StageBatch,
    SyncFailure, SyncRun, VersionCounts,
};

/// Every method takes the tenant first; implementations must never return
/// another tenant's rows (a foreign ID is `NotFound`).
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    fn backend(&self) -> Backend;

    async fn create_tenant(&self, tenant: &TenantId, name: &str) -> Result<(), StoreError>;

    /// Creates a source; External IDs are unique across all tenants.
    async fn create_source(&self, tenant: &TenantId, new: &NewSource)
    -> Result<Source, StoreError>;
    async fn get_source(&self, tenant: &TenantId, id: &SourceId) -> Result<Source, StoreError>;
    async fn find_source_by_external_id(
        &self,
        tenant: &TenantId,
        external_id: &ExternalId,
    ) -> Result<Option<Source>, StoreError>;
    async fn list_sources(&self, tenant: &TenantId) -> Result<Vec<Source>, StoreError>;
    async fn set_source_role(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        role: &RoleArn,
    ) -> Result<(), StoreError>;
    async fn set_source_location(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        location: &DirectoryLocation,
    ) -> Result<(), StoreError>;

    /// Starts a sync. Runs of this source left `running` by a dead process are
    /// marked failed (`interrupted`) and their staged rows discarded.
    async fn begin_sync(&self, tenant: &TenantId, source: &SourceId) -> Result<SyncId, StoreError>;
    /// Stages rows of a running sync; idempotent for rows staged twice.
    async fn stage(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        batch: &StageBatch,
    ) -> Result<(), StoreError>;
    /// Publishes the staged rows atomically as the source's current snapshot.
    async fn publish_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        location: Option<&DirectoryLocation>,
        stats: &SyncStats,
    ) -> Result<SnapshotCounts, StoreError>;
    /// Marks a sync failed and discards what it staged; the previous snapshot stays current.
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

    /// Users of a snapshot ordered by `UserId`, after `after` (keyset pagination).
    async fn users_page(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<User>, StoreError>;
    async fn groups_page(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Group>, StoreError>;
    async fn memberships_page(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MembershipRow>, StoreError>;

    async fn version_counts(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<VersionCounts, StoreError>;
}
