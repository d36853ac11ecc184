//! The Access page of a source (who can reach which AWS account): by user
//! (effective access, searched and filtered by privileged / direct /
//! orphaned, keyset pages like Users), by account and by permission set;
//! the empty states "does not collect access" and "no access snapshot yet".
//! Also the pieces the user, group and permission set pages share.

use std::fmt::Write as _;

use axum::extract::State;
use axum::response::Html;
use maud::{Markup, html};
use roster_store::{AccessEntry, Source};

use super::layout::page;
use super::users::urlencode;
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppQuery;
use crate::service::access::{self, AccessQuery, AccessState};
use crate::service::directory::PAGE;
use crate::service::permission_sets;
use crate::state::AppState;

/// The console link of a permission set: by its own ID (an ARN's `/` and
/// `:` do not belong in a path segment).
pub fn permission_set_href(source: &Source, arn_id: &str) -> String {
    format!(
        "/permission-sets/{}?source={}",
        urlencode(arn_id),
        source.id
    )
}

/// "Does not collect access" / "no access snapshot yet", or nothing.
pub fn empty_state(source: &Source, state: &AccessState) -> Markup {
    html! {
        @match state {
            AccessState::NotCollected => div.banner #access-not-collected {
                strong { "This source does not collect access. " }
                "Turn it on in " a href={ "/sources/" (source.id) } { "the source's settings" }
                " (“also collect access”): the same role gains the read-only SSO statement, and the next sync reads who can reach which account."
            },
            AccessState::NoSnapshot => div.banner #access-no-snapshot {
                strong { "No access snapshot yet. " }
                (source.name) " collects access, but no access sync has completed. "
                a href={ "/syncs?source=" (source.id) } { "See syncs" } "."
            },
            AccessState::Ready(_) => {},
        }
    }
}

/// Rows of effective access; `show_user` / `show_account` drop a column a
/// page already fixes.
pub fn access_rows(
    source: &Source,
    rows: &[AccessEntry],
    show_user: bool,
    show_account: bool,
) -> Markup {
    html! {
        table.access {
            thead { tr {
                @if show_user { th { "User" } }
                @if show_account { th { "Account" } }
                th { "Permission set" } th { "Via" } th { "Flags" }
            } }
            tbody {
                @for e in rows {
                    @let r = &e.row;
                    tr data-privileged=(e.privileged) data-orphaned=(r.orphaned) data-direct=(r.via.is_direct()) {
                        @if show_user { td {
                            @match &r.user_id {
                                Some(id) if !r.orphaned => a href={ "/users/" (urlencode(id)) "?source=" (source.id) } { (r.user_name.clone().unwrap_or_else(|| id.clone())) },
                                Some(id) => code { (id) },
                                None => span.meta { "(no one: the group no longer exists)" },
                            }
                        } }
                        @if show_account { td {
                            a href={ "/access?source=" (source.id) "&account=" (r.account_id) } { (r.account_id) }
                            @if let Some(n) = &e.account_name { br; span.meta { (n) } }
                        } }
                        td { a href=(permission_set_href(source, r.permission_set_arn.id())) { (e.permission_set_name.clone().unwrap_or_else(|| r.permission_set_arn.to_string())) } }
                        td {
                            @match &r.via {
                                roster_core::sso::Via::Direct => "direct",
                                roster_core::sso::Via::Group { group_id, .. } => {
                                    "via " @if r.orphaned { code { (r.via.label()) } } @else { a href={ "/groups/" (urlencode(group_id)) "?source=" (source.id) } { (r.via.label()) } }
                                },
                            }
                        }
                        td {
                            @if e.privileged { span.tag.bad { "privileged" } }
                            @if r.orphaned { span.tag.pending { "orphaned" } }
                            @if r.user_disabled { span.tag.pending { "disabled user" } }
                        }
                    }
                }
            }
        }
    }
}

