//! The SSO source in evidence: which access snapshot goes with a snapshot,
//! the `ACC-` checks run with the source's settings, and everything the
//! bundle's access files and the report's access section show.
//!
//! Nothing here is read for a source without access data, so the bundles
//! and reports of directory-only sources keep their bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use roster_core::evidence::checks::{CheckResult, StatusCounts};
use roster_core::sso::privileged::privileges;
use roster_core::sso::{
    AccessCheckInput, AccessCheckSettings, AccessDiff, AccessRow, Account, PermissionSetFacts,
    checks,
};
use roster_core::{SourceId, SyncId, TenantId};
use roster_store::{
    AccessCounts, AccessEntry, AccessFilter, Snapshot, Store, StoredPermissionSet, SyncRun,
};
use serde::Serialize;

use super::access_files::AccessCsv;
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

/// Everything evidence shows of one access snapshot. Built in one pass over
/// the effective-access pages: `access.csv` is written as they come, and
/// only the rows a check may report (direct, orphaned, disabled or
/// privileged) are kept for the checks, so memory follows what is reported
/// rather than the size of the organization.
#[derive(Debug, Clone)]
pub struct AccessEvidence {
    pub snapshot: AccessSnapshot,
    /// The access run.
    pub run: SyncRun,
    pub counts: AccessCounts,
    pub accounts: Vec<Account>,
    pub permission_sets: Vec<StoredPermissionSet>,
    /// `access.csv`: effective access in cursor order.
    pub access_csv: Vec<u8>,
    /// Rows by kind, for the report.
    pub rows: RowCounts,
    /// Accounts where someone holds a privileged permission set, most holders first.
    pub privileged_accounts: Vec<PrivilegedAccount>,
    /// Gained and lost since the previous access snapshot, when there is one.
    pub diff: Option<AccessDiff>,
    pub checks: AccessCheckReport,
}

/// How many effective-access rows there are, of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub all: usize,
    pub direct: usize,
    pub orphaned: usize,
    pub privileged: usize,
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

/// Account → permission set name → users holding it (privileged sets only).
type Holders = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// What one pass over the pages collects.
#[derive(Default)]
struct Pass {
    csv: Option<AccessCsv>,
    rows: RowCounts,
    holders: Holders,
    for_checks: Vec<AccessRow>,
}

impl Pass {
    fn add(&mut self, e: &AccessEntry, privileged_now: &HashSet<&str>) {
        let r = &e.row;
        if let Some(csv) = &mut self.csv {
            csv.push(e);
        }
        self.rows.all += 1;
        self.rows.direct += usize::from(r.via.is_direct());
        self.rows.orphaned += usize::from(r.orphaned);
        self.rows.privileged += usize::from(e.privileged);
        if e.privileged
            && !r.orphaned
            && let Some(user) = &r.user_id
        {
            let ps = e
                .permission_set_name
                .clone()
                .unwrap_or_else(|| r.permission_set_arn.to_string());
            self.holders
                .entry(r.account_id.to_string())
                .or_default()
                .entry(ps)
                .or_default()
                .insert(user.clone());
        }
        // Only these rows can appear in a finding (ACC-01 holders, ACC-02
        // direct, ACC-03 orphaned or disabled).
        if r.via.is_direct()
            || r.orphaned
            || r.user_disabled
            || e.privileged
            || privileged_now.contains(r.permission_set_arn.as_str())
        {
            self.for_checks.push(r.clone());
        }
    }
}

fn privileged_accounts(holders: Holders, accounts: &[Account]) -> Vec<PrivilegedAccount> {
    let names: HashMap<&str, &str> = accounts
        .iter()
        .filter_map(|a| a.name.as_deref().map(|n| (a.id.as_str(), n)))
        .collect();
    let mut out: Vec<PrivilegedAccount> = holders
        .into_iter()
        .map(|(account, sets)| {
            let all: BTreeSet<&String> = sets.values().flatten().collect();
            PrivilegedAccount {
                account_name: names.get(account.as_str()).map(|n| (*n).to_owned()),
                users: all.len(),
                by_permission_set: sets.iter().map(|(ps, u)| (ps.clone(), u.len())).collect(),
                account_id: account,
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

/// One pass over every page of `at` (see [`AccessEvidence`]).
async fn read_pages(
    store: &dyn Store,
    tenant: &TenantId,
    at: &Snapshot,
    privileged_now: &HashSet<&str>,
    with_csv: bool,
) -> Result<Pass, EngineError> {
    let mut pass = Pass {
        csv: with_csv.then(AccessCsv::new),
        ..Pass::default()
    };
    let filter = AccessFilter::default();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .access_page(tenant, at, &filter, after.as_deref(), ACCESS_PAGE)
            .await?;
        for e in &page {
            pass.add(e, privileged_now);
        }
        match page.last() {
            Some(last) if page.len() == ACCESS_PAGE as usize => after = Some(last.cursor()),
            _ => return Ok(pass),
        }
    }
}

impl AccessEvidence {
    /// Reads the access snapshot and runs the checks with the source's settings.
    pub async fn gather(
        store: &dyn Store,
        tenant: &TenantId,
        snapshot: AccessSnapshot,
    ) -> Result<Self, EngineError> {
        Self::read(store, tenant, snapshot, true).await
    }

    async fn read(
        store: &dyn Store,
        tenant: &TenantId,
        snapshot: AccessSnapshot,
        with_csv: bool,
    ) -> Result<Self, EngineError> {
        let at = &snapshot.at;
        let run = store.get_sync(tenant, at.sync_id).await?;
        let counts = store.access_counts(tenant, at).await?;
        let accounts = store.accounts(tenant, at).await?;
        let permission_sets = store.permission_sets(tenant, at).await?;
        let settings = super::access_history::settings(store, tenant, &at.source_id).await?;
        let privileged_now: HashSet<&str> = permission_sets
            .iter()
            .filter(|p| {
                let f = &p.facts;
                !privileges(
                    &f.permission_set,
                    &f.policies,
                    &settings.privileged_patterns,
                )
                .is_empty()
            })
            .map(|p| p.facts.permission_set.permission_set_arn.as_str())
            .collect();
        let pass = read_pages(store, tenant, at, &privileged_now, with_csv).await?;
        let diff = match snapshot.previous {
            Some(prev) => Some(
                store
                    .access_diff(tenant, &at.source_id, prev, at.sync_id)
                    .await?,
            ),
            None => None,
        };
        let facts: Vec<PermissionSetFacts> =
            permission_sets.iter().map(|p| p.facts.clone()).collect();
        let results = checks::run(
            &AccessCheckInput {
                accounts: &accounts,
                permission_sets: &facts,
                settings: &settings,
                previous: diff.as_ref(),
            },
            &pass.for_checks,
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
            privileged_accounts: privileged_accounts(pass.holders, &accounts),
            access_csv: pass.csv.map(AccessCsv::into_bytes).unwrap_or_default(),
            rows: pass.rows,
            snapshot,
            run,
            counts,
            accounts,
            permission_sets,
            diff,
            checks: report,
        })
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
        Some(a) => Ok(Some(
            AccessEvidence::read(store, tenant, a, false).await?.checks,
        )),
        None => Ok(None),
    }
}
