//! The directory read through its integer keys (#16) reads as it did on
//! text: a group's members in user ID order even when their keys were
//! handed out in another order (small and large groups), memberships named by their group's and
//! user's IDs, every snapshot as it was; deleting a source deletes its keys.
//! On `SQLite` and `PostgreSQL`.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)] // the contract suite's helpers; only a few are used here
mod support;

use roster_core::{ExternalId, RoleArn, SourceId, SyncStats, TenantId};
use roster_store::prelude::*;
use roster_store::{NewSource, Snapshot, SourceStatus, SqlStore, StageBatch, UserFilter};
use sqlx::{Executor, Row};
use support::{group, membership, user};

async fn new_source(store: &SqlStore, name: &str) -> SourceId {
    store
        .create_source(
            &TenantId::default_tenant(),
            &NewSource {
                id: SourceId::generate(),
                name: name.into(),
                role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
                external_id: ExternalId::generate(),
                status: SourceStatus::Connected,
            },
        )
        .await
        .unwrap()
        .id
}

async fn sync(store: &SqlStore, source: &SourceId, batch: &StageBatch) -> Snapshot {
    let t = TenantId::default_tenant();
    let sync = store.begin_sync(&t, source).await.unwrap();
    store.stage(&t, sync, batch).await.unwrap();
    store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    Snapshot {
        source_id: source.clone(),
        sync_id: sync,
    }
}

