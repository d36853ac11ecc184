//! The job queue in SQL. Claims use `FOR UPDATE SKIP LOCKED` on `PostgreSQL` so
//! many workers never take the same job; `SQLite` serialises writers anyway.

use async_trait::async_trait;
use std::time::Duration;

use roster_core::{JobId, SourceId, SyncId, TenantId, WorkerId};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::SqlStore;
use super::rows::{self, corrupt};
use crate::error::StoreError;
use crate::ports::Jobs;
use crate::records::{Backend, Job, JobOutcome, JobStatus};

const JOB_COLUMNS: &str = "id, tenant_id, source_id, status, reason, attempts, run_after, created_at, started_at, finished_at, lease_owner, sync_id, error_code";

/// A job is given up after this many claims (workers died or it kept failing to start).
const MAX_ATTEMPTS: i64 = 5;

fn job(row: &AnyRow) -> Result<Job, StoreError> {
    let status: String = row.try_get("status")?;
    Ok(Job {
        id: JobId(row.try_get("id")?),
        tenant_id: TenantId::parse(row.try_get("tenant_id")?).map_err(corrupt)?,
        source_id: SourceId::parse(row.try_get("source_id")?).map_err(corrupt)?,
        status: JobStatus::parse(&status).ok_or_else(|| corrupt(format!("job status {status}")))?,
        reason: row.try_get("reason")?,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts")?).map_err(corrupt)?,
        run_after: rows::timestamp(row, "run_after")?,
        created_at: rows::timestamp(row, "created_at")?,
        started_at: rows::optional_timestamp(row, "started_at")?,
        finished_at: rows::optional_timestamp(row, "finished_at")?,
        lease_owner: row
            .try_get::<Option<String>, _>("lease_owner")?
            .as_deref()
            .map(WorkerId::parse)
            .transpose()
            .map_err(corrupt)?,
        sync_id: row.try_get::<Option<i64>, _>("sync_id")?.map(SyncId),
        error_code: row.try_get("error_code")?,
    })
}

async fn live_job(
    pool: &AnyPool,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<Option<Job>, StoreError> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND source_id = $2 AND status IN ('queued', 'running')"
    );
    let row = sqlx::query(&sql)
        .bind(tenant.as_str())
        .bind(source.as_str())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(job).transpose()
}

