//! Router tests without a socket: every page and API route requires
//! sign-in, every change requires CSRF (from a browser) and admin, another
//! tenant's IDs are 404, and the main flows answer as the console expects.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use support::{App, Who, app, send, text};

/// One route: (method, path, form body for pages / JSON body for the API).
type Route = (
    &'static str,
    String,
    Option<&'static str>,
    Option<&'static str>,
);

/// Every route: the console's pages, then the API.
fn routes(a: &App) -> Vec<Route> {
    let mut all = page_routes(a);
    all.extend(api_routes(a));
    all
}

fn page_routes(a: &App) -> Vec<Route> {
    let s = &a.source;
    let (u, g) = (&a.user_id, &a.group_id);
    vec![
        ("GET", "/sources".into(), None, None),
        (
            "POST",
            "/sources".into(),
            Some("kind=aws-identity-store"),
            None,
        ),
        ("GET", format!("/sources/{s}"), None, None),
        ("GET", format!("/sources/{s}/wizard"), None, None),
        ("POST", format!("/sources/{s}/sync"), Some(""), None),
        ("POST", format!("/sources/{s}/disable"), Some(""), None),
        ("POST", format!("/sources/{s}/enable"), Some(""), None),
        (
            "POST",
            format!("/sources/{s}/interval"),
            Some("hours=12"),
            None,
        ),
        ("POST", format!("/sources/{s}/rate"), Some("tps=40"), None),
        (
            "POST",
            format!("/sources/{s}/quota"),
            Some("quota_model=per-api&budget=1"),
            None,
        ),
        ("GET", "/settings/team".into(), None, None),
        (
            "POST",
            "/settings/team".into(),
            Some("email=new%40a.test&role=auditor"),
            None,
        ),
        (
            "POST",
            format!("/sources/{s}/delete"),
            Some("confirm=yes"),
            None,
        ),
        ("GET", format!("/users?source={s}"), None, None),
        ("GET", format!("/users/{u}?source={s}"), None, None),
        ("GET", format!("/groups?source={s}"), None, None),
        ("GET", format!("/groups/{g}?source={s}"), None, None),
        ("GET", format!("/syncs?source={s}"), None, None),
        ("GET", format!("/access?source={s}"), None, None),
        ("GET", format!("/access/diff?source={s}"), None, None),
        (
            "POST",
            format!("/sources/{s}/access/settings"),
            Some("max_session_hours=4"),
            None,
        ),
        ("GET", "/settings/tokens".into(), None, None),
        ("GET", "/audit".into(), None, None),
        ("GET", "/reviews".into(), None, None),
        ("GET", format!("/reviews/owners?source={s}"), None, None),
        ("POST", "/settings/tokens".into(), Some("name=ci"), None),
        (
            "POST",
            "/settings/tokens/tok_1/revoke".into(),
            Some(""),
            None,
        ),
    ]
}

