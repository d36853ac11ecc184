//! AWS's side of the rate contract: a token bucket per quota, refilled at
//! `rate` per second with a burst of one second (`rate` tokens), starting
//! full, as fake-aws's `quota.rs` models it. A client keeps to its rate when
//! such a bucket would have accepted every request it sent; counting raw
//! requests in a sliding second instead fails on scheduling jitter alone (one
//! request delayed by a loaded machine puts 21 in some second while the
//! bucket, and AWS, would have taken them all).

use std::time::Duration;

use super::Rig;

/// How many of `arrivals` (sorted or not) a bucket of `rate` per second,
/// burst `rate`, would have throttled. Throttled requests take no token.
pub fn throttled_by_bucket(arrivals: &[Duration], rate: f64) -> usize {
    let mut times = arrivals.to_vec();
    times.sort_unstable();
    let (mut tokens, mut last, mut throttled) = (rate, Duration::ZERO, 0);
    for at in times {
        tokens = (tokens + at.saturating_sub(last).as_secs_f64() * rate).min(rate);
        last = at;
        if tokens >= 1.0 {
            tokens -= 1.0;
        } else {
            throttled += 1;
        }
    }
    throttled
}

impl Rig {
    /// Arrival times at fake-aws of every request (answered or not) to `apis`.
    pub fn arrivals(&self, apis: &[&str]) -> Vec<Duration> {
        self.fake
            .request_log()
            .into_iter()
            .filter(|r| apis.contains(&r.api.as_str()))
            .map(|r| r.at)
            .collect()
    }

    /// How many requests to `apis` (sharing one bucket) a bucket of `rate`
    /// per second would have throttled, replayed at the server's arrival times.
    pub fn over_rate(&self, apis: &[&str], rate: f64) -> usize {
        throttled_by_bucket(&self.arrivals(apis), rate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: &[u64]) -> Vec<Duration> {
        ms.iter().map(|m| Duration::from_millis(*m)).collect()
    }

    #[test]
    fn jitter_within_the_rate_passes_and_twice_the_rate_does_not() {
        // 20/s with the first call 60 ms late: 21 within one second, accepted.
        let mut jittered: Vec<u64> = (0..100).map(|i| i * 52).collect();
        jittered[0] = 60;
        assert_eq!(throttled_by_bucket(&at(&jittered), 20.0), 0);
        // 40/s for 3 s: the burst of 20 and 20/s refill take 80 of 120.
        let doubled: Vec<u64> = (0..120).map(|i| i * 25).collect();
        assert!(throttled_by_bucket(&at(&doubled), 20.0) >= 35);
    }
}
