//! API: users, groups and memberships of a source's latest snapshot, with
//! the console's filters and keyset pagination (`after` = last ID seen).

use axum::Json;
use axum::extract::{Path, Query, State};
use roster_store::{GroupSummary, Snapshot, Source, UserFilter, UserSummary};
use serde::{Deserialize, Serialize};

use crate::auth::Principal;
use crate::error::{ErrorBody, WebError};
use crate::pages::source_of;
use crate::state::AppState;

/// Rows per page in the console; the API's default and maximum `limit`.
pub const PAGE: u32 = 50;
const MAX_LIMIT: u32 = 500;

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct UsersQuery {
    /// Console only: which source (default: the first with a snapshot).
    #[serde(default)]
    #[param(ignore)]
    pub source: Option<String>,
    /// Substring of user name, display name or email (any case).
    #[serde(default)]
    pub q: Option<String>,
    /// Only members of this group ID.
    #[serde(default)]
    pub group: Option<String>,
    /// ENABLED or DISABLED.
    #[serde(default)]
    pub status: Option<String>,
    /// `true`: only users from the external `IdP`; `false`: only the others.
    #[serde(default)]
    pub idp: Option<String>,
    /// The last user ID of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct GroupsQuery {
    #[serde(default)]
    #[param(ignore)]
    pub source: Option<String>,
    /// Substring of the group's display name (any case).
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct PageQuery {
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

pub fn user_filter(q: &UsersQuery) -> Result<UserFilter, WebError> {
    let idp = match q.idp.as_deref() {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return Err(WebError::bad_request(
                "invalid-filter",
                "idp is true or false",
            ));
        }
    };
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s @ ("ENABLED" | "DISABLED")) => Some(s.to_owned()),
        Some(_) => {
            return Err(WebError::bad_request(
                "invalid-filter",
                "status is ENABLED or DISABLED",
            ));
        }
    };
    Ok(UserFilter {
        query: q.q.clone().filter(|s| !s.is_empty()),
        group_id: q.group.clone().filter(|s| !s.is_empty()),
        status,
        idp_sourced: idp,
    })
}

pub async fn snapshot_of(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<Option<Snapshot>, WebError> {
    Ok(state
        .store
        .latest_snapshot(who.tenant(), &source.id)
        .await?)
}

async fn current(state: &AppState, who: &Principal, id: &str) -> Result<Snapshot, WebError> {
    let source = source_of(state, who, id).await?;
    snapshot_of(state, who, &source)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("completed sync of source {id}")))
}

fn limit(l: Option<u32>) -> u32 {
    l.unwrap_or(PAGE).clamp(1, MAX_LIMIT)
}

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

fn next<T>(items: &mut Vec<T>, limit: u32, key: impl Fn(&T) -> String) -> Option<String> {
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    if more { items.last().map(key) } else { None }
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/users", tag = "directory", params(("id" = String, Path, description = "Source ID"), UsersQuery),
    responses((status = 200, body = UserPage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn users(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<UsersQuery>,
) -> Result<Json<UserPage>, WebError> {
    let snap = current(&state, &who, &id).await?;
    let filter = user_filter(&q)?;
    let n = limit(q.limit);
    let mut items = state
        .store
        .search_users(who.tenant(), &snap, &filter, q.after.as_deref(), n + 1)
        .await?;
    let next_after = next(&mut items, n, |u| u.user_id.clone());
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
    who: Principal,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<Json<UserDetail>, WebError> {
    let snap = current(&state, &who, &id).await?;
    let user = state.store.get_user(who.tenant(), &snap, &user_id).await?;
    let groups = state
        .store
        .user_groups(who.tenant(), &snap, &user_id, MAX_LIMIT)
        .await?;
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
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<GroupsQuery>,
) -> Result<Json<GroupPage>, WebError> {
    let snap = current(&state, &who, &id).await?;
    let n = limit(q.limit);
    let mut items = state
        .store
        .search_groups(
            who.tenant(),
            &snap,
            q.q.as_deref(),
            q.after.as_deref(),
            n + 1,
        )
        .await?;
    let next_after = next(&mut items, n, |g| g.group_id.clone());
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
    who: Principal,
    Path((id, group_id)): Path<(String, String)>,
) -> Result<Json<GroupDetail>, WebError> {
    let snap = current(&state, &who, &id).await?;
    let group = state
        .store
        .get_group(who.tenant(), &snap, &group_id)
        .await?;
    Ok(Json(GroupDetail {
        group: serde_json::to_value(&group).map_err(|e| WebError::Internal(e.to_string()))?,
    }))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/groups/{group_id}/members", tag = "directory", params(("id" = String, Path, description = "Source ID"), ("group_id" = String, Path, description = "Identity Store group ID"), PageQuery),
    responses((status = 200, body = UserPage), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn members(
    State(state): State<AppState>,
    who: Principal,
    Path((id, group_id)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Json<UserPage>, WebError> {
    let snap = current(&state, &who, &id).await?;
    state
        .store
        .get_group(who.tenant(), &snap, &group_id)
        .await?;
    let n = limit(q.limit);
    let mut items = state
        .store
        .group_members(who.tenant(), &snap, &group_id, q.after.as_deref(), n + 1)
        .await?;
    let next_after = next(&mut items, n, |u| u.user_id.clone());
    Ok(Json(UserPage {
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}
