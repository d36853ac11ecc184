//! Reading a statement's `SQLite` query plan, and the assertions on it: no
//! scan of a table that grows with the directory, rows found by key, pages
//! read in key order.

use roster_core::{SourceId, SyncId, TenantId};
use sqlx::Row;

use crate::sql::SqlStore;

/// Tables whose size grows with the directory, and the aliases queries give them.
const BIG: &[&str] = &[
    "dir_users",
    "dir_groups",
    "dir_memberships",
    "stage_users",
    "stage_groups",
    "stage_memberships",
    "id_keys",
    "u",
    "g",
    "m",
    "um",
    "gi",
    "ui",
    "k",
    "s",
    "l",
];
/// The plan of `sql`, bound to tenant, source, sync and then `extra` (text,
/// or integers for values that parse as one), one detail line per step.
pub(super) async fn plan(
    store: &SqlStore,
    sql: &str,
    (source, sync): (&SourceId, SyncId),
    extra: &[&str],
) -> Vec<String> {
    let explain = format!("EXPLAIN QUERY PLAN {sql}");
    let mut q = sqlx::query(&explain)
        .bind(TenantId::default_tenant().as_str().to_owned())
        .bind(source.as_str().to_owned())
        .bind(sync.0);
    for value in extra {
        q = match value.parse::<i64>() {
            Ok(n) => q.bind(n),
            Err(_) => q.bind((*value).to_owned()),
        };
    }
    let rows = q.fetch_all(&store.pool).await.unwrap();
    rows.iter()
        .map(|r| r.try_get::<String, _>("detail").unwrap())
        .collect()
}

pub(super) fn assert_uses_indexes(name: &str, plan: &[String]) {
    for step in plan {
        let mut words = step.split_whitespace();
        if words.next() == Some("SCAN") {
            let table = words.next().unwrap_or("");
            assert!(
                !BIG.contains(&table),
                "{name} scans {table}: {step}\nplan: {plan:#?}"
            );
        }
    }
    assert!(
        plan.iter()
            .any(|s| s.starts_with("SEARCH") && s.contains("INDEX")),
        "{name} searches no index: {plan:#?}"
    );
}

/// A snapshot read finds rows by key, group or user and checks the snapshot
/// on each: searching by version bounds reads the source's whole history.
pub(super) fn assert_by_key(name: &str, plan: &[String]) {
    let by_bounds = |s: &String| {
        ((s.contains("_from (") || s.contains("_to (")) && s.contains("valid_"))
            || s.contains("MULTI-INDEX OR")
    };
    assert!(
        !plan.iter().any(by_bounds),
        "{name} searches by version bounds: {plan:#?}"
    );
}

pub(super) fn assert_in_key_order(name: &str, plan: &[String]) {
    assert!(
        !plan.iter().any(|s| s.contains("TEMP B-TREE FOR ORDER BY")),
        "{name} sorts instead of reading an index in key order: {plan:#?}"
    );
}
