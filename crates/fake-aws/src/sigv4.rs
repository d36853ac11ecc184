//! AWS Signature Version 4 verification: parses the `Authorization` header,
//! rebuilds the canonical request and compares signatures. Pure; no state.

use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

use crate::util::hex;

/// RFC 3986 unreserved characters stay; everything else is `%XX`-encoded.
const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The parts of an `AWS4-HMAC-SHA256` `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

impl Authorization {
    pub fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// Parses `AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex`.
pub fn parse_authorization(header: &str) -> Option<Authorization> {
    let rest = header.trim().strip_prefix("AWS4-HMAC-SHA256")?.trim();
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k.trim() {
            "Credential" => credential = Some(v.trim()),
            "SignedHeaders" => signed = Some(v.trim()),
            "Signature" => signature = Some(v.trim()),
            _ => {}
        }
    }
    let mut cred = credential?.split('/');
    let access_key = cred.next()?.to_owned();
    let date = cred.next()?.to_owned();
    let region = cred.next()?.to_owned();
    let service = cred.next()?.to_owned();
    if cred.next()? != "aws4_request" || cred.next().is_some() {
        return None;
    }
    Some(Authorization {
        access_key,
        date,
        region,
        service,
        signed_headers: signed?.split(';').map(str::to_ascii_lowercase).collect(),
        signature: signature?.to_ascii_lowercase(),
    })
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// The request as `SigV4` sees it.
#[derive(Debug)]
pub struct RequestParts<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// All headers, names in any case; repeated names allowed.
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
}

fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/')
        .map(|seg| utf8_percent_encode(seg, STRICT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |s: &str| {
                percent_decode_str(&s.replace('+', "%20"))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (
                utf8_percent_encode(&dec(k), STRICT).to_string(),
                utf8_percent_encode(&dec(v), STRICT).to_string(),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn header_value(parts: &RequestParts<'_>, name: &str) -> String {
    parts
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(",")
}

/// Builds the canonical request string of `SigV4`.
pub fn canonical_request(parts: &RequestParts<'_>, signed_headers: &[String]) -> String {
    let headers = signed_headers.iter().fold(String::new(), |mut acc, h| {
        let _ = writeln!(acc, "{h}:{}", header_value(parts, h));
        acc
    });
    let declared = header_value(parts, "x-amz-content-sha256");
    let payload = if declared.is_empty() {
        sha256_hex(parts.body)
    } else {
        declared
    };
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        parts.method,
        canonical_uri(parts.path),
        canonical_query(parts.query),
        headers,
        signed_headers.join(";"),
        payload
    )
}

/// Computes the hex signature of `parts` for the given scope and secret.
pub fn signature(
    parts: &RequestParts<'_>,
    auth: &Authorization,
    amz_date: &str,
    secret: &str,
) -> String {
    let canonical = canonical_request(parts, &auth.signed_headers);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{}\n{}",
        auth.scope(),
        sha256_hex(canonical.as_bytes())
    );
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), auth.date.as_bytes());
    let k_region = hmac(&k_date, auth.region.as_bytes());
    let k_service = hmac(&k_region, auth.service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    hex(&hmac(&k_signing, to_sign.as_bytes()))
}

/// True when the request's signature was made with `secret`.
pub fn verify(
    parts: &RequestParts<'_>,
    auth: &Authorization,
    amz_date: &str,
    secret: &str,
) -> bool {
    let expected = signature(parts, auth, amz_date, secret);
    // Constant-time comparison.
    expected.len() == auth.signature.len()
        && expected
            .bytes()
            .zip(auth.signature.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vanilla() -> RequestParts<'static> {
        RequestParts {
            method: "GET",
            path: "/",
            query: "",
            headers: vec![
                ("Host".into(), "example.amazonaws.com".into()),
                ("X-Amz-Date".into(), "20150830T123600Z".into()),
            ],
            body: b"",
        }
    }

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    #[test]
    fn aws_get_vanilla_test_vector_verifies() {
        let auth = parse_authorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31").expect("parses");
        assert_eq!(auth.service, "service");
        let parts = vanilla();
        assert_eq!(
            canonical_request(&parts, &auth.signed_headers),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(verify(&parts, &auth, "20150830T123600Z", SECRET));
        assert!(!verify(&parts, &auth, "20150830T123600Z", "wrong-secret"));
    }

    #[test]
    fn aws_post_form_test_vector_verifies() {
        let auth = parse_authorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b").expect("parses");
        let parts = RequestParts {
            method: "POST",
            path: "/",
            query: "",
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("Host".into(), "example.amazonaws.com".into()),
                ("Content-Length".into(), "13".into()),
                ("X-Amz-Date".into(), "20150830T123600Z".into()),
                (
                    "x-amz-content-sha256".into(),
                    "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e".into(),
                ),
            ],
            body: b"Param1=value1",
        };
        assert!(verify(&parts, &auth, "20150830T123600Z", SECRET));
    }

    #[test]
    fn tampered_body_fails() {
        let auth = parse_authorization("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31").expect("parses");
        let mut parts = vanilla();
        parts.body = b"x";
        assert!(!verify(&parts, &auth, "20150830T123600Z", SECRET));
    }

    #[test]
    fn malformed_authorization_is_rejected() {
        assert!(parse_authorization("Basic abc").is_none());
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=AK/2015/us-east-1/sts, SignedHeaders=host, Signature=00").is_none());
    }
}
