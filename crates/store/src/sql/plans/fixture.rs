//! The store the plans are read from: a generated directory, synced twice
//! (the second changing and removing some of it) and a third sync running.

use roster_core::{
    ExternalId, Group, GroupId, IdentityStoreId, Membership, RoleArn, SourceId, SyncId, SyncStats,
    TenantId, User, UserId,
};

use crate::ports::{Sources, Syncs};
use crate::records::{NewSource, SourceStatus, StageBatch};
use crate::sql::SqlStore;

fn directory(users: usize, group_count: usize, drop_every: usize) -> StageBatch {
    let store = IdentityStoreId::parse("d-1234567890").unwrap();
    let users: Vec<User> = (0..users)
        .filter(|i| drop_every == 0 || i % drop_every != 0)
        .map(|i| {
            let mut u = User::new(
                store.clone(),
                UserId::parse(&format!("user-{i:05}")).unwrap(),
            );
            u.user_name = Some(format!("u{i}-{drop_every}"));
            u
        })
        .collect();
    let groups: Vec<Group> = (0..group_count)
        .map(|i| Group::new(store.clone(), GroupId::parse(&format!("g-{i:03}")).unwrap()))
        .collect();
    let memberships = users
        .iter()
        .enumerate()
        .flat_map(|(n, u)| {
            // From its JSON form, as AWS returns it: only the three IDs.
            (0..2).map(move |k| -> Membership {
                serde_json::from_value(serde_json::json!({
                    "MembershipId": format!("m-{}-{k}", u.user_id),
                    "GroupId": format!("g-{:03}", (n + k) % group_count),
                    "UserId": u.user_id.as_str(),
                }))
                .unwrap()
            })
        })
        .collect();
    StageBatch {
        users,
        groups,
        memberships,
    }
}

/// A fresh `SQLite` store in a temporary folder with one connected source:
/// where the plan tests (`sql::plans`, `sql::access::plans`) start.
pub(in crate::sql) async fn store_and_source()
-> (SqlStore, tempfile::TempDir, crate::records::Source) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("plans.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    let new = NewSource {
        id: SourceId::generate(),
        name: "plans".into(),
        role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
        external_id: ExternalId::generate(),
        status: SourceStatus::Connected,
    };
    let src = store
        .create_source(&TenantId::default_tenant(), &new)
        .await
        .unwrap();
    (store, dir, src)
}

/// A store holding two syncs of one source (the second changed some users
/// and removed others), and a third still running; returns the second and third.
pub(super) async fn store_with_history() -> (SqlStore, tempfile::TempDir, SourceId, SyncId, SyncId)
{
    let (store, dir, src) = store_and_source().await;
    let t = TenantId::default_tenant();
    let mut syncs = Vec::new();
    for drop_every in [0, 7, 5] {
        let sync = store.begin_sync(&t, &src.id).await.unwrap();
        store
            .stage(&t, sync, &directory(400, 20, drop_every))
            .await
            .unwrap();
        if drop_every != 5 {
            store
                .publish_sync(&t, sync, None, &SyncStats::default())
                .await
                .unwrap();
        }
        syncs.push(sync);
    }
    (store, dir, src.id, syncs[1], syncs[2])
}
