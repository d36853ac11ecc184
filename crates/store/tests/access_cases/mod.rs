//! Contract cases of access runs: publish, staging, scopes, interruption,
//! failure (this file); diffs, filters, tenants, NUL, settings (`reads.rs`).

mod reads;
pub use reads::*;

use roster_core::sso::PrincipalType;
use roster_core::{SyncStats, TenantId};
use roster_store::prelude::*;
use roster_store::{
    AccessCounts, AccessFilter, SqlStore, StoreError, SyncFailure, SyncScope, SyncStatus,
};

use super::support::{directory, user};
use super::{access_sync, assignment, new_source, organization, row, table_rows};

/// Every row of the access snapshot `at`, through pages of `limit`.
pub async fn all_access(
    store: &dyn Store,
    t: &TenantId,
    at: &roster_store::Snapshot,
    filter: &AccessFilter,
    limit: u32,
) -> Vec<roster_store::AccessEntry> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .access_page(t, at, filter, after.as_deref(), limit)
            .await
            .unwrap();
        assert!(page.len() <= limit as usize);
        let Some(last) = page.last() else { break };
        after = Some(last.cursor());
        out.extend(page);
    }
    out
}

pub async fn an_access_sync_publishes_what_it_staged(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let sync = access_sync(store, &t, &src.id, &organization()).await;
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snap.sync_id, sync);
    assert!(
        store.latest_snapshot(&t, &src.id).await.unwrap().is_none(),
        "an access run is not a directory snapshot"
    );
    let run = store.get_sync(&t, sync).await.unwrap();
    assert_eq!(
        (run.status, run.scope),
        (SyncStatus::Complete, SyncScope::Access)
    );
    assert_eq!(
        serde_json::to_value(&run).unwrap()["scope"],
        "access",
        "the scope is serialised"
    );

    let rows = all_access(store, &t, &snap, &AccessFilter::default(), 100).await;
    let keys: Vec<String> = rows.iter().map(roster_store::AccessEntry::cursor).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "rows come in cursor order");
    assert_eq!(rows.len(), 4);
    let orphan = &rows[0];
    assert_eq!(orphan.row, row(None, 2, 1, Some(9)));
    assert_eq!(orphan.account_name.as_deref(), Some("sandbox"));
    assert_eq!(orphan.permission_set_name.as_deref(), Some("ReadOnly"));
    assert!(!orphan.privileged);
    let admin = rows
        .iter()
        .find(|e| e.row == row(Some(2), 0, 0, Some(1)))
        .unwrap();
    assert_eq!(admin.account_name.as_deref(), Some("prod"));
    assert_eq!(
        admin.permission_set_name.as_deref(),
        Some("AdministratorAccess")
    );
    assert!(admin.privileged);

    let org = organization();
    assert_eq!(store.accounts(&t, &snap).await.unwrap(), org.accounts);
    let sets = store.permission_sets(&t, &snap).await.unwrap();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].facts, org.permission_sets[0].facts, "by name");
    assert!(sets[0].privileged && !sets[1].privileged);
    assert_eq!(
        sets[0].provisioned_accounts,
        [super::acct(0), super::acct(1)],
        "provisioned accounts are kept sorted"
    );
    let mut assignments = store.account_assignments(&t, &snap).await.unwrap();
    assignments.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    assert_eq!(assignments, org.account_assignments);
    let apps = store.applications(&t, &snap).await.unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].0, org.applications[0]);
    assert_eq!(apps[0].1, org.application_assignments);
    assert_eq!(
        store.access_counts(&t, &snap).await.unwrap(),
        AccessCounts {
            accounts: 3,
            permission_sets: 2,
            account_assignments: 3,
            applications: 1,
            access_rows: 4,
            orphaned_rows: 1,
            privileged_rows: 2,
        }
    );
}