async fn count(store: &SqlStore, sql: &str, source: &SourceId) -> i64 {
    sqlx::query(sql)
        .bind(TenantId::default_tenant().as_str().to_owned())
        .bind(source.as_str().to_owned())
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn id_key(store: &SqlStore, source: &SourceId, aws_id: &str) -> i64 {
    sqlx::query(
        "SELECT k.id_key FROM id_keys k JOIN source_keys s ON s.source_key = k.source_key \
         WHERE s.tenant_id = $1 AND s.source_id = $2 AND k.aws_id = $3",
    )
    .bind(TenantId::default_tenant().as_str().to_owned())
    .bind(source.as_str().to_owned())
    .bind(aws_id.to_owned())
    .fetch_one(store.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap()
}

fn ids(users: &[roster_store::UserSummary]) -> Vec<String> {
    users.iter().map(|u| u.user_id.clone()).collect()
}

/// Users 5 to 7 in group 0; then users 1 and 2 join it (and group 1), so
/// their keys are newer than the others' although their IDs sort first.
/// Returns the source and its two snapshots.
async fn keys_out_of_id_order(store: &SqlStore) -> (SourceId, Snapshot, Snapshot) {
    let source = new_source(store, "keys").await;
    let first = StageBatch {
        users: (5..8).map(user).collect(),
        groups: (0..2).map(group).collect(),
        memberships: vec![
            membership(50, 0, 5),
            membership(60, 0, 6),
            membership(70, 0, 7),
        ],
    };
    let old = sync(store, &source, &first).await;
    let mut second = first.clone();
    second.users.extend([user(1), user(2)]);
    second.memberships.extend([
        membership(10, 0, 1),
        membership(20, 0, 2),
        membership(21, 1, 2),
    ]);
    let new = sync(store, &source, &second).await;
    assert!(
        id_key(store, &source, "user-00001").await > id_key(store, &source, "user-00007").await,
        "the premise: a newer user's key sorts after an older one's"
    );
    (source, old, new)
}

/// Browsing: a group's members, the user search's group filter, a user's groups.
async fn browsing_follows_the_ids_not_the_keys(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let (_, old, new) = keys_out_of_id_order(store).await;

    // A group's members, in user ID order, page by page.
    let g = "group-00000";
    let all = store.group_members(&t, &new, g, None, 10).await.unwrap();
    assert_eq!(
        ids(&all),
        [
            "user-00001",
            "user-00002",
            "user-00005",
            "user-00006",
            "user-00007"
        ]
    );
    let page = store
        .group_members(&t, &new, g, Some("user-00002"), 2)
        .await
        .unwrap();
    assert_eq!(ids(&page), ["user-00005", "user-00006"]);
    let before = store.group_members(&t, &old, g, None, 10).await.unwrap();
    assert_eq!(ids(&before), ["user-00005", "user-00006", "user-00007"]);
    assert!(
        store
            .group_members(&t, &new, "group-00009", None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    // The user search's group filter, a user's groups, member counts.
    let filter = UserFilter {
        group_id: Some("group-00001".into()),
        ..UserFilter::default()
    };
    let found = store
        .search_users(&t, &new, &filter, None, 10)
        .await
        .unwrap();
    assert_eq!(ids(&found), ["user-00002"]);
    let groups = store.user_groups(&t, &new, "user-00002", 10).await.unwrap();
    let counts: Vec<(String, u64)> = groups
        .iter()
        .map(|g| (g.group_id.clone(), g.member_count))
        .collect();
    assert_eq!(
        counts,
        [("group-00000".to_owned(), 5), ("group-00001".to_owned(), 1)]
    );
    assert!(
        store
            .user_groups(&t, &old, "user-00002", 10)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Snapshot facts, membership pages and diffs name groups and users by ID.
async fn pages_and_history_name_the_ids(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let (source, old, new) = keys_out_of_id_order(store).await;
    let facts = store.group_facts(&t, &new).await.unwrap();
    let members: Vec<u64> = facts.iter().map(|g| g.members).collect();
    assert_eq!(members, [5, 1]);
    let users = store.user_facts(&t, &new).await.unwrap();
    let per_user: Vec<(String, u64)> = users
        .iter()
        .map(|u| (u.user_id.clone(), u.groups))
        .collect();
    assert_eq!(
        per_user[..2],
        [("user-00001".into(), 1), ("user-00002".into(), 2)]
    );

    // Memberships named by their group's and user's IDs, with their names.
    let page = store.memberships_page(&t, &new, None, 10).await.unwrap();
    let named: Vec<(String, String, String, Option<String>)> = page
        .iter()
        .map(|m| {
            (
                m.membership.membership_id.to_string(),
                m.membership.group_id.to_string(),
                m.membership.user_id.to_string(),
                m.user_name.clone(),
            )
        })
        .collect();
    assert_eq!(named.len(), 6);
    assert_eq!(
        named[0],
        (
            "m-00010".into(),
            "group-00000".into(),
            "user-00001".into(),
            Some("u1".into())
        )
    );
    assert_eq!(page[2].group_display_name.as_deref(), Some("g1"));

    // The diff between the syncs names them too.
    let changes = store
        .version_changes(&t, &source, old.sync_id, new.sync_id)
        .await
        .unwrap();
    let added: Vec<(String, String)> = changes
        .memberships_after
        .iter()
        .map(|m| (m.group_id.clone(), m.user_id.clone()))
        .collect();
    assert_eq!(
        added,
        [
            ("group-00000".into(), "user-00001".into()),
            ("group-00000".into(), "user-00002".into()),
            ("group-00001".into(), "user-00002".into()),
        ]
    );
    assert!(changes.memberships_before.is_empty());
}

/// A group of 1,000 members and more (listed by walking the source's IDs,
/// `browse::MANY_MEMBERS`) pages in user ID order too: users 300 to 1299
/// first, then 0 to 299 join with newer keys.
async fn a_large_groups_members_page_in_id_order(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let source = new_source(store, "large").await;
    let batch = |users: std::ops::Range<usize>| StageBatch {
        users: users.clone().map(user).collect(),
        groups: vec![group(0)],
        memberships: users.map(|u| membership(u, 0, u)).collect(),
    };
    let old = sync(store, &source, &batch(300..1300)).await;
    let new = sync(store, &source, &batch(0..1300)).await;
    assert!(
        id_key(store, &source, "user-00000").await > id_key(store, &source, "user-01299").await
    );
    let g = "group-00000";
    let mut listed = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .group_members(&t, &new, g, after.as_deref(), 200)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.user_id.clone());
        listed.extend(ids(&page));
    }
    let expected: Vec<String> = (0..1300).map(|i| format!("user-{i:05}")).collect();
    assert_eq!(listed, expected);
    let page = store
        .group_members(&t, &new, g, Some("user-00299"), 3)
        .await
        .unwrap();
    assert_eq!(ids(&page), ["user-00300", "user-00301", "user-00302"]);
    let page = store.group_members(&t, &old, g, None, 2).await.unwrap();
    assert_eq!(ids(&page), ["user-00300", "user-00301"]);
    let page = store
        .group_members(&t, &old, g, Some("user-01298"), 5)
        .await
        .unwrap();
    assert_eq!(ids(&page), ["user-01299"]);
}

/// Deleting a source deletes its directory and its keys, not another's.
async fn deleting_a_source_deletes_its_keys(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let gone = new_source(store, "gone").await;
    let kept = new_source(store, "kept").await;
    sync(store, &gone, &support::directory()).await;
    let snap = sync(store, &kept, &support::directory()).await;
    let keys = "SELECT COUNT(*) FROM id_keys WHERE source_key IN \
                (SELECT source_key FROM source_keys WHERE tenant_id = $1 AND source_id = $2)";
    let sources = "SELECT COUNT(*) FROM source_keys WHERE tenant_id = $1 AND source_id = $2";
    // 3 memberships naming 2 groups and 3 users.
    assert_eq!(count(store, keys, &gone).await, 5);
    store.delete_source(&t, &gone).await.unwrap();
    assert_eq!(count(store, keys, &gone).await, 0);
    assert_eq!(count(store, sources, &gone).await, 0);
    assert_eq!(count(store, keys, &kept).await, 5);
    assert_eq!(count(store, sources, &kept).await, 1);
    assert_eq!(
        store
            .memberships_page(&t, &snap, None, 10)
            .await
            .unwrap()
            .len(),
        3
    );
    for table in ["dir_users", "dir_groups", "dir_memberships", "id_keys"] {
        let orphans: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) FROM {table} WHERE source_key NOT IN (SELECT source_key FROM source_keys)"
        ))
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
        assert_eq!(orphans, 0, "{table} keeps rows of no source");
    }
}

async fn all_cases(url: &str) {
    let store = SqlStore::connect(url).await.unwrap();
    browsing_follows_the_ids_not_the_keys(&store).await;
    pages_and_history_name_the_ids(&store).await;
    a_large_groups_members_page_in_id_order(&store).await;
    deleting_a_source_deletes_its_keys(&store).await;
    store.close().await.unwrap();
}

#[tokio::test]
async fn directory_keys_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("roster.db").display());
    all_cases(&url).await;
}

#[tokio::test]
async fn directory_keys_on_postgres() {
    sqlx::any::install_default_drivers();
    let admin_url = support::pg_admin_url();
    let name = format!("roster_t_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    all_cases(&format!("{base}/{name}")).await;
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
}
