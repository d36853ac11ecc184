//! Signed evidence: a snapshot's bundle (zip) and HTML report, the tenant's
//! public signing key, and verification of an uploaded bundle.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use roster_core::evidence::BundleKey;
use roster_engine::evidence::{self, AsOf};
use roster_store::Snapshot;
use serde::Serialize;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::audit::actor;
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// Bundles uploaded for verification: at most this many bytes (a real
/// bundle is a fraction of this: its files compress well).
pub const BUNDLE_LIMIT: usize = 64 * 1024 * 1024;

/// Bundles being uploaded for verification at once; more wait their turn
/// before a byte of theirs is read, so this bounds their memory. (Engine's
/// verifier runs two verifications at once on the blocking pool.)
static UPLOADING: Semaphore = Semaphore::const_new(4);

/// A turn to upload and verify a bundle: take it before reading the upload.
#[derive(Debug)]
pub struct VerifySlot(#[allow(dead_code)] SemaphorePermit<'static>);

/// Waits for a turn to upload a bundle for verification.
pub async fn verify_slot() -> Result<VerifySlot, WebError> {
    UPLOADING
        .acquire()
        .await
        .map(VerifySlot)
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// The tenant's signing key (configured, else stored; generated on first use).
pub async fn key(state: &AppState, who: &Principal) -> Result<BundleKey, WebError> {
    Ok(evidence::signing_key(
        state.store.as_ref(),
        who.tenant(),
        state.signing_key.as_deref(),
    )
    .await?)
}

/// A bundle as a download.
#[derive(Debug)]
pub struct BundleFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl IntoResponse for BundleFile {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, "application/zip".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", self.file_name),
                ),
            ],
            self.bytes,
        )
            .into_response()
    }
}

/// A snapshot's signed bundle (the engine records the export).
pub async fn export(
    state: &AppState,
    who: &Principal,
    snapshot: &Snapshot,
) -> Result<BundleFile, WebError> {
    let key = key(state, who).await?;
    let bytes = evidence::export_bundle(
        state.store.as_ref(),
        who.tenant(),
        snapshot,
        &key,
        &actor(who),
    )
    .await?;
    Ok(BundleFile {
        file_name: format!(
            "roster-evidence-{}-sync-{}.zip",
            snapshot.source_id, snapshot.sync_id
        ),
        bytes,
    })
}

/// A snapshot's report: the same self-contained page as `report.html` in its bundle.
#[derive(Debug)]
pub struct Report(pub String);

impl IntoResponse for Report {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                // Self-contained: no script, no external resource.
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
                ),
            ],
            self.0,
        )
            .into_response()
    }
}

/// A snapshot's report, as of the snapshot's end.
pub async fn report(
    state: &AppState,
    who: &Principal,
    snapshot: &Snapshot,
) -> Result<Report, WebError> {
    Ok(Report(
        evidence::render_report(
            state.store.as_ref(),
            who.tenant(),
            snapshot,
            AsOf::SnapshotEnd,
        )
        .await?,
    ))
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

/// Verifies bundle bytes against `expected` (or the key embedded in them)
/// with engine's streaming verifier (bounded per entry and in total, off the
/// async threads, a few at a time); the upload's slot is held until done.
pub async fn verify(
    state: &AppState,
    who: &Principal,
    slot: VerifySlot,
    bytes: Vec<u8>,
    expected: Option<&str>,
) -> Result<VerifyView, WebError> {
    let ours = key(state, who).await?.public_key();
    let expected = expected
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned);
    let outcome = evidence::verify(bytes, expected).await?;
    drop(slot);
    Ok(match outcome {
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
