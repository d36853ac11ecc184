//! Directory documents written before migration 0015 (JSON) read back as
//! they were, and are rewritten compact once when a store next starts —
//! every snapshot keeps its rows, and an unchanged directory stays one
//! version per object. On `SQLite` and `PostgreSQL`.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)] // the contract suite's helpers; only a few are used here
mod support;

use roster_core::{ExternalId, RoleArn, SourceId, SyncStats, TenantId};
use roster_store::ports::Snapshots;
use roster_store::{NewSource, Snapshot, SourceStatus, Sources, SqlStore, Syncs};
use sqlx::{Executor, Row};

/// Every user, group and membership of `snap`, as text to compare.
async fn read_all(store: &SqlStore, snap: &Snapshot) -> String {
    let t = TenantId::default_tenant();
    let users = store.users_page(&t, snap, None, 100).await.unwrap();
    let groups = store.groups_page(&t, snap, None, 100).await.unwrap();
    let memberships = store.memberships_page(&t, snap, None, 100).await.unwrap();
    assert!(!users.is_empty() && !groups.is_empty() && !memberships.is_empty());
    format!("{users:?}\n{groups:?}\n{memberships:?}")
}

async fn count(store: &SqlStore, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

/// The directory with every kind of field set, synced once.
async fn synced(store: &SqlStore) -> (SourceId, roster_store::StageBatch) {
    let t = TenantId::default_tenant();
    let src = store
        .create_source(
            &t,
            &NewSource {
                id: SourceId::generate(),
                name: "legacy".into(),
                role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
                external_id: ExternalId::generate(),
                status: SourceStatus::Connected,
            },
        )
        .await
        .unwrap();
    let mut batch = support::directory();
    for u in &mut batch.users {
        u.user_arn = Some(format!("arn:aws:identitystore:::user/{}", u.user_id));
        u.title = Some("~ tilde".into());
    }
    for m in &mut batch.memberships {
        m.meta.membership_arn = Some(format!(
            "arn:aws:identitystore:::membership/{}",
            m.membership_id
        ));
        m.meta.created_at = Some("2024-01-02T03:04:05Z".into());
    }
    sync(store, &src.id, &batch).await;
    (src.id, batch)
}

async fn sync(store: &SqlStore, source: &SourceId, batch: &roster_store::StageBatch) {
    let t = TenantId::default_tenant();
    let sync = store.begin_sync(&t, source).await.unwrap();
    store.stage(&t, sync, batch).await.unwrap();
    store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
}

/// What a roster before 0015 wrote: each document as plain JSON.
async fn write_legacy_documents(store: &SqlStore, batch: &roster_store::StageBatch) {
    let set = |table: &str, key: &str| format!("UPDATE {table} SET doc = $1 WHERE {key} = $2");
    for u in &batch.users {
        sqlx::query(&set("dir_users", "user_id"))
            .bind(serde_json::to_string(u).unwrap())
            .bind(u.user_id.as_str())
            .execute(store.pool())
            .await
            .unwrap();
    }
    for g in &batch.groups {
        sqlx::query(&set("dir_groups", "group_id"))
            .bind(serde_json::to_string(g).unwrap())
            .bind(g.group_id.as_str())
            .execute(store.pool())
            .await
            .unwrap();
    }
    for m in &batch.memberships {
        sqlx::query(&set("dir_memberships", "membership_id"))
            .bind(serde_json::to_string(&m.meta).unwrap())
            .bind(m.membership_id.as_str())
            .execute(store.pool())
            .await
            .unwrap();
    }
    store
        .pool()
        .execute("UPDATE directory_doc_rewrite SET done = 0")
        .await
        .unwrap();
}

const LEGACY: &str = "SELECT (SELECT COUNT(*) FROM dir_users WHERE doc LIKE '{%') \
     + (SELECT COUNT(*) FROM dir_groups WHERE doc LIKE '{%') \
     + (SELECT COUNT(*) FROM dir_memberships WHERE doc LIKE '{%')";

async fn legacy_documents_read_back_and_are_rewritten_once(url: &str) {
    let t = TenantId::default_tenant();
    let store = SqlStore::connect(url).await.unwrap();
    let (source, batch) = synced(&store).await;
    let snap = store.latest_snapshot(&t, &source).await.unwrap().unwrap();
    let before = read_all(&store, &snap).await;
    assert_eq!(count(&store, LEGACY).await, 0, "new documents are compact");
    let versions = store.version_counts(&t, &source).await.unwrap();

    write_legacy_documents(&store, &batch).await;
    assert_eq!(count(&store, LEGACY).await, 10);
    assert_eq!(
        read_all(&store, &snap).await,
        before,
        "legacy JSON reads back"
    );
    store.close().await.unwrap();

    // Two processes starting at once both rewrite, to equal text.
    let (store, other) = tokio::join!(SqlStore::connect(url), SqlStore::connect(url));
    let (store, other) = (store.unwrap(), other.unwrap());
    other.close().await.unwrap();
    assert_eq!(count(&store, LEGACY).await, 0, "rewritten on start");
    assert_eq!(
        count(&store, "SELECT done FROM directory_doc_rewrite").await,
        1
    );
    assert_eq!(read_all(&store, &snap).await, before, "every row kept");
    sync(&store, &source, &batch).await;
    assert_eq!(
        store.version_counts(&t, &source).await.unwrap(),
        versions,
        "an unchanged directory adds no versions after the rewrite"
    );
    store.close().await.unwrap();
}

#[tokio::test]
async fn legacy_documents_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("roster.db").display());
    legacy_documents_read_back_and_are_rewritten_once(&url).await;
}

#[tokio::test]
async fn legacy_documents_on_postgres() {
    sqlx::any::install_default_drivers();
    let admin_url = support::pg_admin_url();
    let name = format!("roster_t_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    legacy_documents_read_back_and_are_rewritten_once(&format!("{base}/{name}")).await;
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
}
