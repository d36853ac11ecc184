//! Source settings: the sync interval and the API rate an admin may choose,
//! from the console and from the API.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use support::{Who, app, send, text};

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
    let page = text(
        send(
            &a,
            "GET",
            &format!("/sources/{}", a.source),
            Who::Session(&a.admin),
            None,
            None,
        )
        .await,
    )
    .await;
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
    let page = text(send(&a, "GET", &show, Who::Session(&a.admin), None, None).await).await;
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
    let page = text(send(&a, "GET", &show, Who::Session(&a.admin), None, None).await).await;
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
