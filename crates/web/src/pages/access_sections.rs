//! The access sections of the User and Group pages: the accounts and
//! permission sets a user can reach and through what (direct or a group),
//! and a group's own account assignments (accounts × permission sets).

use maud::{Markup, html};
use roster_store::{AccessFilter, Source};

use super::access::{access_rows, empty_state, permission_set_href};
use super::users::urlencode;
use crate::auth::Principal;
use crate::error::WebError;
use crate::service::access::{self, AccessState};
use crate::service::directory::MAX_LIMIT;
use crate::state::AppState;

/// "Access": a user's effective access (at most `MAX_LIMIT` rows here,
/// all of them on the Access page).
pub async fn user_access(
    state: &AppState,
    who: &Principal,
    source: &Source,
    user_id: &str,
) -> Result<Markup, WebError> {
    let st = access::access_state(state, who, source).await?;
    let AccessState::Ready(snap) = &st else {
        return Ok(html! { h2 #access { "Access" } (empty_state(source, &st)) });
    };
    let filter = AccessFilter {
        user: Some(user_id.to_owned()),
        ..AccessFilter::default()
    };
    let (rows, more) = access::page(state, who, snap, &filter, None, MAX_LIMIT).await?;
    let all = format!("/access?source={}&user={}", source.id, urlencode(user_id));
    Ok(html! {
        h2 #access { "Access (" (rows.len()) @if more.is_some() { "+" } ")" }
        p.meta { "Accounts and permission sets this user can reach, as of access snapshot #" (snap.sync_id) ". " a href=(all) { "On the Access page →" } }
        @if rows.is_empty() { p.meta #user-access-empty { "No access to any account." } } @else {
            div #user-access { (access_rows(source, &rows, false, true)) }
        }
        @if more.is_some() { p { a href=(all) { "All of this user's access →" } } }
    })
}

/// "Account assignments": what a group is assigned, and a link to its
/// members' effective access.
pub async fn group_assignments(
    state: &AppState,
    who: &Principal,
    source: &Source,
    group_id: &str,
) -> Result<Markup, WebError> {
    let st = access::access_state(state, who, source).await?;
    let AccessState::Ready(snap) = &st else {
        return Ok(html! { h2 #assignments { "Account assignments" } (empty_state(source, &st)) });
    };
    let assignments = access::group_assignments(state, who, snap, group_id).await?;
    let names = access::account_names(state, who, snap).await?;
    Ok(html! {
        h2 #assignments { "Account assignments (" (assignments.len()) ")" }
        p.meta {
            "Accounts × permission sets assigned to this group, as of access snapshot #" (snap.sync_id) ". "
            a href={ "/access?source=" (source.id) "&group=" (urlencode(group_id)) } { "Members' effective access →" }
        }
        @if assignments.is_empty() { p.meta #group-assignments-empty { "This group is assigned to no account." } } @else {
            table #group-assignments {
                thead { tr { th { "Account" } th { "Permission set" } } }
                tbody { @for (a, ps_name) in &assignments { tr {
                    td {
                        a href={ "/access?source=" (source.id) "&account=" (a.account_id) } { (a.account_id) }
                        @if let Some(n) = names.get(a.account_id.as_str()) { br; span.meta { (n) } }
                    }
                    td { a href=(permission_set_href(source, a.permission_set_arn.id())) { (ps_name.clone().unwrap_or_else(|| a.permission_set_arn.to_string())) } }
                } } }
            }
        }
    })
}
