//! The records the store reads and writes.

use roster_core::quota::QuotaModel;
use roster_core::{
    AccountId, ExternalId, Group, IdentityStoreId, JobId, Membership, Region, RoleArn,
    SnapshotCounts, SourceId, SyncId, SyncStats, TenantId, Timestamp, User, WorkerId,
};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceStatus {
    /// Created, waiting for a successful connection test.
    Pending,
    Connected,
    /// Turned off: no syncs, history kept.
    Disabled,
}

impl SourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Connected => "connected",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Connected, Self::Disabled]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tenant {
    pub id: TenantId,
    pub name: String,
    pub created_at: Timestamp,
}

/// A connection to one customer directory.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub id: SourceId,
    pub tenant_id: TenantId,
    pub name: String,
    pub role_arn: Option<RoleArn>,
    #[serde(skip)]
    pub external_id: ExternalId,
    pub location: Option<DirectoryLocation>,
    pub status: SourceStatus,
    pub created_at: Timestamp,
    /// Seconds between scheduled syncs.
    pub sync_interval_s: u32,
    /// When the scheduler next enqueues a sync (None: as soon as connected).
    pub next_sync_at: Option<Timestamp>,
    /// Requests per second per Identity Store API, when AWS raised this
    /// instance's quota (None: the worker's default, AWS's 20).
    pub api_tps: Option<u32>,
    /// How AWS counts this instance's quota (default `collective`).
    pub quota_model: QuotaModel,
    /// The fraction of the quota syncs use, in (0, 1] (default 0.5).
    pub quota_budget: f64,
    /// Also reads access (the SSO source, product.md §12): scheduled syncs
    /// read the directory, then access.
    pub collects_access: bool,
}

#[derive(Debug, Clone)]
pub struct NewSource {
    pub id: SourceId,
    pub name: String,
    pub role_arn: Option<RoleArn>,
    pub external_id: ExternalId,
    pub status: SourceStatus,
}

/// Where a source's directory lives, as discovered or typed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectoryLocation {
    pub identity_store_id: IdentityStoreId,
    pub region: Region,
    pub instance_arn: Option<String>,
    /// The account that owns the instance (or, typed in, the role's account).
    pub account_id: Option<AccountId>,
    /// The instance's `Status` as discovery read it (None: not discovered).
    pub instance_status: Option<String>,
    pub instance_type: InstanceType,
    /// The organization's management account, when discovery learned it.
    pub management_account: Option<AccountId>,
    /// Where the role lives relative to the organization.
    pub placement: Placement,
}

/// Which kind of Identity Center instance a source reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceType {
    /// The organization instance, owned by the management account.
    Organization,
    /// An account instance, owned by one member account.
    Account,
    /// Not known (typed in, no `organizations:DescribeOrganization`, or
    /// stored before roster kept it).
    #[default]
    Unknown,
}

impl InstanceType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Account => "account",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Organization, Self::Account, Self::Unknown]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

/// Where the customer put roster's role: management, delegated administrator or member account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// The organization's management account.
    Management,
    /// Identity Center's delegated administrator account.
    DelegatedAdministrator,
    /// Any other member account (Identity Store ID and Region typed in).
    Member,
    /// Not known (discovery not allowed, or stored before roster kept it).
    #[default]
    Unknown,
}

impl Placement {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Management => "management",
            Self::DelegatedAdministrator => "delegated-administrator",
            Self::Member => "member",
            Self::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Management,
            Self::DelegatedAdministrator,
            Self::Member,
            Self::Unknown,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SyncStatus {
    Running,
    Complete,
    Failed,
}

impl SyncStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Complete => "complete",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Running, Self::Complete, Self::Failed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// Why a sync failed: a diagnosis code with its cause and fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncFailure {
    pub code: String,
    pub cause: String,
    pub fix: String,
}

impl From<&roster_core::Diagnosis> for SyncFailure {
    fn from(d: &roster_core::Diagnosis) -> Self {
        Self {
            code: d.code.as_str().to_owned(),
            cause: d.cause.clone(),
            fix: d.fix.clone(),
        }
    }
}

/// One sync run; a complete run is a snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct SyncRun {
    pub id: SyncId,
    pub source_id: SourceId,
    pub status: SyncStatus,
    pub started_at: Timestamp,
    pub finished_at: Option<Timestamp>,
    pub counts: SnapshotCounts,
    pub stats: SyncStats,
    pub identity_store_id: Option<String>,
    pub region: Option<String>,
    pub failure: Option<SyncFailure>,
    /// What the run read: the directory or access (the SSO source).
    pub scope: crate::ports::access::SyncScope,
    /// Which directory fields the sync read (`roster_core::directory::DIRECTORY_FORMAT`):
    /// 1 for syncs before the enterprise extension and membership fields
    /// were kept. Not serialised: API output stays as it was.
    #[serde(skip)]
    pub directory_format: u8,
}

impl SyncRun {
    /// The snapshot this run published, if it completed.
    pub fn snapshot(&self) -> Option<Snapshot> {
        (self.status == SyncStatus::Complete).then(|| Snapshot {
            source_id: self.source_id.clone(),
            sync_id: self.id,
        })
    }
}

/// A reference to a complete sync: the directory as of that sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub source_id: SourceId,
    pub sync_id: SyncId,
}

/// Rows read in one page, staged together.
#[derive(Debug, Clone, Default)]
pub struct StageBatch {
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub memberships: Vec<Membership>,
}

impl StageBatch {
    pub fn len(&self) -> usize {
        self.users.len() + self.groups.len() + self.memberships.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A membership with the names a reader needs next to the IDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MembershipRow {
    pub membership: Membership,
    pub group_display_name: Option<String>,
    pub user_name: Option<String>,
}

/// How many entity versions a source has stored: grows with change, not with syncs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VersionCounts {
    pub users: u64,
    pub groups: u64,
    pub memberships: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Done, Self::Failed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A queued or finished sync job.
#[derive(Debug, Clone, Serialize)]
pub struct Job {
    pub id: JobId,
    pub tenant_id: TenantId,
    pub source_id: SourceId,
    pub status: JobStatus,
    /// Why it was queued: `schedule`, `manual`, `connect`, …
    pub reason: String,
    pub attempts: u32,
    pub run_after: Timestamp,
    pub created_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub finished_at: Option<Timestamp>,
    pub lease_owner: Option<WorkerId>,
    pub sync_id: Option<SyncId>,
    pub error_code: Option<String>,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Done(SyncId),
    Failed { sync: Option<SyncId>, code: String },
}

/// When a staged batch becomes versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Versioning {
    /// In the batch's own transaction (the publish then only ends what vanished).
    #[default]
    Now,
    /// In bulk at the publish: for a writer that fell behind its readers.
    AtPublish,
}
