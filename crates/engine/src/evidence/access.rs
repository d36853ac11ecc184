//! The SSO source in evidence: which access snapshot goes with a snapshot,
//! the `ACC-` checks run with the source's settings, and everything the
//! bundle's access files and the report's access section show.
//!
//! Nothing here is read for a source without access data, so the bundles
//! and reports of directory-only sources keep their bytes.

use std::collections::BTreeMap;

use roster_core::evidence::checks::{CheckResult, StatusCounts};
use roster_core::sso::{
    AccessCheckInput, AccessCheckSettings, AccessDiff, Account, PermissionSetFacts, checks,
};
use roster_core::{SourceId, SyncId, TenantId};
use roster_store::{
    AccessCounts, AccessEntry, AccessFilter, Snapshot, Store, StoredPermissionSet, SyncRun,
};
use serde::Serialize;

use crate::EngineError;

/// Rows read per `access_page` call.
pub const ACCESS_PAGE: u32 = 1_000;

/// An access snapshot (a complete access run) and the access run before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessSnapshot {
    pub at: Snapshot,
    pub previous: Option<SyncId>,
}

/// The access snapshot that goes with `snapshot`: the newest complete access
/// run of its source at or before it (so one snapshot reads the directory
/// and access of the same moment, and re-exports stay reproducible).
/// `None` when the source had collected no access by then.
pub async fn access_snapshot(
    store: &dyn Store,
    tenant: &TenantId,
    snapshot: &Snapshot,
) -> Result<Option<AccessSnapshot>, EngineError> {
    let runs = super::access_history::access_runs(store, tenant, &snapshot.source_id).await?;
    let mut upto = runs.into_iter().filter(|id| *id <= snapshot.sync_id);
    Ok(upto.next().map(|id| AccessSnapshot {
        at: Snapshot {
            source_id: snapshot.source_id.clone(),
            sync_id: id,
        },
        previous: upto.next(),
    }))
}

/// The source's newest access snapshot, if it has one.
pub async fn latest_access_snapshot(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<Option<AccessSnapshot>, EngineError> {
    let runs = super::access_history::access_runs(store, tenant, source).await?;
    let mut it = runs.into_iter();
    Ok(it.next().map(|id| AccessSnapshot {
        at: Snapshot {
            source_id: source.clone(),
            sync_id: id,
        },
        previous: it.next(),
    }))
}

/// The error of a read that needs access data the source does not have.
pub fn no_access_snapshot(source: &SourceId) -> EngineError {
    EngineError::NotFound {
        what: format!("access snapshot of source {source}"),
        message: format!(
            "source {source} has no access snapshot: run 'roster sync --scope access' (or --scope all) with a role that may read sso: and organizations:"
        ),
    }
}

/// Every effective-access row of `at` matching `filter`, read page by page.
pub async fn access_rows(
    store: &dyn Store,
    tenant: &TenantId,
    at: &Snapshot,
    filter: &AccessFilter,
) -> Result<Vec<AccessEntry>, EngineError> {
    let mut rows = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .access_page(tenant, at, filter, after.as_deref(), ACCESS_PAGE)
            .await?;
        let full = page.len() == ACCESS_PAGE as usize;
        after = page.last().map(AccessEntry::cursor);
        rows.extend(page);
        if !full || after.is_none() {
            return Ok(rows);
        }
    }
}

/// The `ACC-` checks of one access snapshot, as written to `access_checks.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessCheckReport {
    pub source_id: String,
    /// The access run the checks read.
    pub sync_id: i64,
    /// The access run ACC-06 compares with (`None` for the first).
    pub previous_sync_id: Option<i64>,
    pub settings: AccessCheckSettings,
    pub summary: StatusCounts,
    pub checks: Vec<CheckResult>,
}

/// Everything evidence shows of one access snapshot.
#[derive(Debug, Clone)]
pub struct AccessEvidence {
    pub snapshot: AccessSnapshot,
    /// The access run.
    pub run: SyncRun,
    pub counts: AccessCounts,
    pub accounts: Vec<Account>,
    pub permission_sets: Vec<StoredPermissionSet>,
    /// Effective access, in cursor order.
    pub rows: Vec<AccessEntry>,
    /// Gained and lost since the previous access snapshot, when there is one.
    pub diff: Option<AccessDiff>,
    pub checks: AccessCheckReport,
}

/// Privileged access on one account: the report's chart and table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivilegedAccount {
    pub account_id: String,
    pub account_name: Option<String>,
    /// Distinct users holding a privileged permission set on the account.
    pub users: usize,
    /// Permission set name → distinct users holding it there.
    pub by_permission_set: BTreeMap<String, usize>,
}

