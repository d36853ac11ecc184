//! Connecting the SSO source in the console, without AWS: the catalog card
//! turns on (CSRF, admins only) a connection that collects access, whose
//! wizard shows the SSO role, statement and steps; an Identity Store
//! connection's settings offer "Also collect access"; the connect API takes
//! `collect_access` and refuses anything else in it.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use roster_core::SourceId;
use support::{Who, admin_page, app, send, text};

/// Turns the SSO card on as the admin; returns the new source's ID.
async fn turn_on_sso(a: &support::App) -> SourceId {
    let r = send(
        a,
        "POST",
        "/sources",
        Who::Session(&a.admin),
        Some("kind=aws-sso&on=on"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let id = to
        .strip_prefix("/sources/")
        .and_then(|s| s.strip_suffix("/wizard"))
        .unwrap();
    SourceId::parse(id).unwrap()
}

#[tokio::test]
async fn the_sso_card_turns_on_a_connection_that_collects_access() {
    let a = app().await;
    let catalog = admin_page(&a, "/sources").await;
    assert!(!catalog.contains("Coming soon"), "{catalog}");
    let id = turn_on_sso(&a).await;
    let source = a
        .store
        .get_source(&roster_core::TenantId::default_tenant(), &id)
        .await
        .unwrap();
    assert!(source.collects_access);
    assert_eq!(source.name, "AWS IAM Identity Center (SSO)");

    let wizard = admin_page(&a, &format!("/sources/{id}/wizard")).await;
    assert!(wizard.contains("Connect AWS IAM Identity Center (SSO)"));
    for step in ["sso-permission-sets", "sso-accounts", "sso-assignments"] {
        assert!(wizard.contains(&format!("data-step=\"{step}\"")), "{step}");
    }
    assert!(wizard.contains("RosterReadIdentityCenterAccess"));
    assert!(wizard.contains("roster-identity-center"));
    assert!(
        !wizard.contains("data-collect-access"),
        "the SSO source collects access by itself"
    );
}

#[tokio::test]
async fn turning_the_sso_card_on_needs_the_csrf_token_and_an_admin() {
    let a = app().await;
    let before = a
        .store
        .list_sources(&roster_core::TenantId::default_tenant())
        .await
        .unwrap()
        .len();
    let r = send(
        &a,
        "POST",
        "/sources",
        Who::SessionNoCsrf(&a.admin),
        Some("csrf=wrong&kind=aws-sso"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(
        &a,
        "POST",
        "/sources",
        Who::Session(&a.auditor),
        Some("kind=aws-sso"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(
        &a,
        "POST",
        "/api/v1/sources",
        Who::Session(&a.admin),
        None,
        Some(r#"{"kind":"aws-sso","name":"bad\u0000name"}"#),
    )
    .await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let after = a
        .store
        .list_sources(&roster_core::TenantId::default_tenant())
        .await
        .unwrap()
        .len();
    assert_eq!(before, after, "nothing was created");
}

#[tokio::test]
async fn the_api_setup_of_an_sso_source_carries_the_sso_role() {
    let a = app().await;
    let r = send(
        &a,
        "POST",
        "/api/v1/sources",
        Who::Bearer(&a.token),
        None,
        Some(r#"{"kind":"aws-sso"}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    let id = created["id"].as_str().unwrap();
    let r = send(
        &a,
        "GET",
        &format!("/api/v1/sources/{id}/setup"),
        Who::Bearer(&a.token),
        None,
        None,
    )
    .await;
    let setup: serde_json::Value = serde_json::from_str(&text(r).await).unwrap();
    assert_eq!(setup["collects_access"], true);
    let policy: serde_json::Value =
        serde_json::from_str(setup["permissions_policy"].as_str().unwrap()).unwrap();
    let sids: Vec<&str> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        sids,
        [
            "RosterReadIdentityStore",
            "RosterDiscoverIdentityCenter",
            "RosterReadIdentityCenterAccess"
        ]
    );
    for text in ["cloudformation", "terraform", "aws_cli"] {
        let t = setup[text].as_str().unwrap();
        assert!(t.contains("sso:ListAccountAssignments"), "{text}");
        assert!(t.contains("roster-identity-center"), "{text}");
    }
}

#[tokio::test]
async fn an_identity_store_connection_offers_also_collect_access() {
    let a = app().await;
    let settings = admin_page(&a, &format!("/sources/{}", a.source)).await;
    let link = format!("/sources/{}/wizard?collect=access", a.source);
    assert!(settings.contains(&link), "{settings}");
    assert!(settings.contains("no: the directory only"));
    let page = admin_page(&a, &link).await;
    assert!(page.contains("Also collect access"));
    assert!(page.contains("id=\"sso-statement\""));
    assert!(page.contains("data-collect-access=\"true\""));
    assert!(page.contains("data-step=\"sso-assignments\""));
    assert!(page.contains("Test and collect access"));
    let plain = admin_page(&a, &format!("/sources/{}/wizard", a.source)).await;
    assert!(!plain.contains("data-collect-access"));
    assert!(!plain.contains("data-step=\"sso-accounts\""));

    let sso = turn_on_sso(&a).await;
    let settings = admin_page(&a, &format!("/sources/{sso}")).await;
    assert!(
        !settings.contains("wizard?collect=access"),
        "already collects it"
    );
    assert!(settings.contains("yes: permission sets"));

    let foreign = send(&a, "GET", &link, Who::Session(&a.other_admin), None, None).await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_connect_api_takes_collect_access_as_a_boolean_only() {
    let a = app().await;
    let path = format!("/api/v1/sources/{}/connect", a.source);
    let arn = "arn:aws:iam::111122223333:role/roster";
    for bad in [
        format!(r#"{{"role_arn":"{arn}","collect_access":"yes"}}"#),
        format!(r#"{{"role_arn":"{arn}","collect_access":1}}"#),
    ] {
        let r = send(&a, "POST", &path, Who::Session(&a.admin), None, Some(&bad)).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // Well-formed, but this console has no AWS identity to run the test with.
    let ok = format!(r#"{{"role_arn":"{arn}","collect_access":true}}"#);
    let r = send(&a, "POST", &path, Who::Session(&a.admin), None, Some(&ok)).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(text(r).await.contains("no-aws-credentials"));
    let r = send(
        &a,
        "POST",
        &path,
        Who::SessionNoCsrf(&a.admin),
        None,
        Some(&ok),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(&a, "POST", &path, Who::Session(&a.auditor), None, Some(&ok)).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.other_admin),
        None,
        Some(&ok),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
