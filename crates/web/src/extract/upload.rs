//! Uploads read as streams with a size limit, after the caller is
//! authorized: a raw body (`body`), and the console's multipart forms,
//! whose CSRF token is checked before any file byte is read (`open`,
//! then `Authorized::read`).

use axum::body::Body;
use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::http::HeaderMap;
use futures::StreamExt;

use super::nul_error;
use crate::auth::Principal;
use crate::auth::principal::CSRF_HEADER;
use crate::error::WebError;

/// A text field of an upload form (the CSRF token, a public key): at most this many bytes.
const TEXT_LIMIT: usize = 4 * 1024;

/// 413 in roster's shape.
pub fn too_large(what: &str, limit: usize) -> WebError {
    WebError::Rejected {
        status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        code: "too-large",
        message: format!(
            "the {what} is larger than roster accepts ({} MiB)",
            limit / (1024 * 1024)
        ),
    }
}

fn bad(e: &dyn std::fmt::Display) -> WebError {
    WebError::bad_request("invalid-upload", e.to_string())
}

/// A request body, read chunk by chunk: 413 as soon as it passes `limit`.
pub async fn body(body: Body, what: &str, limit: usize) -> Result<Vec<u8>, WebError> {
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| bad(&e))?;
        if out.len() + chunk.len() > limit {
            return Err(too_large(what, limit));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

async fn field_bytes(mut field: Field<'_>, what: &str, limit: usize) -> Result<Vec<u8>, WebError> {
    let mut out = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| bad(&e))? {
        if out.len() + chunk.len() > limit {
            return Err(too_large(what, limit));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

async fn field_text(field: Field<'_>) -> Result<String, WebError> {
    let bytes = field_bytes(field, "form field", TEXT_LIMIT).await?;
    let text = String::from_utf8(bytes).map_err(|e| bad(&e))?;
    if text.contains('\0') {
        return Err(nul_error());
    }
    Ok(text)
}

/// An upload form's text fields and its file.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub public_key: Option<String>,
    /// The file's name and bytes, if one was sent.
    pub file: Option<(String, Vec<u8>)>,
}

/// A console upload form whose CSRF token has been checked; its file not read yet.
#[derive(Debug)]
pub struct Authorized(Multipart);

/// Opens a console upload form from `who`, whose role the caller has
/// already checked. The session's CSRF token comes in the `x-csrf-token`
/// header or as the form's first field (the console's forms put it first);
/// a wrong or missing token is 403 before anything else is read.
pub async fn open(
    who: &Principal,
    headers: &HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Authorized, WebError> {
    let header_token = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    if let Some(token) = header_token {
        who.check_csrf(token)?;
    }
    let mut form =
        form.map_err(|r| super::rejected(r.status(), "invalid-upload", r.body_text()))?;
    if header_token.is_none() {
        let first = form.next_field().await.map_err(|_| WebError::Csrf)?;
        let token = match first {
            Some(field) if field.name() == Some("csrf") => field_text(field).await?,
            _ => return Err(WebError::Csrf),
        };
        who.check_csrf(&token)?;
    }
    Ok(Authorized(form))
}

impl Authorized {
    /// Reads the rest of the form: its text fields, and its file in chunks,
    /// 413 as soon as the file passes `limit`.
    pub async fn read(self, what: &str, limit: usize) -> Result<UploadForm, WebError> {
        let mut form = self.0;
        let mut out = UploadForm::default();
        while let Some(field) = form.next_field().await.map_err(|e| bad(&e))? {
            match field.name() {
                Some("public_key") => out.public_key = Some(field_text(field).await?),
                Some("file") => {
                    let name = field.file_name().unwrap_or_default().to_owned();
                    out.file = Some((name, field_bytes(field, what, limit).await?));
                }
                _ => {
                    field_bytes(field, "form field", TEXT_LIMIT).await?;
                }
            }
        }
        Ok(out)
    }
}
