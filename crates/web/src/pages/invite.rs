//! Accepting an invitation: the one-time link's page, where the invitee
//! sets a password once and is signed in. The form is guarded against login
//! CSRF like sign-in (`auth::login_csrf::INVITE`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::bare;
use crate::auth::login_csrf::INVITE;
use crate::auth::password;
use crate::error::WebError;
use crate::extract::AppForm;
use crate::service::invitations;
use crate::state::AppState;

fn accept_page(token: &str, email: &str, error: Option<&str>, csrf: &str) -> Markup {
    bare(
        "Accept invitation",
        &html! {
            div.signin {
                h1 { "Welcome to roster" }
                p { "Set a password for " strong { (email) } ". This link works once." }
                @if let Some(e) = error { p.error-box role="alert" { (e) } }
                form method="post" action={ "/invite/" (token) } {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="password" { "Password (at least " (password::MIN_LEN) " characters)" }
                    input #password type="password" name="password" required minlength=(password::MIN_LEN) autocomplete="new-password";
                    p { button type="submit" { "Set password and sign in" } }
                }
            }
        },
    )
}

fn with_cookie(state: &AppState, page: Markup, csrf: &str) -> Result<Response, WebError> {
    let mut r = Html(page.into_string()).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, INVITE.cookie(state, csrf)?);
    Ok(r)
}

#[tracing::instrument(skip_all)]
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let user = invitations::invited(&state, &token).await?;
    let csrf = INVITE.token(&headers);
    with_cookie(&state, accept_page(&token, &user.email, None, &csrf), &csrf)
}

#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    csrf: String,
    password: String,
}

#[tracing::instrument(skip_all)]
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    AppForm(f): AppForm<AcceptForm>,
) -> Result<Response, WebError> {
    INVITE.check(&headers, &f.csrf)?;
    let user = invitations::invited(&state, &token).await?;
    if let Err(e) = password::validate(&f.password) {
        let page = accept_page(&token, &user.email, Some(&e.to_string()), &f.csrf);
        return with_cookie(&state, page, &f.csrf);
    }
    let cookie = invitations::accept(&state, &user, &token, &f.password).await?;
    let mut r = Redirect::to(crate::auth::landing(&user)).into_response();
    r.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(r)
}
