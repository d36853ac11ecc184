//! The life of a sync run: begin, publish atomically, or fail (and undo).

use async_trait::async_trait;
use roster_core::{SnapshotCounts, SourceId, SyncId, SyncStats, TenantId};
use sqlx::Row;

use super::SqlStore;
use super::access;
use super::rows::{self, SYNC_COLUMNS};
use super::versions;
use crate::error::StoreError;
use crate::ports::Syncs;
use crate::ports::access::SyncScope;
use crate::records::{DirectoryLocation, Snapshot, StageBatch, SyncFailure, SyncRun, Versioning};

const INTERRUPTED_CAUSE: &str =
    "the sync stopped before it completed (the process was stopped or killed)";
const INTERRUPTED_FIX: &str = "nothing to fix: the next sync reads the whole directory again";

/// A running sync's row, locked for the rest of the transaction.
pub(super) struct RunningSync {
    pub source: SourceId,
    /// Some batches were staged without versions: publishing versions them.
    pub versions_deferred: bool,
}

/// Locks a running sync's row for the rest of the transaction. A run that is
/// no longer running (finished, or found abandoned by a newer run) cannot
/// write again: the lock orders every write of a run before or after the
/// moment another process ends it.
pub(super) async fn lock_running(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant: &TenantId,
    sync: SyncId,
) -> Result<RunningSync, StoreError> {
    let locked = sqlx::query(
        "UPDATE sync_runs SET status = status WHERE tenant_id = $1 AND id = $2 AND status = 'running' \
         RETURNING source_id, versions_deferred",
    )
    .bind(tenant.as_str())
    .bind(sync.0)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = locked {
        return Ok(RunningSync {
            source: SourceId::parse(row.try_get(0)?).map_err(rows::corrupt)?,
            versions_deferred: row.try_get::<i64, _>(1)? != 0,
        });
    }
    let status = sqlx::query("SELECT status FROM sync_runs WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.as_str())
        .bind(sync.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("sync {sync}")))?;
    let status: String = status.try_get(0)?;
    Err(StoreError::Conflict(format!(
        "sync {sync} is {status}; it was superseded or already finished"
    )))
}

#[async_trait]
impl Syncs for SqlStore {
    async fn stage_with(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        batch: &StageBatch,
        versioning: Versioning,
    ) -> Result<(), StoreError> {
        refuse_access_run(&self.pool, tenant, sync).await?;
        versions::write_batch(&self.pool, tenant, sync, batch, versioning).await
    }

    async fn begin_sync(&self, tenant: &TenantId, source: &SourceId) -> Result<SyncId, StoreError> {
        self.begin_run(tenant, source, SyncScope::Directory).await
    }

