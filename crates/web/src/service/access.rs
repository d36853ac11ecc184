//! Who can reach which AWS account (the SSO source): effective access of a
//! source's latest access snapshot with the Access page's filters and keyset
//! pages (`after` = `AccessEntry::cursor` of the last row seen), its
//! accounts, a user's access and a group's assignments. The diff of
//! effective access between two snapshots is in `access_diff`, permission
//! sets in `permission_sets`, the ACC- checks and their settings in
//! `access_checks`.

use std::collections::HashMap;

use roster_core::AccountId;
use roster_core::sso::{Account, AccountAssignment, PrincipalType};
use roster_store::{AccessEntry, AccessFilter, Snapshot, Source};
use serde::Deserialize;

use super::directory::{MAX_LIMIT, Paged};
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// The longest search text or filter value taken (anything longer cannot
/// match a name AWS allows).
const MAX_FILTER_LEN: usize = 512;

/// What a source's access looks like to a reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessState {
    /// The source does not collect access and never did.
    NotCollected,
    /// It collects access, but no access sync has completed yet.
    NoSnapshot,
    /// The newest complete access snapshot.
    Ready(Snapshot),
}

/// Where a source's access stands.
pub async fn access_state(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<AccessState, WebError> {
    let snap = state
        .store
        .latest_access_snapshot(who.tenant(), &source.id)
        .await?;
    Ok(match snap {
        Some(s) => AccessState::Ready(s),
        None if source.collects_access => AccessState::NoSnapshot,
        None => AccessState::NotCollected,
    })
}

/// The latest access snapshot; 409 saying why there is none.
pub async fn current(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<Snapshot, WebError> {
    match access_state(state, who, source).await? {
        AccessState::Ready(s) => Ok(s),
        AccessState::NoSnapshot => Err(WebError::Conflict(format!(
            "source {} has no access snapshot yet: no access sync has completed",
            source.id
        ))),
        AccessState::NotCollected => Err(WebError::Conflict(format!(
            "source {} does not collect access; turn on \"also collect access\" in its settings",
            source.id
        ))),
    }
}

/// The console's source: the one asked for, else the first with an access
/// snapshot, else the first that collects access, else the first.
pub async fn pick(
    state: &AppState,
    who: &Principal,
    asked: Option<&str>,
) -> Result<Option<Source>, WebError> {
    if let Some(id) = asked.filter(|s| !s.is_empty()) {
        return super::sources::get(state, who, id).await.map(Some);
    }
    let sources = super::sources::list(state, who).await?;
    for s in &sources {
        if let AccessState::Ready(_) = access_state(state, who, s).await? {
            return Ok(Some(s.clone()));
        }
    }
    let collecting = sources.iter().find(|s| s.collects_access).cloned();
    Ok(collecting.or_else(|| sources.into_iter().next()))
}

/// Filters of the Access page and `GET …/access`.
#[derive(Debug, Deserialize, Default, Clone, utoipa::IntoParams)]
pub struct AccessQuery {
    /// Console only: which source.
    #[serde(default)]
    #[param(ignore)]
    pub source: Option<String>,
    /// Console only: `users` (default), `accounts` or `permission-sets`.
    #[serde(default)]
    #[param(ignore)]
    pub view: Option<String>,
    /// Substring (any case) of user name, account ID or name, permission set name, group name.
    #[serde(default)]
    pub q: Option<String>,
    /// A user's ID or exact user name.
    #[serde(default)]
    pub user: Option<String>,
    /// A 12-digit account ID.
    #[serde(default)]
    pub account: Option<String>,
    /// A permission set's ARN or exact name.
    #[serde(default)]
    pub permission_set: Option<String>,
    /// Only rows granted through this group ID.
    #[serde(default)]
    pub group: Option<String>,
    /// `true`: only privileged permission sets.
    #[serde(default)]
    pub privileged: Option<String>,
    /// `true`: only direct user assignments.
    #[serde(default)]
    pub direct: Option<String>,
    /// `true`: only assignments to principals that no longer exist.
    #[serde(default)]
    pub orphaned: Option<String>,
    /// `next_after` of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    /// Rows per page (default 50, at most 500).
    #[serde(default)]
    pub limit: Option<u32>,
}

fn flag(name: &str, v: Option<&str>) -> Result<bool, WebError> {
    match v {
        None | Some("" | "false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(WebError::bad_request(
            "invalid-filter",
            format!("{name} is true or false"),
        )),
    }
}

fn text(name: &str, v: Option<&String>) -> Result<Option<String>, WebError> {
    let Some(v) = v.map(|s| s.trim()).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > MAX_FILTER_LEN || v.chars().any(char::is_control) {
        return Err(WebError::bad_request(
            "invalid-filter",
            format!("{name} is at most {MAX_FILTER_LEN} characters, without control characters"),
        ));
    }
    Ok(Some(v.to_owned()))
}

/// The store's filter from a query: 400 `invalid-filter` for a bad value.
pub fn filter(q: &AccessQuery) -> Result<AccessFilter, WebError> {
    let account = text("account", q.account.as_ref())?
        .map(|a| {
            AccountId::parse(&a).map_err(|e| WebError::bad_request("invalid-filter", e.to_string()))
        })
        .transpose()?;
    Ok(AccessFilter {
        user: text("user", q.user.as_ref())?,
        account,
        permission_set: text("permission_set", q.permission_set.as_ref())?,
        group: text("group", q.group.as_ref())?,
        search: text("q", q.q.as_ref())?,
        privileged_only: flag("privileged", q.privileged.as_deref())?,
        direct_only: flag("direct", q.direct.as_deref())?,
        orphaned_only: flag("orphaned", q.orphaned.as_deref())?,
    })
}

fn after(raw: Option<&str>) -> Result<Option<&str>, WebError> {
    match raw.filter(|s| !s.is_empty()) {
        Some(a) if a.len() > 4 * MAX_FILTER_LEN => Err(WebError::bad_request(
            "invalid-cursor",
            "after is the next_after of a previous page",
        )),
        other => Ok(other),
    }
}

/// A page of effective access matching the filter.
pub async fn page(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    filter: &AccessFilter,
    after_cursor: Option<&str>,
    n: u32,
) -> Result<Paged<AccessEntry>, WebError> {
    let n = n.clamp(1, MAX_LIMIT);
    let mut items = state
        .store
        .access_page(who.tenant(), snap, filter, after(after_cursor)?, n + 1)
        .await?;
    let more = items.len() > n as usize;
    items.truncate(n as usize);
    let next = if more {
        items.last().map(AccessEntry::cursor)
    } else {
        None
    };
    Ok((items, next))
}

/// An account's status as AWS spells it (`ACTIVE`, `SUSPENDED`, …).
pub fn account_status(a: &Account) -> Option<String> {
    a.status
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
}

/// An account and how many permission sets are provisioned to it.
#[derive(Debug, Clone)]
pub struct AccountSummary {
    pub account: Account,
    pub permission_sets: usize,
}

/// A page of the organization's accounts (by ID; `after` = the last ID),
/// those whose ID, name or email contain `q` (any case).
pub async fn accounts(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    q: Option<&str>,
    after_id: Option<&str>,
    n: u32,
) -> Result<Paged<AccountSummary>, WebError> {
    let n = n.clamp(1, MAX_LIMIT) as usize;
    let needle = text("q", q.map(str::to_owned).as_ref())?.map(|s| s.to_lowercase());
    let after_id = after(after_id)?;
    let mut provisioned: HashMap<String, usize> = HashMap::new();
    for ps in state.store.permission_sets(who.tenant(), snap).await? {
        for a in ps.provisioned_accounts {
            *provisioned.entry(a.to_string()).or_default() += 1;
        }
    }
    let mut all = state.store.accounts(who.tenant(), snap).await?;
    all.sort_by(|a, b| a.id.cmp(&b.id));
    let matches = |a: &Account| {
        needle.as_ref().is_none_or(|q| {
            [Some(a.id.as_str()), a.name.as_deref(), a.email.as_deref()]
                .into_iter()
                .flatten()
                .any(|t| t.to_lowercase().contains(q))
        })
    };
    let mut items: Vec<AccountSummary> = all
        .into_iter()
        .filter(|a| after_id.is_none_or(|x| a.id.as_str() > x) && matches(a))
        .take(n + 1)
        .map(|account| AccountSummary {
            permission_sets: provisioned.get(account.id.as_str()).copied().unwrap_or(0),
            account,
        })
        .collect();
    let more = items.len() > n;
    items.truncate(n);
    let next = if more {
        items.last().map(|a| a.account.id.to_string())
    } else {
        None
    };
    Ok((items, next))
}

/// Account ID → name, for labels.
pub async fn account_names(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
) -> Result<HashMap<String, String>, WebError> {
    Ok(state
        .store
        .accounts(who.tenant(), snap)
        .await?
        .into_iter()
        .filter_map(|a| a.name.map(|n| (a.id.to_string(), n)))
        .collect())
}

/// A group's own account assignments (accounts × permission sets), by
/// account then permission set, with the permission sets' names.
pub async fn group_assignments(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
    group_id: &str,
) -> Result<Vec<(AccountAssignment, Option<String>)>, WebError> {
    let names: HashMap<String, String> = state
        .store
        .permission_sets(who.tenant(), snap)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.facts.permission_set.permission_set_arn.to_string(),
                p.facts.permission_set.name,
            )
        })
        .collect();
    let mut mine: Vec<(AccountAssignment, Option<String>)> = state
        .store
        .account_assignments(who.tenant(), snap)
        .await?
        .into_iter()
        .filter(|a| a.principal_type == PrincipalType::Group && a.principal_id == group_id)
        .map(|a| {
            let name = names.get(a.permission_set_arn.as_str()).cloned();
            (a, name)
        })
        .collect();
    mine.sort_by(|(a, an), (b, bn)| (&a.account_id, an).cmp(&(&b.account_id, bn)));
    Ok(mine)
}
