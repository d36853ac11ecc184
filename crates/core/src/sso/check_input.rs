//! What the access checks read besides the effective-access rows: the
//! accounts, the permission sets with their policies, the previous access
//! diff, and the per-source settings (maximum session, boundary required,
//! privileged name patterns).

use serde::{Deserialize, Serialize};

use super::access_diff::AccessDiff;
use super::model::{Account, PermissionSet, PermissionSetPolicies};

/// Per-source settings of the access checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessCheckSettings {
    /// ACC-04: the longest session a permission set may grant, in seconds.
    #[serde(default = "default_max_session")]
    pub max_session_seconds: u64,
    /// ACC-05: every permission set must have a permissions boundary.
    #[serde(default)]
    pub boundary_required: bool,
    /// ACC-01/ACC-06: permission set name patterns (`*`, `?`,
    /// case-insensitive) that count as privileged besides the policy rule.
    #[serde(default = "default_patterns")]
    pub privileged_patterns: Vec<String>,
}

fn default_max_session() -> u64 {
    8 * 3_600
}

fn default_patterns() -> Vec<String> {
    vec!["*admin*".to_owned()]
}

impl Default for AccessCheckSettings {
    fn default() -> Self {
        Self {
            max_session_seconds: default_max_session(),
            boundary_required: false,
            privileged_patterns: default_patterns(),
        }
    }
}

/// A permission set with its policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionSetFacts {
    pub permission_set: PermissionSet,
    pub policies: PermissionSetPolicies,
}

/// Everything the checks read besides the rows.
#[derive(Debug, Clone, Copy)]
pub struct AccessCheckInput<'a> {
    pub accounts: &'a [Account],
    pub permission_sets: &'a [PermissionSetFacts],
    pub settings: &'a AccessCheckSettings,
    /// The access diff from the previous snapshot; `None` for the first.
    pub previous: Option<&'a AccessDiff>,
}
