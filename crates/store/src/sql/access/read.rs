//! Reading access snapshots: the filtered keyset page of effective access
//! with account and permission set names of the same snapshot, and the
//! diff of effective access from the versions changed in `(from, to]`.

use std::fmt::Write as _;

use roster_core::sso::AccessDiff;
use roster_core::{SourceId, SyncId, TenantId};
use sqlx::{AnyPool, Row};

use super::tables::{ACCESS_COLUMNS, access_key, access_of};
use crate::error::StoreError;
use crate::ports::access::{AccessEntry, AccessFilter};
use crate::records::Snapshot;

/// `$1` tenant, `$2` source, `$3` sync: rows of alias `a` visible in the
/// snapshot (the unary `+`: see `browse::visible`).
pub(crate) fn visible(a: &str) -> String {
    format!(
        "{a}.tenant_id = $1 AND {a}.source_id = $2 AND +{a}.valid_from <= $3 AND (+{a}.valid_to IS NULL OR +{a}.valid_to > $3)"
    )
}

/// Joins of an access row (`a`) to its account (`ac`) and permission set
/// (`ps`) in the same snapshot.
pub(crate) fn name_joins() -> String {
    let on = |x: &str, col: &str| {
        format!(
            "{x}.tenant_id = a.tenant_id AND {x}.source_id = a.source_id AND {x}.k = a.{col} \
             AND +{x}.valid_from <= $3 AND (+{x}.valid_to IS NULL OR +{x}.valid_to > $3)"
        )
    };
    format!(
        "LEFT JOIN sso_accounts ac ON {} LEFT JOIN sso_permission_sets ps ON {}",
        on("ac", "account_id"),
        on("ps", "permission_set_arn")
    )
}

/// A `LIKE` pattern matching `q` anywhere, lowercased, with `%`, `_` and
/// `\` taken literally.
fn contains_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in super::super::text::column(q).to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// How `AccessFilter::user` names a user: by ID (found by the user index)
/// or, when no row has that ID, by user name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserBy {
    Id,
    Name,
}

/// The `WHERE` of an access page after the snapshot and the cursor (`$4`),
/// and its parameters from `$5` on.
fn filter_sql(filter: &AccessFilter, user_by: UserBy) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut params: Vec<String> = Vec::new();
    let param = |v: String, params: &mut Vec<String>| {
        params.push(v);
        params.len() + 4
    };
    if let Some(u) = filter.user.as_deref() {
        let n = param(super::super::text::column(u).into_owned(), &mut params);
        let column = match user_by {
            UserBy::Id => "a.user_id",
            UserBy::Name => "a.user_name",
        };
        let _ = write!(sql, " AND {column} = ${n}");
    }
    if let Some(acct) = &filter.account {
        let n = param(acct.as_str().to_owned(), &mut params);
        let _ = write!(sql, " AND a.account_id = ${n}");
    }
    if let Some(p) = filter.permission_set.as_deref() {
        let n = param(super::super::text::column(p).into_owned(), &mut params);
        let _ = write!(sql, " AND (a.permission_set_arn = ${n} OR ps.name = ${n})");
    }
    if let Some(g) = filter.group.as_deref() {
        let n = param(super::super::text::column(g).into_owned(), &mut params);
        let _ = write!(sql, " AND a.via_group_id = ${n}");
    }
    if let Some(q) = filter.search.as_deref().filter(|q| !q.is_empty()) {
        let n = param(contains_pattern(q), &mut params);
        let like = |col: &str| format!("LOWER(COALESCE({col}, '')) LIKE ${n} ESCAPE '\\'");
        let _ = write!(
            sql,
            " AND ({} OR {} OR {} OR {} OR {})",
            like("a.user_name"),
            like("a.account_id"),
            like("ac.name"),
            like("ps.name"),
            like("a.via_name")
        );
    }
    if filter.privileged_only {
        sql.push_str(" AND ps.privileged = 1");
    }
    if filter.direct_only {
        sql.push_str(" AND a.via_group_id = ''");
    }
    if filter.orphaned_only {
        sql.push_str(" AND a.orphaned = 1");
    }
    (sql, params)
}

/// The SQL of one access page (`$1..$4`: tenant, source, sync, cursor;
/// then the filter's parameters; the limit last).
pub(crate) fn page_sql(filter: &AccessFilter, user_by: UserBy) -> (String, Vec<String>) {
    let (filters, params) = filter_sql(filter, user_by);
    let sql = format!(
        "SELECT {ACCESS_COLUMNS}, ac.name, ps.name, ps.privileged FROM sso_access a {} \
         WHERE {} AND a.k > $4{filters} ORDER BY a.k LIMIT ${}",
        name_joins(),
        visible("a"),
        params.len() + 5
    );
    (sql, params)
}

