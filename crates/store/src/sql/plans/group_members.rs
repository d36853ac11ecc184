//! Plans of a group's members (its size, the small-group and large-group
//! pages), and that both ways of listing them read the same pages.

use roster_core::TenantId;
use sqlx::Row;

use super::explain::{assert_by_key, assert_in_key_order, assert_uses_indexes, plan};
use super::fixture::store_with_history;
use crate::sql::browse::{group_members_by_ids_sql, group_members_sorted_sql, group_size_sql};

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