/// A "next page" link, the cursor percent-encoded.
pub fn next_link(base: &str, after: Option<&str>) -> Markup {
    html! { @if let Some(a) = after { div.pager { a #next-page href={ (base) "&after=" (urlencode(a)) } { "Next page →" } } } }
}

fn view_of(q: &AccessQuery) -> &str {
    match q.view.as_deref() {
        Some(v @ ("accounts" | "permission-sets")) => v,
        _ => "users",
    }
}

fn query_string(source: &Source, q: &AccessQuery) -> String {
    let mut s = format!("/access?source={}&view={}", source.id, view_of(q));
    for (k, v) in [
        ("q", &q.q),
        ("user", &q.user),
        ("account", &q.account),
        ("permission_set", &q.permission_set),
        ("group", &q.group),
        ("privileged", &q.privileged),
        ("direct", &q.direct),
        ("orphaned", &q.orphaned),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            let _ = write!(s, "&{k}={}", urlencode(v));
        }
    }
    s
}

fn tabs(source: &Source, active: &str) -> Markup {
    html! {
        p.filters #access-views {
            @for (view, label) in [("users", "By user"), ("accounts", "By account"), ("permission-sets", "By permission set")] {
                @if view == active { strong { (label) } } @else { a href={ "/access?source=" (source.id) "&view=" (view) } { (label) } }
            }
        }
    }
}

fn checkbox(name: &str, label: &str, value: Option<&str>) -> Markup {
    html! { label { input type="checkbox" name=(name) value="true" checked[value == Some("true")]; " " (label) } }
}

fn users_filters(source: &Source, q: &AccessQuery) -> Markup {
    html! {
        form.filters #access-filters method="get" action="/access" {
            input type="hidden" name="source" value=(source.id);
            input type="hidden" name="view" value="users";
            div { label for="q" { "Search" } input #q type="search" name="q" value=[q.q.as_deref()] placeholder="User, account, permission set, group"; }
            div { label for="user" { "User" } input #user type="text" name="user" value=[q.user.as_deref()] placeholder="User ID or user name"; }
            div { label for="account" { "Account" } input #account type="text" name="account" value=[q.account.as_deref()] placeholder="12-digit ID"; }
            div { label for="permission_set" { "Permission set" } input #permission_set type="text" name="permission_set" value=[q.permission_set.as_deref()] placeholder="Name or ARN"; }
            @if let Some(g) = q.group.as_deref().filter(|g| !g.is_empty()) { input type="hidden" name="group" value=(g); }
            div {
                (checkbox("privileged", "Privileged only", q.privileged.as_deref()))
                (checkbox("direct", "Direct only", q.direct.as_deref()))
                (checkbox("orphaned", "Orphaned only", q.orphaned.as_deref()))
            }
            div { button type="submit" { "Filter" } }
        }
    }
}

async fn by_user(
    state: &AppState,
    who: &Principal,
    source: &Source,
    snap: &roster_store::Snapshot,
    q: &AccessQuery,
) -> Result<Markup, WebError> {
    let filter = access::filter(q)?;
    let (rows, after) = access::page(state, who, snap, &filter, q.after.as_deref(), PAGE).await?;
    Ok(html! {
        (users_filters(source, q))
        (access_rows(source, &rows, true, true))
        @if rows.is_empty() { p.meta #access-empty { "No access matches." } }
        (next_link(&query_string(source, q), after.as_deref()))
    })
}

async fn by_account(
    state: &AppState,
    who: &Principal,
    source: &Source,
    snap: &roster_store::Snapshot,
    q: &AccessQuery,
) -> Result<Markup, WebError> {
    let (accounts, after) =
        access::accounts(state, who, snap, q.q.as_deref(), q.after.as_deref(), PAGE).await?;
    Ok(html! {
        form.filters method="get" action="/access" {
            input type="hidden" name="source" value=(source.id);
            input type="hidden" name="view" value="accounts";
            div { label for="q" { "Search" } input #q type="search" name="q" value=[q.q.as_deref()] placeholder="Account ID, name or email"; }
            div { button type="submit" { "Search" } }
        }
        table #accounts {
            thead { tr { th { "Account" } th { "Name" } th { "Email" } th { "Status" } th { "Permission sets" } th {} } }
            tbody { @for a in &accounts {
                @let acct = &a.account;
                tr {
                    td { code { (acct.id) } }
                    td { (acct.name.clone().unwrap_or_default()) }
                    td { (acct.email.clone().unwrap_or_default()) }
                    td { (access::account_status(acct).unwrap_or_default()) }
                    td { (a.permission_sets) }
                    td { a href={ "/access?source=" (source.id) "&account=" (acct.id) } { "Who can reach it →" } }
                }
            } }
        }
        @if accounts.is_empty() { p.meta { "No account matches." } }
        (next_link(&query_string(source, q), after.as_deref()))
    })
}

async fn by_permission_set(
    state: &AppState,
    who: &Principal,
    source: &Source,
    snap: &roster_store::Snapshot,
    q: &AccessQuery,
) -> Result<Markup, WebError> {
    let f = access::filter(&AccessQuery {
        q: q.q.clone(),
        privileged: q.privileged.clone(),
        ..AccessQuery::default()
    })?;
    let (sets, after) = permission_sets::list(
        state,
        who,
        snap,
        f.search.as_deref(),
        f.privileged_only,
        q.after.as_deref(),
        PAGE,
    )
    .await?;
    Ok(html! {
        form.filters method="get" action="/access" {
            input type="hidden" name="source" value=(source.id);
            input type="hidden" name="view" value="permission-sets";
            div { label for="q" { "Search" } input #q type="search" name="q" value=[q.q.as_deref()] placeholder="Name or description"; }
            div { (checkbox("privileged", "Privileged only", q.privileged.as_deref())) }
            div { button type="submit" { "Filter" } }
        }
        table #permission-sets {
            thead { tr { th { "Permission set" } th { "Description" } th { "Session" } th { "Accounts" } th { "Flags" } } }
            tbody { @for p in &sets {
                @let ps = &p.facts.permission_set;
                tr data-privileged=(p.privileged) {
                    td { a href=(permission_set_href(source, ps.permission_set_arn.id())) { (ps.name) } }
                    td { (ps.description.clone().unwrap_or_default()) }
                    td { (ps.session_duration.clone().unwrap_or_else(|| "PT1H (default)".to_owned())) }
                    td { (p.provisioned_accounts.len()) }
                    td { @if p.privileged { span.tag.bad { "privileged" } } }
                }
            } }
        }
        @if sets.is_empty() { p.meta { "No permission set matches." } }
        (next_link(&query_string(source, q), after.as_deref()))
    })
}

async fn render(
    state: &AppState,
    who: &Principal,
    source: &Source,
    q: &AccessQuery,
) -> Result<Markup, WebError> {
    let st = access::access_state(state, who, source).await?;
    let AccessState::Ready(snap) = &st else {
        return Ok(html! { h1 { "Access" } p.meta { (source.name) } (empty_state(source, &st)) });
    };
    let counts = state.store.access_counts(who.tenant(), snap).await?;
    let view = view_of(q);
    let inner = match view {
        "accounts" => by_account(state, who, source, snap, q).await?,
        "permission-sets" => by_permission_set(state, who, source, snap, q).await?,
        _ => by_user(state, who, source, snap, q).await?,
    };
    Ok(html! {
        h1 { "Access" }
        p.meta #access-meta {
            (source.name) " · access snapshot of sync #" (snap.sync_id) " · "
            (counts.accounts) " accounts · " (counts.permission_sets) " permission sets · "
            (counts.access_rows) " access rows (" (counts.privileged_rows) " privileged, " (counts.orphaned_rows) " orphaned) · "
            a #access-diff-link href={ "/access/diff?source=" (source.id) } { "Gained and lost since the previous snapshot →" }
        }
        (tabs(source, view))
        (inner)
    })
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<AccessQuery>,
) -> Result<Html<String>, WebError> {
    let body = match access::pick(&state, &who, q.source.as_deref()).await? {
        None => {
            html! { h1 { "Access" } p { "No source yet. " a href="/sources" { "Connect one" } "." } }
        }
        Some(source) => render(&state, &who, &source, &q).await?,
    };
    Ok(Html(
        page("Access", &state, Some(&who), "/access", &body).into_string(),
    ))
}
