//! The principals that let a reviewer in: `AnyRole` (a read, or a form
//! post that checks its own CSRF field) and `AnyRolePoster` (a JSON post,
//! which from a browser session carries the CSRF header). Only the review
//! queue, `/api/v1/me`, the landing page and sign-out take them; every
//! other route takes `Principal`, which refuses reviewers.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::principal::{Principal, authenticate};
use crate::error::WebError;
use crate::state::AppState;

/// A signed-in caller of any role, reviewers included.
#[derive(Debug, Clone)]
pub struct AnyRole(pub Principal);

impl FromRequestParts<AppState> for AnyRole {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        Ok(Self(authenticate(parts, state).await?))
    }
}

/// A caller of any role posting JSON: from a browser session, with the CSRF header.
#[derive(Debug, Clone)]
pub struct AnyRolePoster(pub Principal);

impl FromRequestParts<AppState> for AnyRolePoster {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let p = authenticate(parts, state).await?;
        p.check_api_csrf(&parts.headers)?;
        Ok(Self(p))
    }
}

impl AsRef<Principal> for AnyRole {
    fn as_ref(&self) -> &Principal {
        &self.0
    }
}

impl AsRef<Principal> for AnyRolePoster {
    fn as_ref(&self) -> &Principal {
        &self.0
    }
}

/// Where a user lands after signing in: reviewers on their queue.
pub fn landing(user: &roster_store::ConsoleUser) -> &'static str {
    if user.role == roster_store::ConsoleRole::Reviewer {
        "/reviews/mine"
    } else {
        "/sources"
    }
}
