//! Directory rows: staging a running sync, publishing it as versions, and
//! reading a snapshot back page by page.

use roster_core::{
    Group, GroupId, Membership, MembershipId, SnapshotCounts, SourceId, SyncId, TenantId, User,
    UserId,
};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Row, Transaction};

use super::rows::{self, corrupt};
use crate::error::StoreError;
use crate::records::{MembershipRow, Snapshot, StageBatch, VersionCounts};

/// Rows per INSERT statement; keeps bind parameters well under every backend's limit.
const ROWS_PER_STATEMENT: usize = 200;

fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt)
}

type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Inserts staged rows in multi-row statements: `sync_id` and `tenant_id`
/// first, then the columns `bind_row` binds; rows staged twice are ignored.
async fn insert_staged<T>(
    tx: &mut Transaction<'_, Any>,
    (tenant, sync): (&TenantId, SyncId),
    table_and_columns: &str,
    columns: usize,
    rows: &[T],
    bind_row: impl for<'q> Fn(AnyQuery<'q>, &'q T) -> Result<AnyQuery<'q>, StoreError>,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO {table_and_columns} VALUES {} ON CONFLICT DO NOTHING",
            placeholders(chunk.len(), columns)
        );
        let mut q: AnyQuery<'_> = sqlx::query(&sql);
        for row in chunk {
            q = bind_row(q.bind(sync.0).bind(tenant.as_str()), row)?;
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

pub(super) async fn stage(
    pool: &AnyPool,
    tenant: &TenantId,
    sync: SyncId,
    batch: &StageBatch,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    let run = (tenant, sync);
    insert_staged(
        &mut tx,
        run,
        "stage_users (sync_id, tenant_id, user_id, user_name, display_name, email, status, idp_sourced, doc)",
        9,
        &batch.users,
        |q, u| {
            let status = u.user_status.as_ref().map(|s| to_json(s).map(|j| j.trim_matches('"').to_owned())).transpose()?;
            Ok(q.bind(u.user_id.as_str())
                .bind(u.user_name.clone())
                .bind(u.display_name.clone())
                .bind(u.primary_email().map(str::to_owned))
                .bind(status)
                .bind(i64::from(u.is_idp_sourced()))
                .bind(to_json(u)?))
        },
    )
    .await?;
    insert_staged(
        &mut tx,
        run,
        "stage_groups (sync_id, tenant_id, group_id, display_name, doc)",
        5,
        &batch.groups,
        |q, g| {
            Ok(q.bind(g.group_id.as_str())
                .bind(g.display_name.clone())
                .bind(to_json(g)?))
        },
    )
    .await?;
    insert_staged(
        &mut tx,
        run,
        "stage_memberships (sync_id, tenant_id, membership_id, group_id, user_id)",
        5,
        &batch.memberships,
        |q, m| {
            Ok(q.bind(m.membership_id.as_str())
                .bind(m.group_id.as_str())
                .bind(m.user_id.as_str()))
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn discard_staged(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    sync: SyncId,
) -> Result<(), StoreError> {
    for table in ["stage_users", "stage_groups", "stage_memberships"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE tenant_id = $1 AND sync_id = $2"
        ))
        .bind(tenant.as_str())
        .bind(sync.0)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Removes the staged rows of every run of `source` that is no longer running.
pub(super) async fn clean_staging(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<(), StoreError> {
    for table in ["stage_users", "stage_groups", "stage_memberships"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE tenant_id = $1 AND sync_id IN \
             (SELECT id FROM sync_runs WHERE tenant_id = $1 AND source_id = $2 AND status <> 'running')"
        ))
        .bind(tenant.as_str())
        .bind(source.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// How one kind of entity is versioned: its tables, key and the columns compared.
struct Versioned {
    live: &'static str,
    stage: &'static str,
    key: &'static str,
    /// Columns copied from stage to live; equality of `same` means "unchanged".
    columns: &'static str,
    same: &'static str,
}

const USERS: Versioned = Versioned {
    live: "dir_users",
    stage: "stage_users",
    key: "user_id",
    columns: "user_id, user_name, display_name, email, status, idp_sourced, doc",
    same: "s.doc = l.doc",
};
const GROUPS: Versioned = Versioned {
    live: "dir_groups",
    stage: "stage_groups",
    key: "group_id",
    columns: "group_id, display_name, doc",
    same: "s.doc = l.doc",
};
const MEMBERSHIPS: Versioned = Versioned {
    live: "dir_memberships",
    stage: "stage_memberships",
    key: "membership_id",
    columns: "membership_id, group_id, user_id",
    same: "s.group_id = l.group_id AND s.user_id = l.user_id",
};

/// Ends versions that changed or vanished, inserts new ones, and returns how
/// many rows the sync read. Runs inside the publishing transaction.
async fn publish_kind(
    tx: &mut Transaction<'_, Any>,
    v: &Versioned,
    tenant: &TenantId,
    source: &SourceId,
    sync: SyncId,
) -> Result<u64, StoreError> {
    let close = format!(
        "UPDATE {live} SET valid_to = $1 WHERE tenant_id = $2 AND source_id = $3 AND valid_to IS NULL \
         AND NOT EXISTS (SELECT 1 FROM {stage} s, {live} l WHERE s.sync_id = $1 AND l.tenant_id = $2 \
         AND l.source_id = $3 AND l.valid_to IS NULL AND l.{key} = {live}.{key} AND s.{key} = l.{key} AND {same})",
        live = v.live,
        stage = v.stage,
        key = v.key,
        same = v.same,
    );
    sqlx::query(&close)
        .bind(sync.0)
        .bind(tenant.as_str())
        .bind(source.as_str())
        .execute(&mut **tx)
        .await?;
    let staged_cols: String = v
        .columns
        .split(", ")
        .map(|c| format!("s.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let insert = format!(
        "INSERT INTO {live} (tenant_id, source_id, valid_from, {columns}) \
         SELECT $2, $3, $1, {staged_cols} FROM {stage} s WHERE s.sync_id = $1 AND s.tenant_id = $2 \
         AND NOT EXISTS (SELECT 1 FROM {live} l WHERE l.tenant_id = $2 AND l.source_id = $3 \
         AND l.valid_to IS NULL AND l.{key} = s.{key})",
        live = v.live,
        stage = v.stage,
        key = v.key,
        columns = v.columns,
    );
    sqlx::query(&insert)
        .bind(sync.0)
        .bind(tenant.as_str())
        .bind(source.as_str())
        .execute(&mut **tx)
        .await?;
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) FROM {} WHERE tenant_id = $1 AND sync_id = $2",
        v.stage
    ))
    .bind(tenant.as_str())
    .bind(sync.0)
    .fetch_one(&mut **tx)
    .await?;
    rows::single_count(&row)
}

pub(super) async fn publish_staged(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
    sync: SyncId,
) -> Result<SnapshotCounts, StoreError> {
    let counts = SnapshotCounts {
        users: publish_kind(tx, &USERS, tenant, source, sync).await?,
        groups: publish_kind(tx, &GROUPS, tenant, source, sync).await?,
        memberships: publish_kind(tx, &MEMBERSHIPS, tenant, source, sync).await?,
    };
    // The staged rows are now invisible leftovers; `clean_staging` removes
    // them after the commit, so publishing holds its lock for less time.
    Ok(counts)
}

const IN_SNAPSHOT: &str = "valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3)";

async fn docs_page(
    pool: &AnyPool,
    table: &str,
    key: &str,
    tenant: &TenantId,
    snapshot: &Snapshot,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<String>, StoreError> {
    let sql = format!(
        "SELECT doc FROM {table} WHERE tenant_id = $1 AND source_id = $2 AND {IN_SNAPSHOT} AND {key} > $4 \
         ORDER BY {key} LIMIT $5"
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.as_str())
        .bind(snapshot.source_id.as_str())
        .bind(snapshot.sync_id.0)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>(0).map_err(StoreError::from))
        .collect()
}

pub(super) async fn users_page(
    pool: &AnyPool,
    tenant: &TenantId,
    snapshot: &Snapshot,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<User>, StoreError> {
    let docs = docs_page(pool, "dir_users", "user_id", tenant, snapshot, after, limit).await?;
    docs.iter()
        .map(|d| serde_json::from_str(d).map_err(corrupt))
        .collect()
}

pub(super) async fn groups_page(
    pool: &AnyPool,
    tenant: &TenantId,
    snapshot: &Snapshot,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<Group>, StoreError> {
    let docs = docs_page(
        pool,
        "dir_groups",
        "group_id",
        tenant,
        snapshot,
        after,
        limit,
    )
    .await?;
    docs.iter()
        .map(|d| serde_json::from_str(d).map_err(corrupt))
        .collect()
}

pub(super) async fn memberships_page(
    pool: &AnyPool,
    tenant: &TenantId,
    snapshot: &Snapshot,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<MembershipRow>, StoreError> {
    let joined = |alias: &str| {
        format!(
            "{alias}.tenant_id = m.tenant_id AND {alias}.source_id = m.source_id \
             AND {alias}.valid_from <= $3 AND ({alias}.valid_to IS NULL OR {alias}.valid_to > $3)"
        )
    };
    let sql = format!(
        "SELECT m.membership_id, m.group_id, m.user_id, g.display_name, u.user_name FROM dir_memberships m \
         LEFT JOIN dir_groups g ON g.group_id = m.group_id AND {g} \
         LEFT JOIN dir_users u ON u.user_id = m.user_id AND {u} \
         WHERE m.tenant_id = $1 AND m.source_id = $2 AND m.valid_from <= $3 AND (m.valid_to IS NULL OR m.valid_to > $3) \
         AND m.membership_id > $4 ORDER BY m.membership_id LIMIT $5",
        g = joined("g"),
        u = joined("u"),
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.as_str())
        .bind(snapshot.source_id.as_str())
        .bind(snapshot.sync_id.0)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(MembershipRow {
                membership: Membership {
                    membership_id: MembershipId::parse(r.try_get(0)?).map_err(corrupt)?,
                    group_id: GroupId::parse(r.try_get(1)?).map_err(corrupt)?,
                    user_id: UserId::parse(r.try_get(2)?).map_err(corrupt)?,
                },
                group_display_name: r.try_get(3)?,
                user_name: r.try_get(4)?,
            })
        })
        .collect()
}

pub(super) async fn version_counts(
    pool: &AnyPool,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<VersionCounts, StoreError> {
    let mut counts = [0u64; 3];
    for (slot, table) in counts
        .iter_mut()
        .zip(["dir_users", "dir_groups", "dir_memberships"])
    {
        let row = sqlx::query(&format!(
            "SELECT COUNT(*) FROM {table} WHERE tenant_id = $1 AND source_id = $2"
        ))
        .bind(tenant.as_str())
        .bind(source.as_str())
        .fetch_one(pool)
        .await?;
        *slot = rows::single_count(&row)?;
    }
    Ok(VersionCounts {
        users: counts[0],
        groups: counts[1],
        memberships: counts[2],
    })
}
