//! Every field the Identity Store returns reaches roster's model: users'
//! enterprise extension (asked for with `Extensions`), ARNs and revisions,
//! and memberships' ARN and timestamps — read from fake-aws in process.
#![allow(clippy::unwrap_used)]

mod common;

use common::{full_policy, home, management_session, start};
use roster_aws::DirectoryClient;
use roster_core::IdentityStoreId;
use roster_fake_aws::FakeAwsConfig;

async fn client() -> (roster_fake_aws::FakeAwsHandle, DirectoryClient) {
    let fake = start(FakeAwsConfig::default().directory(40, 4, 60)).await;
    let session = management_session(&fake, &full_policy()).await;
    let store = IdentityStoreId::parse(&fake.info().customer.identity_store_id).unwrap();
    let client = DirectoryClient::new(&session, store, home(&fake));
    (fake, client)
}

#[tokio::test]
async fn a_synced_user_keeps_its_enterprise_extension_arn_and_revision() {
    let (_fake, client) = client().await;
    let users = client.users_page(None, None).await.unwrap().items;
    assert_eq!(users.len(), 40);
    let with: Vec<_> = users
        .iter()
        .filter_map(roster_core::User::enterprise)
        .collect();
    assert!(
        with.len() > 10 && with.len() < 40,
        "a realistic share carries the extension: {}",
        with.len()
    );
    let e = &with[0];
    assert!(e.employee_number.as_deref().unwrap().starts_with('E'));
    assert!(e.department.is_some() && e.cost_center.is_some());
    for u in &users {
        let arn = u.user_arn.as_deref().unwrap();
        assert!(arn.ends_with(&format!("user/{}", u.user_id)), "{arn}");
        assert!(u.revision.is_some() && u.created_at.is_some());
    }
}

#[tokio::test]
async fn groups_and_memberships_keep_their_arns_and_timestamps() {
    let (_fake, client) = client().await;
    let groups = client.groups_page(None, None).await.unwrap().items;
    let g = &groups[0];
    assert!(
        g.group_arn
            .as_deref()
            .unwrap()
            .ends_with(&format!("group/{}", g.group_id))
    );
    assert!(g.revision.is_some() && g.created_at.is_some() && g.updated_at.is_some());
    let mut seen = 0;
    for g in &groups {
        for m in client
            .memberships_page(&g.group_id, None, None)
            .await
            .unwrap()
            .items
        {
            let arn = m.meta.membership_arn.as_deref().unwrap();
            assert!(
                arn.ends_with(&format!("membership/{}", m.membership_id)),
                "{arn}"
            );
            assert!(m.meta.created_at.is_some() && m.meta.updated_at.is_some());
            seen += 1;
        }
    }
    assert!(seen > 0);
}
