//! The sync job queue and the scheduler's view of sources. Workers are
//! platform components: claiming is across tenants; everything else is scoped.

use std::time::Duration;

use async_trait::async_trait;
use roster_core::{JobId, SourceId, SyncId, TenantId, WorkerId};

use crate::error::StoreError;
use crate::records::{Job, JobOutcome};

#[async_trait]
pub trait Jobs: Send + Sync {
    /// Queues a sync of `source`; if one is already queued or running, returns that job.
    async fn enqueue_sync(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        reason: &str,
    ) -> Result<Job, StoreError>;
    /// Takes the oldest ready job, or one whose lease expired (its worker died), for `worker`.
    async fn claim_job(
        &self,
        worker: &WorkerId,
        lease: Duration,
    ) -> Result<Option<Job>, StoreError>;
    /// Extends the lease; `false` when the job is no longer this worker's.
    async fn renew_lease(
        &self,
        job: JobId,
        worker: &WorkerId,
        lease: Duration,
    ) -> Result<bool, StoreError>;
    async fn finish_job(
        &self,
        job: JobId,
        worker: &WorkerId,
        outcome: &JobOutcome,
    ) -> Result<(), StoreError>;
    /// IDs of the jobs `worker` holds right now.
    async fn running_jobs_of(&self, worker: &WorkerId) -> Result<Vec<JobId>, StoreError>;
    /// Gives a job back to the queue (graceful shutdown).
    async fn release_job(&self, job: JobId, worker: &WorkerId) -> Result<(), StoreError>;
    /// Enqueues a sync for every connected source whose next sync is due; returns how many.
    async fn schedule_due(&self) -> Result<u32, StoreError>;
    async fn list_jobs(&self, tenant: &TenantId, limit: u32) -> Result<Vec<Job>, StoreError>;
    /// Jobs waiting across all tenants (a platform metric).
    async fn queue_depth(&self) -> Result<u64, StoreError>;
    /// The job that ran `sync`, if any (for tests and the console).
    async fn job_for_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
    ) -> Result<Option<Job>, StoreError>;
}
