//! Request log and per-API counters, so tests can prove a client's behaviour
//! (e.g. never more than N requests per API in any one-second window).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One answered request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// `service:Operation`, e.g. `identitystore:ListUsers`.
    pub api: String,
    /// Arrival time since the server started.
    pub at: Duration,
    pub status: u16,
    /// AWS error code when the request failed.
    pub error: Option<String>,
}

/// Counters of one API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApiStats {
    pub calls: u64,
    pub ok: u64,
    pub throttled: u64,
    pub server_errors: u64,
    pub other_errors: u64,
}

#[derive(Debug)]
pub struct Stats {
    start: Instant,
    log: Mutex<Vec<RequestRecord>>,
}

/// The log keeps at most this many records (older ones are dropped).
const MAX_LOG: usize = 4_000_000;

impl Stats {
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            log: Mutex::new(Vec::new()),
        }
    }

    pub fn record(&self, api: &str, arrived: Instant, status: u16, error: Option<&str>) {
        let rec = RequestRecord {
            api: api.to_owned(),
            at: arrived.saturating_duration_since(self.start),
            status,
            error: error.map(str::to_owned),
        };
        let mut log = self.log.lock().expect("stats lock");
        if log.len() >= MAX_LOG {
            log.drain(..MAX_LOG / 2);
        }
        log.push(rec);
    }

    pub fn log(&self) -> Vec<RequestRecord> {
        self.log.lock().expect("stats lock").clone()
    }

    pub fn clear(&self) {
        self.log.lock().expect("stats lock").clear();
    }

    pub fn per_api(&self) -> BTreeMap<String, ApiStats> {
        let mut out: BTreeMap<String, ApiStats> = BTreeMap::new();
        for r in self.log.lock().expect("stats lock").iter() {
            let s = out.entry(r.api.clone()).or_default();
            s.calls += 1;
            match (r.status, r.error.as_deref()) {
                (200..=299, _) => s.ok += 1,
                (_, Some("ThrottlingException")) => s.throttled += 1,
                (500..=599, _) => s.server_errors += 1,
                _ => s.other_errors += 1,
            }
        }
        out
    }

    /// The most requests to `api` that arrived within any `window`.
    pub fn max_in_window(&self, api: &str, window: Duration) -> usize {
        let mut times: Vec<Duration> = self
            .log
            .lock()
            .expect("stats lock")
            .iter()
            .filter(|r| r.api == api)
            .map(|r| r.at)
            .collect();
        times.sort_unstable();
        let (mut best, mut lo) = (0, 0);
        for hi in 0..times.len() {
            while times[hi].saturating_sub(times[lo]) >= window {
                lo += 1;
            }
            best = best.max(hi - lo + 1);
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_window_counts_the_densest_second() {
        let s = Stats::new();
        let t0 = s.start;
        for ms in [0u64, 100, 200, 1100, 1150, 1190, 1199, 2500] {
            s.record(
                "identitystore:ListUsers",
                t0 + Duration::from_millis(ms),
                200,
                None,
            );
        }
        s.record(
            "identitystore:ListGroups",
            t0,
            400,
            Some("ThrottlingException"),
        );
        assert_eq!(
            s.max_in_window("identitystore:ListUsers", Duration::from_secs(1)),
            5
        );
        let per = s.per_api();
        assert_eq!(per["identitystore:ListUsers"].ok, 8);
        assert_eq!(per["identitystore:ListGroups"].throttled, 1);
    }
}
