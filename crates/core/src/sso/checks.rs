//! Checks ACC-01 … ACC-06 (who can reach which account) over the permission sets with their
//! policies, the accounts, one pass over the effective-access rows and the
//! access diff from the previous snapshot. Results are shaped like the
//! `IDS-` checks ([`CheckResult`]): stable ID, status, the entities at fault
//! and the controls. Pure.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use super::access::AccessRow;
use super::privileged::{Privilege, privileges};
use crate::evidence::checks::{CheckResult, Finding, Status, result, verdict};

pub use super::check_input::{AccessCheckInput, AccessCheckSettings, PermissionSetFacts};

/// Who a row is about, for findings: the user's name, else the principal ID.
fn who(r: &AccessRow) -> String {
    r.user_name
        .clone()
        .or_else(|| r.user_id.clone())
        .unwrap_or_else(|| r.via.label().to_owned())
}

fn row_id(r: &AccessRow) -> String {
    let principal = r.user_id.as_deref().unwrap_or_else(|| r.via.label());
    format!("{}/{}/{principal}", r.account_id, r.permission_set_arn.id())
}

fn via_text(r: &AccessRow) -> String {
    if r.via.is_direct() {
        "directly".to_owned()
    } else {
        format!("via group {}", r.via.label())
    }
}

/// Lookups built once from the input.
struct Ctx<'a> {
    input: &'a AccessCheckInput<'a>,
    account_names: HashMap<&'a str, &'a str>,
    ps_names: HashMap<&'a str, &'a str>,
    privileged: BTreeMap<&'a str, Vec<Privilege>>,
}

impl<'a> Ctx<'a> {
    fn new(input: &'a AccessCheckInput<'a>) -> Self {
        let patterns = &input.settings.privileged_patterns;
        Self {
            input,
            account_names: input
                .accounts
                .iter()
                .filter_map(|a| a.name.as_deref().map(|n| (a.id.as_str(), n)))
                .collect(),
            ps_names: input
                .permission_sets
                .iter()
                .map(|p| {
                    (
                        p.permission_set.permission_set_arn.as_str(),
                        p.permission_set.name.as_str(),
                    )
                })
                .collect(),
            privileged: input
                .permission_sets
                .iter()
                .map(|p| {
                    (
                        p.permission_set.permission_set_arn.as_str(),
                        privileges(&p.permission_set, &p.policies, patterns),
                    )
                })
                .filter(|(_, why)| !why.is_empty())
                .collect(),
        }
    }

    fn account(&self, id: &str) -> String {
        self.account_names
            .get(id)
            .map_or_else(|| id.to_owned(), |n| format!("{id} ({n})"))
    }

    fn ps(&self, arn: &str) -> String {
        self.ps_names
            .get(arn)
            .map_or_else(|| arn.to_owned(), |n| (*n).to_owned())
    }

    fn grant(&self, r: &AccessRow) -> String {
        format!(
            "{} on account {} {}",
            self.ps(r.permission_set_arn.as_str()),
            self.account(r.account_id.as_str()),
            via_text(r)
        )
    }
}

/// What one pass over the rows keeps: only rows some check reports.
#[derive(Default)]
struct Collected {
    /// (account, permission set ARN) → holders, for privileged sets.
    holders: BTreeMap<(String, String), BTreeSet<String>>,
    direct: Vec<Finding>,
    stale: Vec<Finding>,
}

fn collect<'r>(ctx: &Ctx<'_>, rows: impl IntoIterator<Item = &'r AccessRow>) -> Collected {
    let mut c = Collected::default();
    for r in rows {
        let arn = r.permission_set_arn.as_str();
        if ctx.privileged.contains_key(arn) && !r.orphaned {
            let holder = format!(
                "{} ({})",
                who(r),
                if r.via.is_direct() {
                    "direct"
                } else {
                    r.via.label()
                }
            );
            c.holders
                .entry((r.account_id.to_string(), arn.to_owned()))
                .or_default()
                .insert(holder);
        }
        let finding = |detail: String| Finding {
            kind: "assignment",
            id: row_id(r),
            name: r.user_name.clone(),
            detail,
        };
        if r.orphaned {
            let what = if r.user_id.is_some() && r.via.is_direct() {
                "user"
            } else {
                "group"
            };
            c.stale.push(finding(format!(
                "{what} {} no longer exists in the directory, still assigned {}",
                who(r),
                ctx.grant(r)
            )));
        } else if r.user_disabled {
            c.stale.push(finding(format!(
                "disabled user {} still holds {}",
                who(r),
                ctx.grant(r)
            )));
        }
        if r.via.is_direct() && !r.orphaned {
            c.direct
                .push(finding(format!("{} is assigned {}", who(r), ctx.grant(r))));
        }
    }
    // Findings in a fixed order whatever order the rows come in, so
    // `checks.json` is byte-stable.
    for list in [&mut c.direct, &mut c.stale] {
        list.sort_by(|a, b| (&a.id, &a.detail).cmp(&(&b.id, &b.detail)));
    }
    c
}

