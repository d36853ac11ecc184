//! `Access` on SQL: the SSO source's versioned tables.
//!
//! PLACEHOLDER: the port is fixed so the engine, web and CLI can be written
//! against it; the SQL implementation replaces these bodies.

use async_trait::async_trait;
use roster_core::sso::{
    AccessDiff, Account, AccountAssignment, Application, ApplicationAssignment,
};
use roster_core::{SourceId, SyncId, TenantId};

use super::SqlStore;
use crate::error::StoreError;
use crate::ports::Access;
use crate::ports::access::{
    AccessBatch, AccessCounts, AccessEntry, AccessFilter, StoredPermissionSet,
};
use crate::records::Snapshot;

fn pending() -> StoreError {
    StoreError::Conflict("access storage is not implemented yet".into())
}

#[async_trait]
impl Access for SqlStore {
    async fn begin_access_sync(&self, _: &TenantId, _: &SourceId) -> Result<SyncId, StoreError> {
        Err(pending())
    }
    async fn set_source_collects_access(
        &self,
        _: &TenantId,
        _: &SourceId,
        _: bool,
    ) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn stage_access(
        &self,
        _: &TenantId,
        _: SyncId,
        _: &AccessBatch,
    ) -> Result<(), StoreError> {
        Err(pending())
    }
    async fn latest_access_snapshot(
        &self,
        _: &TenantId,
        _: &SourceId,
    ) -> Result<Option<Snapshot>, StoreError> {
        Ok(None)
    }
    async fn access_page(
        &self,
        _: &TenantId,
        _: &Snapshot,
        _: &AccessFilter,
        _: Option<&str>,
        _: u32,
    ) -> Result<Vec<AccessEntry>, StoreError> {
        Err(pending())
    }
    async fn accounts(&self, _: &TenantId, _: &Snapshot) -> Result<Vec<Account>, StoreError> {
        Err(pending())
    }
    async fn permission_sets(
        &self,
        _: &TenantId,
        _: &Snapshot,
    ) -> Result<Vec<StoredPermissionSet>, StoreError> {
        Err(pending())
    }
    async fn account_assignments(
        &self,
        _: &TenantId,
        _: &Snapshot,
    ) -> Result<Vec<AccountAssignment>, StoreError> {
        Err(pending())
    }
    async fn applications(
        &self,
        _: &TenantId,
        _: &Snapshot,
    ) -> Result<Vec<(Application, Vec<ApplicationAssignment>)>, StoreError> {
        Err(pending())
    }
    async fn access_counts(&self, _: &TenantId, _: &Snapshot) -> Result<AccessCounts, StoreError> {
        Err(pending())
    }
    async fn access_diff(
        &self,
        _: &TenantId,
        _: &SourceId,
        _: SyncId,
        _: SyncId,
    ) -> Result<AccessDiff, StoreError> {
        Err(pending())
    }
}
