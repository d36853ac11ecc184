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
    /// What was read no longer exists (`ResourceNotFoundException` on a user
    /// or group listed moments ago): the directory changed while roster read
    /// it (SCIM keeps provisioning). Not an error of the sync; the reader skips it and reports it.
    #[error("{resource_type} {resource_id} vanished while being read ({message})")]
    Vanished {
        /// AWS's `ResourceType`: `GROUP`, `USER`, `GROUP_MEMBERSHIP`.
        resource_type: String,
        resource_id: String,
        message: String,
    },
}

impl AwsError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Throttled { .. } | Self::Transient { .. })
    }
}

impl From<Diagnosis> for AwsError {
    fn from(d: Diagnosis) -> Self {
        Self::Diagnosed(d)
    }
}

/// How long between retries a caller should wait at most for a Retry-After hint.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
