//! Client-side rate limiters, one per quota bucket: calls are spaced at least
//! `1/rate` apart, so no one-second window ever holds more than `rate` calls,
//! where `rate` is roster's budget of the bucket (`tps × budget`).
//!
//! Throttling: roster keeps within its budget, so a `ThrottlingException`
//! means someone else (the customer's SCIM provisioning, their scripts) is
//! drawing on the same quota. The rule:
//! - each throttle slows the limiter by half again (spacing × 1.5), to at
//!   most an eighth of the budget (AWS's `RetryAfterSeconds` still pauses
//!   the throttled call for longer, see `retry`);
//! - recovery starts only after [`QUIET_CALLS`] successes in a row since the
//!   last throttle, then speeds up 10% per success; so while throttles keep
//!   coming, the limiter stays slowed down;
//! - recovery stops at the budget: the limiter never runs faster than
//!   `tps × budget`, however long it has gone without throttles.
//!
//! Two lanes: a call that continues a pagination already under way takes
//! the next free slot at once; other calls line up (fairly, one at a time)
//! and book a slot only when it is about to come. So a large group's pages
//! never queue behind dozens of first pages, and a sync does not end with
//! one long group read page by page after everything else is done.

use std::sync::Mutex;
use std::time::Duration;

use roster_core::quota::{QuotaModel, QuotaUse};
use tokio::time::Instant;

use crate::progress::Api;

#[derive(Debug)]
pub struct RateLimiter {
    state: Mutex<State>,
    /// First-page callers book slots one at a time, in arrival order.
    queue: tokio::sync::Mutex<()>,
}

/// Which lane a call takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// The next page of a listing under way.
    Continuation,
    /// A listing's first page.
    Start,
}

#[derive(Debug)]
struct State {
    /// Spacing at the allowed rate.
    base: Duration,
    /// Spacing now: `base`, or longer after throttling.
    interval: Duration,
    next: Instant,
    /// Successes since the last throttle (saturating).
    quiet: u32,
}

/// Spacing margin over the nominal rate (see `RateLimiter::new`).
const SAFETY: f64 = 1.03;

/// Slowest the limiter goes after repeated throttling: an eighth of its rate
/// (AWS's hint still pauses it for longer when given).
const MAX_SLOWDOWN: u32 = 8;

/// Successes in a row after a throttle before the limiter speeds up again.
pub const QUIET_CALLS: u32 = 3;

impl RateLimiter {
    /// `tps` must be positive; values are clamped to at least 0.1.
    pub fn new(tps: f64) -> Self {
        // 3% over 1/tps: calls leave on schedule but reach AWS with some jitter;
        // the margin absorbs 30 ms of it per second, so no one-second window at
        // the server ever sees more than tps calls.
        let base = spacing(tps);
        Self {
            state: Mutex::new(State {
                base,
                interval: base,
                next: Instant::now(),
                quiet: QUIET_CALLS,
            }),
            queue: tokio::sync::Mutex::new(()),
        }
    }

