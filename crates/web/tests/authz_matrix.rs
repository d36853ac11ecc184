//! The authorization matrix: every API route × {anonymous, auditor,
//! reviewer, admin, admin of another tenant, instance admin} → the expected
//! status. The routes come from the `OpenAPI` document the router serves, so
//! a new route without a rule below fails this test (and so does a rule for
//! a route that no longer exists).

#![allow(clippy::unwrap_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use roster_web::{AppState, Ops};
use support::{App, Session, app};
use tower::ServiceExt;

const INSTANCE_ADMIN_TOKEN: &str = "instance-admin-secret-for-tests";

/// Who may do what on a route. A reviewer is refused (403) every route
/// but those of `Rule::AnyRole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Every tenant user, reviewers included (who am I).
    AnyRole,
    /// Any tenant user reads; scoped to the caller's own tenant.
    Read,
    /// Any tenant user reads one object (source, token, …) of their own
    /// tenant; another tenant's ID is simply not found (404).
    OwnRead,
    /// Only a tenant admin changes something of their own tenant.
    Write,
    /// Only an admin of the object's tenant; another tenant's admin → 404.
    OwnWrite,
    /// Only the instance admin's token (`ROSTER_ADMIN_TOKEN`).
    InstanceAdmin,
    /// Only the item's assigned reviewer (here the reviewer; the admin and
    /// the auditor are not assigned); another tenant's admin → 404.
    Assigned,
}

/// What an answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Served: not 401/403/404 and not a server error (validation errors are fine).
    Allowed,
    Status(StatusCode),
}

#[derive(Debug, Clone, Copy)]
enum Caller {
    Anonymous,
    Auditor,
    Reviewer,
    OtherAdmin,
    InstanceAdmin,
    Admin,
}

/// Callers in the order they run: the admin last (its changes could hide others' answers).
const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Auditor,
    Caller::Reviewer,
    Caller::OtherAdmin,
    Caller::InstanceAdmin,
    Caller::Admin,
];

fn expected(rule: Rule, caller: Caller) -> Expect {
    use Expect::{Allowed, Status};
    let (unauth, forbidden, missing) = (
        Status(StatusCode::UNAUTHORIZED),
        Status(StatusCode::FORBIDDEN),
        Status(StatusCode::NOT_FOUND),
    );
    match (rule, caller) {
        (Rule::InstanceAdmin, Caller::InstanceAdmin) => Allowed,
        // Tenant users are never instance admins; the instance admin is no tenant user.
        (Rule::InstanceAdmin, _) | (_, Caller::Anonymous | Caller::InstanceAdmin) => unauth,
        (Rule::AnyRole, _) | (Rule::Assigned, Caller::Reviewer) => Allowed,
        (Rule::Assigned | Rule::OwnRead | Rule::OwnWrite, Caller::OtherAdmin) => missing,
        (Rule::Assigned, _)
        | (_, Caller::Reviewer)
        | (Rule::Write | Rule::OwnWrite, Caller::Auditor) => forbidden,
        _ => Allowed,
    }
}

/// A request body: (content type, body).
type RequestBody = Option<(&'static str, &'static str)>;

