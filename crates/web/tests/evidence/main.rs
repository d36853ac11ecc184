//! Router tests of the evidence pages and API without a socket: sign-in
//! required, CSRF enforced, auditors read and download but change nothing,
//! another tenant's sources and syncs are 404, bad sync IDs are 400/409,
//! downloaded bundles verify, and a bad HR roster stores nothing.

#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod helpers;

use axum::http::StatusCode;
use helpers::{Call, bytes, call, first_sync, post_multipart, routes, second_sync, send_raw};
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

#[tokio::test]
async fn the_console_shows_checks_controls_and_diffs() {
    let a = app().await;
    let second = second_sync(&a).await;
    let who = Who::Session(&a.auditor);
    let page = text(
        call(
            &a,
            "GET",
            &format!("/checks?source={}", a.source),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    for id in [
        "IDS-01",
        "IDS-05",
        "IDS-07",
        "IDS-09",
        "soc2:CC6.1",
        "All 60",
    ] {
        assert!(page.contains(id), "Checks page lacks {id}");
    }
    assert!(
        !page.contains(r#"id="save-settings""#),
        "auditors get no save button"
    );
    let all = text(
        call(
            &a,
            "GET",
            &format!("/checks?source={}&check=IDS-01", a.source),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    assert!(
        all.contains("check-findings") && all.contains("u-0100"),
        "{all}"
    );
    let controls = text(
        call(
            &a,
            "GET",
            &format!("/checks/controls?source={}", a.source),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    for needle in ["CC6.3", "A.8.2", "AC-2", "NIST SP 800-53 r5", "checks.json"] {
        assert!(controls.contains(needle), "Controls lacks {needle}");
    }
    let syncs = text(
        call(
            &a,
            "GET",
            &format!("/syncs?source={}", a.source),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    assert!(syncs.contains(&format!("/syncs/{second}/diff")), "{syncs}");
    let diff = text(
        call(
            &a,
            "GET",
            &format!("/syncs/{second}/diff"),
            &Call::Get,
            &who,
        )
        .await,
    )
    .await;
    for needle in [
        "users-added",
        "u-0100",
        "users-removed",
        "u-0059",
        "groups-renamed",
        "Platform Admins",
        "memberships-added",
        "m-2",
        "memberships-removed",
        "m-1",
    ] {
        assert!(diff.contains(needle), "diff lacks {needle}");
    }
    let api = text(
        call(
            &a,
            "GET",
            &format!("/api/v1/sources/{}/diff", a.source),
            &Call::Get,
            &Who::Bearer(&a.token),
        )
        .await,
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&api).unwrap();
    assert_eq!(v["summary"]["users_added"], 1, "{v}");
    assert_eq!(v["summary"]["groups_renamed"], 1, "{v}");
    let first = first_sync(&a).await;
    let _ = first;
    let r = call(&a, "GET", &format!("/reports/{second}"), &Call::Get, &who).await;
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let report = text(r).await;
    assert!(
        report.contains("IDS-01") && report.contains("<svg"),
        "the report"
    );
    assert!(
        !report.contains("<script src") && !report.contains("href=\"http"),
        "self-contained"
    );
    let nav = text(call(&a, "GET", "/evidence", &Call::Get, &who).await).await;
    assert!(
        nav.contains(r#"href="/checks""#) && nav.contains("public-key"),
        "{nav}"
    );
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
