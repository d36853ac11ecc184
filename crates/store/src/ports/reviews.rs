//! Access reviews (product.md §13): campaigns over a population frozen as of
//! one snapshot, reviewers assigned by rule, append-only decisions, and the
//! verification of revocations against later snapshots.
//!
//! Rules the store enforces, whatever the caller: nobody is assigned or
//! decides an item of their own access (the console email matched against
//! every email the user has in the snapshot, primary or secondary, and
//! their user name; trimmed, case-insensitive); decisions are only appended
//! (a trigger rejects UPDATE and DELETE); a closed campaign takes no
//! decision; every read is scoped by tenant (a foreign ID is `NotFound`).

use async_trait::async_trait;
use roster_core::review::{
    CampaignId, CampaignStatus, OwnerKind, PopulationFilter, PopulationKind, Remediation, Verdict,
};
use roster_core::{SourceId, SyncId, TenantId, Timestamp};
use serde::Serialize;

use crate::error::StoreError;
use crate::records::Snapshot;

/// What opening a campaign needs. The snapshot is the complete sync whose
/// population is frozen (memberships: a directory snapshot; access: an
/// access snapshot).
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub id: CampaignId,
    pub name: String,
    pub snapshot: Snapshot,
    pub kind: PopulationKind,
    pub filter: PopulationFilter,
    /// Memberships with `privileged_only`: the source's privileged-group
    /// patterns (`IDS-07`), recorded with the campaign.
    pub privileged_patterns: Vec<String>,
    /// Every item goes to this reviewer (unless it is their own access).
    pub reviewer: Option<String>,
    /// Items with no owner, and items of an owner's own access.
    pub fallback_reviewer: Option<String>,
    pub due_at: Option<Timestamp>,
    pub remediation_days: u32,
    /// Who opened it (`alice@example.com`, `cli:bob`, `token:abcd`).
    pub created_by: String,
}

/// A campaign as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Campaign {
    pub id: CampaignId,
    pub name: String,
    pub source_id: SourceId,
    /// The snapshot the population was frozen from.
    pub sync_id: SyncId,
    pub kind: PopulationKind,
    pub filter: PopulationFilter,
    pub privileged_patterns: Vec<String>,
    pub reviewer: Option<String>,
    pub fallback_reviewer: Option<String>,
    pub due_at: Option<Timestamp>,
    pub remediation_days: u32,
    pub status: CampaignStatus,
    /// Items in the population (equal to the snapshot's count for the
    /// parameters, checked when it was opened).
    pub items: u64,
    pub created_by: String,
    pub created_at: Timestamp,
    pub closed_by: Option<String>,
    pub closed_at: Option<Timestamp>,
}

/// One reviewed item: a membership (`group_*`) or an access row
/// (`account_*`, `permission_set_*`, `via_group_*`), its reviewer and its
/// current decision (the newest record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    /// 1…items, in the population's order.
    pub id: i64,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub user_email: Option<String>,
    /// The membership's ID (memberships).
    pub membership_id: Option<String>,
    pub group_id: Option<String>,
    /// The group's display name (memberships).
    pub display_name: Option<String>,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub permission_set_arn: Option<String>,
    pub permission_set_name: Option<String>,
    /// Access granted through this group (access; `None`: direct).
    pub via_group_id: Option<String>,
    pub via_group_name: Option<String>,
    pub reviewer: Option<String>,
    /// `None`: undecided.
    pub decision: Option<Verdict>,
    pub comment: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    /// The snapshot that showed revoked access gone.
    pub remediated_sync: Option<SyncId>,
    /// Revoked items only.
    pub remediation: Option<Remediation>,
}

/// One decision record (append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRecord {
    pub id: i64,
    pub item_id: i64,
    pub verdict: Verdict,
    pub comment: Option<String>,
    /// `reassign`: the new reviewer.
    pub reassigned_to: Option<String>,
    pub actor: String,
    pub at: Timestamp,
}

/// Who records a decision: the actor written in the record and, for a
/// console user, their email (checked against the item's user).
#[derive(Debug, Clone)]
pub struct Decider {
    pub actor: String,
    pub email: Option<String>,
}

/// A decision about one or more items of a campaign (bulk: one record per item).
#[derive(Debug, Clone)]
pub struct NewDecision {
    pub items: Vec<i64>,
    pub verdict: Verdict,
    pub comment: Option<String>,
    /// `Verdict::Reassign` only.
    pub reassign_to: Option<String>,
}

