//! The tenant's audit log, newest first (keyset pages by entry ID).

use roster_core::Timestamp;
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Entries with an ID below this one (the previous page's `next_before`).
    #[serde(default)]
    pub before: Option<i64>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub id: i64,
    #[schema(value_type = String)]
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub target: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditView>,
    pub next_before: Option<i64>,
}

/// One page of entries.
pub async fn list(
    state: &AppState,
    who: &Principal,
    q: &AuditQuery,
) -> Result<AuditPage, WebError> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let records = state
        .store
        .list_audit(who.tenant(), q.before, limit)
        .await?;
    let next_before = (records.len() == limit as usize)
        .then(|| records.last().map(|r| r.id))
        .flatten();
    Ok(AuditPage {
        items: records
            .into_iter()
            .map(|r| AuditView {
                id: r.id,
                at: r.at,
                actor: r.entry.actor,
                action: r.entry.action,
                target: r.entry.target,
                detail: r.entry.detail,
            })
            .collect(),
        next_before,
    })
}
