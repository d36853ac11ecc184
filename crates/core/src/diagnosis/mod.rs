//! Diagnoses: every failure a customer can cause maps to a stable code,
//! a one-line cause, and the exact fix with this connection's values. The
//! console, the API and the CLI all show these same texts.
//!
//! The codes live in `code`; the constructors are grouped by what failed:
//! `role` (the customer's role and assuming it), `platform` (roster's own
//! credentials, clock, network and AWS's generic errors), `directory` (finding
//! and reading the Identity Store), `kms` (the directory's customer-managed
//! key) and `sso` (the SSO source's permission sets and assignments).

use std::fmt;

use serde::{Deserialize, Serialize};

mod code;
mod directory;
mod kms;
mod platform;
mod role;
mod sso;
#[cfg(test)]
mod tests;

pub use code::DiagnosisCode;

/// A customer-actionable explanation of a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub code: DiagnosisCode,
    pub cause: String,
    pub fix: String,
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\nfix: {}", self.code, self.cause, self.fix)
    }
}

impl std::error::Error for Diagnosis {}

impl Diagnosis {
    fn new(code: DiagnosisCode, cause: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            code,
            cause: cause.into(),
            fix: fix.into(),
        }
    }
}
