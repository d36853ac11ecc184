//! The bundle's access files, written only for a snapshot with access data:
//! `access.csv` (effective access, one row per user, account, permission
//! set and path), `accounts.csv`, `permission_sets.json` (with every
//! policy), `access_checks.json` (ACC-01 …) and, when a previous access
//! snapshot exists, the access diff as `access_diff.json` and
//! `access_diff.csv`. Stable order and formatting: the same snapshot gives
//! the same bytes.

use std::collections::{BTreeMap, HashMap};

use roster_core::evidence::manifest::json_file;
use roster_core::evidence::tables::CsvFile;
use roster_core::sso::{
    AccessRow, Account, CustomerManagedPolicyRef, ManagedPolicy, PermissionSet, PermissionsBoundary,
};
use roster_core::{AccountId, Timestamp};
use roster_store::{AccessCounts, AccessEntry};
use serde::Serialize;

use super::access::AccessEvidence;

/// `collection.json`'s `access`: the access run the bundle holds and how
/// it was collected.
#[derive(Debug, Serialize)]
pub struct AccessCollection<'a> {
    sync_id: i64,
    sync_started_at: Timestamp,
    sync_finished_at: Option<Timestamp>,
    previous_sync_id: Option<i64>,
    counts: AccessCounts,
    api_calls: &'a BTreeMap<String, u64>,
    retries: u64,
    throttled: u64,
    wall_s: f64,
    floor_s: f64,
}

impl<'a> AccessCollection<'a> {
    pub fn of(e: &'a AccessEvidence) -> Self {
        let run = &e.run;
        Self {
            sync_id: run.id.0,
            sync_started_at: run.started_at,
            sync_finished_at: run.finished_at,
            previous_sync_id: e.snapshot.previous.map(|s| s.0),
            counts: e.counts,
            api_calls: &run.stats.calls,
            retries: run.stats.retries,
            throttled: run.stats.throttled,
            wall_s: run.stats.wall_s,
            floor_s: run.stats.floor_s,
        }
    }
}

/// The access files in the order they are written (between `diff.json` and
/// `report.html`).
pub const ACCESS_ENTRY_ORDER: &[&str] = &[
    "access.csv",
    "accounts.csv",
    "permission_sets.json",
    "access_checks.json",
    "access_diff.json",
    "access_diff.csv",
];

const ACCESS_HEADER: &[&str] = &[
    "user_id",
    "user_name",
    "account_id",
    "account_name",
    "permission_set_arn",
    "permission_set_name",
    "via",
    "via_group_id",
    "privileged",
    "orphaned",
    "user_disabled",
];

const DIFF_HEADER: &[&str] = &[
    "change",
    "user_id",
    "user_name",
    "account_id",
    "account_name",
    "permission_set_arn",
    "permission_set_name",
    "via",
    "via_group_id",
    "orphaned",
    "user_disabled",
];

fn yes(b: bool) -> String {
    if b { "true" } else { "false" }.to_owned()
}

fn via_group_id(r: &AccessRow) -> String {
    match &r.via {
        roster_core::sso::Via::Direct => String::new(),
        roster_core::sso::Via::Group { group_id, .. } => group_id.clone(),
    }
}

/// `access.csv` written row by row as the pages are read.
#[derive(Debug)]
pub struct AccessCsv(CsvFile);

impl AccessCsv {
    pub fn new() -> Self {
        Self(CsvFile::new(ACCESS_HEADER))
    }

    pub fn push(&mut self, a: &AccessEntry) {
        let r = &a.row;
        self.0.push(&[
            r.user_id.clone().unwrap_or_default(),
            r.user_name.clone().unwrap_or_default(),
            r.account_id.to_string(),
            a.account_name.clone().unwrap_or_default(),
            r.permission_set_arn.to_string(),
            a.permission_set_name.clone().unwrap_or_default(),
            r.via.label().to_owned(),
            via_group_id(r),
            yes(a.privileged),
            yes(r.orphaned),
            yes(r.user_disabled),
        ]);
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.0.into_bytes()
    }
}

