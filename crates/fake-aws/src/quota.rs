//! Token buckets per (instance, API), refilled at `tps`, burst of one second.
//! AWS does not document whether the Identity Store's 20 requests/s are per
//! API or shared by all its APIs, so both models exist: `per-api` (each
//! API its own bucket) and `collective` (one bucket for every Identity Store
//! API of an instance, the stricter one).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// How the Identity Store quota of an instance is shared between its APIs.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuotaModel {
    /// Each Identity Store API has its own bucket.
    #[default]
    PerApi,
    /// One bucket for all Identity Store APIs of an instance.
    Collective,
}

/// The bucket name all Identity Store APIs share under `collective`.
const COLLECTIVE: &str = "identitystore:*";

#[derive(Debug)]
pub struct Quotas {
    tps: AtomicU32,
    collective: AtomicBool,
    buckets: Mutex<HashMap<(String, &'static str), Bucket>>,
}

impl Quotas {
    pub fn new(tps: u32) -> Self {
        Self {
            tps: AtomicU32::new(tps),
            collective: AtomicBool::new(false),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn set_tps(&self, tps: u32) {
        self.tps.store(tps, Ordering::Relaxed);
        self.buckets.lock().expect("quota lock").clear();
    }

    /// Switches the model (buckets restart full).
    pub fn set_model(&self, model: QuotaModel) {
        self.collective
            .store(model == QuotaModel::Collective, Ordering::Relaxed);
        self.buckets.lock().expect("quota lock").clear();
    }

    /// The bucket an Identity Store API draws from under the current model.
    pub fn identity_store_bucket(&self, api: &'static str) -> &'static str {
        if self.collective.load(Ordering::Relaxed) {
            COLLECTIVE
        } else {
            api
        }
    }

    pub fn tps(&self) -> u32 {
        self.tps.load(Ordering::Relaxed)
    }

    /// Takes one token for `api` on `scope`; `Err(seconds)` to wait when empty.
    pub fn acquire(&self, scope: &str, api: &'static str, now: Instant) -> Result<(), u64> {
        let rate = f64::from(self.tps().max(1));
        let mut buckets = self.buckets.lock().expect("quota lock");
        let b = buckets.entry((scope.to_owned(), api)).or_insert(Bucket {
            tokens: rate,
            last: now,
        });
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * rate).min(rate);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            let wait = Duration::from_secs_f64((1.0 - b.tokens) / rate);
            Err((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_throttles_then_refills() {
        let q = Quotas::new(20);
        let t0 = Instant::now();
        for _ in 0..20 {
            assert!(q.acquire("d-1", "ListUsers", t0).is_ok());
        }
        assert_eq!(q.acquire("d-1", "ListUsers", t0), Err(1));
        // Each API and each instance has its own bucket.
        assert!(q.acquire("d-1", "ListGroups", t0).is_ok());
        assert!(q.acquire("d-2", "ListUsers", t0).is_ok());
        // 100 ms refills 2 tokens at 20 TPS.
        let t1 = t0 + Duration::from_millis(100);
        assert!(q.acquire("d-1", "ListUsers", t1).is_ok());
        assert!(q.acquire("d-1", "ListUsers", t1).is_ok());
        assert!(q.acquire("d-1", "ListUsers", t1).is_err());
    }

    #[test]
    fn collective_model_shares_one_bucket_between_identity_store_apis() {
        let q = Quotas::new(5);
        q.set_model(QuotaModel::Collective);
        let t0 = Instant::now();
        for api in [
            "ListUsers",
            "ListGroups",
            "ListUsers",
            "ListGroupMemberships",
            "ListGroups",
        ] {
            assert!(q.acquire("d-1", q.identity_store_bucket(api), t0).is_ok());
        }
        assert!(
            q.acquire("d-1", q.identity_store_bucket("DescribeUser"), t0)
                .is_err()
        );
        assert!(
            q.acquire("d-2", q.identity_store_bucket("ListUsers"), t0)
                .is_ok(),
            "per instance"
        );
        q.set_model(QuotaModel::PerApi);
        assert!(
            q.acquire("d-1", q.identity_store_bucket("ListUsers"), t0)
                .is_ok()
        );
    }

    #[test]
    fn sustained_rate_never_exceeds_tps() {
        let q = Quotas::new(10);
        let t0 = Instant::now();
        let ok = (0..1000)
            .filter(|i| {
                q.acquire("s", "A", t0 + Duration::from_millis(i * 5))
                    .is_ok()
            })
            .count();
        // 5 s at 10 TPS plus the initial burst of 10.
        assert!((55..=61).contains(&ok), "{ok}");
    }
}
