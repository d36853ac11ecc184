//! The access diff page: who gained and who lost which access (user,
//! account, permission set, direct or via a group) between two access
//! snapshots of a source (`?from=`/`?to=` sync IDs; by default the latest
//! access snapshot and the one before it), 100 rows of each list per page,
//! with the whole diff as a JSON or CSV download from the API. Everything
//! shown is escaped by maud.

use axum::extract::State;
use axum::response::Html;
use maud::{Markup, html};
use roster_core::sso::{AccessRow, Via};
use roster_store::Source;
use serde::Deserialize;

use super::access::permission_set_href;
use super::layout::page;
use super::users::urlencode;
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppQuery;
use crate::service::access;
use crate::service::access_diff::{self, NamedAccessDiff};
use crate::state::AppState;

/// Rows of each list (gained, lost) per page.
const PER_PAGE: usize = 100;
/// The highest page number taken (a million rows of each list).
const MAX_PAGE: usize = 10_000;

#[derive(Debug, Deserialize, Default)]
pub struct AccessDiffPageQuery {
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    /// 1-based page of both lists.
    #[serde(default)]
    page: Option<String>,
}

fn page_number(raw: Option<&str>) -> Result<usize, WebError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(1),
        Some(p) => match p.parse::<usize>() {
            Ok(n @ 1..=MAX_PAGE) => Ok(n),
            _ => Err(WebError::bad_request(
                "invalid-page",
                format!("page is a number from 1 to {MAX_PAGE}"),
            )),
        },
    }
}

fn slice(rows: &[AccessRow], page: usize) -> &[AccessRow] {
    let start = ((page - 1) * PER_PAGE).min(rows.len());
    &rows[start..(start + PER_PAGE).min(rows.len())]
}

fn user_cell(source: &Source, r: &AccessRow) -> Markup {
    html! {
        @match &r.user_id {
            Some(id) if !r.orphaned => a href={ "/users/" (urlencode(id)) "?source=" (source.id) } { (r.user_name.clone().unwrap_or_else(|| id.clone())) },
            Some(id) => code { (id) },
            None => span.meta { "(no one: the group no longer exists)" },
        }
    }
}

fn rows_table(source: &Source, d: &NamedAccessDiff, id: &str, rows: &[AccessRow]) -> Markup {
    html! {
        table.access id=(id) {
            thead { tr { th { "User" } th { "Account" } th { "Permission set" } th { "Via" } th { "Flags" } } }
            tbody {
                @for r in rows {
                    tr data-direct=(r.via.is_direct()) data-orphaned=(r.orphaned) {
                        td { (user_cell(source, r)) }
                        td {
                            a href={ "/access?source=" (source.id) "&account=" (r.account_id) } { (r.account_id) }
                            @if let Some(n) = d.account_name(r.account_id.as_str()) { br; span.meta { (n) } }
                        }
                        td { a href=(permission_set_href(source, r.permission_set_arn.id())) {
                            (d.permission_set_name(r.permission_set_arn.as_str()).map_or_else(|| r.permission_set_arn.to_string(), str::to_owned))
                        } }
                        td {
                            @match &r.via {
                                Via::Direct => "direct",
                                Via::Group { group_id, .. } => {
                                    "via " @if r.orphaned { code { (r.via.label()) } } @else { a href={ "/groups/" (urlencode(group_id)) "?source=" (source.id) } { (r.via.label()) } }
                                },
                            }
                        }
                        td {
                            @if r.orphaned { span.tag.pending { "orphaned" } }
                            @if r.user_disabled { span.tag.pending { "disabled user" } }
                        }
                    }
                }
            }
        }
    }
}

fn section(
    source: &Source,
    d: &NamedAccessDiff,
    (title, id): (&str, &str),
    all: &[AccessRow],
    page: usize,
) -> Markup {
    let shown = slice(all, page);
    html! {
        h2 { (title) " (" (all.len()) ")" }
        @if all.is_empty() { p.meta id={ (id) "-none" } { "None." } }
        @else if shown.is_empty() { p.meta { "No more rows on this page." } }
        @else {
            p.meta { "Rows " ((page - 1) * PER_PAGE + 1) "–" ((page - 1) * PER_PAGE + shown.len()) " of " (all.len()) "." }
            (rows_table(source, d, id, shown))
        }
    }
}

