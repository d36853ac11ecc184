//! The query plans of the directory's key reads and writes on `SQLite`:
//! each searches an index (migrations 0008 and 0014 say which serves which;
//! 0022 keys them by `source_key` and a membership's `group_key` and
//! `user_key`), none scans a directory, staging or `id_keys` table.
//!
//! The statements are those the store runs, built from the same helpers
//! where the store has them, with the same shape where it builds them inline
//! (named after the function they mirror).

#![allow(clippy::unwrap_used)]

use roster_core::{
    ExternalId, Group, GroupId, IdentityStoreId, Membership, RoleArn, SourceId, SyncId, SyncStats,
    TenantId, User, UserId,
};
use sqlx::Row;

use super::SqlStore;
use super::browse::{
    USER_SUMMARY, group_members_by_ids_sql, group_members_sorted_sql, group_size_sql,
    id_key_in_source, member_count, visible,
};
use super::columns::{MEMBERSHIPS, USERS};
use super::directory::{IN_SNAPSHOT, memberships_named, of_source};
use super::history::{AFTER, BEFORE, GROUP_FACTS, USER_FACTS};
use super::reviews::population::{population_count_sql, population_sql, scope_sql};
use crate::ports::{Sources, Syncs};
use crate::records::{NewSource, SourceStatus, StageBatch};

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

