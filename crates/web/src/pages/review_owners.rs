//! Owners of a source's groups, accounts and permission sets: the
//! reviewers a campaign with the "owners" rule assigns. Admins set and
//! remove them; auditors read. Adapters over `service::reviews_owners`.

use axum::extract::State;
use axum::response::{Html, Redirect};
use maud::html;
use serde::Deserialize;

use super::layout::{csrf_field, page};
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::{AppForm, AppQuery};
use crate::service::reviews_owners::{self, OwnerInput};
use crate::service::sources;
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct OwnersQuery {
    #[serde(default)]
    source: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<OwnersQuery>,
) -> Result<Html<String>, WebError> {
    let source = sources::pick(&state, &who, q.source.as_deref()).await?;
    let owners = match &source {
        Some(s) => reviews_owners::list(&state, &who, s).await?,
        None => Vec::new(),
    };
    let body = html! {
        h1 { "Review owners" }
        p { "When a campaign assigns reviewers by owner, each item goes to the owner of its group (or of its account, then its permission set, for effective access); items without owner, and an owner's own access, go to the campaign's fallback reviewer. Owners are console users of this workspace (invite them on " a href="/settings/team" { "Team" } " with the reviewer role)." }
        @match &source {
            None => { p { "No source yet. " a href="/sources" { "Connect one" } "." } }
            Some(s) => {
                p.meta { "Source: " (s.name) " (" (s.id) ")" }
                @if who.is_admin() {
                    form.filters #owner-form method="post" action="/reviews/owners" {
                        (csrf_field(&who))
                        input type="hidden" name="source" value=(s.id);
                        div { label for="o-kind" { "Owns a" } select #o-kind name="kind" {
                            option value="group" selected { "group" } option value="account" { "account" } option value="permission_set" { "permission set" }
                        } }
                        div { label for="o-object" { "Group ID / account ID / permission set ARN" } input #o-object type="text" name="object_id" required maxlength="256"; }
                        div { label for="o-email" { "Owner's email (empty removes)" } input #o-email type="email" name="email" maxlength="254"; }
                        div { button type="submit" { "Save owner" } }
                    }
                }
                table #owners {
                    thead { tr { th { "Kind" } th { "Object" } th { "Owner" } } }
                    tbody { @for o in &owners { tr { td { (o.kind.as_str()) } td { code { (o.object_id) } } td { (o.email) } } } }
                }
                @if owners.is_empty() { p.meta { "No owner yet." } }
            }
        }
    };
    Ok(Html(
        page("Review owners", &state, Some(&who), "/reviews", &body).into_string(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct OwnerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    object_id: String,
    #[serde(default)]
    email: String,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn set(
    State(state): State<AppState>,
    who: Principal,
    AppForm(f): AppForm<OwnerForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    let source = sources::get(&state, &who, f.source.trim()).await?;
    let input = OwnerInput {
        kind: f.kind,
        object_id: f.object_id,
        email: Some(f.email),
    };
    reviews_owners::set(&state, &who, &source, &input).await?;
    Ok(Redirect::to(&format!(
        "/reviews/owners?source={}",
        source.id
    )))
}
