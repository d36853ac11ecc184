//! The instance admin's API (`/api/v1/admin/*`): create and list tenants,
//! and invite a tenant's first users — adapters over `service::tenants`
//! and `service::invitations`. Authorised only by the bearer token in
//! `ROSTER_ADMIN_TOKEN`; tenant users and their API tokens are never
//! instance admins. Without the setting, these routes do not exist (404).

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use roster_core::Timestamp;
use roster_store::Tenant;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorBody, WebError};
use crate::extract::AppJson;
use crate::ops::bearer_matches;
use crate::service::invitations::{self, Invitation, NewInvitation};
use crate::service::tenants;
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

impl From<Tenant> for TenantView {
    fn from(t: Tenant) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name,
            created_at: t.created_at,
        }
    }
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
    let tenants = tenants::list(&state).await?;
    Ok(Json(tenants.into_iter().map(TenantView::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/admin/tenants", tag = "instance admin", request_body = NewTenant, responses((status = 201, body = TenantView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    _admin: InstanceAdmin,
    AppJson(body): AppJson<NewTenant>,
) -> Result<(StatusCode, Json<TenantView>), WebError> {
    let created = tenants::create(&state, ACTOR, &body.id, &body.name).await?;
    Ok((StatusCode::CREATED, Json(TenantView::from(created))))
}

#[utoipa::path(post, path = "/api/v1/admin/tenants/{tenant}/invitations", tag = "instance admin", params(("tenant" = String, Path, description = "Tenant ID")), request_body = NewInvitation, responses((status = 201, body = Invitation), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn invite_user(
    State(state): State<AppState>,
    _admin: InstanceAdmin,
    Path(tenant): Path<String>,
    AppJson(body): AppJson<NewInvitation>,
) -> Result<(StatusCode, Json<Invitation>), WebError> {
    let id = tenants::existing(&state, &tenant).await?;
    let inv = invitations::invite(&state, &id, ACTOR, &body).await?;
    Ok((StatusCode::CREATED, Json(inv)))
}
