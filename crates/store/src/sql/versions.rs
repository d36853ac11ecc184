//! Writing a running sync's rows as versions while it reads (the snapshot model of ARCHITECTURE.md).
//!
//! Each batch is staged (the run's own copy: what it saw, first sighting
//! wins) and versioned in the same transaction: an object that changed has
//! its current version ended at this sync and a new one begun; a new object
//! gets its first version. Readers ask for `valid_from <= S < valid_to` of a
//! *published* sync S, so versions begun by a running sync are invisible to
//! them and versions it ended stay visible. Publishing is then small: end the
//! versions of objects the run did not see, and mark the run complete. A run
//! that fails, or is found abandoned, has its versions undone. A source's
//! first sync has nothing to compare or end: it skips staging and writes
//! versions straight from each batch.

use std::fmt::Write as _;

use roster_core::{SnapshotCounts, SourceId, SyncId, TenantId};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Row, Transaction};

use super::columns::{GROUPS, MEMBERSHIPS, TABLES, USERS, Value, Versioned};
use super::syncs::{RunningSync, lock_running};
use super::{keys, rows};
use crate::error::StoreError;
use crate::records::{StageBatch, Versioning};

/// Rows (or keys) per statement: well under every backend's bind-parameter
/// limit, and small enough that `SQLite`'s per-parameter name lookup (linear
/// in the statement's parameters) stays cheap.
const ROWS_PER_STATEMENT: usize = 50;

type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// "The current version", in the words of the key index `dir_*_key`
/// (`tenant_id, source_id, key, COALESCE(valid_to, 0)`, unique; migration
/// 0014): a key and this find it in the index alone. Sync IDs start at 1.
const CURRENT: &str = "COALESCE(valid_to, 0) = 0";

fn placeholders(rows: usize, cols: usize, first: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (0..cols)
                .map(|c| format!("${}", first + r * cols + c))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

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

impl<T> Versioned<T> {
    /// Ends the current versions begun before the run (`$1`) among the live
    /// rows `live_filter` selects, whose object the run did not stage or (if
    /// `or_changed`) staged with other content. Binds `$1..$3`: run, tenant,
    /// source key.
    pub(super) fn end_sql(&self, live_filter: &str, or_changed: bool) -> String {
        let Self {
            live, stage, key, ..
        } = self;
        let mut changed = String::new();
        if or_changed {
            for c in self.compared {
                let column = self.column(c);
                let _ = write!(
                    changed,
                    " AND {} = {live}.{}",
                    column.staged_value("$3"),
                    column.live_name()
                );
            }
        }
        format!(
            "UPDATE {live} SET valid_to = $1 WHERE source_key = $3 AND {CURRENT} \
             AND valid_from < $1 AND {live_filter} AND NOT EXISTS (SELECT 1 FROM {stage} s \
             WHERE s.sync_id = $1 AND s.tenant_id = $2 AND s.{key} = {live}.{key}{changed})"
        )
    }

    /// Begins a version, at the run, for each staged row `stage_filter`
    /// selects whose object has no current version (new, or ended above).
    pub(super) fn begin_sql(&self, stage_filter: &str) -> String {
        let Self {
            live, stage, key, ..
        } = self;
        format!(
            "INSERT INTO {live} (source_key, valid_from, {}) \
             SELECT $3, $1, {} FROM {stage} s WHERE s.sync_id = $1 AND s.tenant_id = $2 \
             AND {stage_filter} AND NOT EXISTS (SELECT 1 FROM {live} l WHERE \
             l.source_key = $3 AND l.{key} = s.{key} AND {})",
            self.live_column_list(),
            self.staged_values("$3"),
            CURRENT.replace("valid_to", "l.valid_to"),
        )
    }
}

/// Where versions are written: the run's tenant, its source's key
/// (`keys::ensure_source_key`) and the run.
type At<'a> = (&'a TenantId, i64, SyncId);

