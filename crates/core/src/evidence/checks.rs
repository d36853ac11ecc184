//! Checks IDS-01 … IDS-09 over a snapshot's slim projections (one row per
//! user and group, with membership counts), the previous diff, the source's
//! freshness and an optional HR roster. Each result carries its status, the
//! entities at fault and the controls it supports. Pure.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::diff::Diff;
use super::frameworks;
use super::hr_roster::HrRoster;

pub use super::check_facts::{CheckSettings, GroupFacts, UserFacts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// Nothing is wrong by rule, but a person must look (IDS-07).
    Review,
    /// Not evaluated: an input is missing (no previous snapshot, no HR roster).
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Review => "review",
            Self::Skipped => "skipped",
        }
    }
}

/// One entity at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `user`, `group`, `membership`, `employee` or `source`.
    pub kind: &'static str,
    pub id: String,
    pub name: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub title: &'static str,
    pub status: Status,
    pub summary: String,
    /// Control keys (`soc2:CC6.1`, …) this check supports.
    pub controls: Vec<&'static str>,
    pub findings: Vec<Finding>,
}

/// When the source last synced successfully, as seen at evaluation time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Freshness {
    pub last_success_at: Option<String>,
    /// Seconds from that sync's end to the evaluation time.
    pub age_seconds: Option<i64>,
}

/// Everything the checks read.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput<'a> {
    pub users: &'a [UserFacts],
    pub groups: &'a [GroupFacts],
    pub settings: &'a CheckSettings,
    /// The diff from the previous snapshot; `None` for a source's first.
    pub previous: Option<&'a Diff>,
    pub freshness: &'a Freshness,
    pub hr_roster: Option<&'a HrRoster>,
}

/// Case-insensitive glob with `*` (any run) and `?` (one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn user_finding(u: &UserFacts, detail: impl Into<String>) -> Finding {
    Finding {
        kind: "user",
        id: u.user_id.clone(),
        name: u.user_name.clone().or_else(|| u.display_name.clone()),
        detail: detail.into(),
    }
}

/// A check's result with its title and controls from the framework tables.
pub(crate) fn result(
    id: &'static str,
    status: Status,
    summary: String,
    findings: Vec<Finding>,
) -> CheckResult {
    let def = frameworks::check(id);
    CheckResult {
        id,
        title: def.map_or("", |d| d.title),
        status,
        summary,
        controls: def.map(|d| d.controls.to_vec()).unwrap_or_default(),
        findings,
    }
}

/// Pass when nothing was found, else `fail_as`.
pub(crate) fn verdict(
    id: &'static str,
    findings: Vec<Finding>,
    fail_as: Status,
    ok: &str,
    bad: &str,
) -> CheckResult {
    let (status, summary) = if findings.is_empty() {
        (Status::Pass, ok.to_owned())
    } else {
        (fail_as, format!("{} {bad}", findings.len()))
    };
    result(id, status, summary, findings)
}

fn ids01(i: &CheckInput<'_>) -> CheckResult {
    let exempt = |u: &UserFacts| {
        i.settings.exemptions.iter().any(|e| {
            e == &u.user_id
                || u.user_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(e))
        })
    };
    let local: Vec<&UserFacts> = i.users.iter().filter(|u| !u.idp_sourced).collect();
    let exempted = local.iter().filter(|u| exempt(u)).count();
    let findings: Vec<Finding> = local
        .into_iter()
        .filter(|u| !exempt(u))
        .map(|u| {
            user_finding(
                u,
                "no ExternalIds: created in Identity Center, not by the IdP",
            )
        })
        .collect();
    let mut r = verdict(
        "IDS-01",
        findings,
        Status::Fail,
        "every user comes from the IdP",
        "users not from the IdP",
    );
    if exempted > 0 {
        let _ = write!(r.summary, " ({exempted} exempted break-glass)");
    }
    r
}