fn acc01(ctx: &Ctx<'_>, c: &Collected) -> CheckResult {
    let mut findings = Vec::new();
    for (arn, why) in &ctx.privileged {
        let accounts = c.holders.keys().filter(|(_, a)| a == arn).count();
        let reasons: Vec<String> = why.iter().map(Privilege::describe).collect();
        findings.push(Finding {
            kind: "permission_set",
            id: (*arn).to_owned(),
            name: Some(ctx.ps(arn)),
            detail: format!("{}; held on {accounts} account(s)", reasons.join(", ")),
        });
    }
    for ((account, arn), holders) in &c.holders {
        findings.push(Finding {
            kind: "account",
            id: account.clone(),
            name: ctx
                .account_names
                .get(account.as_str())
                .map(|n| (*n).to_owned()),
            detail: format!(
                "{} held by {}",
                ctx.ps(arn),
                holders
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    let sets = ctx.privileged.len();
    let accounts: BTreeSet<&str> = c.holders.keys().map(|(a, _)| a.as_str()).collect();
    let mut r = verdict(
        "ACC-01",
        findings,
        Status::Review,
        "no administrator-level permission set",
        "findings",
    );
    if sets > 0 {
        r.summary = format!(
            "{sets} privileged permission set(s), held on {} account(s), to review",
            accounts.len()
        );
    }
    r
}

fn acc04(ctx: &Ctx<'_>) -> CheckResult {
    let max = ctx.input.settings.max_session_seconds;
    let findings = ctx
        .input
        .permission_sets
        .iter()
        .filter_map(|p| {
            let ps = &p.permission_set;
            let text = ps.session_duration.as_deref().unwrap_or("PT1H");
            let detail = match ps.session_seconds() {
                Ok(s) if s <= max => return None,
                Ok(s) => format!("session duration {text} ({s} s) exceeds the maximum of {max} s"),
                Err(e) => format!("unreadable session duration: {e}"),
            };
            Some(Finding {
                kind: "permission_set",
                id: ps.permission_set_arn.to_string(),
                name: Some(ps.name.clone()),
                detail,
            })
        })
        .collect();
    verdict(
        "ACC-04",
        findings,
        Status::Fail,
        &format!("every session duration is at most {max} s"),
        "permission sets allow longer sessions than the maximum",
    )
}

fn acc05(ctx: &Ctx<'_>) -> CheckResult {
    if !ctx.input.settings.boundary_required {
        return result(
            "ACC-05",
            Status::Skipped,
            "permissions boundaries are not required (setting)".into(),
            Vec::new(),
        );
    }
    let findings = ctx
        .input
        .permission_sets
        .iter()
        .filter(|p| p.policies.permissions_boundary.is_none())
        .map(|p| Finding {
            kind: "permission_set",
            id: p.permission_set.permission_set_arn.to_string(),
            name: Some(p.permission_set.name.clone()),
            detail: "no permissions boundary".into(),
        })
        .collect();
    verdict(
        "ACC-05",
        findings,
        Status::Fail,
        "every permission set has a permissions boundary",
        "permission sets without a permissions boundary",
    )
}

fn acc06(ctx: &Ctx<'_>) -> CheckResult {
    let Some(diff) = ctx.input.previous else {
        return result(
            "ACC-06",
            Status::Skipped,
            "no previous snapshot to compare with".into(),
            Vec::new(),
        );
    };
    let changes = [("gained", &diff.gained), ("lost", &diff.lost)];
    let findings = changes
        .into_iter()
        .flat_map(|(verb, rows)| rows.iter().map(move |r| (verb, r)))
        .filter(|(_, r)| ctx.privileged.contains_key(r.permission_set_arn.as_str()))
        .map(|(verb, r)| Finding {
            kind: "assignment",
            id: row_id(r),
            name: r.user_name.clone(),
            detail: format!("{} {verb} privileged {}", who(r), ctx.grant(r)),
        })
        .collect();
    let mut r = verdict(
        "ACC-06",
        findings,
        Status::Review,
        "no privileged access changed",
        "privileged access changes to review",
    );
    let _ = write!(r.summary, " (since sync {})", diff.from_sync);
    r
}

/// Runs every access check, in ID order, reading `rows` once (in any
/// order: findings are sorted). Keeps only the rows some check reports.
pub fn run<'r>(
    input: &AccessCheckInput<'_>,
    rows: impl IntoIterator<Item = &'r AccessRow>,
) -> Vec<CheckResult> {
    let ctx = Ctx::new(input);
    let c = collect(&ctx, rows);
    vec![
        acc01(&ctx, &c),
        verdict(
            "ACC-02",
            c.direct,
            Status::Fail,
            "every assignment is through a group",
            "direct user assignments",
        ),
        verdict(
            "ACC-03",
            c.stale,
            Status::Fail,
            "no assignment to a disabled user or a principal that no longer exists",
            "assignments to disabled users or principals that no longer exist",
        ),
        acc04(&ctx),
        acc05(&ctx),
        acc06(&ctx),
    ]
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
