//! Per-source evidence settings (check exemptions, privileged-group
//! patterns, freshness window), uploaded HR rosters, and the tenant's bundle
//! signing key.

use async_trait::async_trait;
use roster_core::evidence::{CheckSettings, HrRoster};
use roster_core::{SourceId, TenantId, Timestamp};

use crate::error::StoreError;

/// The latest HR roster of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHrRoster {
    pub file_name: String,
    pub uploaded_at: Timestamp,
    pub roster: HrRoster,
}

#[async_trait]
pub trait EvidenceSettings: Send + Sync {
    /// The source's check settings; defaults when never set. `NotFound` for a
    /// source of another tenant.
    async fn check_settings(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<CheckSettings, StoreError>;
    async fn set_check_settings(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        settings: &CheckSettings,
    ) -> Result<(), StoreError>;
    /// Stores a parsed roster as the source's latest.
    async fn save_hr_roster(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        file_name: &str,
        roster: &HrRoster,
    ) -> Result<(), StoreError>;
    async fn latest_hr_roster(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<Option<StoredHrRoster>, StoreError>;
    /// The tenant's signing key seed (base64). Stores `candidate` when the
    /// tenant has none yet; concurrent first calls agree on one key.
    async fn signing_seed(&self, tenant: &TenantId, candidate: &str) -> Result<String, StoreError>;
}