pub async fn staging_twice_stores_once_and_unchanged_syncs_add_no_versions(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let sync = store.begin_access_sync(&t, &src.id).await.unwrap();
    let org = organization();
    store.stage_access(&t, sync, &org).await.unwrap();
    store.stage_access(&t, sync, &org).await.unwrap();
    let mut renamed = org.clone();
    renamed.accounts[0].name = Some("second sighting".into());
    store.stage_access(&t, sync, &renamed).await.unwrap();
    store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.access_counts(&t, &snap).await.unwrap().access_rows, 4);
    assert_eq!(
        store.accounts(&t, &snap).await.unwrap()[0].name.as_deref(),
        Some("prod"),
        "the first sighting wins"
    );
    let before = versions(store).await;
    for _ in 0..30 {
        access_sync(store, &t, &src.id, &organization()).await;
    }
    assert_eq!(
        versions(store).await,
        before,
        "30 unchanged syncs add no versions"
    );
    assert_eq!(before, [3, 2, 3, 1, 1, 4]);
    // One change: one version ended, one begun; the rest untouched.
    let mut changed = organization();
    changed.access[1].user_disabled = true;
    access_sync(store, &t, &src.id, &changed).await;
    assert_eq!(versions(store).await, [3, 2, 3, 1, 1, 5]);
}

async fn versions(store: &SqlStore) -> [i64; 6] {
    let mut out = [0; 6];
    for (slot, table) in out.iter_mut().zip([
        "sso_accounts",
        "sso_permission_sets",
        "sso_account_assignments",
        "sso_applications",
        "sso_application_assignments",
        "sso_access",
    ]) {
        *slot = table_rows(store, table).await;
    }
    out
}

pub async fn a_run_writes_only_rows_of_its_own_scope(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let dir = store.begin_sync(&t, &src.id).await.unwrap();
    let err = store
        .stage_access(&t, dir, &organization())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    store
        .publish_sync(&t, dir, None, &SyncStats::default())
        .await
        .unwrap();
    let acc = store.begin_access_sync(&t, &src.id).await.unwrap();
    let err = store.stage(&t, acc, &directory()).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    store.stage_access(&t, acc, &organization()).await.unwrap();
    store
        .publish_sync(&t, acc, None, &SyncStats::default())
        .await
        .unwrap();
    let err = store
        .stage_access(&t, acc, &organization())
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(_)),
        "stage after publish: {err}"
    );
    let err = store
        .stage_access(&t, roster_core::SyncId(999_999), &organization())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err}");
    let listed = store.list_syncs(&t, &src.id, 10).await.unwrap();
    let scopes: Vec<SyncScope> = listed.iter().map(|r| r.scope).collect();
    assert_eq!(scopes, [SyncScope::Access, SyncScope::Directory]);
}

pub async fn directory_and_access_snapshots_stay_readable_across_each_other(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let d1 = super::directory_sync(store, &t, &src.id, &directory()).await;
    let a1 = access_sync(store, &t, &src.id, &organization()).await;
    let mut changed = directory();
    changed.users.push(user(9));
    let d2 = super::directory_sync(store, &t, &src.id, &changed).await;
    let snap = |id| roster_store::Snapshot {
        source_id: src.id.clone(),
        sync_id: id,
    };
    assert_eq!(
        store
            .latest_snapshot(&t, &src.id)
            .await
            .unwrap()
            .unwrap()
            .sync_id,
        d2
    );
    assert_eq!(
        store
            .latest_access_snapshot(&t, &src.id)
            .await
            .unwrap()
            .unwrap()
            .sync_id,
        a1
    );
    // The directory publish ended no access row, and vice versa.
    let at_d2 = all_access(store, &t, &snap(d2), &AccessFilter::default(), 10).await;
    assert_eq!(at_d2.len(), 4);
    assert_eq!(
        store
            .users_page(&t, &snap(a1), None, 100)
            .await
            .unwrap()
            .len(),
        5
    );
    let mut fewer = organization();
    fewer.access.pop();
    let a2 = access_sync(store, &t, &src.id, &fewer).await;
    assert_eq!(
        store
            .users_page(&t, &snap(a2), None, 100)
            .await
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        store
            .latest_snapshot(&t, &src.id)
            .await
            .unwrap()
            .unwrap()
            .sync_id,
        d2
    );
    assert_eq!(
        all_access(store, &t, &snap(a2), &AccessFilter::default(), 10)
            .await
            .len(),
        3
    );
    assert_eq!(
        all_access(store, &t, &snap(d2), &AccessFilter::default(), 10)
            .await
            .len(),
        4
    );
    assert_eq!(
        all_access(store, &t, &snap(d1), &AccessFilter::default(), 10)
            .await
            .len(),
        0,
        "no access before the first access run"
    );
}

