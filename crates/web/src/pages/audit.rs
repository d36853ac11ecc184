//! The Audit log page: every change, who made it, when (newest first).

use axum::extract::State;
use axum::response::Html;
use maud::html;

use super::layout::page;
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppQuery;
use crate::service::audit::{self, AuditQuery};
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<AuditQuery>,
) -> Result<Html<String>, WebError> {
    let entries = audit::list(&state, &who, &q).await?;
    let body = html! {
        h1 { "Audit log" }
        table #audit {
            thead { tr { th { "When" } th { "Who" } th { "Action" } th { "Target" } th { "Detail" } } }
            tbody { @for e in &entries.items { tr {
                td { (e.at) } td { (e.actor) } td { code { (e.action) } } td { code { (e.target) } } td { code { (e.detail.to_string()) } }
            } } }
        }
        @if entries.items.is_empty() { p.meta { "Nothing recorded yet." } }
        @if let Some(b) = entries.next_before { div.pager { a #next-page href={ "/audit?before=" (b) } { "Older →" } } }
    };
    Ok(Html(
        page("Audit log", &state, Some(&who), "/audit", &body).into_string(),
    ))
}
