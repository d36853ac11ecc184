//! Security headers on every response: a Content-Security-Policy that runs
//! only roster's own script (the console has no inline script or handler),
//! no framing (clickjacking), no MIME sniffing, no referrer (links and
//! tokens in URLs stay here), and `no-store` on everything but the static
//! assets — pages and API answers show tokens, invitation links and
//! External IDs, which must not linger in a cache. A response that set its
//! own CSP (the evidence report) keeps it.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The console's policy. Styles allow inline attributes (a few layout
/// tweaks in the markup); scripts come only from `/assets/app.js`.
pub const CONSOLE_CSP: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const FIXED: [(HeaderName, &str); 3] = [
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
];

pub async fn middleware(request: Request, next: Next) -> Response {
    let cacheable = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONSOLE_CSP),
        );
    }
    for (name, value) in FIXED {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !cacheable {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn headers_of(app: Router, path: &str) -> axum::http::HeaderMap {
        let request = Request::builder().uri(path).body(Body::empty()).unwrap();
        app.oneshot(request).await.unwrap().headers().clone()
    }

    fn app() -> Router {
        Router::new()
            .route("/tokens", get(|| async { "secret shown once" }))
            .route("/assets/app.js", get(|| async { "js" }))
            .route(
                "/report",
                get(|| async {
                    (
                        [(header::CONTENT_SECURITY_POLICY, "default-src 'none'")],
                        "r",
                    )
                }),
            )
            .layer(axum::middleware::from_fn(middleware))
    }

    #[tokio::test]
    async fn pages_get_every_header_and_no_store() {
        let h = headers_of(app(), "/tokens").await;
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], CONSOLE_CSP);
        assert!(CONSOLE_CSP.contains("frame-ancestors 'none'"));
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        let missing = headers_of(app(), "/nowhere").await;
        assert_eq!(missing[header::CACHE_CONTROL], "no-store");
        assert_eq!(missing[header::X_FRAME_OPTIONS], "DENY");
    }

    #[tokio::test]
    async fn assets_may_be_cached_and_the_report_keeps_its_policy() {
        let asset = headers_of(app(), "/assets/app.js").await;
        assert!(asset.get(header::CACHE_CONTROL).is_none());
        assert_eq!(asset[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let report = headers_of(app(), "/report").await;
        assert_eq!(
            report[header::CONTENT_SECURITY_POLICY],
            "default-src 'none'"
        );
    }
}