pub async fn an_interrupted_run_of_either_scope_is_undone_by_the_next(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let a1 = access_sync(store, &t, &src.id, &organization()).await;
    // Killed mid-sync: staged, never published.
    let killed = store.begin_access_sync(&t, &src.id).await.unwrap();
    let mut other = organization();
    other.access.truncate(1);
    other.access[0].user_disabled = true;
    store.stage_access(&t, killed, &other).await.unwrap();
    assert!(table_rows(store, "sso_stage_access").await > 0);
    // The next run, of the other scope, ends it and undoes what it wrote.
    let dir = store.begin_sync(&t, &src.id).await.unwrap();
    let run = store.get_sync(&t, killed).await.unwrap();
    assert_eq!(run.status, SyncStatus::Failed);
    assert_eq!(run.failure.unwrap().code, "interrupted");
    assert_eq!(table_rows(store, "sso_stage_access").await, 0);
    let err = store.stage_access(&t, killed, &other).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snap.sync_id, a1);
    let rows = all_access(store, &t, &snap, &AccessFilter::default(), 10).await;
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|e| !e.row.user_disabled));
    // A killed directory run is undone by an access run too.
    store.stage(&t, dir, &directory()).await.unwrap();
    let a2 = access_sync(store, &t, &src.id, &organization()).await;
    assert_eq!(
        store.get_sync(&t, dir).await.unwrap().status,
        SyncStatus::Failed
    );
    assert_eq!(store.version_counts(&t, &src.id).await.unwrap().users, 0);
    assert!(store.latest_snapshot(&t, &src.id).await.unwrap().is_none());
    // After its publish, housekeeping leaves no staged row behind.
    store.clean_staging(&t, &src.id).await.unwrap();
    assert_eq!(table_rows(store, "sso_stage_access").await, 0);
    assert_eq!(
        store
            .latest_access_snapshot(&t, &src.id)
            .await
            .unwrap()
            .unwrap()
            .sync_id,
        a2
    );
}

pub async fn a_failed_access_run_leaves_the_previous_access_current(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let good = access_sync(store, &t, &src.id, &organization()).await;
    let bad = store.begin_access_sync(&t, &src.id).await.unwrap();
    let mut more = organization();
    more.account_assignments
        .push(assignment(1, 0, PrincipalType::User, "user-00007"));
    more.access.push(row(Some(7), 1, 0, None));
    store.stage_access(&t, bad, &more).await.unwrap();
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snap.sync_id, good, "a running run is invisible");
    assert_eq!(
        all_access(store, &t, &snap, &AccessFilter::default(), 10)
            .await
            .len(),
        4
    );
    let failure = SyncFailure {
        code: "sso-access-denied".into(),
        cause: "c".into(),
        fix: "f".into(),
    };
    store
        .fail_sync(&t, bad, &failure, &SyncStats::default())
        .await
        .unwrap();
    assert_eq!(table_rows(store, "sso_stage_access").await, 0);
    let run = store.get_sync(&t, bad).await.unwrap();
    assert_eq!(
        (run.status, run.scope),
        (SyncStatus::Failed, SyncScope::Access)
    );
    let err = store
        .publish_sync(&t, bad, None, &SyncStats::default())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snap.sync_id, good);
    assert_eq!(store.access_counts(&t, &snap).await.unwrap().access_rows, 4);
    assert_eq!(table_rows(store, "sso_access").await, 4);
}

/// 2,600 users × 2 paths: more rows than one publishing chunk, staged in
/// batches of 500 (some twice, as a retried page would be).
fn large(change_every: usize, drop_every: usize) -> Vec<roster_core::sso::AccessRow> {
    (0..2_600)
        .flat_map(|u| {
            [
                row(Some(u), u % 3, 0, Some(u % 4)),
                row(Some(u), 1, 1, None),
            ]
        })
        .enumerate()
        .filter(|(i, _)| drop_every == 0 || i % drop_every != 0)
        .map(|(i, mut r)| {
            if change_every != 0 && i % change_every == 0 {
                r.user_name = Some(format!("changed {i}"));
            }
            r
        })
        .collect()
}

