//! Test harness: the router over an in-memory store with two tenants, an
//! admin and an auditor signed in, a token, and one synced source.

#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, header};
use http_body_util::BodyExt;
use roster_core::{
    ExternalId, Group, GroupId, IdentityStoreId, Membership, MembershipId, SourceId, SyncStats,
    TenantId, User, UserId,
};
use roster_store::{
    ConsoleRole, NewApiToken, NewConsoleUser, NewSource, SourceStatus, StageBatch, Store,
};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

pub fn sha(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .fold(String::new(), |acc, b| acc + &format!("{b:02x}"))
}

#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

#[derive(Debug)]
pub struct App {
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub admin: Session,
    pub auditor: Session,
    pub other_admin: Session,
    /// A reviewer of the default tenant (`reviewer@a.test`).
    pub reviewer: Session,
    pub token: String,
    /// A synced source of the default tenant.
    pub source: SourceId,
    pub user_id: String,
    pub group_id: String,
}

async fn session(
    store: &Arc<dyn Store>,
    tenant: &TenantId,
    email: &str,
    role: ConsoleRole,
) -> (Session, String) {
    let user = store
        .create_console_user(
            tenant,
            &NewConsoleUser {
                id: format!("usr_{}", &sha(email)[..16]),
                email: email.into(),
                password_hash: "x".into(),
                role,
            },
        )
        .await
        .unwrap();
    let cookie = format!("cookie-{email}");
    let csrf = format!("csrf-{email}");
    store
        .create_session(
            &sha(&cookie),
            &user,
            &csrf,
            roster_core::Timestamp::parse("2999-01-01T00:00:00.000Z").unwrap(),
        )
        .await
        .unwrap();
    (Session { cookie, csrf }, user.id)
}

async fn synced_source(store: &Arc<dyn Store>, tenant: &TenantId) -> (SourceId, String, String) {
    let id = SourceId::generate();
    store
        .create_source(
            tenant,
            &NewSource {
                id: id.clone(),
                name: "Directory".into(),
                role_arn: None,
                external_id: ExternalId::generate(),
                status: SourceStatus::Connected,
            },
        )
        .await
        .unwrap();
    let isid = IdentityStoreId::parse("d-1234567890").unwrap();
    let mut users = Vec::new();
    for i in 0..60 {
        let mut u = User::new(isid.clone(), UserId::parse(&format!("u-{i:04}")).unwrap());
        u.user_name = Some(format!("user{i}"));
        u.display_name = Some(format!("User {i}"));
        users.push(u);
    }
    let mut g = Group::new(isid.clone(), GroupId::parse("g-admins").unwrap());
    g.display_name = Some("Admins".into());
    let m = Membership {
        membership_id: MembershipId::parse("m-1").unwrap(),
        group_id: g.group_id.clone(),
        user_id: users[0].user_id.clone(),
        meta: roster_core::directory::MembershipMeta::default(),
    };
    let sync = store.begin_sync(tenant, &id).await.unwrap();
    store
        .stage(
            tenant,
            sync,
            &StageBatch {
                users,
                groups: vec![g],
                memberships: vec![m],
            },
        )
        .await
        .unwrap();
    store
        .publish_sync(tenant, sync, None, &SyncStats::default())
        .await
        .unwrap();
    (id, "u-0000".into(), "g-admins".into())
}

pub async fn app() -> App {
    let store = roster_store::connect("sqlite::memory:").await.unwrap();
    let tenant = TenantId::default_tenant();
    let other = TenantId::parse("other").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    let (admin, admin_id) = session(&store, &tenant, "admin@a.test", ConsoleRole::Admin).await;
    let (auditor, _) = session(&store, &tenant, "auditor@a.test", ConsoleRole::Auditor).await;
    let (other_admin, _) = session(&store, &other, "admin@b.test", ConsoleRole::Admin).await;
    let (reviewer, _) = session(&store, &tenant, "reviewer@a.test", ConsoleRole::Reviewer).await;
    let token = "rst_test_token_value".to_owned();
    store
        .create_api_token(
            &tenant,
            &NewApiToken {
                id: "tok_1".into(),
                user_id: admin_id,
                name: "t".into(),
                token_hash: sha(&token),
                prefix: "rst_test".into(),
            },
        )
        .await
        .unwrap();
    let (source, user_id, group_id) = synced_source(&store, &tenant).await;
    let state = roster_web::AppState::new(
        store.clone(),
        None,
        Some("arn:aws:iam::111122223333:role/roster".into()),
    );
    App {
        router: roster_web::router(state),
        store,
        admin,
        auditor,
        other_admin,
        reviewer,
        token,
        source,
        user_id,
        group_id,
    }
}

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Who<'a> {
    Anonymous,
    Session(&'a Session),
    /// A session, but the request omits the CSRF token.
    SessionNoCsrf(&'a Session),
    Bearer(&'a str),
    /// No session; the sign-in form's token in its cookie and in the form.
    SignInForm,
    /// No session; the invitation form's token in its cookie and in the form.
    InviteForm,
}

/// The sign-in token `Who::SignInForm` sends (any value works twice).
pub const SIGNIN_TOKEN: &str = "signin-token-for-tests-0123456789abcdef";

/// The invitation form's token `Who::InviteForm` sends (any value works twice).
pub const INVITE_TOKEN: &str = "invite-token-for-tests-0123456789abcdef";

pub async fn send(
    app: &App,
    method: &str,
    path: &str,
    who: Who<'_>,
    form: Option<&str>,
    json: Option<&str>,
) -> Response<Body> {
    let mut b = Request::builder().method(method).uri(path);
    match &who {
        Who::Anonymous => {}
        Who::Session(s) | Who::SessionNoCsrf(s) => {
            b = b.header(header::COOKIE, format!("roster_session={}", s.cookie));
        }
        Who::Bearer(t) => b = b.header(header::AUTHORIZATION, format!("Bearer {t}")),
        Who::SignInForm => {
            b = b.header(header::COOKIE, format!("roster_signin={SIGNIN_TOKEN}"));
        }
        Who::InviteForm => {
            b = b.header(header::COOKIE, format!("roster_invite={INVITE_TOKEN}"));
        }
    }
    if let Who::Session(s) = &who {
        b = b.header("x-csrf-token", &s.csrf);
    }
    let body = if let Some(f) = form {
        b = b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let csrf = match &who {
            Who::Session(s) => format!("csrf={}&", s.csrf),
            Who::SignInForm => format!("csrf={SIGNIN_TOKEN}&"),
            Who::InviteForm => format!("csrf={INVITE_TOKEN}&"),
            _ => String::new(),
        };
        Body::from(format!("{csrf}{f}"))
    } else if let Some(j) = json {
        b = b.header(header::CONTENT_TYPE, "application/json");
        Body::from(j.to_owned())
    } else {
        Body::empty()
    };
    app.router
        .clone()
        .oneshot(b.body(body).unwrap())
        .await
        .unwrap()
}

pub async fn text(r: Response<Body>) -> String {
    String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

/// A response's JSON body.
pub async fn json_of(r: Response<Body>) -> serde_json::Value {
    serde_json::from_str(&text(r).await).unwrap()
}

/// Another console user of the default tenant, with `role`, signed in.
pub async fn signed_in(a: &App, email: &str, role: ConsoleRole) -> Session {
    session(&a.store, &TenantId::default_tenant(), email, role)
        .await
        .0
}

/// The body of a console page `path` as the tenant's admin sees it.
pub async fn admin_page(a: &App, path: &str) -> String {
    text(send(a, "GET", path, Who::Session(&a.admin), None, None).await).await
}
