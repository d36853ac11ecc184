//! Invitations: an admin invites an email with a role; roster creates the
//! console user with an unusable password and a one-time link (valid 7 days)
//! on which the person sets a password once and is signed in. The link's
//! token is shown once; the store keeps its hash.

use axum::http::HeaderValue;
use roster_core::{TenantId, Timestamp};
use roster_store::{ConsoleRole, ConsoleUser, NewConsoleUser, OneTimeLink, OneTimePurpose};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit;
use crate::auth::secrets::{random_token, sha256_hex, timestamp_in};
use crate::auth::{password, session};
use crate::error::WebError;
use crate::state::AppState;

const LIFETIME_S: i64 = 7 * 24 * 3600;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewInvitation {
    pub email: String,
    /// admin, auditor or reviewer.
    pub role: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Invitation {
    pub user_id: String,
    pub email: String,
    pub role: String,
    /// Path of the one-time link (append to roster's URL). Shown only now.
    pub link: String,
    #[schema(value_type = String)]
    pub expires_at: Timestamp,
}

/// Creates the invited user in `tenant` and its one-time link; `actor` is
/// audited. Callers authorize: a tenant admin, or the instance admin.
pub async fn invite(
    state: &AppState,
    tenant: &TenantId,
    actor: &str,
    body: &NewInvitation,
) -> Result<Invitation, WebError> {
    let email = roster_core::EmailAddress::parse(&body.email)
        .map_err(|e| WebError::bad_request("invalid-email", e.to_string()))?
        .into_string();
    let role = ConsoleRole::parse(body.role.trim()).ok_or_else(|| {
        WebError::bad_request("invalid-role", "role is admin, auditor or reviewer")
    })?;
    // Only this tenant's accounts count: another tenant may hold the same
    // address, and an invitation here must reveal nothing about it.
    let members = state.store.list_console_users(tenant).await?;
    if members.iter().any(|u| u.email == email) {
        return Err(WebError::Conflict(format!(
            "{email} already has an account"
        )));
    }
    let new = NewConsoleUser {
        id: format!("usr_{}", &sha256_hex(&random_token())[..16]),
        email,
        // Nobody knows this password: the invitee replaces it.
        password_hash: password::hash(&random_token()).await?,
        role,
    };
    let user = state.store.create_console_user(tenant, &new).await?;
    let token = random_token();
    let expires_at = timestamp_in(state.store.clock(), LIFETIME_S);
    let link = OneTimeLink {
        tenant_id: tenant.clone(),
        purpose: OneTimePurpose::Invite {
            user_id: user.id.clone(),
        },
    };
    state
        .store
        .create_one_time_link(&sha256_hex(&token), &link, expires_at)
        .await?;
    tracing::info!(user = %user.id, role = role.as_str(), "invitation created");
    audit::record(
        state,
        tenant,
        actor,
        "user.invite",
        &user.id,
        json!({"email": user.email, "role": role.as_str()}),
    )
    .await;
    Ok(Invitation {
        user_id: user.id,
        email: user.email,
        role: role.as_str().to_owned(),
        link: format!("/invite/{token}"),
        expires_at,
    })
}

fn gone() -> WebError {
    WebError::NotFound("invitation (already used or expired)".into())
}

/// The invited user behind an unused, unexpired link (does not consume it).
pub async fn invited(state: &AppState, token: &str) -> Result<ConsoleUser, WebError> {
    let link = state
        .store
        .peek_one_time_link(&sha256_hex(token))
        .await?
        .ok_or_else(gone)?;
    let OneTimePurpose::Invite { user_id } = link.purpose else {
        return Err(gone());
    };
    let user = state.store.get_console_user(&user_id).await?;
    if user.tenant_id != link.tenant_id {
        return Err(gone());
    }
    Ok(user)
}

/// Sets the invitee's password (already validated), consumes the link and
/// starts a session; returns its `Set-Cookie`.
pub async fn accept(
    state: &AppState,
    user: &ConsoleUser,
    token: &str,
    new_password: &str,
) -> Result<HeaderValue, WebError> {
    let hash = password::hash(new_password).await?;
    // Consume first: of two concurrent submissions only one gets the link.
    state
        .store
        .take_one_time_link(&sha256_hex(token))
        .await?
        .ok_or_else(gone)?;
    state
        .store
        .set_console_password(&user.tenant_id, &user.id, &hash)
        .await?;
    tracing::info!(user = %user.id, "invitation accepted");
    audit::record(
        state,
        &user.tenant_id,
        &user.email,
        "user.accept-invite",
        &user.id,
        json!({"role": user.role.as_str()}),
    )
    .await;
    session::start(state, user).await
}