async fn stage_in_batches(
    store: &SqlStore,
    t: &TenantId,
    src: &roster_core::SourceId,
    rows: &[roster_core::sso::AccessRow],
) -> roster_core::SyncId {
    let sync = store.begin_access_sync(t, src).await.unwrap();
    let mut org = organization();
    for (n, chunk) in rows.chunks(500).enumerate() {
        org.access = chunk.to_vec();
        store.stage_access(t, sync, &org).await.unwrap();
        if n % 3 == 0 {
            store.stage_access(t, sync, &org).await.unwrap();
        }
    }
    store
        .publish_sync(t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    sync
}

pub async fn a_large_organization_versions_across_publishing_chunks(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let first = stage_in_batches(store, &t, &src.id, &large(0, 0)).await;
    assert_eq!(table_rows(store, "sso_access").await, 5_200);
    let second_rows = large(7, 11);
    let second = stage_in_batches(store, &t, &src.id, &second_rows).await;
    let dropped = 5_200 / 11 + 1;
    let changed = (0..5_200).filter(|i| i % 7 == 0 && i % 11 != 0).count();
    assert_eq!(
        table_rows(store, "sso_access").await,
        5_200 + i64::try_from(changed).unwrap(),
        "only changed rows get a new version"
    );
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    let all = all_access(store, &t, &snap, &AccessFilter::default(), 997).await;
    let mut want = second_rows.clone();
    want.sort_by_key(roster_core::sso::AccessRow::key);
    let got: Vec<_> = all.into_iter().map(|e| e.row).collect();
    assert_eq!(got.len(), 5_200 - dropped);
    assert_eq!(got, want);
    let d = store.access_diff(&t, &src.id, first, second).await.unwrap();
    assert!(d.gained.is_empty(), "renames gain nothing");
    assert_eq!(d.lost.len(), dropped);
}

/// Eight writers stage batches of one run at once (the engine's expansion
/// and its organization pages), with overlapping rows: every row lands once.
/// A run begun meanwhile supersedes it, and its late writes are refused.
pub async fn concurrent_batches_of_one_run_all_land_once(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let sync = store.begin_access_sync(&t, &src.id).await.unwrap();
    let rows = large(0, 0);
    let mut writers = Vec::new();
    for w in 0..8 {
        let (store, t) = (store.clone(), t.clone());
        // Each writer's share, plus the first rows of the next one's.
        let mine: Vec<_> = rows.iter().skip(w * 650).take(700).cloned().collect();
        writers.push(tokio::spawn(async move {
            for chunk in mine.chunks(100) {
                let batch = roster_store::AccessBatch {
                    access: chunk.to_vec(),
                    ..roster_store::AccessBatch::default()
                };
                store.stage_access(&t, sync, &batch).await.unwrap();
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.access_counts(&t, &snap).await.unwrap().access_rows,
        5_200
    );

    let late = store.begin_access_sync(&t, &src.id).await.unwrap();
    let (s2, t2) = (store.clone(), t.clone());
    let writer = tokio::spawn(async move {
        let batch = organization();
        let mut refused = false;
        for _ in 0..50 {
            if let Err(e) = s2.stage_access(&t2, late, &batch).await {
                assert!(matches!(e, StoreError::Conflict(_)), "{e}");
                refused = true;
                break;
            }
        }
        refused
    });
    let next = store.begin_access_sync(&t, &src.id).await.unwrap();
    let refused = writer.await.unwrap();
    let err = store
        .stage_access(&t, late, &organization())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    store
        .publish_sync(&t, next, None, &SyncStats::default())
        .await
        .unwrap();
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snap.sync_id, next);
    assert_eq!(
        store.access_counts(&t, &snap).await.unwrap().access_rows,
        0,
        "the superseded run's rows are gone, whenever it wrote them (refused: {refused})"
    );
}
