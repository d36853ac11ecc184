//! `Clock`: where "now" comes from. The store, the engine and the web layer
//! ask their clock, never the operating system directly, so tests can fix
//! or move time ([`FixedClock`]) instead of sleeping.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::time::Timestamp;

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> Timestamp;

    /// The time `d` from now.
    fn after(&self, d: Duration) -> Timestamp {
        self.now().plus(d)
    }
}

/// The operating system's wall clock, in UTC.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now_utc()
    }
}

/// The system clock, shared: the default wherever a clock is held.
pub fn system() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// A clock that stands still until told otherwise (for tests). Clones share
/// one time, so a test can keep a handle and move the clock it handed out.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<Mutex<Timestamp>>);

impl FixedClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Arc::new(Mutex::new(at)))
    }

    pub fn set(&self, at: Timestamp) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = at;
    }

    pub fn advance(&self, d: Duration) {
        let mut t = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *t = t.plus(d);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        let start = Timestamp::parse("2026-01-01T00:00:00.000Z").unwrap();
        let clock = FixedClock::new(start);
        let handle = clock.clone();
        assert_eq!(clock.now(), start);
        handle.advance(Duration::from_secs(61));
        assert_eq!(clock.now().to_string(), "2026-01-01T00:01:01.000Z");
        assert_eq!(
            clock.after(Duration::from_millis(5)).to_string(),
            "2026-01-01T00:01:01.005Z"
        );
        handle.set(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn the_system_clock_reads_milliseconds() {
        let now = SystemClock.now();
        assert_eq!(now.as_datetime().nanosecond() % 1_000_000, 0);
    }
}
