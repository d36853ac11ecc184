//! Router tests of the SSO source's console and API without a socket: the
//! Access page and `GET …/access` page through every row exactly once,
//! filter and search (a NUL is 400), another tenant's source is 404,
//! auditors read and only admins change the access check settings (CSRF,
//! validation, audit), permission sets by ID or percent-encoded ARN with
//! their inline policy escaped, the user and group pages' access, the
//! empty states and the diff of effective access.

#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod diff_page;
mod pages;
mod seed;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use seed::{ADMIN_ID, DEV, PROD, READ_ID, ROWS, access_sync, arn};
use serde_json::Value;
use support::{App, Who, app, send, text};

async fn get_json(a: &App, path: &str, who: Who<'_>) -> (StatusCode, Value) {
    let r = send(a, "GET", path, who, None, None).await;
    let status = r.status();
    let body = text(r).await;
    (
        status,
        serde_json::from_str(&body).unwrap_or(Value::String(body)),
    )
}

fn key(row: &Value) -> String {
    format!(
        "{}|{}|{}|{}",
        row["user_id"], row["account_id"], row["permission_set_arn"], row["via_group_id"]
    )
}

/// Every row of `GET …/access?{query}` following `next_after`, `limit` per page.
async fn all_rows(a: &App, query: &str, limit: u32) -> Vec<Value> {
    let base = format!("/api/v1/sources/{}/access?limit={limit}&{query}", a.source);
    let mut rows = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..1000 {
        let path = match &after {
            Some(c) => format!("{base}&after={}", urlencoding(c)),
            None => base.clone(),
        };
        let (status, v) = get_json(a, &path, Who::Bearer(&a.token)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {v}");
        let items = v["items"].as_array().unwrap();
        assert!(items.len() <= limit as usize);
        rows.extend(items.iter().cloned());
        match v["next_after"].as_str() {
            Some(c) => after = Some(c.to_owned()),
            None => return rows,
        }
    }
    panic!("pagination did not end");
}

pub fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn api_pages_return_every_row_exactly_once_at_any_page_size() {
    let a = app().await;
    access_sync(&a, None).await;
    let whole = all_rows(&a, "", 500).await;
    assert_eq!(whole.len(), ROWS);
    let keys: BTreeSet<String> = whole.iter().map(key).collect();
    assert_eq!(keys.len(), ROWS, "duplicate rows in one page");
    for limit in [1, 7, 61, 62] {
        let paged = all_rows(&a, "", limit).await;
        let got: Vec<String> = paged.iter().map(key).collect();
        let unique: BTreeSet<String> = got.iter().cloned().collect();
        assert_eq!(got.len(), ROWS, "limit {limit}: rows lost or repeated");
        assert_eq!(unique, keys, "limit {limit}");
    }
    // The limit is capped, never refused.
    let (status, v) = get_json(
        &a,
        &format!("/api/v1/sources/{}/access?limit=100000", a.source),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["items"].as_array().unwrap().len(), ROWS);
}

#[tokio::test]
async fn filters_select_privileged_direct_orphaned_and_searched_rows() {
    let a = app().await;
    access_sync(&a, None).await;
    let privileged = all_rows(&a, "privileged=true", 50).await;
    // Admins on prod (u-0000) and the orphaned group g-gone on sandbox.
    assert_eq!(privileged.len(), 2, "{privileged:?}");
    assert!(privileged.iter().all(|r| r["privileged"] == true));
    assert!(privileged.iter().any(|r| r["user_id"] == "u-0000"
        && r["via"] == "Admins"
        && r["account_name"] == "prod"
        && r["permission_set_name"] == "AdministratorAccess"));
    let direct = all_rows(&a, "direct=true", 50).await;
    assert_eq!(direct.len(), 60, "59 users and u-gone");
    assert!(direct.iter().all(|r| r["via"] == "direct"));
    let orphaned = all_rows(&a, "orphaned=true", 50).await;
    let ids: BTreeSet<String> = orphaned.iter().map(|r| r["via"].to_string()).collect();
    assert_eq!(orphaned.len(), 2, "{orphaned:?}");
    assert!(
        ids.contains("\"direct\"") && ids.contains("\"g-gone\""),
        "{ids:?}"
    );
    let both = all_rows(&a, "direct=true&orphaned=true", 50).await;
    assert_eq!(both.len(), 1);
    assert_eq!(both[0]["user_id"], "u-gone");
    let prod = all_rows(&a, &format!("account={PROD}"), 50).await;
    assert_eq!(prod.len(), 1);
    let searched = all_rows(&a, "q=USER5", 50).await;
    assert_eq!(searched.len(), 11, "user5 and user50..59: {searched:?}");
    let by_user = all_rows(&a, "user=user7", 50).await;
    assert_eq!(by_user.len(), 1);
    assert_eq!(by_user[0]["account_id"], DEV);
    let by_name = all_rows(&a, "permission_set=AdministratorAccess", 50).await;
    assert_eq!(by_name.len(), 2);
    let by_arn = all_rows(
        &a,
        &format!("permission_set={}", urlencoding(arn(READ_ID).as_str())),
        50,
    )
    .await;
    assert_eq!(by_arn.len(), 60);
    let by_group = all_rows(&a, "group=g-admins", 50).await;
    assert_eq!(by_group.len(), 1);
    let long = format!("q={}", "x".repeat(600));
    let long_cursor = format!("after={}", "x".repeat(3000));
    for bad in [
        "privileged=yes",
        "account=12",
        "q=%00",
        "user=a%00b",
        "direct=1",
        "q=bell%07",
        &long,
        &long_cursor,
    ] {
        let path = format!("/api/v1/sources/{}/access?{bad}", a.source);
        let (status, v) = get_json(&a, &path, Who::Bearer(&a.token)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert!(v["code"].is_string() && v["message"].is_string(), "{v}");
    }
}

#[tokio::test]
async fn accounts_and_permission_sets_are_listed_and_paged() {
    let a = app().await;
    access_sync(&a, None).await;
    let base = format!("/api/v1/sources/{}", a.source);
    let (_, v) = get_json(
        &a,
        &format!("{base}/accounts?limit=2"),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(v["items"][0]["id"], PROD);
    assert_eq!(v["items"][0]["permission_sets"], 1);
    assert_eq!(v["items"][0]["status"], "ACTIVE");
    let next = v["next_after"].as_str().unwrap().to_owned();
    let (_, rest) = get_json(
        &a,
        &format!("{base}/accounts?limit=2&after={next}"),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next_after"].is_null());
    let (_, q) = get_json(
        &a,
        &format!("{base}/accounts?q=SANDBOX"),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(q["items"].as_array().unwrap().len(), 1);

    let (_, sets) = get_json(
        &a,
        &format!("{base}/permission-sets?limit=1"),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(sets["items"][0]["name"], "AdministratorAccess");
    assert_eq!(sets["items"][0]["id"], ADMIN_ID);
    let next = urlencoding(sets["next_after"].as_str().unwrap());
    let (_, second) = get_json(
        &a,
        &format!("{base}/permission-sets?limit=1&after={next}"),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(second["items"][0]["name"], "ReadOnly");
    assert!(second["next_after"].is_null());
    let (_, privileged) = get_json(
        &a,
        &format!("{base}/permission-sets?privileged=true"),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(privileged["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_permission_set_is_found_by_id_or_percent_encoded_arn() {
    let a = app().await;
    access_sync(&a, None).await;
    let base = format!("/api/v1/sources/{}/permission-sets", a.source);
    let (status, by_id) = get_json(&a, &format!("{base}/{ADMIN_ID}"), Who::Bearer(&a.token)).await;
    assert_eq!(status, StatusCode::OK, "{by_id}");
    let encoded = urlencoding(arn(ADMIN_ID).as_str());
    let (status, by_arn) = get_json(&a, &format!("{base}/{encoded}"), Who::Bearer(&a.token)).await;
    assert_eq!(status, StatusCode::OK, "{by_arn}");
    assert_eq!(by_id, by_arn);
    assert_eq!(by_id["session_duration"], "PT12H");
    assert_eq!(by_id["session_seconds"], 43_200);
    assert_eq!(
        by_id["inline_policy"],
        seed::INLINE,
        "the text as AWS returned it"
    );
    assert_eq!(by_id["privileged"], true);
    let reasons = by_id["privileged_reasons"].to_string();
    assert!(
        reasons.contains("AdministratorAccess attached") && reasons.contains("inline policy"),
        "{reasons}"
    );
    assert_eq!(by_id["provisioned_accounts"][0]["name"], "prod");
    let (_, read) = get_json(&a, &format!("{base}/{READ_ID}"), Who::Bearer(&a.token)).await;
    assert_eq!(read["customer_managed_policies"][0]["path"], "/roster/");
    assert_eq!(
        read["permissions_boundary"]["managed_policy_arn"],
        "arn:aws:iam::aws:policy/PowerUserAccess"
    );
    assert!(read["inline_policy"].is_null());
    let (status, _) = get_json(
        &a,
        &format!("{base}/ps-ffffffffffffffff"),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) = get_json(&a, &format!("{base}/nonsense"), Who::Bearer(&a.token)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["code"], "invalid-permission-set");
}

#[tokio::test]
async fn another_tenants_source_is_not_found_anywhere() {
    let a = app().await;
    access_sync(&a, None).await;
    let s = &a.source;
    for path in [
        format!("/api/v1/sources/{s}/access"),
        format!("/api/v1/sources/{s}/access/diff"),
        format!("/api/v1/sources/{s}/accounts"),
        format!("/api/v1/sources/{s}/permission-sets"),
        format!("/api/v1/sources/{s}/permission-sets/{ADMIN_ID}"),
        format!("/api/v1/sources/{s}/access-settings"),
        format!("/access?source={s}"),
        format!("/permission-sets/{ADMIN_ID}?source={s}"),
    ] {
        let r = send(&a, "GET", &path, Who::Session(&a.other_admin), None, None).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let body = text(r).await;
        assert!(
            !body.contains("AdministratorAccess") && !body.contains("prod"),
            "{path}: {body}"
        );
    }
    for (method, path, form, json) in [
        (
            "PUT",
            format!("/api/v1/sources/{s}/access-settings"),
            None,
            Some(r#"{"max_session_seconds":3600}"#),
        ),
        (
            "POST",
            format!("/sources/{s}/access/settings"),
            Some("max_session_hours=1"),
            None,
        ),
    ] {
        let r = send(&a, method, &path, Who::Session(&a.other_admin), form, json).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
    let (_, v) = get_json(
        &a,
        &format!("/api/v1/sources/{s}/access-settings"),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(
        v["max_session_seconds"], 28_800,
        "another tenant changed nothing"
    );
}

#[tokio::test]
async fn auditors_read_access_but_change_no_settings() {
    let a = app().await;
    access_sync(&a, None).await;
    let src = &a.source;
    for path in [
        format!("/api/v1/sources/{src}/access"),
        format!("/api/v1/sources/{src}/accounts"),
        format!("/api/v1/sources/{src}/permission-sets"),
        format!("/api/v1/sources/{src}/permission-sets/{READ_ID}"),
        format!("/api/v1/sources/{src}/access-settings"),
        format!("/access?source={src}"),
        format!("/access?source={src}&view=accounts"),
        format!("/access?source={src}&view=permission-sets"),
        format!("/permission-sets/{READ_ID}?source={src}"),
    ] {
        let r = send(&a, "GET", &path, Who::Session(&a.auditor), None, None).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let put = format!("/api/v1/sources/{src}/access-settings");
    let body = r#"{"max_session_seconds":14400}"#;
    let r = send(&a, "PUT", &put, Who::Session(&a.auditor), None, Some(body)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let form = format!("/sources/{src}/access/settings");
    for who in [Who::Session(&a.auditor), Who::SessionNoCsrf(&a.admin)] {
        let r = send(&a, "POST", &form, who, Some("max_session_hours=4"), None).await;
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "an auditor, a form without CSRF"
        );
    }
    let (_, settings) = get_json(&a, &put, Who::Bearer(&a.token)).await;
    assert_eq!(settings["max_session_seconds"], 28_800, "nothing changed");
    let (_, log) = get_json(&a, "/api/v1/audit", Who::Bearer(&a.token)).await;
    assert!(!log.to_string().contains("access.settings"));
}

#[tokio::test]
async fn admins_change_access_settings_validated_and_audited() {
    let a = app().await;
    let put = format!("/api/v1/sources/{}/access-settings", a.source);
    let body = r#"{"max_session_seconds":14400,"boundary_required":true,"privileged_patterns":[" *Power* ","*Power*",""]}"#;
    let r = send(&a, "PUT", &put, Who::Bearer(&a.token), None, Some(body)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(saved["privileged_patterns"], serde_json::json!(["*Power*"]));
    assert_eq!(saved["boundary_required"], true);
    for bad in [
        r#"{"max_session_seconds":0}"#,
        r#"{"max_session_seconds":86400}"#,
        r#"{"max_session_seconds":3600,"privileged_patterns":["a\u0007b"]}"#,
        r#"{"max_session_seconds":3600,"privileged_patterns":["a\u0000b"]}"#,
    ] {
        let r = send(&a, "PUT", &put, Who::Bearer(&a.token), None, Some(bad)).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let missing = Some(r#"{"boundary_required":true}"#);
    let r = send(&a, "PUT", &put, Who::Bearer(&a.token), None, missing).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "max_session_seconds is required"
    );

    let form = format!("/sources/{}/access/settings", a.source);
    let fields = "max_session_hours=2.5&privileged_patterns=%2Aadmin%2A%0D%0Abreak-glass";
    let r = send(
        &a,
        "POST",
        &form,
        Who::Session(&a.admin),
        Some(fields),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, saved) = get_json(&a, &put, Who::Bearer(&a.token)).await;
    assert_eq!(saved["max_session_seconds"], 9_000);
    assert_eq!(
        saved["boundary_required"], false,
        "an unchecked box is false"
    );
    let patterns = serde_json::json!(["*admin*", "break-glass"]);
    assert_eq!(saved["privileged_patterns"], patterns);
    let r = send(
        &a,
        "POST",
        &form,
        Who::Session(&a.admin),
        Some("max_session_hours=13"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    let (_, log) = get_json(&a, "/api/v1/audit", Who::Bearer(&a.token)).await;
    let n = log.to_string().matches("access.settings").count();
    assert_eq!(n, 2, "one audit entry per accepted change: {log}");
}

#[tokio::test]
async fn without_an_access_snapshot_the_api_says_why() {
    let a = app().await;
    let path = format!("/api/v1/sources/{}/access", a.source);
    let (status, v) = get_json(&a, &path, Who::Bearer(&a.token)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("does not collect access"),
        "{v}"
    );
    a.store
        .set_source_collects_access(&roster_core::TenantId::default_tenant(), &a.source, true)
        .await
        .unwrap();
    let (status, v) = get_json(&a, &path, Who::Bearer(&a.token)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("no access snapshot yet"),
        "{v}"
    );
    // Settings can be read and set before the first access sync.
    let (status, v) = get_json(
        &a,
        &format!("/api/v1/sources/{}/access-settings", a.source),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["privileged_patterns"], serde_json::json!(["*admin*"]));
}

#[tokio::test]
async fn the_diff_of_effective_access_names_what_was_gained_and_lost() {
    let a = app().await;
    let first = access_sync(&a, None).await;
    let path = format!("/api/v1/sources/{}/access/diff", a.source);
    let (status, v) = get_json(&a, &path, Who::Bearer(&a.token)).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "only one access snapshot: {v}"
    );
    let second = access_sync(&a, Some(7)).await;
    let (status, v) = get_json(&a, &path, Who::Bearer(&a.token)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["from_sync"], first.0);
    assert_eq!(v["to_sync"], second.0);
    assert_eq!(v["gained"].as_array().unwrap().len(), 0);
    let lost = v["lost"].as_array().unwrap();
    assert_eq!(lost.len(), 1, "{v}");
    assert_eq!(lost[0]["user_id"], "u-0007");
    assert_eq!(lost[0]["via"], "direct");
    let (status, v) = get_json(
        &a,
        &format!("{path}?from={}&to={}", second.0, first.0),
        Who::Bearer(&a.token),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    let (status, _) = get_json(&a, &format!("{path}?from=abc"), Who::Bearer(&a.token)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get_json(&a, &format!("{path}?from=999999"), Who::Bearer(&a.token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
