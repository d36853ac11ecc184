//! Extractors that answer every bad input in roster's error shape
//! (`{code, message}`): JSON bodies, forms and query strings
//! (`AppJson`/`AppForm`/`AppQuery`, axum's customize-extractor-error
//! pattern), the source named in the path (`TenantSource`), uploads read
//! as streams with a size limit (`upload`), and NUL bytes refused at the
//! edge — in any string of a body, form or query, and in the path.

mod source;
pub mod upload;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::de::DeserializeOwned;

pub use source::TenantSource;

use crate::error::WebError;

/// A framework rejection as a roster error: its status, one of roster's
/// codes, and axum's explanation (it names the input's fault, no internals).
pub(crate) fn rejected(status: StatusCode, code: &'static str, message: String) -> WebError {
    let code = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid-input",
        _ => code,
    };
    WebError::Rejected {
        status,
        code,
        message,
    }
}

/// 400 `invalid-input`: text with a NUL character.
pub fn nul_error() -> WebError {
    WebError::bad_request(
        "invalid-input",
        "the request contains a NUL character (\\u0000), which roster does not accept in any text",
    )
}

/// Whether URL-encoded text (a query or form body) decodes to a NUL: in
/// valid encoding `%` always starts an escape, so `%00` is exactly a NUL.
fn urlencoded_has_nul(raw: &[u8]) -> bool {
    raw.contains(&0) || raw.windows(3).any(|w| w == b"%00")
}

/// Whether a JSON text has a `\u0000` escape in a string (a raw NUL is not
/// valid JSON at all); an escaped backslash (`\\u0000`) is not one.
fn json_has_nul(raw: &[u8]) -> bool {
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' {
            if raw[i + 1..].starts_with(b"u0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(headers: &HeaderMap) -> bool {
    let ct = content_type(headers);
    ct == "application/json" || (ct.starts_with("application/") && ct.ends_with("+json"))
}

/// A JSON body; a missing content type is 415, bad JSON 400, JSON of the
/// wrong shape 422, a NUL in any string 400 — all in roster's error shape.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<T, S> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        if !is_json(req.headers()) {
            return Err(rejected(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the body as JSON (Content-Type: application/json)".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|r| rejected(r.status(), "invalid-body", r.body_text()))?;
        let Json(value) = Json::<T>::from_bytes(&bytes)
            .map_err(|r| rejected(r.status(), "invalid-json", r.body_text()))?;
        if json_has_nul(&bytes) {
            return Err(nul_error());
        }
        Ok(Self(value))
    }
}

/// A URL-encoded form body, with the same answers as [`AppJson`].
#[derive(Debug, Clone, Copy, Default)]
pub struct AppForm<T>(pub T);

impl<T, S> FromRequest<S> for AppForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|r| rejected(r.status(), "invalid-body", r.body_text()))?;
        // The query was checked for NUL by `reject_nul_in_uri`, before routing.
        if urlencoded_has_nul(&bytes) {
            return Err(nul_error());
        }
        let Form(value) =
            Form::<T>::from_request(Request::from_parts(parts, Body::from(bytes)), state)
                .await
                .map_err(|r| rejected(r.status(), "invalid-form", r.body_text()))?;
        Ok(Self(value))
    }
}

/// A query string, with the same answers as [`AppJson`] (NUL is refused
/// for every route by [`reject_nul_in_uri`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct AppQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for AppQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        // NUL in the query never gets here: `reject_nul_in_uri` answers 400 first.
        let Query(value) = Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|r| rejected(r.status(), "invalid-query", r.body_text()))?;
        Ok(Self(value))
    }
}

/// Refuses a request whose path or query decodes to a NUL (400), before
/// any route sees it: no store is ever asked about such an ID.
pub async fn reject_nul_in_uri(request: Request, next: Next) -> Response {
    let uri = request.uri();
    if urlencoded_has_nul(uri.path().as_bytes())
        || urlencoded_has_nul(uri.query().unwrap_or_default().as_bytes())
    {
        return nul_error().into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_escapes_are_found_and_escaped_backslashes_are_not() {
        assert!(json_has_nul(br#"{"name":"a\u0000b"}"#));
        assert!(!json_has_nul(br#"{"name":"a\\u0000b"}"#));
        assert!(json_has_nul(br#"{"name":"a\\\u0000b"}"#));
        assert!(!json_has_nul(br#"{"name":"a\u0001b"}"#));
        assert!(!json_has_nul(br#"{"name":"ends with \\"}"#));
        assert!(urlencoded_has_nul(b"name=a%00b"));
        assert!(!urlencoded_has_nul(b"name=a%2500b"));
    }
}