    /// Changes the allowed rate (a process's share of an instance's quota
    /// changed), keeping any slowdown from throttling in proportion.
    pub fn set_rate(&self, tps: f64) {
        let mut s = self.lock();
        let base = spacing(tps);
        if base == s.base {
            return;
        }
        s.interval = s
            .interval
            .mul_f64(base.as_secs_f64() / s.base.as_secs_f64());
        s.base = base;
        // Faster now: a slot booked at the old spacing need not be waited for.
        let soonest = Instant::now() + s.interval;
        if s.next > soonest {
            s.next = soonest;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Books the next free slot and returns it.
    fn book(&self) -> Instant {
        let mut s = self.lock();
        let slot = s.next.max(Instant::now());
        s.next = slot + s.interval;
        slot
    }

    /// Waits for this caller's slot.
    pub async fn acquire(&self, lane: Lane) {
        let slot = match lane {
            Lane::Continuation => self.book(),
            Lane::Start => {
                let _turn = self.queue.lock().await;
                loop {
                    // Book only when the next free slot is at most one interval away,
                    // so continuations can still take the slots before it.
                    let bookable_at = {
                        let s = self.lock();
                        s.next.checked_sub(s.interval).unwrap_or(s.next)
                    };
                    if Instant::now() >= bookable_at {
                        break self.book();
                    }
                    tokio::time::sleep_until(bookable_at).await;
                }
            }
        };
        tokio::time::sleep_until(slot).await;
    }

    /// AWS throttled a call: slow down by half (at most to an eighth of the
    /// rate) and restart the quiet count. The throttled call itself waits for
    /// AWS's hint (see `retry`).
    pub fn on_throttle(&self) {
        let mut s = self.lock();
        s.interval = (s.interval.mul_f64(1.5)).min(s.base * MAX_SLOWDOWN);
        s.quiet = 0;
    }

    /// A call succeeded: after [`QUIET_CALLS`] in a row, drift back towards
    /// the budget, never beyond it.
    pub fn on_success(&self) {
        let mut s = self.lock();
        s.quiet = s.quiet.saturating_add(1);
        if s.quiet >= QUIET_CALLS && s.interval > s.base {
            s.interval = s.interval.mul_f64(0.9).max(s.base);
        }
    }

    /// The rate currently allowed, in calls per second.
    pub fn current_tps(&self) -> f64 {
        1.0 / self.lock().interval.as_secs_f64()
    }
}

/// The spacing of calls at `tps` (clamped to at least 0.1), with the margin.
fn spacing(tps: f64) -> Duration {
    Duration::from_secs_f64(SAFETY / tps.max(0.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_second_holds_more_than_tps_calls() {
        let limiter = std::sync::Arc::new(RateLimiter::new(20.0));
        let start = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..100 {
            let l = limiter.clone();
            handles.push(tokio::spawn(async move {
                l.acquire(Lane::Start).await;
                Instant::now() - start
            }));
        }
        let mut times = Vec::new();
        for h in handles {
            times.push(h.await.unwrap());
        }
        times.sort();
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .take_while(|u| **u < *t + Duration::from_secs(1))
                .count();
            assert!(
                in_window <= 20,
                "{in_window} calls within one second starting at {t:?}"
            );
        }
        let last = times.last().unwrap().as_secs_f64();
        assert!(
            (5.0..5.2).contains(&last),
            "100 calls at 20/s take about 5 s, not {last}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn continuations_overtake_waiting_first_pages() {
        let limiter = std::sync::Arc::new(RateLimiter::new(20.0));
        let start = Instant::now();
        for _ in 0..20 {
            let l = limiter.clone();
            tokio::spawn(async move { l.acquire(Lane::Start).await });
        }
        tokio::task::yield_now().await;
        limiter.acquire(Lane::Continuation).await;
        let waited = Instant::now() - start;
        assert!(
            waited < Duration::from_millis(200),
            "a continuation waited {waited:?} behind first pages"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn throttling_slows_then_recovers() {
        let limiter = RateLimiter::new(20.0);
        limiter.on_throttle();
        assert!(limiter.current_tps() < 14.0);
        for _ in 0..20 {
            limiter.on_throttle();
        }
        assert!(
            limiter.current_tps() > 20.0 / SAFETY / 8.5,
            "slows down at most eightfold"
        );
        for _ in 0..100 {
            limiter.on_success();
        }
        assert!((limiter.current_tps() - 20.0 / SAFETY).abs() < 0.1);
    }

    #[tokio::test(start_paused = true)]
    async fn throttles_that_keep_coming_keep_it_slow_and_recovery_stops_at_the_budget() {
        // A budget of half of 20/s.
        let limiter = RateLimiter::new(10.0);
        let budget = 10.0 / SAFETY;
        limiter.on_throttle();
        let slowed = limiter.current_tps();
        // Someone else keeps drawing on the quota: a throttle every other call.
        for _ in 0..50 {
            limiter.on_success();
            limiter.on_throttle();
        }
        assert!(
            limiter.current_tps() < slowed,
            "still slowing while throttles continue: {}",
            limiter.current_tps()
        );
        for _ in 0..(QUIET_CALLS - 1) {
            limiter.on_success();
        }
        assert!(
            limiter.current_tps() < slowed,
            "no recovery before a quiet spell"
        );
        for _ in 0..1_000 {
            limiter.on_success();
        }
        assert!(
            (limiter.current_tps() - budget).abs() < 1e-6,
            "recovers to the budget and never beyond: {}",
            limiter.current_tps()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_rate_keeps_the_slowdown_in_proportion() {
        let limiter = RateLimiter::new(20.0);
        limiter.on_throttle();
        limiter.set_rate(10.0);
        assert!((limiter.current_tps() - 10.0 / SAFETY / 1.5).abs() < 0.05);
        for _ in 0..100 {
            limiter.on_success();
        }
        assert!((limiter.current_tps() - 10.0 / SAFETY).abs() < 0.05);
        limiter.set_rate(40.0);
        assert!((limiter.current_tps() - 40.0 / SAFETY).abs() < 0.05);
    }
}

/// The limiters of the three Identity Store list APIs, as the quota model
/// says: `collective`, one limiter shared by all three; `per-api`, one each.
#[derive(Debug)]
pub struct ApiLimiters {
    model: QuotaModel,
    /// One bucket (collective) or one per API, in `Api` order (per-api).
    buckets: Vec<RateLimiter>,
}

impl ApiLimiters {
    /// Limiters for `model`, each bucket at `rate` calls per second.
    pub fn new(model: QuotaModel, rate: f64) -> Self {
        let count = match model {
            QuotaModel::Collective => 1,
            QuotaModel::PerApi => Api::ALL.len(),
        };
        Self {
            model,
            buckets: (0..count).map(|_| RateLimiter::new(rate)).collect(),
        }
    }

    /// Limiters for a source's quota: each bucket at `tps × budget`.
    pub fn for_quota(quota: &QuotaUse) -> Self {
        Self::new(quota.model, quota.rate())
    }

    pub fn model(&self) -> QuotaModel {
        self.model
    }

    /// The limiter calls of `api` wait on.
    pub fn limiter(&self, api: Api) -> &RateLimiter {
        match self.model {
            QuotaModel::Collective => &self.buckets[0],
            QuotaModel::PerApi => &self.buckets[api as usize],
        }
    }

    /// Sets every bucket's rate (a process's share of the instance's quota).
    pub fn set_rate(&self, rate: f64) {
        for limiter in &self.buckets {
            limiter.set_rate(rate);
        }
    }
}