    async fn publish_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        location: Option<&DirectoryLocation>,
        stats: &SyncStats,
    ) -> Result<SnapshotCounts, StoreError> {
        let mut tx = super::pool::begin_write(&self.pool).await?;
        let run = lock_running(&mut tx, tenant, sync).await?;
        if run_scope(&mut tx, tenant, sync).await? == SyncScope::Access {
            self.publish_access(&mut tx, tenant, &run.source, sync, location, stats)
                .await?;
            tx.commit().await?;
            return Ok(SnapshotCounts::default());
        }
        let counts = versions::publish(&mut tx, tenant, &run, sync).await?;
        let stats_json = serde_json::to_string(stats).map_err(rows::corrupt)?;
        sqlx::query(
            "UPDATE sync_runs SET status = 'complete', finished_at = $1, users_count = $2, groups_count = $3, \
             memberships_count = $4, stats = $5, identity_store_id = $6, region = $7 WHERE tenant_id = $8 AND id = $9",
        )
        .bind(self.clock.now().to_string())
        .bind(i64::try_from(counts.users).map_err(rows::corrupt)?)
        .bind(i64::try_from(counts.groups).map_err(rows::corrupt)?)
        .bind(i64::try_from(counts.memberships).map_err(rows::corrupt)?)
        .bind(stats_json)
        .bind(location.map(|l| l.identity_store_id.as_str().to_owned()))
        .bind(location.map(|l| l.region.as_str().to_owned()))
        .bind(tenant.as_str())
        .bind(sync.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(counts)
    }

    async fn fail_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        failure: &SyncFailure,
        stats: &SyncStats,
    ) -> Result<(), StoreError> {
        let mut tx = super::pool::begin_write(&self.pool).await?;
        let run = lock_running(&mut tx, tenant, sync).await?;
        let scope = run_scope(&mut tx, tenant, sync).await?;
        undo_run(&mut tx, tenant, &run.source, sync, scope).await?;
        sqlx::query(
            "UPDATE sync_runs SET status = 'failed', finished_at = $1, stats = $2, error_code = $3, \
             error_cause = $4, error_fix = $5 WHERE tenant_id = $6 AND id = $7",
        )
        .bind(self.clock.now().to_string())
        .bind(serde_json::to_string(stats).map_err(rows::corrupt)?)
        .bind(&failure.code)
        .bind(&failure.cause)
        .bind(&failure.fix)
        .bind(tenant.as_str())
        .bind(sync.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_sync(&self, tenant: &TenantId, sync: SyncId) -> Result<SyncRun, StoreError> {
        let sql = format!("SELECT {SYNC_COLUMNS} FROM sync_runs WHERE tenant_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(sync.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(rows::sync_run)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("sync {sync}")))
    }

    async fn list_syncs(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        limit: u32,
    ) -> Result<Vec<SyncRun>, StoreError> {
        let sql = format!(
            "SELECT {SYNC_COLUMNS} FROM sync_runs WHERE tenant_id = $1 AND source_id = $2 ORDER BY id DESC LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(source.as_str())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::sync_run).collect()
    }

    /// The newest complete *directory* run (an access run is not a new
    /// directory snapshot; see `Access::latest_access_snapshot`).
    async fn latest_snapshot(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<Option<Snapshot>, StoreError> {
        self.latest_of_scope(tenant, source, SyncScope::Directory)
            .await
    }

    async fn clean_staging(&self, tenant: &TenantId, source: &SourceId) -> Result<(), StoreError> {
        let mut tx = super::pool::begin_write(&self.pool).await?;
        versions::clean_staging(&mut tx, tenant, source).await?;
        access::write::clean_staging(&mut tx, tenant, source).await?;
        tx.commit().await?;
        super::close::release_free_pages(&self.pool, self.backend).await
    }
}

// --- Scopes: a run reads the directory or access (the SSO source). ---

/// The scope of a run (locked by the caller, or any run of the tenant).
async fn run_scope(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant: &TenantId,
    sync: SyncId,
) -> Result<SyncScope, StoreError> {
    let row = sqlx::query("SELECT scope FROM sync_runs WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.as_str())
        .bind(sync.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("sync {sync}")))?;
    let scope: String = row.try_get(0)?;
    SyncScope::parse(&scope).ok_or_else(|| rows::corrupt(format!("sync scope {scope}")))
}

/// Directory rows may not be staged into an access run (a run's scope
/// never changes, so no lock is needed to read it).
async fn refuse_access_run(
    pool: &sqlx::AnyPool,
    tenant: &TenantId,
    sync: SyncId,
) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT scope FROM sync_runs WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.as_str())
        .bind(sync.0)
        .fetch_optional(pool)
        .await?;
    match row {
        Some(r) if r.try_get::<String, _>(0)? == SyncScope::Access.as_str() => Err(
            StoreError::Conflict(format!("sync {sync} reads access, not the directory")),
        ),
        // An unknown run: `write_batch` says NotFound.
        _ => Ok(()),
    }
}

/// Undoes what a run of `scope` wrote (it will never publish).
async fn undo_run(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant: &TenantId,
    source: &SourceId,
    sync: SyncId,
    scope: SyncScope,
) -> Result<(), StoreError> {
    match scope {
        SyncScope::Directory => versions::undo(tx, tenant, source, sync).await,
        SyncScope::Access => access::write::undo(tx, tenant, sync).await,
    }
}

impl SqlStore {
    /// Starts a run of `scope`. Runs of the source left running (any
    /// scope) are marked failed (`interrupted`) and undone first: one source
    /// runs one sync at a time.
    pub(super) async fn begin_run(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        scope: SyncScope,
    ) -> Result<SyncId, StoreError> {
        let mut tx = super::pool::begin_write(&self.pool).await?;
        let exists = sqlx::query("SELECT 1 FROM sources WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str())
            .bind(source.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("source {source}")));
        }
        let abandoned = sqlx::query(
            "SELECT id, scope FROM sync_runs WHERE tenant_id = $1 AND source_id = $2 AND status = 'running'",
        )
        .bind(tenant.as_str())
        .bind(source.as_str())
        .fetch_all(&mut *tx)
        .await?;
        let now = self.clock.now().to_string();
        for run in abandoned {
            let id: i64 = run.try_get(0)?;
            let scope_text: String = run.try_get(1)?;
            let run_scope = SyncScope::parse(&scope_text)
                .ok_or_else(|| rows::corrupt(format!("sync scope {scope_text}")))?;
            let ended = sqlx::query(
                "UPDATE sync_runs SET status = 'failed', finished_at = $1, error_code = 'interrupted', \
                 error_cause = $2, error_fix = $3 WHERE tenant_id = $4 AND id = $5 AND status = 'running'",
            )
            .bind(&now)
            .bind(INTERRUPTED_CAUSE)
            .bind(INTERRUPTED_FIX)
            .bind(tenant.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // After the update, which waited for any write the run had in flight
            // (and found it running still: it may have just published).
            if ended == 1 {
                undo_run(&mut tx, tenant, source, SyncId(id), run_scope).await?;
            }
        }
        versions::clean_staging(&mut tx, tenant, source).await?;
        access::write::clean_staging(&mut tx, tenant, source).await?;
        let row = sqlx::query(
            "INSERT INTO sync_runs (tenant_id, source_id, status, started_at, directory_format, scope) \
             VALUES ($1, $2, 'running', $3, $4, $5) RETURNING id",
        )
        .bind(tenant.as_str())
        .bind(source.as_str())
        .bind(&now)
        .bind(i64::from(roster_core::directory::DIRECTORY_FORMAT))
        .bind(scope.as_str())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(SyncId(row.try_get(0)?))
    }

    /// The newest complete run of `scope`.
    pub(super) async fn latest_of_scope(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        scope: SyncScope,
    ) -> Result<Option<Snapshot>, StoreError> {
        let row = sqlx::query(
            "SELECT MAX(id) FROM sync_runs WHERE tenant_id = $1 AND source_id = $2 AND status = 'complete' \
             AND scope = $3",
        )
        .bind(tenant.as_str())
        .bind(source.as_str())
        .bind(scope.as_str())
        .fetch_one(&self.pool)
        .await?;
        let id: Option<i64> = row.try_get(0)?;
        Ok(id.map(|id| Snapshot {
            source_id: source.clone(),
            sync_id: SyncId(id),
        }))
    }

    /// Publishes a locked access run: its versions, then the run complete
    /// (no directory counts: an access run reads none).
    async fn publish_access(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        tenant: &TenantId,
        source: &SourceId,
        sync: SyncId,
        location: Option<&DirectoryLocation>,
        stats: &SyncStats,
    ) -> Result<(), StoreError> {
        access::write::publish(tx, tenant, source, sync).await?;
        sqlx::query(
            "UPDATE sync_runs SET status = 'complete', finished_at = $1, stats = $2, \
             identity_store_id = $3, region = $4 WHERE tenant_id = $5 AND id = $6",
        )
        .bind(self.clock.now().to_string())
        .bind(serde_json::to_string(stats).map_err(rows::corrupt)?)
        .bind(location.map(|l| l.identity_store_id.as_str().to_owned()))
        .bind(location.map(|l| l.region.as_str().to_owned()))
        .bind(tenant.as_str())
        .bind(sync.0)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
