//! The query plans of the access tables' reads and writes on `SQLite`
//! (like `sql::plans` for the directory): each searches the index
//! migration 0012 names for it, none scans an access or staging table, and
//! pages come in key order without sorting.

#![allow(clippy::unwrap_used)]

use roster_core::sso::{AccessRow, PermissionSetArn, Via};
use roster_core::{AccountId, SourceId, SyncId, SyncStats, TenantId};
use sqlx::Row;

use super::read::{UserBy, gained_sql, lost_sql, page_sql};
use super::tables::ACCESS;
use super::write::{begin_sql, end_sql};
use crate::ports::access::{AccessBatch, AccessFilter};
use crate::ports::{Access, Syncs};
use crate::sql::SqlStore;

fn arn(i: usize) -> PermissionSetArn {
    PermissionSetArn::parse(&format!(
        "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-{i:016}"
    ))
    .unwrap()
}

fn rows(users: usize, shift: usize) -> Vec<AccessRow> {
    (0..users)
        .flat_map(|u| {
            (0..4).map(move |a| AccessRow {
                user_id: Some(format!("user-{:05}", u + shift)),
                user_name: Some(format!("u{u}")),
                account_id: AccountId::parse(&format!("{:012}", 100_000_000_000 + a)).unwrap(),
                permission_set_arn: arn(a % 3),
                via: if a == 0 {
                    Via::Direct
                } else {
                    Via::Group {
                        group_id: format!("group-{a}"),
                        display_name: None,
                    }
                },
                orphaned: false,
                user_disabled: false,
            })
        })
        .collect()
}

/// Two published access runs (the second changed some rows) and a third
/// still running; returns the store, the source and the three runs.
async fn store_with_history() -> (SqlStore, tempfile::TempDir, SourceId, [SyncId; 3]) {
    let (store, dir, src) = crate::sql::plans::fixture::store_and_source().await;
    let t = TenantId::default_tenant();
    let mut syncs = [SyncId(0); 3];
    for (i, shift) in [0, 50, 100].into_iter().enumerate() {
        let sync = store.begin_access_sync(&t, &src.id).await.unwrap();
        let batch = AccessBatch {
            access: rows(300, shift),
            ..AccessBatch::default()
        };
        store.stage_access(&t, sync, &batch).await.unwrap();
        if i < 2 {
            store
                .publish_sync(&t, sync, None, &SyncStats::default())
                .await
                .unwrap();
        }
        syncs[i] = sync;
    }
    (store, dir, src.id, syncs)
}

