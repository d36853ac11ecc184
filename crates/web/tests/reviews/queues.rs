//! Whose items a reviewer sees and decides: only their own, and never their
//! own access, even through the API.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{decision_path, open, queue, second_reviewer};
use crate::support::{Who, app, send, text};

#[tokio::test]
async fn a_reviewer_sees_and_decides_only_their_own_items() {
    let a = app().await;
    let second = second_reviewer(&a).await;
    let c = open(&a).await;
    let mine = queue(&a, &a.reviewer).await;
    assert_eq!(mine.len(), 4, "{mine:?}");
    assert!(
        mine.iter().all(|(_, u)| u != "reviewer@a.test"),
        "their own access went to the fallback: {mine:?}"
    );
    let theirs = queue(&a, &second).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].1, "reviewer@a.test");
    // The campaign, its page, the list and the directory stay closed to reviewers.
    for path in [
        format!("/api/v1/reviews/{c}"),
        "/api/v1/reviews".into(),
        format!("/reviews/{c}"),
        "/reviews".into(),
        format!("/api/v1/reviews/{c}/bundle"),
        "/users".into(),
    ] {
        let r = send(&a, "GET", &path, Who::Session(&a.reviewer), None, None).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Another reviewer's item is not found for them, by API and by form.
    let other_item = theirs[0].0;
    let keep = r#"{"decision":"keep"}"#;
    let r = send(
        &a,
        "POST",
        &decision_path(&c, other_item),
        Who::Session(&a.reviewer),
        None,
        Some(keep),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let form_path = format!("/reviews/{c}/items/{other_item}/decide");
    let r = send(
        &a,
        "POST",
        &form_path,
        Who::Session(&a.reviewer),
        Some("decision=keep"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // An admin who is not the item's reviewer does not decide it either.
    let r = send(
        &a,
        "POST",
        &decision_path(&c, mine[0].0),
        Who::Session(&a.admin),
        None,
        Some(keep),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Their own queue page lists their items and none of the other's.
    let page = text(
        send(
            &a,
            "GET",
            "/reviews/mine",
            Who::Session(&a.reviewer),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(
        page.contains("ann@a.test") && !page.contains(">reviewer@a.test<"),
        "{page}"
    );
}

#[tokio::test]
async fn nobody_reviews_their_own_access_even_through_the_api() {
    let a = app().await;
    let second = second_reviewer(&a).await;
    let c = open(&a).await;
    let own = queue(&a, &second).await;
    let own_item = own.iter().find(|(_, u)| u == "reviewer@a.test").unwrap().0;
    // An admin cannot hand the reviewer their own access…
    let body = r#"{"decision":"reassign","reassign_to":"reviewer@a.test"}"#;
    let r = send(
        &a,
        "POST",
        &decision_path(&c, own_item),
        Who::Session(&a.admin),
        None,
        Some(body),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "{}", text(r).await);
    // …nor can the reviewer decide it, alone or in bulk with their own items.
    let keep = r#"{"decision":"keep"}"#;
    let r = send(
        &a,
        "POST",
        &decision_path(&c, own_item),
        Who::Session(&a.reviewer),
        None,
        Some(keep),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let mine = queue(&a, &a.reviewer).await;
    let bulk = json!({"items": [mine[0].0, own_item], "decision": "keep"}).to_string();
    let path = format!("/api/v1/reviews/{c}/decisions");
    let r = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.reviewer),
        None,
        Some(&bulk),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        queue(&a, &a.reviewer).await.len(),
        4,
        "nothing was recorded"
    );
    // Reassigning to someone without an account here is refused.
    let body = r#"{"decision":"reassign","reassign_to":"stranger@x.test"}"#;
    let r = send(
        &a,
        "POST",
        &decision_path(&c, own_item),
        Who::Session(&a.admin),
        None,
        Some(body),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}
