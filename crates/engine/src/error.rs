//! The one error type of the engine.

use roster_core::Diagnosis;
use roster_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A failure with a §3 diagnosis (customer-fixable, or AWS's error verbatim).
    #[error("{0}")]
    Diagnosed(Diagnosis),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<Diagnosis> for EngineError {
    fn from(d: Diagnosis) -> Self {
        Self::Diagnosed(d)
    }
}
