//! Owners: who reviews a group, an account or a permission set of a source
//! when a campaign assigns reviewers by owner. Admins set them; every
//! non-reviewer reads them. An owner is a console user of the tenant.

use roster_core::review::OwnerKind;
use roster_store::{Owner, Source};
use serde::Deserialize;

use crate::audit;
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// The longest group ID, account ID or permission set ARN taken.
const MAX_OBJECT_ID: usize = 256;

/// Sets (or, with `email` empty or null, removes) one owner.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct OwnerInput {
    /// `group`, `account` or `permission_set`.
    pub kind: String,
    /// The group ID, account ID or permission set ARN.
    pub object_id: String,
    /// The owner's email (a console user of this tenant); empty or null removes.
    #[serde(default)]
    pub email: Option<String>,
}

/// The source's owners.
pub async fn list(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<Vec<Owner>, WebError> {
    Ok(state.store.list_owners(who.tenant(), &source.id).await?)
}

/// Sets or removes an owner of one object of the source (admin).
pub async fn set(
    state: &AppState,
    who: &Principal,
    source: &Source,
    input: &OwnerInput,
) -> Result<Vec<Owner>, WebError> {
    who.require_admin()?;
    let kind = OwnerKind::parse(input.kind.trim())
        .map_err(|e| WebError::bad_request("invalid-owner-kind", e.to_string()))?;
    let object_id = input.object_id.trim();
    if object_id.is_empty() || object_id.len() > MAX_OBJECT_ID || object_id.contains('\0') {
        return Err(WebError::bad_request(
            "invalid-object",
            format!("name the {} (1-{MAX_OBJECT_ID} characters)", kind.as_str()),
        ));
    }
    let email = match input.email.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(member(state, who, raw).await?),
    };
    // The engine records `review.owner` in the audit log.
    roster_engine::review::set_owner(
        state.store.as_ref(),
        who.tenant(),
        &source.id,
        kind,
        object_id,
        email.as_deref(),
        &audit::actor(who),
    )
    .await?;
    tracing::info!(source = %source.id, kind = kind.as_str(), "review owner set");
    list(state, who, source).await
}

/// A console user of the caller's tenant, by email (normalised).
pub async fn member(state: &AppState, who: &Principal, raw: &str) -> Result<String, WebError> {
    let email = roster_core::EmailAddress::parse(raw.trim())
        .map_err(|e| WebError::bad_request("invalid-reviewer", e.to_string()))?
        .into_string();
    let known = state.store.list_console_users(who.tenant()).await?;
    if known.iter().any(|u| u.email == email) {
        Ok(email)
    } else {
        Err(WebError::bad_request(
            "invalid-reviewer",
            format!("{email} has no account here: invite them first (Team)"),
        ))
    }
}
