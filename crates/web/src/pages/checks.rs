//! The Checks page: IDS-01 … IDS-09 on a source's latest snapshot, each with
//! its status, the entities at fault (a few inline, all on paged views) and
//! the controls it supports; the forms for the checks' settings and the HR
//! roster (IDS-09). Admins change settings; auditors read them.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use roster_core::evidence::checks::{CheckResult, Finding, Status};
use roster_core::evidence::{CheckReport, RosterLineError};
use roster_store::{Snapshot, Source};
use serde::Deserialize;

use super::layout::{csrf_field, page};
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::{AppForm, AppQuery, TenantSource, upload};
use crate::service::evidence::{self, CheckSettingsView, HR_ROSTER_LIMIT};
use crate::service::{directory, sources};
use crate::state::AppState;

/// Findings shown inline per check; the rest are on the check's own pages.
const INLINE: usize = 5;
/// Findings per page of a single check.
const PER_PAGE: usize = 100;

#[derive(Debug, Deserialize, Default)]
pub struct ChecksQuery {
    #[serde(default)]
    source: Option<String>,
    /// Show every finding of this check, paged.
    #[serde(default)]
    check: Option<String>,
    #[serde(default)]
    page: Option<usize>,
}

pub fn status_tag(s: Status) -> Markup {
    let class = match s {
        Status::Pass => "tag ok",
        Status::Fail => "tag bad",
        Status::Review => "tag pending",
        Status::Skipped => "tag",
    };
    html! { span class=(class) data-status=(s.as_str()) { (s.as_str()) } }
}

/// Tabs between the Checks and Controls views.
pub fn subnav(source: &Source, active: &str) -> Markup {
    html! {
        p.filters {
            @for (href, label) in [("/checks", "Checks"), ("/checks/controls", "Controls"), ("/evidence", "Evidence")] {
                @if href == active { strong { (label) } } @else { a href={ (href) "?source=" (source.id) } { (label) } }
            }
        }
    }
}

pub(super) fn findings_table(findings: &[Finding]) -> Markup {
    html! {
        table.findings {
            thead { tr { th { "Kind" } th { "ID" } th { "Name" } th { "Detail" } } }
            tbody {
                @for f in findings {
                    tr { td { (f.kind) } td { code { (f.id) } } td { (f.name.clone().unwrap_or_default()) } td { (f.detail) } }
                }
            }
        }
    }
}

pub(super) fn check_row(source: &Source, c: &CheckResult) -> Markup {
    let more = c.findings.len().saturating_sub(INLINE);
    html! {
        tr id=(c.id) data-check=(c.id) data-status=(c.status.as_str()) {
            td { strong { (c.id) } br; span.meta { (c.title) } }
            td { (status_tag(c.status)) br; (c.summary) }
            td { @for k in &c.controls { a.tag href={ "/checks/controls?source=" (source.id) "#" (k) } { (k) } } }
            td {
                @if c.findings.is_empty() { span.meta { "none" } } @else {
                    (findings_table(&c.findings[..c.findings.len().min(INLINE)]))
                    @if more > 0 {
                        a href={ "/checks?source=" (source.id) "&check=" (c.id) } { "All " (c.findings.len()) " →" }
                    }
                }
            }
        }
    }
}

pub(super) fn one_check(source: &Source, c: &CheckResult, page_no: usize) -> Markup {
    let pages = c.findings.len().div_ceil(PER_PAGE).max(1);
    let page_no = page_no.clamp(1, pages);
    let start = (page_no - 1) * PER_PAGE;
    let slice = &c.findings[start..(start + PER_PAGE).min(c.findings.len())];
    let base = format!("/checks?source={}&check={}", source.id, c.id);
    html! {
        section #check-findings {
            h2 { (c.id) " — " (c.title) " " (status_tag(c.status)) }
            p.meta { (c.findings.len()) " entities at fault · page " (page_no) " of " (pages) }
            (findings_table(slice))
            div.pager {
                @if page_no > 1 { a href={ (base) "&page=" (page_no - 1) } { "← Previous page" } }
                @if page_no < pages { a #next-page href={ (base) "&page=" (page_no + 1) } { "Next page →" } }
                a href={ "/checks?source=" (source.id) } { "All checks" }
            }
        }
    }
}

