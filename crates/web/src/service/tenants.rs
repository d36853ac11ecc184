//! Tenants, for the instance admin (`ops::tenants` authorizes): list them,
//! create one (audited in the new tenant's log), and check one exists
//! before inviting its first users.

use roster_core::TenantId;
use roster_store::Tenant;

use crate::error::WebError;
use crate::state::AppState;

/// Every tenant.
pub async fn list(state: &AppState) -> Result<Vec<Tenant>, WebError> {
    Ok(state.store.list_tenants().await?)
}

/// Creates tenant `id` named `name`; `actor` is audited.
pub async fn create(
    state: &AppState,
    actor: &str,
    id: &str,
    name: &str,
) -> Result<Tenant, WebError> {
    let id = TenantId::parse(id.trim())
        .map_err(|e| WebError::bad_request("invalid-tenant", e.to_string()))?;
    let name = name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(WebError::bad_request(
            "invalid-name",
            "name the tenant (1-200 characters)",
        ));
    }
    state.store.create_tenant(&id, name).await?;
    tracing::info!(tenant = %id, "tenant created");
    crate::audit::record(
        state,
        &id,
        actor,
        "tenant.create",
        id.as_str(),
        serde_json::json!({"name": name}),
    )
    .await;
    list(state)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| WebError::Internal("created tenant not listed".into()))
}

/// The existing tenant `id` (404 otherwise).
pub async fn existing(state: &AppState, id: &str) -> Result<TenantId, WebError> {
    let id = TenantId::parse(id).map_err(|_| WebError::NotFound("tenant".into()))?;
    if list(state).await?.iter().any(|t| t.id == id) {
        Ok(id)
    } else {
        Err(WebError::NotFound("tenant".into()))
    }
}
