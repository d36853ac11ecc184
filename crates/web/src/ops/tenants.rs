//! The instance admin's API (`/api/v1/admin/*`): create and list tenants,
//! and invite a tenant's first users. Authorised only by the bearer token in
//! `ROSTER_ADMIN_TOKEN`; tenant users and their API tokens are never
//! instance admins. Without the setting, these routes do not exist (404).

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use roster_core::{TenantId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorBody, WebError};
use crate::extract::AppJson;
use crate::ops::bearer_matches;
use crate::service::invitations::{Invitation, NewInvitation, invite};
use crate::state::AppState;

const ACTOR: &str = "instance-admin";

/// Proof that the request carries the instance admin's token.
#[derive(Debug)]
pub struct InstanceAdmin;

impl FromRequestParts<AppState> for InstanceAdmin {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let Some(expected) = &state.ops.admin_token else {
            return Err(WebError::NotFound("API route".into()));
        };
        if bearer_matches(&parts.headers, expected) {
            Ok(Self)
        } else {
            Err(WebError::Unauthorized)
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TenantView {
    pub id: String,
    pub name: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewTenant {
    /// 1-63 lowercase letters, digits and hyphens.
    pub id: String,
    pub name: String,
}

#[utoipa::path(get, path = "/api/v1/admin/tenants", tag = "instance admin", responses((status = 200, body = [TenantView]), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    _admin: InstanceAdmin,
) -> Result<Json<Vec<TenantView>>, WebError> {
    let tenants = state.store.list_tenants().await?;
    Ok(Json(
        tenants
            .into_iter()
            .map(|t| TenantView {
                id: t.id.to_string(),
                name: t.name,
                created_at: t.created_at,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/admin/tenants", tag = "instance admin", request_body = NewTenant, responses((status = 201, body = TenantView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    _admin: InstanceAdmin,
    AppJson(body): AppJson<NewTenant>,
) -> Result<(StatusCode, Json<TenantView>), WebError> {
    let id = TenantId::parse(body.id.trim())
        .map_err(|e| WebError::bad_request("invalid-tenant", e.to_string()))?;
    let name = body.name.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(WebError::bad_request(
            "invalid-name",
            "name the tenant (1-200 characters)",
        ));
    }
    state.store.create_tenant(&id, name).await?;
    tracing::info!(tenant = %id, "tenant created");
    crate::audit::record(
        &state,
        &id,
        ACTOR,
        "tenant.create",
        id.as_str(),
        serde_json::json!({"name": name}),
    )
    .await;
    let created = state
        .store
        .list_tenants()
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| WebError::Internal("created tenant not listed".into()))?;
    Ok((
        StatusCode::CREATED,
        Json(TenantView {
            id: created.id.to_string(),
            name: created.name,
            created_at: created.created_at,
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/admin/tenants/{tenant}/invitations", tag = "instance admin", params(("tenant" = String, Path, description = "Tenant ID")), request_body = NewInvitation, responses((status = 201, body = Invitation), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn invite_user(
    State(state): State<AppState>,
    _admin: InstanceAdmin,
    Path(tenant): Path<String>,
    AppJson(body): AppJson<NewInvitation>,
) -> Result<(StatusCode, Json<Invitation>), WebError> {
    let id = TenantId::parse(&tenant).map_err(|_| WebError::NotFound("tenant".into()))?;
    if !state.store.list_tenants().await?.iter().any(|t| t.id == id) {
        return Err(WebError::NotFound("tenant".into()));
    }
    let inv = invite(&state, &id, ACTOR, &body).await?;
    Ok((StatusCode::CREATED, Json(inv)))
}