/// A store holding two syncs of one source (the second changed some users
/// and removed others), and a third still running; returns the second and third.
async fn store_with_history() -> (SqlStore, tempfile::TempDir, SourceId, SyncId, SyncId) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("plans.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    let t = TenantId::default_tenant();
    let new = NewSource {
        id: SourceId::generate(),
        name: "plans".into(),
        role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
        external_id: ExternalId::generate(),
        status: SourceStatus::Connected,
    };
    let src = store.create_source(&t, &new).await.unwrap();
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

/// The plan of `sql`, bound to tenant, source, sync and then `extra` (text,
/// or integers for values that parse as one), one detail line per step.
async fn plan(
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

fn assert_uses_indexes(name: &str, plan: &[String]) {
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
fn assert_by_key(name: &str, plan: &[String]) {
    let by_bounds = |s: &String| {
        ((s.contains("_from (") || s.contains("_to (")) && s.contains("valid_"))
            || s.contains("MULTI-INDEX OR")
    };
    assert!(
        !plan.iter().any(by_bounds),
        "{name} searches by version bounds: {plan:#?}"
    );
}

fn assert_in_key_order(name: &str, plan: &[String]) {
    assert!(
        !plan.iter().any(|s| s.contains("TEMP B-TREE FOR ORDER BY")),
        "{name} sorts instead of reading an index in key order: {plan:#?}"
    );
}

#[tokio::test]
async fn keyset_pages_search_the_key_index_in_key_order() {
    let (store, _dir, source, published, _) = store_with_history().await;
    let at = (&source, published);
    let key_pages = [
        // directory.rs docs_page: `roster users list`, the API's user pages, evidence.
        (
            "users page",
            format!(
                "SELECT doc FROM dir_users WHERE {} AND {IN_SNAPSHOT} \
                 AND user_id > $4 ORDER BY user_id LIMIT $5",
                of_source("source_key")
            ),
            vec!["user-00100", "50"],
        ),
        // browse.rs search_users, with a query.
        (
            "user search",
            format!(
                "SELECT {USER_SUMMARY} FROM dir_users u WHERE {} AND u.user_id > $4 \
                 AND (LOWER(u.user_name) LIKE $5 ESCAPE '\\' OR LOWER(u.display_name) LIKE $5 ESCAPE '\\' \
                 OR LOWER(u.email) LIKE $5 ESCAPE '\\') ORDER BY u.user_id LIMIT $6",
                visible("u")
            ),
            vec!["", "%u1%", "50"],
        ),
        // browse.rs search_users, filtered by group.
        (
            "user search in a group",
            format!(
                "SELECT {USER_SUMMARY} FROM dir_users u WHERE {} AND u.user_id > $4 AND EXISTS \
                 (SELECT 1 FROM dir_memberships m WHERE {} AND m.group_key = {} AND m.user_key = {}) \
                 ORDER BY u.user_id LIMIT $6",
                visible("u"),
                visible("m"),
                id_key_in_source("$5"),
                super::keys::id_key("u.source_key", "u.user_id"),
            ),
            vec!["", "g-003", "50"],
        ),
        // directory.rs memberships_page: `roster memberships list`, evidence.
        (
            "memberships page",
            format!(
                "SELECT m.membership_id, gi.aws_id, ui.aws_id, g.display_name, u.user_name, m.doc FROM {} \
                 WHERE {} AND m.membership_id > $4 ORDER BY m.membership_id LIMIT $5",
                memberships_named("$3"),
                visible("m")
            ),
            vec!["", "50"],
        ),
        // browse.rs search_groups (the console's group list).
        (
            "group list",
            format!(
                "SELECT g.group_id, g.display_name, {} FROM dir_groups g \
                 WHERE {} AND g.group_id > $4 AND LOWER(COALESCE(g.display_name, '')) LIKE $5 ESCAPE '\\' \
                 ORDER BY g.group_id LIMIT $6",
                member_count(),
                visible("g")
            ),
            vec!["", "%", "50"],
        ),
    ];
    for (name, sql, extra) in &key_pages {
        let p = plan(&store, sql, at, extra).await;
        assert_uses_indexes(name, &p);
        assert_by_key(name, &p);
        assert_in_key_order(name, &p);
    }
}

#[tokio::test]
async fn lookups_by_id_group_and_user_search_their_index() {
    let (store, _dir, source, published, _) = store_with_history().await;
    let at = (&source, published);
    let lookups = [
        // browse.rs doc: one user at a snapshot (the console's and API's user page).
        (
            "user at a snapshot",
            format!(
                "SELECT t.doc FROM dir_users t WHERE {} AND t.user_id = $4",
                visible("t")
            ),
            vec!["user-00042"],
        ),
        // browse.rs user_groups.
        (
            "a user's groups",
            format!(
                "SELECT g.group_id, g.display_name, {} FROM dir_groups g \
                 WHERE {} AND g.group_id IN (SELECT gi.aws_id FROM dir_memberships um JOIN id_keys gi ON gi.id_key = um.group_key \
                 WHERE {} AND um.user_key = {}) \
                 ORDER BY g.display_name, g.group_id LIMIT $5",
                member_count(),
                visible("g"),
                visible("um"),
                id_key_in_source("$4"),
            ),
            vec!["user-00042", "50"],
        ),
        // history.rs changed_memberships, both sides (the diff between two syncs).
        (
            "memberships ended between two syncs",
            format!(
                "SELECT m.membership_id, gi.aws_id, g.display_name, ui.aws_id, u.user_name FROM {} \
                 WHERE {} AND {} ORDER BY m.membership_id",
                memberships_named("$3"),
                of_source("m.source_key"),
                BEFORE.replace("valid_", "m.valid_")
            ),
            vec!["9"],
        ),
        (
            "memberships begun between two syncs",
            format!(
                "SELECT m.membership_id, gi.aws_id, g.display_name, ui.aws_id, u.user_name FROM {} \
                 WHERE {} AND {} ORDER BY m.membership_id",
                memberships_named("$4"),
                of_source("m.source_key"),
                AFTER.replace("valid_", "m.valid_")
            ),
            vec!["9"],
        ),
        // history.rs user_facts (checks, the evidence's user roster).
        ("member counts per group", GROUP_FACTS.to_owned(), vec![]),
        ("group counts per user", USER_FACTS.to_owned(), vec![]),
    ];
    for (name, sql, extra) in &lookups {
        let p = plan(&store, sql, at, extra).await;
        assert_uses_indexes(name, &p);
        if !name.contains("between two syncs") {
            assert_by_key(name, &p);
        }
        if *name == "a user's groups" {
            // From the user's memberships, not every group of the source.
            assert!(
                p.iter().any(|s| s.contains("dir_memberships_user")),
                "{p:#?}"
            );
        }
    }
}

#[tokio::test]
async fn a_groups_members_search_the_group_index_or_the_ids_in_order() {
    let (store, _dir, source, published, _) = store_with_history().await;
    let at = (&source, published);
    let queries = [
        // browse.rs group_members: the group's size, then its members.
        ("group size", group_size_sql(), vec![]),
        (
            "members of a small group",
            group_members_sorted_sql(),
            vec!["g-003", "", "50"],
        ),
        (
            "members of a large group",
            group_members_by_ids_sql(),
            vec!["g-003", "", "50"],
        ),
    ];
    for (name, sql, extra) in &queries {
        let p = plan(&store, sql, at, extra).await;
        assert_uses_indexes(name, &p);
        assert_by_key(name, &p);
        if *name == "group size" {
            // From the group index alone.
            let by_group = "COVERING INDEX dir_memberships_group (source_key=? AND group_key=?)";
            assert!(p.iter().any(|s| s.contains(by_group)), "{p:#?}");
        }
        if *name == "members of a small group" {
            // From the group's memberships (source and group), not every
            // user of the source. The index holds them in `user_key`
            // order, not user ID order, so the page sorts what it read
            // (fewer than `browse::MANY_MEMBERS`): the one sort, for ORDER BY.
            assert!(
                p[0].contains("dir_memberships_group (source_key=? AND group_key=?)"),
                "{p:#?}"
            );
            assert!(
                p.iter().any(|s| s.contains("ui USING INTEGER PRIMARY KEY")),
                "{p:#?}"
            );
            let sorts = p.iter().filter(|s| s.contains("TEMP B-TREE")).count();
            assert_eq!(sorts, 1, "{p:#?}");
        }
        if *name == "members of a large group" {
            // The source's IDs in order, each looked up as a member: a
            // range scan, as the page on text IDs was.
            assert!(
                p[0].contains("id_keys_id (source_key=? AND aws_id>?)"),
                "{p:#?}"
            );
            assert!(
                p.iter().any(|s| s.contains(
                    "dir_memberships_group (source_key=? AND group_key=? AND user_key=?)"
                )),
                "{p:#?}"
            );
            assert_in_key_order(name, &p);
        }
    }
}

#[tokio::test]
async fn versioning_and_publishing_search_the_current_and_staging_keys() {
    let (store, _dir, source, _, running) = store_with_history().await;
    // versions.rs: publish's "not seen" (end the versions the run did not
    // stage) and a batch's "is it new" (begin versions), by key range.
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

#[tokio::test]
async fn review_populations_and_remediation_search_the_membership_indexes() {
    let (store, _dir, source, published, _) = store_with_history().await;
    let at = (&source, published);
    let sk = super::keys::source_key("$1", "$2");
    let scope = scope_sql();
    let queries = [
        // reviews/population.rs fill_memberships: the copy and its re-count,
        // of the whole snapshot and of the scope's groups.
        (
            "membership population",
            population_sql("AND $4 = $4"),
            vec!["c"],
        ),
        (
            "membership population in scope",
            population_sql(&scope),
            vec!["c"],
        ),
        (
            "membership population count in scope",
            population_count_sql(&scope),
            vec!["c"],
        ),
        // reviews/items.rs verify_memberships: is the revoked membership gone.
        (
            "remediation check",
            format!(
                "UPDATE review_items SET remediated_sync = $3 WHERE tenant_id = $1 AND decision = 'revoke' \
                 AND remediated_sync IS NULL AND campaign_id IN (SELECT c.id FROM review_campaigns c \
                 WHERE c.tenant_id = $1 AND c.source_id = $2 AND c.kind = 'memberships' AND c.status <> 'opening' \
                 AND c.sync_id < $3) AND NOT EXISTS (\
                 SELECT 1 FROM dir_memberships m WHERE m.source_key = {sk} \
                 AND m.group_key = {} AND m.user_key = {} \
                 AND +m.valid_from <= $3 AND (+m.valid_to IS NULL OR +m.valid_to > $3))",
                super::keys::id_key(&sk, "review_items.group_id"),
                super::keys::id_key(&sk, "review_items.user_id"),
            ),
            vec![],
        ),
    ];
    for (name, sql, extra) in &queries {
        let p = plan(&store, sql, at, extra).await;
        assert_uses_indexes(name, &p);
        assert_by_key(name, &p);
        // The copy reads the snapshot's memberships in ID order (its item
        // numbers), by the key index, as it did on text columns; the
        // count of a scope finds the scope's groups' memberships.
        if name.contains("count in scope") || name.contains("remediation") {
            assert!(
                p.iter()
                    .any(|s| s.contains("dir_memberships_group (source_key=? AND group_key=?")),
                "{name} does not find the memberships by group: {p:#?}"
            );
        }
    }
}

#[tokio::test]
async fn both_ways_of_listing_a_groups_members_read_the_same_pages() {
    let (store, _dir, source, published, _) = store_with_history().await;
    let t = TenantId::default_tenant();
    let page = |sql: String, group: String, after: String| {
        let (store, t, source) = (&store, &t, &source);
        async move {
            sqlx::query(&sql)
                .bind(t.as_str().to_owned())
                .bind(source.as_str().to_owned())
                .bind(published.0)
                .bind(group)
                .bind(after)
                .bind(7_i64)
                .fetch_all(&store.pool)
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get::<String, _>("user_id").unwrap())
                .collect::<Vec<_>>()
        }
    };
    let mut pages = 0;
    for group in ["g-000", "g-007", "g-019", "g-999"] {
        for after in ["", "user-00100", "user-00250", "user-00398", "zzz"] {
            let sorted = page(group_members_sorted_sql(), group.into(), after.into()).await;
            let by_ids = page(group_members_by_ids_sql(), group.into(), after.into()).await;
            assert_eq!(sorted, by_ids, "{group} after {after:?}");
            let mut in_order = sorted.clone();
            in_order.sort();
            assert_eq!(sorted, in_order);
            pages += usize::from(!sorted.is_empty());
        }
    }
    assert!(pages >= 9, "the cases read members: {pages}");
}
