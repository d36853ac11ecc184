//! Sign-in rate limit: a few attempts per account per window, then refuse
//! until the window passes (in memory, per process). An attempt is counted
//! *before* its password is checked, so concurrent attempts cannot slip past
//! the limit; a successful sign-in forgives the account's count.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Attempts per account per window (a success resets the count).
pub const MAX_FAILURES: u32 = 5;
pub const WINDOW: Duration = Duration::from_mins(15);
/// Accounts tracked at once; beyond it expired entries go first, then the oldest.
pub const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    attempts: u32,
    since: Instant,
}

#[derive(Debug, Default)]
pub struct SignInLimiter {
    entries: Mutex<HashMap<String, Entry>>,
}

/// One reserved attempt: counted already; [`Attempt::succeeded`] forgives
/// the account. Dropping it any other way (wrong password, an error, a
/// cancelled request) leaves it counted.
#[derive(Debug)]
#[must_use = "an attempt is counted until it succeeds"]
pub struct Attempt<'a> {
    limiter: &'a SignInLimiter,
    key: String,
}

impl Attempt<'_> {
    pub fn succeeded(self) {
        self.limiter.lock().remove(&self.key);
    }
}

impl SignInLimiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts an attempt for `key` now, or `None` when its attempts are used up.
    pub fn reserve(&self, key: &str) -> Option<Attempt<'_>> {
        self.reserve_at(key, Instant::now())
    }

    fn reserve_at(&self, key: &str, now: Instant) -> Option<Attempt<'_>> {
        let mut map = self.lock();
        if !map.contains_key(key) && map.len() >= MAX_ENTRIES {
            evict(&mut map, now);
        }
        let entry = map.entry(key.to_owned()).or_insert(Entry {
            attempts: 0,
            since: now,
        });
        if now.duration_since(entry.since) > WINDOW {
            *entry = Entry {
                attempts: 0,
                since: now,
            };
        }
        if entry.attempts >= MAX_FAILURES {
            return None;
        }
        entry.attempts += 1;
        Some(Attempt {
            limiter: self,
            key: key.to_owned(),
        })
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Makes room for one entry: drops every expired one, else the oldest.
fn evict(map: &mut HashMap<String, Entry>, now: Instant) {
    map.retain(|_, e| now.duration_since(e.since) <= WINDOW);
    if map.len() >= MAX_ENTRIES
        && let Some(oldest) = map
            .iter()
            .min_by_key(|(_, e)| e.since)
            .map(|(k, _)| k.clone())
    {
        map.remove(&oldest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_attempts_lock_the_account_and_success_resets() {
        let l = SignInLimiter::default();
        for _ in 0..MAX_FAILURES {
            drop(l.reserve("a@x").expect("allowed"));
        }
        assert!(l.reserve("a@x").is_none());
        assert!(l.reserve("b@x").is_some());
        let mut l = SignInLimiter::default();
        l.reserve("a@x").expect("first").succeeded();
        for _ in 0..MAX_FAILURES {
            drop(l.reserve("a@x").expect("forgiven"));
        }
        assert!(l.reserve("a@x").is_none());
        l = SignInLimiter::default();
        assert!(l.reserve("a@x").is_some());
    }

    #[test]
    fn concurrent_reservations_never_exceed_the_limit() {
        let l = std::sync::Arc::new(SignInLimiter::default());
        let granted = std::sync::atomic::AtomicU32::new(0);
        std::thread::scope(|s| {
            for _ in 0..50 {
                s.spawn(|| {
                    // Held (not yet failed) while the others try: the old
                    // check-then-count let all 50 through.
                    if let Some(a) = l.reserve("a@x") {
                        granted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        drop(a);
                    }
                });
            }
        });
        assert_eq!(granted.into_inner(), MAX_FAILURES);
    }

    #[test]
    fn the_window_passes_and_the_map_stays_bounded() {
        let l = SignInLimiter::default();
        let start = Instant::now();
        for _ in 0..MAX_FAILURES {
            drop(l.reserve_at("a@x", start));
        }
        assert!(l.reserve_at("a@x", start).is_none());
        let later = start + WINDOW + Duration::from_secs(1);
        assert!(l.reserve_at("a@x", later).is_some());
        for i in 0..MAX_ENTRIES + 50 {
            drop(l.reserve_at(&format!("u{i}@x"), later));
        }
        assert!(l.len() <= MAX_ENTRIES);
        let much_later = later + WINDOW + Duration::from_secs(1);
        drop(l.reserve_at("new@x", much_later));
        assert_eq!(l.len(), 1, "expired entries are evicted first");
    }
}