fn pager(source: &Source, d: &NamedAccessDiff, page: usize) -> Markup {
    let longest = d.diff.gained.len().max(d.diff.lost.len());
    let base = format!(
        "/access/diff?source={}&from={}&to={}",
        source.id, d.diff.from_sync, d.diff.to_sync
    );
    html! {
        div.pager {
            @if page > 1 { a #prev-page href={ (base) "&page=" (page - 1) } { "← Previous page" } " " }
            @if page * PER_PAGE < longest { a #next-page href={ (base) "&page=" (page + 1) } { "Next page →" } }
        }
    }
}

fn choose_form(source: &Source, from: Option<i64>, to: Option<i64>) -> Markup {
    // A GET form (it changes nothing, so it carries no CSRF token).
    html! {
        form.filters #access-diff-form method="get" action="/access/diff" {
            input type="hidden" name="source" value=(source.id);
            div { label for="from" { "From sync" } input #from type="text" inputmode="numeric" name="from" value=[from] placeholder="the one before"; }
            div { label for="to" { "To sync" } input #to type="text" inputmode="numeric" name="to" value=[to] placeholder="the latest"; }
            div { button type="submit" { "Compare" } }
        }
    }
}

fn render(source: &Source, d: &NamedAccessDiff, page: usize) -> Markup {
    let api = format!(
        "/api/v1/sources/{}/access/diff?from={}&to={}",
        source.id, d.diff.from_sync, d.diff.to_sync
    );
    html! {
        p #access-diff-summary {
            "From sync #" (d.diff.from_sync) " to sync #" (d.diff.to_sync) ": "
            strong { (d.diff.gained.len()) " gained" } " · " strong { (d.diff.lost.len()) " lost" }
        }
        p.meta #access-diff-downloads {
            "The whole diff: " a #access-diff-csv href={ (api) "&format=csv" } download { "CSV" } " · "
            a #access-diff-json href=(api) { "JSON" }
        }
        (choose_form(source, Some(d.diff.from_sync), Some(d.diff.to_sync)))
        @if d.diff.is_empty() { p #no-change { "No access was gained or lost between these snapshots." } }
        (section(source, d, ("Gained", "access-gained"), &d.diff.gained, page))
        (section(source, d, ("Lost", "access-lost"), &d.diff.lost, page))
        (pager(source, d, page))
    }
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<AccessDiffPageQuery>,
) -> Result<Html<String>, WebError> {
    let page_no = page_number(q.page.as_deref())?;
    let Some(source) = access::pick(&state, &who, q.source.as_deref()).await? else {
        let body = html! { h1 { "Access diff" } p { "No source yet. " a href="/sources" { "Connect one" } "." } };
        return Ok(Html(
            page("Access diff", &state, Some(&who), "/access", &body).into_string(),
        ));
    };
    let from = q.from.as_deref();
    let diff = match access_diff::diff(&state, &who, &source, from, q.to.as_deref()).await {
        Ok(d) => Ok(d),
        // No earlier access snapshot (or none at all): said on the page.
        Err(WebError::Conflict(why)) if from.is_none_or(|f| f.trim().is_empty()) => Err(why),
        Err(e) => return Err(e),
    };
    let body = html! {
        h1 { "Access diff" }
        p.meta { (source.name) " · " a href={ "/access?source=" (source.id) } { "access" } " · "
            a href={ "/syncs?source=" (source.id) } { "all syncs" } }
        @match &diff {
            Ok(d) => (render(&source, d, page_no)),
            Err(why) => {
                div.banner #access-diff-none { (why) }
                (choose_form(&source, None, None))
            }
        }
    };
    Ok(Html(
        page("Access diff", &state, Some(&who), "/access", &body).into_string(),
    ))
}
