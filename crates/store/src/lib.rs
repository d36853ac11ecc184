//! Persistence of roster: the `Store` trait, one SQL implementation for
//! `SQLite` and `PostgreSQL`, and the embedded per-backend migrations.
//!
//! Depends on `roster-core` only. Every query is scoped by tenant.

pub mod api;
pub mod error;
pub mod records;
mod sql;

pub use api::audit::{AuditEntry, AuditRecord};
pub use api::browse::{GroupSummary, UserFilter, UserSummary};
pub use api::console::{
    ApiToken, ConsoleRole, ConsoleUser, Credentialed, NewApiToken, NewConsoleUser, OneTimeLink,
    OneTimePurpose, SessionPrincipal,
};
pub use api::evidence::StoredHrRoster;
pub use api::quota_shares::QuotaHolders;
pub use api::{
    Audit, Browse, Console, EvidenceSettings, History, Jobs, Migrations, QuotaShares, Snapshots,
    Sources, Store, Syncs,
};
pub use error::StoreError;
pub use records::{
    Backend, DirectoryLocation, Job, JobOutcome, JobStatus, MembershipRow, NewSource, Snapshot,
    Source, SourceStatus, StageBatch, SyncFailure, SyncRun, SyncStatus, Tenant, VersionCounts,
    Versioning,
};
pub use sql::SqlStore;

/// The store's traits, for calling their methods on `Arc<dyn Store>`.
pub mod prelude {
    pub use crate::api::{
        Audit, Browse, Console, EvidenceSettings, History, Jobs, Migrations, QuotaShares,
        Snapshots, Sources, Store, Syncs,
    };
}

use std::sync::Arc;

/// Opens the database at `url` (`sqlite://FILE`, `sqlite::memory:` or
/// `postgres://…`), applying pending migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    Ok(Arc::new(SqlStore::connect(url).await?))
}
