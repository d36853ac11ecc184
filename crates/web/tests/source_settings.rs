//! Source settings from the console: the sync interval an admin may choose.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use support::{Who, app, send, text};

#[tokio::test]
async fn admins_set_the_sync_interval_within_bounds() {
    let a = app().await;
    let path = format!("/sources/{}/interval", a.source);
    let ok = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.admin),
        Some("hours=6"),
        None,
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let page = text(
        send(
            &a,
            "GET",
            &format!("/sources/{}", a.source),
            Who::Session(&a.admin),
            None,
            None,
        )
        .await,
    )
    .await;
    assert!(page.contains("6 h"), "{page}");
    for bad in ["hours=0", "hours=721", "hours=soon"] {
        let r = send(&a, "POST", &path, Who::Session(&a.admin), Some(bad), None).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    let auditor = send(
        &a,
        "POST",
        &path,
        Who::Session(&a.auditor),
        Some("hours=2"),
        None,
    )
    .await;
    assert_eq!(auditor.status(), StatusCode::FORBIDDEN);
}
