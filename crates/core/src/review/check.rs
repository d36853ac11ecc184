//! `IDS-10`: revoked access is removed within the remediation window. Kept
//! apart from the snapshot checks (`evidence::frameworks::CHECKS`), like the
//! access checks, so bundles of old snapshots keep their bytes: it is
//! reported by the campaigns, their bundles and `roster review`.

use serde::Serialize;

use crate::evidence::checks::Finding;
use crate::evidence::frameworks::CheckDef;
use crate::evidence::{CheckResult, Status};

pub const IDS10: &str = "IDS-10";

/// The review checks' catalog entries.
pub const REVIEW_CHECKS: &[CheckDef] = &[CheckDef {
    id: IDS10,
    title: "Access revoked in an access review is removed within the remediation window",
    controls: &[
        "soc2:CC6.2",
        "soc2:CC6.3",
        "iso27001:A.5.18",
        "nist-800-53:AC-2",
    ],
}];

/// A revoked item whose access a snapshot still showed after the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueItem {
    pub campaign_id: String,
    pub item_id: i64,
    pub user_name: Option<String>,
    /// The group's name, or `account / permission set`.
    pub access: String,
    pub revoked_at: String,
}

/// Fails while any revoked access is overdue; passes otherwise (also with
/// no campaign at all).
pub fn ids10(overdue: &[OverdueItem], window_days: u32) -> CheckResult {
    let def = &REVIEW_CHECKS[0];
    let findings: Vec<Finding> = overdue
        .iter()
        .map(|o| Finding {
            kind: "review-item",
            id: format!("{}/{}", o.campaign_id, o.item_id),
            name: o.user_name.clone(),
            detail: format!(
                "{} still has {} (revoked {}, window {window_days} days)",
                o.user_name.as_deref().unwrap_or("a user"),
                o.access,
                o.revoked_at
            ),
        })
        .collect();
    let (status, summary) = if findings.is_empty() {
        (
            Status::Pass,
            "no revoked access is past its remediation window".to_owned(),
        )
    } else {
        (
            Status::Fail,
            format!(
                "{} revoked items still present past the window",
                findings.len()
            ),
        )
    };
    CheckResult {
        id: def.id,
        title: def.title,
        status,
        summary,
        controls: def.controls.to_vec(),
        findings,
    }
}
