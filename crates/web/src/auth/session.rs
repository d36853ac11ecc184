//! Session cookies: `roster_session`, `HttpOnly`, `SameSite=Lax`, `Secure` unless
//! roster runs on plain http on loopback. The store keeps only its hash.

use axum::http::{HeaderMap, HeaderValue, header};
use roster_store::ConsoleUser;

use crate::auth::secrets::{random_token, sha256_hex, timestamp_in};
use crate::error::WebError;
use crate::state::AppState;

pub const COOKIE: &str = "roster_session";
const LIFETIME_S: i64 = 12 * 3600;

pub fn cookie_value(headers: &HeaderMap) -> Option<String> {
    named_cookie(headers, COOKIE)
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn named_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Starts a session for `user`; returns the `Set-Cookie` header value.
pub async fn start(state: &AppState, user: &ConsoleUser) -> Result<HeaderValue, WebError> {
    let id = random_token();
    let csrf = random_token();
    state
        .store
        .create_session(
            &sha256_hex(&id),
            user,
            &csrf,
            timestamp_in(state.store.clock(), LIFETIME_S),
        )
        .await?;
    tracing::info!(user = %user.id, tenant = %user.tenant_id, "signed in");
    set_cookie(
        state,
        &format!("{COOKIE}={id}; Path=/; SameSite=Lax; Max-Age={LIFETIME_S}"),
    )
}

/// A `Set-Cookie` value for `cookie` (name, value, path, `SameSite`, age),
/// made `HttpOnly`, and `Secure` unless roster runs on plain http on loopback.
pub fn set_cookie(state: &AppState, cookie: &str) -> Result<HeaderValue, WebError> {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{cookie}; HttpOnly{secure}"))
        .map_err(|e| WebError::Internal(e.to_string()))
}

/// Ends the session in `headers`; returns the `Set-Cookie` that clears it.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<HeaderValue, WebError> {
    if let Some(id) = cookie_value(headers) {
        state.store.delete_session(&sha256_hex(&id)).await?;
    }
    Ok(HeaderValue::from_static(
        "roster_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
    ))
}
