//! What a sync measured: API calls per operation, retries, throttles, wall
//! time and the quota floor, kept with the run for the console and evidence.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncStats {
    /// Successful and failed calls per operation name (`ListUsers`, …).
    pub calls: BTreeMap<String, u64>,
    pub retries: u64,
    pub throttled: u64,
    /// Reading plus publishing (as stored: reading only; publishing ends the run).
    pub wall_s: f64,
    /// Time spent publishing the snapshot (known once it is published).
    #[serde(default)]
    pub publish_s: f64,
    /// The quota floor the sync was measured against (see `quota::CallPlan::floor_seconds`).
    pub floor_s: f64,
    /// The quota's requests per second (per bucket) the sync ran against;
    /// the sync used `tps × budget` of it.
    pub tps: f64,
    /// How the quota was counted (absent from runs before the setting existed,
    /// which ran each API at `tps`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_model: Option<crate::quota::QuotaModel>,
    /// The fraction of the quota the sync used (absent from older runs: all of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    /// What AWS no longer had when roster came to read it (a group deleted
    /// between `ListGroups` and its `ListGroupMemberships`): skipped, not an
    /// error (the directory changes while it is read). Absent from the JSON when nothing vanished.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vanished: Vec<Vanished>,
    /// An access sync's call plan (absent from directory syncs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_plan: Option<AccessPlanReport>,
}

/// The call plan an access sync chose and what the organization it read
/// needed: `floor_s` is `fewest_calls / (tps × budget)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPlanReport {
    /// Where the shape the plan was chosen by came from: `previous-snapshot`
    /// or `first-guess` (no access snapshot yet: every permission set by
    /// provisioning).
    pub shape: String,
    /// Permission sets read by provisioning (`ListAccountsForProvisionedPermissionSet`,
    /// then each provisioned account).
    pub by_provisioning: u64,
    /// Permission sets read account by account.
    pub every_account: u64,
    /// `sso:` calls the chosen plan expected (from the shape it was chosen by).
    pub planned_calls: u64,
    /// `sso:` calls the fewest-calls plan needs for the organization as read.
    pub fewest_calls: u64,
    /// `sso:` calls the naive plan (every account × every permission set) needs for it.
    pub naive_calls: u64,
}

/// One object that disappeared while a sync read the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vanished {
    /// AWS's `ResourceType`: `GROUP`, `USER`, `GROUP_MEMBERSHIP`.
    pub resource_type: String,
    pub resource_id: String,
    /// The call that found it gone (`ListGroupMemberships`).
    pub operation: String,
}

impl SyncStats {
    pub fn total_calls(&self) -> u64 {
        self.calls.values().sum()
    }

    /// Wall time over the quota floor; 1.0 is as fast as AWS allows.
    pub fn ratio(&self) -> Option<f64> {
        (self.floor_s > 0.0).then(|| self.wall_s / self.floor_s)
    }
}

/// How many objects a snapshot holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotCounts {
    pub users: u64,
    pub groups: u64,
    pub memberships: u64,
}
