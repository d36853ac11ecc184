//! Plans of opening a memberships review (the population's copy and count)
//! and of checking its remediation.

use super::explain::{assert_by_key, assert_uses_indexes, plan};
use super::fixture::store_with_history;
use crate::sql::keys;
use crate::sql::reviews::population::{population_count_sql, population_sql, scope_sql};

#[tokio::test]
async fn review_populations_and_remediation_search_the_membership_indexes() {
    let (store, _dir, source, published, _) = store_with_history().await;
    let at = (&source, published);
    let sk = keys::source_key("$1", "$2");
    let scope = scope_sql();
    let queries = [
        // reviews/population/memberships.rs fill_memberships: the copy and its re-count,
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
                keys::id_key(&sk, "review_items.group_id"),
                keys::id_key(&sk, "review_items.user_id"),
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