#[async_trait]
impl Jobs for SqlStore {
    async fn enqueue_sync(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        reason: &str,
    ) -> Result<Job, StoreError> {
        let exists = sqlx::query("SELECT 1 FROM sources WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str())
            .bind(source.as_str())
            .fetch_optional(&self.pool)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("source {source}")));
        }
        let now = self.clock.now().to_string();
        sqlx::query(
            "INSERT INTO jobs (tenant_id, source_id, status, reason, run_after, created_at) \
             VALUES ($1, $2, 'queued', $3, $4, $4) ON CONFLICT DO NOTHING",
        )
        .bind(tenant.as_str())
        .bind(source.as_str())
        .bind(reason)
        .bind(&now)
        .execute(&self.pool)
        .await?;
        live_job(&self.pool, tenant, source).await?.ok_or_else(|| {
            StoreError::Conflict(format!(
                "the job for source {source} finished while it was queued"
            ))
        })
    }

    async fn claim_job(
        &self,
        worker: &WorkerId,
        lease: Duration,
    ) -> Result<Option<Job>, StoreError> {
        let lock = if self.backend == Backend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let now = self.clock.now().to_string();
        let mut tx = super::pool::begin_write(&self.pool).await?;
        // Jobs whose workers died too often are given up, not retried forever.
        sqlx::query(
            "UPDATE jobs SET status = 'failed', finished_at = $1, error_code = 'worker-lost', lease_owner = NULL \
             WHERE status = 'running' AND lease_expires_at < $1 AND attempts >= $2",
        )
        .bind(&now)
        .bind(MAX_ATTEMPTS)
        .execute(&mut *tx)
        .await?;
        let sql = format!(
            "SELECT id FROM jobs WHERE (status = 'queued' AND run_after <= $1) OR (status = 'running' AND lease_expires_at < $1) \
             ORDER BY run_after, id LIMIT 1{lock}"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(&now)
            .fetch_optional(&mut *tx)
            .await?
        else {
            tx.commit().await?;
            return Ok(None);
        };
        let id: i64 = row.try_get(0)?;
        let sql = format!(
            "UPDATE jobs SET status = 'running', lease_owner = $1, lease_expires_at = $2, attempts = attempts + 1, \
             started_at = COALESCE(started_at, $3) WHERE id = $4 RETURNING {JOB_COLUMNS}"
        );
        let row = sqlx::query(&sql)
            .bind(worker.as_str())
            .bind(self.clock.after(lease).to_string())
            .bind(&now)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(job(&row)?))
    }

    async fn renew_lease(
        &self,
        id: JobId,
        worker: &WorkerId,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE jobs SET lease_expires_at = $1 WHERE id = $2 AND lease_owner = $3 AND status = 'running'",
        )
        .bind(self.clock.after(lease).to_string())
        .bind(id.0)
        .bind(worker.as_str())
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn finish_job(
        &self,
        id: JobId,
        worker: &WorkerId,
        outcome: &JobOutcome,
    ) -> Result<(), StoreError> {
        let (status, sync, code) = match outcome {
            JobOutcome::Done(sync) => ("done", Some(sync.0), None),
            JobOutcome::Failed { sync, code } => ("failed", sync.map(|s| s.0), Some(code.as_str())),
        };
        sqlx::query(
            "UPDATE jobs SET status = $1, finished_at = $2, sync_id = $3, error_code = $4, lease_owner = NULL, \
             lease_expires_at = NULL WHERE id = $5 AND lease_owner = $6 AND status = 'running'",
        )
        .bind(status)
        .bind(self.clock.now().to_string())
        .bind(sync)
        .bind(code)
        .bind(id.0)
        .bind(worker.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn running_jobs_of(&self, worker: &WorkerId) -> Result<Vec<JobId>, StoreError> {
        let rows = sqlx::query("SELECT id FROM jobs WHERE lease_owner = $1 AND status = 'running'")
            .bind(worker.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(JobId(r.try_get::<i64, _>(0)?)))
            .collect()
    }

    async fn release_job(&self, id: JobId, worker: &WorkerId) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - 1 \
             WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
        )
        .bind(id.0)
        .bind(worker.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn schedule_due(&self) -> Result<u32, StoreError> {
        let at = self.clock.now();
        let now = at.to_string();
        let due = sqlx::query(
            "SELECT tenant_id, id, sync_interval_s FROM sources WHERE status = 'connected' \
             AND (next_sync_at IS NULL OR next_sync_at <= $1)",
        )
        .bind(&now)
        .fetch_all(&self.pool)
        .await?;
        let mut queued = 0;
        for row in &due {
            let tenant: String = row.try_get(0)?;
            let source: String = row.try_get(1)?;
            let interval: i64 = row.try_get(2)?;
            let mut tx = super::pool::begin_write(&self.pool).await?;
            let r = sqlx::query(
                "INSERT INTO jobs (tenant_id, source_id, status, reason, run_after, created_at) \
                 VALUES ($1, $2, 'queued', 'schedule', $3, $3) ON CONFLICT DO NOTHING",
            )
            .bind(&tenant)
            .bind(&source)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            queued += u32::from(r.rows_affected() == 1);
            let next = at.plus(Duration::from_secs(
                u64::try_from(interval).unwrap_or(86_400),
            ));
            sqlx::query("UPDATE sources SET next_sync_at = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(next.to_string())
                .bind(&tenant)
                .bind(&source)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(queued)
    }

    async fn list_jobs(&self, tenant: &TenantId, limit: u32) -> Result<Vec<Job>, StoreError> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(job).collect()
    }

    async fn queue_depth(&self) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM jobs WHERE status = 'queued'")
            .fetch_one(&self.pool)
            .await?;
        rows::single_count(&row)
    }

    async fn job_for_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
    ) -> Result<Option<Job>, StoreError> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE tenant_id = $1 AND sync_id = $2");
        let row = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(sync.0)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job).transpose()
    }
}
