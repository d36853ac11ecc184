//! Opening, deciding and closing campaigns, and owners: each call checks
//! its input, calls the store (which enforces the review rules) and writes
//! the audit log.

use roster_core::review::{
    CampaignId, DEFAULT_REMEDIATION_DAYS, OwnerKind, PopulationFilter, PopulationKind,
};
use roster_core::{SourceId, TenantId, Timestamp};
use roster_store::{
    AuditEntry, Campaign, Decider, DecisionRecord, NewCampaign, NewDecision, Snapshot, Store,
};
use serde_json::json;

use crate::EngineError;

/// At most this many item IDs are listed in one audit entry of a bulk decision.
const AUDITED_ITEMS: usize = 100;

/// What opening a campaign takes from a caller.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub source: SourceId,
    pub kind: PopulationKind,
    pub filter: PopulationFilter,
    /// A name; by default "<kind> review of <date>".
    pub name: Option<String>,
    pub reviewer: Option<String>,
    pub fallback_reviewer: Option<String>,
    pub due_at: Option<Timestamp>,
    /// Days after a revoke before still-present access is overdue.
    pub remediation_days: Option<u32>,
    /// Who opens it: a console user's email, `token:…`, `cli:<user>`.
    pub actor: String,
}

pub fn parse_campaign_id(s: &str) -> Result<CampaignId, EngineError> {
    CampaignId::parse(s).map_err(|e| EngineError::Invalid(e.to_string()))
}

/// The snapshot a campaign of `kind` freezes: the source's latest complete
/// directory sync (memberships) or access sync (access).
async fn population_snapshot(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    kind: PopulationKind,
) -> Result<Snapshot, EngineError> {
    let found = match kind {
        PopulationKind::Memberships => store.latest_snapshot(tenant, source).await?,
        PopulationKind::Access => store.latest_access_snapshot(tenant, source).await?,
    };
    found.ok_or_else(|| EngineError::NotFound {
        what: format!("{kind} snapshot of source {source}"),
        message: format!(
            "source {source} has no complete {} sync yet",
            match kind {
                PopulationKind::Memberships => "directory",
                PopulationKind::Access => "access",
            }
        ),
    })
}

/// Opens a campaign on the source's latest snapshot of the kind, frozen in
/// the database, and records `review.create`.
pub async fn open_campaign(
    store: &dyn Store,
    tenant: &TenantId,
    req: &OpenRequest,
) -> Result<Campaign, EngineError> {
    req.filter
        .validate()
        .map_err(|e| EngineError::Invalid(e.to_string()))?;
    if req.kind == PopulationKind::Memberships && !req.filter.accounts.is_empty() {
        return Err(EngineError::Invalid(
            "accounts filter only an access campaign (--scope access)".into(),
        ));
    }
    // The source must be the tenant's (NotFound otherwise).
    store.get_source(tenant, &req.source).await?;
    let snapshot = population_snapshot(store, tenant, &req.source, req.kind).await?;
    let settings = store.check_settings(tenant, &req.source).await?;
    let now = store.clock().now();
    let name = req.name.clone().unwrap_or_else(|| {
        format!(
            "{} review of {}",
            req.kind,
            now.to_string().get(..10).unwrap_or_default()
        )
    });
    let new = NewCampaign {
        id: CampaignId::generate(),
        name,
        snapshot,
        kind: req.kind,
        filter: req.filter.clone(),
        privileged_patterns: settings.privileged_patterns,
        reviewer: req.reviewer.clone(),
        fallback_reviewer: req.fallback_reviewer.clone(),
        due_at: req.due_at,
        remediation_days: req.remediation_days.unwrap_or(DEFAULT_REMEDIATION_DAYS),
        created_by: req.actor.clone(),
    };
    let campaign = store.open_campaign(tenant, &new).await?;
    let entry = AuditEntry::new(
        &req.actor,
        "review.create",
        format!("review:{}", campaign.id),
        json!({
            "source_id": campaign.source_id.as_str(),
            "sync_id": campaign.sync_id.0,
            "kind": campaign.kind.as_str(),
            "filter": campaign.filter,
            "items": campaign.items,
            "reviewer": campaign.reviewer,
            "fallback_reviewer": campaign.fallback_reviewer,
            "due_at": campaign.due_at,
            "remediation_days": campaign.remediation_days,
        }),
    );
    store.append_audit(tenant, &entry).await?;
    Ok(campaign)
}

/// Records a decision on one or more items (one record per item) and
/// `review.decide`.
pub async fn decide(
    store: &dyn Store,
    tenant: &TenantId,
    id: &CampaignId,
    decider: &Decider,
    decision: &NewDecision,
) -> Result<Vec<DecisionRecord>, EngineError> {
    let records = store.decide(tenant, id, decider, decision).await?;
    let items: Vec<i64> = records
        .iter()
        .map(|r| r.item_id)
        .take(AUDITED_ITEMS)
        .collect();
    let entry = AuditEntry::new(
        &decider.actor,
        "review.decide",
        format!("review:{id}"),
        json!({
            "decision": decision.verdict.as_str(),
            "count": records.len(),
            "items": items,
            "comment": records.first().and_then(|r| r.comment.clone()),
            "reassigned_to": decision.reassign_to,
            "first_record": records.first().map(|r| r.id),
        }),
    );
    store.append_audit(tenant, &entry).await?;
    Ok(records)
}

/// Closes a campaign (undecided items are recorded as such) and records
/// `review.close`.
pub async fn close_campaign(
    store: &dyn Store,
    tenant: &TenantId,
    id: &CampaignId,
    actor: &str,
) -> Result<Campaign, EngineError> {
    let campaign = store.close_campaign(tenant, id, actor).await?;
    let progress = store.reviewer_progress(tenant, id).await?;
    let decided: u64 = progress.iter().map(|p| p.decided).sum();
    let entry = AuditEntry::new(
        actor,
        "review.close",
        format!("review:{id}"),
        json!({ "items": campaign.items, "decided": decided, "undecided": campaign.items - decided }),
    );
    store.append_audit(tenant, &entry).await?;
    Ok(campaign)
}

/// Sets (or with `None` removes) the owner of a group, account or
/// permission set, and records `review.owner`.
pub async fn set_owner(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    kind: OwnerKind,
    object_id: &str,
    email: Option<&str>,
    actor: &str,
) -> Result<(), EngineError> {
    store
        .set_owner(tenant, source, kind, object_id, email)
        .await?;
    let entry = AuditEntry::new(
        actor,
        "review.owner",
        format!("source:{source}"),
        json!({ "kind": kind.as_str(), "object_id": object_id, "owner": email }),
    );
    store.append_audit(tenant, &entry).await?;
    Ok(())
}
