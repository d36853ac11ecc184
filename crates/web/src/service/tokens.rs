//! API tokens: issued once (the secret is shown once, stored as a SHA-256
//! hash), listed, revoked.

use roster_store::{ApiToken, NewApiToken};

use crate::auth::Principal;
use crate::auth::secrets::{random_token, sha256_hex};
use crate::error::WebError;
use crate::state::AppState;

/// The tenant's tokens (revoked ones too).
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<ApiToken>, WebError> {
    Ok(state.store.list_api_tokens(who.tenant()).await?)
}

/// Creates a token for `who`; returns it and its secret (shown once).
pub async fn issue(
    state: &AppState,
    who: &Principal,
    name: &str,
) -> Result<(ApiToken, String), WebError> {
    who.require_admin()?;
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(WebError::bad_request(
            "invalid-name",
            "name the token (1-100 characters)",
        ));
    }
    let secret = format!("rst_{}", random_token());
    let new = NewApiToken {
        id: format!("tok_{}", &sha256_hex(&random_token())[..16]),
        user_id: who.user.id.clone(),
        name: name.to_owned(),
        token_hash: sha256_hex(&secret),
        prefix: secret[..8].to_owned(),
    };
    let token = state.store.create_api_token(who.tenant(), &new).await?;
    tracing::info!(token = %token.id, "API token created");
    crate::audit::by(
        state,
        who,
        "token.create",
        &token.id,
        serde_json::json!({"name": token.name, "prefix": token.prefix}),
    )
    .await;
    Ok((token, secret))
}

/// Revokes a token of the tenant (404 for anyone else's).
pub async fn revoke(state: &AppState, who: &Principal, token_id: &str) -> Result<(), WebError> {
    who.require_admin()?;
    state.store.revoke_api_token(who.tenant(), token_id).await?;
    tracing::info!(token = %token_id, "API token revoked");
    crate::audit::by(state, who, "token.revoke", token_id, serde_json::json!({})).await;
    Ok(())
}
