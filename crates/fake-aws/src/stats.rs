//! Request log and per-API counters, so tests can prove a client's behaviour
//! (e.g. never more than N requests per API in any one-second window).

use std::collections::{BTreeMap, HashMap};
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

/// One log entry, 16 bytes: names are interned.
#[derive(Debug, Clone, Copy)]
struct Entry {
    at_micros: u64,
    api: u16,
    /// Index into the interned error codes; 0 = no error.
    error: u16,
    status: u16,
}

#[derive(Debug, Default)]
struct Log {
    entries: Vec<Entry>,
    names: Vec<String>,
    ids: HashMap<String, u16>,
}

impl Log {
    fn intern(&mut self, name: &str) -> u16 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = u16::try_from(self.names.len()).unwrap_or(u16::MAX);
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }
}

#[derive(Debug)]
pub struct Stats {
    start: Instant,
    log: Mutex<Log>,
}

/// The log keeps at most this many records (older ones are dropped).
const MAX_LOG: usize = 2_000_000;

impl Stats {
    pub fn new() -> Self {
        let mut log = Log::default();
        log.intern(""); // error index 0 means "no error"
        Self {
            start: Instant::now(),
            log: Mutex::new(log),
        }
    }

    pub fn record(&self, api: &str, arrived: Instant, status: u16, error: Option<&str>) {
        let at = arrived.saturating_duration_since(self.start);
        let mut log = self.log.lock().expect("stats lock");
        let entry = Entry {
            at_micros: u64::try_from(at.as_micros()).unwrap_or(u64::MAX),
            api: log.intern(api),
            error: error.map_or(0, |e| log.intern(e)),
            status,
        };
        if log.entries.len() >= MAX_LOG {
            log.entries.drain(..MAX_LOG / 2);
        }
        log.entries.push(entry);
    }

    pub fn log(&self) -> Vec<RequestRecord> {
        let log = self.log.lock().expect("stats lock");
        log.entries
            .iter()
            .map(|e| RequestRecord {
                api: log.names[usize::from(e.api)].clone(),
                at: Duration::from_micros(e.at_micros),
                status: e.status,
                error: (e.error != 0).then(|| log.names[usize::from(e.error)].clone()),
            })
            .collect()
    }

    pub fn clear(&self) {
        self.log.lock().expect("stats lock").entries.clear();
    }

    pub fn per_api(&self) -> BTreeMap<String, ApiStats> {
        let log = self.log.lock().expect("stats lock");
        let mut out: BTreeMap<String, ApiStats> = BTreeMap::new();
        for e in &log.entries {
            let s = out
                .entry(log.names[usize::from(e.api)].clone())
                .or_default();
            s.calls += 1;
            let code = log.names[usize::from(e.error)].as_str();
            match (e.status, code) {
                (200..=299, _) => s.ok += 1,
                (_, "ThrottlingException") => s.throttled += 1,
                (500..=599, _) => s.server_errors += 1,
                _ => s.other_errors += 1,
            }
        }
        out
    }

    /// The most requests to `api` that arrived within any `window`.
    pub fn max_in_window(&self, api: &str, window: Duration) -> usize {
        let log = self.log.lock().expect("stats lock");
        let Some(&id) = log.ids.get(api) else {
            return 0;
        };
        let mut times: Vec<u64> = log
            .entries
            .iter()
            .filter(|e| e.api == id)
            .map(|e| e.at_micros)
            .collect();
        drop(log);
        times.sort_unstable();
        let window = u64::try_from(window.as_micros()).unwrap_or(u64::MAX);
        let (mut best, mut lo) = (0, 0);
        for hi in 0..times.len() {
            while times[hi] - times[lo] >= window {
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
