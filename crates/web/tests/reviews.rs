//! Access reviews through the console and the API: a reviewer sees and
//! decides only their own items, nobody reviews their own access (even
//! through the API), every form needs its CSRF token, NUL is refused,
//! another tenant's campaign is not found, and a whole campaign runs from
//! the "new campaign" form to a bundle that verifies.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::StatusCode;
use roster_core::{
    Group, GroupId, IdentityStoreId, Membership, MembershipId, SyncStats, TenantId, User, UserId,
};
use roster_store::{ConsoleRole, NewConsoleUser, StageBatch};
use serde_json::{Value, json};
use support::{App, Session, Who, app, send, sha, text};

/// Members of `g-admins` in the directory the tests review: four people
/// and the reviewer themself (user name `reviewer@a.test`).
const MEMBERS: [&str; 5] = [
    "ann@a.test",
    "bob@a.test",
    "cy@a.test",
    "dee@a.test",
    "reviewer@a.test",
];

/// Publishes a new snapshot of the app's source: `MEMBERS` in `g-admins`.
async fn directory(a: &App) {
    let t = TenantId::default_tenant();
    let isid = IdentityStoreId::parse("d-1234567890").unwrap();
    let mut users = Vec::new();
    let mut memberships = Vec::new();
    let group = GroupId::parse("g-admins").unwrap();
    for (i, name) in MEMBERS.iter().enumerate() {
        let mut u = User::new(isid.clone(), UserId::parse(&format!("u-{i:04}")).unwrap());
        u.user_name = Some((*name).to_owned());
        memberships.push(Membership {
            membership_id: MembershipId::parse(&format!("m-{i}")).unwrap(),
            group_id: group.clone(),
            user_id: u.user_id.clone(),
            meta: roster_core::directory::MembershipMeta::default(),
        });
        users.push(u);
    }
    let mut g = Group::new(isid, group);
    g.display_name = Some("Admins".into());
    let sync = a.store.begin_sync(&t, &a.source).await.unwrap();
    let batch = StageBatch {
        users,
        groups: vec![g],
        memberships,
    };
    a.store.stage(&t, sync, &batch).await.unwrap();
    a.store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
}

/// A second reviewer (`second@a.test`) with a session.
async fn second_reviewer(a: &App) -> Session {
    let t = TenantId::default_tenant();
    let user = a
        .store
        .create_console_user(
            &t,
            &NewConsoleUser {
                id: "usr_second".into(),
                email: "second@a.test".into(),
                password_hash: "x".into(),
                role: ConsoleRole::Reviewer,
            },
        )
        .await
        .unwrap();
    let far = roster_core::Timestamp::parse("2999-01-01T00:00:00.000Z").unwrap();
    a.store
        .create_session(&sha("cookie-second"), &user, "csrf-second", far)
        .await
        .unwrap();
    Session {
        cookie: "cookie-second".into(),
        csrf: "csrf-second".into(),
    }
}

async fn json_of(r: axum::http::Response<axum::body::Body>) -> Value {
    serde_json::from_str(&text(r).await).unwrap()
}

/// Opens a campaign through the API: every item to `reviewer@a.test`,
/// their own access to the fallback `second@a.test`.
async fn open(a: &App) -> String {
    directory(a).await;
    let body = json!({
        "source": a.source.as_str(),
        "name": "Q3",
        "reviewer_rule": "reviewer",
        "reviewer": "reviewer@a.test",
        "fallback_reviewer": "second@a.test",
        "due": "2031-01-31",
    })
    .to_string();
    let r = send(
        a,
        "POST",
        "/api/v1/reviews",
        Who::Session(&a.admin),
        None,
        Some(&body),
    )
    .await;
    let status = r.status();
    let v = json_of(r).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["items"], 5, "{v}");
    v["id"].as_str().unwrap().to_owned()
}

/// The items of the caller's queue, as (item ID, user name).
async fn queue(a: &App, s: &Session) -> Vec<(i64, String)> {
    let r = send(
        a,
        "GET",
        "/api/v1/review-queue",
        Who::Session(s),
        None,
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v = json_of(r).await;
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["items"].as_array().unwrap().clone())
        .map(|i| {
            (
                i["id"].as_i64().unwrap(),
                i["user_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn decision_path(c: &str, item: i64) -> String {
    format!("/api/v1/reviews/{c}/items/{item}/decision")
}

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
