//! The SSO source's call plan and quota floor: how many calls reading an
//! organization of a given shape takes with the plan that needs the fewest
//! calls, versus the naive plan (every account × every permission set), and
//! the floor `calls / (20 × budget)` of the collective `sso:` quota.
//!
//! Page sizes are the botocore maxima: 100 for every `sso:` list call
//! (`ListPermissionSets`, `ListAccountsForProvisionedPermissionSet`,
//! `ListAccountAssignments`, `ListApplications`,
//! `ListApplicationAssignments`, the policy lists) and 20 for
//! `organizations:ListAccounts`. `organizations:` has its own quota, so
//! `ListAccounts` is counted but not part of the `sso:` floor.

use serde::Serialize;

/// `MaxResults` maximum of the `sso:` list operations.
pub const SSO_PAGE_SIZE: u64 = 100;

/// `MaxResults` maximum of `organizations:ListAccounts`.
pub const ACCOUNTS_PAGE_SIZE: u64 = 20;

/// AWS's documented collective quota of the IAM Identity Center APIs.
pub const SSO_TPS: f64 = 20.0;

/// Policy calls per permission set: managed policies, customer managed
/// policy references, inline policy, permissions boundary (a permission set
/// holds at most a few dozen attached policies: one page each).
pub const POLICY_CALLS: u64 = 4;

fn pages(items: u64, size: u64) -> u64 {
    items.div_ceil(size).max(1)
}

/// One permission set: the assignment count of each account it is
/// provisioned to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSetShape {
    pub assignments_per_provisioned_account: Vec<u64>,
}

/// What the plan depends on: the organization's accounts, its permission
/// sets with their provisioning and assignments, and the applications'
/// assignment counts. Known from the previous sync (or a first guess).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgShape {
    pub accounts: u64,
    pub permission_sets: Vec<PermissionSetShape>,
    /// Assignment count of each application.
    pub applications: Vec<u64>,
}

/// How a permission set's assignments are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Listing {
    /// `ListAccountsForProvisionedPermissionSet`, then
    /// `ListAccountAssignments` for each provisioned account only.
    ByProvisioning,
    /// `ListAccountAssignments` for every account of the organization.
    EveryAccount,
}

/// Calls per API of one plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SsoCallPlan {
    pub list_instances: u64,
    pub list_permission_sets: u64,
    pub describe_permission_set: u64,
    /// The four policy calls of every permission set together.
    pub permission_set_policies: u64,
    pub list_accounts_for_provisioned_permission_set: u64,
    pub list_account_assignments: u64,
    pub list_applications: u64,
    pub list_application_assignments: u64,
    /// `organizations:ListAccounts`: not on the `sso:` quota.
    pub list_accounts: u64,
    /// Permission sets read account by account (the rest by provisioning).
    pub every_account_permission_sets: u64,
}

impl SsoCallPlan {
    /// Calls on the collective `sso:` quota.
    pub fn sso_calls(&self) -> u64 {
        self.list_instances
            + self.list_permission_sets
            + self.describe_permission_set
            + self.permission_set_policies
            + self.list_accounts_for_provisioned_permission_set
            + self.list_account_assignments
            + self.list_applications
            + self.list_application_assignments
    }

    /// Every call, `organizations:` included.
    pub fn total(&self) -> u64 {
        self.sso_calls() + self.list_accounts
    }

    /// The floor in seconds: `sso_calls / (tps × budget)`.
    pub fn floor_seconds_at(&self, tps: f64, budget: f64) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let calls = self.sso_calls() as f64;
        calls / (tps * budget)
    }

    /// The floor at AWS's 20 requests/s: `sso_calls / (20 × budget)`.
    pub fn floor_seconds(&self, budget: f64) -> f64 {
        self.floor_seconds_at(SSO_TPS, budget)
    }

    /// Calls per operation, by AWS's operation names, in reading order.
    pub fn per_api(&self) -> [(&'static str, u64); 9] {
        [
            ("sso:ListInstances", self.list_instances),
            ("sso:ListPermissionSets", self.list_permission_sets),
            ("sso:DescribePermissionSet", self.describe_permission_set),
            ("sso:(policy calls)", self.permission_set_policies),
            (
                "sso:ListAccountsForProvisionedPermissionSet",
                self.list_accounts_for_provisioned_permission_set,
            ),
            ("sso:ListAccountAssignments", self.list_account_assignments),
            ("sso:ListApplications", self.list_applications),
            (
                "sso:ListApplicationAssignments",
                self.list_application_assignments,
            ),
            ("organizations:ListAccounts", self.list_accounts),
        ]
    }
}

/// Calls of one permission set's assignments by each strategy.
pub fn strategy_calls(accounts: u64, ps: &PermissionSetShape) -> (u64, u64) {
    let per_pair: u64 = ps
        .assignments_per_provisioned_account
        .iter()
        .map(|n| pages(*n, SSO_PAGE_SIZE))
        .sum();
    let provisioned = ps.assignments_per_provisioned_account.len() as u64;
    let by_provisioning = pages(provisioned, SSO_PAGE_SIZE) + per_pair;
    let every_account = per_pair + accounts.saturating_sub(provisioned);
    (by_provisioning, every_account)
}

/// The cheaper strategy for one permission set (by provisioning on a tie:
/// it does not depend on the previous sync's shape being current).
pub fn choose(accounts: u64, ps: &PermissionSetShape) -> Listing {
    let (by, every) = strategy_calls(accounts, ps);
    if every < by {
        Listing::EveryAccount
    } else {
        Listing::ByProvisioning
    }
}

fn common(shape: &OrgShape) -> SsoCallPlan {
    let sets = shape.permission_sets.len() as u64;
    SsoCallPlan {
        list_instances: 1,
        list_permission_sets: pages(sets, SSO_PAGE_SIZE),
        describe_permission_set: sets,
        permission_set_policies: POLICY_CALLS * sets,
        list_applications: pages(shape.applications.len() as u64, SSO_PAGE_SIZE),
        list_application_assignments: shape
            .applications
            .iter()
            .map(|n| pages(*n, SSO_PAGE_SIZE))
            .sum(),
        list_accounts: pages(shape.accounts, ACCOUNTS_PAGE_SIZE),
        ..SsoCallPlan::default()
    }
}

/// The plan with the fewest calls: each permission set by its cheaper
/// strategy.
pub fn plan(shape: &OrgShape) -> SsoCallPlan {
    let mut p = common(shape);
    for ps in &shape.permission_sets {
        let (by, every) = strategy_calls(shape.accounts, ps);
        match choose(shape.accounts, ps) {
            Listing::ByProvisioning => {
                let listing = pages(
                    ps.assignments_per_provisioned_account.len() as u64,
                    SSO_PAGE_SIZE,
                );
                p.list_accounts_for_provisioned_permission_set += listing;
                p.list_account_assignments += by - listing;
            }
            Listing::EveryAccount => {
                p.every_account_permission_sets += 1;
                p.list_account_assignments += every;
            }
        }
    }
    p
}

/// The naive plan: `ListAccountAssignments` for every account × every
/// permission set, provisioned or not.
pub fn naive(shape: &OrgShape) -> SsoCallPlan {
    let mut p = common(shape);
    p.every_account_permission_sets = shape.permission_sets.len() as u64;
    p.list_account_assignments = shape
        .permission_sets
        .iter()
        .map(|ps| strategy_calls(shape.accounts, ps).1)
        .sum();
    p
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
