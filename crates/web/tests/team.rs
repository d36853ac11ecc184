//! The team page: admins invite people by one-time link from the console;
//! auditors see the team and cannot invite.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use support::{Who, app, send, text};

#[tokio::test]
async fn an_admin_invites_from_the_console_and_the_link_works_once() {
    let a = app().await;
    let r = send(
        &a,
        "POST",
        "/settings/team",
        Who::Session(&a.admin),
        Some("email=New.Auditor%40a.test&role=auditor"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = text(r).await;
    let start = page.find("/invite/").expect("the one-time link is shown");
    let link: String = page[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/-_".contains(*c))
        .collect();
    assert!(link.len() > "/invite/".len() + 20, "{link}");
    assert!(
        page.contains("new.auditor@a.test"),
        "the team lists the invitee"
    );

    let form = send(&a, "GET", &link, Who::Anonymous, None, None).await;
    assert_eq!(form.status(), StatusCode::OK);
    let accepted = send(
        &a,
        "POST",
        &link,
        Who::InviteForm,
        Some("password=correct-horse-battery-staple"),
        None,
    )
    .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let again = send(&a, "GET", &link, Who::Anonymous, None, None).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "the link works once");

    let audit = text(send(&a, "GET", "/audit", Who::Session(&a.admin), None, None).await).await;
    assert!(audit.contains("user.invite"), "the invitation is audited");
}

#[tokio::test]
async fn invitations_are_checked_and_only_admins_send_them() {
    let a = app().await;
    for (body, status) in [
        ("email=not-an-email&role=auditor", StatusCode::BAD_REQUEST),
        ("email=x%40a.test&role=owner", StatusCode::BAD_REQUEST),
        ("email=admin%40a.test&role=auditor", StatusCode::CONFLICT),
    ] {
        let r = send(
            &a,
            "POST",
            "/settings/team",
            Who::Session(&a.admin),
            Some(body),
            None,
        )
        .await;
        assert_eq!(r.status(), status, "{body}");
    }
    let auditor = send(
        &a,
        "POST",
        "/settings/team",
        Who::Session(&a.auditor),
        Some("email=y%40a.test&role=admin"),
        None,
    )
    .await;
    assert_eq!(auditor.status(), StatusCode::FORBIDDEN);
    let no_csrf = send(
        &a,
        "POST",
        "/settings/team",
        Who::SessionNoCsrf(&a.admin),
        Some("email=z%40a.test&role=auditor"),
        None,
    )
    .await;
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);
    let page = text(
        send(
            &a,
            "GET",
            "/settings/team",
            Who::Session(&a.auditor),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(page.contains("admin@a.test") && page.contains("auditor@a.test"));
    assert!(
        !page.contains("admin@b.test"),
        "another tenant's people are not listed"
    );
    assert!(
        !page.contains("id=\"invite\""),
        "auditors get no invitation form"
    );
}
