//! Publishing a run: chunk by chunk of staged keys, end the versions of
//! objects it did not see (and version what it deferred), and count what it
//! read.

use roster_core::{SnapshotCounts, SyncId, TenantId};
use sqlx::{Any, Row, Transaction};

use super::{At, execute, has_published};
use crate::error::StoreError;
use crate::sql::columns::{GROUPS, MEMBERSHIPS, TABLES, USERS, Versioned};
use crate::sql::syncs::RunningSync;
use crate::sql::{keys, rows};

/// Staged rows per publishing statement: keeps each statement's journal
/// (`SQLite` copies every page a statement changes, in memory) small however
/// large the directory.
const PUBLISH_CHUNK: usize = 1_000;

/// The staged key (column `key` of staging table `stage`) that closes the
/// chunk of run `sync` after `after`, or `None` for the last: publishes of
/// the directory and of access walk their staged keys with it.
pub(in crate::sql) async fn chunk_end(
    tx: &mut Transaction<'_, Any>,
    (stage, key): (&str, &str),
    sync: SyncId,
    after: &str,
) -> Result<Option<String>, StoreError> {
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
        let upto = chunk_end(tx, (v.stage, v.key), sync, &after).await?;
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

pub(in crate::sql) async fn publish(
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
