//! Contract cases of a sync run's life (`Syncs`): failure and abandonment
//! undo what a run wrote, a running sync is invisible until published,
//! versions left to the publish give the same snapshot, retried rows count once.

use roster_core::{SnapshotCounts, SyncStats, TenantId};
use roster_store::{StageBatch, Store, StoreError, SyncFailure, SyncStatus, Versioning};

use super::support::{directory, group, membership, user};
use super::{all_user_names, new_source, sync_once};

pub async fn a_failed_sync_leaves_the_previous_snapshot_current(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let good = sync_once(store, &t, &src.id, &directory()).await;
    let bad = store.begin_sync(&t, &src.id).await.unwrap();
    let mut partial = directory();
    partial.users.truncate(1);
    partial.users[0].display_name = Some("Renamed".into());
    partial.users.push(user(9));
    store.stage(&t, bad, &partial).await.unwrap();
    let failure = SyncFailure {
        code: "identitystore-access-denied".into(),
        cause: "c".into(),
        fix: "f".into(),
    };
    store
        .fail_sync(&t, bad, &failure, &SyncStats::default())
        .await
        .unwrap();
    let snap = store.latest_snapshot(&t, &src.id).await.unwrap().unwrap();
    assert_eq!(snap.sync_id, good);
    assert_eq!(all_user_names(store, &t, &snap).await.len(), 5);
    let run = store.get_sync(&t, bad).await.unwrap();
    assert_eq!(run.status, SyncStatus::Failed);
    assert_eq!(run.failure.unwrap().code, "identitystore-access-denied");
    let err = store
        .publish_sync(&t, bad, None, &SyncStats::default())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let err = store.stage(&t, bad, &partial).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let v = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!(
        (v.users, v.groups, v.memberships),
        (5, 2, 3),
        "what the failed run wrote is undone"
    );
    let next = sync_once(store, &t, &src.id, &partial).await;
    let snap = store.latest_snapshot(&t, &src.id).await.unwrap().unwrap();
    assert_eq!(snap.sync_id, next);
    assert_eq!(all_user_names(store, &t, &snap).await, ["u0", "u9"]);
}

pub async fn a_running_sync_is_invisible_until_published(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let first = sync_once(store, &t, &src.id, &directory()).await;
    let running = store.begin_sync(&t, &src.id).await.unwrap();
    let mut changed = directory();
    changed.users[0].display_name = Some("Renamed".into());
    changed.users.push(user(9));
    changed.memberships[0].user_id = changed.users[1].user_id.clone();
    store.stage(&t, running, &changed).await.unwrap();
    let snap = store.latest_snapshot(&t, &src.id).await.unwrap().unwrap();
    assert_eq!(snap.sync_id, first);
    assert_eq!(
        all_user_names(store, &t, &snap).await,
        ["u0", "u1", "u2", "u3", "u4"]
    );
    let users = store.users_page(&t, &snap, None, 1).await.unwrap();
    assert_eq!(users[0].display_name.as_deref(), Some("User 0"));
    let members = store.memberships_page(&t, &snap, None, 10).await.unwrap();
    assert_eq!(members[0].user_name.as_deref(), Some("u0"));
    assert!(
        store
            .change_counts(&t, &src.id, first, 10)
            .await
            .unwrap()
            .iter()
            .all(|c| c.sync_id == first.0),
        "history up to the snapshot sees nothing of the running sync"
    );
    store
        .publish_sync(&t, running, None, &SyncStats::default())
        .await
        .unwrap();
    let snap = store.latest_snapshot(&t, &src.id).await.unwrap().unwrap();
    assert_eq!(snap.sync_id, running);
    let users = store.users_page(&t, &snap, None, 1).await.unwrap();
    assert_eq!(users[0].display_name.as_deref(), Some("Renamed"));
    assert_eq!(all_user_names(store, &t, &snap).await.len(), 6);
}

pub async fn versions_left_to_the_publish_make_the_same_snapshot(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let first = sync_once(store, &t, &src.id, &directory()).await;
    let mut changed = directory();
    changed.users.remove(4);
    changed.users[0].display_name = Some("Renamed".into());
    changed.users.push(user(9));
    changed.memberships.pop();
    changed.memberships[0].user_id = changed.users[1].user_id.clone();
    let sync = store.begin_sync(&t, &src.id).await.unwrap();
    // The writer versions the first half as it goes, then falls behind.
    let (head, tail) = changed.users.split_at(2);
    let now = StageBatch {
        users: head.to_vec(),
        groups: changed.groups.clone(),
        memberships: changed.memberships[..1].to_vec(),
    };
    let later = StageBatch {
        users: tail.to_vec(),
        groups: vec![],
        memberships: changed.memberships[1..].to_vec(),
    };
    store
        .stage_with(&t, sync, &now, Versioning::Now)
        .await
        .unwrap();
    store
        .stage_with(&t, sync, &later, Versioning::AtPublish)
        .await
        .unwrap();
    store
        .stage_with(&t, sync, &now, Versioning::Now)
        .await
        .unwrap();
    let counts = store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    assert_eq!(
        counts,
        SnapshotCounts {
            users: 5,
            groups: 2,
            memberships: 2
        }
    );
    let snap = store.latest_snapshot(&t, &src.id).await.unwrap().unwrap();
    assert_eq!(
        all_user_names(store, &t, &snap).await,
        ["u0", "u1", "u2", "u3", "u9"]
    );
    let users = store.users_page(&t, &snap, None, 1).await.unwrap();
    assert_eq!(users[0].display_name.as_deref(), Some("Renamed"));
    let members = store.memberships_page(&t, &snap, None, 10).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].user_name.as_deref(), Some("u1"));
    let old = roster_store::Snapshot {
        source_id: src.id.clone(),
        sync_id: first,
    };
    assert_eq!(
        all_user_names(store, &t, &old).await,
        ["u0", "u1", "u2", "u3", "u4"],
        "the earlier snapshot is untouched"
    );
    let v = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!(
        (v.users, v.groups, v.memberships),
        (7, 2, 4),
        "one version per change: u0 renamed, u9 new; m0 moved"
    );
}

