//! The team: who can sign in to this tenant's console, and invitations by
//! one-time link (admins only; the link is shown once, the store keeps its hash).

use axum::extract::State;
use axum::response::Html;
use maud::html;
use serde::Deserialize;

use super::layout::{code_block, csrf_field, page};
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppForm;
use crate::service::invitations::{Invitation, NewInvitation, invite};
use crate::state::AppState;

async fn render(
    state: &AppState,
    who: &Principal,
    invited: Option<&Invitation>,
) -> Result<Html<String>, WebError> {
    let users = state.store.list_console_users(who.tenant()).await?;
    let body = html! {
        h1 { "Team" }
        p { "Admins change settings, connections and tokens; auditors see everything and change nothing; reviewers see only the access-review items assigned to them." }
        @if let Some(inv) = invited {
            div.success #invitation {
                p { strong { "Send this one-time link to " (inv.email) "." } " It works once, until " (inv.expires_at) "; roster cannot show it again." }
                (code_block("invitation-link", &inv.link, None))
                p.muted { "The path above follows this console's address, e.g. https://roster.example.com" (inv.link) "." }
            }
        }
        @if who.is_admin() {
            form.filters #invite method="post" action="/settings/team" {
                (csrf_field(who))
                div { label for="invite-email" { "Email" } input #invite-email type="email" name="email" required maxlength="254" placeholder="auditor@example.com"; }
                div {
                    label for="invite-role" { "Role" }
                    select #invite-role name="role" {
                        option value="auditor" selected { "auditor (read-only)" }
                        option value="reviewer" { "reviewer (own review items only)" }
                        option value="admin" { "admin" }
                    }
                }
                div { button type="submit" { "Invite" } }
            }
        }
        table #team {
            thead { tr { th { "Email" } th { "Role" } th { "Since" } } }
            tbody { @for u in &users { tr {
                td { (u.email) } td { (u.role.as_str()) } td { (u.created_at) }
            } } }
        }
    };
    Ok(Html(
        page("Team", state, Some(who), "/settings/team", &body).into_string(),
    ))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn list(State(state): State<AppState>, who: Principal) -> Result<Html<String>, WebError> {
    render(&state, &who, None).await
}

#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn create(
    State(state): State<AppState>,
    who: Principal,
    AppForm(f): AppForm<InviteForm>,
) -> Result<Html<String>, WebError> {
    who.check_form(&f.csrf)?;
    let body = NewInvitation {
        email: f.email,
        role: f.role,
    };
    let inv = invite(&state, who.tenant(), &crate::audit::actor(&who), &body).await?;
    render(&state, &who, Some(&inv)).await
}