fn ids02(i: &CheckInput<'_>) -> CheckResult {
    let findings = i
        .users
        .iter()
        .filter(|u| u.email.as_deref().is_none_or(|e| e.trim().is_empty()))
        .map(|u| user_finding(u, "no primary email"))
        .collect();
    verdict(
        "IDS-02",
        findings,
        Status::Fail,
        "every user has a primary email",
        "users without a primary email",
    )
}

fn ids03(i: &CheckInput<'_>) -> CheckResult {
    let mut findings = Vec::new();
    for (what, get) in [
        (
            "user name",
            (|u: &UserFacts| u.user_name.clone()) as fn(&UserFacts) -> Option<String>,
        ),
        ("email", |u: &UserFacts| u.email.clone()),
    ] {
        let mut by: BTreeMap<String, Vec<&UserFacts>> = BTreeMap::new();
        for u in i.users {
            if let Some(v) = get(u).filter(|v| !v.trim().is_empty()) {
                by.entry(v.trim().to_lowercase()).or_default().push(u);
            }
        }
        for (value, users) in by.into_iter().filter(|(_, us)| us.len() > 1) {
            for u in &users {
                let others = users.len() - 1;
                findings.push(user_finding(
                    u,
                    format!("shares {what} '{value}' with {others} other user(s)"),
                ));
            }
        }
    }
    verdict(
        "IDS-03",
        findings,
        Status::Fail,
        "user names and emails are unique",
        "users share a user name or email",
    )
}

fn ids04(i: &CheckInput<'_>) -> CheckResult {
    let findings = i
        .users
        .iter()
        .filter(|u| u.disabled && u.groups > 0)
        .map(|u| {
            user_finding(
                u,
                format!("disabled, still a member of {} group(s)", u.groups),
            )
        })
        .collect();
    verdict(
        "IDS-04",
        findings,
        Status::Fail,
        "no disabled user holds a membership",
        "disabled users hold memberships",
    )
}

fn ids05(i: &CheckInput<'_>) -> CheckResult {
    let findings = i
        .groups
        .iter()
        .filter(|g| g.members == 0)
        .map(|g| Finding {
            kind: "group",
            id: g.group_id.clone(),
            name: g.display_name.clone(),
            detail: "no members".into(),
        })
        .collect();
    verdict(
        "IDS-05",
        findings,
        Status::Fail,
        "every group has members",
        "empty groups",
    )
}

fn ids06(i: &CheckInput<'_>) -> CheckResult {
    let findings = i
        .users
        .iter()
        .filter(|u| u.groups == 0)
        .map(|u| user_finding(u, "member of no group"))
        .collect();
    verdict(
        "IDS-06",
        findings,
        Status::Fail,
        "every user is in a group",
        "users in no group",
    )
}

fn ids07(i: &CheckInput<'_>) -> CheckResult {
    let Some(diff) = i.previous else {
        return result(
            "IDS-07",
            Status::Skipped,
            "no previous snapshot to compare with".into(),
            Vec::new(),
        );
    };
    let privileged = |name: &Option<String>| {
        name.as_deref().is_some_and(|n| {
            i.settings
                .privileged_patterns
                .iter()
                .any(|p| glob_match(p, n))
        })
    };
    let changes = [
        ("added to", &diff.memberships.added),
        ("removed from", &diff.memberships.removed),
    ];
    let findings = changes
        .into_iter()
        .flat_map(|(verb, list)| list.iter().map(move |m| (verb, m)))
        .filter(|(_, m)| privileged(&m.group_name))
        .map(|(verb, m)| Finding {
            kind: "membership",
            id: m.membership_id.clone(),
            name: m.user_name.clone(),
            detail: format!(
                "{} {verb} privileged group {} ({})",
                m.user_name.as_deref().unwrap_or(&m.user_id),
                m.group_name.as_deref().unwrap_or_default(),
                m.group_id
            ),
        })
        .collect();
    let mut r = verdict(
        "IDS-07",
        findings,
        Status::Review,
        "no privileged membership changed",
        "privileged membership changes to review",
    );
    let _ = write!(
        r.summary,
        " (since sync {}; patterns {})",
        diff.from_sync,
        i.settings.privileged_patterns.join(", ")
    );
    r
}

