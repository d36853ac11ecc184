//! Whether a revocation was carried out, judged from later snapshots.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// The state of a revoked item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Remediation {
    /// A snapshot after the decision no longer shows the access.
    Remediated,
    /// Still present, within the remediation window.
    Pending,
    /// Still present after the remediation window.
    Overdue,
}

impl Remediation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Remediated => "remediated",
            Self::Pending => "pending",
            Self::Overdue => "overdue",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Remediated, Self::Pending, Self::Overdue]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// The state of an item revoked at `revoked_at`: remediated once a snapshot
/// showed the access gone, else overdue when `now` is more than
/// `window_days` after the revoke, else pending.
pub fn remediation(
    revoked_at: Timestamp,
    remediated: bool,
    window_days: u32,
    now: Timestamp,
) -> Remediation {
    if remediated {
        Remediation::Remediated
    } else if now.seconds_since(revoked_at) > i64::from(window_days) * 86_400 {
        Remediation::Overdue
    } else {
        Remediation::Pending
    }
}