async fn plan(store: &SqlStore, sql: &str, binds: &[Bound<'_>]) -> Vec<String> {
    let explain = format!("EXPLAIN QUERY PLAN {sql}");
    let mut q = sqlx::query(&explain);
    for b in binds {
        q = match b {
            Bound::Text(s) => q.bind((*s).to_owned()),
            Bound::Int(n) => q.bind(*n),
        };
    }
    let rows = q.fetch_all(store.pool()).await.unwrap();
    rows.iter()
        .map(|r| r.try_get::<String, _>("detail").unwrap())
        .collect()
}

enum Bound<'a> {
    Text(&'a str),
    Int(i64),
}

const TABLES: &[&str] = &[
    "sso_access",
    "sso_stage_access",
    "sso_accounts",
    "sso_permission_sets",
    "a",
    "b",
    "ac",
    "ps",
    "s",
    "l",
];

fn assert_searches(name: &str, plan: &[String], index: &str) {
    for step in plan {
        let mut words = step.split_whitespace();
        if words.next() == Some("SCAN") {
            let table = words.next().unwrap_or("");
            assert!(
                !TABLES.contains(&table),
                "{name} scans {table}: {step}\nplan: {plan:#?}"
            );
        }
    }
    assert!(
        plan.iter()
            .any(|s| s.starts_with("SEARCH") && s.contains(index)),
        "{name} does not search {index}: {plan:#?}"
    );
}

fn assert_unsorted(name: &str, plan: &[String]) {
    assert!(
        !plan.iter().any(|s| s.contains("TEMP B-TREE")),
        "{name} sorts: {plan:#?}"
    );
}

#[tokio::test]
async fn access_pages_read_an_index_in_key_order_and_join_names_by_key() {
    let (store, _dir, source, [_, published, _]) = store_with_history().await;
    let t = TenantId::default_tenant();
    let fixed = |extra: Vec<Bound<'static>>| {
        let mut b = vec![
            Bound::Text(t.as_str()),
            Bound::Text(source.as_str()),
            Bound::Int(published.0),
            Bound::Text(""),
        ];
        b.extend(extra);
        b
    };
    let cases: Vec<(&str, AccessFilter, Vec<Bound<'static>>, &str)> = vec![
        (
            "every row",
            AccessFilter::default(),
            vec![],
            "sso_access_key",
        ),
        (
            "a user's access",
            AccessFilter {
                user: Some("user-00001".into()),
                ..AccessFilter::default()
            },
            vec![Bound::Text("user-00001")],
            "sso_access_user",
        ),
        (
            "a group's access",
            AccessFilter {
                group: Some("group-1".into()),
                ..AccessFilter::default()
            },
            vec![Bound::Text("group-1")],
            "sso_access_group",
        ),
        (
            "an account's access",
            AccessFilter {
                account: Some(AccountId::parse("100000000001").unwrap()),
                ..AccessFilter::default()
            },
            vec![Bound::Text("100000000001")],
            "sso_access_account",
        ),
        (
            "privileged, direct, orphaned, searched",
            AccessFilter {
                privileged_only: true,
                direct_only: true,
                orphaned_only: true,
                search: Some("x".into()),
                ..AccessFilter::default()
            },
            vec![Bound::Text("%x%")],
            // Direct rows: via group ''.
            "sso_access_group",
        ),
    ];
    for (name, filter, extra, index) in cases {
        let (sql, params) = page_sql(&filter, UserBy::Id);
        let mut binds = fixed(extra);
        assert_eq!(binds.len(), 4 + params.len(), "{name}");
        binds.push(Bound::Int(50));
        let p = plan(&store, &sql, &binds).await;
        assert_searches(name, &p, index);
        assert_unsorted(name, &p);
        assert!(
            p.iter().any(|s| s.contains("sso_accounts_key")),
            "{name}: account names by key: {p:#?}"
        );
        assert!(
            p.iter().any(|s| s.contains("sso_permission_sets_key")),
            "{name}: permission set names by key: {p:#?}"
        );
    }
}

#[tokio::test]
async fn diffs_read_only_versions_begun_or_ended_between_the_snapshots() {
    let (store, _dir, source, [first, published, _]) = store_with_history().await;
    let t = TenantId::default_tenant();
    let binds = [
        Bound::Text(t.as_str()),
        Bound::Text(source.as_str()),
        Bound::Int(first.0),
        Bound::Int(published.0),
    ];
    let gained = plan(&store, &gained_sql(), &binds).await;
    assert_searches("gained", &gained, "sso_access_from");
    let lost = plan(&store, &lost_sql(), &binds).await;
    assert_searches("lost", &lost, "sso_access_to");
    for p in [&gained, &lost] {
        assert!(
            p.iter().any(|s| s.contains("sso_access_key")),
            "the other side by key: {p:#?}"
        );
    }
}

#[tokio::test]
async fn publishing_searches_the_current_and_staging_keys() {
    let (store, _dir, source, [_, _, running]) = store_with_history().await;
    let t = TenantId::default_tenant();
    let binds = [
        Bound::Int(running.0),
        Bound::Text(t.as_str()),
        Bound::Text(source.as_str()),
        Bound::Text(""),
        Bound::Text("zzz"),
    ];
    // The table that grows with the organization (the others are small).
    for table in [&ACCESS] {
        let range = |a: &str| format!("{a}.k > $4 AND {a}.k <= $5");
        let end = plan(&store, &end_sql(table, &range(table.live)), &binds).await;
        assert_searches("end", &end, &format!("{}_key", table.live));
        assert!(
            end.iter().any(|s| s.contains("sqlite_autoindex_sso_stage")),
            "{end:#?}"
        );
        let begin = plan(&store, &begin_sql(table, &range("s")), &binds).await;
        assert_searches("begin", &begin, &format!("{}_key", table.live));
        assert!(
            begin
                .iter()
                .any(|s| s.contains("_key (") && s.contains("<expr>=?")),
            "the current version of a key from the key index: {begin:#?}"
        );
        assert!(
            begin
                .iter()
                .any(|s| s.contains("sqlite_autoindex_sso_stage")),
            "{begin:#?}"
        );
    }
}
