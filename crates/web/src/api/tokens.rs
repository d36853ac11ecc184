//! API tokens: issued once (the secret is shown once, stored as a SHA-256
//! hash), listed, revoked — adapters over `service::tokens`. Also `GET /me`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use roster_core::Timestamp;
use roster_store::ApiToken;
use serde::{Deserialize, Serialize};

use crate::auth::{ApiWriter, Principal};
use crate::error::{ErrorBody, WebError};
use crate::extract::AppJson;
use crate::service::tokens;
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub prefix: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>)]
    pub last_used_at: Option<Timestamp>,
    #[schema(value_type = Option<String>)]
    pub revoked_at: Option<Timestamp>,
}

impl From<&ApiToken> for TokenView {
    fn from(t: &ApiToken) -> Self {
        Self {
            id: t.id.clone(),
            name: t.name.clone(),
            prefix: t.prefix.clone(),
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
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
    let tokens = tokens::list(&state, &who).await?;
    Ok(Json(tokens.iter().map(TokenView::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = CreateToken, responses((status = 201, body = CreatedToken), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    AppJson(body): AppJson<CreateToken>,
) -> Result<(StatusCode, Json<CreatedToken>), WebError> {
    let (token, secret) = tokens::issue(&state, &who, &body.name).await?;
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
    tokens::revoke(&state, &who, &token_id).await?;
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
pub async fn me(crate::auth::AnyRole(who): crate::auth::AnyRole) -> Json<Me> {
    Json(Me {
        user_id: who.user.id.clone(),
        email: who.user.email.clone(),
        role: who.user.role.as_str().to_owned(),
        tenant: who.tenant().to_string(),
    })
}