pub(crate) async fn page(
    pool: &AnyPool,
    tenant: &TenantId,
    at: &Snapshot,
    filter: &AccessFilter,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<AccessEntry>, StoreError> {
    let user_by = match filter.user.as_deref() {
        Some(user) => user_by(pool, tenant, at, user).await?,
        None => UserBy::Id,
    };
    let (sql, params) = page_sql(filter, user_by);
    let mut q = sqlx::query(&sql)
        .bind(tenant.as_str())
        .bind(at.source_id.as_str())
        .bind(at.sync_id.0)
        .bind(access_key(after.unwrap_or("")));
    for p in params {
        q = q.bind(p);
    }
    let rows = q.bind(i64::from(limit)).fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            Ok(AccessEntry {
                row: access_of(r)?,
                account_name: r.try_get(9)?,
                permission_set_name: r.try_get(10)?,
                privileged: r.try_get::<Option<i64>, _>(11)?.unwrap_or(0) != 0,
            })
        })
        .collect()
}

/// Whether `user` is the ID of a user with access at `at` (else it is
/// taken as a user name).
async fn user_by(
    pool: &AnyPool,
    tenant: &TenantId,
    at: &Snapshot,
    user: &str,
) -> Result<UserBy, StoreError> {
    let sql = format!(
        "SELECT 1 FROM sso_access a WHERE {} AND a.user_id = $4 LIMIT 1",
        visible("a")
    );
    let found = sqlx::query(&sql)
        .bind(tenant.as_str())
        .bind(at.source_id.as_str())
        .bind(at.sync_id.0)
        .bind(super::super::text::column(user).into_owned())
        .fetch_optional(pool)
        .await?;
    Ok(if found.is_some() {
        UserBy::Id
    } else {
        UserBy::Name
    })
}

/// Rows of versions begun in `($3, $4]` still visible at `$4` whose key was
/// not visible at `$3`: access gained. `$1`, `$2`: tenant, source.
pub(crate) fn gained_sql() -> String {
    format!(
        "SELECT {ACCESS_COLUMNS} FROM sso_access a WHERE a.tenant_id = $1 AND a.source_id = $2 \
         AND a.valid_from > $3 AND a.valid_from <= $4 AND (+a.valid_to IS NULL OR +a.valid_to > $4) \
         AND NOT EXISTS (SELECT 1 FROM sso_access b WHERE b.tenant_id = $1 AND b.source_id = $2 \
         AND b.k = a.k AND +b.valid_from <= $3 AND (+b.valid_to IS NULL OR +b.valid_to > $3))"
    )
}

/// Rows of versions visible at `$3` and ended in `($3, $4]` whose key is
/// not visible at `$4`: access lost.
pub(crate) fn lost_sql() -> String {
    format!(
        "SELECT {ACCESS_COLUMNS} FROM sso_access a WHERE a.tenant_id = $1 AND a.source_id = $2 \
         AND a.valid_to > $3 AND a.valid_to <= $4 AND +a.valid_from <= $3 \
         AND NOT EXISTS (SELECT 1 FROM sso_access b WHERE b.tenant_id = $1 AND b.source_id = $2 \
         AND b.k = a.k AND +b.valid_from <= $4 AND (+b.valid_to IS NULL OR +b.valid_to > $4))"
    )
}

pub(crate) async fn diff(
    pool: &AnyPool,
    tenant: &TenantId,
    source: &SourceId,
    from: SyncId,
    to: SyncId,
) -> Result<AccessDiff, StoreError> {
    if from > to {
        let back = Box::pin(diff(pool, tenant, source, to, from)).await?;
        return Ok(AccessDiff {
            from_sync: from.0,
            to_sync: to.0,
            gained: back.lost,
            lost: back.gained,
        });
    }
    let mut sides = Vec::with_capacity(2);
    for sql in [gained_sql(), lost_sql()] {
        let rows = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(source.as_str())
            .bind(from.0)
            .bind(to.0)
            .fetch_all(pool)
            .await?;
        let mut side = rows.iter().map(access_of).collect::<Result<Vec<_>, _>>()?;
        // Key order whatever the database's collation.
        side.sort_by_cached_key(roster_core::sso::AccessRow::key);
        sides.push(side);
    }
    let lost = sides.pop().unwrap_or_default();
    let gained = sides.pop().unwrap_or_default();
    Ok(AccessDiff {
        from_sync: from.0,
        to_sync: to.0,
        gained,
        lost,
    })
}
