//! The Controls view: framework controls → the checks that support them
//! (with their status on the latest snapshot) → the evidence that shows it,
//! and checks → controls.

use axum::extract::State;
use axum::response::Html;
use maud::html;
use roster_core::evidence::CheckReport;
use roster_core::evidence::frameworks::{
    CHECKS, CONTROLS, checks_for, controls_for, framework_name,
};
use serde::Deserialize;

use super::checks::{status_tag, subnav};
use super::layout::page;
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppQuery;
use crate::service::{directory, evidence, sources};
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct ControlsQuery {
    #[serde(default)]
    source: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<ControlsQuery>,
) -> Result<Html<String>, WebError> {
    let source = sources::pick(&state, &who, q.source.as_deref()).await?;
    let snapshot = match &source {
        Some(s) => directory::latest(&state, &who, s).await?,
        None => None,
    };
    let report: Option<CheckReport> = match &snapshot {
        Some(snap) => Some(evidence::checks(&state, &who, snap).await?),
        None => None,
    };
    let status_of = |id: &str| {
        report
            .as_ref()
            .and_then(|r| r.checks.iter().find(|c| c.id == id))
            .map(|c| c.status)
    };
    let src = source
        .as_ref()
        .map(|s| s.id.to_string())
        .unwrap_or_default();
    let mut frameworks: Vec<&str> = CONTROLS.iter().map(|c| c.framework).collect();
    frameworks.dedup();
    let body = html! {
        h1 { "Controls" }
        @if let Some(s) = &source {
            p.meta { (s.name) @if let Some(snap) = &snapshot { " · statuses from the snapshot of sync #" (snap.sync_id) } @else { " · no completed sync yet" } }
            (subnav(s, "/checks/controls"))
        }
        h2 { "Controls → checks → evidence" }
        table #controls {
            thead { tr { th { "Framework" } th { "Control" } th { "Checks" } th { "Evidence" } } }
            tbody {
                @for fw in &frameworks {
                    @for c in CONTROLS.iter().filter(|c| c.framework == *fw) {
                        tr id=(c.key()) data-control=(c.key()) {
                            td { (framework_name(fw)) }
                            td { strong { (c.id) } br; span.meta { (c.title) } }
                            td {
                                @for d in checks_for(&c.key()) {
                                    div {
                                        a href={ "/checks?source=" (src) "#" (d.id) } { (d.id) } " "
                                        @if let Some(st) = status_of(d.id) { (status_tag(st)) }
                                        " " span.meta { (d.title) }
                                    }
                                }
                            }
                            td {
                                @if let Some(snap) = &snapshot {
                                    "Sync #" (snap.sync_id) ": "
                                    a href={ "/evidence/" (snap.sync_id) "/bundle" } { "bundle" } " ("
                                    code { "checks.json" } ", " code { "users.csv" } ", " code { "memberships.csv" } "), "
                                    a href={ "/reports/" (snap.sync_id) } { "report" }
                                } @else { span.meta { "none yet" } }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Checks → controls" }
        table #check-controls {
            thead { tr { th { "Check" } th { "Status" } th { "Controls" } } }
            tbody {
                @for d in CHECKS {
                    tr data-check=(d.id) {
                        td { strong { (d.id) } br; span.meta { (d.title) } }
                        td { @if let Some(st) = status_of(d.id) { (status_tag(st)) } }
                        td {
                            @for c in controls_for(d.id) {
                                div { a href={ "#" (c.key()) } { (framework_name(c.framework)) " " (c.id) } " " span.meta { (c.title) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(Html(
        page("Controls", &state, Some(&who), "/checks", &body).into_string(),
    ))
}
