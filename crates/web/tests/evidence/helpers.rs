//! Helpers of the evidence router tests: a second sync that changes the
//! directory, raw and multipart requests, and the evidence route table.

#![allow(dead_code, clippy::unwrap_used)]

use axum::body::{Body, Bytes};
use axum::http::{Request, Response, header};
use http_body_util::BodyExt;
use roster_core::{
    Group, GroupId, IdentityStoreId, Membership, MembershipId, SyncId, SyncStats, TenantId, User,
    UserId,
};
use roster_store::StageBatch;
use tower::ServiceExt;

use crate::support::{App, Who};

/// A second sync of the test source: `u-0059` gone, `u-0100` new, the
/// `Admins` group renamed, membership `m-1` replaced by `m-2`.
pub async fn second_sync(a: &App) -> SyncId {
    let tenant = TenantId::default_tenant();
    let isid = IdentityStoreId::parse("d-1234567890").unwrap();
    let mut users = Vec::new();
    for i in (0..59).chain([100]) {
        let mut u = User::new(isid.clone(), UserId::parse(&format!("u-{i:04}")).unwrap());
        u.user_name = Some(format!("user{i}"));
        u.display_name = Some(format!("User {i}"));
        users.push(u);
    }
    let mut g = Group::new(isid, GroupId::parse("g-admins").unwrap());
    g.display_name = Some("Platform Admins".into());
    let m = Membership {
        membership_id: MembershipId::parse("m-2").unwrap(),
        group_id: g.group_id.clone(),
        user_id: users[1].user_id.clone(),
        meta: roster_core::directory::MembershipMeta::default(),
    };
    let sync = a.store.begin_sync(&tenant, &a.source).await.unwrap();
    let batch = StageBatch {
        users,
        groups: vec![g],
        memberships: vec![m],
    };
    a.store.stage(&tenant, sync, &batch).await.unwrap();
    a.store
        .publish_sync(&tenant, sync, None, &SyncStats::default())
        .await
        .unwrap();
    sync
}

/// The first (only complete) sync of the test source.
pub async fn first_sync(a: &App) -> SyncId {
    a.store
        .latest_snapshot(&TenantId::default_tenant(), &a.source)
        .await
        .unwrap()
        .unwrap()
        .sync_id
}

pub const BOUNDARY: &str = "rosterTestBoundary";

/// A multipart form body: text fields, then a file field `file`.
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut b = Vec::new();
    for (k, v) in fields {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        b.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        b.extend_from_slice(bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

/// A request with a raw body and content type (uploads, multipart forms).
pub async fn send_raw(
    a: &App,
    method: &str,
    path: &str,
    who: &Who<'_>,
    content_type: &str,
    body: Vec<u8>,
) -> Response<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, content_type);
    match who {
        Who::Anonymous | Who::SignInForm | Who::InviteForm => {}
        Who::Session(s) | Who::SessionNoCsrf(s) => {
            b = b.header(header::COOKIE, format!("roster_session={}", s.cookie));
        }
        Who::Bearer(t) => b = b.header(header::AUTHORIZATION, format!("Bearer {t}")),
    }
    if let Who::Session(s) = who {
        b = b.header("x-csrf-token", &s.csrf);
    }
    a.router
        .clone()
        .oneshot(b.body(Body::from(body)).unwrap())
        .await
        .unwrap()
}

