//! Live counters of a running sync, read by progress bars and the console.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    ListUsers,
    ListGroups,
    ListGroupMemberships,
}

impl Api {
    pub const ALL: [Api; 3] = [Api::ListUsers, Api::ListGroups, Api::ListGroupMemberships];

    pub fn operation(self) -> &'static str {
        match self {
            Self::ListUsers => "ListUsers",
            Self::ListGroups => "ListGroups",
            Self::ListGroupMemberships => "ListGroupMemberships",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Lock-free counters; `Relaxed` is enough for progress reporting.
#[derive(Debug, Default)]
pub struct SyncProgress {
    items: [AtomicU64; 3],
    calls: [AtomicU64; 3],
    pages: [AtomicU64; 3],
    groups_done: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
    vanished: std::sync::Mutex<Vec<roster_core::sync_report::Vanished>>,
}

impl SyncProgress {
    pub(crate) fn count_call(&self, api: Api) {
        self.calls[api.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_page(&self, api: Api, items: usize) {
        self.pages[api.index()].fetch_add(1, Ordering::Relaxed);
        self.items[api.index()].fetch_add(items as u64, Ordering::Relaxed);
    }

    pub(crate) fn count_group_done(&self) {
        self.groups_done.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    /// Something listed a moment ago was gone when read (the directory changed
    /// during the sync): skipped, and reported.
    pub(crate) fn record_vanished(&self, vanished: roster_core::sync_report::Vanished) {
        self.vanished
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(vanished);
    }

    /// What vanished mid-read so far.
    pub fn vanished(&self) -> Vec<roster_core::sync_report::Vanished> {
        self.vanished
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn count_throttle(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    pub fn items(&self, api: Api) -> u64 {
        self.items[api.index()].load(Ordering::Relaxed)
    }

    /// Calls made, including retried and throttled ones.
    pub fn calls(&self, api: Api) -> u64 {
        self.calls[api.index()].load(Ordering::Relaxed)
    }

    /// Successful pages: the calls the quota floor counts.
    pub fn pages(&self, api: Api) -> u64 {
        self.pages[api.index()].load(Ordering::Relaxed)
    }

    /// Groups whose memberships have been read completely.
    pub fn groups_done(&self) -> u64 {
        self.groups_done.load(Ordering::Relaxed)
    }

    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }
}
