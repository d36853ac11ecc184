//! Browsing a snapshot in SQL: filtered, keyset-paginated reads for the console.

use std::fmt::Write as _;

use async_trait::async_trait;
use roster_core::{Group, TenantId, User};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::rows::corrupt;
use super::{SqlStore, compact, keys};
use crate::error::StoreError;
use crate::ports::browse::{Browse, GroupSummary, UserFilter, UserSummary};
use crate::records::Snapshot;

/// `$1` tenant, `$2` source, `$3` sync: rows of alias `a` visible in the snapshot.
///
/// The source is its integer key (`keys::source_key`: a constant
/// subquery, found once per statement). Every snapshot read filters so,
/// with a unary `+` on `valid_from` and `valid_to`: `SQLite` then finds rows
/// by the key, group or user index and checks the snapshot on each. Without
/// it, and without statistics, it searched `dir_*_from` (every version of the
/// source, per row) or OR-ed the current and ended-versions indexes instead
/// (`sql::plans` tests this).
pub(super) fn visible(a: &str) -> String {
    format!(
        "{a}.source_key = {} AND {}",
        keys::source_key("$1", "$2"),
        in_snapshot(a)
    )
}

/// Rows of alias `a` visible in snapshot `$3`, for an alias whose source
/// key another condition of the query fixes (`a.source_key = m.source_key`).
pub(super) fn in_snapshot(a: &str) -> String {
    format!("+{a}.valid_from <= $3 AND (+{a}.valid_to IS NULL OR +{a}.valid_to > $3)")
}

/// `$1` tenant, `$2` source: the integer of the AWS ID `aws_id` (an SQL
/// expression) in the source, NULL (matching no membership) when no
/// membership names it.
pub(super) fn id_key_in_source(aws_id: &str) -> String {
    keys::id_key(&keys::source_key("$1", "$2"), aws_id)
}

pub(super) const USER_SUMMARY: &str =
    "u.user_id, u.user_name, u.display_name, u.email, u.status, u.idp_sourced";

/// Groups with at least this many membership versions list their members
/// by walking the source's IDs (`group_members_by_ids_sql`); smaller ones
/// sort their members (`group_members_sorted_sql`). Measured on `SQLite`
/// with 20k users (a debug build), a page of 50: of a 20k-member group,
/// 47 to 69 ms sorted and 1 to 1.6 ms by IDs (as on text IDs); of a
/// 400-member group, 2 to 4 ms sorted and 5 to 7 ms by IDs.
pub(super) const MANY_MEMBERS: i64 = 1000;

/// `$1` tenant, `$2` source, `$3` group ID: the group's membership
/// versions, counted up to `MANY_MEMBERS` (from `dir_memberships_group`
/// alone).
pub(super) fn group_size_sql() -> String {
    format!(
        "SELECT COUNT(*) FROM (SELECT 1 FROM dir_memberships m WHERE m.source_key = {} \
         AND m.group_key = {} LIMIT {MANY_MEMBERS}) b",
        keys::source_key("$1", "$2"),
        keys::id_key(&keys::source_key("$1", "$2"), "$3"),
    )
}

/// A group's members after a user ID (`$5`), in user ID order (browse.rs
/// `group_members`), for a small group: its memberships by
/// `dir_memberships_group` (source, group), each user's ID from `id_keys` by
/// its primary key, the user by `dir_users_key`, then sorted by ID. The
/// index holds a group's members in `user_key` order, which is not the order
/// of their IDs (keys are handed out as users first appear), so a page
/// reads all the group's memberships: fewer than `MANY_MEMBERS`.
pub(super) fn group_members_sorted_sql() -> String {
    format!(
        "SELECT {USER_SUMMARY} FROM dir_memberships m \
         JOIN id_keys ui ON ui.id_key = m.user_key \
         JOIN dir_users u ON u.source_key = m.source_key AND u.user_id = ui.aws_id AND {u} \
         WHERE {m} AND m.group_key = {group} AND ui.aws_id > $5 ORDER BY ui.aws_id LIMIT $6",
        u = in_snapshot("u"),
        m = visible("m"),
        group = id_key_in_source("$4"),
    )
}

