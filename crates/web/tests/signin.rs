//! Signing in: the first admin's one-time setup link, the sign-in form's own
//! CSRF token, and the per-account rate limit.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use support::{App, Who, app, send, text};

#[tokio::test]
async fn the_first_admin_is_created_through_the_one_time_setup_link() {
    let store = roster_store::connect("sqlite::memory:").await.unwrap();
    let boot = roster_web::bootstrap(store.as_ref(), None).await.unwrap();
    let roster_web::Bootstrap::SetupLink(link) = boot else {
        panic!("{boot:?}")
    };
    let router = roster_web::router(roster_web::AppState::new(store.clone(), None, None));
    let a = App {
        router,
        ..app().await
    };
    let r = send(&a, "GET", "/sources", Who::Anonymous, None, None).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "nothing is open before setup"
    );
    assert_eq!(
        send(&a, "GET", &link, Who::Anonymous, None, None)
            .await
            .status(),
        StatusCode::OK
    );
    let weak = send(
        &a,
        "POST",
        &link,
        Who::Anonymous,
        Some("email=first%40x.test&password=short"),
        None,
    )
    .await;
    assert!(text(weak).await.contains("at least 12"));
    let r = send(
        &a,
        "POST",
        &link,
        Who::Anonymous,
        Some("email=first%40x.test&password=correct-horse-battery"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Secure"),
        "{cookie}"
    );
    let again = send(
        &a,
        "POST",
        &link,
        Who::Anonymous,
        Some("email=second%40x.test&password=correct-horse-battery"),
        None,
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "the link works once");
    let ok = send(
        &a,
        "POST",
        "/signin",
        Who::SignInForm,
        Some("email=FIRST%40x.test&password=correct-horse-battery"),
        None,
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_in_needs_the_forms_own_token() {
    let a = app().await;
    let form = send(&a, "GET", "/signin", Who::Anonymous, None, None).await;
    let cookie = form.headers()[axum::http::header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("roster_signin=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let token = cookie["roster_signin=".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        text(form).await.contains(&token),
        "the form carries the cookie's token"
    );
    let forged = send(
        &a,
        "POST",
        "/signin",
        Who::Anonymous,
        Some("email=admin%40a.test&password=wrong-password"),
        None,
    )
    .await;
    assert_eq!(
        forged.status(),
        StatusCode::FORBIDDEN,
        "a cross-site post has no token"
    );
    let wrong = send(
        &a,
        "POST",
        "/signin",
        Who::SignInForm,
        Some("email=admin%40a.test&password=wrong-password"),
        None,
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account() {
    let a = app().await;
    for _ in 0..5 {
        let r = send(
            &a,
            "POST",
            "/signin",
            Who::SignInForm,
            Some("email=admin%40a.test&password=wrong-password"),
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = send(
        &a,
        "POST",
        "/signin",
        Who::SignInForm,
        Some("email=admin%40a.test&password=wrong-password"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}