/// Which items to list; `None` / `false` means all.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    /// Items assigned to this reviewer (case-insensitive).
    pub reviewer: Option<String>,
    /// `Some(None)`: undecided items.
    pub decision: Option<Option<Verdict>>,
    pub remediation: Option<Remediation>,
    /// Case-insensitive substring of user name, group or permission set name, account.
    pub search: Option<String>,
    /// Items before this ID instead of after: the last `limit` of them
    /// (a previous page), still in ID order; `after` is ignored.
    pub before: Option<i64>,
}

/// Per reviewer: items assigned and decided (keep or revoke).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewerProgress {
    /// `None`: items no reviewer could be assigned to.
    pub reviewer: Option<String>,
    pub items: u64,
    pub decided: u64,
    pub kept: u64,
    pub revoked: u64,
}

/// A configured owner: the reviewer of a group, account or permission set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    pub source_id: SourceId,
    pub kind: OwnerKind,
    /// Group ID, account ID or permission set ARN.
    pub object_id: String,
    pub email: String,
}

/// What one verification pass found for a source.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct VerifyOutcome {
    /// Revoked items that were still unremediated before the pass.
    pub checked: u64,
    /// Of those, the ones this snapshot shows gone.
    pub remediated: u64,
}

/// A revoked, unremediated item with what verification needs to look it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedItem {
    pub campaign_id: CampaignId,
    pub kind: PopulationKind,
    pub item: ReviewItem,
    pub remediation_days: u32,
}

#[async_trait]
pub trait Reviews: Send + Sync {
    /// Opens a campaign: copies the snapshot's population (filtered) into
    /// items in the database (memberships with INSERT … SELECT, access in
    /// keyset pages; never all in memory), assigns reviewers (owner, else
    /// the named reviewer, else the fallback; never the item's own user) and
    /// checks the item count against the snapshot's count for the same
    /// parameters. `Conflict` if the snapshot is not complete or empty of
    /// the kind; `NotFound` for a foreign source.
    async fn open_campaign(
        &self,
        tenant: &TenantId,
        new: &NewCampaign,
    ) -> Result<Campaign, StoreError>;

    async fn get_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<Campaign, StoreError>;

    /// Newest first.
    async fn list_campaigns(&self, tenant: &TenantId) -> Result<Vec<Campaign>, StoreError>;

    /// Items by ID after `after` (or before `filter.before`), at most
    /// `limit`, in ID order; the remediation of revoked items is computed
    /// at `now`.
    async fn review_items(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        filter: &ItemFilter,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ReviewItem>, StoreError>;

    async fn review_item(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        item: i64,
    ) -> Result<ReviewItem, StoreError>;

    /// Appends one record per item (bulk decisions too) and makes it the
    /// item's current decision. Refuses (`Conflict`) the whole batch when
    /// the campaign is closed, an item is the decider's own access, a
    /// revoke has no comment, or a reassignment goes to the item's own
    /// user; `NotFound` for an item not in the campaign.
    async fn decide(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        decider: &Decider,
        decision: &NewDecision,
    ) -> Result<Vec<DecisionRecord>, StoreError>;

    /// Decision records, oldest first, after `after`, at most `limit`.
    async fn decisions_page(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DecisionRecord>, StoreError>;

    async fn reviewer_progress(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<Vec<ReviewerProgress>, StoreError>;

    /// One reviewer's progress (case-insensitive; zeros when they have no
    /// item), counting only their items (by `review_items_reviewer`).
    async fn progress_of(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        reviewer: &str,
    ) -> Result<ReviewerProgress, StoreError>;

    /// Closes an open campaign, recording an `undecided` record for every
    /// undecided item. `Conflict` when already closed.
    async fn close_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        actor: &str,
    ) -> Result<Campaign, StoreError>;

    /// Sets (or with `email: None` removes) the owner of a group, account
    /// or permission set of a source.
    async fn set_owner(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        kind: OwnerKind,
        object_id: &str,
        email: Option<&str>,
    ) -> Result<(), StoreError>;

    async fn list_owners(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<Vec<Owner>, StoreError>;

    /// Revoked items of a source's campaigns not yet remediated, by
    /// (campaign, item), after `after`, at most `limit`.
    async fn revoked_unremediated(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        after: Option<(&CampaignId, i64)>,
        limit: u32,
    ) -> Result<Vec<RevokedItem>, StoreError>;

    /// Marks revoked membership items of a source remediated by `snapshot`
    /// when it no longer shows their membership (one statement; items
    /// revoked after the snapshot was taken are left alone).
    async fn verify_membership_revocations(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
    ) -> Result<VerifyOutcome, StoreError>;

    /// Marks one revoked item remediated by `sync` (access items, which the
    /// engine looks up through the `Access` port). Idempotent.
    async fn mark_remediated(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        item: i64,
        sync: SyncId,
    ) -> Result<(), StoreError>;
}
