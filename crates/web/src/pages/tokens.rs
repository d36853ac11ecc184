//! API tokens: create (shown once), list, revoke.

use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use maud::html;
use serde::Deserialize;

use super::layout::{code_block, csrf_field, page};
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppForm;
use crate::service::tokens;
use crate::state::AppState;

async fn render(
    state: &AppState,
    who: &Principal,
    created: Option<&str>,
) -> Result<Html<String>, WebError> {
    let tokens = tokens::list(state, who).await?;
    let body = html! {
        h1 { "API tokens" }
        p { "Use a token as " code { "Authorization: Bearer <token>" } " on " code { "/api/v1" } ". The API is described by " a href="/api/v1/openapi.json" { "its OpenAPI document" } "." }
        @if let Some(t) = created {
            div.success #new-token {
                p { strong { "Copy this token now; roster stores only its hash and cannot show it again." } }
                (code_block("token-value", t, None))
            }
        }
        @if who.is_admin() {
            form.filters method="post" action="/settings/tokens" {
                (csrf_field(who))
                div { label for="token-name" { "Name" } input #token-name type="text" name="name" required placeholder="CI export"; }
                div { button type="submit" { "Create token" } }
            }
        }
        table #tokens {
            thead { tr { th { "Name" } th { "Starts with" } th { "Created" } th { "Last used" } th { "" } } }
            tbody { @for t in &tokens { tr {
                td { (t.name) } td { code { (t.prefix) "…" } } td { (t.created_at) } td { (t.last_used_at.map(|t| t.to_string()).unwrap_or_default()) }
                td {
                    @if let Some(r) = &t.revoked_at { "revoked " (r) }
                    @else if who.is_admin() {
                        form method="post" action={ "/settings/tokens/" (t.id) "/revoke" } { (csrf_field(who)) button.secondary type="submit" { "Revoke" } }
                    }
                }
            } } }
        }
    };
    Ok(Html(
        page("API tokens", state, Some(who), "/settings/tokens", &body).into_string(),
    ))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn list(State(state): State<AppState>, who: Principal) -> Result<Html<String>, WebError> {
    render(&state, &who, None).await
}

#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    csrf: String,
    name: String,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn create(
    State(state): State<AppState>,
    who: Principal,
    AppForm(f): AppForm<CreateForm>,
) -> Result<Html<String>, WebError> {
    who.check_form(&f.csrf)?;
    let (_, secret) = tokens::issue(&state, &who, &f.name).await?;
    render(&state, &who, Some(&secret)).await
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf: String,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn revoke(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    AppForm(f): AppForm<RevokeForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    tokens::revoke(&state, &who, &id).await?;
    Ok(Redirect::to("/settings/tokens"))
}