impl AccessEvidence {
    /// Reads the access snapshot and runs the checks with the source's settings.
    pub async fn gather(
        store: &dyn Store,
        tenant: &TenantId,
        snapshot: AccessSnapshot,
    ) -> Result<Self, EngineError> {
        let at = &snapshot.at;
        let run = store.get_sync(tenant, at.sync_id).await?;
        let counts = store.access_counts(tenant, at).await?;
        let accounts = store.accounts(tenant, at).await?;
        let permission_sets = store.permission_sets(tenant, at).await?;
        let rows = access_rows(store, tenant, at, &AccessFilter::default()).await?;
        let diff = match snapshot.previous {
            Some(prev) => Some(
                store
                    .access_diff(tenant, &at.source_id, prev, at.sync_id)
                    .await?,
            ),
            None => None,
        };
        let settings = super::access_history::settings(store, tenant, &at.source_id).await?;
        let facts: Vec<PermissionSetFacts> =
            permission_sets.iter().map(|p| p.facts.clone()).collect();
        let results = checks::run(
            &AccessCheckInput {
                accounts: &accounts,
                permission_sets: &facts,
                settings: &settings,
                previous: diff.as_ref(),
            },
            rows.iter().map(|e| &e.row),
        );
        let report = AccessCheckReport {
            source_id: at.source_id.to_string(),
            sync_id: at.sync_id.0,
            previous_sync_id: snapshot.previous.map(|s| s.0),
            settings,
            summary: StatusCounts::of(&results),
            checks: results,
        };
        Ok(Self {
            snapshot,
            run,
            counts,
            accounts,
            permission_sets,
            rows,
            diff,
            checks: report,
        })
    }

    /// Accounts where someone holds a privileged permission set (orphaned
    /// rows grant no one), most holders first, then by account ID.
    pub fn privileged_per_account(&self) -> Vec<PrivilegedAccount> {
        type Holders<'a> = BTreeMap<&'a str, std::collections::BTreeSet<&'a str>>;
        let mut by_account: BTreeMap<&str, Holders<'_>> = BTreeMap::new();
        for e in self.rows.iter().filter(|e| e.privileged && !e.row.orphaned) {
            let Some(user) = e.row.user_id.as_deref() else {
                continue;
            };
            let ps = e
                .permission_set_name
                .as_deref()
                .unwrap_or_else(|| e.row.permission_set_arn.as_str());
            by_account
                .entry(e.row.account_id.as_str())
                .or_default()
                .entry(ps)
                .or_default()
                .insert(user);
        }
        let names: BTreeMap<&str, &str> = self
            .accounts
            .iter()
            .filter_map(|a| a.name.as_deref().map(|n| (a.id.as_str(), n)))
            .collect();
        let mut out: Vec<PrivilegedAccount> = by_account
            .into_iter()
            .map(|(account, sets)| {
                let mut all = std::collections::BTreeSet::new();
                for users in sets.values() {
                    all.extend(users.iter().copied());
                }
                PrivilegedAccount {
                    account_id: account.to_owned(),
                    account_name: names.get(account).map(|n| (*n).to_owned()),
                    users: all.len(),
                    by_permission_set: sets
                        .into_iter()
                        .map(|(ps, users)| (ps.to_owned(), users.len()))
                        .collect(),
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.users
                .cmp(&a.users)
                .then_with(|| a.account_id.cmp(&b.account_id))
        });
        out
    }
}

/// The `ACC-` results that go with `snapshot` (none when its source had no
/// access snapshot by then): what the console's Checks page shows.
pub async fn access_checks(
    store: &dyn Store,
    tenant: &TenantId,
    snapshot: &Snapshot,
) -> Result<Vec<CheckResult>, EngineError> {
    Ok(access_check_report(store, tenant, snapshot)
        .await?
        .map(|r| r.checks)
        .unwrap_or_default())
}

/// The `ACC-` checks that go with `snapshot`, or `None` when its source had
/// no access snapshot by then.
pub async fn access_check_report(
    store: &dyn Store,
    tenant: &TenantId,
    snapshot: &Snapshot,
) -> Result<Option<AccessCheckReport>, EngineError> {
    match access_snapshot(store, tenant, snapshot).await? {
        Some(a) => Ok(Some(AccessEvidence::gather(store, tenant, a).await?.checks)),
        None => Ok(None),
    }
}