/// A multipart form post from `who` (with its CSRF field when it is a `Session`).
pub async fn post_multipart(
    a: &App,
    path: &str,
    who: &Who<'_>,
    extra: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Response<Body> {
    let mut fields: Vec<(&str, &str)> = Vec::new();
    if let Who::Session(s) = who {
        fields.push(("csrf", &s.csrf));
    }
    fields.extend_from_slice(extra);
    let body = multipart(&fields, file);
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    send_raw(a, "POST", path, who, &ct, body).await
}

pub async fn bytes(r: Response<Body>) -> Bytes {
    r.into_body().collect().await.unwrap().to_bytes()
}

/// How a route is called in the generic tests.
#[derive(Debug, Clone)]
pub enum Call {
    Get,
    /// A URL-encoded form (pages).
    Form(&'static str),
    /// A multipart form with a file (pages).
    Upload(&'static [u8]),
    /// A JSON body.
    Json(&'static str),
    /// A raw body with its content type (API uploads).
    Raw(&'static str, &'static [u8]),
}

/// Every evidence route: (method, path, call, changes something).
pub fn routes(a: &App, sync: SyncId) -> Vec<(&'static str, String, Call, bool)> {
    let s = &a.source;
    vec![
        ("GET", format!("/checks?source={s}"), Call::Get, false),
        (
            "GET",
            format!("/checks?source={s}&check=IDS-01&page=1"),
            Call::Get,
            false,
        ),
        (
            "GET",
            format!("/checks/controls?source={s}"),
            Call::Get,
            false,
        ),
        (
            "POST",
            format!("/sources/{s}/checks/settings"),
            Call::Form("exemptions=user1&privileged_patterns=*admin*&freshness_hours=24"),
            true,
        ),
        (
            "POST",
            format!("/sources/{s}/checks/hr-roster"),
            Call::Upload(b"email\nuser1@a.test\n"),
            true,
        ),
        ("GET", format!("/syncs/{sync}/diff"), Call::Get, false),
        ("GET", format!("/evidence?source={s}"), Call::Get, false),
        ("GET", format!("/evidence/{sync}/bundle"), Call::Get, false),
        ("GET", format!("/reports/{sync}"), Call::Get, false),
        (
            "POST",
            "/evidence/verify".into(),
            Call::Upload(b"not a zip"),
            false,
        ),
        ("GET", format!("/api/v1/sources/{s}/diff"), Call::Get, false),
        (
            "GET",
            format!("/api/v1/sources/{s}/checks"),
            Call::Get,
            false,
        ),
        (
            "GET",
            format!("/api/v1/sources/{s}/check-settings"),
            Call::Get,
            false,
        ),
        (
            "PUT",
            format!("/api/v1/sources/{s}/check-settings"),
            Call::Json(
                r#"{"exemptions":["user1"],"privileged_patterns":["*admin*"],"freshness_hours":24}"#,
            ),
            true,
        ),
        (
            "PUT",
            format!("/api/v1/sources/{s}/hr-roster"),
            Call::Raw("text/csv", b"email\nuser1@a.test\n"),
            true,
        ),
        (
            "GET",
            format!("/api/v1/sources/{s}/bundle?sync={sync}"),
            Call::Get,
            false,
        ),
        (
            "GET",
            format!("/api/v1/sources/{s}/report?sync={sync}"),
            Call::Get,
            false,
        ),
        ("GET", "/api/v1/controls".into(), Call::Get, false),
        (
            "GET",
            "/api/v1/evidence/public-key".into(),
            Call::Get,
            false,
        ),
        (
            "POST",
            "/api/v1/evidence/verify".into(),
            Call::Raw("application/zip", b"PK"),
            false,
        ),
    ]
}

/// Sends one route of the table as `who`.
pub async fn call(a: &App, method: &str, path: &str, c: &Call, who: &Who<'_>) -> Response<Body> {
    match c {
        Call::Get => send_raw(a, method, path, who, "text/plain", Vec::new()).await,
        Call::Form(f) => {
            let body = match who {
                Who::Session(s) => format!("csrf={}&{f}", s.csrf),
                _ => (*f).to_owned(),
            };
            send_raw(
                a,
                method,
                path,
                who,
                "application/x-www-form-urlencoded",
                body.into_bytes(),
            )
            .await
        }
        Call::Upload(bytes) => post_multipart(a, path, who, &[], Some(("upload.bin", bytes))).await,
        Call::Json(j) => {
            send_raw(
                a,
                method,
                path,
                who,
                "application/json",
                j.as_bytes().to_vec(),
            )
            .await
        }
        Call::Raw(ct, bytes) => send_raw(a, method, path, who, ct, bytes.to_vec()).await,
    }
}
