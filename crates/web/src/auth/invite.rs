//! Invitations: an admin invites an email with a role; roster creates the
//! console user with an unusable password and a one-time link (valid 7 days)
//! on which the person sets a password once and is signed in. The link's
//! token is shown once; the store keeps its hash.

use axum::Form;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use roster_core::TenantId;
use roster_store::{ConsoleRole, NewConsoleUser, OneTimeLink, OneTimePurpose};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit;
use crate::auth::secrets::{random_token, sha256_hex, timestamp_in};
use crate::auth::{ApiWriter, password, session};
use crate::error::{ErrorBody, WebError};
use crate::pages::layout::bare;
use crate::state::AppState;

const LIFETIME_S: i64 = 7 * 24 * 3600;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewInvitation {
    pub email: String,
    /// admin or auditor.
    pub role: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Invitation {
    pub user_id: String,
    pub email: String,
    pub role: String,
    /// Path of the one-time link (append to roster's URL). Shown only now.
    pub link: String,
    pub expires_at: String,
}

/// Creates the invited user in `tenant` and its one-time link; `actor` is audited.
pub async fn invite(
    state: &AppState,
    tenant: &TenantId,
    actor: &str,
    body: &NewInvitation,
) -> Result<Invitation, WebError> {
    let email = body.email.trim().to_lowercase();
    if !email.contains('@') || email.len() > 254 {
        return Err(WebError::bad_request(
            "invalid-email",
            "enter an email address",
        ));
    }
    let role = ConsoleRole::parse(body.role.trim())
        .ok_or_else(|| WebError::bad_request("invalid-role", "role is admin or auditor"))?;
    if state.store.find_console_user(&email).await?.is_some() {
        return Err(WebError::Conflict(format!(
            "{email} already has an account"
        )));
    }
    let new = NewConsoleUser {
        id: format!("usr_{}", &sha256_hex(&random_token())[..16]),
        email,
        // Nobody knows this password: the invitee replaces it.
        password_hash: password::hash(&random_token())?,
        role,
    };
    let user = state.store.create_console_user(tenant, &new).await?;
    let token = random_token();
    let expires_at = timestamp_in(LIFETIME_S);
    let link = OneTimeLink {
        tenant_id: tenant.clone(),
        purpose: OneTimePurpose::Invite {
            user_id: user.id.clone(),
        },
    };
    state
        .store
        .create_one_time_link(&sha256_hex(&token), &link, &expires_at)
        .await?;
    tracing::info!(user = %user.id, role = role.as_str(), "invitation created");
    audit::record(
        state,
        tenant,
        actor,
        "user.invite",
        &user.id,
        json!({"email": user.email, "role": role.as_str()}),
    )
    .await;
    Ok(Invitation {
        user_id: user.id,
        email: user.email,
        role: role.as_str().to_owned(),
        link: format!("/invite/{token}"),
        expires_at,
    })
}

#[utoipa::path(post, path = "/api/v1/invitations", tag = "users", request_body = NewInvitation, responses((status = 201, body = Invitation), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    Json(body): Json<NewInvitation>,
) -> Result<(StatusCode, Json<Invitation>), WebError> {
    let inv = invite(&state, who.tenant(), &audit::actor(&who), &body).await?;
    Ok((StatusCode::CREATED, Json(inv)))
}

fn accept_page(token: &str, email: &str, error: Option<&str>) -> Markup {
    bare(
        "Accept invitation",
        &html! {
            div.signin {
                h1 { "Welcome to roster" }
                p { "Set a password for " strong { (email) } ". This link works once." }
                @if let Some(e) = error { p.error-box role="alert" { (e) } }
                form method="post" action={ "/invite/" (token) } {
                    label for="password" { "Password (at least " (password::MIN_LEN) " characters)" }
                    input #password type="password" name="password" required minlength=(password::MIN_LEN) autocomplete="new-password";
                    p { button type="submit" { "Set password and sign in" } }
                }
            }
        },
    )
}

fn gone() -> WebError {
    WebError::NotFound("invitation (already used or expired)".into())
}

/// The invited user behind an unused, unexpired link (does not consume it).
async fn invited(state: &AppState, token: &str) -> Result<roster_store::ConsoleUser, WebError> {
    let link = state
        .store
        .peek_one_time_link(&sha256_hex(token))
        .await?
        .ok_or_else(gone)?;
    let OneTimePurpose::Invite { user_id } = link.purpose else {
        return Err(gone());
    };
    let user = state.store.get_console_user(&user_id).await?;
    if user.tenant_id != link.tenant_id {
        return Err(gone());
    }
    Ok(user)
}

#[tracing::instrument(skip_all)]
pub async fn form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let user = invited(&state, &token).await?;
    Ok(Html(accept_page(&token, &user.email, None).into_string()))
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    password: String,
}

#[tracing::instrument(skip_all)]
pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(f): Form<AcceptForm>,
) -> Result<Response, WebError> {
    let user = invited(&state, &token).await?;
    if let Err(e) = password::validate(&f.password) {
        let page = accept_page(&token, &user.email, Some(&e.to_string()));
        return Ok(Html(page.into_string()).into_response());
    }
    let hash = password::hash(&f.password)?;
    // Consume first: of two concurrent submissions only one gets the link.
    state
        .store
        .take_one_time_link(&sha256_hex(&token))
        .await?
        .ok_or_else(gone)?;
    state
        .store
        .set_console_password(&user.tenant_id, &user.id, &hash)
        .await?;
    tracing::info!(user = %user.id, "invitation accepted");
    audit::record(
        &state,
        &user.tenant_id,
        &user.email,
        "user.accept-invite",
        &user.id,
        json!({"role": user.role.as_str()}),
    )
    .await;
    let cookie = session::start(&state, &user).await?;
    let mut r = Redirect::to("/sources").into_response();
    r.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(r)
}
