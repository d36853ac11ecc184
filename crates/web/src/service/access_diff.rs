//! The diff of effective access between two access snapshots of a source
//! (who gained or lost which access, direct or via a group), with the
//! accounts' and permission sets' names of both snapshots for labels. The
//! API (`GET …/access/diff`, JSON or CSV) and the console's access diff
//! page both read it here.

use std::collections::HashMap;

use roster_core::SyncId;
use roster_core::sso::AccessDiff;
use roster_engine::{evidence, snapshot};
use roster_store::{Snapshot, Source};

use super::access::current;
use super::evidence::parse_sync;
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// A diff of effective access with names to show its rows by.
#[derive(Debug, Clone)]
pub struct NamedAccessDiff {
    pub diff: AccessDiff,
    /// Account ID → name (the newer snapshot's, else the older's).
    pub account_names: HashMap<String, String>,
    /// Permission set ARN → name (the newer snapshot's, else the older's).
    pub permission_set_names: HashMap<String, String>,
}

impl NamedAccessDiff {
    pub fn account_name(&self, id: &str) -> Option<&str> {
        self.account_names.get(id).map(String::as_str)
    }

    pub fn permission_set_name(&self, arn: &str) -> Option<&str> {
        self.permission_set_names.get(arn).map(String::as_str)
    }
}

/// A sync ID as typed (`from`, `to`): empty is none; anything but a
/// positive number is 400 `invalid-sync`.
fn parse(raw: Option<&str>) -> Result<Option<SyncId>, WebError> {
    raw.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_sync)
        .transpose()
}

/// Names of the accounts and permission sets of `snaps`, the first
/// snapshot's names winning.
async fn names(
    state: &AppState,
    who: &Principal,
    snaps: &[&Snapshot],
) -> Result<(HashMap<String, String>, HashMap<String, String>), WebError> {
    let (mut accounts, mut sets) = (HashMap::new(), HashMap::new());
    for snap in snaps {
        for a in state.store.accounts(who.tenant(), snap).await? {
            if let Some(name) = a.name {
                accounts.entry(a.id.to_string()).or_insert(name);
            }
        }
        for p in state.store.permission_sets(who.tenant(), snap).await? {
            let ps = p.facts.permission_set;
            sets.entry(ps.permission_set_arn.to_string())
                .or_insert(ps.name);
        }
    }
    Ok((accounts, sets))
}

/// The diff of effective access `from` → `to`: `to` defaults to the latest
/// access snapshot (access as of any complete sync is that of the newest
/// access snapshot at or before it), `from` to the access snapshot before
/// that. 400 for a sync ID that is no number or `from` not older than
/// `to`, 404 for a sync unknown to the tenant, 409 when there is none to
/// compare with.
pub async fn diff(
    state: &AppState,
    who: &Principal,
    source: &Source,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<NamedAccessDiff, WebError> {
    let (from, to) = (parse(from)?, parse(to)?);
    let store = state.store.as_ref();
    let to = match to {
        Some(t) => snapshot::of_sync(store, who.tenant(), &source.id, t).await?,
        None => current(state, who, source).await?,
    };
    let from = if let Some(f) = from {
        f
    } else {
        evidence::access_snapshot(store, who.tenant(), &to)
            .await?
            .and_then(|a| a.previous)
            .ok_or_else(|| {
                WebError::Conflict(format!(
                    "sync {} shows the first access snapshot of source {} (or none); there is no earlier one to compare it with",
                    to.sync_id, source.id
                ))
            })?
    };
    let from = snapshot::of_sync(store, who.tenant(), &source.id, from).await?;
    if from.sync_id >= to.sync_id {
        return Err(WebError::bad_request(
            "invalid-sync",
            format!(
                "from ({}) must be an older sync than to ({})",
                from.sync_id, to.sync_id
            ),
        ));
    }
    let diff = state
        .store
        .access_diff(who.tenant(), &source.id, from.sync_id, to.sync_id)
        .await?;
    let (account_names, permission_set_names) = names(state, who, &[&to, &from]).await?;
    Ok(NamedAccessDiff {
        diff,
        account_names,
        permission_set_names,
    })
}
