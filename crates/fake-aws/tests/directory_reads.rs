//! Reading the directory through the official Rust SDK: full pagination
//! equals the generated directory; filters, tokens, limits, wrong IDs and
//! Regions, discovery.

// ListUsers/ListGroups `Filters` are deprecated in the SDK but still served by AWS.
#![allow(deprecated)]

mod common;

use std::collections::{HashMap, HashSet};

use aws_sdk_identitystore::Client;
use aws_sdk_identitystore::error::ProvideErrorMetadata;
use aws_sdk_identitystore::types::{Filter, MemberId};
use common::*;
use roster_fake_aws::{FakeAwsConfig, FakeAwsHandle, MemberConfig};

async fn read_all(
    ids: &Client,
    store: &str,
) -> (
    Vec<aws_sdk_identitystore::types::User>,
    Vec<aws_sdk_identitystore::types::Group>,
    Vec<(String, String)>,
) {
    let users: Vec<_> = ids
        .list_users()
        .identity_store_id(store)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("ListUsers pages");
    let groups: Vec<_> = ids
        .list_groups()
        .identity_store_id(store)
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .expect("ListGroups pages");
    let mut memberships = Vec::new();
    for g in &groups {
        let ms: Vec<_> = ids
            .list_group_memberships()
            .identity_store_id(store)
            .group_id(g.group_id())
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .expect("ListGroupMemberships pages");
        for m in ms {
            let user = m
                .member_id()
                .and_then(|m| m.as_user_id().ok())
                .expect("user member")
                .clone();
            memberships.push((g.group_id().to_owned(), user));
        }
    }
    (users, groups, memberships)
}

async fn reader(h: &FakeAwsHandle) -> Client {
    Client::new(&roster_session(h).await)
}

#[tokio::test]
async fn full_paginated_read_equals_the_generated_directory() {
    let h = start(
        FakeAwsConfig::default()
            .tps(10_000)
            .directory(450, 60, 1500),
    )
    .await;
    let store = h.info().customer.identity_store_id.clone();
    let ids = reader(&h).await;
    let (users, groups, memberships) = read_all(&ids, &store).await;
    assert_eq!(
        (users.len(), groups.len(), memberships.len()),
        h.directory_counts()
    );
    let user_ids: HashSet<_> = users.iter().map(|u| u.user_id().to_owned()).collect();
    assert_eq!(user_ids.len(), users.len(), "no user twice");
    assert!(memberships.iter().all(|(_, u)| user_ids.contains(u)));
    let distinct: HashSet<_> = memberships.iter().collect();
    assert_eq!(distinct.len(), memberships.len(), "no membership twice");
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    for (g, _) in &memberships {
        *sizes.entry(g.as_str()).or_default() += 1;
    }
    assert!(
        sizes.values().any(|&n| n > 100),
        "a group spans several pages"
    );
    assert!(sizes.len() < groups.len(), "some groups are empty");
    // Every field AWS returns is there.
    let u = &users[0];
    assert!(u.user_name().is_some() && u.display_name().is_some() && u.name().is_some());
    assert!(u.user_status().is_some() && u.created_at().is_some() && u.updated_at().is_some());
    assert!(
        users.iter().any(|u| u.external_ids().is_empty())
            && users.iter().any(|u| !u.external_ids().is_empty())
    );
    assert!(users.iter().any(|u| {
        u.user_status()
            .map(aws_sdk_identitystore::types::UserStatus::as_str)
            == Some("DISABLED")
    }));
    // Describe agrees with the list.
    let d = ids
        .describe_user()
        .identity_store_id(&store)
        .user_id(u.user_id())
        .send()
        .await
        .expect("DescribeUser");
    assert_eq!(d.user_name(), u.user_name());
    assert_eq!(d.emails(), u.emails());
    let g = ids
        .describe_group()
        .identity_store_id(&store)
        .group_id(groups[0].group_id())
        .send()
        .await
        .expect("DescribeGroup");
    assert_eq!(g.display_name(), groups[0].display_name());
    // Memberships by member add up to the same total.
    let mut by_member = 0;
    for u in users.iter().take(40) {
        let ms: Vec<_> = ids
            .list_group_memberships_for_member()
            .identity_store_id(&store)
            .member_id(MemberId::UserId(u.user_id().to_owned()))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .expect("ListGroupMembershipsForMember");
        by_member += ms.len();
    }
    let expected = memberships
        .iter()
        .filter(|(_, m)| users.iter().take(40).any(|u| u.user_id() == m))
        .count();
    assert_eq!(by_member, expected);
}

