//! Sign in, sign out, the first admin's one-time setup page, and one-time
//! sign-in links (the demo's printed link).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use roster_store::{ConsoleRole, NewConsoleUser, OneTimePurpose};
use serde::Deserialize;
use serde_json::json;

use super::layout::bare;
use crate::audit;
use crate::auth::login_csrf::SIGNIN;
use crate::auth::secrets::{random_token, sha256_hex};
use crate::auth::{AnyRole, password, session};
use crate::error::WebError;
use crate::extract::AppForm;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf: String,
    email: String,
    password: String,
}

/// The sign-in form's CSRF token, submitted twice: in a cookie scoped to
/// `/signin` and in the form (`login_csrf::SIGNIN`, shared with the
/// invitation form). A cross-site post can set neither, so nobody can sign
/// a browser in to an account of theirs (login CSRF).
fn signin_cookie(state: &AppState, token: &str) -> Result<HeaderValue, WebError> {
    SIGNIN.cookie(state, token)
}

fn signin_page(error: Option<&str>, first_start: bool, csrf: &str) -> Markup {
    bare(
        "Sign in",
        &html! {
            div.signin {
                h1 { "Sign in to roster" }
                @if first_start {
                    p.banner.warn { "roster has no users yet. Open the one-time setup link that " code { "roster serve" } " printed when it started to create the first admin." }
                }
                @if let Some(e) = error { p.error-box role="alert" { (e) } }
                form method="post" action="/signin" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="email" { "Email" }
                    input #email type="email" name="email" required autocomplete="username";
                    label for="password" { "Password" }
                    input #password type="password" name="password" required autocomplete="current-password";
                    p { button type="submit" { "Sign in" } }
                }
            }
        },
    )
}

#[tracing::instrument(skip_all)]
pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let first = state.store.console_user_count().await? == 0;
    let token = SIGNIN.token(&headers);
    let mut r = Html(signin_page(None, first, &token).into_string()).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, signin_cookie(&state, &token)?);
    Ok(r)
}

fn signed_in(cookie: axum::http::HeaderValue, to: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    r.headers_mut().insert(header::SET_COOKIE, cookie);
    r
}

/// Accounts one email may have across tenants that sign-in considers (the
/// oldest). Every sign-in spends exactly this many Argon2 checks, so its
/// time says nothing about how many tenants know an address.
pub const MAX_ACCOUNTS_PER_EMAIL: u32 = 3;

/// Whether `email` is worth looking up: an address with a control character
/// or over the length limit cannot be an account's (and would only trouble
/// the database).
fn lookup_worthy(email: &str) -> bool {
    !email.is_empty()
        && email.len() <= roster_core::EmailAddress::MAX_LEN
        && !email.chars().any(char::is_control)
}

