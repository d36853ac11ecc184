//! Router tests of the evidence pages and API without a socket: sign-in
//! required, CSRF enforced, auditors read and download but change nothing,
//! another tenant's sources and syncs are 404, bad sync IDs are 400/409,
//! downloaded bundles verify, and a bad HR roster stores nothing.

#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod console;
mod flows;
mod helpers;

use axum::http::StatusCode;
use helpers::{Call, call, first_sync, routes, second_sync};
use roster_core::TenantId;
use support::{Who, app, text};
#[tokio::test]
async fn anonymous_requests_are_refused() {
    let a = app().await;
    let sync = first_sync(&a).await;
    for (method, path, c, _) in routes(&a, sync) {
        let r = call(&a, method, &path, &c, &Who::Anonymous).await;
        if path.starts_with("/api/") {
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{method} {path}");
            assert!(text(r).await.contains(r#""code":"unauthorized""#));
        } else {
            assert_eq!(r.status(), StatusCode::SEE_OTHER, "{method} {path}");
            assert_eq!(r.headers()["location"], "/signin", "{method} {path}");
        }
    }
}

#[tokio::test]
async fn every_post_from_a_browser_session_needs_the_csrf_token() {
    let a = app().await;
    let sync = first_sync(&a).await;
    for (method, path, c, _) in routes(&a, sync).into_iter().filter(|r| r.0 != "GET") {
        let r = call(&a, method, &path, &c, &Who::SessionNoCsrf(&a.admin)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path}");
    }
    let settings = a
        .store
        .check_settings(&TenantId::default_tenant(), &a.source)
        .await
        .unwrap();
    assert!(settings.exemptions.is_empty(), "nothing changed");
}

#[tokio::test]
async fn auditors_read_and_download_but_change_no_setting() {
    let a = app().await;
    let sync = first_sync(&a).await;
    for (method, path, c, changes) in routes(&a, sync) {
        let r = call(&a, method, &path, &c, &Who::Session(&a.auditor)).await;
        if changes {
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path}");
        } else if path.contains("/diff") {
            // The only snapshot has no predecessor.
            assert!(
                r.status().is_success() || r.status() == StatusCode::CONFLICT,
                "{method} {path}: {}",
                r.status()
            );
        } else if path.ends_with("/verify") {
            assert!(
                r.status().is_success() || r.status() == StatusCode::BAD_REQUEST,
                "{method} {path}: {}",
                r.status()
            );
        } else {
            assert!(r.status().is_success(), "{method} {path}: {}", r.status());
        }
    }
    let tenant = TenantId::default_tenant();
    assert!(
        a.store
            .latest_hr_roster(&tenant, &a.source)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn admins_use_every_route() {
    let a = app().await;
    second_sync(&a).await;
    let sync = first_sync(&a).await;
    for (method, path, c, _) in routes(&a, sync) {
        let r = call(&a, method, &path, &c, &Who::Session(&a.admin)).await;
        let s = r.status();
        assert!(
            s.is_success() || s == StatusCode::SEE_OTHER,
            "{method} {path}: {s} {}",
            text(r).await
        );
    }
}

#[tokio::test]
async fn another_tenants_sources_and_syncs_are_not_found() {
    let a = app().await;
    let sync = first_sync(&a).await;
    for (method, path, c, _) in routes(&a, sync).into_iter().filter(|r| {
        r.1.contains("src_")
            || r.1.contains(&format!("/{sync}/"))
            || r.1.ends_with(&format!("/{sync}"))
    }) {
        let r = call(&a, method, &path, &c, &Who::Session(&a.other_admin)).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
}

#[tokio::test]
async fn bad_sync_ids_are_400_unknown_404_incomplete_409() {
    let a = app().await;
    let s = a.source.to_string();
    let admin = Who::Session(&a.admin);
    for (path, want) in [
        ("/evidence/abc/bundle".to_owned(), StatusCode::BAD_REQUEST),
        ("/reports/-1".to_owned(), StatusCode::BAD_REQUEST),
        (
            format!("/api/v1/sources/{s}/checks?sync=x"),
            StatusCode::BAD_REQUEST,
        ),
        (
            format!("/api/v1/sources/{s}/diff?from=2&to=1"),
            StatusCode::BAD_REQUEST,
        ),
        ("/evidence/99999/bundle".to_owned(), StatusCode::NOT_FOUND),
        (
            format!("/api/v1/sources/{s}/bundle?sync=99999"),
            StatusCode::NOT_FOUND,
        ),
        (format!("/api/v1/sources/{s}/diff"), StatusCode::CONFLICT),
    ] {
        let r = call(&a, "GET", &path, &Call::Get, &admin).await;
        assert_eq!(r.status(), want, "{path}");
        let body = text(r).await;
        if path.starts_with("/api/") {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert!(v["code"].is_string() && v["message"].is_string(), "{body}");
        }
    }
    let running = a
        .store
        .begin_sync(&TenantId::default_tenant(), &a.source)
        .await
        .unwrap();
    let r = call(
        &a,
        "GET",
        &format!("/evidence/{running}/bundle"),
        &Call::Get,
        &admin,
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(text(r).await.contains("only complete syncs are snapshots"));
}

#[tokio::test]
async fn the_openapi_document_describes_every_evidence_route() {
    let a = app().await;
    let sync = first_sync(&a).await;
    let doc: serde_json::Value = serde_json::from_str(
        &text(
            call(
                &a,
                "GET",
                "/api/v1/openapi.json",
                &Call::Get,
                &Who::Anonymous,
            )
            .await,
        )
        .await,
    )
    .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (method, path, _, _) in routes(&a, sync)
        .into_iter()
        .filter(|r| r.1.starts_with("/api/"))
    {
        let templated = path.replace(&a.source.to_string(), "{id}");
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
