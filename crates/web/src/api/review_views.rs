//! The API's shapes of access reviews: campaigns, items, progress,
//! decision records and owners, as the `OpenAPI` document describes them.

use roster_store::{Campaign, DecisionRecord, Owner, ReviewItem, ReviewerProgress};
use serde::Serialize;

use crate::service::reviews::CampaignDetail;
use crate::service::reviews_items::{Cursor, QueueEntry};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CampaignView {
    pub id: String,
    pub name: String,
    pub source_id: String,
    /// The snapshot (sync) the population was frozen from.
    pub sync_id: i64,
    /// `memberships` or `access`.
    pub scope: String,
    pub privileged_only: bool,
    pub groups: Vec<String>,
    pub accounts: Vec<String>,
    /// The source's privileged-group patterns, when `privileged_only`.
    pub privileged_patterns: Vec<String>,
    /// The one named reviewer (rule `reviewer`); `null`: owners.
    pub reviewer: Option<String>,
    pub fallback_reviewer: Option<String>,
    pub due_at: Option<String>,
    pub remediation_days: u32,
    /// `open` or `closed`.
    pub status: String,
    /// Items in the population.
    pub items: u64,
    pub created_by: String,
    pub created_at: String,
    pub closed_by: Option<String>,
    pub closed_at: Option<String>,
}

impl From<&Campaign> for CampaignView {
    fn from(c: &Campaign) -> Self {
        Self {
            id: c.id.to_string(),
            name: c.name.clone(),
            source_id: c.source_id.to_string(),
            sync_id: c.sync_id.0,
            scope: c.kind.as_str().to_owned(),
            privileged_only: c.filter.privileged_only,
            groups: c.filter.groups.clone(),
            accounts: c.filter.accounts.clone(),
            privileged_patterns: c.privileged_patterns.clone(),
            reviewer: c.reviewer.clone(),
            fallback_reviewer: c.fallback_reviewer.clone(),
            due_at: c.due_at.map(|t| t.to_string()),
            remediation_days: c.remediation_days,
            status: c.status.as_str().to_owned(),
            items: c.items,
            created_by: c.created_by.clone(),
            created_at: c.created_at.to_string(),
            closed_by: c.closed_by.clone(),
            closed_at: c.closed_at.map(|t| t.to_string()),
        }
    }
}

/// One item: a membership (`group_id`, `display_name`) or an access row
/// (`account_id`, `permission_set_name`, `via_group_name`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub id: i64,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub user_email: Option<String>,
    pub membership_id: Option<String>,
    pub group_id: Option<String>,
    pub display_name: Option<String>,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub permission_set_arn: Option<String>,
    pub permission_set_name: Option<String>,
    pub via_group_id: Option<String>,
    pub via_group_name: Option<String>,
    pub reviewer: Option<String>,
    /// `undecided`, `keep` or `revoke`.
    pub decision: String,
    pub comment: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// Revoked items: `remediated`, `pending` or `overdue`.
    pub remediation: Option<String>,
    /// The snapshot that showed the revoked access gone.
    pub remediated_sync: Option<i64>,
}

impl From<&ReviewItem> for ItemView {
    fn from(i: &ReviewItem) -> Self {
        Self {
            id: i.id,
            user_id: i.user_id.clone(),
            user_name: i.user_name.clone(),
            user_email: i.user_email.clone(),
            membership_id: i.membership_id.clone(),
            group_id: i.group_id.clone(),
            display_name: i.display_name.clone(),
            account_id: i.account_id.clone(),
            account_name: i.account_name.clone(),
            permission_set_arn: i.permission_set_arn.clone(),
            permission_set_name: i.permission_set_name.clone(),
            via_group_id: i.via_group_id.clone(),
            via_group_name: i.via_group_name.clone(),
            reviewer: i.reviewer.clone(),
            decision: i.decision.map_or("undecided", |v| v.as_str()).to_owned(),
            comment: i.comment.clone(),
            decided_by: i.decided_by.clone(),
            decided_at: i.decided_at.map(|t| t.to_string()),
            remediation: i.remediation.map(|r| r.as_str().to_owned()),
            remediated_sync: i.remediated_sync.map(|s| s.0),
        }
    }
}

/// Per reviewer: items assigned and decided.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProgressView {
    /// `null`: items no reviewer could be assigned to.
    pub reviewer: Option<String>,
    pub items: u64,
    pub decided: u64,
    pub kept: u64,
    pub revoked: u64,
}

impl From<&ReviewerProgress> for ProgressView {
    fn from(p: &ReviewerProgress) -> Self {
        Self {
            reviewer: p.reviewer.clone(),
            items: p.items,
            decided: p.decided,
            kept: p.kept,
            revoked: p.revoked,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CampaignDetailView {
    pub campaign: CampaignView,
    pub progress: Vec<ProgressView>,
    pub items: Vec<ItemView>,
    /// `after` for the next page of items; `null`: this was the last.
    pub next: Option<i64>,
}

impl From<&CampaignDetail> for CampaignDetailView {
    fn from(d: &CampaignDetail) -> Self {
        Self {
            campaign: (&d.campaign).into(),
            progress: d.progress.iter().map(Into::into).collect(),
            items: d.items.iter().map(Into::into).collect(),
            next: d.next,
        }
    }
}

/// One campaign of the caller's queue with a page of their items in it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueView {
    pub campaign: CampaignView,
    /// At most 200 items, by ID.
    pub items: Vec<ItemView>,
    /// The caller's items in the campaign, on this page or not.
    pub assigned: u64,
    /// Of those, decided (keep or revoke).
    pub decided: u64,
    /// `cursor` of the previous page (with `campaign`); `null`: this is the first.
    pub previous: Option<String>,
    /// `cursor` of the next page (with `campaign`); `null`: this is the last.
    pub next: Option<String>,
}

impl From<&QueueEntry> for QueueView {
    fn from(q: &QueueEntry) -> Self {
        Self {
            campaign: (&q.campaign).into(),
            items: q.items.iter().map(Into::into).collect(),
            assigned: q.assigned,
            decided: q.decided,
            previous: q.previous.as_ref().map(Cursor::encode),
            next: q.next.as_ref().map(Cursor::encode),
        }
    }
}

/// One append-only decision record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub id: i64,
    pub item_id: i64,
    /// `keep`, `revoke`, `reassign` (or `undecided`, written at close).
    pub decision: String,
    pub comment: Option<String>,
    pub reassigned_to: Option<String>,
    pub actor: String,
    pub at: String,
}

impl From<&DecisionRecord> for DecisionView {
    fn from(d: &DecisionRecord) -> Self {
        Self {
            id: d.id,
            item_id: d.item_id,
            decision: d.verdict.as_str().to_owned(),
            comment: d.comment.clone(),
            reassigned_to: d.reassigned_to.clone(),
            actor: d.actor.clone(),
            at: d.at.to_string(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OwnerView {
    /// `group`, `account` or `permission_set`.
    pub kind: String,
    pub object_id: String,
    pub email: String,
}

impl From<&Owner> for OwnerView {
    fn from(o: &Owner) -> Self {
        Self {
            kind: o.kind.as_str().to_owned(),
            object_id: o.object_id.clone(),
            email: o.email.clone(),
        }
    }
}
