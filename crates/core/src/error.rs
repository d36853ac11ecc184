//! The one error type of the domain layer: a value that failed to parse.

/// A value supplied from outside (CLI flag, form field, API body) was rejected.
/// `reason` says exactly what is wrong, in words a customer can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {reason}")]
pub struct InvalidInput {
    pub what: &'static str,
    pub reason: String,
}

impl InvalidInput {
    pub(crate) fn new(what: &'static str, reason: impl Into<String>) -> Self {
        Self {
            what,
            reason: reason.into(),
        }
    }
}
