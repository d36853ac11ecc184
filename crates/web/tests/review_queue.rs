//! The reviewer's queue beyond one page: every item of a campaign larger
//! than a page is reachable (console links and API cursors, forwards and
//! back) and decidable, bulk decisions stay on the page they were made on,
//! progress reads "N of M"; a malformed or foreign cursor is a 400; another
//! tenant's campaign stays invisible; a user's secondary email keeps their
//! own access out of their queue.

#![allow(clippy::unwrap_used)]

mod support;

use axum::http::{StatusCode, header};
use roster_core::directory::{Attribute, MembershipMeta};
use roster_core::{
    Group, GroupId, IdentityStoreId, Membership, MembershipId, SyncStats, TenantId, User, UserId,
};
use roster_store::{ConsoleRole, StageBatch};
use serde_json::{Value, json};
use support::{App, Session, Who, app, json_of, send, signed_in, text};

/// Items per queue page (`reviews_items::queue::QUEUE_PAGE`).
const PAGE: usize = 200;

/// Publishes a snapshot: `n` members of `g-big` (user names
/// `p<i>@a.test`), plus `extra` users in the group.
async fn directory(a: &App, n: usize, extra: Vec<User>) {
    let t = TenantId::default_tenant();
    let isid = IdentityStoreId::parse("d-1234567890").unwrap();
    let group = GroupId::parse("g-big").unwrap();
    let mut users: Vec<User> = (0..n)
        .map(|i| {
            let mut u = User::new(isid.clone(), UserId::parse(&format!("u-{i:05}")).unwrap());
            u.user_name = Some(format!("p{i}@a.test"));
            u
        })
        .collect();
    users.extend(extra);
    let memberships = users
        .iter()
        .enumerate()
        .map(|(i, u)| Membership {
            membership_id: MembershipId::parse(&format!("m-{i:05}")).unwrap(),
            group_id: group.clone(),
            user_id: u.user_id.clone(),
            meta: MembershipMeta::default(),
        })
        .collect();
    let mut g = Group::new(isid, group);
    g.display_name = Some("Big".into());
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

/// `second@a.test`, a reviewer of the default tenant (the fallback).
async fn second_reviewer(a: &App) -> Session {
    signed_in(a, "second@a.test", ConsoleRole::Reviewer).await
}

/// Opens a campaign of the latest snapshot: every item to
/// `reviewer@a.test`, their own to `second@a.test`. Returns (ID, items).
async fn open(a: &App) -> (String, u64) {
    let body = json!({
        "source": a.source.as_str(),
        "name": "Big review",
        "reviewer_rule": "reviewer",
        "reviewer": "reviewer@a.test",
        "fallback_reviewer": "second@a.test",
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
    (
        v["id"].as_str().unwrap().to_owned(),
        v["items"].as_u64().unwrap(),
    )
}

async fn get(a: &App, s: &Session, path: &str) -> (StatusCode, String) {
    let r = send(a, "GET", path, Who::Session(s), None, None).await;
    let status = r.status();
    (status, text(r).await)
}

/// The item IDs of a queue page, in page order.
fn items_of(page: &str) -> Vec<i64> {
    page.split("data-item=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
        .collect()
}

/// The target of the page's `rel` link (`prev`/`next`), if any.
fn link_of(page: &str, rel: &str) -> Option<String> {
    let marker = format!("rel=\"{rel}\" href=\"");
    let at = page.find(&marker)? + marker.len();
    let rest = &page[at..];
    Some(rest[..rest.find('"').unwrap()].replace("&amp;", "&"))
}

/// The "N of M decided" of a page.
fn progress_of(page: &str) -> (u64, u64) {
    let num = |attr: &str| {
        let m = format!("{attr}=\"");
        let at = page.find(&m).unwrap() + m.len();
        page[at..at + page[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    (num("data-decided"), num("data-assigned"))
}

/// Keeps `items` by the bulk form of a page at `position` (its hidden
/// fields); returns where the decision sent the browser.
async fn keep_on_page(a: &App, c: &str, position: &str, items: &[i64]) -> String {
    let form: String = std::iter::once(position.to_owned())
        .chain(items.iter().map(|i| format!("item={i}")))
        .collect::<Vec<_>>()
        .join("&");
    let r = send(
        a,
        "POST",
        &format!("/reviews/{c}/bulk"),
        Who::Session(&a.reviewer),
        Some(&form),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", text(r).await);
    r.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_item_of_a_queue_larger_than_a_page_is_reachable_and_decidable() {
    let a = app().await;
    second_reviewer(&a).await;
    directory(&a, 450, vec![]).await;
    let (c, total) = open(&a).await;
    assert_eq!(total, 450);

    // The overview: the first page, "0 of 450", a link to the rest.
    let (status, page) = get(&a, &a.reviewer, "/reviews/mine").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(items_of(&page), (1..=200).collect::<Vec<_>>());
    assert_eq!(progress_of(&page), (0, 450));
    assert!(page.contains("0 of 450 decided"), "{page}");
    let more = link_of(&page, "next").unwrap();
    assert_eq!(more, format!("/reviews/mine?campaign={c}&cursor={c}.a200"));

    // Forwards through every page, then one back.
    let mut seen = Vec::new();
    let mut path = format!("/reviews/mine?campaign={c}");
    let last_page = loop {
        let (status, page) = get(&a, &a.reviewer, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let ids = items_of(&page);
        assert!(ids.len() <= PAGE);
        seen.extend(ids);
        match link_of(&page, "next") {
            Some(next) => path = next,
            None => break page,
        }
    };
    assert_eq!(seen, (1..=450).collect::<Vec<_>>());
    let back = link_of(&last_page, "prev").unwrap();
    let (_, page) = get(&a, &a.reviewer, &back).await;
    assert_eq!(items_of(&page), (201..=400).collect::<Vec<_>>());
    let (_, first) = get(&a, &a.reviewer, &link_of(&page, "prev").unwrap()).await;
    assert_eq!(items_of(&first), (1..=200).collect::<Vec<_>>());
    assert_eq!(link_of(&first, "prev"), None);

    // The API pages the same way, by the entries' cursors.
    let mut api_seen = Vec::new();
    let mut path = "/api/v1/review-queue".to_owned();
    loop {
        let v = json_of(send(&a, "GET", &path, Who::Session(&a.reviewer), None, None).await).await;
        let entries = v.as_array().unwrap();
        assert_eq!(entries.len(), 1, "{v}");
        assert_eq!(entries[0]["assigned"], 450);
        let items = entries[0]["items"].as_array().unwrap();
        assert!(items.len() <= PAGE);
        api_seen.extend(items.iter().map(|i| i["id"].as_i64().unwrap()));
        match entries[0]["next"].as_str() {
            Some(next) => path = format!("/api/v1/review-queue?campaign={c}&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(api_seen, (1..=450).collect::<Vec<_>>());

    // Bulk on the second page stays there: what follows moves up.
    let position = format!("show=undecided&campaign={c}&cursor={c}.a200");
    let to = keep_on_page(&a, &c, &position, &(201..=400).collect::<Vec<_>>()).await;
    assert_eq!(to, format!("/reviews/mine?campaign={c}&cursor={c}.a200"));
    let (_, page) = get(&a, &a.reviewer, &to).await;
    assert_eq!(items_of(&page), (401..=450).collect::<Vec<_>>());
    assert_eq!(progress_of(&page), (200, 450));
    assert_eq!(link_of(&page, "next"), None);
    // The first page, in bulk; the rest one by one and in bulk.
    let to = keep_on_page(
        &a,
        &c,
        &format!("show=undecided&campaign={c}"),
        &(1..=200).collect::<Vec<_>>(),
    )
    .await;
    let (_, page) = get(&a, &a.reviewer, &to).await;
    assert_eq!(items_of(&page), (401..=450).collect::<Vec<_>>());
    let r = send(
        &a,
        "POST",
        &format!("/reviews/{c}/items/401/decide"),
        Who::Session(&a.reviewer),
        Some(&format!("show=undecided&campaign={c}&decision=keep")),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    keep_on_page(&a, &c, "show=undecided", &(402..=450).collect::<Vec<_>>()).await;
    let (_, page) = get(&a, &a.reviewer, "/reviews/mine").await;
    assert!(page.contains("Nothing to review."), "{page}");
    let (_, page) = get(
        &a,
        &a.reviewer,
        &format!("/reviews/mine?show=all&campaign={c}"),
    )
    .await;
    assert_eq!(progress_of(&page), (450, 450));
    assert!(page.contains("450 of 450 decided"));
}

#[tokio::test]
async fn a_malformed_or_foreign_cursor_is_a_400() {
    let a = app().await;
    second_reviewer(&a).await;
    directory(&a, 3, vec![]).await;
    let (c, _) = open(&a).await;
    let (other, _) = open(&a).await;
    let long = "9".repeat(100);
    let bad = [
        "x".to_owned(),
        c.clone(),
        format!("{c}."),
        format!("{c}.a"),
        format!("{c}.z5"),
        format!("{c}.a-1"),
        format!("{c}.a+1"),
        format!("{c}.a1x"),
        format!("{c}.a{long}"),
        format!("{c}.a99999999999999999999"),
        "rev_zzzzzzzzzzzzzzzz.a1".to_owned(),
        format!("{c}.a1%00"),
        // Another campaign's cursor.
        format!("{other}.a1"),
    ];
    for cursor in &bad {
        for path in [
            format!("/reviews/mine?campaign={c}&cursor={cursor}"),
            format!("/api/v1/review-queue?campaign={c}&cursor={cursor}"),
        ] {
            let (status, body) = get(&a, &a.reviewer, &path).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        }
        // A form carrying it back is refused before anything is recorded.
        let r = send(
            &a,
            "POST",
            &format!("/reviews/{c}/items/1/decide"),
            Who::Session(&a.reviewer),
            Some(&format!("campaign={c}&cursor={cursor}&decision=keep")),
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{cursor}");
    }
    for path in [
        "/reviews/mine?campaign=not-a-campaign".to_owned(),
        "/reviews/mine?show=some".to_owned(),
        "/api/v1/review-queue?campaign=rev_x".to_owned(),
    ] {
        let (status, _) = get(&a, &a.reviewer, &path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
    }
    // The cursor alone names its campaign; a good one works.
    let (status, page) = get(&a, &a.reviewer, &format!("/reviews/mine?cursor={c}.a1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(items_of(&page), [2, 3]);
    let v = json_of(
        send(
            &a,
            "GET",
            "/api/v1/review-queue",
            Who::Session(&a.reviewer),
            None,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v[0]["next"], Value::Null);
}

#[tokio::test]
async fn another_tenants_campaign_stays_invisible_in_the_queue() {
    let a = app().await;
    let second = second_reviewer(&a).await;
    directory(&a, 3, vec![]).await;
    let (c, _) = open(&a).await;
    let theirs = Who::Session(&a.other_admin);
    for path in [
        format!("/reviews/mine?campaign={c}"),
        format!("/reviews/mine?campaign={c}&cursor={c}.a1"),
        format!("/reviews/mine?cursor={c}.b3"),
        format!("/api/v1/review-queue?campaign={c}"),
        format!("/api/v1/review-queue?campaign={c}&cursor={c}.a1"),
    ] {
        let r = send(&a, "GET", &path, theirs.clone(), None, None).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        let body = text(r).await;
        assert!(!body.contains("Big review"), "{body}");
    }
    let r = send(&a, "GET", "/reviews/mine", theirs.clone(), None, None).await;
    let body = text(r).await;
    assert!(
        !body.contains(&c) && body.contains("Nothing to review."),
        "{body}"
    );
    // Within the tenant, a reviewer with nothing in a campaign is not shown it.
    let (status, _) = get(&a, &second, &format!("/reviews/mine?campaign={c}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_secondary_email_keeps_their_own_access_out_of_their_queue() {
    let a = app().await;
    let second = second_reviewer(&a).await;
    // A member known by user name and primary email as someone else, whose
    // secondary email is the reviewer's console email.
    let isid = IdentityStoreId::parse("d-1234567890").unwrap();
    let mut alias = User::new(isid, UserId::parse("u-alias").unwrap());
    alias.user_name = Some("rev".into());
    alias.emails = vec![
        Attribute {
            value: Some("r.primary@a.test".into()),
            r#type: Some("work".into()),
            primary: true,
        },
        Attribute {
            value: Some(" Reviewer@A.TEST ".into()),
            r#type: Some("home".into()),
            primary: false,
        },
    ];
    directory(&a, 2, vec![alias]).await;
    let (c, total) = open(&a).await;
    assert_eq!(total, 3);
    // Their own item (3) went to the fallback.
    let (_, page) = get(&a, &a.reviewer, "/reviews/mine").await;
    assert_eq!(items_of(&page), [1, 2]);
    let (_, page) = get(&a, &second, "/reviews/mine").await;
    assert_eq!(items_of(&page), [3]);
    assert!(page.contains("r.primary@a.test"), "{page}");
    // Nobody hands it to them, nor do they decide it.
    let r = send(
        &a,
        "POST",
        &format!("/api/v1/reviews/{c}/items/3/decision"),
        Who::Session(&a.admin),
        None,
        Some(r#"{"decision":"reassign","reassign_to":"reviewer@a.test"}"#),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "{}", text(r).await);
    let r = send(
        &a,
        "POST",
        &format!("/reviews/{c}/items/3/decide"),
        Who::Session(&a.reviewer),
        Some("decision=keep"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The fallback decides it.
    let r = send(
        &a,
        "POST",
        &format!("/reviews/{c}/items/3/decide"),
        Who::Session(&second),
        Some("decision=keep"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}