fn ids08(i: &CheckInput<'_>) -> CheckResult {
    let window = i64::from(i.settings.freshness_hours) * 3600;
    let f = i.freshness;
    let (status, summary) = match (&f.last_success_at, f.age_seconds) {
        (Some(at), Some(age)) if age <= window => (
            Status::Pass,
            format!(
                "last successful sync {at}, within {}h",
                i.settings.freshness_hours
            ),
        ),
        (Some(at), Some(age)) => (
            Status::Fail,
            format!(
                "last successful sync {at}, {}h ago: older than {}h",
                age / 3600,
                i.settings.freshness_hours
            ),
        ),
        _ => (Status::Fail, "no successful sync".to_owned()),
    };
    let findings = if status == Status::Fail {
        vec![Finding {
            kind: "source",
            id: String::new(),
            name: None,
            detail: summary.clone(),
        }]
    } else {
        Vec::new()
    };
    result("IDS-08", status, summary, findings)
}

fn ids09(i: &CheckInput<'_>) -> CheckResult {
    let Some(roster) = i.hr_roster else {
        return result(
            "IDS-09",
            Status::Skipped,
            "no HR roster uploaded".into(),
            Vec::new(),
        );
    };
    let mut findings: Vec<Finding> = i
        .users
        .iter()
        .filter(|u| !u.disabled)
        .filter(|u| u.email.as_deref().is_none_or(|e| !roster.contains(e)))
        .map(|u| {
            user_finding(
                u,
                match &u.email {
                    Some(e) => format!("active user {e} is not on the HR roster (offboarding gap)"),
                    None => "active user without an email cannot match the HR roster".to_owned(),
                },
            )
        })
        .collect();
    let known: std::collections::BTreeSet<String> = i
        .users
        .iter()
        .filter_map(|u| u.email.as_deref())
        .map(|e| e.trim().to_lowercase())
        .collect();
    findings.extend(
        roster
            .emails
            .iter()
            .filter(|e| !known.contains(*e))
            .map(|e| Finding {
                kind: "employee",
                id: e.clone(),
                name: None,
                detail: "employee without a user".into(),
            }),
    );
    let mut r = verdict(
        "IDS-09",
        findings,
        Status::Fail,
        "users and the HR roster agree",
        "differences with the HR roster",
    );
    let _ = write!(r.summary, " ({} employees on the roster)", roster.len());
    r
}

/// Runs every check, in ID order.
pub fn run(input: &CheckInput<'_>) -> Vec<CheckResult> {
    [
        ids01, ids02, ids03, ids04, ids05, ids06, ids07, ids08, ids09,
    ]
    .iter()
    .map(|check| check(input))
    .collect()
}

/// Counts of results per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub pass: usize,
    pub fail: usize,
    pub review: usize,
    pub skipped: usize,
}

impl StatusCounts {
    pub fn of(results: &[CheckResult]) -> Self {
        let mut c = Self::default();
        for r in results {
            *match r.status {
                Status::Pass => &mut c.pass,
                Status::Fail => &mut c.fail,
                Status::Review => &mut c.review,
                Status::Skipped => &mut c.skipped,
            } += 1;
        }
        c
    }
}

/// The checks of one snapshot, as written to `checks.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub source_id: String,
    pub sync_id: i64,
    /// The time the checks were evaluated at (IDS-08's "now").
    pub as_of: String,
    pub settings: CheckSettings,
    pub hr_roster: Option<String>,
    pub summary: StatusCounts,
    pub checks: Vec<CheckResult>,
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
