//! What the checks read: slim facts per user and group, and the per-source
//! settings (exemptions, privileged-group patterns, freshness window).

use serde::{Deserialize, Serialize};

/// What checks need of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFacts {
    pub user_id: String,
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    /// The primary (or only) e-mail.
    pub email: Option<String>,
    pub disabled: bool,
    pub idp_sourced: bool,
    /// Groups the user is a member of.
    pub groups: u64,
}

/// What checks need of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFacts {
    pub group_id: String,
    pub display_name: Option<String>,
    pub members: u64,
}

/// Per-source settings of the checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSettings {
    /// IDS-01: user names or user IDs of break-glass accounts.
    #[serde(default)]
    pub exemptions: Vec<String>,
    /// IDS-07: group name patterns (`*` and `?`, case-insensitive).
    #[serde(default = "default_patterns")]
    pub privileged_patterns: Vec<String>,
    /// IDS-08: hours within which a successful sync must have happened.
    #[serde(default = "default_freshness")]
    pub freshness_hours: u32,
}

fn default_patterns() -> Vec<String> {
    vec!["*admin*".to_owned()]
}

fn default_freshness() -> u32 {
    24
}

impl Default for CheckSettings {
    fn default() -> Self {
        Self {
            exemptions: Vec::new(),
            privileged_patterns: default_patterns(),
            freshness_hours: default_freshness(),
        }
    }
}
