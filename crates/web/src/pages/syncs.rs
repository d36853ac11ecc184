//! The Syncs page: each run with counts, API calls, duration against the
//! quota floor (with the quota model and budget it was computed at), and
//! failures with their diagnosis.

use axum::extract::State;
use axum::response::Html;
use maud::html;
use serde::Deserialize;

use super::layout::page;
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppQuery;
use crate::service::{sources, syncs};
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct SyncsQuery {
    #[serde(default)]
    source: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<SyncsQuery>,
) -> Result<Html<String>, WebError> {
    let source = sources::pick(&state, &who, q.source.as_deref()).await?;
    let (runs, jobs) = match &source {
        Some(s) => (
            syncs::list(&state, &who, s).await?,
            syncs::pending_jobs(&state, &who, s).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let body = html! {
        h1 { "Syncs" }
        @match &source {
            None => { p { "No source yet. " a href="/sources" { "Connect one" } "." } }
            Some(s) => {
                p.meta { (s.name) " · " a href={ "/sources/" (s.id) } { "settings" } }
                @for j in &jobs { p.banner #queued { "Sync job " (j.id) " is " (j.status.as_str()) " (" (j.reason) ")." } }
                table #syncs {
                    thead { tr { th { "#" } th { "Status" } th { "Started" } th { "Users" } th { "Groups" } th { "Memberships" } th { "API calls" } th { "Duration / quota floor" } th { "Failure" } th { "Evidence" } } }
                    tbody {
                        @for r in &runs {
                            tr data-status=(r.status.as_str()) {
                                td { (r.id) } td { (r.status.as_str()) } td { (r.started_at) }
                                td { (r.counts.users) } td { (r.counts.groups) } td { (r.counts.memberships) }
                                td { (r.stats.total_calls()) @for (op, n) in &r.stats.calls { br; span.meta { (op) ": " (n) } } }
                                td.floor {
                                    (format!("{:.1} s / {:.1} s", r.stats.wall_s, r.stats.floor_s))
                                    @if let Some(ratio) = r.stats.ratio() { br; span.meta { (format!("× {ratio:.2}")) } }
                                    @if let (Some(model), Some(budget)) = (r.stats.quota_model, r.stats.budget) {
                                        br; span.meta.quota { (model.as_str()) ", " (format!("{:.0}", budget * 100.0)) "% of " (format!("{}", r.stats.tps)) " requests/s" }
                                    }
                                }
                                td {
                                    @if let Some(f) = &r.failure {
                                        code { (f.code) } br; (f.cause) details { summary { "Fix" } pre.code { (f.fix) } }
                                    }
                                }
                                td {
                                    @if r.status == roster_store::SyncStatus::Complete {
                                        a.diff-link href={ "/syncs/" (r.id) "/diff" } { "Diff" } " · "
                                        @if s.collects_access { a.access-diff-link href={ "/access/diff?source=" (s.id) "&to=" (r.id) } { "Access diff" } " · " }
                                        a href={ "/reports/" (r.id) } { "Report" } " · "
                                        a href={ "/evidence/" (r.id) "/bundle" } download { "Bundle" }
                                    }
                                }
                            }
                        }
                    }
                }
                @if runs.is_empty() { p.meta { "No sync has run yet." } }
            }
        }
    };
    Ok(Html(
        page("Syncs", &state, Some(&who), "/syncs", &body).into_string(),
    ))
}
