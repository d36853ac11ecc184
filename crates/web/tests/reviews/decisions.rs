//! Recording decisions: a revoke needs a comment, and bulk keeps write one
//! record per item.

use axum::http::StatusCode;

use crate::helpers::{decision_path, json_of, open, queue, second_reviewer};
use crate::support::{Who, app, send, text};

#[tokio::test]
async fn a_revoke_needs_a_comment_and_bulk_keeps_write_one_record_per_item() {
    let a = app().await;
    second_reviewer(&a).await;
    let c = open(&a).await;
    let mine = queue(&a, &a.reviewer).await;
    let r = send(
        &a,
        "POST",
        &decision_path(&c, mine[0].0),
        Who::Session(&a.reviewer),
        None,
        Some(r#"{"decision":"revoke"}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body = r#"{"decision":"revoke","comment":"left the team"}"#;
    let r = send(
        &a,
        "POST",
        &decision_path(&c, mine[0].0),
        Who::Session(&a.reviewer),
        None,
        Some(body),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let v = json_of(r).await;
    assert_eq!(
        (v["decision"].as_str(), v["actor"].as_str()),
        (Some("revoke"), Some("reviewer@a.test"))
    );
    // Bulk keep of two items by form: two records, then the queue shrinks.
    let form = format!("item={}&item={}", mine[1].0, mine[2].0);
    let r = send(
        &a,
        "POST",
        &format!("/reviews/{c}/bulk"),
        Who::Session(&a.reviewer),
        Some(&form),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(queue(&a, &a.reviewer).await.len(), 1);
    // The form refuses a revoke without comment with the reason, on the queue page.
    let path = format!("/reviews/{c}/items/{}/decide", mine[3].0);
    let r = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.reviewer),
        Some("decision=revoke&comment=+"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(text(r).await.contains("a revoke needs a comment"));
    // The admin sees the decisions and the progress.
    let r = send(
        &a,
        "GET",
        &format!("/api/v1/reviews/{c}?status=keep"),
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    let v = json_of(r).await;
    assert_eq!(v["items"].as_array().unwrap().len(), 2, "{v}");
    let me = v["progress"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["reviewer"] == "reviewer@a.test")
        .unwrap()
        .clone();
    assert_eq!(
        (
            me["items"].as_u64(),
            me["decided"].as_u64(),
            me["revoked"].as_u64()
        ),
        (Some(4), Some(3), Some(1))
    );
    let r = send(
        &a,
        "GET",
        "/api/v1/audit",
        Who::Session(&a.admin),
        None,
        None,
    )
    .await;
    let audit = text(r).await;
    assert!(
        audit.contains("review.decide") && audit.contains("review.create"),
        "{audit}"
    );
}
