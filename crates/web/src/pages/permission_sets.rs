//! A permission set's page: its facts (name, description, session duration,
//! relay state), why it is privileged, its managed, customer managed and
//! boundary policies, the inline policy as indented JSON (escaped like all
//! text), the accounts it is provisioned to, and who holds it (keyset pages).

use axum::extract::{Path, State};
use axum::response::Html;
use maud::html;
use roster_store::AccessFilter;
use serde::Deserialize;

use super::access::{access_rows, next_link, permission_set_href};
use super::layout::page;
use super::users::urlencode;
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppQuery;
use crate::service::directory::PAGE;
use crate::service::{access, permission_sets};
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct PermissionSetQuery {
    #[serde(default)]
    source: Option<String>,
    /// Holders: the cursor of the last row seen.
    #[serde(default)]
    after: Option<String>,
}

fn hours(seconds: u64) -> String {
    if seconds.is_multiple_of(3_600) {
        format!("{} h", seconds / 3_600)
    } else {
        format!("{} min", seconds / 60)
    }
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    who: Principal,
    Path(key): Path<String>,
    AppQuery(q): AppQuery<PermissionSetQuery>,
) -> Result<Html<String>, WebError> {
    let source = access::pick(&state, &who, q.source.as_deref())
        .await?
        .ok_or_else(|| WebError::NotFound("source".into()))?;
    let snap = access::current(&state, &who, &source).await?;
    let d = permission_sets::get(&state, &who, &snap, &key).await?;
    let ps = &d.stored.facts.permission_set;
    let pol = &d.stored.facts.policies;
    let arn = ps.permission_set_arn.to_string();
    let filter = AccessFilter {
        permission_set: Some(arn.clone()),
        ..AccessFilter::default()
    };
    let (holders, after) =
        access::page(&state, &who, &snap, &filter, q.after.as_deref(), PAGE).await?;
    let base = permission_set_href(&source, ps.permission_set_arn.id());
    let body = html! {
        h1 { (ps.name) " " @if d.stored.privileged { span.tag.bad { "privileged" } } }
        p.meta { (source.name) " · access snapshot of sync #" (snap.sync_id) " · " a href={ "/access?source=" (source.id) "&view=permission-sets" } { "All permission sets" } }
        dl.kv #permission-set {
            dt { "ARN" } dd { (arn) }
            dt { "Description" } dd { (ps.description.clone().unwrap_or_default()) }
            dt { "Session duration" } dd {
                @match (&ps.session_duration, ps.session_seconds()) {
                    (None, _) => "PT1H (AWS's default, 1 h)",
                    (Some(t), Ok(s)) => { (t) " (" (hours(s)) ")" },
                    (Some(t), Err(_)) => { (t) " (unreadable)" },
                }
            }
            dt { "Relay state" } dd { (ps.relay_state.clone().unwrap_or_default()) }
            dt { "Created" } dd { (ps.created_date.clone().unwrap_or_default()) }
        }
        h2 { "Privileged" }
        @if d.reasons.is_empty() {
            @if d.stored.privileged {
                p #privileged-reasons { "Privileged by the settings when sync #" (snap.sync_id) " ran; the current settings no longer say so." }
            } @else { p #privileged-reasons.meta { "No: no AdministratorAccess, no inline \"*\" on \"*\", no privileged name pattern matches." } }
        } @else {
            ul #privileged-reasons { @for r in &d.reasons { li { (r.describe()) } } }
        }
        h2 { "Policies" }
        h3 { "AWS managed (" (pol.managed_policies.len()) ")" }
        @if pol.managed_policies.is_empty() { p.meta { "none" } } @else {
            ul #managed-policies { @for m in &pol.managed_policies { li { (m.name) " " span.meta { code { (m.arn) } } } } }
        }
        h3 { "Customer managed (" (pol.customer_managed_policy_references.len()) ")" }
        @if pol.customer_managed_policy_references.is_empty() { p.meta { "none" } } @else {
            ul #customer-managed-policies { @for c in &pol.customer_managed_policy_references { li { code { (c.path.as_deref().unwrap_or("/")) (c.name) } } } }
        }
        h3 { "Permissions boundary" }
        @match &pol.permissions_boundary {
            None => p #boundary.meta { "none" },
            Some(b) => p #boundary {
                @if let Some(m) = &b.managed_policy_arn { "AWS managed " code { (m) } }
                @if let Some(c) = &b.customer_managed_policy_reference { "customer managed " code { (c.path.as_deref().unwrap_or("/")) (c.name) } }
            },
        }
        h3 { "Inline policy" }
        @match &d.inline_formatted {
            None => p.meta { "none" },
            Some(text) => pre.code #inline-policy { (text) },
        }
        h2 { "Provisioned to (" (d.accounts.len()) " accounts)" }
        @if d.accounts.is_empty() { p.meta { "not provisioned to any account" } } @else {
            table #provisioned-accounts {
                thead { tr { th { "Account" } th { "Name" } th {} } }
                tbody { @for a in &d.accounts { tr {
                    td { code { (a.id) } }
                    td { (a.name.clone().unwrap_or_default()) }
                    td { a href={ "/access?source=" (source.id) "&account=" (a.id) "&permission_set=" (urlencode(&arn)) } { "Who holds it here →" } }
                } } }
            }
        }
        h2 #holders { "Who holds it" }
        (access_rows(&source, &holders, true, true))
        @if holders.is_empty() { p.meta { "No one holds it." } }
        (next_link(&base, after.as_deref()))
    };
    Ok(Html(
        page("Permission set", &state, Some(&who), "/access", &body).into_string(),
    ))
}
