//! `Reviews` on SQL (migration 0013): `reviews/population/` opens a
//! campaign (freezes its population, assigns reviewers), `reviews/decisions.rs`
//! appends decisions and closes (`reviews/own_emails.rs`: every email of an
//! item's user, for the self-review rule), `reviews/items.rs` reads items and
//! campaigns back and verifies revocations. This file only dispatches.

mod decisions;
mod items;
mod own_emails;
pub(super) mod population;

use async_trait::async_trait;
use roster_core::review::{CampaignId, OwnerKind};
use roster_core::{SourceId, SyncId, TenantId};

use super::SqlStore;
use crate::error::StoreError;
use crate::ports::Reviews;
use crate::ports::reviews::{
    Campaign, Decider, DecisionRecord, ItemFilter, NewCampaign, NewDecision, Owner, ReviewItem,
    ReviewerProgress, RevokedItem, VerifyOutcome,
};
use crate::records::Snapshot;

/// An email as stored for reviewers and owners: trimmed, ASCII-lowercased
/// (the directory match is case-insensitive the same way).
pub(super) fn normal_email(email: &str) -> Result<String, StoreError> {
    let e = email.trim();
    if e.is_empty() || e.len() > 320 || e.contains('\0') || e.chars().any(char::is_control) {
        return Err(StoreError::Conflict(format!(
            "'{}' is not a reviewer email",
            e.escape_debug()
        )));
    }
    Ok(e.to_ascii_lowercase())
}

#[async_trait]
impl Reviews for SqlStore {
    async fn open_campaign(
        &self,
        tenant: &TenantId,
        new: &NewCampaign,
    ) -> Result<Campaign, StoreError> {
        population::open(self, tenant, new).await
    }

    async fn get_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<Campaign, StoreError> {
        items::campaign(&self.pool, tenant, id).await
    }

    async fn list_campaigns(&self, tenant: &TenantId) -> Result<Vec<Campaign>, StoreError> {
        items::campaigns(&self.pool, tenant).await
    }

    async fn review_items(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        filter: &ItemFilter,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<ReviewItem>, StoreError> {
        items::page(self, tenant, id, filter, after, limit).await
    }

    async fn review_item(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        item: i64,
    ) -> Result<ReviewItem, StoreError> {
        items::one(self, tenant, id, item).await
    }

    async fn decide(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        decider: &Decider,
        decision: &NewDecision,
    ) -> Result<Vec<DecisionRecord>, StoreError> {
        decisions::decide(self, tenant, id, decider, decision).await
    }

    async fn decisions_page(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        after: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DecisionRecord>, StoreError> {
        decisions::page(&self.pool, tenant, id, after, limit).await
    }

    async fn reviewer_progress(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<Vec<ReviewerProgress>, StoreError> {
        items::progress(&self.pool, tenant, id).await
    }

    async fn progress_of(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        reviewer: &str,
    ) -> Result<ReviewerProgress, StoreError> {
        items::progress_of(&self.pool, tenant, id, reviewer).await
    }

    async fn close_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        actor: &str,
    ) -> Result<Campaign, StoreError> {
        decisions::close(self, tenant, id, actor).await
    }

    async fn set_owner(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        kind: OwnerKind,
        object_id: &str,
        email: Option<&str>,
    ) -> Result<(), StoreError> {
        population::set_owner(self, tenant, source, kind, object_id, email).await
    }

    async fn list_owners(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<Vec<Owner>, StoreError> {
        population::owners(&self.pool, tenant, source).await
    }

    async fn revoked_unremediated(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        after: Option<(&CampaignId, i64)>,
        limit: u32,
    ) -> Result<Vec<RevokedItem>, StoreError> {
        items::revoked(self, tenant, source, after, limit).await
    }

    async fn verify_membership_revocations(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
    ) -> Result<VerifyOutcome, StoreError> {
        items::verify_memberships(&self.pool, tenant, snapshot).await
    }

    async fn mark_remediated(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
        item: i64,
        sync: SyncId,
    ) -> Result<(), StoreError> {
        items::mark_remediated(&self.pool, tenant, id, item, sync).await
    }
}
