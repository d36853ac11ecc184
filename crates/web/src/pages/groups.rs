//! Groups (search, keyset pages) and Group detail (members, paginated).

use axum::extract::{Path, State};
use axum::response::Html;
use maud::html;

use super::layout::page;
use super::users::{SourceQuery, urlencode, user_rows};
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppQuery;
use crate::service::directory::{self, GroupsQuery, PAGE};
use crate::service::sources;
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<GroupsQuery>,
) -> Result<Html<String>, WebError> {
    let source = sources::pick(&state, &who, q.source.as_deref()).await?;
    let snapshot = if let Some(s) = &source {
        directory::latest(&state, &who, s).await?
    } else {
        None
    };
    let body = match (&source, &snapshot) {
        (Some(source), Some(snap)) => {
            let (groups, after) =
                directory::groups(&state, &who, snap, q.q.as_deref(), q.after.as_deref(), PAGE)
                    .await?;
            let base = format!(
                "/groups?source={}&q={}",
                source.id,
                urlencode(q.q.as_deref().unwrap_or(""))
            );
            html! {
                h1 { "Groups" }
                p.meta { (source.name) " · snapshot of sync #" (snap.sync_id) }
                form.filters method="get" action="/groups" {
                    input type="hidden" name="source" value=(source.id);
                    div { label for="q" { "Search" } input #q type="search" name="q" value=[q.q.as_deref()] placeholder="Group name"; }
                    div { button type="submit" { "Search" } }
                }
                table #groups {
                    thead { tr { th { "Group" } th { "Members" } th { "Group ID" } } }
                    tbody { @for g in &groups { tr {
                        td { a href={ "/groups/" (g.group_id) "?source=" (source.id) } { (g.display_name.clone().unwrap_or_default()) } }
                        td { (g.member_count) }
                        td { code { (g.group_id) } }
                    } } }
                }
                @if groups.is_empty() { p.meta { "No group matches." } }
                @if let Some(a) = after { div.pager { a #next-page href={ (base) "&after=" (a) } { "Next page →" } } }
            }
        }
        _ => {
            html! { h1 { "Groups" } p { "No completed sync yet. " a href="/sources" { "Sources" } } }
        }
    };
    Ok(Html(
        page("Groups", &state, Some(&who), "/groups", &body).into_string(),
    ))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn detail(
    State(state): State<AppState>,
    who: Principal,
    Path(group_id): Path<String>,
    AppQuery(q): AppQuery<SourceQuery>,
) -> Result<Html<String>, WebError> {
    let source = sources::pick(&state, &who, q.source.as_deref())
        .await?
        .ok_or_else(|| WebError::NotFound("source".into()))?;
    let snap = directory::latest(&state, &who, &source)
        .await?
        .ok_or_else(|| WebError::NotFound("snapshot".into()))?;
    let group = directory::group(&state, &who, &snap, &group_id).await?;
    let (members, after) =
        directory::members(&state, &who, &snap, &group_id, q.after.as_deref(), PAGE).await?;
    let assignments =
        super::access_sections::group_assignments(&state, &who, &source, &group_id).await?;
    let body = html! {
        h1 { (group.display_name.clone().unwrap_or_else(|| group_id.clone())) }
        dl.kv {
            dt { "Group ID" } dd { (group.group_id) }
            dt { "Description" } dd { (group.description.clone().unwrap_or_default()) }
        }
        (assignments)
        h2 { "Members" }
        (user_rows(&source, &members))
        @if members.is_empty() { p.meta { "This group has no members." } }
        @if let Some(a) = after { div.pager { a #next-page href={ "/groups/" (group_id) "?source=" (source.id) "&after=" (a) } { "Next page →" } } }
    };
    Ok(Html(
        page("Group", &state, Some(&who), "/groups", &body).into_string(),
    ))
}
