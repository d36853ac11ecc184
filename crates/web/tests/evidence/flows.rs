//! Evidence flows: bundles download, verify and reproduce; HR rosters are
//! all-or-nothing; settings change and are audited once.

use axum::http::StatusCode;
use roster_core::TenantId;

use crate::helpers::{Call, bytes, call, first_sync, post_multipart, second_sync, send_raw};
use crate::support::{Who, app, text};

#[tokio::test]
async fn a_downloaded_bundle_is_a_zip_that_verifies_and_the_export_is_audited_once() {
    let a = app().await;
    second_sync(&a).await;
    let s = a.source.to_string();
    let r = call(
        &a,
        "GET",
        &format!("/api/v1/sources/{s}/bundle"),
        &Call::Get,
        &Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".zip")
    );
    let zip = bytes(r).await;
    assert!(zip.starts_with(b"PK"));
    let manifest = roster_engine::evidence::verify_bundle(&zip, None).unwrap();
    assert!(manifest.files.iter().any(|f| f.path == "diff.json"));
    // The console verifies it too, as this tenant's key; a flipped byte fails.
    let key = text(
        call(
            &a,
            "GET",
            "/api/v1/evidence/public-key",
            &Call::Get,
            &Who::Bearer(&a.token),
        )
        .await,
    )
    .await;
    assert!(key.contains(&manifest.public_key), "{key}");
    let r = send_raw(
        &a,
        "POST",
        "/api/v1/evidence/verify",
        &Who::Bearer(&a.token),
        "application/zip",
        zip.to_vec(),
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["signed_by_this_tenant"], true, "{v}");
    let page = post_multipart(
        &a,
        "/evidence/verify",
        &Who::Session(&a.auditor),
        &[],
        Some(("b.zip", &zip)),
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(text(page).await.contains(r#"data-valid="true""#));
    let mut bad = zip.to_vec();
    let mid = bad.len() / 3;
    bad[mid] ^= 0x01;
    let page = post_multipart(
        &a,
        "/evidence/verify",
        &Who::Session(&a.admin),
        &[],
        Some(("b.zip", &bad)),
    )
    .await;
    let html = text(page).await;
    assert!(html.contains(r#"data-valid="false""#), "{html}");
    // Reproducible: the console download is byte-identical.
    let first = first_sync(&a).await;
    let again = bytes(
        call(
            &a,
            "GET",
            &format!("/evidence/{first}/bundle"),
            &Call::Get,
            &Who::Session(&a.auditor),
        )
        .await,
    )
    .await;
    assert_eq!(again, zip);
    let log = text(
        call(
            &a,
            "GET",
            "/api/v1/audit",
            &Call::Get,
            &Who::Bearer(&a.token),
        )
        .await,
    )
    .await;
    assert_eq!(
        log.matches(r#""action":"evidence.export""#).count(),
        2,
        "{log}"
    );
}

#[tokio::test]
async fn a_bad_hr_roster_reports_line_numbers_and_stores_nothing() {
    let a = app().await;
    let tenant = TenantId::default_tenant();
    let path = format!("/sources/{}/checks/hr-roster", a.source);
    let csv: &[u8] = b"email\nok@a.test\nnot-an-email\n\nx@a.test\nbad email@a.test\n";
    let r = post_multipart(
        &a,
        &path,
        &Who::Session(&a.admin),
        &[],
        Some(("hr.csv", csv)),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = text(r).await;
    assert!(
        html.contains("roster-errors") && html.contains("line 3"),
        "{html}"
    );
    let api = format!("/api/v1/sources/{}/hr-roster?file_name=hr.csv", a.source);
    let r = send_raw(
        &a,
        "PUT",
        &api,
        &Who::Bearer(&a.token),
        "text/csv",
        csv.to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = text(r).await;
    assert!(
        body.contains(r#""code":"invalid-hr-roster""#) && body.contains("line 3"),
        "{body}"
    );
    assert!(
        a.store
            .latest_hr_roster(&tenant, &a.source)
            .await
            .unwrap()
            .is_none()
    );
    let log = text(
        call(
            &a,
            "GET",
            "/api/v1/audit",
            &Call::Get,
            &Who::Bearer(&a.token),
        )
        .await,
    )
    .await;
    assert!(!log.contains("hr_roster.upload"), "{log}");
    // A good file is stored and IDS-09 uses it.
    let good: &[u8] = b"email\nuser0@a.test\n";
    let r = post_multipart(
        &a,
        &path,
        &Who::Session(&a.admin),
        &[],
        Some(("hr.csv", good)),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stored = a
        .store
        .latest_hr_roster(&tenant, &a.source)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.file_name, "hr.csv");
    let checks = text(
        call(
            &a,
            "GET",
            &format!("/api/v1/sources/{}/checks", a.source),
            &Call::Get,
            &Who::Bearer(&a.token),
        )
        .await,
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&checks).unwrap();
    let ids09 = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "IDS-09")
        .unwrap();
    assert_ne!(ids09["status"], "skipped", "{ids09}");
}

#[tokio::test]
async fn settings_change_through_the_form_and_the_api_and_are_audited_once() {
    let a = app().await;
    let tenant = TenantId::default_tenant();
    let path = format!("/sources/{}/checks/settings", a.source);
    let form = Call::Form(
        "exemptions=user1%0D%0A+user2+%0D%0A%0D%0Auser1&privileged_patterns=*admin*%0D%0Aops-*&freshness_hours=48",
    );
    let r = call(&a, "POST", &path, &form, &Who::Session(&a.admin)).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let s = a.store.check_settings(&tenant, &a.source).await.unwrap();
    assert_eq!(s.exemptions, ["user1", "user2"]);
    assert_eq!(s.privileged_patterns, ["*admin*", "ops-*"]);
    assert_eq!(s.freshness_hours, 48);
    let api = format!("/api/v1/sources/{}/check-settings", a.source);
    let bad = Call::Json(r#"{"freshness_hours":0}"#);
    assert_eq!(
        call(&a, "PUT", &api, &bad, &Who::Bearer(&a.token))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    let r = call(
        &a,
        "POST",
        &path,
        &Call::Form("freshness_hours=soon"),
        &Who::Session(&a.admin),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let log = text(
        call(
            &a,
            "GET",
            "/api/v1/audit",
            &Call::Get,
            &Who::Bearer(&a.token),
        )
        .await,
    )
    .await;
    assert_eq!(
        log.matches(r#""action":"checks.settings""#).count(),
        1,
        "{log}"
    );
    // IDS-01 exempts user1 and user2 now.
    let checks = text(
        call(
            &a,
            "GET",
            &format!("/checks?source={}", a.source),
            &Call::Get,
            &Who::Session(&a.auditor),
        )
        .await,
    )
    .await;
    assert!(checks.contains("2 exempted"), "{checks}");
}
