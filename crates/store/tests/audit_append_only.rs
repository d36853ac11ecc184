//! The audit log cannot be changed or emptied, even with raw SQL: triggers
//! reject UPDATE and DELETE on both backends.
#![allow(clippy::unwrap_used)]

use roster_core::TenantId;
use roster_store::prelude::*;
use roster_store::{AuditEntry, SqlStore};
use sqlx::Executor;

async fn rejects_changes(store: &SqlStore) {
    let t = TenantId::default_tenant();
    store
        .append_audit(
            &t,
            &AuditEntry::new("cli", "evidence.export", "sync:1", serde_json::json!({})),
        )
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ] {
        let err = store.pool().execute(sql).await.unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(
        store.list_audit(&t, None, 10).await.unwrap()[0].entry.actor,
        "cli"
    );
}

#[tokio::test]
async fn sqlite_rejects_update_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    rejects_changes(&SqlStore::connect(&url).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_rejects_update_and_delete() {
    sqlx::any::install_default_drivers();
    let admin_url = std::env::var("ROSTER_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let name = format!("roster_a_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let store = SqlStore::connect(&format!("{base}/{name}")).await.unwrap();
    rejects_changes(&store).await;
    store.pool().close().await;
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
}