pub async fn an_abandoned_sync_is_interrupted_by_the_next(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let killed = store.begin_sync(&t, &src.id).await.unwrap();
    store.stage(&t, killed, &directory()).await.unwrap();
    assert!(
        store.latest_snapshot(&t, &src.id).await.unwrap().is_none(),
        "staged rows are invisible"
    );
    let next = sync_once(store, &t, &src.id, &directory()).await;
    let mut changed = directory();
    changed.users[0].display_name = Some("Renamed".into());
    changed.users.push(user(9));
    let killed_again = store.begin_sync(&t, &src.id).await.unwrap();
    store.stage(&t, killed_again, &changed).await.unwrap();
    let after = sync_once(store, &t, &src.id, &directory()).await;
    let snap = store.latest_snapshot(&t, &src.id).await.unwrap().unwrap();
    assert_eq!(snap.sync_id, after);
    let users = store.users_page(&t, &snap, None, 1).await.unwrap();
    assert_eq!(users[0].display_name.as_deref(), Some("User 0"));
    let err = store.stage(&t, killed_again, &changed).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "a superseded run cannot write: {err}"
    );
    let run = store.get_sync(&t, killed).await.unwrap();
    assert_eq!(run.status, SyncStatus::Failed);
    assert_eq!(run.failure.unwrap().code, "interrupted");
    assert_eq!(
        store
            .latest_snapshot(&t, &src.id)
            .await
            .unwrap()
            .unwrap()
            .sync_id,
        after
    );
    assert_eq!(
        store.get_sync(&t, next).await.unwrap().status,
        SyncStatus::Complete
    );
    let v = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!(
        (v.users, v.groups, v.memberships),
        (5, 2, 3),
        "no duplicates"
    );
}

pub async fn rows_staged_twice_are_stored_once(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let sync = store.begin_sync(&t, &src.id).await.unwrap();
    store.stage(&t, sync, &directory()).await.unwrap();
    let mut again = directory();
    again.users[0].display_name = Some("Seen second".into());
    store.stage(&t, sync, &again).await.unwrap();
    let counts = store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    assert_eq!(
        counts,
        SnapshotCounts {
            users: 5,
            groups: 2,
            memberships: 3
        }
    );
    let snap = store.latest_snapshot(&t, &src.id).await.unwrap().unwrap();
    let users = store.users_page(&t, &snap, None, 1).await.unwrap();
    assert_eq!(
        users[0].display_name.as_deref(),
        Some("User 0"),
        "the first sighting wins"
    );
    let v = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!((v.users, v.groups, v.memberships), (5, 2, 3));
}

pub async fn large_batches_round_trip(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let batch = StageBatch {
        users: (0..1_050).map(user).collect(),
        groups: (0..450).map(group).collect(),
        memberships: (0..1_050).map(|i| membership(i, i % 450, i)).collect(),
    };
    let sync = sync_once(store, &t, &src.id, &batch).await;
    assert_eq!(
        store.get_sync(&t, sync).await.unwrap().counts,
        SnapshotCounts {
            users: 1_050,
            groups: 450,
            memberships: 1_050
        }
    );
    // Again, with the versions left to the publish, which works in chunks of
    // keys: objects vanish inside a chunk and after the last staged key.
    let mut next = batch.clone();
    next.users.remove(1_049);
    next.users.remove(500);
    next.users[999].display_name = Some("Renamed".into());
    next.users.push(user(2_000));
    let again = store.begin_sync(&t, &src.id).await.unwrap();
    store
        .stage_with(&t, again, &next, Versioning::AtPublish)
        .await
        .unwrap();
    store
        .publish_sync(&t, again, None, &SyncStats::default())
        .await
        .unwrap();
    let snap = store.latest_snapshot(&t, &src.id).await.unwrap().unwrap();
    let names = all_user_names(store, &t, &snap).await;
    assert_eq!(names.len(), 1_049);
    assert!(!names.contains(&"u500".to_owned()) && !names.contains(&"u1049".to_owned()));
    assert!(names.contains(&"u2000".to_owned()));
    let v = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!(v.users, 1_052, "1050 + one renamed + one new");
}