fn status_text(a: &Account) -> String {
    a.status
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn accounts_csv(e: &AccessEvidence) -> Vec<u8> {
    let mut file = CsvFile::new(&["account_id", "name", "email", "status"]);
    for a in &e.accounts {
        file.push(&[
            a.id.to_string(),
            a.name.clone().unwrap_or_default(),
            a.email.clone().unwrap_or_default(),
            status_text(a),
        ]);
    }
    file.into_bytes()
}

/// One permission set in `permission_sets.json`: `DescribePermissionSet`'s
/// fields and every policy with AWS's names, whether it counted as
/// privileged, and the accounts it is provisioned to.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PermissionSetEntry<'a> {
    #[serde(flatten)]
    permission_set: &'a PermissionSet,
    managed_policies: &'a [ManagedPolicy],
    customer_managed_policy_references: &'a [CustomerManagedPolicyRef],
    inline_policy: Option<&'a str>,
    permissions_boundary: Option<&'a PermissionsBoundary>,
    privileged: bool,
    provisioned_accounts: Vec<&'a str>,
}

fn permission_sets_json(e: &AccessEvidence) -> Vec<u8> {
    let entries: Vec<PermissionSetEntry<'_>> = e
        .permission_sets
        .iter()
        .map(|p| {
            let pol = &p.facts.policies;
            let mut accounts: Vec<&str> = p
                .provisioned_accounts
                .iter()
                .map(AccountId::as_str)
                .collect();
            accounts.sort_unstable();
            PermissionSetEntry {
                permission_set: &p.facts.permission_set,
                managed_policies: &pol.managed_policies,
                customer_managed_policy_references: &pol.customer_managed_policy_references,
                inline_policy: pol.inline_policy.as_deref().filter(|s| !s.is_empty()),
                permissions_boundary: pol.permissions_boundary.as_ref(),
                privileged: p.privileged,
                provisioned_accounts: accounts,
            }
        })
        .collect();
    json_file(&entries)
}

fn diff_csv(e: &AccessEvidence, diff: &roster_core::sso::AccessDiff) -> Vec<u8> {
    let accounts: HashMap<&str, &str> = e
        .accounts
        .iter()
        .filter_map(|a| a.name.as_deref().map(|n| (a.id.as_str(), n)))
        .collect();
    let sets: HashMap<&str, &str> = e
        .permission_sets
        .iter()
        .map(|p| {
            let ps = &p.facts.permission_set;
            (ps.permission_set_arn.as_str(), ps.name.as_str())
        })
        .collect();
    access_diff_csv(
        diff,
        |id| accounts.get(id).copied(),
        |arn| sets.get(arn).copied(),
    )
}

/// An access diff as the bundle's `access_diff.csv` (gained rows, then
/// lost; every cell formula-neutralised), naming accounts and permission
/// sets through `account_name` and `set_name`: also the API's CSV download.
pub fn access_diff_csv<'a>(
    diff: &roster_core::sso::AccessDiff,
    account_name: impl Fn(&str) -> Option<&'a str>,
    set_name: impl Fn(&str) -> Option<&'a str>,
) -> Vec<u8> {
    let mut file = CsvFile::new(DIFF_HEADER);
    let changes = [("gained", &diff.gained), ("lost", &diff.lost)];
    for (change, rows) in changes {
        for r in rows {
            file.push(&[
                change.to_owned(),
                r.user_id.clone().unwrap_or_default(),
                r.user_name.clone().unwrap_or_default(),
                r.account_id.to_string(),
                account_name(r.account_id.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                r.permission_set_arn.to_string(),
                set_name(r.permission_set_arn.as_str())
                    .unwrap_or_default()
                    .to_owned(),
                r.via.label().to_owned(),
                via_group_id(r),
                yes(r.orphaned),
                yes(r.user_disabled),
            ]);
        }
    }
    file.into_bytes()
}

/// The access files of a bundle, in [`ACCESS_ENTRY_ORDER`].
pub fn access_files(e: &AccessEvidence) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = vec![
        ("access.csv", e.access_csv.clone()),
        ("accounts.csv", accounts_csv(e)),
        ("permission_sets.json", permission_sets_json(e)),
        ("access_checks.json", json_file(&e.checks)),
    ];
    if let Some(d) = &e.diff {
        files.push(("access_diff.json", json_file(d)));
        files.push(("access_diff.csv", diff_csv(e, d)));
    }
    files
}
