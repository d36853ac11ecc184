//! Tenants and sources (connections).

use async_trait::async_trait;
use roster_core::quota::QuotaModel;
use roster_core::{ExternalId, RoleArn, SourceId, TenantId};

use crate::error::StoreError;
use crate::records::{DirectoryLocation, NewSource, Source, SourceStatus, Tenant};

#[async_trait]
pub trait Sources: Send + Sync {
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
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError>;
    async fn set_source_status(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        status: SourceStatus,
    ) -> Result<(), StoreError>;
    /// Seconds between scheduled syncs of a source (default one day).
    async fn set_source_interval(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        seconds: u32,
    ) -> Result<(), StoreError>;
    /// Requests per second per Identity Store API for this source's instance
    /// (`None`: back to the default); for quotas AWS raised.
    async fn set_source_api_tps(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        tps: Option<u32>,
    ) -> Result<(), StoreError>;
    /// How this source's instance counts its quota and the fraction of it
    /// syncs use (`budget` in (0, 1], checked by the caller).
    async fn set_source_quota(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        model: QuotaModel,
        budget: f64,
    ) -> Result<(), StoreError>;
    /// Deletes a source with its whole history (snapshots, syncs, jobs).
    async fn delete_source(&self, tenant: &TenantId, id: &SourceId) -> Result<(), StoreError>;
}
