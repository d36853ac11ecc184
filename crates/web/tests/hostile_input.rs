//! Hostile input at the edge, without a socket: malformed bodies, forms and
//! queries answer in roster's error shape; a NUL anywhere (JSON, form,
//! query, path) is 400 before any store is asked; accepting an invitation
//! needs its form's own token; an upload is authorized before its body is
//! read, and read with a limit.

#![allow(clippy::unwrap_used)]

mod support;

use std::convert::Infallible;
use std::task::Poll;

use axum::body::{Body, Bytes};
use axum::http::{Request, Response, StatusCode, header};
use support::{App, Session, Who, app, send, text};
use tower::ServiceExt;

/// A raw request as the API's bearer token, with a content type and body.
async fn api(a: &App, method: &str, path: &str, content_type: &str, body: &str) -> Response<Body> {
    let r = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", a.token))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_owned()))
        .unwrap();
    a.router.clone().oneshot(r).await.unwrap()
}

/// `{code, message}` of an API error, after checking its status.
async fn error_of(r: Response<Body>, status: StatusCode) -> (String, String) {
    assert_eq!(r.status(), status);
    let body = text(r).await;
    let v: serde_json::Value =
        serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body}"));
    (
        v["code"].as_str().unwrap().to_owned(),
        v["message"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn malformed_json_answers_in_rosters_error_shape() {
    let a = app().await;
    let json = "application/json";
    let cases = [
        (json, r#"{"name":"#, StatusCode::BAD_REQUEST, "invalid-json"),
        (
            "text/plain",
            r#"{"name":"ci"}"#,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
        ),
        (
            json,
            r#"{"nom":"ci"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-input",
        ),
        (
            json,
            r#"{"name":42}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-input",
        ),
    ];
    for (content_type, body, status, code) in cases {
        let r = api(&a, "POST", "/api/v1/tokens", content_type, body).await;
        let (got, message) = error_of(r, status).await;
        assert_eq!(got, code, "{body}");
        assert!(!message.is_empty());
    }
    // The same for a PUT with a source in the path.
    let r = api(
        &a,
        "PUT",
        &format!("/api/v1/sources/{}/schedule", a.source),
        json,
        "[",
    )
    .await;
    assert_eq!(error_of(r, StatusCode::BAD_REQUEST).await.0, "invalid-json");
}

#[tokio::test]
async fn malformed_queries_and_forms_answer_in_rosters_error_shape() {
    let a = app().await;
    let r = send(
        &a,
        "GET",
        "/api/v1/audit?before=yesterday",
        Who::Bearer(&a.token),
        None,
        None,
    )
    .await;
    assert_eq!(
        error_of(r, StatusCode::BAD_REQUEST).await.0,
        "invalid-query"
    );
    let r = send(
        &a,
        "GET",
        &format!("/api/v1/sources/{}/users?limit=-1", a.source),
        Who::Bearer(&a.token),
        None,
        None,
    )
    .await;
    assert_eq!(
        error_of(r, StatusCode::BAD_REQUEST).await.0,
        "invalid-query"
    );
    // A console form without a required field: roster's error page, not axum's text.
    let r = send(
        &a,
        "POST",
        "/settings/tokens",
        Who::Session(&a.admin),
        Some("label=ci"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(r).await.contains("Back to Sources"),
        "the console's error page"
    );
}

#[tokio::test]
async fn a_nul_in_json_form_query_or_path_is_refused_with_400() {
    let a = app().await;
    let s = &a.source;
    let json = [
        (
            "POST",
            "/api/v1/tokens".to_owned(),
            r#"{"name":"ci\u0000"}"#,
        ),
        (
            "POST",
            "/api/v1/sources".to_owned(),
            r#"{"kind":"aws-identity-store","name":"a\u0000b"}"#,
        ),
        (
            "POST",
            "/api/v1/invitations".to_owned(),
            r#"{"email":"x\u0000@a.test","role":"auditor"}"#,
        ),
        (
            "PUT",
            format!("/api/v1/sources/{s}/check-settings"),
            r#"{"exemptions":["\u0000"],"freshness_hours":24}"#,
        ),
    ];
    for (method, path, body) in json {
        let r = api(&a, method, &path, "application/json", body).await;
        assert_eq!(
            error_of(r, StatusCode::BAD_REQUEST).await.0,
            "invalid-input",
            "{path}"
        );
    }
    // An escaped backslash before "u0000" is no NUL.
    let r = api(
        &a,
        "POST",
        "/api/v1/tokens",
        "application/json",
        r#"{"name":"ci\\u0000"}"#,
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    for (path, form) in [
        ("/settings/tokens".to_owned(), "name=ci%00"),
        (
            "/settings/team".to_owned(),
            "email=x%00%40a.test&role=auditor",
        ),
        (format!("/sources/{s}/interval"), "hours=12%00"),
    ] {
        let r = send(&a, "POST", &path, Who::Session(&a.admin), Some(form), None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
    }
    for path in [
        format!("/api/v1/sources/{s}/users?q=a%00"),
        format!("/api/v1/sources/{s}/users?after=u-%00"),
        format!("/api/v1/sources/{s}/users?group=g%00"),
        "/api/v1/role-arn/validate?arn=%00".to_owned(),
        format!("/users?source={s}&q=%00"),
        format!("/api/v1/sources/{s}%00"),
        format!("/api/v1/sources/{s}/users/u-0000%00"),
        "/api/v1/tokens/tok_1%00".to_owned(),
        format!("/sources/{s}%00"),
    ] {
        let r = send(&a, "GET", &path, Who::Bearer(&a.token), None, None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
        assert!(text(r).await.contains("invalid-input"), "{path}");
    }
}

/// An invitation link for a new auditor of the default tenant.
async fn invitation(a: &App) -> String {
    let r = send(
        a,
        "POST",
        "/api/v1/invitations",
        Who::Bearer(&a.token),
        None,
        Some(r#"{"email":"invitee@a.test","role":"auditor"}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    v["link"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn accepting_an_invitation_needs_the_forms_own_token() {
    let a = app().await;
    let link = invitation(&a).await;
    let page = send(&a, "GET", &link, Who::Anonymous, None, None).await;
    let cookie = page.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("roster_invite=")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let token = cookie["roster_invite=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        text(page).await.contains(&token),
        "the form carries the cookie's token"
    );

    // A cross-site post: the password only, no cookie, no token.
    let forged = send(
        &a,
        "POST",
        &link,
        Who::Anonymous,
        Some("password=attacker-chosen-password"),
        None,
    )
    .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        forged.headers().get(header::SET_COOKIE).is_none(),
        "nobody is signed in"
    );
    // The token without its cookie is refused too.
    let half = send(
        &a,
        "POST",
        &link,
        Who::Anonymous,
        Some(&format!("csrf={token}&password=attacker-chosen-password")),
        None,
    )
    .await;
    assert_eq!(half.status(), StatusCode::FORBIDDEN);
    // The invitee's own browser (cookie and form) still accepts it.
    let ok = send(
        &a,
        "POST",
        &link,
        Who::InviteForm,
        Some("password=the-invitees-own-password"),
        None,
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
}

const BOUNDARY: &str = "hostileBoundary";

/// What the rest of an upload's body does after its first chunk.
#[derive(Debug, Clone, Copy)]
enum Rest {
    /// Fails the test if anything polls it: the body must not be touched.
    Untouchable,
    /// Never arrives (a slow 200 MB upload): whoever waits for it hangs.
    Stalled,
}

/// A multipart body: `first` as its first chunk, then `rest`.
fn upload_body(first: String, rest: Rest) -> Body {
    let head = futures::stream::iter([Ok::<_, Infallible>(Bytes::from(first))]);
    let tail = futures::stream::poll_fn(move |_| -> Poll<Option<Result<Bytes, Infallible>>> {
        match rest {
            Rest::Untouchable => panic!("the upload's body was read before authorization"),
            Rest::Stalled => Poll::Pending,
        }
    });
    Body::from_stream(futures::StreamExt::chain(head, tail))
}

/// Posts the upload; the answer must come without the rest of the body.
async fn post_upload(
    a: &App,
    path: &str,
    who: &Session,
    first: String,
    rest: Rest,
) -> Response<Body> {
    let r = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::COOKIE, format!("roster_session={}", who.cookie))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::CONTENT_LENGTH, "209715200")
        .body(upload_body(first, rest))
        .unwrap();
    let answer = a.router.clone().oneshot(r);
    tokio::time::timeout(std::time::Duration::from_secs(5), answer)
        .await
        .expect("answered without waiting for the rest of the body")
        .unwrap()
}

fn file_head() -> String {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.zip\"\r\nContent-Type: application/zip\r\n\r\nPK"
    )
}

#[tokio::test]
async fn an_auditors_upload_with_a_bad_token_is_refused_before_its_body_is_read() {
    let a = app().await;
    // Verify: any role may, so the token (the form's first field) decides;
    // only what arrived with it is read.
    let wrong = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nnot-the-token\r\n{}",
        file_head()
    );
    let r = post_upload(&a, "/evidence/verify", &a.auditor, wrong, Rest::Stalled).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // No token first: the file is not read to look for one.
    let r = post_upload(
        &a,
        "/evidence/verify",
        &a.auditor,
        file_head(),
        Rest::Stalled,
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The HR roster: only admins, so an auditor is refused before a byte is read.
    let right = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n{}",
        a.auditor.csrf,
        file_head()
    );
    let path = format!("/sources/{}/checks/hr-roster", a.source);
    let r = post_upload(&a, &path, &a.auditor, right, Rest::Untouchable).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_upload_over_its_limit_is_413_in_rosters_shape() {
    let a = app().await;
    // 65 MiB of CSV, streamed in 1 MiB chunks (one buffer, shared).
    let chunk = Bytes::from(vec![b'a'; 1024 * 1024]);
    let chunks = futures::stream::iter((0..65).map(move |_| Ok::<_, Infallible>(chunk.clone())));
    let r = Request::builder()
        .method("PUT")
        .uri(format!("/api/v1/sources/{}/hr-roster", a.source))
        .header(header::AUTHORIZATION, format!("Bearer {}", a.token))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from_stream(chunks))
        .unwrap();
    let r = a.router.clone().oneshot(r).await.unwrap();
    assert_eq!(
        error_of(r, StatusCode::PAYLOAD_TOO_LARGE).await.0,
        "too-large"
    );
}

#[tokio::test]
async fn a_source_name_is_checked_before_it_is_stored() {
    let a = app().await;
    let json = "application/json";
    let long = format!(
        r#"{{"kind":"aws-identity-store","name":"{}"}}"#,
        "n".repeat(129)
    );
    let r = api(&a, "POST", "/api/v1/sources", json, &long).await;
    assert_eq!(error_of(r, StatusCode::BAD_REQUEST).await.0, "invalid-name");
    let tab = r#"{"kind":"aws-identity-store","name":"a\tb"}"#;
    let r = api(&a, "POST", "/api/v1/sources", json, tab).await;
    assert_eq!(error_of(r, StatusCode::BAD_REQUEST).await.0, "invalid-name");
    let ok = format!(
        r#"{{"kind":"aws-identity-store","name":"{}"}}"#,
        "n".repeat(128)
    );
    assert_eq!(
        api(&a, "POST", "/api/v1/sources", json, &ok).await.status(),
        StatusCode::CREATED
    );
    // Over the body limit: 413, still in roster's shape.
    let huge = format!(
        r#"{{"kind":"aws-identity-store","name":"{}"}}"#,
        "n".repeat(3_000_000)
    );
    let r = api(&a, "POST", "/api/v1/sources", json, &huge).await;
    assert_eq!(
        error_of(r, StatusCode::PAYLOAD_TOO_LARGE).await.0,
        "too-large"
    );
}
