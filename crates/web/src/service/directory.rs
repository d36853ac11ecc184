//! The directory of a source's latest snapshot: users (search, filters by
//! group, status, IdP-sourced), groups, memberships, with keyset pages
//! (`after` = the last ID seen).

use roster_core::{Group, User};
use roster_engine::snapshot;
use roster_store::{GroupSummary, Snapshot, Source, UserFilter, UserSummary};
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// Rows per page in the console; the API's default `limit`.
pub const PAGE: u32 = 50;
/// The API's largest `limit` (and the most groups shown for one user).
pub const MAX_LIMIT: u32 = 500;

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

/// A page of rows and the `after` of the next page, if there is one.
pub type Paged<T> = (Vec<T>, Option<String>);

fn user_filter(q: &UsersQuery) -> Result<UserFilter, WebError> {
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

/// The latest complete snapshot of a source, if any (engine's one rule,
/// `roster_engine::snapshot`).
pub async fn latest(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<Option<Snapshot>, WebError> {
    Ok(snapshot::latest(state.store.as_ref(), who.tenant(), &source.id).await?)
}

/// The latest complete snapshot of a source; 404 when it has none.
pub async fn current(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<Snapshot, WebError> {
    Ok(snapshot::resolve(state.store.as_ref(), who.tenant(), &source.id, None).await?)
}

fn next<T>(mut items: Vec<T>, limit: u32, key: impl Fn(&T) -> String) -> Paged<T> {
    let more = items.len() > limit as usize;
    items.truncate(limit as usize);
    let after = if more { items.last().map(key) } else { None };
    (items, after)
}

/// The API's page size: `limit`, else `PAGE`, at most `MAX_LIMIT`.
pub fn limit(l: Option<u32>) -> u32 {
    l.unwrap_or(PAGE).clamp(1, MAX_LIMIT)
}

/// A page of users matching the query's filters.
pub async fn users(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    q: &UsersQuery,
    n: u32,
) -> Result<Paged<UserSummary>, WebError> {
    let filter = user_filter(q)?;
    let items = state
        .store
        .search_users(who.tenant(), snap, &filter, q.after.as_deref(), n + 1)
        .await?;
    Ok(next(items, n, |u| u.user_id.clone()))
}

/// One user as AWS returned it, and the user's groups.
pub async fn user(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    user_id: &str,
) -> Result<(User, Vec<GroupSummary>), WebError> {
    let user = state.store.get_user(who.tenant(), snap, user_id).await?;
    let groups = state
        .store
        .user_groups(who.tenant(), snap, user_id, MAX_LIMIT)
        .await?;
    Ok((user, groups))
}

/// A page of groups whose display name contains `q`.
pub async fn groups(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    q: Option<&str>,
    after: Option<&str>,
    n: u32,
) -> Result<Paged<GroupSummary>, WebError> {
    let items = state
        .store
        .search_groups(who.tenant(), snap, q, after, n + 1)
        .await?;
    Ok(next(items, n, |g| g.group_id.clone()))
}

/// One group as AWS returned it.
pub async fn group(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    group_id: &str,
) -> Result<Group, WebError> {
    Ok(state.store.get_group(who.tenant(), snap, group_id).await?)
}

/// A page of a group's members (404 for an unknown group).
pub async fn members(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    group_id: &str,
    after: Option<&str>,
    n: u32,
) -> Result<Paged<UserSummary>, WebError> {
    group(state, who, snap, group_id).await?;
    let items = state
        .store
        .group_members(who.tenant(), snap, group_id, after, n + 1)
        .await?;
    Ok(next(items, n, |u| u.user_id.clone()))
}
