//! Reading a snapshot back, page by page.

use async_trait::async_trait;
use roster_core::{Group, SourceId, TenantId, User};

use crate::error::StoreError;
use crate::records::{MembershipRow, Snapshot, VersionCounts};

#[async_trait]
pub trait Snapshots: Send + Sync {
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
