//! API: users, groups and memberships of a source's latest snapshot, with
//! the console's filters and keyset pagination (`after` = last ID seen) —
//! adapters over `service::directory`.

use axum::Json;
use axum::extract::{Path, State};
use roster_store::{GroupSummary, UserSummary};
use serde::Serialize;

use crate::error::{ErrorBody, WebError};
use crate::extract::{AppQuery, TenantSource};
use crate::service::directory::{self, GroupsQuery, PageQuery, UsersQuery, limit};
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserSummaryView {
    pub user_id: String,
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub status: Option<String>,
    pub idp_sourced: bool,
}

impl From<UserSummary> for UserSummaryView {
    fn from(u: UserSummary) -> Self {
        Self {
            user_id: u.user_id,
            user_name: u.user_name,
            display_name: u.display_name,
            email: u.email,
            status: u.status,
            idp_sourced: u.idp_sourced,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupSummaryView {
    pub group_id: String,
    pub display_name: Option<String>,
    pub member_count: u64,
}

impl From<GroupSummary> for GroupSummaryView {
    fn from(g: GroupSummary) -> Self {
        Self {
            group_id: g.group_id,
            display_name: g.display_name,
            member_count: g.member_count,
        }
    }
}

/// A page of users; pass `next_after` as `after` for the next page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserPage {
    pub items: Vec<UserSummaryView>,
    pub next_after: Option<String>,
}

/// A page of groups; pass `next_after` as `after` for the next page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupPage {
    pub items: Vec<GroupSummaryView>,
    pub next_after: Option<String>,
}

/// One user: every field AWS returned, and the user's groups.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserDetail {
    /// The user as `ListUsers` returned it (AWS field names).
    #[schema(value_type = Object)]
    pub user: serde_json::Value,
    pub groups: Vec<GroupSummaryView>,
}

/// One group as `ListGroups` returned it (AWS field names).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupDetail {
    #[schema(value_type = Object)]
    pub group: serde_json::Value,
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/users", tag = "directory", params(("id" = String, Path, description = "Source ID"), UsersQuery),
    responses((status = 200, body = UserPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn users(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<UsersQuery>,
) -> Result<Json<UserPage>, WebError> {
    let snap = directory::current(&state, &who, &source).await?;
    let (items, next_after) = directory::users(&state, &who, &snap, &q, limit(q.limit)).await?;
    Ok(Json(UserPage {
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/users/{user_id}", tag = "directory", params(("id" = String, Path, description = "Source ID"), ("user_id" = String, Path, description = "Identity Store user ID")),
    responses((status = 200, body = UserDetail), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn user(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    Path((_source, user_id)): Path<(String, String)>,
) -> Result<Json<UserDetail>, WebError> {
    let snap = directory::current(&state, &who, &source).await?;
    let (user, groups) = directory::user(&state, &who, &snap, &user_id).await?;
    Ok(Json(UserDetail {
        user: serde_json::to_value(&user).map_err(|e| WebError::Internal(e.to_string()))?,
        groups: groups.into_iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/groups", tag = "directory", params(("id" = String, Path, description = "Source ID"), GroupsQuery),
    responses((status = 200, body = GroupPage), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn groups(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<GroupsQuery>,
) -> Result<Json<GroupPage>, WebError> {
    let snap = directory::current(&state, &who, &source).await?;
    let (items, next_after) = directory::groups(
        &state,
        &who,
        &snap,
        q.q.as_deref(),
        q.after.as_deref(),
        limit(q.limit),
    )
    .await?;
    Ok(Json(GroupPage {
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/groups/{group_id}", tag = "directory", params(("id" = String, Path, description = "Source ID"), ("group_id" = String, Path, description = "Identity Store group ID")),
    responses((status = 200, body = GroupDetail), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn group(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    Path((_source, group_id)): Path<(String, String)>,
) -> Result<Json<GroupDetail>, WebError> {
    let snap = directory::current(&state, &who, &source).await?;
    let group = directory::group(&state, &who, &snap, &group_id).await?;
    Ok(Json(GroupDetail {
        group: serde_json::to_value(&group).map_err(|e| WebError::Internal(e.to_string()))?,
    }))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/groups/{group_id}/members", tag = "directory", params(("id" = String, Path, description = "Source ID"), ("group_id" = String, Path, description = "Identity Store group ID"), PageQuery),
    responses((status = 200, body = UserPage), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn members(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    Path((_source, group_id)): Path<(String, String)>,
    AppQuery(q): AppQuery<PageQuery>,
) -> Result<Json<UserPage>, WebError> {
    let snap = directory::current(&state, &who, &source).await?;
    let (items, next_after) = directory::members(
        &state,
        &who,
        &snap,
        &group_id,
        q.after.as_deref(),
        limit(q.limit),
    )
    .await?;
    Ok(Json(UserPage {
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}
