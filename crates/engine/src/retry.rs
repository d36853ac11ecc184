//! Retrying one AWS call: throttles wait as the limiter says, transient
//! faults back off with jitter, and a persistent fault ends in a diagnosis.

use std::future::Future;
use std::time::Duration;

use rand::Rng;
use roster_aws::AwsError;
use roster_core::Diagnosis;

use crate::limiter::{Lane, RateLimiter};
use crate::progress::{Api, SyncProgress};

/// How patient a sync is.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts for transient faults (5xx, timeouts, resets) per call.
    pub transient_attempts: u32,
    /// Throttled attempts per call before giving up (AWS throttling is not an error).
    pub throttle_attempts: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            transient_attempts: 8,
            throttle_attempts: 60,
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_backoff
            .saturating_mul(2u32.saturating_pow(attempt.min(16)));
        let capped = exp.min(self.max_backoff);
        // Full jitter: spread retries of concurrent callers.
        capped.mul_f64(rand::thread_rng().gen_range(0.5..=1.0))
    }
}

/// Runs `call` behind `limiter` until it succeeds or retrying is pointless.
pub async fn with_retries<T, F, Fut>(
    api: Api,
    lane: Lane,
    limiter: &RateLimiter,
    policy: &RetryPolicy,
    progress: &SyncProgress,
    mut call: F,
) -> Result<T, Diagnosis>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let (mut transient, mut throttled) = (0u32, 0u32);
    loop {
        limiter.acquire(lane).await;
        progress.count_call(api);
        match call().await {
            Ok(v) => {
                limiter.on_success();
                return Ok(v);
            }
            Err(AwsError::Diagnosed(d)) => return Err(d),
            Err(AwsError::Throttled {
                retry_after,
                message,
            }) => {
                throttled += 1;
                progress.count_throttle();
                limiter.on_throttle(retry_after);
                if throttled >= policy.throttle_attempts {
                    return Err(Diagnosis::aws_error(
                        api.operation(),
                        "ThrottlingException",
                        &format!(
                            "still throttled after {throttled} attempts at {:.1} requests/s: {message}",
                            limiter.current_tps()
                        ),
                    ));
                }
            }
            Err(AwsError::Transient {
                detail,
                unreachable,
            }) => {
                transient += 1;
                progress.count_retry();
                if transient >= policy.transient_attempts {
                    return Err(if unreachable {
                        Diagnosis::endpoint_unreachable(
                            api.operation(),
                            &format!("{detail} (after {transient} attempts)"),
                        )
                    } else {
                        Diagnosis::aws_error(
                            api.operation(),
                            "TransientFailure",
                            &format!("{detail} (gave up after {transient} attempts)"),
                        )
                    });
                }
                tokio::time::sleep(policy.backoff(transient)).await;
            }
        }
    }
}
