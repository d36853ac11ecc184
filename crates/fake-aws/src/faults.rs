//! Injected faults, adjustable at runtime: random throttles and 5xx (seeded
//! RNG), latency with jitter, and connection resets for the next N responses.

use std::sync::Mutex;
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Fault settings a test or the CLI can change at any time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultConfig {
    /// Probability in `[0, 1]` that a request is answered with `ThrottlingException`.
    pub throttle_rate: f64,
    /// Probability in `[0, 1]` that a request is answered with `InternalServerException` (HTTP 500).
    pub error_rate: f64,
    /// Mean added latency per response; jitter is ±50%.
    pub latency_ms: u64,
}

/// What the dice decided for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    Nothing,
    Throttle,
    ServerError,
}

#[derive(Debug)]
struct State {
    config: FaultConfig,
    resets_pending: u32,
    rng: ChaCha8Rng,
}

#[derive(Debug)]
pub struct Faults {
    state: Mutex<State>,
}

impl Faults {
    pub fn new(config: FaultConfig, seed: u64) -> Self {
        Self {
            state: Mutex::new(State {
                config,
                resets_pending: 0,
                rng: ChaCha8Rng::seed_from_u64(seed ^ 0xFA17),
            }),
        }
    }

    pub fn set(&self, config: FaultConfig) {
        self.state.lock().expect("faults lock").config = config;
    }

    pub fn config(&self) -> FaultConfig {
        self.state.lock().expect("faults lock").config
    }

    /// Drop the TCP connection mid-response for the next `n` directory responses.
    pub fn reset_next(&self, n: u32) {
        self.state.lock().expect("faults lock").resets_pending = n;
    }

    /// Consumes one pending reset, if any.
    pub fn take_reset(&self) -> bool {
        let mut s = self.state.lock().expect("faults lock");
        if s.resets_pending > 0 {
            s.resets_pending -= 1;
            true
        } else {
            false
        }
    }

    pub fn roll(&self) -> Injected {
        let mut s = self.state.lock().expect("faults lock");
        let (t, e) = (s.config.throttle_rate, s.config.error_rate);
        if t <= 0.0 && e <= 0.0 {
            return Injected::Nothing;
        }
        let x: f64 = s.rng.r#gen();
        if x < t {
            Injected::Throttle
        } else if x < t + e {
            Injected::ServerError
        } else {
            Injected::Nothing
        }
    }

    /// The latency to add to this response.
    pub fn latency(&self) -> Option<Duration> {
        let mut s = self.state.lock().expect("faults lock");
        let ms = s.config.latency_ms;
        if ms == 0 {
            return None;
        }
        let factor: f64 = s.rng.gen_range(0.5..1.5);
        Some(Duration::from_millis(ms).mul_f64(factor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_roughly_honoured_and_seeded() {
        let cfg = FaultConfig {
            throttle_rate: 0.1,
            error_rate: 0.05,
            latency_ms: 0,
        };
        let f = Faults::new(cfg, 1);
        let rolls: Vec<_> = (0..10_000).map(|_| f.roll()).collect();
        let throttles = rolls.iter().filter(|r| **r == Injected::Throttle).count();
        let errors = rolls
            .iter()
            .filter(|r| **r == Injected::ServerError)
            .count();
        assert!((800..1200).contains(&throttles), "{throttles}");
        assert!((350..650).contains(&errors), "{errors}");
        let g = Faults::new(cfg, 1);
        let again: Vec<_> = (0..10_000).map(|_| g.roll()).collect();
        assert_eq!(rolls, again);
    }

    #[test]
    fn resets_are_counted_down() {
        let f = Faults::new(
            FaultConfig {
                throttle_rate: 0.0,
                error_rate: 0.0,
                latency_ms: 0,
            },
            1,
        );
        f.reset_next(2);
        assert!(f.take_reset());
        assert!(f.take_reset());
        assert!(!f.take_reset());
    }
}
