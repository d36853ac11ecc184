//! The CLI's error type and how each kind is shown and exits.

use std::io::Write;
use std::process::ExitCode;

use roster_core::Diagnosis;
use roster_engine::EngineError;
use roster_store::StoreError;

pub const SUCCESS: u8 = 0;
pub const USAGE: u8 = 1;
pub const DIAGNOSIS: u8 = 2;
pub const OTHER: u8 = 3;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input the user can correct on the command line.
    #[error("{0}")]
    Usage(String),
    /// A diagnosis: a stable code, the cause and the exact fix.
    #[error("{0}")]
    Diagnosed(Diagnosis),
    #[error("{0:#}")]
    Other(anyhow::Error),
    /// The reader of our output went away (`roster users list | head`): stop quietly.
    #[error("output closed")]
    OutputClosed,
}

impl From<Diagnosis> for CliError {
    fn from(d: Diagnosis) -> Self {
        Self::Diagnosed(d)
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UnsupportedUrl(_) => Self::Usage(e.to_string()),
            other => Self::Other(other.into()),
        }
    }
}

impl From<EngineError> for CliError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Diagnosed(d) => Self::Diagnosed(d),
            EngineError::Invalid(msg) | EngineError::Conflict(msg) => Self::Usage(msg),
            EngineError::NotFound { message, .. } => Self::Other(anyhow::anyhow!(message)),
            EngineError::Store(s) => s.into(),
            EngineError::Internal(msg) => Self::Other(anyhow::anyhow!(msg)),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Self::OutputClosed
        } else {
            Self::Other(e.into())
        }
    }
}

impl CliError {
    fn code(&self) -> u8 {
        match self {
            Self::Usage(_) => USAGE,
            Self::Diagnosed(_) => DIAGNOSIS,
            Self::Other(_) => OTHER,
            Self::OutputClosed => SUCCESS,
        }
    }

    /// Prints the error (as one JSON object on stdout when `json`) and returns the exit code.
    pub fn report(&self, json: bool) -> ExitCode {
        if matches!(self, Self::OutputClosed) {
            return ExitCode::from(self.code());
        }
        if json {
            let body = match self {
                Self::Diagnosed(d) => serde_json::json!({"status": "failed", "error": d}),
                other => {
                    serde_json::json!({"status": "failed", "error": {"code": "error", "cause": other.to_string()}})
                }
            };
            let _ = writeln!(std::io::stdout(), "{body}");
        }
        match self {
            Self::Diagnosed(d) => {
                eprintln!("error[{}]: {}", d.code, d.cause);
                eprintln!("fix: {}", d.fix);
            }
            Self::Usage(msg) => eprintln!("error: {msg}\n\nRun 'roster --help' for usage."),
            Self::Other(e) => eprintln!("error: {e:#}"),
            Self::OutputClosed => {}
        }
        ExitCode::from(self.code())
    }
}