#[tokio::test]
async fn filters_find_users_and_groups_by_name() {
    let h = start(FakeAwsConfig::default().tps(10_000)).await;
    let store = h.info().customer.identity_store_id.clone();
    let ids = reader(&h).await;
    let first = ids
        .list_users()
        .identity_store_id(&store)
        .max_results(5)
        .send()
        .await
        .expect("ListUsers");
    let target = &first.users()[3];
    let found = ids
        .list_users()
        .identity_store_id(&store)
        .filters(
            Filter::builder()
                .attribute_path("UserName")
                .attribute_value(target.user_name().expect("name"))
                .build()
                .expect("filter"),
        )
        .send()
        .await
        .expect("filtered");
    assert_eq!(found.users().len(), 1);
    assert_eq!(found.users()[0].user_id(), target.user_id());
    let groups = ids
        .list_groups()
        .identity_store_id(&store)
        .max_results(3)
        .send()
        .await
        .expect("ListGroups");
    let name = groups.groups()[2].display_name().expect("name");
    let found = ids
        .list_groups()
        .identity_store_id(&store)
        .filters(
            Filter::builder()
                .attribute_path("DisplayName")
                .attribute_value(name)
                .build()
                .expect("filter"),
        )
        .send()
        .await
        .expect("filtered");
    assert_eq!(found.groups().len(), 1);
    assert!(found.next_token().is_none());
}

