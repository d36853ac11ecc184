//! Retrying the adapter's own one-off calls (discovery, organization lookup)
//! with the same classification the sync engine uses: throttling and 5xx /
//! connection faults are retried with back-off, everything else is final.

use std::future::Future;
use std::time::Duration;

use crate::error::AwsError;

/// Attempts per call, the first included.
pub(crate) const ATTEMPTS: u32 = 5;
const BASE: Duration = Duration::from_millis(200);
const CAP: Duration = Duration::from_secs(5);

fn backoff(attempt: u32) -> Duration {
    BASE.saturating_mul(2u32.saturating_pow(attempt.min(8)))
        .min(CAP)
}

/// Runs `call` until it succeeds, fails for good, or `ATTEMPTS` are spent.
pub(crate) async fn retried<T, F, Fut>(mut call: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let mut attempt = 0;
    loop {
        match call().await {
            Err(e) if e.is_retryable() && attempt + 1 < ATTEMPTS => {
                let wait = match &e {
                    AwsError::Throttled {
                        retry_after: Some(after),
                        ..
                    } => (*after).min(CAP),
                    _ => backoff(attempt),
                };
                tracing::debug!(error = %e, attempt, "retrying");
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn transient_faults_are_retried_and_diagnoses_are_not() {
        let calls = AtomicU32::new(0);
        let ok = retried(|| async {
            if calls.fetch_add(1, Ordering::Relaxed) < 2 {
                Err(AwsError::Transient {
                    detail: "reset".into(),
                    unreachable: false,
                })
            } else {
                Ok(1)
            }
        })
        .await;
        assert_eq!(ok.unwrap_or_default(), 1);
        assert_eq!(calls.load(Ordering::Relaxed), 3);

        let calls = AtomicU32::new(0);
        let err: Result<(), _> = retried(|| async {
            calls.fetch_add(1, Ordering::Relaxed);
            Err(AwsError::Diagnosed(
                roster_core::Diagnosis::discovery_denied("no"),
            ))
        })
        .await;
        assert!(err.is_err());
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    }
}
