//! The authenticated principal of a request, and the tenant it carries:
//! every handler scopes by `principal.tenant()`, never by a parameter.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use roster_core::TenantId;
use roster_store::{ConsoleRole, ConsoleUser};

use crate::auth::secrets::{constant_time_eq, sha256_hex};
use crate::auth::session::cookie_value;
use crate::error::WebError;
use crate::state::AppState;

pub const CSRF_HEADER: &str = "x-csrf-token";

#[derive(Debug, Clone)]
pub struct Principal {
    pub user: ConsoleUser,
    /// The session's CSRF token; `None` for API tokens (no ambient authority).
    pub csrf: Option<String>,
}

impl Principal {
    pub fn tenant(&self) -> &TenantId {
        &self.user.tenant_id
    }

    pub fn is_admin(&self) -> bool {
        self.user.role == ConsoleRole::Admin
    }

    /// A reviewer sees only the access-review items assigned to them.
    pub fn is_reviewer(&self) -> bool {
        self.user.role == ConsoleRole::Reviewer
    }

    pub fn csrf_token(&self) -> &str {
        self.csrf.as_deref().unwrap_or_default()
    }

    pub fn require_admin(&self) -> Result<(), WebError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// A form post that changes something: admin, with the session's CSRF token.
    pub fn check_form(&self, token: &str) -> Result<(), WebError> {
        self.check_csrf(token)?;
        self.require_admin()
    }

    /// A form post any role may make (e.g. verifying a bundle): the session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        match &self.csrf {
            Some(expected) if constant_time_eq(expected, token) => Ok(()),
            _ => Err(WebError::Csrf),
        }
    }

    /// A JSON post from a browser session carries the CSRF header; API tokens need none.
    pub(crate) fn check_api_csrf(&self, headers: &HeaderMap) -> Result<(), WebError> {
        if let Some(expected) = &self.csrf {
            let sent = headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !constant_time_eq(expected, sent) {
                return Err(WebError::Csrf);
            }
        }
        Ok(())
    }

    /// A JSON mutation: admin; from a browser session, also the CSRF header.
    fn check_api_write(&self, headers: &HeaderMap) -> Result<(), WebError> {
        self.check_api_csrf(headers)?;
        self.require_admin()
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Who sent the request, of any role (reviewers included): a bearer token
/// or a session cookie. Only `AnyRole` (the review queue) uses it as is.
pub(crate) async fn authenticate(parts: &Parts, state: &AppState) -> Result<Principal, WebError> {
    if parts.headers.contains_key(header::AUTHORIZATION) {
        let token = bearer(&parts.headers).ok_or(WebError::Unauthorized)?;
        let user = state
            .store
            .token_principal(&sha256_hex(token))
            .await?
            .ok_or(WebError::Unauthorized)?;
        return Ok(Principal { user, csrf: None });
    }
    let id = cookie_value(&parts.headers).ok_or(WebError::Unauthorized)?;
    let session = state
        .store
        .session_principal(&sha256_hex(&id))
        .await?
        .ok_or(WebError::Unauthorized)?;
    Ok(Principal {
        user: session.user,
        csrf: Some(session.csrf_token),
    })
}

/// An admin or auditor. A reviewer is refused (403) here, so every route
/// is closed to reviewers unless it asks for `AnyRole` instead: a new route
/// never opens the directory to them by accident.
impl FromRequestParts<AppState> for Principal {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let p = authenticate(parts, state).await?;
        if p.is_reviewer() {
            return Err(WebError::Forbidden);
        }
        Ok(p)
    }
}

impl AsRef<Principal> for Principal {
    fn as_ref(&self) -> &Principal {
        self
    }
}

impl AsRef<Principal> for ApiWriter {
    fn as_ref(&self) -> &Principal {
        &self.0
    }
}

impl AsRef<Principal> for ApiPoster {
    fn as_ref(&self) -> &Principal {
        &self.0
    }
}

/// A principal allowed to change things through the API.
#[derive(Debug, Clone)]
pub struct ApiWriter(pub Principal);

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let p = Principal::from_request_parts(parts, state).await?;
        p.check_api_write(&parts.headers)?;
        Ok(Self(p))
    }
}

/// A principal of any role posting to the API (a read-only `POST`, e.g.
/// verifying a bundle): from a browser session, with the CSRF header.
#[derive(Debug, Clone)]
pub struct ApiPoster(pub Principal);

impl FromRequestParts<AppState> for ApiPoster {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let p = Principal::from_request_parts(parts, state).await?;
        p.check_api_csrf(&parts.headers)?;
        Ok(Self(p))
    }
}
