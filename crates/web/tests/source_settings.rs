//! Source settings: the sync interval, the API rate, the quota model and
//! the budget an admin may choose, from the console and from the API.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use support::{Who, admin_page, app, send, text};

#[tokio::test]
async fn admins_set_the_sync_interval_within_bounds() {
    let a = app().await;
    let path = format!("/sources/{}/interval", a.source);
    let ok = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.admin),
        Some("hours=6"),
        None,
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let page = admin_page(&a, &format!("/sources/{}", a.source)).await;
    assert!(page.contains("6 h"), "{page}");
    for bad in ["hours=0", "hours=721", "hours=soon"] {
        let r = send(&a, "POST", &path, Who::Session(&a.admin), Some(bad), None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let auditor = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.auditor),
        Some("hours=2"),
        None,
    )
    .await;
    assert_eq!(auditor.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn admins_set_a_raised_api_rate_and_go_back_to_the_default() {
    let a = app().await;
    let path = format!("/sources/{}/rate", a.source);
    let show = format!("/sources/{}", a.source);
    let r = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.admin),
        Some("tps=40"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = admin_page(&a, &show).await;
    assert!(page.contains("40 requests/s per API"), "{page}");
    for bad in ["tps=0", "tps=1001", "tps=fast", "tps=-3"] {
        let r = send(&a, "POST", &path, Who::Session(&a.admin), Some(bad), None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let r = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.admin),
        Some("tps="),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = admin_page(&a, &show).await;
    assert!(
        page.contains("AWS&#39;s default quota") || page.contains("AWS's default quota"),
        "{page}"
    );
    let auditor = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.auditor),
        Some("tps=30"),
        None,
    )
    .await;
    assert_eq!(auditor.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_sets_interval_and_rate_together_or_not_at_all() {
    let a = app().await;
    let path = format!("/api/v1/sources/{}/schedule", a.source);
    let token = a.token.as_str();
    let tenant = roster_core::TenantId::default_tenant();
    let r = send(
        &a,
        "PUT",
        &path,
        Who::Bearer(token),
        None,
        Some(r#"{"interval_hours":6,"api_tps":40}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(
        (body["sync_interval_s"].as_u64(), body["api_tps"].as_u64()),
        (Some(6 * 3600), Some(40))
    );
    for bad in [
        r#"{"interval_hours":2,"api_tps":0}"#,
        r#"{"interval_hours":0,"api_tps":30}"#,
        r#"{"interval_hours":2,"api_tps":30,"extra":1}"#,
    ] {
        let r = send(&a, "PUT", &path, Who::Bearer(token), None, Some(bad)).await;
        assert!(r.status().is_client_error(), "{bad}: {}", r.status());
    }
    let got = a.store.get_source(&tenant, &a.source).await.unwrap();
    assert_eq!(
        (got.sync_interval_s, got.api_tps),
        (6 * 3600, Some(40)),
        "a refused body changes nothing"
    );
    let r = send(
        &a,
        "PUT",
        &path,
        Who::Bearer(token),
        None,
        Some(r#"{"interval_hours":24}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let got = a.store.get_source(&tenant, &a.source).await.unwrap();
    assert_eq!(got.api_tps, None, "absent: back to AWS's default");
}

#[tokio::test]
async fn a_new_source_is_collective_at_half_the_quota_and_admins_change_both_from_the_console() {
    let a = app().await;
    let tenant = roster_core::TenantId::default_tenant();
    let got = a.store.get_source(&tenant, &a.source).await.unwrap();
    assert_eq!(got.quota_model, roster_core::quota::QuotaModel::Collective);
    assert!((got.quota_budget - 0.5).abs() < 1e-12);
    let show = format!("/sources/{}", a.source);
    let page = admin_page(&a, &show).await;
    assert!(
        page.contains("collective") && page.contains("50% of the quota"),
        "{page}"
    );
    let path = format!("/sources/{}/quota", a.source);
    let r = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.admin),
        Some("quota_model=per-api&budget=0.8"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = admin_page(&a, &show).await;
    assert!(page.contains("80% of the quota"), "{page}");
    for bad in [
        "quota_model=per-api&budget=0",
        "quota_model=per-api&budget=1.5",
        "quota_model=per-api&budget=half",
        "quota_model=shared&budget=0.5",
        "budget=0.5",
    ] {
        let r = send(&a, "POST", &path, Who::Session(&a.admin), Some(bad), None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let got = a.store.get_source(&tenant, &a.source).await.unwrap();
    assert_eq!(got.quota_model, roster_core::quota::QuotaModel::PerApi);
    assert!(
        (got.quota_budget - 0.8).abs() < 1e-12,
        "refused forms change nothing"
    );
    let r = send(
        &a,
        "POST",
        &path,
        Who::SessionNoCsrf(&a.admin),
        Some("quota_model=collective&budget=0.5"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let auditor = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.auditor),
        Some("quota_model=collective&budget=0.5"),
        None,
    )
    .await;
    assert_eq!(auditor.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_refuses_a_bad_budget_or_model_in_rosters_error_shape_and_changes_nothing() {
    let a = app().await;
    let path = format!("/api/v1/sources/{}/schedule", a.source);
    let token = a.token.as_str();
    let tenant = roster_core::TenantId::default_tenant();
    for (bad, code) in [
        (r#"{"interval_hours":6,"budget":0}"#, "invalid-budget"),
        (r#"{"interval_hours":6,"budget":1.5}"#, "invalid-budget"),
        (
            r#"{"interval_hours":6,"quota_model":"per-second"}"#,
            "invalid-quota-model",
        ),
    ] {
        let r = send(&a, "PUT", &path, Who::Bearer(token), None, Some(bad)).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        let body: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
        assert_eq!(body["code"], code, "{bad}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let got = a.store.get_source(&tenant, &a.source).await.unwrap();
    assert_eq!(
        (got.sync_interval_s, got.quota_model),
        (24 * 3600, roster_core::quota::QuotaModel::Collective),
        "a refused body changes nothing"
    );
    let r = send(
        &a,
        "PUT",
        &path,
        Who::Bearer(token),
        None,
        Some(r#"{"interval_hours":6,"quota_model":"per-api","budget":1.0}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(
        (body["quota_model"].as_str(), body["budget"].as_f64()),
        (Some("per-api"), Some(1.0))
    );
    let r = send(
        &a,
        "PUT",
        &path,
        Who::Bearer(token),
        None,
        Some(r#"{"interval_hours":6}"#),
    )
    .await;
    let body: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(body["quota_model"], "per-api", "absent: unchanged");
    let doc = roster_web::openapi_json();
    assert!(
        doc.contains("quota_model") && doc.contains("budget"),
        "documented"
    );
}