/// Runs `sql` with the run, tenant and source key as `$1..$3`, then `extra`.
async fn execute(
    tx: &mut Transaction<'_, Any>,
    sql: &str,
    (tenant, source_key, sync): At<'_>,
    extra: &[&str],
) -> Result<(), StoreError> {
    let mut q = sqlx::query(sql)
        .bind(sync.0)
        .bind(tenant.as_str())
        .bind(source_key);
    for value in extra {
        q = q.bind(*value);
    }
    q.execute(&mut **tx).await?;
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
pub(super) async fn write_batch(
    pool: &AnyPool,
    tenant: &TenantId,
    sync: SyncId,
    batch: &StageBatch,
    versioning: Versioning,
) -> Result<(), StoreError> {
    let mut tx = super::pool::begin_write(pool).await?;
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

/// Whether `source` has published a sync: before its first, it has no
/// versions but the running sync's, so there is nothing to end. (A
/// published access sync counts too: that only costs work, never skips it.)
async fn has_published(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT 1 FROM sync_runs WHERE tenant_id = $1 AND source_id = $2 AND status = 'complete' LIMIT 1",
    )
    .bind(tenant.as_str())
    .bind(source.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}

/// Staged rows per publishing statement: keeps each statement's journal
/// (`SQLite` copies every page a statement changes, in memory) small however
/// large the directory.
const PUBLISH_CHUNK: usize = 1_000;

/// The staged key that closes the chunk after `after`, or `None` for the last.
async fn chunk_end<T>(
    tx: &mut Transaction<'_, Any>,
    v: &Versioned<T>,
    sync: SyncId,
    after: &str,
) -> Result<Option<String>, StoreError> {
    let Versioned { stage, key, .. } = v;
    let sql = format!(
        "SELECT {key} FROM {stage} WHERE sync_id = $1 AND {key} > $2 ORDER BY {key} LIMIT 1 OFFSET {}",
        PUBLISH_CHUNK - 1
    );
    let row = sqlx::query(&sql)
        .bind(sync.0)
        .bind(after)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Ends the versions of objects the run did not see (and, when its versions
/// were deferred, of objects that changed, then begins their new versions),
/// chunk by chunk of keys, and returns how many rows the run read. Runs
/// inside the publishing transaction. A source's first sync wrote its
/// versions straight (`write_batch`): it only counts them.
async fn publish_kind<T>(
    tx: &mut Transaction<'_, Any>,
    v: &Versioned<T>,
    at: At<'_>,
    work: PublishWork,
) -> Result<u64, StoreError> {
    let Versioned {
        live, stage, key, ..
    } = v;
    let sync = at.2;
    let deferred = match work {
        PublishWork::First => return count_begun(tx, v, at).await,
        PublishWork::Staged { deferred } => deferred,
    };
    let mut after = String::new();
    loop {
        let upto = chunk_end(tx, v, sync, &after).await?;
        let range = |table: &str| match upto {
            Some(_) => format!("{table}.{key} > $4 AND {table}.{key} <= $5"),
            None => format!("{table}.{key} > $4"),
        };
        let mut statements = vec![v.end_sql(&range(live), deferred)];
        if deferred {
            statements.push(v.begin_sql(&range("s")));
        }
        let bounds: Vec<&str> = std::iter::once(after.as_str())
            .chain(upto.as_deref())
            .collect();
        for sql in &statements {
            execute(tx, sql, at, &bounds).await?;
        }
        match upto {
            Some(upto) => after = upto,
            None => break,
        }
    }
    // By run alone, which the staging key covers: the caller locked the run
    // as this tenant's in this transaction.
    let row = sqlx::query(&format!("SELECT COUNT(*) FROM {stage} WHERE sync_id = $1"))
        .bind(sync.0)
        .fetch_one(&mut **tx)
        .await?;
    rows::single_count(&row)
}

/// What a publish does: a source's first sync wrote its versions while
/// reading and has nothing to end; a later sync staged what it saw and
/// ends what it did not (and, if `deferred`, versions what it staged).
#[derive(Clone, Copy)]
enum PublishWork {
    First,
    Staged { deferred: bool },
}

/// The number of versions run `$1` began: what a first sync read.
async fn count_begun<T>(
    tx: &mut Transaction<'_, Any>,
    v: &Versioned<T>,
    (_, source_key, sync): At<'_>,
) -> Result<u64, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) FROM {} WHERE source_key = $1 AND valid_from = $2",
        v.live
    ))
    .bind(source_key)
    .bind(sync.0)
    .fetch_one(&mut **tx)
    .await?;
    rows::single_count(&row)
}

