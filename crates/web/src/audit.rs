//! Records console and API changes in the append-only audit log. The
//! actor is the signed-in user's email, or `token:<prefix>` for API tokens.
//! Secrets never go into an entry.

use roster_core::TenantId;
use roster_store::AuditEntry;
use serde_json::Value;

use crate::auth::Principal;
use crate::state::AppState;

pub fn actor(who: &Principal) -> String {
    if who.csrf.is_some() {
        who.user.email.clone()
    } else {
        format!("token:{}", who.user.email)
    }
}

/// Appends an entry; a failure is logged (the change itself already happened).
pub async fn record(
    state: &AppState,
    tenant: &TenantId,
    actor: &str,
    action: &str,
    target: &str,
    detail: Value,
) {
    let entry = AuditEntry::new(actor, action, target, detail);
    if let Err(e) = state.store.append_audit(tenant, &entry).await {
        tracing::error!(action, target, error = %e, "could not append to the audit log");
    }
}

/// `record` for a signed-in principal.
pub async fn by(state: &AppState, who: &Principal, action: &str, target: &str, detail: Value) {
    record(state, who.tenant(), &actor(who), action, target, detail).await;
}
