//! A reviewer's work: their own queue across open campaigns (`queue`: a
//! page per campaign, by cursor) and their decisions — keep, revoke (with
//! a comment), reassign — one item at a time or in bulk (one record per
//! item). Only the item's assigned reviewer
//! decides; an admin may also reassign any item (an unassigned one, or one
//! whose reviewer left). The store refuses, whoever asks, a decision on
//! one's own access and any decision in a closed campaign.

use roster_core::review::{CampaignId, Verdict, validate_comment};
use roster_store::{Decider, DecisionRecord, NewDecision, ReviewItem};
use serde::Deserialize;

pub mod queue;

pub use queue::{At, Cursor, QueueEntry, QueuePage, QueueShow, queue};

use super::reviews::parse_campaign;
use crate::audit;
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// Items one bulk decision may name.
pub const MAX_BULK: usize = 500;

/// What a reviewer decides about one item.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct DecisionInput {
    /// `keep`, `revoke` (needs a comment) or `reassign` (needs `reassign_to`).
    pub decision: String,
    #[serde(default)]
    pub comment: Option<String>,
    /// The email of the console user who reviews the item from now on.
    #[serde(default)]
    pub reassign_to: Option<String>,
}

/// One decision about several items (one record per item).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct BulkDecisionInput {
    /// Item IDs of the campaign, at most 500.
    pub items: Vec<i64>,
    /// `keep` or `revoke` (needs a comment).
    pub decision: String,
    #[serde(default)]
    pub comment: Option<String>,
}

fn is_mine(who: &Principal, item: &ReviewItem) -> bool {
    item.reviewer
        .as_deref()
        .is_some_and(|r| r.trim().eq_ignore_ascii_case(&who.user.email))
}

fn decider(who: &Principal) -> Decider {
    Decider {
        actor: audit::actor(who),
        email: Some(who.user.email.clone()),
    }
}

/// One item the caller may act on: theirs, or (to reassign) any item for
/// an admin. Anyone else's item is not found for a reviewer (they may not
/// learn it exists) and forbidden for the tenant's other users.
async fn item_for(
    state: &AppState,
    who: &Principal,
    campaign: &CampaignId,
    item: i64,
    verdict: Verdict,
) -> Result<ReviewItem, WebError> {
    let found = state
        .store
        .review_item(who.tenant(), campaign, item)
        .await?;
    if is_mine(who, &found) || (verdict == Verdict::Reassign && who.is_admin()) {
        Ok(found)
    } else if who.is_reviewer() {
        Err(WebError::NotFound("review item".into()))
    } else {
        Err(WebError::Forbidden)
    }
}

fn parse_verdict(raw: &str, allowed: &[Verdict]) -> Result<Verdict, WebError> {
    Verdict::parse(raw.trim())
        .ok()
        .filter(|v| allowed.contains(v))
        .ok_or_else(|| {
            let names: Vec<_> = allowed.iter().map(|v| v.as_str()).collect();
            WebError::bad_request(
                "invalid-decision",
                format!("the decision is {}", names.join(", ")),
            )
        })
}

/// Records the decision through the engine (which writes `review.decide`
/// to the audit log).
async fn record(
    state: &AppState,
    who: &Principal,
    campaign: &CampaignId,
    new: &NewDecision,
) -> Result<Vec<DecisionRecord>, WebError> {
    let records = roster_engine::review::decide(
        state.store.as_ref(),
        who.tenant(),
        campaign,
        &decider(who),
        new,
    )
    .await?;
    tracing::info!(campaign = %campaign, items = records.len(), verdict = new.verdict.as_str(), "review decision");
    Ok(records)
}

/// Records the caller's decision about one item of a campaign.
pub async fn decide(
    state: &AppState,
    who: &Principal,
    campaign: &str,
    item: i64,
    input: &DecisionInput,
) -> Result<DecisionRecord, WebError> {
    let campaign = parse_campaign(campaign)?;
    let verdict = parse_verdict(
        &input.decision,
        &[Verdict::Keep, Verdict::Revoke, Verdict::Reassign],
    )?;
    item_for(state, who, &campaign, item, verdict).await?;
    let comment = validate_comment(verdict, input.comment.as_deref())
        .map_err(|e| WebError::bad_request("invalid-comment", e.to_string()))?;
    let reassign_to = match verdict {
        Verdict::Reassign => Some(
            super::reviews_owners::member(
                state,
                who,
                input.reassign_to.as_deref().unwrap_or_default(),
            )
            .await?,
        ),
        _ => None,
    };
    let new = NewDecision {
        items: vec![item],
        verdict,
        comment,
        reassign_to,
    };
    record(state, who, &campaign, &new)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| WebError::Internal("a decision wrote no record".into()))
}

/// Records one decision (keep or revoke) about several of the caller's
/// items: every item must be theirs, or nothing is recorded.
pub async fn decide_bulk(
    state: &AppState,
    who: &Principal,
    campaign: &str,
    input: &BulkDecisionInput,
) -> Result<Vec<DecisionRecord>, WebError> {
    let campaign = parse_campaign(campaign)?;
    let verdict = parse_verdict(&input.decision, &[Verdict::Keep, Verdict::Revoke])?;
    let mut items = input.items.clone();
    items.sort_unstable();
    items.dedup();
    if items.is_empty() || items.len() > MAX_BULK {
        return Err(WebError::bad_request(
            "invalid-items",
            format!("choose 1 to {MAX_BULK} items"),
        ));
    }
    let comment = validate_comment(verdict, input.comment.as_deref())
        .map_err(|e| WebError::bad_request("invalid-comment", e.to_string()))?;
    for &item in &items {
        item_for(state, who, &campaign, item, verdict).await?;
    }
    let new = NewDecision {
        items,
        verdict,
        comment,
        reassign_to: None,
    };
    record(state, who, &campaign, &new).await
}
