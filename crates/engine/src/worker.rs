//! The sync worker: claims jobs with a lease, renews it while syncing, and
//! finishes or releases each job. Many workers may run against `PostgreSQL`;
//! `roster serve` runs one in-process. It also enqueues scheduled syncs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use roster_aws::Platform;
use roster_core::{JobId, WorkerId};
use roster_store::{Job, JobOutcome, Store};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::access_sync::AccessSyncOptions;
use crate::access_sync_source::{ScopedOptions, sync_access_source};
use crate::error::EngineError;
use crate::metrics::Metrics;
use crate::progress::SyncProgress;
use crate::quota_share::{ShareTiming, SharedQuotas};
use crate::source_sync::sync_source;
use crate::sync::SyncOptions;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Unique per process; recorded as the lease owner.
    pub id: WorkerId,
    /// Jobs run at once by this worker.
    pub concurrency: usize,
    pub lease: Duration,
    pub poll: Duration,
    /// How long a shutdown waits for running syncs before releasing their jobs.
    pub grace: Duration,
    /// `sync.tps` is the default rate per API, for sources without their own.
    pub sync: SyncOptions,
    /// Access syncs of sources that collect access (after their directory).
    pub access: AccessSyncOptions,
    pub shares: ShareTiming,
}

impl WorkerConfig {
    pub fn new(id: WorkerId) -> Self {
        Self {
            id,
            concurrency: 4,
            lease: Duration::from_mins(1),
            poll: Duration::from_secs(1),
            grace: Duration::from_secs(30),
            sync: SyncOptions::default(),
            access: AccessSyncOptions::default(),
            shares: ShareTiming::default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Worker {
    store: Arc<dyn Store>,
    platform: Platform,
    config: WorkerConfig,
    quotas: SharedQuotas,
    metrics: Arc<Metrics>,
}

impl Worker {
    pub fn new(store: Arc<dyn Store>, platform: Platform, config: WorkerConfig) -> Self {
        let quotas = SharedQuotas::new(store.clone(), config.id.clone(), config.shares);
        Self {
            store,
            platform,
            config,
            quotas,
            metrics: Arc::new(Metrics::default()),
        }
    }

    /// Reports each finished job to `metrics` (shared with `/metrics`).
    #[must_use]
    pub fn with_metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Runs until `shutdown` turns true; then stops claiming, lets running
    /// syncs finish within the grace period and releases the rest.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) -> Result<(), EngineError> {
        let this = Arc::new(self);
        let mut running: JoinSet<JobId> = JoinSet::new();
        tracing::info!(worker = %this.config.id, "worker started");
        while !*shutdown.borrow() {
            if let Err(e) = this.store.schedule_due().await {
                tracing::warn!(error = %e, "scheduling failed");
            }
            while running.len() < this.config.concurrency.max(1) {
                match this
                    .store
                    .claim_job(&this.config.id, this.config.lease)
                    .await
                {
                    Ok(Some(job)) => {
                        let worker = this.clone();
                        running.spawn(async move { worker.run_job(job).await });
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming a job failed");
                        break;
                    }
                }
            }
            tokio::select! {
                _ = shutdown.changed() => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                () = tokio::time::sleep(this.config.poll) => {}
            }
        }
        this.drain(running).await;
        tracing::info!(worker = %this.config.id, "worker stopped");
        Ok(())
    }

    async fn drain(&self, mut running: JoinSet<JobId>) {
        let deadline = Instant::now() + self.config.grace;
        while !running.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if tokio::time::timeout(left, running.join_next())
                .await
                .is_err()
            {
                break;
            }
        }
        running.abort_all();
        // Jobs still ours after the grace period go back to the queue.
        if let Ok(jobs) = self.store.running_jobs_of(&self.config.id).await {
            for job in jobs {
                let _ = self.store.release_job(job, &self.config.id).await;
            }
        }
    }

    async fn run_job(&self, job: Job) -> JobId {
        let (store, id, owner, lease) = (
            self.store.clone(),
            job.id,
            self.config.id.clone(),
            self.config.lease,
        );
        let renewer = tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 3).await;
                match store.renew_lease(id, &owner, lease).await {
                    Ok(true) => {}
                    Ok(false) => break tracing::warn!(job = id.0, "lease lost to another worker"),
                    Err(e) => tracing::warn!(job = id.0, error = %e, "lease renewal failed"),
                }
            }
        });
        let started = Instant::now();
        let progress = Arc::new(SyncProgress::default());
        let span = tracing::info_span!("job", job_id = job.id.0, source_id = %job.source_id, tenant = %job.tenant_id);
        let result = self.sync(&job, progress.clone()).instrument(span).await;
        renewer.abort();
        let outcome = match &result {
            Ok(sync) => JobOutcome::Done(*sync),
            Err(e) => {
                let sync = self
                    .store
                    .list_syncs(&job.tenant_id, &job.source_id, 1)
                    .await
                    .ok()
                    .and_then(|s| s.first().map(|r| r.id));
                let code = match e {
                    EngineError::Diagnosed(d) => d.code.as_str().to_owned(),
                    _ => crate::sync::INTERNAL_FAILURE_CODE.to_owned(),
                };
                JobOutcome::Failed { sync, code }
            }
        };
        let failure = match &outcome {
            JobOutcome::Failed { code, .. } => Some(code.as_str()),
            JobOutcome::Done(_) => None,
        };
        self.metrics
            .observe_job(&progress, failure, started.elapsed());
        tracing::info!(job_id = job.id.0, source_id = %job.source_id, ok = result.is_ok(), secs = started.elapsed().as_secs_f64(), "job finished");
        if let Err(e) = self
            .store
            .finish_job(job.id, &self.config.id, &outcome)
            .await
        {
            tracing::warn!(job = job.id.0, error = %e, "recording the job's outcome failed");
        }
        job.id
    }

    async fn sync(
        &self,
        job: &Job,
        progress: Arc<SyncProgress>,
    ) -> Result<roster_core::SyncId, EngineError> {
        let source = self
            .store
            .get_source(&job.tenant_id, &job.source_id)
            .await?;
        let mut options = self.config.sync.for_source(&source);
        // Held for the whole sync: other processes reading this instance slow down.
        let lease = match &source.location {
            Some(loc) => {
                let key = format!("{}@{}", loc.identity_store_id, loc.region);
                let lease = self.quotas.join(&key, options.quota()).await;
                options.limiters = Some(lease.limiters());
                Some(lease)
            }
            None => None,
        };
        let outcome = sync_source(
            self.store.clone(),
            &self.platform,
            &job.tenant_id,
            &job.source_id,
            &options,
            progress,
        )
        .await?;
        drop(lease);
        if !source.collects_access {
            return Ok(outcome.sync_id);
        }
        // Then access, through the directory just published; its `sso:`
        // calls share the instance's collective quota with other processes.
        let source = self
            .store
            .get_source(&job.tenant_id, &job.source_id)
            .await?;
        let mut access = self.config.access.for_source(&source);
        let _lease = match source
            .location
            .as_ref()
            .and_then(|l| l.instance_arn.clone())
        {
            Some(instance) => {
                let quota = roster_core::quota::QuotaUse {
                    tps: access.tps,
                    model: roster_core::quota::QuotaModel::Collective,
                    budget: access.budget,
                };
                let lease = self.quotas.join(&format!("{instance}/sso"), quota).await;
                access.limiters = Some(lease.limiters());
                Some(lease)
            }
            None => None,
        };
        let scoped = ScopedOptions {
            directory: options,
            access,
        };
        let access = sync_access_source(
            self.store.clone(),
            &self.platform,
            &job.tenant_id,
            &job.source_id,
            &scoped,
            Arc::new(crate::access_sync_progress::AccessProgress::default()),
        )
        .await?;
        Ok(access.sync_id)
    }
}
