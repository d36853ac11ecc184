//! Users (search; filters by group, status, IdP-sourced; keyset pages) and
//! User detail (attributes, the enterprise extension and groups), for the source's latest snapshot.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, html};
use roster_store::{Source, UserSummary};

use super::layout::page;
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppQuery;
use crate::service::directory::{self, PAGE, UsersQuery};
use crate::service::sources;
use crate::state::AppState;

fn no_snapshot(source: Option<&Source>) -> Markup {
    html! {
        @match source {
            None => p { "No source yet. " a href="/sources" { "Connect one" } "." },
            Some(s) => p { "No completed sync of " (s.name) " yet. " a href={ "/syncs?source=" (s.id) } { "See syncs" } "." },
        }
    }
}

pub fn user_rows(source: &Source, users: &[UserSummary]) -> Markup {
    html! {
        table #users {
            thead { tr { th { "User name" } th { "Display name" } th { "Email" } th { "Status" } th { "From IdP" } } }
            tbody {
                @for u in users {
                    tr {
                        td { a href={ "/users/" (u.user_id) "?source=" (source.id) } { (u.user_name.clone().unwrap_or_default()) } }
                        td { (u.display_name.clone().unwrap_or_default()) }
                        td { (u.email.clone().unwrap_or_default()) }
                        td { (u.status.clone().unwrap_or_default()) }
                        td { @if u.idp_sourced { "yes" } @else { span.tag.pending { "no" } } }
                    }
                }
            }
        }
    }
}

fn next_link(base: &str, after: Option<&str>) -> Markup {
    html! { @if let Some(a) = after { div.pager { a #next-page href={ (base) "&after=" (a) } { "Next page →" } } } }
}

fn query_string(source: &Source, q: &UsersQuery) -> String {
    let mut s = format!("/users?source={}", source.id);
    for (k, v) in [
        ("q", &q.q),
        ("group", &q.group),
        ("status", &q.status),
        ("idp", &q.idp),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            let _ = write!(s, "&{k}={}", urlencode(v));
        }
    }
    s
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<UsersQuery>,
) -> Result<Html<String>, WebError> {
    let source = sources::pick(&state, &who, q.source.as_deref()).await?;
    let snapshot = if let Some(s) = &source {
        directory::latest(&state, &who, s).await?
    } else {
        None
    };
    let body = if let (Some(source), Some(snap)) = (&source, &snapshot) {
        {
            let (users, after) = directory::users(&state, &who, snap, &q, PAGE).await?;
            html! {
                h1 { "Users" }
                p.meta { (source.name) " · snapshot of sync #" (snap.sync_id) }
                form.filters method="get" action="/users" {
                    input type="hidden" name="source" value=(source.id);
                    div { label for="q" { "Search" } input #q type="search" name="q" value=[q.q.as_deref()] placeholder="Name or email"; }
                    div { label for="group" { "Group ID" } input #group type="text" name="group" value=[q.group.as_deref()]; }
                    div { label for="status" { "Status" } select #status name="status" {
                        option value="" { "Any" }
                        @for s in ["ENABLED", "DISABLED"] { option value=(s) selected[q.status.as_deref() == Some(s)] { (s) } }
                    } }
                    div { label for="idp" { "From IdP" } select #idp name="idp" {
                        option value="" { "Any" }
                        option value="true" selected[q.idp.as_deref() == Some("true")] { "Yes" }
                        option value="false" selected[q.idp.as_deref() == Some("false")] { "No" }
                    } }
                    div { button type="submit" { "Filter" } }
                }
                (user_rows(source, &users))
                @if users.is_empty() { p.meta { "No user matches." } }
                (next_link(&query_string(source, &q), after.as_deref()))
            }
        }
    } else {
        html! { h1 { "Users" } (no_snapshot(source.as_ref())) }
    };
    Ok(Html(
        page("Users", &state, Some(&who), "/users", &body).into_string(),
    ))
}

#[derive(Debug, serde::Deserialize, Default)]
pub struct SourceQuery {
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn detail(
    State(state): State<AppState>,
    who: Principal,
    Path(user_id): Path<String>,
    AppQuery(q): AppQuery<SourceQuery>,
) -> Result<Html<String>, WebError> {
    let source = sources::pick(&state, &who, q.source.as_deref())
        .await?
        .ok_or_else(|| WebError::NotFound("source".into()))?;
    let snap = directory::latest(&state, &who, &source)
        .await?
        .ok_or_else(|| WebError::NotFound("snapshot".into()))?;
    let (user, groups) = directory::user(&state, &who, &snap, &user_id).await?;
    let doc = serde_json::to_string_pretty(&user).unwrap_or_default();
    let access = super::access_sections::user_access(&state, &who, &source, &user_id).await?;
    let body = html! {
        h1 { (user.display_name.clone().or_else(|| user.user_name.clone()).unwrap_or_else(|| user_id.clone())) }
        dl.kv {
            dt { "User ID" } dd { (user.user_id) }
            dt { "User name" } dd { (user.user_name.clone().unwrap_or_default()) }
            dt { "Primary email" } dd { (user.primary_email().unwrap_or_default()) }
            dt { "From IdP" } dd { (if user.is_idp_sourced() { "yes" } else { "no" }) }
            dt { "Disabled" } dd { (if user.is_disabled() { "yes" } else { "no" }) }
        }
        @if let Some(ent) = user.enterprise() {
            h2 { "Enterprise" }
            dl.kv #user-enterprise {
                @for (label, value) in ent.fields() {
                    @if let Some(v) = value { dt { (label) } dd { (v) } }
                }
            }
        }
        h2 { "Groups (" (groups.len()) ")" }
        ul #user-groups { @for g in &groups { li { a href={ "/groups/" (g.group_id) "?source=" (source.id) } { (g.display_name.clone().unwrap_or_else(|| g.group_id.clone())) } } } }
        (access)
        details { summary { "Everything AWS returned" } pre.code { (doc) } }
    };
    Ok(Html(
        page("User", &state, Some(&who), "/users", &body).into_string(),
    ))
}