/// The same page for a large group: the source's IDs after `$5` in order
/// (`id_keys_id`, a range scan, no sort), each tried as a member of the
/// group by `dir_memberships_group` (source, group, user), members then
/// read by `dir_users_key`. A page reads about `LIMIT` × (the source's IDs
/// / the group's members) IDs: few for a large group, where sorting would
/// read all its members. `CROSS JOIN` keeps that order on `SQLite`.
pub(super) fn group_members_by_ids_sql() -> String {
    format!(
        "SELECT {USER_SUMMARY} FROM id_keys ui CROSS JOIN dir_memberships m CROSS JOIN dir_users u \
         WHERE ui.source_key = {source} AND ui.aws_id > $5 \
         AND m.source_key = ui.source_key AND m.group_key = {group} AND m.user_key = ui.id_key AND {m} \
         AND u.source_key = ui.source_key AND u.user_id = ui.aws_id AND {u} \
         ORDER BY ui.aws_id LIMIT $6",
        source = keys::source_key("$1", "$2"),
        group = id_key_in_source("$4"),
        m = in_snapshot("m"),
        u = in_snapshot("u"),
    )
}

pub(super) fn member_count() -> String {
    format!(
        "(SELECT COUNT(*) FROM dir_memberships m WHERE {} AND m.group_key = {}) AS member_count",
        visible("m"),
        keys::id_key("g.source_key", "g.group_id")
    )
}

/// A `LIKE` pattern matching `q` anywhere, with `%`, `_` and `\` taken literally.
fn contains_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

enum Param {
    Text(String),
    Int(i64),
}

/// Adds a parameter after the three fixed ones; returns its `$N`.
fn push(p: Param, params: &mut Vec<Param>) -> usize {
    params.push(p);
    params.len() + 3
}

fn user_summary(r: &AnyRow) -> Result<UserSummary, StoreError> {
    Ok(UserSummary {
        user_id: r.try_get("user_id")?,
        user_name: r.try_get("user_name")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
        status: r.try_get("status")?,
        idp_sourced: r.try_get::<i64, _>("idp_sourced")? != 0,
    })
}

fn group_summary(r: &AnyRow) -> Result<GroupSummary, StoreError> {
    let count: i64 = r.try_get("member_count")?;
    Ok(GroupSummary {
        group_id: r.try_get("group_id")?,
        display_name: r.try_get("display_name")?,
        member_count: u64::try_from(count).map_err(corrupt)?,
    })
}

