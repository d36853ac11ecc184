//! Access-review campaigns for the tenant's admins and auditors: list,
//! open (admin), show (parameters, progress per reviewer, items with
//! filters), close (admin) and the signed bundle. The rules live in
//! `roster_engine::review` and the store's `Reviews` port; this module
//! parses the caller's input and checks roles; the engine writes the
//! audit log.
//! Reviewers never get here (`Principal` refuses them): their work is in
//! `reviews_items`.

use roster_core::Timestamp;
use roster_core::review::{CampaignId, PopulationFilter, PopulationKind, Remediation, Verdict};
use roster_store::{Campaign, ItemFilter, ReviewItem, ReviewerProgress};
use serde::{Deserialize, Serialize};

use super::bundles::BundleFile;
use super::reviews_owners::member;
use crate::audit;
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// Items per page of a campaign.
pub const ITEMS_PAGE: u32 = 100;
/// The largest page asked for.
pub const MAX_ITEMS_PAGE: u32 = 1000;

/// How a campaign assigns reviewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReviewerRule {
    /// The owner of the item's group (account, permission set), else the fallback.
    Owners,
    /// One named reviewer for every item (the fallback takes their own access).
    Reviewer,
}

/// What opening a campaign takes.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CampaignInput {
    /// The source whose latest complete snapshot is reviewed.
    pub source: String,
    /// A name for people (defaults to the scope and the date).
    #[serde(default)]
    pub name: Option<String>,
    /// `memberships` (the default) or `access`.
    #[serde(default)]
    pub scope: Option<String>,
    /// Privileged only, chosen groups (IDs or names), chosen accounts.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub filter: PopulationFilter,
    /// `owners` (the default) or `reviewer`.
    #[serde(default)]
    pub reviewer_rule: Option<ReviewerRule>,
    /// With `reviewer_rule: reviewer`: the email of a console user.
    #[serde(default)]
    pub reviewer: Option<String>,
    /// Who reviews items without owner, and an owner's own access.
    #[serde(default)]
    pub fallback_reviewer: Option<String>,
    /// Due date, `YYYY-MM-DD` (end of that day, UTC).
    #[serde(default)]
    pub due: Option<String>,
    /// Days after a revoke before unremediated access is overdue (default 14).
    #[serde(default)]
    pub remediation_days: Option<u32>,
}

/// Which items of a campaign to show.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// `undecided`, `keep`, `revoke`, or a remediation: `remediated`, `pending`, `overdue`.
    #[serde(default)]
    pub status: Option<String>,
    /// Items of this reviewer (email).
    #[serde(default)]
    pub reviewer: Option<String>,
    /// Text in the user, group, account or permission set.
    #[serde(default)]
    pub q: Option<String>,
    /// Items after this item ID (the previous page's `next`).
    #[serde(default)]
    pub after: Option<i64>,
    /// Items per page (default 100, at most 1000).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A campaign with its progress and one page of items.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignDetail {
    pub campaign: Campaign,
    pub progress: Vec<ReviewerProgress>,
    pub items: Vec<ReviewItem>,
    /// `after` for the next page, if there may be one.
    pub next: Option<i64>,
}

pub(crate) fn parse_campaign(id: &str) -> Result<CampaignId, WebError> {
    CampaignId::parse(id).map_err(|_| WebError::NotFound("campaign".into()))
}

/// The tenant's campaigns, newest first.
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<Campaign>, WebError> {
    Ok(state.store.list_campaigns(who.tenant()).await?)
}

fn parse_due(raw: &str) -> Result<Timestamp, WebError> {
    let raw = raw.trim();
    let ok = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    ok.then(|| Timestamp::parse(&format!("{raw}T23:59:59.999Z")).ok())
        .flatten()
        .ok_or_else(|| WebError::bad_request("invalid-due", "the due date is YYYY-MM-DD"))
}

fn item_filter(q: &ItemQuery) -> Result<ItemFilter, WebError> {
    let mut f = ItemFilter::default();
    match q.status.as_deref().map(str::trim).unwrap_or_default() {
        "" | "all" => {}
        "undecided" => f.decision = Some(None),
        s => {
            if let Some(r) = Remediation::parse(s) {
                f.remediation = Some(r);
            } else {
                let v = Verdict::parse(s)
                    .ok()
                    .filter(|v| v.is_final())
                    .ok_or_else(|| {
                        WebError::bad_request(
                            "invalid-status",
                            "status is undecided, keep, revoke, remediated, pending or overdue",
                        )
                    })?;
                f.decision = Some(Some(v));
            }
        }
    }
    let text = |o: &Option<String>| {
        o.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(256).collect::<String>())
    };
    f.reviewer = text(&q.reviewer);
    f.search = text(&q.q);
    Ok(f)
}

