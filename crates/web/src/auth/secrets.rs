//! Random secrets (session IDs, CSRF and API tokens, one-time links) and
//! their SHA-256 hashes, the only form the store ever sees.

use std::fmt::Write as _;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use roster_core::{Clock, Timestamp};
use sha2::{Digest, Sha256};

/// 32 bytes from the OS CSPRNG, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn sha256_hex(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Compares two secrets without an early exit on the first differing byte.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The time `seconds` from now on `clock` (the store's, so tests can fix it).
pub fn timestamp_in(clock: &dyn Clock, seconds: i64) -> Timestamp {
    clock.now().plus_seconds(seconds)
}

/// Whether `base_url` is plain http on a loopback address (cookies cannot be `Secure` there).
pub fn is_loopback_http(base_url: &str) -> bool {
    let Some(rest) = base_url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(host, "localhost" | "127.0.0.1" | "[::1]") || host.starts_with("127.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_unique_and_url_safe() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }

    #[test]
    fn loopback_http_is_recognised() {
        assert!(is_loopback_http("http://127.0.0.1:8080"));
        assert!(is_loopback_http("http://localhost:3000/"));
        assert!(!is_loopback_http("https://127.0.0.1"));
        assert!(!is_loopback_http("http://roster.example.com"));
    }
}
