//! Authenticates a request: `SigV4` with the secret of the access key used,
//! session token match, clock skew and expiry of temporary keys.

use crate::errors::AuthFailure;
use crate::iam::store::IamPrincipal;
use crate::sigv4::{Authorization, RequestParts, verify};
use crate::util::{now_epoch, parse_amz_date};
use crate::world::World;

/// Maximum clock difference AWS accepts between client and server.
const MAX_SKEW_SECS: u64 = 15 * 60;

fn header<'a>(parts: &'a http::request::Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

pub fn authenticate(
    world: &World,
    parts: &http::request::Parts,
    body: &[u8],
    auth: Option<&Authorization>,
) -> Result<IamPrincipal, AuthFailure> {
    let auth = auth.ok_or(AuthFailure::Missing)?;
    let key = world
        .iam
        .lock()
        .expect("iam lock")
        .key(&auth.access_key)
        .cloned()
        .ok_or(AuthFailure::UnknownKey)?;
    let date = header(parts, "x-amz-date").ok_or(AuthFailure::BadSignature)?;
    let request = RequestParts {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    if !verify(&request, auth, date, &key.secret) {
        return Err(AuthFailure::BadSignature);
    }
    // The server's clock (shifted by `--clock-skew-seconds`) judges the
    // request time, as AWS's does; expiry of temporary keys stays on real time.
    let server_now = world.now();
    let signed_at = parse_amz_date(date).ok_or(AuthFailure::BadSignature)?;
    if signed_at.abs_diff(server_now) > MAX_SKEW_SECS {
        return Err(AuthFailure::Skewed {
            request: date.to_owned(),
            server: server_now,
            ahead: signed_at > server_now,
        });
    }
    let now = now_epoch();
    if key.session_token.as_deref() != header(parts, "x-amz-security-token") {
        return Err(AuthFailure::UnknownKey);
    }
    if key.expires_at.is_some_and(|e| e <= now) {
        return Err(AuthFailure::Expired);
    }
    Ok(key.principal)
}
