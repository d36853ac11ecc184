//! Live counters of a running access sync: calls and pages per `sso:` and
//! `organizations:` operation, retries, throttles, and what vanished mid-read.

use std::sync::atomic::{AtomicU64, Ordering};

use roster_core::sync_report::Vanished;

use crate::retry::CallEvent;

/// The operations an access sync calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SsoApi {
    ListInstances,
    ListPermissionSets,
    DescribePermissionSet,
    ListManagedPoliciesInPermissionSet,
    ListCustomerManagedPolicyReferencesInPermissionSet,
    GetInlinePolicyForPermissionSet,
    GetPermissionsBoundaryForPermissionSet,
    ListAccountsForProvisionedPermissionSet,
    ListAccountAssignments,
    ListApplications,
    ListApplicationAssignments,
    /// `organizations:ListAccounts`: its own quota, not the `sso:` one.
    ListAccounts,
}

impl SsoApi {
    pub const ALL: [SsoApi; 12] = [
        Self::ListInstances,
        Self::ListPermissionSets,
        Self::DescribePermissionSet,
        Self::ListManagedPoliciesInPermissionSet,
        Self::ListCustomerManagedPolicyReferencesInPermissionSet,
        Self::GetInlinePolicyForPermissionSet,
        Self::GetPermissionsBoundaryForPermissionSet,
        Self::ListAccountsForProvisionedPermissionSet,
        Self::ListAccountAssignments,
        Self::ListApplications,
        Self::ListApplicationAssignments,
        Self::ListAccounts,
    ];

    /// AWS's operation name (`ListAccounts` is Organizations').
    pub fn operation(self) -> &'static str {
        match self {
            Self::ListInstances => "ListInstances",
            Self::ListPermissionSets => "ListPermissionSets",
            Self::DescribePermissionSet => "DescribePermissionSet",
            Self::ListManagedPoliciesInPermissionSet => "ListManagedPoliciesInPermissionSet",
            Self::ListCustomerManagedPolicyReferencesInPermissionSet => {
                "ListCustomerManagedPolicyReferencesInPermissionSet"
            }
            Self::GetInlinePolicyForPermissionSet => "GetInlinePolicyForPermissionSet",
            Self::GetPermissionsBoundaryForPermissionSet => {
                "GetPermissionsBoundaryForPermissionSet"
            }
            Self::ListAccountsForProvisionedPermissionSet => {
                "ListAccountsForProvisionedPermissionSet"
            }
            Self::ListAccountAssignments => "ListAccountAssignments",
            Self::ListApplications => "ListApplications",
            Self::ListApplicationAssignments => "ListApplicationAssignments",
            Self::ListAccounts => "ListAccounts",
        }
    }

    /// On the collective `sso:` quota (everything but `ListAccounts`).
    pub fn is_sso(self) -> bool {
        self != Self::ListAccounts
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Lock-free counters; `Relaxed` is enough for reporting.
#[derive(Debug, Default)]
pub struct AccessProgress {
    calls: [AtomicU64; 12],
    pages: [AtomicU64; 12],
    items: [AtomicU64; 12],
    retries: AtomicU64,
    throttled: AtomicU64,
    rows: AtomicU64,
    vanished: std::sync::Mutex<Vec<Vanished>>,
}

impl AccessProgress {
    pub(crate) fn count(&self, api: SsoApi, event: CallEvent) {
        let counter = match event {
            CallEvent::Call => &self.calls[api.index()],
            CallEvent::Throttled => &self.throttled,
            CallEvent::Retry => &self.retries,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_page(&self, api: SsoApi, items: usize) {
        self.pages[api.index()].fetch_add(1, Ordering::Relaxed);
        self.items[api.index()].fetch_add(items as u64, Ordering::Relaxed);
    }

    pub(crate) fn count_rows(&self, rows: usize) {
        self.rows.fetch_add(rows as u64, Ordering::Relaxed);
    }

    pub(crate) fn record_vanished(&self, vanished: Vanished) {
        self.vanished
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(vanished);
    }

    pub fn vanished(&self) -> Vec<Vanished> {
        self.vanished
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Calls made, retried and throttled ones included.
    pub fn calls(&self, api: SsoApi) -> u64 {
        self.calls[api.index()].load(Ordering::Relaxed)
    }

    /// Successful pages (single-object reads count as one page).
    pub fn pages(&self, api: SsoApi) -> u64 {
        self.pages[api.index()].load(Ordering::Relaxed)
    }

    pub fn items(&self, api: SsoApi) -> u64 {
        self.items[api.index()].load(Ordering::Relaxed)
    }

    /// Calls on the collective `sso:` quota so far.
    pub fn sso_calls(&self) -> u64 {
        SsoApi::ALL
            .iter()
            .filter(|a| a.is_sso())
            .map(|a| self.calls(*a))
            .sum()
    }

    /// Effective-access rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }

    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }
}
