//! The SSO source's data (product.md §12): accounts, permission sets with
//! their policies, account and application assignments, and effective
//! access, all versioned like the directory (§6).
//!
//! An access sync is a sync run with `SyncScope::Access`: it stages through
//! `stage_access` and is published, failed and undone through `Syncs` like a
//! directory run, but its publish ends only access rows (and a directory run
//! only directory rows). So any snapshot `S` answers both questions: the
//! directory as of the newest directory run `<= S`, and access as of the
//! newest access run `<= S`.

use async_trait::async_trait;
use roster_core::sso::{
    AccessCheckSettings, AccessDiff, AccessRow, Account, AccountAssignment, Application,
    ApplicationAssignment, PermissionSetFacts,
};
use roster_core::{AccountId, SourceId, SyncId, TenantId};
use serde::Serialize;

use crate::error::StoreError;
use crate::records::Snapshot;

/// What a sync run reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncScope {
    /// The Identity Store: users, groups, memberships.
    #[default]
    Directory,
    /// The `sso:` side: permission sets, assignments, effective access.
    Access,
}

impl SyncScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Directory => "directory",
            Self::Access => "access",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Directory, Self::Access]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A permission set as stored: its facts and whether it was privileged
/// (by the source's settings at the time of the sync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPermissionSet {
    pub facts: PermissionSetFacts,
    pub privileged: bool,
    /// Accounts it is provisioned to.
    pub provisioned_accounts: Vec<AccountId>,
}

/// Rows of a running access sync, staged together (any field may be empty).
#[derive(Debug, Clone, Default)]
pub struct AccessBatch {
    pub accounts: Vec<Account>,
    pub permission_sets: Vec<StoredPermissionSet>,
    pub account_assignments: Vec<AccountAssignment>,
    pub applications: Vec<Application>,
    pub application_assignments: Vec<ApplicationAssignment>,
    /// Effective access, expanded through the directory snapshot of the
    /// same moment (the engine's choice: the newest directory snapshot).
    pub access: Vec<AccessRow>,
}

/// Filters of the Access page, the API and `roster access list`; all `None`
/// / `false` means every row.
#[derive(Debug, Clone, Default)]
pub struct AccessFilter {
    /// A user's ID or exact user name.
    pub user: Option<String>,
    pub account: Option<AccountId>,
    /// A permission set's ARN or exact name.
    pub permission_set: Option<String>,
    /// Rows granted through this group ID.
    pub group: Option<String>,
    /// Case-insensitive substring of user name, account ID or name,
    /// permission set name, group name.
    pub search: Option<String>,
    pub privileged_only: bool,
    pub direct_only: bool,
    pub orphaned_only: bool,
}

/// One effective-access row with the names a reader needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    #[serde(flatten)]
    pub row: AccessRow,
    pub account_name: Option<String>,
    pub permission_set_name: Option<String>,
    pub privileged: bool,
}

impl AccessEntry {
    /// The keyset cursor after this row (rows are ordered by it):
    /// user ID, account ID, permission set ARN, via group ID, joined by U+001F.
    pub fn cursor(&self) -> String {
        let (user, account, arn, group) = self.row.key();
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            user.unwrap_or_default(),
            account.as_str(),
            arn.as_str(),
            group.unwrap_or_default()
        )
    }
}

/// How much an access snapshot holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AccessCounts {
    pub accounts: u64,
    pub permission_sets: u64,
    pub account_assignments: u64,
    pub applications: u64,
    pub access_rows: u64,
    pub orphaned_rows: u64,
    pub privileged_rows: u64,
}

#[async_trait]
pub trait Access: Send + Sync {
    /// Starts an access sync of a source (like `Syncs::begin_sync`, which
    /// starts a directory sync): publish and fail it through `Syncs`.
    async fn begin_access_sync(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<SyncId, StoreError>;

    /// Whether a source also collects access (the SSO statement is in its
    /// role's policy; scheduled syncs read both scopes).
    async fn set_source_collects_access(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        collects: bool,
    ) -> Result<(), StoreError>;

    /// The source's settings of the access checks (defaults until set).
    /// `NotFound` for a source not in this tenant.
    async fn access_settings(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<AccessCheckSettings, StoreError>;

    async fn set_access_settings(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        settings: &AccessCheckSettings,
    ) -> Result<(), StoreError>;

    /// Writes rows of a running access sync (`SyncScope::Access`); idempotent
    /// for rows written twice. `Conflict` once the run is no longer running
    /// or is not an access run.
    async fn stage_access(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        batch: &AccessBatch,
    ) -> Result<(), StoreError>;

    /// The newest complete access run of a source.
    async fn latest_access_snapshot(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<Option<Snapshot>, StoreError>;

    /// Effective access as of `at`, ordered by `AccessEntry::cursor`, after
    /// `after` (keyset pagination), at most `limit` rows.
    async fn access_page(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
        filter: &AccessFilter,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AccessEntry>, StoreError>;

    /// The organization's accounts as of `at`, by account ID.
    async fn accounts(&self, tenant: &TenantId, at: &Snapshot) -> Result<Vec<Account>, StoreError>;

    /// Permission sets as of `at`, by name.
    async fn permission_sets(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
    ) -> Result<Vec<StoredPermissionSet>, StoreError>;

    /// Account assignments as AWS returned them, as of `at`.
    async fn account_assignments(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
    ) -> Result<Vec<AccountAssignment>, StoreError>;

    /// Applications and their assignments as of `at`.
    async fn applications(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
    ) -> Result<Vec<(Application, Vec<ApplicationAssignment>)>, StoreError>;

    async fn access_counts(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
    ) -> Result<AccessCounts, StoreError>;

    /// Effective access gained and lost between two snapshots (`from` may be
    /// `SyncId(0)`); reads only versions that changed in `(from, to]`.
    async fn access_diff(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        from: SyncId,
        to: SyncId,
    ) -> Result<AccessDiff, StoreError>;
}