impl SqlStore {
    async fn query_rows(
        &self,
        sql: &str,
        tenant: &TenantId,
        snapshot: &Snapshot,
        params: Vec<Param>,
    ) -> Result<Vec<AnyRow>, StoreError> {
        let mut q = sqlx::query(sql)
            .bind(tenant.as_str())
            .bind(snapshot.source_id.as_str())
            .bind(snapshot.sync_id.0);
        for p in params {
            q = match p {
                Param::Text(s) => q.bind(s),
                Param::Int(i) => q.bind(i),
            };
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    async fn doc(
        &self,
        table: &str,
        key: &str,
        tenant: &TenantId,
        snapshot: &Snapshot,
        id: &str,
    ) -> Result<String, StoreError> {
        let sql = format!(
            "SELECT t.doc FROM {table} t WHERE {} AND t.{key} = $4",
            visible("t")
        );
        let rows = self
            .query_rows(&sql, tenant, snapshot, vec![Param::Text(id.to_owned())])
            .await?;
        let row = rows
            .first()
            .ok_or_else(|| StoreError::NotFound(format!("{key} {id}")))?;
        Ok(row.try_get(0)?)
    }
}

#[async_trait]
impl Browse for SqlStore {
    async fn search_users(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        filter: &UserFilter,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<UserSummary>, StoreError> {
        let mut sql = format!(
            "SELECT {USER_SUMMARY} FROM dir_users u WHERE {} AND u.user_id > $4",
            visible("u")
        );
        let mut params = vec![Param::Text(after.unwrap_or("").to_owned())];
        if let Some(q) = filter.query.as_deref().filter(|q| !q.is_empty()) {
            let n = push(Param::Text(contains_pattern(q)), &mut params);
            let _ = write!(
                sql,
                " AND (LOWER(u.user_name) LIKE ${n} ESCAPE '\\' OR LOWER(u.display_name) LIKE ${n} ESCAPE '\\' OR LOWER(u.email) LIKE ${n} ESCAPE '\\')"
            );
        }
        if let Some(status) = filter.status.as_deref() {
            let n = push(Param::Text(status.to_owned()), &mut params);
            let _ = write!(sql, " AND u.status = ${n}");
        }
        if let Some(idp) = filter.idp_sourced {
            let n = push(Param::Int(i64::from(idp)), &mut params);
            let _ = write!(sql, " AND u.idp_sourced = ${n}");
        }
        if let Some(group) = filter.group_id.as_deref() {
            let n = push(Param::Text(group.to_owned()), &mut params);
            let _ = write!(
                sql,
                " AND EXISTS (SELECT 1 FROM dir_memberships m WHERE {} AND m.group_key = {} AND m.user_key = {})",
                visible("m"),
                id_key_in_source(&format!("${n}")),
                keys::id_key("u.source_key", "u.user_id"),
            );
        }
        let n = push(Param::Int(i64::from(limit)), &mut params);
        let _ = write!(sql, " ORDER BY u.user_id LIMIT ${n}");
        let rows = self.query_rows(&sql, tenant, snapshot, params).await?;
        rows.iter().map(user_summary).collect()
    }

    async fn get_user(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        user_id: &str,
    ) -> Result<User, StoreError> {
        let doc = self
            .doc("dir_users", "user_id", tenant, snapshot, user_id)
            .await?;
        compact::decode(&doc, user_id)
    }

    async fn user_groups(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        user_id: &str,
        limit: u32,
    ) -> Result<Vec<GroupSummary>, StoreError> {
        let sql = format!(
            "SELECT g.group_id, g.display_name, {count} FROM dir_groups g \
             WHERE {g} AND g.group_id IN (SELECT gi.aws_id FROM dir_memberships um JOIN id_keys gi ON gi.id_key = um.group_key \
             WHERE {um} AND um.user_key = {user}) \
             ORDER BY g.display_name, g.group_id LIMIT $5",
            count = member_count(),
            g = visible("g"),
            um = visible("um"),
            user = id_key_in_source("$4"),
        );
        let params = vec![
            Param::Text(user_id.to_owned()),
            Param::Int(i64::from(limit)),
        ];
        let rows = self.query_rows(&sql, tenant, snapshot, params).await?;
        rows.iter().map(group_summary).collect()
    }

    async fn search_groups(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        query: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<GroupSummary>, StoreError> {
        let pattern = contains_pattern(query.unwrap_or(""));
        let sql = format!(
            "SELECT g.group_id, g.display_name, {count} FROM dir_groups g \
             WHERE {g} AND g.group_id > $4 AND LOWER(COALESCE(g.display_name, '')) LIKE $5 ESCAPE '\\' \
             ORDER BY g.group_id LIMIT $6",
            count = member_count(),
            g = visible("g"),
        );
        let params = vec![
            Param::Text(after.unwrap_or("").to_owned()),
            Param::Text(pattern),
            Param::Int(i64::from(limit)),
        ];
        let rows = self.query_rows(&sql, tenant, snapshot, params).await?;
        rows.iter().map(group_summary).collect()
    }

    async fn get_group(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        group_id: &str,
    ) -> Result<Group, StoreError> {
        let doc = self
            .doc("dir_groups", "group_id", tenant, snapshot, group_id)
            .await?;
        compact::decode(&doc, group_id)
    }

    async fn group_members(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        group_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<UserSummary>, StoreError> {
        let size = sqlx::query(&group_size_sql())
            .bind(tenant.as_str())
            .bind(snapshot.source_id.as_str())
            .bind(group_id)
            .fetch_one(&self.pool)
            .await?;
        let sql = if size.try_get::<i64, _>(0)? >= MANY_MEMBERS {
            group_members_by_ids_sql()
        } else {
            group_members_sorted_sql()
        };
        let params = vec![
            Param::Text(group_id.to_owned()),
            Param::Text(after.unwrap_or("").to_owned()),
            Param::Int(i64::from(limit)),
        ];
        let rows = self.query_rows(&sql, tenant, snapshot, params).await?;
        rows.iter().map(user_summary).collect()
    }
}
