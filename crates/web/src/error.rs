//! The web layer's one error type. Clients see a stable code, a message and
//! (for diagnoses) the fix; causes are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use roster_core::Diagnosis;
use roster_engine::EngineError;
use roster_store::StoreError;
use serde::Serialize;

/// The JSON body of every API error: `{code, message, fix?}`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("sign in first")]
    Unauthorized,
    #[error("your role may not do this")]
    Forbidden,
    #[error("the form expired or did not come from roster; reload the page and try again")]
    Csrf,
    #[error("{0} not found")]
    NotFound(String),
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("too many sign-in attempts; wait a few minutes")]
    RateLimited,
    #[error("{0}")]
    Diagnosed(Diagnosis),
    /// Input the framework could not take (a malformed body, query or form,
    /// the wrong content type, a body over its limit): its status and a
    /// roster code.
    #[error("{message}")]
    Rejected {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    /// Logged with its cause; the client sees only "internal error".
    #[error("internal error")]
    Internal(String),
}

impl WebError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Diagnosed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Rejected { status, .. } => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        let code = match self {
            Self::Unauthorized => "unauthorized".to_owned(),
            Self::Forbidden => "forbidden".to_owned(),
            Self::Csrf => "csrf".to_owned(),
            Self::NotFound(_) => "not-found".to_owned(),
            Self::BadRequest { code, .. } | Self::Rejected { code, .. } => (*code).to_owned(),
            Self::Conflict(_) => "conflict".to_owned(),
            Self::RateLimited => "rate-limited".to_owned(),
            Self::Diagnosed(d) => d.code.as_str().to_owned(),
            Self::Internal(_) => "internal".to_owned(),
        };
        let (message, fix) = match self {
            Self::Diagnosed(d) => (d.cause.clone(), Some(d.fix.clone())),
            other => (other.to_string(), None),
        };
        ErrorBody { code, message, fix }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(what) => Self::Conflict(what),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<EngineError> for WebError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Diagnosed(d) => Self::Diagnosed(d),
            EngineError::Invalid(m) => Self::bad_request("invalid", m),
            EngineError::Conflict(m) => Self::Conflict(m),
            EngineError::NotFound { what, .. } => Self::NotFound(what),
            EngineError::Store(s) => s.into(),
            EngineError::Internal(m) => Self::Internal(m),
        }
    }
}

impl From<Diagnosis> for WebError {
    fn from(d: Diagnosis) -> Self {
        Self::Diagnosed(d)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let status = self.status();
        let body = self.body();
        let mut response = (status, Json(body.clone())).into_response();
        // Pages render the same error as HTML (see pages::html_errors).
        response.extensions_mut().insert(body);
        response
    }
}