/// A campaign, its progress per reviewer and one page of its items.
pub async fn show(
    state: &AppState,
    who: &Principal,
    id: &str,
    q: &ItemQuery,
) -> Result<CampaignDetail, WebError> {
    let id = parse_campaign(id)?;
    let campaign = state.store.get_campaign(who.tenant(), &id).await?;
    let filter = item_filter(q)?;
    let limit = q.limit.unwrap_or(ITEMS_PAGE).clamp(1, MAX_ITEMS_PAGE);
    let items = state
        .store
        .review_items(who.tenant(), &id, &filter, q.after, limit)
        .await?;
    let progress = state.store.reviewer_progress(who.tenant(), &id).await?;
    let next = (items.len() == limit as usize)
        .then(|| items.last().map(|i| i.id))
        .flatten();
    Ok(CampaignDetail {
        campaign,
        progress,
        items,
        next,
    })
}

/// Opens a campaign on the source's latest complete snapshot (admin).
pub async fn create(
    state: &AppState,
    who: &Principal,
    input: &CampaignInput,
) -> Result<Campaign, WebError> {
    who.require_admin()?;
    let source = super::sources::get(state, who, input.source.trim()).await?;
    let kind = match input.scope.as_deref().map(str::trim) {
        None | Some("") => PopulationKind::Memberships,
        Some(s) => PopulationKind::parse(s)
            .map_err(|e| WebError::bad_request("invalid-scope", e.to_string()))?,
    };
    input
        .filter
        .validate()
        .map_err(|e| WebError::bad_request("invalid-filter", e.to_string()))?;
    let blank = |o: &Option<String>| {
        o.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let reviewer = match input.reviewer_rule.unwrap_or(ReviewerRule::Owners) {
        ReviewerRule::Owners => None,
        ReviewerRule::Reviewer => {
            let raw = blank(&input.reviewer).ok_or_else(|| {
                WebError::bad_request("invalid-reviewer", "name the reviewer (an email)")
            })?;
            Some(member(state, who, &raw).await?)
        }
    };
    let fallback = match blank(&input.fallback_reviewer) {
        Some(raw) => Some(member(state, who, &raw).await?),
        None => None,
    };
    let due_at = blank(&input.due).as_deref().map(parse_due).transpose()?;
    let name = blank(&input.name);
    if name.as_ref().is_some_and(|n| n.len() > 200) {
        return Err(WebError::bad_request(
            "invalid-name",
            "a campaign name is at most 200 characters",
        ));
    }
    let req = roster_engine::review::OpenRequest {
        source: source.id.clone(),
        kind,
        filter: input.filter.clone(),
        name,
        reviewer,
        fallback_reviewer: fallback,
        due_at,
        remediation_days: input.remediation_days,
        actor: audit::actor(who),
    };
    // The engine records `review.create` in the audit log.
    let campaign =
        roster_engine::review::open_campaign(state.store.as_ref(), who.tenant(), &req).await?;
    tracing::info!(campaign = %campaign.id, items = campaign.items, "review campaign opened");
    Ok(campaign)
}

/// Closes an open campaign (admin): undecided items are recorded as such.
pub async fn close(state: &AppState, who: &Principal, id: &str) -> Result<Campaign, WebError> {
    who.require_admin()?;
    let id = parse_campaign(id)?;
    // The engine records `review.close` in the audit log.
    let campaign = roster_engine::review::close_campaign(
        state.store.as_ref(),
        who.tenant(),
        &id,
        &audit::actor(who),
    )
    .await?;
    tracing::info!(campaign = %id, "review campaign closed");
    Ok(campaign)
}

/// The campaign's signed evidence bundle (population, decisions,
/// verification, parameters, report), signed with the tenant's key.
pub async fn export(state: &AppState, who: &Principal, id: &str) -> Result<BundleFile, WebError> {
    let id = parse_campaign(id)?;
    let key = super::bundles::key(state, who).await?;
    // The engine records `review.export` in the audit log.
    let bytes = roster_engine::review::export_campaign(
        state.store.as_ref(),
        who.tenant(),
        &id,
        &key,
        &audit::actor(who),
    )
    .await?;
    Ok(BundleFile {
        file_name: format!("roster-review-{id}.zip"),
        bytes,
    })
}
