//! The append-only audit log: every action that changes something.
//! There is no method to change or delete an entry; on `PostgreSQL` and
//! `SQLite` a trigger rejects UPDATE and DELETE as well.

use async_trait::async_trait;
use roster_core::{TenantId, Timestamp};
use serde::Serialize;

use crate::error::StoreError;

/// What happened, by whom, to what. `detail` is any JSON object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Who did it: a console user's email, `token:<prefix>`, `cli`, `system`.
    pub actor: String,
    /// What was done, dotted: `source.connect`, `evidence.export`, `checks.run`, …
    pub action: String,
    /// What it was done to: a source ID, `sync:<id>`, a token prefix, …
    pub target: String,
    pub detail: serde_json::Value,
}

impl AuditEntry {
    pub fn new(
        actor: impl Into<String>,
        action: impl Into<String>,
        target: impl Into<String>,
        detail: serde_json::Value,
    ) -> Self {
        Self {
            actor: actor.into(),
            action: action.into(),
            target: target.into(),
            detail,
        }
    }
}

/// A stored entry: its ID (increasing) and time (RFC 3339 UTC, ms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: Timestamp,
    #[serde(flatten)]
    pub entry: AuditEntry,
}

#[async_trait]
pub trait Audit: Send + Sync {
    /// Appends an entry and returns it as stored.
    async fn append_audit(
        &self,
        tenant: &TenantId,
        entry: &AuditEntry,
    ) -> Result<AuditRecord, StoreError>;
    /// Newest first, entries with an ID below `before` (keyset pagination).
    async fn list_audit(
        &self,
        tenant: &TenantId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError>;
}
