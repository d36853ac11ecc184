//! The sso-admin data of one organization instance: permission sets with
//! their policies, where each is provisioned, account assignments,
//! applications and their assignments, and the
//! asynchronous request statuses AWS's write APIs return.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Value, json};

use crate::util::{hash_str, hash_words};

/// One permission set.
#[derive(Debug, Clone)]
pub struct PermissionSet {
    pub arn: String,
    pub name: String,
    pub description: Option<String>,
    pub relay_state: Option<String>,
    /// ISO 8601 duration, `PT1H` when not given (AWS's default).
    pub session_duration: String,
    pub created: u64,
    /// `(name, arn)` of attached AWS managed policies, in attach order.
    pub managed: Vec<(String, String)>,
    /// `(name, path)` of customer managed policy references.
    pub customer: Vec<(String, String)>,
    pub inline: Option<String>,
    /// The `PermissionsBoundary` member as given.
    pub boundary: Option<Value>,
    /// Bumped by every change; provisioning records the version it pushed.
    pub version: u64,
}

impl PermissionSet {
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "Name": self.name,
            "PermissionSetArn": self.arn,
            "CreatedDate": self.created,
            "SessionDuration": self.session_duration,
        });
        if let Some(d) = &self.description {
            v["Description"] = json!(d);
        }
        if let Some(r) = &self.relay_state {
            v["RelayState"] = json!(r);
        }
        v
    }
}

/// `(account, permission set ARN, principal type, principal ID)`.
pub type Assignment = (String, String, String, String);

#[derive(Debug, Default)]
pub struct SsoState {
    /// By ARN (so lists come in a stable order).
    pub permission_sets: BTreeMap<String, PermissionSet>,
    /// `(permission set ARN, account)` → the version provisioned there.
    pub provisioned: BTreeMap<(String, String), u64>,
    pub assignments: BTreeSet<Assignment>,
    /// Applications by ARN (the `Application` JSON as listed).
    pub applications: BTreeMap<String, Value>,
    /// `(application ARN, principal type, principal ID)`.
    pub app_assignments: BTreeSet<(String, String, String)>,
    /// Request ID → status JSON, for the `Describe…Status` calls.
    pub requests: HashMap<String, Value>,
    seq: u64,
}

impl SsoState {
    /// A fresh deterministic 16-character suffix (for `ps-…`).
    pub fn next_suffix(&mut self, instance_arn: &str) -> String {
        self.seq += 1;
        format!(
            "{:016x}",
            hash_words(&[hash_str(instance_arn), 0x5E7, self.seq])
        )
    }

    /// A fresh request ID (UUID form).
    pub fn next_request_id(&mut self, instance_arn: &str) -> String {
        self.seq += 1;
        let n = u32::try_from(self.seq & 0xFFFF_FFFF).unwrap_or(0);
        crate::directory::ids::make(hash_str(instance_arn), 0x5EC, n)
    }

    pub fn find(&self, arn: &str) -> Option<&PermissionSet> {
        self.permission_sets.get(arn)
    }

    /// Records `ps` as provisioned (at its current version) to `account`.
    pub fn provision(&mut self, ps: &str, account: &str) {
        if let Some(v) = self.permission_sets.get(ps).map(|p| p.version) {
            self.provisioned
                .insert((ps.to_owned(), account.to_owned()), v);
        }
    }
}
