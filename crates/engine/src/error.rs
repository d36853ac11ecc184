//! The one error type of the engine.

use roster_core::Diagnosis;
use roster_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A failure with a diagnosis (a stable code, the cause and the exact
    /// fix: customer-fixable, or AWS's error verbatim).
    #[error("{0}")]
    Diagnosed(Diagnosis),
    /// The caller's input is not valid (a malformed ID, a bad range, an
    /// ambiguous choice). Shown to the user as it is.
    #[error("{0}")]
    Invalid(String),
    /// The request is valid but does not fit the current state (a sync that
    /// is not complete, a sync of another source).
    #[error("{0}")]
    Conflict(String),
    /// Something the request names or needs does not exist. `what` names it
    /// for APIs (`"{what} not found"`); `message` says it to a person.
    #[error("{message}")]
    NotFound { what: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl EngineError {
    /// `what` does not exist; the message is "`what` not found".
    pub fn not_found(what: impl Into<String>) -> Self {
        let what = what.into();
        let message = format!("{what} not found");
        Self::NotFound { what, message }
    }
}

impl From<Diagnosis> for EngineError {
    fn from(d: Diagnosis) -> Self {
        Self::Diagnosed(d)
    }
}