/// Sign-in posts carry no session yet: the form's own token (see
/// `login_csrf::SIGNIN`) and the per-account rate limit guard them. The attempt
/// is counted before the password is checked (concurrent guesses cannot
/// slip past the limit) and forgiven on success. An email may have an
/// account in several tenants: the oldest whose password matches signs in.
#[tracing::instrument(skip_all)]
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppForm(f): AppForm<SignInForm>,
) -> Result<Response, WebError> {
    SIGNIN.check(&headers, &f.csrf)?;
    let token = f.csrf.clone();
    let key = f.email.trim().to_lowercase();
    let Some(attempt) = state.limiter.reserve(&key) else {
        return Err(WebError::RateLimited);
    };
    let found = if lookup_worthy(&key) {
        state
            .store
            .find_console_users(&key, MAX_ACCOUNTS_PER_EMAIL)
            .await?
    } else {
        Vec::new()
    };
    let matched = if f.password.len() > password::MAX_LEN {
        None
    } else {
        let hashes = found.iter().map(|c| c.password_hash.clone()).collect();
        let checks = MAX_ACCOUNTS_PER_EMAIL as usize;
        password::first_match(&f.password, hashes, checks).await?
    };
    if let Some(c) = matched.and_then(|i| found.get(i)) {
        attempt.succeeded();
        audit::record(
            &state,
            &c.user.tenant_id,
            &c.user.email,
            "console.signin",
            &c.user.id,
            json!({"via": "password"}),
        )
        .await;
        return Ok(signed_in(
            session::start(&state, &c.user).await?,
            crate::auth::landing(&c.user),
        ));
    }
    // Each tenant's log shows the failure against its own account only.
    for c in &found {
        audit::record(
            &state,
            &c.user.tenant_id,
            &c.user.email,
            "console.signin-failed",
            &c.user.id,
            json!({}),
        )
        .await;
    }
    drop(attempt);
    tracing::info!("sign-in failed");
    let page = signin_page(Some("Wrong email or password."), false, &token);
    Ok((
        axum::http::StatusCode::UNAUTHORIZED,
        Html(page.into_string()),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

#[tracing::instrument(skip_all)]
pub async fn signout(
    State(state): State<AppState>,
    AnyRole(who): AnyRole,
    headers: HeaderMap,
    AppForm(f): AppForm<CsrfOnly>,
) -> Result<Response, WebError> {
    if !crate::auth::secrets::constant_time_eq(who.csrf_token(), &f.csrf) {
        return Err(WebError::Csrf);
    }
    let clear = session::end(&state, &headers).await?;
    Ok(signed_in(clear, "/signin"))
}

fn setup_page(token: &str, error: Option<&str>) -> Markup {
    bare(
        "Create the first admin",
        &html! {
            div.signin {
                h1 { "Create roster's first admin" }
                p { "This one-time link creates the administrator of this roster installation." }
                @if let Some(e) = error { p.error-box role="alert" { (e) } }
                form method="post" action={ "/setup/" (token) } {
                    label for="email" { "Email" }
                    input #email type="email" name="email" required;
                    label for="password" { "Password (at least " (password::MIN_LEN) " characters)" }
                    input #password type="password" name="password" required minlength=(password::MIN_LEN);
                    p { button type="submit" { "Create admin and sign in" } }
                }
            }
        },
    )
}

async fn setup_link_valid(state: &AppState, token: &str) -> Result<bool, WebError> {
    Ok(matches!(
        state.store.peek_one_time_link(&sha256_hex(token)).await?,
        Some(l) if l.purpose == OneTimePurpose::Setup
    ))
}

#[tracing::instrument(skip_all)]
pub async fn setup_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    if !setup_link_valid(&state, &token).await? {
        return Err(WebError::NotFound(
            "setup link (already used or expired)".into(),
        ));
    }
    Ok(Html(setup_page(&token, None).into_string()))
}

#[tracing::instrument(skip_all)]
pub async fn setup_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    AppForm(f): AppForm<SignInForm>,
) -> Result<Response, WebError> {
    if !setup_link_valid(&state, &token).await? {
        return Err(WebError::NotFound(
            "setup link (already used or expired)".into(),
        ));
    }
    let email = match roster_core::EmailAddress::parse(&f.email) {
        Ok(email) => email.into_string(),
        Err(e) => {
            let page = setup_page(
                &token,
                Some(&format!("Enter an email address ({}).", e.reason)),
            );
            return Ok(Html(page.into_string()).into_response());
        }
    };
    if let Err(e) = password::validate(&f.password) {
        return Ok(Html(setup_page(&token, Some(&e.to_string())).into_string()).into_response());
    }
    let hash = password::hash(&f.password).await?;
    let link = state
        .store
        .take_one_time_link(&sha256_hex(&token))
        .await?
        .ok_or_else(|| WebError::NotFound("setup link (already used or expired)".into()))?;
    let new = NewConsoleUser {
        id: format!("usr_{}", &sha256_hex(&random_token())[..16]),
        email,
        password_hash: hash,
        role: ConsoleRole::Admin,
    };
    let user = state
        .store
        .create_console_user(&link.tenant_id, &new)
        .await?;
    tracing::info!(user = %user.id, "first admin created");
    audit::record(
        &state,
        &user.tenant_id,
        &user.email,
        "console.setup",
        &user.id,
        json!({"role": "admin"}),
    )
    .await;
    audit::record(
        &state,
        &user.tenant_id,
        &user.email,
        "console.signin",
        &user.id,
        json!({"via": "one-time link"}),
    )
    .await;
    Ok(signed_in(
        session::start(&state, &user).await?,
        crate::auth::landing(&user),
    ))
}

#[tracing::instrument(skip_all)]
pub async fn link(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let gone = || WebError::NotFound("sign-in link (already used or expired)".into());
    // Look before consuming: an invitation or setup token opened here must
    // stay usable for its own page.
    let hash = sha256_hex(&token);
    let peeked = state.store.peek_one_time_link(&hash).await?;
    if !matches!(&peeked, Some(l) if matches!(l.purpose, OneTimePurpose::SignIn { .. })) {
        return Err(gone());
    }
    let link = state
        .store
        .take_one_time_link(&hash)
        .await?
        .ok_or_else(gone)?;
    let OneTimePurpose::SignIn { user_id } = link.purpose else {
        return Err(gone());
    };
    let user = state.store.get_console_user(&user_id).await?;
    if user.tenant_id != link.tenant_id {
        return Err(WebError::NotFound("sign-in link".into()));
    }
    Ok(signed_in(
        session::start(&state, &user).await?,
        crate::auth::landing(&user),
    ))
}
