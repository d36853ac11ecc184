//! API tokens: issued once (the secret is shown once, stored as a SHA-256
//! hash), listed, revoked. Also `GET /me`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use roster_store::{ApiToken, NewApiToken};
use serde::{Deserialize, Serialize};

use crate::auth::secrets::{random_token, sha256_hex};
use crate::auth::{ApiWriter, Principal};
use crate::error::{ErrorBody, WebError};
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl From<&ApiToken> for TokenView {
    fn from(t: &ApiToken) -> Self {
        Self {
            id: t.id.clone(),
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            created_at: t.created_at.clone(),
            last_used_at: t.last_used_at.clone(),
            revoked_at: t.revoked_at.clone(),
        }
    }
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateToken {
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    pub token: TokenView,
    /// The bearer token. Shown only now; roster keeps only its hash.
    pub secret: String,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", responses((status = 200, body = [TokenView]), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<Vec<TokenView>>, WebError> {
    let tokens = state.store.list_api_tokens(who.tenant()).await?;
    Ok(Json(tokens.iter().map(TokenView::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = CreateToken, responses((status = 201, body = CreatedToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    Json(body): Json<CreateToken>,
) -> Result<(StatusCode, Json<CreatedToken>), WebError> {
    let (token, secret) = issue(&state, &who, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedToken {
            token: TokenView::from(&token),
            secret,
        }),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{token_id}", tag = "tokens", params(("token_id" = String, Path, description = "Token ID")), responses((status = 204), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn revoke(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    Path(token_id): Path<String>,
) -> Result<StatusCode, WebError> {
    state
        .store
        .revoke_api_token(who.tenant(), &token_id)
        .await?;
    tracing::info!(token = %token_id, "API token revoked");
    crate::audit::by(
        &state,
        &who,
        "token.revoke",
        &token_id,
        serde_json::json!({}),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user_id: String,
    pub email: String,
    /// admin or auditor.
    pub role: String,
    pub tenant: String,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "tokens", responses((status = 200, body = Me), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn me(who: Principal) -> Json<Me> {
    Json(Me {
        user_id: who.user.id.clone(),
        email: who.user.email.clone(),
        role: who.user.role.as_str().to_owned(),
        tenant: who.tenant().to_string(),
    })
}
