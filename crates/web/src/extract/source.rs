//! `TenantSource`: the source named by the path's `{id}`, of the caller's
//! tenant — anything else (another tenant's, unknown, malformed) is 404.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use roster_store::Source;

use crate::auth::Principal;
use crate::error::WebError;
use crate::service;
use crate::state::AppState;

/// The caller (`P`: any principal extractor, e.g. `ApiWriter`, checked
/// first) and the source in the path, looked up in the caller's tenant.
#[derive(Debug, Clone)]
pub struct TenantSource<P = Principal> {
    pub who: P,
    pub source: Source,
}

impl<P> FromRequestParts<AppState> for TenantSource<P>
where
    P: FromRequestParts<AppState, Rejection = WebError> + AsRef<Principal> + Send,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let who = P::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound("source".into()))?;
        let id = params
            .iter()
            .find(|(name, _)| *name == "id")
            .map(|(_, value)| value.to_owned())
            .ok_or_else(|| WebError::NotFound("source".into()))?;
        let source = service::sources::get(state, who.as_ref(), &id).await?;
        Ok(Self { who, source })
    }
}
