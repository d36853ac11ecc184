//! Plans of versioning and publishing a sync, and the version indexes: one
//! current version per object, ended versions in their own partial index.

use roster_core::TenantId;
use sqlx::Row;

use super::explain::{assert_by_key, assert_uses_indexes, plan};
use super::fixture::store_with_history;
use crate::sql::columns::{GROUPS, MEMBERSHIPS, USERS};
use crate::sql::directory::of_source;
use crate::sql::history::BEFORE;
use crate::sql::versions::placeholders;

#[tokio::test]
async fn versioning_and_publishing_search_the_current_and_staging_keys() {
    let (store, _dir, source, _, running) = store_with_history().await;
    // versions/publish.rs and versions/batch.rs: publish's "not seen" (end
    // the versions the run did not stage) and a batch's "is it new" (begin
    // versions), by key range.
    let running = (&source, running);
    let range = |t: &str, key: &str| format!("{t}.{key} > $4 AND {t}.{key} <= $5");
    let writes = [
        (
            "publish: users not seen",
            USERS.end_sql(&range("dir_users", "user_id"), false),
        ),
        (
            "publish: memberships not seen",
            MEMBERSHIPS.end_sql(&range("dir_memberships", "membership_id"), false),
        ),
        (
            "publish: changed memberships",
            MEMBERSHIPS.end_sql(&range("dir_memberships", "membership_id"), true),
        ),
        (
            "versioning: new memberships",
            MEMBERSHIPS.begin_sql(&range("s", "membership_id")),
        ),
    ];
    for (name, sql) in &writes {
        let p = plan(&store, sql, running, &["", "zzz"]).await;
        assert_uses_indexes(name, &p);
        assert_by_key(name, &p);
        // Live versions by their key index; "does this key have a current
        // version" from that index alone (key and `COALESCE(valid_to, 0)`).
        let by_key = |s: &&String| s.contains("_key (");
        assert!(p.iter().any(|s| by_key(&s)), "{name}: {p:#?}");
        if name.starts_with("versioning") {
            assert!(
                p.iter().any(|s| by_key(&s) && s.contains("<expr>=?")),
                "{name} does not find current versions in the key index alone: {p:#?}"
            );
        }
    }
}

/// versions/batch.rs: a batch of a later sync ends the current versions of
/// its keys that changed, found in the key index by the keys themselves —
/// not by a range of `valid_from` over every version of the source.
#[tokio::test]
async fn a_batch_ends_changed_versions_by_its_keys() {
    let (store, _dir, source, _, running) = store_with_history().await;
    let keys = placeholders(1, 3, 4);
    let writes = [
        (
            "users",
            USERS.end_sql(&format!("dir_users.user_id IN {keys}"), true),
        ),
        (
            "groups",
            GROUPS.end_sql(&format!("dir_groups.group_id IN {keys}"), true),
        ),
        (
            "memberships",
            MEMBERSHIPS.end_sql(&format!("dir_memberships.membership_id IN {keys}"), true),
        ),
    ];
    for (name, sql) in &writes {
        let p = plan(&store, sql, (&source, running), &["a", "b", "c"]).await;
        assert_uses_indexes(name, &p);
        assert_by_key(name, &p);
        assert!(
            p[0].starts_with("SEARCH dir_") && p[0].contains("_key (") && p[0].contains("_id=?"),
            "{name}: the batch's keys are not searched in the key index: {p:#?}"
        );
    }
}

#[tokio::test]
async fn one_index_per_table_keeps_one_current_version_per_object() {
    let (store, _dir, source, _, _) = store_with_history().await;
    for (table, key) in [
        ("dir_users", "user_id"),
        ("dir_groups", "group_id"),
        ("dir_memberships", "membership_id"),
    ] {
        let names: Vec<String> = sqlx::query(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 ORDER BY name",
        )
        .bind(table)
        .fetch_all(&store.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect();
        let mut expected = vec![
            format!("{table}_from"),
            format!("{table}_key"),
            format!("{table}_to"),
        ];
        if table == "dir_memberships" {
            expected.insert(1, format!("{table}_group"));
            expected.push(format!("{table}_user"));
        }
        assert_eq!(names, expected);
        // A second current version of an existing object is refused.
        let copy = format!(
            "INSERT INTO {table} SELECT * FROM {table} WHERE {} \
             AND valid_to IS NULL AND {key} = (SELECT MIN({key}) FROM {table} WHERE valid_to IS NULL)",
            of_source("source_key")
        );
        let err = sqlx::query(&copy)
            .bind(TenantId::default_tenant().as_str().to_owned())
            .bind(source.as_str().to_owned())
            .execute(&store.pool)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("UNIQUE"), "{table}: {err}");
    }
}

#[tokio::test]
async fn the_indexes_of_ended_versions_hold_only_ended_versions() {
    let (store, _dir, source, published, _) = store_with_history().await;
    for table in ["dir_users", "dir_groups", "dir_memberships"] {
        let row = sqlx::query("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1")
            .bind(format!("{table}_to"))
            .fetch_one(&store.pool)
            .await
            .unwrap();
        let sql: String = row.try_get(0).unwrap();
        assert!(sql.ends_with("WHERE valid_to IS NOT NULL"), "{sql}");
    }
    let sql = format!(
        "SELECT membership_id FROM dir_memberships WHERE {} AND {BEFORE}",
        of_source("source_key")
    );
    let p = plan(&store, &sql, (&source, published), &["9"]).await;
    assert_uses_indexes("memberships ended", &p);
}