pub(super) async fn publish(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    run: &RunningSync,
    sync: SyncId,
) -> Result<SnapshotCounts, StoreError> {
    let source_key = keys::ensure_source_key(tx, tenant, &run.source).await?;
    let at = (tenant, source_key, sync);
    let deferred = run.versions_deferred;
    if deferred && tx.backend_name() == "PostgreSQL" {
        // The publish's anti-joins are planned from statistics, which rows
        // written since the last autovacuum do not have: without them
        // PostgreSQL expected one staged row per chunk and compared each with
        // every current version of the source (190 s per chunk of a 100k-
        // membership first sync; 85 ms after ANALYZE).
        sqlx::query(&format!(
            "ANALYZE {}",
            TABLES
                .iter()
                .flat_map(|(live, stage)| [*live, *stage])
                .chain(["id_keys"])
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .execute(&mut **tx)
        .await?;
    }
    // A run that deferred versions staged them: `write_batch` only defers
    // once a source has published.
    let work = if !deferred && !has_published(tx, tenant, &run.source).await? {
        PublishWork::First
    } else {
        PublishWork::Staged { deferred }
    };
    let counts = SnapshotCounts {
        users: publish_kind(tx, &USERS, at, work).await?,
        groups: publish_kind(tx, &GROUPS, at, work).await?,
        memberships: publish_kind(tx, &MEMBERSHIPS, at, work).await?,
    };
    // The staged rows are now invisible leftovers; `clean_staging` removes
    // them after the commit, so publishing holds its lock for less time.
    Ok(counts)
}

/// Undoes what a run that will never publish wrote: its versions are
/// removed, the versions it ended are current again, its staged rows go.
pub(super) async fn undo(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
    sync: SyncId,
) -> Result<(), StoreError> {
    let source_key = keys::source_key("$1", "$2");
    for (live, stage) in TABLES {
        // Begun versions first: the ended ones cannot be current beside them.
        for sql in [
            format!("DELETE FROM {live} WHERE source_key = {source_key} AND valid_from = $3"),
            format!(
                "UPDATE {live} SET valid_to = NULL WHERE source_key = {source_key} AND valid_to = $3"
            ),
        ] {
            sqlx::query(&sql)
                .bind(tenant.as_str())
                .bind(source.as_str())
                .bind(sync.0)
                .execute(&mut **tx)
                .await?;
        }
        delete_staged(tx, stage, tenant, sync).await?;
    }
    Ok(())
}

/// Deletes the rows run `sync` staged in the staging table `stage`.
pub(super) async fn delete_staged(
    tx: &mut Transaction<'_, Any>,
    stage: &str,
    tenant: &TenantId,
    sync: SyncId,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "DELETE FROM {stage} WHERE tenant_id = $1 AND sync_id = $2"
    ))
    .bind(tenant.as_str())
    .bind(sync.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes the staged rows of every run of `source` that is no longer running.
pub(super) async fn clean_staging(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<(), StoreError> {
    for (_, stage) in TABLES {
        sqlx::query(&format!(
            "DELETE FROM {stage} WHERE tenant_id = $1 AND sync_id IN \
             (SELECT id FROM sync_runs WHERE tenant_id = $1 AND source_id = $2 AND status <> 'running')"
        ))
        .bind(tenant.as_str())
        .bind(source.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
