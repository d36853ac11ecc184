//! Conformance: the same read scenarios against moto (an emulator written by
//! others) and fake-aws, through the official Rust SDK; results must agree,
//! ignoring generated IDs and timestamps. Needs `ROSTER_MOTO_SERVER` (path of
//! `moto_server`); without it the test fails, it never silently passes.
#![allow(deprecated)] // ListUsers/ListGroups `Filters`: deprecated in the SDK, still served.

mod common;

use std::collections::BTreeMap;

use aws_sdk_identitystore::Client;
use aws_sdk_identitystore::types::{Email, Filter, Group, MemberId, Name, User};
use common::moto::start_moto;
use common::*;
use roster_fake_aws::FakeAwsConfig;

const USERS: usize = 250;
const GROUPS: usize = 30;

/// Builds the same directory on either backend through the write API.
async fn seed(ids: &Client, store: &str) {
    let mut users = Vec::new();
    for i in 0..USERS {
        let out = ids
            .create_user()
            .identity_store_id(store)
            .user_name(format!("user{i:03}@example.com"))
            .display_name(format!("User Nümber {i}"))
            .name(
                Name::builder()
                    .given_name(format!("Given{i}"))
                    .family_name("O'Family, Jr")
                    .build(),
            )
            .emails(
                Email::builder()
                    .value(format!("user{}@example.com", i % 240))
                    .r#type("work")
                    .primary(true)
                    .build(),
            )
            .send()
            .await
            .expect("CreateUser");
        users.push(out.user_id().to_owned());
    }
    for g in 0..GROUPS {
        let group = ids
            .create_group()
            .identity_store_id(store)
            .display_name(format!("group-{g:02}"))
            .description(format!("Group {g}"))
            .send()
            .await
            .expect("CreateGroup");
        let members: Vec<usize> = if g == 0 {
            (0..120).collect()
        } else {
            (g * 7..g * 7 + 7).collect()
        };
        for u in members {
            ids.create_group_membership()
                .identity_store_id(store)
                .group_id(group.group_id())
                .member_id(MemberId::UserId(users[u].clone()))
                .send()
                .await
                .expect("CreateGroupMembership");
        }
    }
}

type NormUser = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Vec<(Option<String>, Option<String>, bool)>,
);

fn norm_user(u: &aws_sdk_identitystore::types::User) -> NormUser {
    (
        u.user_name().map(str::to_owned),
        u.display_name().map(str::to_owned),
        u.name().and_then(|n| n.given_name()).map(str::to_owned),
        u.name().and_then(|n| n.family_name()).map(str::to_owned),
        u.emails()
            .iter()
            .map(|e| {
                (
                    e.value().map(str::to_owned),
                    e.r#type().map(str::to_owned),
                    e.primary(),
                )
            })
            .collect(),
    )
}

fn norm_described(
    u: &aws_sdk_identitystore::operation::describe_user::DescribeUserOutput,
) -> NormUser {
    (
        u.user_name().map(str::to_owned),
        u.display_name().map(str::to_owned),
        u.name().and_then(|n| n.given_name()).map(str::to_owned),
        u.name().and_then(|n| n.family_name()).map(str::to_owned),
        u.emails()
            .iter()
            .map(|e| {
                (
                    e.value().map(str::to_owned),
                    e.r#type().map(str::to_owned),
                    e.primary(),
                )
            })
            .collect(),
    )
}

/// Everything a client can observe of the directory, without IDs.
#[derive(Debug, PartialEq)]
struct Observed {
    user_pages: Vec<usize>,
    users: Vec<NormUser>,
    group_pages: Vec<usize>,
    groups: Vec<(Option<String>, Option<String>)>,
    member_pages: BTreeMap<String, Vec<usize>>,
    members: BTreeMap<String, Vec<String>>,
    filtered_user: Vec<NormUser>,
    filtered_group: Vec<Option<String>>,
    groups_of_member: Vec<Vec<String>>,
    described: NormUser,
}

async fn all_users(ids: &Client, store: &str) -> (Vec<usize>, Vec<User>) {
    let (mut pages, mut users, mut token) = (Vec::new(), Vec::new(), None);
    loop {
        let page = ids
            .list_users()
            .identity_store_id(store)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await;
        let page = page.expect("ListUsers");
        pages.push(page.users().len());
        users.extend(page.users().iter().cloned());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return (pages, users);
        }
    }
}

async fn all_groups(ids: &Client, store: &str) -> (Vec<usize>, Vec<Group>) {
    let (mut pages, mut groups, mut token) = (Vec::new(), Vec::new(), None);
    loop {
        let page = ids
            .list_groups()
            .identity_store_id(store)
            .max_results(20)
            .set_next_token(token)
            .send()
            .await;
        let page = page.expect("ListGroups");
        pages.push(page.groups().len());
        groups.extend(page.groups().iter().cloned());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return (pages, groups);
        }
    }
}

