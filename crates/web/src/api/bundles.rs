//! API: a snapshot's signed evidence bundle (zip) and HTML report, the
//! tenant's public signing key, and verification of an uploaded bundle.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use roster_core::evidence::BundleKey;
use roster_engine::evidence::{self, AsOf};
use roster_store::Snapshot;
use serde::{Deserialize, Serialize};

use super::evidence::{SyncQuery, snapshot_for};
use crate::audit::actor;
use crate::auth::Principal;
use crate::auth::principal::ApiPoster;
use crate::error::{ErrorBody, WebError};
use crate::pages::source_of;
use crate::state::AppState;

/// Bundles and rosters uploaded for verification: at most this many bytes.
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

/// The tenant's signing key (configured, else stored; generated on first use).
pub async fn key(state: &AppState, who: &Principal) -> Result<BundleKey, WebError> {
    Ok(evidence::signing_key(
        state.store.as_ref(),
        who.tenant(),
        state.signing_key.as_deref(),
    )
    .await?)
}

/// A snapshot's bundle as a download (the engine records the export).
pub async fn bundle_response(
    state: &AppState,
    who: &Principal,
    snapshot: &Snapshot,
) -> Result<Response, WebError> {
    let key = key(state, who).await?;
    let bytes = evidence::export_bundle(
        state.store.as_ref(),
        who.tenant(),
        snapshot,
        &key,
        &actor(who),
    )
    .await?;
    let name = format!(
        "roster-evidence-{}-sync-{}.zip",
        snapshot.source_id, snapshot.sync_id
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A snapshot's report: the same self-contained page as `report.html` in its bundle.
pub async fn report_response(
    state: &AppState,
    who: &Principal,
    snapshot: &Snapshot,
) -> Result<Response, WebError> {
    let html = evidence::render_report(
        state.store.as_ref(),
        who.tenant(),
        snapshot,
        AsOf::SnapshotEnd,
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // Self-contained: no script, no external resource.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
            ),
        ],
        html,
    )
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/bundle", tag = "evidence", params(("id" = String, Path, description = "Source ID"), SyncQuery),
    responses((status = 200, description = "The signed, reproducible evidence bundle", content_type = "application/zip", body = Vec<u8>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn bundle(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<SyncQuery>,
) -> Result<Response, WebError> {
    let source = source_of(&state, &who, &id).await?;
    let snapshot = snapshot_for(&state, &who, &source, q.sync.as_deref()).await?;
    bundle_response(&state, &who, &snapshot).await
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/report", tag = "evidence", params(("id" = String, Path, description = "Source ID"), SyncQuery),
    responses((status = 200, description = "The snapshot's report: self-contained HTML, printable", content_type = "text/html", body = String),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn report(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<SyncQuery>,
) -> Result<Response, WebError> {
    let source = source_of(&state, &who, &id).await?;
    let snapshot = snapshot_for(&state, &who, &source, q.sync.as_deref()).await?;
    report_response(&state, &who, &snapshot).await
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
        public_key: key(&state, &who).await?.public_key(),
    }))
}

/// The outcome of verifying a bundle.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VerifyView {
    /// Every hash matches, nothing is unlisted, the signature is valid
    /// (and, when `public_key` was given, made by that key).
    pub valid: bool,
    /// The key the manifest says signed it (when readable).
    pub public_key: Option<String>,
    /// Whether that is this tenant's signing key.
    pub signed_by_this_tenant: bool,
    /// The files the manifest lists (when valid).
    pub files: Vec<String>,
    /// What failed, one sentence each.
    pub problems: Vec<String>,
}

/// Verifies bundle bytes against `expected` (or the key embedded in them).
pub async fn verify_bytes(
    state: &AppState,
    who: &Principal,
    bytes: &[u8],
    expected: Option<&str>,
) -> Result<VerifyView, WebError> {
    let ours = key(state, who).await?.public_key();
    let expected = expected.map(str::trim).filter(|k| !k.is_empty());
    Ok(match evidence::verify_bundle(bytes, expected) {
        Ok(m) => VerifyView {
            valid: true,
            signed_by_this_tenant: m.public_key == ours,
            public_key: Some(m.public_key),
            files: m.files.into_iter().map(|f| f.path).collect(),
            problems: Vec::new(),
        },
        Err(problems) => VerifyView {
            valid: false,
            public_key: None,
            signed_by_this_tenant: false,
            files: Vec::new(),
            problems: problems.iter().map(ToString::to_string).collect(),
        },
    })
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct VerifyQuery {
    /// The signer's base64 public key to require (default: the key embedded in the bundle).
    #[serde(default)]
    pub public_key: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/evidence/verify", tag = "evidence", params(VerifyQuery),
    request_body(content = Vec<u8>, content_type = "application/zip", description = "A bundle exported by roster"),
    responses((status = 200, description = "The outcome; `valid: false` lists each problem", body = VerifyView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn verify(
    State(state): State<AppState>,
    ApiPoster(who): ApiPoster,
    Query(q): Query<VerifyQuery>,
    body: Bytes,
) -> Result<Json<VerifyView>, WebError> {
    if body.is_empty() {
        return Err(WebError::bad_request(
            "empty-bundle",
            "send the bundle's bytes as the request body (Content-Type: application/zip)",
        ));
    }
    Ok(Json(
        verify_bytes(&state, &who, &body, q.public_key.as_deref()).await?,
    ))
}
