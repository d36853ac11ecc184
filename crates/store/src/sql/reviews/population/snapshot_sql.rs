//! The SQL that copies a memberships population out of snapshot `$3`: rows
//! visible in the snapshot, the scope's groups, the copy and its count.

use crate::sql::keys;

/// `$1` tenant, `$2` source, `$3` sync: rows of alias `a` visible in the
/// snapshot (the source by its integer key, the unary `+`: see
/// `browse::visible`).
pub(super) fn visible(a: &str) -> String {
    format!(
        "{a}.source_key = {} AND +{a}.valid_from <= $3 AND (+{a}.valid_to IS NULL OR +{a}.valid_to > $3)",
        keys::source_key("$1", "$2")
    )
}

/// Rows of alias `a`, of membership `m`'s source, visible in snapshot `$3`.
pub(super) fn visible_with_m(a: &str) -> String {
    format!(
        "{a}.source_key = m.source_key AND +{a}.valid_from <= $3 AND (+{a}.valid_to IS NULL OR +{a}.valid_to > $3)"
    )
}

/// `AND …` selecting the memberships (alias `m`) of the scope's groups
/// (`review_scope_groups` of campaign `$4`): the scope's group IDs as the
/// source's integer keys, found once per statement, then the memberships
/// of those groups by `dir_memberships_group`.
pub(in crate::sql) fn scope_sql() -> String {
    format!(
        "AND m.group_key IN (SELECT k.id_key FROM id_keys k WHERE k.source_key = {} \
         AND k.aws_id IN (SELECT group_id FROM review_scope_groups WHERE campaign_id = $4))",
        keys::source_key("$1", "$2")
    )
}

/// Copies the memberships of snapshot `$3` that `in_scope` selects into
/// campaign `$4`'s items, numbered by membership ID (`$1`, `$2`: tenant
/// and source).
pub(in crate::sql) fn population_sql(in_scope: &str) -> String {
    format!(
        "INSERT INTO review_items (campaign_id, item_id, tenant_id, user_id, user_name, user_email, membership_id, group_id, display_name) \
         SELECT $4, ROW_NUMBER() OVER (ORDER BY m.membership_id), $1, ui.aws_id, u.user_name, u.email, m.membership_id, gi.aws_id, g.display_name \
         FROM dir_memberships m \
         JOIN id_keys gi ON gi.id_key = m.group_key \
         JOIN id_keys ui ON ui.id_key = m.user_key \
         LEFT JOIN dir_groups g ON g.group_id = gi.aws_id AND {g} \
         LEFT JOIN dir_users u ON u.user_id = ui.aws_id AND {u} \
         WHERE {m} {in_scope}",
        g = visible_with_m("g"),
        u = visible_with_m("u"),
        m = visible("m"),
    )
}

/// The number of memberships `population_sql` copies.
pub(in crate::sql) fn population_count_sql(in_scope: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM dir_memberships m WHERE {} {in_scope}",
        visible("m")
    )
}
