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

/// What a retried call tells the run's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallEvent {
    /// A call left (first attempt or retry).
    Call,
    Throttled,
    /// A transient fault is being retried.
    Retry,
}

/// Runs `call` behind `limiter` until it succeeds or retrying is pointless.
pub async fn with_retries<T, F, Fut>(
    api: Api,
    lane: Lane,
    limiter: &RateLimiter,
    policy: &RetryPolicy,
    progress: &SyncProgress,
    call: F,
) -> Result<T, Diagnosis>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let count = |event| match event {
        CallEvent::Call => progress.count_call(api),
        CallEvent::Throttled => progress.count_throttle(),
        CallEvent::Retry => progress.count_retry(),
    };
    retry_call(api.operation(), lane, limiter, policy, &count, call).await
}

/// `with_retries` for any operation: `operation` names it in diagnoses and
/// `count` hears of every call, throttle and retry.
pub async fn retry_call<T, F, Fut>(
    operation: &str,
    lane: Lane,
    limiter: &RateLimiter,
    policy: &RetryPolicy,
    count: &(dyn Fn(CallEvent) + Sync),
    mut call: F,
) -> Result<T, Diagnosis>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let (mut transient, mut throttled) = (0u32, 0u32);
    loop {
        limiter.acquire(lane).await;
        count(CallEvent::Call);
        match call().await {
            Ok(v) => {
                limiter.on_success();
                return Ok(v);
            }
            Err(AwsError::Diagnosed(d)) => return Err(d),
            // Callers that can skip a vanished object handle it before this
            // point (the membership reader); anywhere else it is final.
            Err(e @ AwsError::Vanished { .. }) => {
                return Err(Diagnosis::aws_error(
                    operation,
                    "ResourceNotFoundException",
                    &e.to_string(),
                ));
            }
            Err(AwsError::Throttled {
                retry_after,
                message,
            }) => {
                throttled += 1;
                count(CallEvent::Throttled);
                limiter.on_throttle();
                if throttled >= policy.throttle_attempts {
                    return Err(Diagnosis::aws_error(
                        operation,
                        "ThrottlingException",
                        &format!(
                            "still throttled after {throttled} attempts at {:.1} requests/s: {message}",
                            limiter.current_tps()
                        ),
                    ));
                }
                // This call waits as AWS asked; the API as a whole only slows down.
                let wait = retry_after.unwrap_or_else(|| policy.backoff(throttled));
                tokio::time::sleep(wait.min(policy.max_backoff)).await;
            }
            Err(AwsError::Transient {
                detail,
                unreachable,
            }) => {
                transient += 1;
                count(CallEvent::Retry);
                if transient >= policy.transient_attempts {
                    return Err(if unreachable {
                        Diagnosis::endpoint_unreachable(
                            operation,
                            &format!("{detail} (after {transient} attempts)"),
                        )
                    } else {
                        Diagnosis::aws_error(
                            operation,
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn a_throttled_call_waits_for_retry_after_seconds_then_succeeds() {
        let limiter = RateLimiter::new(100.0);
        let progress = SyncProgress::default();
        let mut attempts = 0;
        let started = Instant::now();
        let result = with_retries(
            Api::ListUsers,
            Lane::Start,
            &limiter,
            &RetryPolicy::default(),
            &progress,
            || {
                attempts += 1;
                let first = attempts == 1;
                async move {
                    if first {
                        Err(AwsError::Throttled {
                            retry_after: Some(Duration::from_secs(2)),
                            message: "Rate exceeded".into(),
                        })
                    } else {
                        Ok(7)
                    }
                }
            },
        )
        .await;
        assert_eq!(result.unwrap(), 7);
        assert!(
            Instant::now() - started >= Duration::from_secs(2),
            "honours RetryAfterSeconds"
        );
        assert_eq!(
            (progress.throttled(), progress.calls(Api::ListUsers)),
            (1, 2)
        );
        assert!(limiter.current_tps() < 100.0, "and the limiter slowed down");
    }
}
