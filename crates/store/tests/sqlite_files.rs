//! `SQLite`'s files on disk: the write-ahead log left after a store closes,
//! and the pages a sync's staging used, returned once it is published.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)] // the contract suite's helpers; only a few are used here
mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use roster_core::{ExternalId, RoleArn, SourceId, SyncStats, TenantId};
use roster_store::{NewSource, SourceStatus, SqlStore, StageBatch, Store, Syncs};

const WAL_BOUND: u64 = 4 * 1024 * 1024;

fn wal_bytes(db: &Path) -> Option<u64> {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).ok().map(|m| m.len())
}

/// Syncs a directory large enough that its versions and staged rows take
/// well over 4 MiB of log, in several transactions.
async fn write_a_large_sync(store: &dyn Store) -> SourceId {
    let t = TenantId::default_tenant();
    let new = NewSource {
        id: SourceId::generate(),
        name: "big".into(),
        role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
        external_id: ExternalId::generate(),
        status: SourceStatus::Connected,
    };
    let src = store.create_source(&t, &new).await.unwrap();
    let sync = store.begin_sync(&t, &src.id).await.unwrap();
    for chunk in 0..8 {
        let batch = StageBatch {
            users: (chunk * 1000..(chunk + 1) * 1000)
                .map(support::user)
                .collect(),
            groups: Vec::new(),
            memberships: Vec::new(),
        };
        store.stage(&t, sync, &batch).await.unwrap();
    }
    store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    src.id
}

#[tokio::test]
async fn a_closed_store_leaves_no_large_write_ahead_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("roster.db");
    let store = SqlStore::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    write_a_large_sync(&store).await;
    let main_before = std::fs::metadata(&db).unwrap().len();
    assert!(
        wal_bytes(&db).is_some_and(|n| n > 0),
        "the sync wrote a log"
    );
    roster_store::Migrations::close(&store).await.unwrap();
    let wal = wal_bytes(&db);
    assert!(
        wal.is_none_or(|n| n <= WAL_BOUND),
        "WAL of {wal:?} bytes after close"
    );
    assert!(std::fs::metadata(&db).unwrap().len() >= main_before);
    store.close().await.unwrap(); // closing twice does nothing
}

#[tokio::test]
async fn close_all_closes_stores_already_dropped_and_those_still_open() {
    let dir = tempfile::tempdir().unwrap();
    let (dropped, open) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let a: Arc<dyn Store> = roster_store::connect(&format!("sqlite://{}", dropped.display()))
        .await
        .unwrap();
    let b: Arc<dyn Store> = roster_store::connect(&format!("sqlite://{}", open.display()))
        .await
        .unwrap();
    write_a_large_sync(a.as_ref()).await;
    write_a_large_sync(b.as_ref()).await;
    drop(a);
    roster_store::close_all().await;
    for db in [&dropped, &open] {
        let wal = wal_bytes(db);
        assert!(
            wal.is_none_or(|n| n <= WAL_BOUND),
            "{}: WAL of {wal:?} bytes after close_all",
            db.display()
        );
    }
    assert!(b.migrations_current().await.is_err(), "b was closed");
}

async fn pragma(store: &SqlStore, name: &str) -> i64 {
    let row = sqlx::query(&format!("PRAGMA {name}"))
        .fetch_one(store.pool())
        .await
        .unwrap();
    sqlx::Row::try_get(&row, 0).unwrap()
}

#[tokio::test]
async fn a_new_database_returns_the_pages_of_published_staging() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("roster.db");
    let store = SqlStore::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    assert_eq!(pragma(&store, "auto_vacuum").await, 2, "incremental");
    let source = write_a_large_sync(&store).await;
    store
        .clean_staging(&TenantId::default_tenant(), &source)
        .await
        .unwrap();
    assert_eq!(pragma(&store, "freelist_count").await, 0);
    store.close().await.unwrap();
}