fn settings_forms(who: &Principal, source: &Source, report: &CheckReport) -> Markup {
    let s = &report.settings;
    let ro = !who.is_admin();
    html! {
        h2 #settings { "Settings" }
        @if ro { p.meta { "Read-only: only admins change check settings." } }
        form #check-settings method="post" action={ "/sources/" (source.id) "/checks/settings" } {
            (csrf_field(who))
            label for="exemptions" { "IDS-01 exemptions (break-glass user names or user IDs, one per line)" }
            textarea #exemptions name="exemptions" rows="3" disabled[ro] { (s.exemptions.join("\n")) }
            label for="privileged_patterns" { "IDS-07 privileged group name patterns (* and ?, any case; one per line)" }
            textarea #privileged_patterns name="privileged_patterns" rows="3" disabled[ro] { (s.privileged_patterns.join("\n")) }
            label for="freshness_hours" { "IDS-08 freshness window (hours)" }
            input #freshness_hours type="text" inputmode="numeric" name="freshness_hours" value=(s.freshness_hours) disabled[ro];
            @if !ro { p { button #save-settings type="submit" { "Save settings" } } }
        }
        h2 #hr-roster { "HR roster (IDS-09)" }
        p { "Current: " @match &report.hr_roster { Some(r) => { (r) }, None => { span.meta { "none uploaded; IDS-09 is skipped" } } } }
        @if !ro {
            form #hr-roster-upload method="post" enctype="multipart/form-data" action={ "/sources/" (source.id) "/checks/hr-roster" } {
                (csrf_field(who))
                label for="roster-file" { "CSV of active employees, with an " code { "email" } " header" }
                input #roster-file type="file" name="file" accept=".csv,text/csv" required;
                p { button #upload-roster type="submit" { "Upload" } }
            }
        }
    }
}

async fn render(
    state: &AppState,
    who: &Principal,
    source: &Source,
    snapshot: &Snapshot,
    q: &ChecksQuery,
    roster_errors: &[RosterLineError],
) -> Result<Markup, WebError> {
    let report = evidence::checks(state, who, snapshot).await?;
    let focused = q
        .check
        .as_deref()
        .and_then(|id| report.checks.iter().find(|c| c.id == id));
    let s = &report.summary;
    let access =
        super::access_checks::section(state, who, source, q.check.as_deref(), q.page.unwrap_or(1))
            .await?;
    Ok(html! {
        h1 { "Checks" }
        p.meta { (source.name) " · snapshot of sync #" (snapshot.sync_id) " · evaluated " (report.as_of) }
        (subnav(source, "/checks"))
        @if !roster_errors.is_empty() {
            div.diagnosis #roster-errors {
                strong { "The HR roster was not stored. Fix these lines and upload the whole file again:" }
                ul { @for e in roster_errors.iter().take(200) { li { "line " (e.line) ": " (e.message) } } }
                @if roster_errors.len() > 200 { p { "and " (roster_errors.len() - 200) " more" } }
            }
        }
        p #check-summary {
            span.tag.ok { (s.pass) " pass" } span.tag.bad { (s.fail) " fail" }
            span.tag.pending { (s.review) " review" } span.tag { (s.skipped) " skipped" }
        }
        @if let Some(c) = focused { (one_check(source, c, q.page.unwrap_or(1))) } @else {
            table #checks {
                thead { tr { th { "Check" } th { "Status" } th { "Controls" } th { "Entities at fault" } } }
                tbody { @for c in &report.checks { (check_row(source, c)) } }
            }
        }
        (settings_forms(who, source, &report))
        (access)
    })
}

fn no_snapshot(source: Option<&Source>) -> Markup {
    html! {
        h1 { "Checks" }
        @match source {
            None => p { "No source yet. " a href="/sources" { "Connect one" } "." },
            Some(s) => p { "No completed sync of " (s.name) " yet. " a href={ "/syncs?source=" (s.id) } { "See syncs" } "." },
        }
    }
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<ChecksQuery>,
) -> Result<Html<String>, WebError> {
    let source = sources::pick(&state, &who, q.source.as_deref()).await?;
    let snapshot = match &source {
        Some(s) => directory::latest(&state, &who, s).await?,
        None => None,
    };
    let body = match (&source, &snapshot) {
        (Some(src), Some(snap)) => render(&state, &who, src, snap, &q, &[]).await?,
        _ => no_snapshot(source.as_ref()),
    };
    Ok(Html(
        page("Checks", &state, Some(&who), "/checks", &body).into_string(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    exemptions: String,
    #[serde(default)]
    privileged_patterns: String,
    #[serde(default)]
    freshness_hours: String,
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_owned).collect()
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn save(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppForm(f): AppForm<SettingsForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    let hours = f.freshness_hours.trim().parse::<u32>().map_err(|_| {
        WebError::bad_request(
            "invalid-settings",
            "the freshness window is a whole number of hours from 1 to 8760",
        )
    })?;
    let view = CheckSettingsView {
        exemptions: lines(&f.exemptions),
        privileged_patterns: lines(&f.privileged_patterns),
        freshness_hours: hours,
    };
    evidence::save_settings(&state, &who, &source, &view).await?;
    Ok(Redirect::to(&format!(
        "/checks?source={}#settings",
        source.id
    )))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn upload_roster(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    // Authorized before the body is read: an auditor's upload costs nothing.
    who.require_admin()?;
    let fields = upload::open(&who, &headers, form)
        .await?
        .read("HR roster", HR_ROSTER_LIMIT)
        .await?;
    let Some((name, bytes)) = fields.file else {
        return Err(WebError::bad_request("invalid-upload", "choose a CSV file"));
    };
    match evidence::store_roster(&state, &who, &source, &name, &bytes).await? {
        Ok(_) => {
            Ok(Redirect::to(&format!("/checks?source={}#hr-roster", source.id)).into_response())
        }
        Err(errors) => {
            let snapshot = directory::latest(&state, &who, &source).await?;
            let body = match &snapshot {
                Some(snap) => {
                    render(
                        &state,
                        &who,
                        &source,
                        snap,
                        &ChecksQuery::default(),
                        &errors,
                    )
                    .await?
                }
                None => return Err(evidence::roster_error(&errors)),
            };
            let html = page("Checks", &state, Some(&who), "/checks", &body).into_string();
            Ok((StatusCode::BAD_REQUEST, Html(html)).into_response())
        }
    }
}
