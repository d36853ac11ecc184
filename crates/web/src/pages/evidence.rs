//! The Evidence page: every complete sync's signed bundle and report, the
//! tenant's public signing key, and a form that verifies an uploaded bundle.
//! Also the bundle download and report pages by sync ID.

use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, Response};
use maud::{Markup, html};
use roster_engine::evidence;
use roster_store::{Snapshot, Source, SyncStatus};
use serde::Deserialize;

use super::checks::upload_fields;
use super::layout::{code_block, csrf_field, page};
use super::pick_source;
use crate::api::bundles::{VerifyView, bundle_response, key, report_response, verify_bytes};
use crate::api::evidence::parse_sync;
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// Syncs listed on the page.
const LISTED: u32 = 100;

/// The source and snapshot of a complete sync of the principal's tenant:
/// 400 for a malformed ID, 404 for an unknown one, 409 for an incomplete one.
pub async fn sync_snapshot(
    state: &AppState,
    who: &Principal,
    raw: &str,
) -> Result<(Source, Snapshot), WebError> {
    let id = parse_sync(raw)?;
    let run = evidence::complete_run(state.store.as_ref(), who.tenant(), id, None).await?;
    let source = state.store.get_source(who.tenant(), &run.source_id).await?;
    Ok((
        source,
        Snapshot {
            source_id: run.source_id,
            sync_id: run.id,
        },
    ))
}

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
    let source = pick_source(state, who, asked).await?;
    let runs = match &source {
        Some(s) => state.store.list_syncs(who.tenant(), &s.id, LISTED).await?,
        None => Vec::new(),
    };
    let public_key = key(state, who).await?.public_key();
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
    Query(q): Query<EvidenceQuery>,
) -> Result<Html<String>, WebError> {
    Ok(Html(render(&state, &who, q.source.as_deref(), None).await?))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn bundle(
    State(state): State<AppState>,
    who: Principal,
    Path(sync): Path<String>,
) -> Result<Response, WebError> {
    let (_, snapshot) = sync_snapshot(&state, &who, &sync).await?;
    bundle_response(&state, &who, &snapshot).await
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn report(
    State(state): State<AppState>,
    who: Principal,
    Path(sync): Path<String>,
) -> Result<Response, WebError> {
    let (_, snapshot) = sync_snapshot(&state, &who, &sync).await?;
    report_response(&state, &who, &snapshot).await
}

/// Verifying reads only; any role may, with the session's CSRF token.
#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn verify(
    State(state): State<AppState>,
    who: Principal,
    form: Multipart,
) -> Result<Html<String>, WebError> {
    let (fields, file) = upload_fields(form).await?;
    who.check_csrf(&fields.csrf)?;
    let Some((_, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(WebError::bad_request(
            "invalid-upload",
            "choose a bundle (.zip) to verify",
        ));
    };
    let result = verify_bytes(&state, &who, &bytes, fields.public_key.as_deref()).await?;
    Ok(Html(render(&state, &who, None, Some(&result)).await?))
}

/// The evidence pages (Checks, Controls, diffs, Evidence, reports), merged
/// into the console's routes.
pub fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};

    use super::{checks, controls, diff};
    let upload = DefaultBodyLimit::max(crate::api::bundles::UPLOAD_LIMIT);
    axum::Router::new()
        .route("/checks", get(checks::show))
        .route("/checks/controls", get(controls::show))
        .route("/sources/{id}/checks/settings", post(checks::save))
        .route(
            "/sources/{id}/checks/hr-roster",
            post(checks::upload_roster).layer(upload),
        )
        .route("/syncs/{sync}/diff", get(diff::show))
        .route("/evidence", get(show))
        .route("/evidence/verify", post(verify).layer(upload))
        .route("/evidence/{sync}/bundle", get(bundle))
        .route("/reports/{sync}", get(report))
}
