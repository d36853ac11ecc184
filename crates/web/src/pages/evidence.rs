//! The Evidence page: every complete sync's signed bundle and report, the
//! tenant's public signing key, and a form that verifies an uploaded bundle.
//! Also the bundle download and report pages by sync ID.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Html;
use maud::{Markup, html};
use roster_store::SyncStatus;
use serde::Deserialize;

use super::layout::{code_block, csrf_field, page};
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::{AppQuery, upload};
use crate::service::bundles::{self, BUNDLE_LIMIT, BundleFile, Report, VerifyView};
use crate::service::evidence::sync_snapshot;
use crate::service::{sources, syncs};
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct EvidenceQuery {
    #[serde(default)]
    source: Option<String>,
}

fn verify_form(who: &Principal, result: Option<&VerifyView>) -> Markup {
    html! {
        h2 #verify { "Verify a bundle" }
        @if let Some(v) = result {
            @if v.valid {
                div.success #verify-result data-valid="true" {
                    strong { "OK" } ": " (v.files.len()) " files match their SHA-256; the manifest signature is valid. "
                    "Signed by " code { (v.public_key.clone().unwrap_or_default()) }
                    @if v.signed_by_this_tenant { " (this workspace's key)." } @else { " — not this workspace's key." }
                }
            } @else {
                div.diagnosis #verify-result data-valid="false" {
                    strong { "The bundle does not verify:" }
                    ul { @for p in &v.problems { li { (p) } } }
                }
            }
        }
        form #verify-form method="post" enctype="multipart/form-data" action="/evidence/verify" {
            (csrf_field(who))
            label for="bundle-file" { "Bundle (.zip)" }
            input #bundle-file type="file" name="file" accept=".zip,application/zip" required;
            label for="expected-key" { "Expected public key (optional; default: the key inside the bundle)" }
            input #expected-key type="text" name="public_key" size="60";
            p { button #verify-bundle type="submit" { "Verify" } }
        }
    }
}

async fn render(
    state: &AppState,
    who: &Principal,
    asked: Option<&str>,
    result: Option<&VerifyView>,
) -> Result<String, WebError> {
    let source = sources::pick(state, who, asked).await?;
    let runs = match &source {
        Some(s) => syncs::list(state, who, s).await?,
        None => Vec::new(),
    };
    let public_key = bundles::key(state, who).await?.public_key();
    let body = html! {
        h1 { "Evidence" }
        @if let Some(s) = &source { p.meta { (s.name) } (super::checks::subnav(s, "/evidence")) }
        h2 { "Signing key" }
        p { "Bundles are signed with Ed25519. This workspace's public key (give it to auditors; "
            code { "roster evidence verify BUNDLE --public-key KEY" } " checks it):" }
        (code_block("public-key", &public_key, None))
        h2 { "Bundles" }
        @match &source {
            None => { p { "No source yet. " a href="/sources" { "Connect one" } "." } }
            Some(_) => {
                table #bundles {
                    thead { tr { th { "Sync" } th { "Finished" } th { "Users" } th { "Groups" } th { "Memberships" } th { "Evidence" } } }
                    tbody {
                        @for r in runs.iter().filter(|r| r.status == SyncStatus::Complete) {
                            tr data-sync=(r.id) {
                                td { "#" (r.id) } td { (r.finished_at.map(|t| t.to_string()).unwrap_or_default()) }
                                td { (r.counts.users) } td { (r.counts.groups) } td { (r.counts.memberships) }
                                td {
                                    a.button href={ "/evidence/" (r.id) "/bundle" } download { "Download bundle" } " "
                                    a href={ "/reports/" (r.id) } { "Report" } " · "
                                    a href={ "/syncs/" (r.id) "/diff" } { "Diff" }
                                    @if source.as_ref().is_some_and(|s| s.collects_access) {
                                        " · " a.access-diff-link href={ "/access/diff?source=" (r.source_id) "&to=" (r.id) } { "Access diff" }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !runs.iter().any(|r| r.status == SyncStatus::Complete) { p.meta { "No complete sync yet." } }
                p.meta { "Each download is recorded in the audit log. The same snapshot always exports to the same bytes." }
            }
        }
        (verify_form(who, result))
    };
    Ok(page("Evidence", state, Some(who), "/evidence", &body).into_string())
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<EvidenceQuery>,
) -> Result<Html<String>, WebError> {
    Ok(Html(render(&state, &who, q.source.as_deref(), None).await?))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn bundle(
    State(state): State<AppState>,
    who: Principal,
    Path(sync): Path<String>,
) -> Result<BundleFile, WebError> {
    let (_, snapshot) = sync_snapshot(&state, &who, &sync).await?;
    bundles::export(&state, &who, &snapshot).await
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn report(
    State(state): State<AppState>,
    who: Principal,
    Path(sync): Path<String>,
) -> Result<Report, WebError> {
    let (_, snapshot) = sync_snapshot(&state, &who, &sync).await?;
    bundles::report(&state, &who, &snapshot).await
}

/// Verifying reads only; any role may, with the session's CSRF token (the
/// form's first field, checked before the file is read).
#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn verify(
    State(state): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Html<String>, WebError> {
    let form = upload::open(&who, &headers, form).await?;
    let slot = bundles::verify_slot().await?;
    let fields = form.read("bundle", BUNDLE_LIMIT).await?;
    let Some((_, bytes)) = fields.file.filter(|(_, b)| !b.is_empty()) else {
        return Err(WebError::bad_request(
            "invalid-upload",
            "choose a bundle (.zip) to verify",
        ));
    };
    let result = bundles::verify(&state, &who, slot, bytes, fields.public_key.as_deref()).await?;
    Ok(Html(render(&state, &who, None, Some(&result)).await?))
}

/// The evidence pages (Checks, Controls, diffs, Evidence, reports), merged
/// into the console's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};

    use super::{checks, controls, diff};
    // Multipart bodies: the file's own limit (checked while streaming) plus the form around it.
    let form_limit = |file: usize| DefaultBodyLimit::max(file + 64 * 1024);
    axum::Router::new()
        .route("/checks", get(checks::show))
        .route("/checks/controls", get(controls::show))
        .route("/sources/{id}/checks/settings", post(checks::save))
        .route(
            "/sources/{id}/checks/hr-roster",
            post(checks::upload_roster)
                .layer(form_limit(crate::service::evidence::HR_ROSTER_LIMIT)),
        )
        .route("/syncs/{sync}/diff", get(diff::show))
        .route("/evidence", get(show))
        .route(
            "/evidence/verify",
            post(verify).layer(form_limit(BUNDLE_LIMIT)),
        )
        .route("/evidence/{sync}/bundle", get(bundle))
        .route("/reports/{sync}", get(report))
}
