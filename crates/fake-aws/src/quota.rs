//! Token buckets per (instance, API), as AWS enforces Identity Store quotas:
//! each API its own bucket, refilled at `tps`, burst of one second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug)]
pub struct Quotas {
    tps: AtomicU32,
    buckets: Mutex<HashMap<(String, &'static str), Bucket>>,
}

impl Quotas {
    pub fn new(tps: u32) -> Self {
        Self {
            tps: AtomicU32::new(tps),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn set_tps(&self, tps: u32) {
        self.tps.store(tps, Ordering::Relaxed);
        self.buckets.lock().expect("quota lock").clear();
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
