//! A whole campaign in the console: opened from the "new campaign" form,
//! decided, closed, and its evidence bundle downloaded and verified.

use axum::http::StatusCode;

use crate::helpers::{directory, json_of, queue, second_reviewer};
use crate::support::{App, Who, app, send, text};

#[tokio::test]
async fn a_whole_campaign_runs_in_the_console_and_its_bundle_verifies() {
    let a = app().await;
    let second = second_reviewer(&a).await;
    directory(&a).await;
    let (at, c) = open_by_form(&a).await;
    let page = text(send(&a, "GET", &at, Who::Session(&a.auditor), None, None).await).await;
    assert!(page.contains(r#"id="item-count">5<"#), "{page}");
    assert_eq!(queue(&a, &a.reviewer).await.len(), 4);
    assert_eq!(queue(&a, &second).await.len(), 1);
    let mine = queue(&a, &a.reviewer).await;
    let path = format!("/reviews/{c}/items/{}/decide", mine[0].0);
    let r = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.reviewer),
        Some("decision=revoke&comment=no+longer+needed"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = text(
        send(
            &a,
            "GET",
            &format!("{at}?status=revoke"),
            Who::Session(&a.admin),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(
        page.contains("no longer needed") && page.contains(r#"data-remediation="pending""#),
        "{page}"
    );
    let r = send(
        &a,
        "POST",
        &format!("/reviews/{c}/close"),
        Who::Session(&a.auditor),
        Some(""),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "auditors change nothing");
    let r = send(
        &a,
        "POST",
        &format!("/reviews/{c}/close"),
        Who::Session(&a.admin),
        Some(""),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        queue(&a, &second).await.is_empty(),
        "a closed campaign leaves every queue"
    );
    let r = send(
        &a,
        "POST",
        &format!("/api/v1/reviews/{c}/close"),
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = send(
        &a,
        "GET",
        &format!("/reviews/{c}/bundle"),
        Who::Session(&a.auditor),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert_verifies(&a, r).await;
}

/// The admin names an owner and opens a campaign with the console's forms;
/// returns the campaign's page and ID.
async fn open_by_form(a: &App) -> (String, String) {
    // Owners: g-admins belongs to reviewer@a.test; their own access falls back.
    let form = format!(
        "source={}&kind=group&object_id=g-admins&email=reviewer%40a.test",
        a.source
    );
    let r = send(
        a,
        "POST",
        "/reviews/owners",
        Who::Session(&a.admin),
        Some(&form),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = text(
        send(
            a,
            "GET",
            &format!("/reviews/owners?source={}", a.source),
            Who::Session(&a.auditor),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(page.contains("g-admins") && page.contains("reviewer@a.test"));
    let new = text(send(a, "GET", "/reviews/new", Who::Session(&a.admin), None, None).await).await;
    assert!(new.contains("campaign-form"));
    let form = format!(
        "source={}&name=Quarterly&scope=memberships&reviewer_rule=owners&fallback_reviewer=second%40a.test&due=2031-03-31&remediation_days=7&groups=&accounts=",
        a.source
    );
    let r = send(
        a,
        "POST",
        "/reviews",
        Who::Session(&a.admin),
        Some(&form),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let c = at.trim_start_matches("/reviews/").to_owned();
    (at, c)
}

/// The downloaded bundle verifies as this tenant's.
async fn assert_verifies(a: &App, r: axum::http::Response<axum::body::Body>) {
    let zip = http_body_util::BodyExt::collect(r.into_body())
        .await
        .unwrap()
        .to_bytes();
    let verify = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/evidence/verify")
        .header("content-type", "application/zip")
        .header("authorization", format!("Bearer {}", a.token))
        .body(axum::body::Body::from(zip))
        .unwrap();
    let r = tower::ServiceExt::oneshot(a.router.clone(), verify)
        .await
        .unwrap();
    let v = json_of(r).await;
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["signed_by_this_tenant"], true, "{v}");
}
