//! Verification from snapshots (roster never writes to AWS): after every
//! published sync, each revoked item whose access the snapshot no longer
//! shows becomes remediated, naming that snapshot. `IDS-10` fails while
//! revoked access is past its remediation window.

use std::collections::HashMap;

use roster_core::evidence::CheckResult;
use roster_core::review::{
    CampaignId, DEFAULT_REMEDIATION_DAYS, OverdueItem, PopulationKind, Remediation, ids10,
};
use roster_core::{AccountId, TenantId};
use roster_store::{AccessFilter, ItemFilter, ReviewItem, Snapshot, Store, VerifyOutcome};

use crate::EngineError;

/// Revoked items read per page.
const PAGE: u32 = 500;

/// Marks revoked items of the snapshot's source remediated where the
/// snapshot shows their access gone: memberships in one statement, access
/// rows one lookup each through the `Access` port. Called where a sync
/// publishes; a failure here is logged there, never fails the sync.
pub async fn verify_after_publish(
    store: &dyn Store,
    tenant: &TenantId,
    snapshot: &Snapshot,
) -> Result<VerifyOutcome, EngineError> {
    let mut outcome = store
        .verify_membership_revocations(tenant, snapshot)
        .await?;
    let mut frozen_at: HashMap<CampaignId, i64> = HashMap::new();
    let mut after: Option<(CampaignId, i64)> = None;
    loop {
        let page = store
            .revoked_unremediated(
                tenant,
                &snapshot.source_id,
                after.as_ref().map(|(c, i)| (c, *i)),
                PAGE,
            )
            .await?;
        let Some(last) = page.last() else { break };
        after = Some((last.campaign_id.clone(), last.item.id));
        for r in page.iter().filter(|r| r.kind == PopulationKind::Access) {
            let sync = if let Some(s) = frozen_at.get(&r.campaign_id) {
                *s
            } else {
                let c = store.get_campaign(tenant, &r.campaign_id).await?;
                frozen_at.insert(r.campaign_id.clone(), c.sync_id.0);
                c.sync_id.0
            };
            if sync >= snapshot.sync_id.0 {
                continue;
            }
            outcome.checked += 1;
            if !access_present(store, tenant, snapshot, &r.item).await? {
                store
                    .mark_remediated(tenant, &r.campaign_id, r.item.id, snapshot.sync_id)
                    .await?;
                outcome.remediated += 1;
            }
        }
        if page.len() < PAGE as usize {
            break;
        }
    }
    if outcome.remediated > 0 {
        tracing::info!(sync = %snapshot.sync_id, remediated = outcome.remediated, checked = outcome.checked, "revoked access verified gone");
    }
    Ok(outcome)
}

/// Whether the snapshot still shows an access item's row: same user,
/// account, permission set and grant (direct or through the same group).
async fn access_present(
    store: &dyn Store,
    tenant: &TenantId,
    snapshot: &Snapshot,
    item: &ReviewItem,
) -> Result<bool, EngineError> {
    let (Some(user), Some(account), Some(arn)) = (
        item.user_id.clone(),
        item.account_id.as_deref(),
        item.permission_set_arn.clone(),
    ) else {
        return Ok(true);
    };
    let filter = AccessFilter {
        user: Some(user),
        account: Some(AccountId::parse(account).map_err(|e| EngineError::Internal(e.to_string()))?),
        permission_set: Some(arn),
        group: item.via_group_id.clone(),
        direct_only: item.via_group_id.is_none(),
        ..AccessFilter::default()
    };
    let rows = store
        .access_page(tenant, snapshot, &filter, None, 1)
        .await?;
    Ok(!rows.is_empty())
}

/// Revoked items of the tenant's campaigns still present past their window.
pub async fn overdue_items(
    store: &dyn Store,
    tenant: &TenantId,
) -> Result<Vec<OverdueItem>, EngineError> {
    let filter = ItemFilter {
        remediation: Some(Remediation::Overdue),
        ..ItemFilter::default()
    };
    let mut out = Vec::new();
    for c in store.list_campaigns(tenant).await? {
        let mut after = None;
        loop {
            let page = store
                .review_items(tenant, &c.id, &filter, after, PAGE)
                .await?;
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            out.extend(page.into_iter().map(|i| OverdueItem {
                campaign_id: c.id.to_string(),
                item_id: i.id,
                access: access_label(&i),
                user_name: i.user_name,
                revoked_at: i.decided_at.map(|t| t.to_string()).unwrap_or_default(),
            }));
            if out.len() >= 10_000 {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// `IDS-10` over the tenant's campaigns, at the default window's wording
/// (each item is judged by its own campaign's window).
pub async fn ids10_report(
    store: &dyn Store,
    tenant: &TenantId,
) -> Result<CheckResult, EngineError> {
    let overdue = overdue_items(store, tenant).await?;
    Ok(ids10(&overdue, DEFAULT_REMEDIATION_DAYS))
}

/// What an item grants, in words: the group, or account / permission set.
pub(super) fn access_label(i: &ReviewItem) -> String {
    match (&i.account_id, &i.group_id) {
        (Some(account), _) => format!(
            "{} / {}",
            i.account_name.as_deref().unwrap_or(account),
            i.permission_set_name
                .as_deref()
                .or(i.permission_set_arn.as_deref())
                .unwrap_or_default()
        ),
        (None, Some(group)) => i.display_name.clone().unwrap_or_else(|| group.clone()),
        (None, None) => String::new(),
    }
}
