//! A sync's diff against the previous snapshot (or `?from=`): users added,
//! removed and changed per field; groups added, removed and renamed;
//! memberships added and removed. Long lists are cut with a count.

use axum::extract::{Path, State};
use axum::response::Html;
use maud::{Markup, html};
use roster_core::evidence::Diff;
use roster_core::evidence::MembershipRef;
use roster_core::evidence::diff::{GroupRef, UserRef};
use serde::Deserialize;
use serde_json::Value;

use super::layout::page;
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppQuery;
use crate::service::evidence::{self, sync_snapshot};
use crate::state::AppState;

/// Rows shown per list; the full diff is in the API and the bundle's `diff.json`.
const SHOWN: usize = 200;

#[derive(Debug, Deserialize, Default)]
pub struct DiffQuery {
    #[serde(default)]
    from: Option<String>,
}

fn opt(s: Option<&String>) -> String {
    s.cloned().unwrap_or_default()
}

fn value(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn cut<T>(items: &[T]) -> (&[T], usize) {
    (
        &items[..items.len().min(SHOWN)],
        items.len().saturating_sub(SHOWN),
    )
}

fn more(n: usize) -> Markup {
    html! { @if n > 0 { p.meta { "… and " (n) " more (see the API or the bundle's diff.json)" } } }
}

fn users(title: &str, id: &str, list: &[UserRef]) -> Markup {
    let (shown, rest) = cut(list);
    html! {
        @if !list.is_empty() {
            h3 { (title) " (" (list.len()) ")" }
            table id=(id) {
                thead { tr { th { "User ID" } th { "User name" } th { "Display name" } th { "Email" } } }
                tbody { @for u in shown { tr { td { code { (u.user_id) } } td { (opt(u.user_name.as_ref())) } td { (opt(u.display_name.as_ref())) } td { (opt(u.email.as_ref())) } } } }
            }
            (more(rest))
        }
    }
}

fn groups(title: &str, id: &str, list: &[GroupRef]) -> Markup {
    let (shown, rest) = cut(list);
    html! {
        @if !list.is_empty() {
            h3 { (title) " (" (list.len()) ")" }
            table id=(id) {
                thead { tr { th { "Group ID" } th { "Display name" } } }
                tbody { @for g in shown { tr { td { code { (g.group_id) } } td { (opt(g.display_name.as_ref())) } } } }
            }
            (more(rest))
        }
    }
}

fn memberships(title: &str, id: &str, list: &[MembershipRef]) -> Markup {
    let (shown, rest) = cut(list);
    html! {
        @if !list.is_empty() {
            h3 { (title) " (" (list.len()) ")" }
            table id=(id) {
                thead { tr { th { "Group" } th { "User" } th { "Membership ID" } } }
                tbody {
                    @for m in shown {
                        tr {
                            td { (m.group_name.clone().unwrap_or_else(|| m.group_id.clone())) }
                            td { (m.user_name.clone().unwrap_or_else(|| m.user_id.clone())) }
                            td { code { (m.membership_id) } }
                        }
                    }
                }
            }
            (more(rest))
        }
    }
}

fn render(d: &Diff) -> Markup {
    let s = &d.summary;
    let (changed, changed_rest) = cut(&d.users.changed);
    let (renamed, renamed_rest) = cut(&d.groups.renamed);
    html! {
        p #diff-summary {
            "Users: +" (s.users_added) " −" (s.users_removed) " ~" (s.users_changed)
            " · Groups: +" (s.groups_added) " −" (s.groups_removed) " renamed " (s.groups_renamed)
            " · Memberships: +" (s.memberships_added) " −" (s.memberships_removed)
        }
        @if d.is_empty() { p #no-change { "No change between these snapshots." } }
        (users("Users added", "users-added", &d.users.added))
        (users("Users removed", "users-removed", &d.users.removed))
        @if !d.users.changed.is_empty() {
            h3 { "Users changed (" (d.users.changed.len()) ")" }
            table #users-changed {
                thead { tr { th { "User" } th { "Field" } th { "Before" } th { "After" } } }
                tbody {
                    @for c in changed {
                        @for f in &c.fields {
                            tr { td { (c.user.user_name.clone().unwrap_or_else(|| c.user.user_id.clone())) } td { code { (f.field) } } td { (value(&f.before)) } td { (value(&f.after)) } }
                        }
                    }
                }
            }
            (more(changed_rest))
        }
        (groups("Groups added", "groups-added", &d.groups.added))
        (groups("Groups removed", "groups-removed", &d.groups.removed))
        @if !d.groups.renamed.is_empty() {
            h3 { "Groups renamed (" (d.groups.renamed.len()) ")" }
            table #groups-renamed {
                thead { tr { th { "Group ID" } th { "Before" } th { "After" } } }
                tbody { @for r in renamed { tr { td { code { (r.group_id) } } td { (opt(r.before.as_ref())) } td { (opt(r.after.as_ref())) } } } }
            }
            (more(renamed_rest))
        }
        (memberships("Memberships added", "memberships-added", &d.memberships.added))
        (memberships("Memberships removed", "memberships-removed", &d.memberships.removed))
    }
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    Path(sync): Path<String>,
    AppQuery(q): AppQuery<DiffQuery>,
) -> Result<Html<String>, WebError> {
    let (source, snapshot) = sync_snapshot(&state, &who, &sync).await?;
    let to = snapshot.sync_id.to_string();
    let diff = match evidence::diff(&state, &who, &source, q.from.as_deref(), Some(&to)).await {
        Ok(d) => Some(d),
        Err(WebError::Conflict(_)) if q.from.is_none() => None,
        Err(e) => return Err(e),
    };
    let body = html! {
        h1 { "Diff of sync #" (snapshot.sync_id) }
        p.meta { (source.name) " · " a href={ "/syncs?source=" (source.id) } { "all syncs" } " · "
            a href={ "/api/v1/sources/" (source.id) "/diff?to=" (snapshot.sync_id) } { "JSON" } }
        @match &diff {
            Some(d) => { p { "From sync #" (d.from_sync) " to sync #" (d.to_sync) "." } (render(d)) }
            None => { p #first-snapshot { "Sync #" (snapshot.sync_id) " is the first snapshot of this source: there is nothing earlier to compare it with." } }
        }
    };
    Ok(Html(
        page("Diff", &state, Some(&who), "/syncs", &body).into_string(),
    ))
}