/// Page sizes and member user names of one group.
async fn members_of(
    ids: &Client,
    store: &str,
    group: &str,
    name_of: &BTreeMap<String, String>,
) -> (Vec<usize>, Vec<String>) {
    let (mut pages, mut names, mut token) = (Vec::new(), Vec::new(), None);
    loop {
        let req = ids
            .list_group_memberships()
            .identity_store_id(store)
            .group_id(group)
            .max_results(50);
        let page = req
            .set_next_token(token)
            .send()
            .await
            .expect("ListGroupMemberships");
        pages.push(page.group_memberships().len());
        for m in page.group_memberships() {
            let uid = m
                .member_id()
                .and_then(|m| m.as_user_id().ok())
                .cloned()
                .unwrap_or_default();
            names.push(name_of.get(&uid).cloned().unwrap_or(uid));
        }
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return (pages, names);
        }
    }
}

/// Sorted group names of each of the first 20 users.
async fn groups_of_members(
    ids: &Client,
    store: &str,
    users: &[User],
    group_name: &BTreeMap<String, String>,
) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for u in users.iter().take(20) {
        let req = ids
            .list_group_memberships_for_member()
            .identity_store_id(store);
        let res = req
            .member_id(MemberId::UserId(u.user_id().to_owned()))
            .send()
            .await;
        let res = res.expect("ListGroupMembershipsForMember");
        let mut names: Vec<String> = res
            .group_memberships()
            .iter()
            .filter_map(|m| m.group_id())
            .map(|g| group_name.get(g).cloned().unwrap_or_default())
            .collect();
        names.sort();
        out.push(names);
    }
    out
}

async fn observe(ids: &Client, store: &str) -> Observed {
    let (user_pages, users) = all_users(ids, store).await;
    let (group_pages, groups) = all_groups(ids, store).await;
    let name_of: BTreeMap<String, String> = users
        .iter()
        .map(|u| {
            (
                u.user_id().to_owned(),
                u.user_name().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let group_name: BTreeMap<String, String> = groups
        .iter()
        .map(|g| {
            (
                g.group_id().to_owned(),
                g.display_name().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let (mut member_pages, mut members) = (BTreeMap::new(), BTreeMap::new());
    for g in &groups {
        let (pages, names) = members_of(ids, store, g.group_id(), &name_of).await;
        let key = g.display_name().unwrap_or_default().to_owned();
        member_pages.insert(key.clone(), pages);
        members.insert(key, names);
    }
    let target = users[37].user_name().unwrap_or_default().to_owned();
    let by_name = Filter::builder()
        .attribute_path("UserName")
        .attribute_value(&target)
        .build()
        .expect("filter");
    let filtered_user = ids
        .list_users()
        .identity_store_id(store)
        .filters(by_name)
        .send()
        .await
        .expect("filtered ListUsers");
    let by_display = Filter::builder()
        .attribute_path("DisplayName")
        .attribute_value("group-07")
        .build()
        .expect("filter");
    let filtered_group = ids
        .list_groups()
        .identity_store_id(store)
        .filters(by_display)
        .send()
        .await
        .expect("filtered ListGroups");
    let described = ids
        .describe_user()
        .identity_store_id(store)
        .user_id(users[5].user_id())
        .send()
        .await
        .expect("DescribeUser");
    Observed {
        user_pages,
        users: users.iter().map(norm_user).collect(),
        group_pages,
        groups: groups
            .iter()
            .map(|g| {
                (
                    g.display_name().map(str::to_owned),
                    g.description().map(str::to_owned),
                )
            })
            .collect(),
        member_pages,
        members,
        filtered_user: filtered_user.users().iter().map(norm_user).collect(),
        filtered_group: filtered_group
            .groups()
            .iter()
            .map(|g| g.display_name().map(str::to_owned))
            .collect(),
        groups_of_member: groups_of_members(ids, store, &users, &group_name).await,
        described: norm_described(&described),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_and_fake_aws_agree_on_every_read() {
    let moto = start_moto();
    let moto_cfg = sdk_config(
        &moto.endpoint,
        static_creds("testing", "testing"),
        "us-east-1",
    )
    .await;
    let moto_ids = Client::new(&moto_cfg);
    seed(&moto_ids, "d-1234567890").await;
    let from_moto = observe(&moto_ids, "d-1234567890").await;

    let h = start(FakeAwsConfig::default().directory(0, 0, 0).tps(100_000)).await;
    let store = h.info().customer.identity_store_id.clone();
    let fake_ids = Client::new(&admin_config(&h).await);
    seed(&fake_ids, &store).await;
    let from_fake = observe(&fake_ids, &store).await;

    assert_eq!(from_moto.users.len(), USERS);
    assert_eq!(from_moto.members["group-00"].len(), 120);
    assert_eq!(from_moto, from_fake);
}
