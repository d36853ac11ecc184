//! The one error type of the AWS adapter.

use std::time::Duration;

use roster_core::Diagnosis;

/// What an AWS call's failure means for the caller.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AwsError {
    /// AWS asked us to slow down; retry after the hint if it gave one.
    #[error("throttled by AWS ({message})")]
    Throttled {
        retry_after: Option<Duration>,
        message: String,
    },
    /// A fault worth retrying: 5xx, timeout, connection reset or refused.
    #[error("transient failure: {detail}")]
    Transient {
        detail: String,
        /// The endpoint could not be reached at all (connect failed).
        unreachable: bool,
    },
    /// A failure the customer must fix, or an unknown AWS error verbatim.
    #[error("{0}")]
    Diagnosed(Diagnosis),
}

impl AwsError {
    pub fn is_retryable(&self) -> bool {
        !matches!(self, Self::Diagnosed(_))
    }
}

impl From<Diagnosis> for AwsError {
    fn from(d: Diagnosis) -> Self {
        Self::Diagnosed(d)
    }
}

/// How long between retries a caller should wait at most for a Retry-After hint.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