fn api_routes(a: &App) -> Vec<Route> {
    let s = &a.source;
    let (u, g) = (&a.user_id, &a.group_id);
    vec![
        ("GET", "/api/v1/me".into(), None, None),
        ("GET", "/api/v1/catalog".into(), None, None),
        ("GET", "/api/v1/sources".into(), None, None),
        (
            "POST",
            "/api/v1/sources".into(),
            None,
            Some(r#"{"kind":"aws-identity-store"}"#),
        ),
        ("GET", format!("/api/v1/sources/{s}"), None, None),
        ("DELETE", format!("/api/v1/sources/{s}"), None, None),
        ("GET", format!("/api/v1/sources/{s}/setup"), None, None),
        (
            "POST",
            format!("/api/v1/sources/{s}/connect"),
            None,
            Some(r#"{"role_arn":"arn:aws:iam::123456789012:role/x"}"#),
        ),
        ("POST", format!("/api/v1/sources/{s}/sync"), None, None),
        (
            "PUT",
            format!("/api/v1/sources/{s}/enabled"),
            None,
            Some(r#"{"enabled":false}"#),
        ),
        ("GET", format!("/api/v1/sources/{s}/syncs"), None, None),
        ("GET", format!("/api/v1/sources/{s}/users"), None, None),
        ("GET", format!("/api/v1/sources/{s}/users/{u}"), None, None),
        ("GET", format!("/api/v1/sources/{s}/groups"), None, None),
        ("GET", format!("/api/v1/sources/{s}/groups/{g}"), None, None),
        (
            "GET",
            format!("/api/v1/sources/{s}/groups/{g}/members"),
            None,
            None,
        ),
        ("GET", "/api/v1/role-arn/validate?arn=x".into(), None, None),
        ("GET", "/api/v1/audit".into(), None, None),
        ("GET", "/api/v1/tokens".into(), None, None),
        (
            "POST",
            "/api/v1/tokens".into(),
            None,
            Some(r#"{"name":"ci"}"#),
        ),
        ("DELETE", "/api/v1/tokens/tok_1".into(), None, None),
        (
            "GET",
            format!("/api/v1/sources/{s}/access-settings"),
            None,
            None,
        ),
        (
            "PUT",
            format!("/api/v1/sources/{s}/access-settings"),
            None,
            Some(r#"{"max_session_seconds":14400}"#),
        ),
    ]
}

#[tokio::test]
async fn anonymous_requests_get_401_from_the_api_and_the_sign_in_page_from_the_console() {
    let a = app().await;
    for (method, path, form, json) in routes(&a) {
        let r = send(&a, method, &path, Who::Anonymous, form, json).await;
        if path.starts_with("/api/") {
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
            assert!(text(r).await.contains(r#""code":"unauthorized""#));
        } else {
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{method} {path}");
            assert_eq!(r.headers()["location"], "/signin", "{method} {path}");
        }
    }
    let r = send(&a, "GET", "/api/v1/me", Who::Bearer("wrong"), None, None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_change_from_a_browser_session_needs_the_csrf_token() {
    let a = app().await;
    for (method, path, form, json) in routes(&a).into_iter().filter(|r| r.0 != "GET") {
        let r = send(&a, method, &path, Who::SessionNoCsrf(&a.admin), form, json).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path}");
    }
}

#[tokio::test]
async fn another_tenants_ids_are_not_found() {
    let a = app().await;
    for (method, path, form, json) in routes(&a)
        .into_iter()
        .filter(|r| r.1.contains("src_") || r.1.contains("tok_1"))
    {
        let r = send(&a, method, &path, Who::Session(&a.other_admin), form, json).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
}

#[tokio::test]
async fn auditors_read_everything_and_change_nothing() {
    let a = app().await;
    for (method, path, form, json) in routes(&a) {
        let r = send(&a, method, &path, Who::Session(&a.auditor), form, json).await;
        if method == "GET" {
            assert!(r.status().is_success(), "{method} {path}: {}", r.status());
        } else {
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path}");
        }
    }
}

/// A reviewer sees only their own review queue: every other page and API
/// route (reads too, directory pages above all) refuses them, with or
/// without CSRF; only `/api/v1/me` tells them who they are.
#[tokio::test]
async fn reviewers_are_refused_every_route_but_their_own() {
    let a = app().await;
    for (method, path, form, json) in routes(&a) {
        let r = send(&a, method, &path, Who::Session(&a.reviewer), form, json).await;
        if path == "/api/v1/me" {
            assert_eq!(r.status(), StatusCode::OK);
            assert!(text(r).await.contains(r#""role":"reviewer""#));
        } else {
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path}");
        }
    }
    let home = send(&a, "GET", "/", Who::Session(&a.reviewer), None, None).await;
    assert_eq!(home.headers()["location"], "/reviews/mine");
    let home = send(&a, "GET", "/", Who::Session(&a.admin), None, None).await;
    assert_eq!(home.headers()["location"], "/sources");
}

#[tokio::test]
async fn every_read_answers_an_admin() {
    let a = app().await;
    for (method, path, form, json) in routes(&a).into_iter().filter(|r| r.0 == "GET") {
        let r = send(&a, method, &path, Who::Session(&a.admin), form, json).await;
        assert!(r.status().is_success(), "{method} {path}: {}", r.status());
    }
}

#[tokio::test]
async fn an_api_token_needs_no_csrf_token() {
    let a = app().await;
    let r = send(
        &a,
        "POST",
        "/api/v1/sources",
        Who::Bearer(&a.token),
        None,
        Some(r#"{"kind":"aws-identity-store"}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body = text(r).await;
    assert!(body.contains(r#""status":"pending""#), "{body}");
}

#[tokio::test]
async fn toggling_a_card_on_creates_a_pending_connection_and_opens_its_wizard() {
    let a = app().await;
    let r = send(
        &a,
        "POST",
        "/sources",
        Who::Session(&a.admin),
        Some("kind=aws-identity-store&on=on"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let wizard = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(wizard.ends_with("/wizard"), "{wizard}");
    let page = text(send(&a, "GET", &wizard, Who::Session(&a.admin), None, None).await).await;
    for needle in [
        "sts:ExternalId",
        "arn:aws:iam::111122223333:role/roster",
        "AWS::IAM::Role",
        "aws_iam_role",
        "aws iam create-role",
        "AWSSSOReadOnly",
        "Submit Role",
        "CloudTrail",
    ] {
        assert!(page.contains(needle), "wizard lacks {needle}");
    }
    let r = send(
        &a,
        "POST",
        "/sources",
        Who::Session(&a.admin),
        Some("kind=aws-sso"),
        None,
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the SSO card turns on its own wizard (tests/sso_wizard.rs)"
    );
}

#[tokio::test]
async fn a_bad_role_arn_is_diagnosed_before_any_call() {
    let a = app().await;
    let path = format!("/api/v1/sources/{}/connect", a.source);
    let r = send(
        &a,
        "POST",
        &path,
        Who::Bearer(&a.token),
        None,
        Some(r#"{"role_arn":"arn:aws:iam::12:role/x"}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(r).await;
    assert!(
        body.contains(r#""code":"invalid-role-arn""#) && body.contains("fix"),
        "{body}"
    );
    let r = send(
        &a,
        "GET",
        "/api/v1/role-arn/validate?arn=arn:aws:iam::123456789012:role/ok",
        Who::Bearer(&a.token),
        None,
        None,
    )
    .await;
    assert!(text(r).await.contains(r#""valid":true"#));
}

#[tokio::test]
async fn users_are_searched_filtered_and_paginated() {
    let a = app().await;
    let base = format!("/api/v1/sources/{}/users", a.source);
    let first = text(send(&a, "GET", &base, Who::Bearer(&a.token), None, None).await).await;
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 50);
    assert_eq!(v["next_after"], "u-0049");
    let rest = text(
        send(
            &a,
            "GET",
            &format!("{base}?after=u-0049"),
            Who::Bearer(&a.token),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(rest.contains(r#""next_after":null"#));
    let q = text(
        send(
            &a,
            "GET",
            &format!("{base}?q=USER5&limit=100"),
            Who::Bearer(&a.token),
            None,
            None,
        )
        .await,
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&q).unwrap();
    assert_eq!(
        v["items"].as_array().unwrap().len(),
        11,
        "user5 and user50..59"
    );
    let g = text(
        send(
            &a,
            "GET",
            &format!("{base}?group={}", a.group_id),
            Who::Bearer(&a.token),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(g.contains("u-0000") && !g.contains("u-0001"), "{g}");
    let bad = send(
        &a,
        "GET",
        &format!("{base}?status=nope"),
        Who::Bearer(&a.token),
        None,
        None,
    )
    .await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let a = app().await;
    let doc: serde_json::Value = serde_json::from_str(
        &text(
            send(
                &a,
                "GET",
                "/api/v1/openapi.json",
                Who::Anonymous,
                None,
                None,
            )
            .await,
        )
        .await,
    )
    .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (method, path, _, _) in routes(&a).into_iter().filter(|r| r.1.starts_with("/api/")) {
        let templated = path
            .replace(&a.source.to_string(), "{id}")
            .replace(&format!("/users/{}", a.user_id), "/users/{user_id}")
            .replace(&format!("/groups/{}", a.group_id), "/groups/{group_id}")
            .replace("tok_1", "{token_id}");
        let templated = templated.split('?').next().unwrap();
        assert!(
            paths
                .get(templated)
                .and_then(|p| p.get(method.to_lowercase()))
                .is_some(),
            "{method} {templated} is not documented"
        );
    }
}

#[tokio::test]
async fn changes_are_recorded_in_the_audit_log() {
    let a = app().await;
    let r = send(
        &a,
        "POST",
        "/api/v1/tokens",
        Who::Session(&a.admin),
        None,
        Some(r#"{"name":"ci"}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let secret = serde_json::from_str::<serde_json::Value>(&text(r).await).unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/sources/{}/disable", a.source);
    assert_eq!(
        send(&a, "POST", &path, Who::Session(&a.admin), Some(""), None)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let log = text(
        send(
            &a,
            "GET",
            "/api/v1/audit",
            Who::Bearer(&a.token),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(
        log.contains(r#""action":"token.create""#) && log.contains(r#""action":"source.disable""#),
        "{log}"
    );
    assert!(!log.contains(&secret), "a secret in the audit log");
    let other = text(
        send(
            &a,
            "GET",
            "/api/v1/audit",
            Who::Session(&a.other_admin),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(
        !other.contains("token.create"),
        "another tenant's audit log"
    );
}
