//! History for evidence: the versions that changed between two snapshots
//! (diffs read only those), the amount of change per sync (charts), and slim
//! per-user and per-group projections of a snapshot (checks).

use async_trait::async_trait;
use roster_core::evidence::{GroupFacts, SyncChangeCount, UserFacts, VersionChanges};
use roster_core::{SourceId, SyncId, TenantId};

use crate::error::StoreError;
use crate::records::Snapshot;

#[async_trait]
pub trait History: Send + Sync {
    /// For every object that differs between snapshots `from` and `to` (`from`
    /// < `to`; `from` may be `SyncId(0)`, "before the first sync"), its
    /// version as of `from` and as of `to`. Reads only versions whose
    /// `valid_from` or `valid_to` lies in `(from, to]`.
    async fn version_changes(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        from: SyncId,
        to: SyncId,
    ) -> Result<VersionChanges, StoreError>;
    /// Versions introduced plus versions ended at each sync up to `up_to`,
    /// per kind; newest first, at most `limit` syncs (syncs without change are absent).
    async fn change_counts(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        up_to: SyncId,
        limit: u32,
    ) -> Result<Vec<SyncChangeCount>, StoreError>;
    /// One slim row per user of the snapshot, with its number of groups, by `UserId`.
    async fn user_facts(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
    ) -> Result<Vec<UserFacts>, StoreError>;
    /// One row per group of the snapshot, with its number of members, by `GroupId`.
    async fn group_facts(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
    ) -> Result<Vec<GroupFacts>, StoreError>;
}
