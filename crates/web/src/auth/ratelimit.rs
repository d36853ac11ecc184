//! Sign-in rate limit: a few failures per account per window, then refuse
//! until the window passes (in memory, per process).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_mins(15);

#[derive(Debug, Default)]
pub struct SignInLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl SignInLimiter {
    /// Whether another attempt for `key` may be made now.
    pub fn allowed(&self, key: &str) -> bool {
        let map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(key)
            .is_none_or(|(n, since)| *n < MAX_FAILURES || since.elapsed() > WINDOW)
    }

    pub fn failed(&self, key: &str) {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = map.entry(key.to_owned()).or_insert((0, Instant::now()));
        if entry.1.elapsed() > WINDOW {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub fn succeeded(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_account_and_success_resets() {
        let l = SignInLimiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(l.allowed("a@x"));
            l.failed("a@x");
        }
        assert!(!l.allowed("a@x"));
        assert!(l.allowed("b@x"));
        l.succeeded("a@x");
        assert!(l.allowed("a@x"));
    }
}
