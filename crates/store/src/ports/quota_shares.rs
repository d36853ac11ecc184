//! Shares of AWS's per-instance request quota among the processes syncing
//! one Identity Center instance at once (AWS's quota belongs to the instance, not the process). Platform-wide, like job
//! claiming: the quota belongs to the AWS instance, not to a tenant, and a
//! share row holds no directory data.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use roster_core::WorkerId;

use crate::error::StoreError;

/// The holders of an instance's quota, as one holder sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaHolders {
    /// Holders with a live share, the asking one included.
    pub count: u32,
    /// Every other live holder, with how often it has renewed its share: a
    /// holder whose count went up since this one joined has counted it.
    pub others: BTreeMap<WorkerId, i64>,
}

#[async_trait]
pub trait QuotaShares: Send + Sync {
    /// Holds, or renews, `holder`'s share of `instance`'s quota until `ttl`
    /// from now, drops shares that expired, and returns the live holders.
    /// The share is written before the holders are read, so of two processes
    /// joining at once at least the later one sees both.
    async fn hold_quota_share(
        &self,
        instance: &str,
        holder: &WorkerId,
        ttl: Duration,
    ) -> Result<QuotaHolders, StoreError>;
    /// Gives the share back (the others may speed up at their next renewal).
    async fn release_quota_share(
        &self,
        instance: &str,
        holder: &WorkerId,
    ) -> Result<(), StoreError>;
}
