//! Helpers of the review router tests: the reviewed directory, a second
//! reviewer, opening a campaign through the API, the caller's queue, and
//! decision paths.

use axum::http::StatusCode;
use roster_core::{
    Group, GroupId, IdentityStoreId, Membership, MembershipId, SyncStats, TenantId, User, UserId,
};
use roster_store::{ConsoleRole, StageBatch};
use serde_json::json;

pub use crate::support::json_of;
use crate::support::{App, Session, Who, send, signed_in};

/// Members of `g-admins` in the directory the tests review: four people
/// and the reviewer themself (user name `reviewer@a.test`).
pub const MEMBERS: [&str; 5] = [
    "ann@a.test",
    "bob@a.test",
    "cy@a.test",
    "dee@a.test",
    "reviewer@a.test",
];

/// Publishes a new snapshot of the app's source: `MEMBERS` in `g-admins`.
pub async fn directory(a: &App) {
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
pub async fn second_reviewer(a: &App) -> Session {
    signed_in(a, "second@a.test", ConsoleRole::Reviewer).await
}

/// Opens a campaign through the API: every item to `reviewer@a.test`,
/// their own access to the fallback `second@a.test`.
pub async fn open(a: &App) -> String {
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
pub async fn queue(a: &App, s: &Session) -> Vec<(i64, String)> {
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

pub fn decision_path(c: &str, item: i64) -> String {
    format!("/api/v1/reviews/{c}/items/{item}/decision")
}
