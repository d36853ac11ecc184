//! What review routes refuse: a form without its CSRF token, NUL and
//! oversized input, and another tenant's campaign (not found).

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{decision_path, json_of, open, queue, second_reviewer};
use crate::support::{Who, app, send};

#[tokio::test]
async fn every_review_form_needs_its_csrf_token() {
    let a = app().await;
    second_reviewer(&a).await;
    let c = open(&a).await;
    let item = queue(&a, &a.reviewer).await[0].0;
    let keep = r#"{"decision":"keep"}"#;
    let r = send(
        &a,
        "POST",
        &decision_path(&c, item),
        Who::SessionNoCsrf(&a.reviewer),
        None,
        Some(keep),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for (path, form) in [
        (format!("/reviews/{c}/items/{item}/decide"), "decision=keep"),
        (format!("/reviews/{c}/bulk"), "item=1"),
    ] {
        let r = send(
            &a,
            "POST",
            &path,
            Who::SessionNoCsrf(&a.reviewer),
            Some(form),
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    for (path, form) in [
        ("/reviews".to_owned(), format!("source={}", a.source)),
        (format!("/reviews/{c}/close"), String::new()),
        (
            "/reviews/owners".into(),
            format!(
                "source={}&kind=group&object_id=g-admins&email=second%40a.test",
                a.source
            ),
        ),
    ] {
        let r = send(
            &a,
            "POST",
            &path,
            Who::SessionNoCsrf(&a.admin),
            Some(&form),
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn nul_and_oversized_review_input_is_refused() {
    let a = app().await;
    second_reviewer(&a).await;
    let c = open(&a).await;
    let item = queue(&a, &a.reviewer).await[0].0;
    let nul = r#"{"decision":"revoke","comment":"bad\u0000"}"#;
    let r = send(
        &a,
        "POST",
        &decision_path(&c, item),
        Who::Session(&a.reviewer),
        None,
        Some(nul),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = send(
        &a,
        "POST",
        &format!("/reviews/{c}/items/{item}/decide"),
        Who::Session(&a.reviewer),
        Some("decision=revoke&comment=a%00b"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = send(
        &a,
        "GET",
        &format!("/api/v1/reviews/{c}%00"),
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let long = "x".repeat(5000);
    let body = json!({"decision": "revoke", "comment": long}).to_string();
    let r = send(
        &a,
        "POST",
        &decision_path(&c, item),
        Who::Session(&a.reviewer),
        None,
        Some(&body),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "an oversized comment");
    assert_eq!(
        queue(&a, &a.reviewer).await.len(),
        4,
        "nothing was recorded"
    );
    let many: Vec<i64> = (1..=501).collect();
    let body = json!({"items": many, "decision": "keep"}).to_string();
    let path = format!("/api/v1/reviews/{c}/decisions");
    let r = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.reviewer),
        None,
        Some(&body),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a bulk decision names at most 500 items"
    );
    let page = format!("/api/v1/reviews/{c}?limit=4294967295&after=-9");
    let r = send(&a, "GET", &page, Who::Session(&a.admin), None, None).await;
    assert_eq!(r.status(), StatusCode::OK, "an oversized page is clamped");
}

#[tokio::test]
async fn another_tenants_campaign_is_not_found() {
    let a = app().await;
    second_reviewer(&a).await;
    let c = open(&a).await;
    let item = queue(&a, &a.reviewer).await[0].0;
    let who = Who::Session(&a.other_admin);
    for (method, path, json) in [
        ("GET", format!("/api/v1/reviews/{c}"), None),
        ("GET", format!("/api/v1/reviews/{c}/bundle"), None),
        ("POST", format!("/api/v1/reviews/{c}/close"), None),
        (
            "POST",
            decision_path(&c, item),
            Some(r#"{"decision":"reassign","reassign_to":"admin@b.test"}"#),
        ),
        ("GET", format!("/reviews/{c}"), None),
        ("GET", format!("/api/v1/sources/{}/owners", a.source), None),
    ] {
        let r = send(&a, method, &path, who.clone(), None, json).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {path}");
    }
    let r = send(&a, "GET", "/api/v1/reviews", who.clone(), None, None).await;
    assert_eq!(json_of(r).await, json!([]));
    let r = send(
        &a,
        "GET",
        "/api/v1/reviews/rev_not-an-id",
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
