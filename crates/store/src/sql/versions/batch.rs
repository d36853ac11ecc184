//! Writing one batch of a running sync: staged and versioned in one
//! transaction, or (a source's first sync) written straight as versions.

use roster_core::{SyncId, TenantId};
use sqlx::{Any, AnyPool, Transaction};

use super::statements::placeholders;
use super::{AnyQuery, At, ROWS_PER_STATEMENT, execute, has_published};
use crate::error::StoreError;
use crate::records::{StageBatch, Versioning};
use crate::sql::columns::{GROUPS, MEMBERSHIPS, USERS, Value, Versioned};
use crate::sql::keys;
use crate::sql::syncs::{RunningSync, lock_running};

/// Inserts staged rows in multi-row statements: `sync_id` and `tenant_id`
/// first, then `v`'s columns in their order; rows staged twice are ignored.
async fn insert_staged<T>(
    tx: &mut Transaction<'_, Any>,
    (tenant, sync): (&TenantId, SyncId),
    v: &Versioned<T>,
    rows: &[T],
) -> Result<(), StoreError> {
    let per_row = 2 + v.columns.len();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO {} (sync_id, tenant_id, {}) VALUES {} ON CONFLICT DO NOTHING",
            v.stage,
            v.column_list(),
            placeholders(chunk.len(), per_row, 1)
        );
        let mut q: AnyQuery<'_> = sqlx::query(&sql);
        for row in chunk {
            q = bind_columns(q.bind(sync.0).bind(tenant.as_str()), v, row)?;
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Binds `row`'s values of `v`'s columns, in their order.
fn bind_columns<'q, T>(
    mut q: AnyQuery<'q>,
    v: &Versioned<T>,
    row: &T,
) -> Result<AnyQuery<'q>, StoreError> {
    for column in v.columns {
        q = match (column.value)(row)? {
            Value::Text(text) => q.bind(text),
            Value::Int(n) => q.bind(n),
        };
    }
    Ok(q)
}

/// Begins a version at the run for each of `rows`, straight from the batch:
/// for a source's first sync, which has nothing to compare with or end.
/// `$1` and `$2` are the source key and the run; an object seen twice keeps
/// its first sighting (the key index refuses a second current version).
async fn insert_versions<T>(
    tx: &mut Transaction<'_, Any>,
    (source_key, sync): (i64, SyncId),
    v: &Versioned<T>,
    rows: &[T],
) -> Result<(), StoreError> {
    let per_row = v.columns.len();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let cells: Vec<String> = v
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(c, column)| {
                        let value = format!("${}", 3 + r * per_row + c);
                        match column.keyed_as {
                            Some(_) => keys::id_key("$1", &value),
                            None => value,
                        }
                    })
                    .collect();
                format!("($1, $2, {})", cells.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {} (source_key, valid_from, {}) VALUES {} ON CONFLICT DO NOTHING",
            v.live,
            v.live_column_list(),
            values.join(", ")
        );
        let mut q: AnyQuery<'_> = sqlx::query(&sql).bind(source_key).bind(sync.0);
        for row in chunk {
            q = bind_columns(q, v, row)?;
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
/// Ends the current version of each of `keys` whose staged row differs,
/// and begins a version for each of `keys` that now has none (new or
/// changed).
async fn version_keys<T>(
    tx: &mut Transaction<'_, Any>,
    v: &Versioned<T>,
    at: At<'_>,
    keys: &[&str],
) -> Result<(), StoreError> {
    let statements = |n: usize| {
        let list = placeholders(1, n, 4);
        [
            v.end_sql(&format!("{}.{} IN {list}", v.live, v.key), true),
            v.begin_sql(&format!("s.{} IN {list}", v.key)),
        ]
    };
    // Every chunk but the last has the full length: its SQL is built once.
    let full = statements(ROWS_PER_STATEMENT);
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        let rest;
        let sqls = if chunk.len() == ROWS_PER_STATEMENT {
            &full
        } else {
            rest = statements(chunk.len());
            &rest
        };
        for sql in sqls {
            execute(tx, sql, at, chunk).await?;
        }
    }
    Ok(())
}

/// Stages one batch of a running sync, and versions it unless told to leave
/// that to the publish; idempotent for rows seen twice. A source's first
/// sync writes its versions straight, without staging.
pub(in crate::sql) async fn write_batch(
    pool: &AnyPool,
    tenant: &TenantId,
    sync: SyncId,
    batch: &StageBatch,
    versioning: Versioning,
) -> Result<(), StoreError> {
    let mut tx = crate::sql::pool::begin_write(pool).await?;
    let RunningSync {
        source,
        versions_deferred,
    } = lock_running(&mut tx, tenant, sync).await?;
    let run = (tenant, sync);
    let source_key = keys::ensure_source_key(&mut tx, tenant, &source).await?;
    // The IDs a membership names get their integers first, whichever of
    // them begins its version (here or at the publish).
    let mut named: Vec<&str> = batch
        .memberships
        .iter()
        .flat_map(|m| [m.group_id.as_str(), m.user_id.as_str()])
        .collect();
    named.sort_unstable();
    named.dedup();
    keys::intern(&mut tx, source_key, &named).await?;
    let earlier = has_published(&mut tx, tenant, &source).await?;
    if !earlier {
        // Staging would only be copied to versions and deleted (#16).
        let at = (source_key, sync);
        insert_versions(&mut tx, at, &USERS, &batch.users).await?;
        insert_versions(&mut tx, at, &GROUPS, &batch.groups).await?;
        insert_versions(&mut tx, at, &MEMBERSHIPS, &batch.memberships).await?;
        tx.commit().await?;
        return Ok(());
    }
    insert_staged(&mut tx, run, &USERS, &batch.users).await?;
    insert_staged(&mut tx, run, &GROUPS, &batch.groups).await?;
    insert_staged(&mut tx, run, &MEMBERSHIPS, &batch.memberships).await?;
    if versioning == Versioning::AtPublish {
        if !versions_deferred {
            sqlx::query(
                "UPDATE sync_runs SET versions_deferred = 1 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.as_str())
            .bind(sync.0)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        return Ok(());
    }
    let at = (tenant, source_key, sync);
    let users: Vec<&str> = batch.users.iter().map(|u| u.user_id.as_str()).collect();
    version_keys(&mut tx, &USERS, at, &users).await?;
    let groups: Vec<&str> = batch.groups.iter().map(|g| g.group_id.as_str()).collect();
    version_keys(&mut tx, &GROUPS, at, &groups).await?;
    let memberships: Vec<&str> = batch
        .memberships
        .iter()
        .map(|m| m.membership_id.as_str())
        .collect();
    version_keys(&mut tx, &MEMBERSHIPS, at, &memberships).await?;
    tx.commit().await?;
    Ok(())
}