#[tokio::test]
async fn limits_tokens_and_wrong_ids_fail_like_aws() {
    let h = start(FakeAwsConfig::default().tps(10_000)).await;
    let store = h.info().customer.identity_store_id.clone();
    let session = roster_session(&h).await;
    let ids = Client::new(&session);
    let err = ids
        .list_users()
        .identity_store_id(&store)
        .max_results(101)
        .send()
        .await
        .expect_err("too many");
    assert_eq!(err.code(), Some("ValidationException"));
    let page = ids
        .list_users()
        .identity_store_id(&store)
        .max_results(10)
        .send()
        .await
        .expect("page");
    let token = page.next_token().expect("more pages").to_owned();
    let err = ids
        .list_groups()
        .identity_store_id(&store)
        .next_token(&token)
        .send()
        .await
        .expect_err("foreign token");
    assert_eq!(err.code(), Some("ValidationException"));
    let groups = ids
        .list_groups()
        .identity_store_id(&store)
        .send()
        .await
        .expect("groups");
    let mut by_size = Vec::new();
    for g in groups.groups() {
        let p = ids
            .list_group_memberships()
            .identity_store_id(&store)
            .group_id(g.group_id())
            .max_results(1)
            .send()
            .await
            .expect("page");
        by_size.push((g.group_id().to_owned(), p.next_token().map(str::to_owned)));
    }
    let (a, token) = by_size
        .iter()
        .find_map(|(g, t)| t.clone().map(|t| (g.clone(), t)))
        .expect("a group with 2+ members");
    let b = by_size
        .iter()
        .find(|(g, _)| *g != a)
        .expect("another group")
        .0
        .clone();
    let err = ids
        .list_group_memberships()
        .identity_store_id(&store)
        .group_id(&b)
        .next_token(&token)
        .send()
        .await
        .expect_err("token of another group");
    assert_eq!(err.code(), Some("ValidationException"));
    let err = ids
        .list_users()
        .identity_store_id("d-0000000000")
        .send()
        .await
        .expect_err("unknown store");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    let err = ids
        .list_users()
        .identity_store_id("not-a-store")
        .send()
        .await
        .expect_err("malformed");
    assert_eq!(err.code(), Some("ValidationException"));
    let other_region = aws_sdk_identitystore::config::Builder::from(&session)
        .region(aws_config::Region::new("eu-west-3"))
        .build();
    let err = Client::from_conf(other_region)
        .list_users()
        .identity_store_id(&store)
        .send()
        .await
        .expect_err("wrong region");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn discovery_lists_instances_and_regions() {
    let cfg = FakeAwsConfig::default()
        .tps(10_000)
        .replica_regions(&["eu-west-1"])
        .member_account(MemberConfig::default());
    let h = start(cfg).await;
    let sso = aws_sdk_ssoadmin::Client::new(&roster_session(&h).await);
    let out = sso.list_instances().send().await.expect("ListInstances");
    let c = &h.info().customer;
    assert_eq!(
        out.instances().len(),
        1,
        "only the caller's account's instance"
    );
    let i = &out.instances()[0];
    assert_eq!(i.instance_arn(), Some(c.instance_arn.as_str()));
    assert_eq!(i.identity_store_id(), Some(c.identity_store_id.as_str()));
    assert_eq!(i.owner_account_id(), Some(c.management_account_id.as_str()));
    let regions = sso
        .list_regions()
        .instance_arn(&c.instance_arn)
        .send()
        .await
        .expect("ListRegions");
    let names: Vec<_> = regions
        .regions()
        .iter()
        .map(|r| (r.region_name().unwrap_or_default(), r.is_primary_region()))
        .collect();
    assert_eq!(names, vec![("us-east-1", true), ("eu-west-1", false)]);
    // The member account sees only its own account instance and small directory.
    let m = h.info().member.clone().expect("member account");
    let member = sdk_config(
        &h.endpoint(),
        static_creds(&m.admin_access_key_id, &m.admin_secret_access_key),
        &m.home_region,
    )
    .await;
    let out = aws_sdk_ssoadmin::Client::new(&member)
        .list_instances()
        .send()
        .await
        .expect("ListInstances");
    assert_eq!(
        out.instances()[0].identity_store_id(),
        Some(m.identity_store_id.as_str())
    );
    let users = Client::new(&member)
        .list_users()
        .identity_store_id(&m.identity_store_id)
        .send()
        .await
        .expect("ListUsers");
    assert_eq!(users.users().len(), 12);
}

#[tokio::test]
async fn writes_through_the_api_and_the_handle_are_visible() {
    let h = start(FakeAwsConfig::default().tps(10_000).directory(10, 2, 5)).await;
    let store = h.info().customer.identity_store_id.clone();
    let admin = Client::new(&admin_config(&h).await);
    let user = admin
        .create_user()
        .identity_store_id(&store)
        .user_name("new.hire@example.com")
        .display_name("New Hire")
        .name(
            aws_sdk_identitystore::types::Name::builder()
                .given_name("New")
                .family_name("Hire")
                .build(),
        )
        .send()
        .await
        .expect("CreateUser");
    let err = admin
        .create_user()
        .identity_store_id(&store)
        .user_name("new.hire@example.com")
        .send()
        .await
        .expect_err("duplicate");
    assert_eq!(err.code(), Some("ConflictException"));
    let group = admin
        .create_group()
        .identity_store_id(&store)
        .display_name("admins")
        .send()
        .await
        .expect("CreateGroup");
    let m = admin
        .create_group_membership()
        .identity_store_id(&store)
        .group_id(group.group_id())
        .member_id(MemberId::UserId(user.user_id().to_owned()))
        .send()
        .await
        .expect("CreateGroupMembership");
    assert_eq!(h.directory_counts(), (11, 3, 6));
    h.disable_user(user.user_id()).expect("disable");
    let d = admin
        .describe_user()
        .identity_store_id(&store)
        .user_id(user.user_id())
        .send()
        .await
        .expect("DescribeUser");
    assert_eq!(
        d.user_status()
            .map(aws_sdk_identitystore::types::UserStatus::as_str),
        Some("DISABLED")
    );
    admin
        .delete_group_membership()
        .identity_store_id(&store)
        .membership_id(m.membership_id())
        .send()
        .await
        .expect("delete");
    admin
        .delete_user()
        .identity_store_id(&store)
        .user_id(user.user_id())
        .send()
        .await
        .expect("delete");
    admin
        .delete_group()
        .identity_store_id(&store)
        .group_id(group.group_id())
        .send()
        .await
        .expect("delete");
    assert_eq!(h.directory_counts(), (10, 2, 5));
}
