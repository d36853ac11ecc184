//! Persistence of roster: the store's ports (`ports`: one small trait per
//! capability, and `Store`, all of them), one SQL implementation for
//! `SQLite` and `PostgreSQL` (`sql`), and the embedded migrations.
//!
//! Depends on `roster-core` only. Every query is scoped by tenant.

pub mod error;
pub mod ports;
pub mod records;
mod sql;

pub use error::StoreError;
pub use ports::access::{
    AccessBatch, AccessCounts, AccessEntry, AccessFilter, StoredPermissionSet, SyncScope,
};
pub use ports::audit::{AuditEntry, AuditRecord};
pub use ports::browse::{GroupSummary, UserFilter, UserSummary};
pub use ports::console::{
    ApiToken, ConsoleRole, ConsoleUser, Credentialed, NewApiToken, NewConsoleUser, OneTimeLink,
    OneTimePurpose, SessionPrincipal,
};
pub use ports::evidence::StoredHrRoster;
pub use ports::quota_shares::QuotaHolders;
pub use ports::reviews::{
    Campaign, Decider, DecisionRecord, ItemFilter, NewCampaign, NewDecision, Owner, ReviewItem,
    ReviewerProgress, RevokedItem, VerifyOutcome,
};
pub use ports::{
    Access, Audit, Browse, Console, EvidenceSettings, History, Jobs, Migrations, QuotaShares,
    Reviews, Snapshots, Sources, Store, Syncs,
};
pub use records::{
    Backend, DirectoryLocation, InstanceType, Job, JobOutcome, JobStatus, MembershipRow, NewSource,
    Placement, Snapshot, Source, SourceStatus, StageBatch, SyncFailure, SyncRun, SyncStatus,
    Tenant, VersionCounts, Versioning,
};
pub use sql::{SqlStore, close_all};

/// The store's traits, for calling their methods on `Arc<dyn Store>`.
pub mod prelude {
    pub use crate::ports::{
        Access, Audit, Browse, Console, EvidenceSettings, History, Jobs, Migrations, QuotaShares,
        Reviews, Snapshots, Sources, Store, Syncs,
    };
}

use std::sync::Arc;

/// Opens the database at `url` (`sqlite://FILE`, `sqlite::memory:` or
/// `postgres://…`), applying pending migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(SqlStore::connect(url).await?))
}

/// [`connect`], with every stored time taken from `clock` (tests fix it).
pub async fn connect_with_clock(
    url: &str,
    clock: Arc<dyn roster_core::Clock>,
) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(SqlStore::connect_with_clock(url, clock).await?))
}