/// One rule per route of the `OpenAPI` document: (method, path, rule, body).
const RULES: &[(&str, &str, Rule, RequestBody)] = &[
    ("GET", "/api/v1/me", Rule::AnyRole, None),
    ("GET", "/api/v1/catalog", Rule::Read, None),
    ("GET", "/api/v1/controls", Rule::Read, None),
    ("GET", "/api/v1/audit", Rule::Read, None),
    ("GET", "/api/v1/role-arn/validate?arn=x", Rule::Read, None),
    ("GET", "/api/v1/evidence/public-key", Rule::Read, None),
    (
        "POST",
        "/api/v1/evidence/verify",
        Rule::Read,
        Some(("application/zip", "not a zip")),
    ),
    ("GET", "/api/v1/tokens", Rule::Read, None),
    (
        "POST",
        "/api/v1/tokens",
        Rule::Write,
        Some(("application/json", r#"{"name":"ci"}"#)),
    ),
    ("DELETE", "/api/v1/tokens/{token_id}", Rule::OwnWrite, None),
    (
        "POST",
        "/api/v1/invitations",
        Rule::Write,
        Some((
            "application/json",
            r#"{"email":"new@a.test","role":"auditor"}"#,
        )),
    ),
    ("GET", "/api/v1/sources", Rule::Read, None),
    (
        "POST",
        "/api/v1/sources",
        Rule::Write,
        Some(("application/json", r#"{"kind":"aws-identity-store"}"#)),
    ),
    ("GET", "/api/v1/sources/{id}", Rule::OwnRead, None),
    ("DELETE", "/api/v1/sources/{id}", Rule::OwnWrite, None),
    ("GET", "/api/v1/sources/{id}/setup", Rule::OwnRead, None),
    (
        "POST",
        "/api/v1/sources/{id}/connect",
        Rule::OwnWrite,
        Some((
            "application/json",
            r#"{"role_arn":"arn:aws:iam::123456789012:role/x"}"#,
        )),
    ),
    ("POST", "/api/v1/sources/{id}/sync", Rule::OwnWrite, None),
    (
        "PUT",
        "/api/v1/sources/{id}/enabled",
        Rule::OwnWrite,
        Some(("application/json", r#"{"enabled":false}"#)),
    ),
    (
        "PUT",
        "/api/v1/sources/{id}/schedule",
        Rule::OwnWrite,
        Some(("application/json", r#"{"interval_hours":12,"api_tps":40}"#)),
    ),
    ("GET", "/api/v1/sources/{id}/syncs", Rule::OwnRead, None),
    ("GET", "/api/v1/sources/{id}/users", Rule::OwnRead, None),
    (
        "GET",
        "/api/v1/sources/{id}/users/{user_id}",
        Rule::OwnRead,
        None,
    ),
    ("GET", "/api/v1/sources/{id}/groups", Rule::OwnRead, None),
    (
        "GET",
        "/api/v1/sources/{id}/groups/{group_id}",
        Rule::OwnRead,
        None,
    ),
    (
        "GET",
        "/api/v1/sources/{id}/groups/{group_id}/members",
        Rule::OwnRead,
        None,
    ),
    ("GET", "/api/v1/sources/{id}/diff", Rule::OwnRead, None),
    ("GET", "/api/v1/sources/{id}/checks", Rule::OwnRead, None),
    (
        "GET",
        "/api/v1/sources/{id}/check-settings",
        Rule::OwnRead,
        None,
    ),
    (
        "PUT",
        "/api/v1/sources/{id}/check-settings",
        Rule::OwnWrite,
        Some(("application/json", r#"{"freshness_hours":24}"#)),
    ),
    (
        "PUT",
        "/api/v1/sources/{id}/hr-roster",
        Rule::OwnWrite,
        Some(("text/csv", "email\nuser0@example.com\n")),
    ),
    ("GET", "/api/v1/sources/{id}/report", Rule::OwnRead, None),
    ("GET", "/api/v1/sources/{id}/bundle", Rule::OwnRead, None),
    ("GET", "/api/v1/sources/{id}/access", Rule::OwnRead, None),
    (
        "GET",
        "/api/v1/sources/{id}/access/diff",
        Rule::OwnRead,
        None,
    ),
    ("GET", "/api/v1/sources/{id}/accounts", Rule::OwnRead, None),
    (
        "GET",
        "/api/v1/sources/{id}/permission-sets",
        Rule::OwnRead,
        None,
    ),
    (
        "GET",
        "/api/v1/sources/{id}/permission-sets/{permission_set}",
        Rule::OwnRead,
        None,
    ),
    (
        "GET",
        "/api/v1/sources/{id}/access-settings",
        Rule::OwnRead,
        None,
    ),
    (
        "PUT",
        "/api/v1/sources/{id}/access-settings",
        Rule::OwnWrite,
        Some(("application/json", r#"{"max_session_seconds":14400}"#)),
    ),
    ("GET", "/api/v1/reviews", Rule::Read, None),
    (
        "POST",
        "/api/v1/reviews",
        Rule::OwnWrite,
        Some((
            "application/json",
            r#"{"source":"{id}","reviewer_rule":"reviewer","reviewer":"auditor@a.test"}"#,
        )),
    ),
    ("GET", "/api/v1/reviews/{campaign}", Rule::OwnRead, None),
    (
        "POST",
        "/api/v1/reviews/{campaign}/close",
        Rule::OwnWrite,
        None,
    ),
    (
        "GET",
        "/api/v1/reviews/{campaign}/bundle",
        Rule::OwnRead,
        None,
    ),
    ("GET", "/api/v1/review-queue", Rule::AnyRole, None),
    (
        "POST",
        "/api/v1/reviews/{campaign}/items/{item}/decision",
        Rule::Assigned,
        Some(("application/json", r#"{"decision":"keep"}"#)),
    ),
    (
        "POST",
        "/api/v1/reviews/{campaign}/decisions",
        Rule::Assigned,
        Some(("application/json", r#"{"items":[1],"decision":"keep"}"#)),
    ),
    ("GET", "/api/v1/sources/{id}/owners", Rule::OwnRead, None),
    (
        "PUT",
        "/api/v1/sources/{id}/owners",
        Rule::OwnWrite,
        Some((
            "application/json",
            r#"{"kind":"group","object_id":"g-admins","email":"auditor@a.test"}"#,
        )),
    ),
    ("GET", "/api/v1/admin/tenants", Rule::InstanceAdmin, None),
    (
        "POST",
        "/api/v1/admin/tenants",
        Rule::InstanceAdmin,
        Some(("application/json", r#"{"id":"acme","name":"Acme"}"#)),
    ),
    (
        "POST",
        "/api/v1/admin/tenants/{tenant}/invitations",
        Rule::InstanceAdmin,
        Some((
            "application/json",
            r#"{"email":"first@acme.test","role":"admin"}"#,
        )),
    ),
];

/// (method, path template) of every operation in the `OpenAPI` document.
fn documented_routes() -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_str(&roster_web::openapi_json()).unwrap();
    let mut routes = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            routes.push((method.to_uppercase(), path.clone()));
        }
    }
    routes.sort();
    routes
}

fn template(path: &str) -> &str {
    path.split('?').next().unwrap()
}

#[test]
fn every_documented_route_has_exactly_one_rule() {
    let documented = documented_routes();
    let missing: Vec<_> = documented
        .iter()
        .filter(|(m, p)| {
            !RULES
                .iter()
                .any(|(rm, rp, ..)| rm == m && template(rp) == p)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "API routes without an authorization rule: {missing:?}"
    );
    let stale: Vec<_> = RULES
        .iter()
        .filter(|(m, p, ..)| {
            !documented
                .iter()
                .any(|(dm, dp)| dm == m && dp == template(p))
        })
        .collect();
    assert!(
        stale.is_empty(),
        "rules for routes that do not exist: {stale:?}"
    );
    for (i, (m, p, ..)) in RULES.iter().enumerate() {
        assert!(
            !RULES[i + 1..].iter().any(|(m2, p2, ..)| m2 == m && p2 == p),
            "two rules for {m} {p}"
        );
    }
}

/// A campaign of the app's source whose one item (1) the reviewer reviews.
async fn campaign(app: &App) -> String {
    let req = roster_engine::review::OpenRequest {
        source: app.source.clone(),
        kind: roster_core::review::PopulationKind::Memberships,
        filter: roster_core::review::PopulationFilter::default(),
        name: None,
        reviewer: Some("reviewer@a.test".into()),
        fallback_reviewer: None,
        due_at: None,
        remediation_days: None,
        actor: "admin@a.test".into(),
    };
    let tenant = roster_core::TenantId::default_tenant();
    roster_engine::review::open_campaign(app.store.as_ref(), &tenant, &req)
        .await
        .unwrap()
        .id
        .to_string()
}

fn concrete(app: &App, campaign: &str, path: &str) -> String {
    path.replace("{id}", app.source.as_str())
        .replace("{campaign}", campaign)
        .replace("{item}", "1")
        .replace("{user_id}", &app.user_id)
        .replace("{group_id}", &app.group_id)
        .replace("{permission_set}", "ps-0000000000000001")
        .replace("{token_id}", "tok_1")
        .replace("{tenant}", "other")
}

async fn call(
    router: &axum::Router,
    app: &App,
    caller: Caller,
    method: &str,
    path: &str,
    body: Option<(&str, &str)>,
) -> StatusCode {
    let mut b = Request::builder().method(method).uri(path);
    let session = |s: &Session, b: axum::http::request::Builder| {
        b.header(header::COOKIE, format!("roster_session={}", s.cookie))
            .header("x-csrf-token", &s.csrf)
    };
    b = match caller {
        Caller::Anonymous => b,
        Caller::Auditor => session(&app.auditor, b),
        Caller::Reviewer => session(&app.reviewer, b),
        Caller::OtherAdmin => session(&app.other_admin, b),
        Caller::Admin => session(&app.admin, b),
        Caller::InstanceAdmin => b.header(
            header::AUTHORIZATION,
            format!("Bearer {INSTANCE_ADMIN_TOKEN}"),
        ),
    };
    let body = match body {
        Some((ctype, text)) => {
            b = b.header(header::CONTENT_TYPE, ctype);
            Body::from(text.to_owned())
        }
        None => Body::empty(),
    };
    router
        .clone()
        .oneshot(b.body(body).unwrap())
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn every_route_answers_every_caller_as_its_rule_says() {
    let mut failures = Vec::new();
    for (method, path, rule, body) in RULES {
        // A fresh app per route: one route's changes never leak into another's.
        let app = app().await;
        let ops = Ops {
            admin_token: Some(INSTANCE_ADMIN_TOKEN.into()),
            ..Ops::default()
        };
        let state = AppState::new(
            app.store.clone(),
            None,
            Some("arn:aws:iam::111122223333:role/roster".into()),
        )
        .with_ops(ops);
        let router = roster_web::router(state);
        let campaign = campaign(&app).await;
        let uri = concrete(&app, &campaign, path);
        let body = body.map(|(ctype, text)| (ctype, concrete(&app, &campaign, text)));
        for caller in CALLERS {
            let sent = body.as_ref().map(|(ctype, text)| (*ctype, text.as_str()));
            let got = call(&router, &app, caller, method, &uri, sent).await;
            let ok = match expected(*rule, caller) {
                Expect::Allowed => {
                    ![
                        StatusCode::UNAUTHORIZED,
                        StatusCode::FORBIDDEN,
                        StatusCode::NOT_FOUND,
                    ]
                    .contains(&got)
                        && !got.is_server_error()
                }
                Expect::Status(s) => got == s,
            };
            if !ok {
                failures.push(format!(
                    "{method} {path} as {caller:?}: got {got}, expected {:?}",
                    expected(*rule, caller)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}
