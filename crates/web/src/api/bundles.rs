//! API: a snapshot's signed evidence bundle (zip) and HTML report, the
//! tenant's public signing key, and verification of an uploaded bundle —
//! adapters over `service::bundles`.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::evidence::SyncQuery;
use crate::auth::Principal;
use crate::auth::principal::ApiPoster;
use crate::error::{ErrorBody, WebError};
use crate::extract::{AppQuery, TenantSource, upload};
use crate::service::bundles::{self, BUNDLE_LIMIT, BundleFile, Report, VerifyView};
use crate::service::evidence::snapshot_for;
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/sources/{id}/bundle", tag = "evidence", params(("id" = String, Path, description = "Source ID"), SyncQuery),
    responses((status = 200, description = "The signed, reproducible evidence bundle", content_type = "application/zip", body = Vec<u8>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn bundle(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<SyncQuery>,
) -> Result<BundleFile, WebError> {
    let snapshot = snapshot_for(&state, &who, &source, q.sync.as_deref()).await?;
    bundles::export(&state, &who, &snapshot).await
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/report", tag = "evidence", params(("id" = String, Path, description = "Source ID"), SyncQuery),
    responses((status = 200, description = "The snapshot's report: self-contained HTML, printable", content_type = "text/html", body = String),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn report(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<SyncQuery>,
) -> Result<Report, WebError> {
    let snapshot = snapshot_for(&state, &who, &source, q.sync.as_deref()).await?;
    bundles::report(&state, &who, &snapshot).await
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicKeyView {
    /// `ed25519`.
    pub algorithm: String,
    /// The base64 Ed25519 public key bundles are signed with.
    pub public_key: String,
}

#[utoipa::path(get, path = "/api/v1/evidence/public-key", tag = "evidence",
    responses((status = 200, body = PublicKeyView), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn public_key(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<PublicKeyView>, WebError> {
    Ok(Json(PublicKeyView {
        algorithm: "ed25519".into(),
        public_key: bundles::key(&state, &who).await?.public_key(),
    }))
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct VerifyQuery {
    /// The signer's base64 public key to require (default: the key embedded in the bundle).
    #[serde(default)]
    pub public_key: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/evidence/verify", tag = "evidence", params(VerifyQuery),
    request_body(content = Vec<u8>, content_type = "application/zip", description = "A bundle exported by roster"),
    responses((status = 200, description = "The outcome; `valid: false` lists each problem", body = VerifyView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn verify(
    State(state): State<AppState>,
    ApiPoster(who): ApiPoster,
    AppQuery(q): AppQuery<VerifyQuery>,
    body: Body,
) -> Result<Json<VerifyView>, WebError> {
    // The slot first: bundles are read while holding it, so memory is bounded too.
    let slot = bundles::verify_slot().await?;
    let bytes = upload::body(body, "bundle", BUNDLE_LIMIT).await?;
    if bytes.is_empty() {
        return Err(WebError::bad_request(
            "empty-bundle",
            "send the bundle's bytes as the request body (Content-Type: application/zip)",
        ));
    }
    Ok(Json(
        bundles::verify(&state, &who, slot, bytes, q.public_key.as_deref()).await?,
    ))
}
