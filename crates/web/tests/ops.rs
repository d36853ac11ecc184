//! Operations endpoints, request IDs, invitations and the instance-admin API,
//! through the router without a socket.

#![allow(clippy::unwrap_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use roster_web::{AppState, Ops};
use support::{Who, app, send, text};
use tower::ServiceExt;

fn router_with(app: &support::App, ops: Ops) -> axum::Router {
    roster_web::router(AppState::new(app.store.clone(), None, None).with_ops(ops))
}

async fn get(router: &axum::Router, path: &str, bearer: Option<&str>) -> axum::response::Response {
    let mut b = Request::builder().uri(path);
    if let Some(t) = bearer {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    router
        .clone()
        .oneshot(b.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let a = app().await;
    let ops = Ops {
        metrics_token: Some("m-token".into()),
        ..Ops::default()
    };
    let router = router_with(&a, ops);
    assert_eq!(
        get(&router, "/healthz", None).await.status(),
        StatusCode::OK
    );
    assert_eq!(get(&router, "/readyz", None).await.status(), StatusCode::OK);
    assert_eq!(
        get(&router, "/metrics", None).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&router, "/metrics", Some("wrong")).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = get(&router, "/metrics", Some("m-token")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = text(r).await;
    for metric in [
        "roster_syncs_total",
        "roster_aws_api_calls_total{operation=\"ListUsers\",outcome=\"ok\"}",
        "roster_aws_throttles_total",
        "roster_job_duration_seconds_count",
        "roster_queue_depth 0",
        "roster_http_responses_total{method=\"GET\",status=\"200\"}",
    ] {
        assert!(body.contains(metric), "{metric} missing from\n{body}");
    }
    // Without a token and without a peer address (no socket): not loopback, refused.
    let open = router_with(&a, Ops::default());
    assert_eq!(
        get(&open, "/metrics", None).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let a = app().await;
    let req = Request::builder()
        .uri("/healthz")
        .header("x-request-id", "client-id-1")
        .body(Body::empty())
        .unwrap();
    let r = a.router.clone().oneshot(req).await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "client-id-1");
    let req = Request::builder()
        .uri("/api/v1/me")
        .header("x-request-id", "bad id with spaces")
        .body(Body::empty())
        .unwrap();
    let r = a.router.clone().oneshot(req).await.unwrap();
    let id = r.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 32);
}

#[tokio::test]
async fn an_invitation_sets_a_password_once_and_signs_in() {
    let a = app().await;
    let body = r#"{"email":"New.Person@a.test","role":"auditor"}"#;
    let r = send(
        &a,
        "POST",
        "/api/v1/invitations",
        Who::Session(&a.auditor),
        None,
        Some(body),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(
        &a,
        "POST",
        "/api/v1/invitations",
        Who::Session(&a.admin),
        None,
        Some(body),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let inv: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(inv["email"], "new.person@a.test");
    let link = inv["link"].as_str().unwrap().to_owned();
    let again = send(
        &a,
        "POST",
        "/api/v1/invitations",
        Who::Session(&a.admin),
        None,
        Some(body),
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    let page = send(&a, "GET", &link, Who::Anonymous, None, None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(text(page).await.contains("new.person@a.test"));
    let weak = send(
        &a,
        "POST",
        &link,
        Who::InviteForm,
        Some("password=short"),
        None,
    )
    .await;
    assert!(text(weak).await.contains("at least"));
    let ok = send(
        &a,
        "POST",
        &link,
        Who::InviteForm,
        Some("password=a-long-enough-password"),
        None,
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let cookie = ok.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("roster_session="));
    // The link worked once.
    let reuse = send(
        &a,
        "POST",
        &link,
        Who::InviteForm,
        Some("password=another-long-password"),
        None,
    )
    .await;
    assert_eq!(reuse.status(), StatusCode::NOT_FOUND);
    // The new user signs in with the password, as an auditor of the inviter's tenant.
    let signin = send(
        &a,
        "POST",
        "/signin",
        Who::SignInForm,
        Some("email=new.person@a.test&password=a-long-enough-password"),
        None,
    )
    .await;
    assert_eq!(signin.status(), StatusCode::SEE_OTHER);
    let audit = send(
        &a,
        "GET",
        "/api/v1/audit",
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    let audit = text(audit).await;
    assert!(
        audit.contains("user.invite") && audit.contains("user.accept-invite"),
        "{audit}"
    );
}

#[tokio::test]
async fn the_instance_admin_creates_tenants_and_invites_their_first_admin() {
    let a = app().await;
    let ops = Ops {
        admin_token: Some("instance-secret".into()),
        ..Ops::default()
    };
    let router = router_with(&a, ops);
    let post = |path: &'static str, token: &'static str, json: &'static str| {
        let router = router.clone();
        async move {
            let req = Request::builder()
                .method("POST")
                .uri(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json))
                .unwrap();
            router.oneshot(req).await.unwrap()
        }
    };
    let created = post(
        "/api/v1/admin/tenants",
        "instance-secret",
        r#"{"id":"acme","name":"Acme"}"#,
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let dup = post(
        "/api/v1/admin/tenants",
        "instance-secret",
        r#"{"id":"acme","name":"Acme"}"#,
    )
    .await;
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    let bad = post(
        "/api/v1/admin/tenants",
        "instance-secret",
        r#"{"id":"Not Valid!","name":"x"}"#,
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    // A tenant admin's API token is not the instance admin's.
    let tenant_token = post(
        "/api/v1/admin/tenants",
        "rst_test_token_value",
        r#"{"id":"evil","name":"x"}"#,
    )
    .await;
    assert_eq!(tenant_token.status(), StatusCode::UNAUTHORIZED);
    let inv = post(
        "/api/v1/admin/tenants/acme/invitations",
        "instance-secret",
        r#"{"email":"boss@acme.test","role":"admin"}"#,
    )
    .await;
    assert_eq!(inv.status(), StatusCode::CREATED);
    let nope = post(
        "/api/v1/admin/tenants/nope/invitations",
        "instance-secret",
        r#"{"email":"x@nope.test","role":"admin"}"#,
    )
    .await;
    assert_eq!(nope.status(), StatusCode::NOT_FOUND);
    let list = text(get(&router, "/api/v1/admin/tenants", Some("instance-secret")).await).await;
    assert!(
        list.contains("\"acme\"") && list.contains("\"other\""),
        "{list}"
    );
    // Unconfigured: the instance-admin API does not exist.
    let off = router_with(&a, Ops::default());
    assert_eq!(
        get(&off, "/api/v1/admin/tenants", Some("instance-secret"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
