//! Plans of a snapshot's reads: key-ordered pages and searches of users,
//! groups and memberships, and the lookups by ID, group and user (with the
//! history's diffs and facts).

use super::explain::{assert_by_key, assert_in_key_order, assert_uses_indexes, plan};
use super::fixture::store_with_history;
use crate::sql::browse::{USER_SUMMARY, id_key_in_source, member_count, visible};
use crate::sql::directory::{IN_SNAPSHOT, memberships_named, of_source};
use crate::sql::history::{AFTER, BEFORE, GROUP_FACTS, USER_FACTS};
use crate::sql::keys;

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
                keys::id_key("u.source_key", "u.user_id"),
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
