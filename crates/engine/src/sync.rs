//! A sync (one full read of a directory): the three list APIs run
//! concurrently within roster's budget of the instance's quota (one bucket
//! for all three, or one each, as the quota model says), results stream into the store, and the
//! snapshot is published atomically — or the sync fails with a diagnosis and
//! the previous snapshot stays current.

use std::sync::Arc;
use std::time::Instant;

use roster_aws::DirectoryClient;
use roster_core::quota::{CallPlan, DEFAULT_BUDGET, DEFAULT_TPS, QuotaModel, QuotaUse};
use roster_core::{Diagnosis, SnapshotCounts, SourceId, SyncId, SyncStats, TenantId};
use roster_store::{DirectoryLocation, Store, SyncFailure};
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::error::EngineError;
use crate::limiter::ApiLimiters;
use crate::progress::{Api, SyncProgress};
use crate::readers::Readers;
use crate::retry::RetryPolicy;
use crate::source_sync::AwsEndpoint;
use crate::writer::write_batches;

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The instance's quota in requests per second, per bucket (AWS's default is 20).
    pub tps: f64,
    /// How the quota is counted: one bucket for the three list APIs, or one each.
    pub quota_model: QuotaModel,
    /// The fraction of the quota this sync uses, in (0, 1]: each bucket's
    /// limiter runs at `tps × budget`.
    pub budget: f64,
    /// Concurrent `ListGroupMemberships` readers.
    pub membership_workers: usize,
    /// Rows per store write.
    pub batch_rows: usize,
    pub retry: RetryPolicy,
    /// Limiters shared with other syncs of the same instance; `None`: this sync's own.
    pub limiters: Option<Arc<ApiLimiters>>,
    /// Where roster's AWS calls go, for diagnoses (read once at startup).
    pub endpoint: AwsEndpoint,
}

impl SyncOptions {
    /// These options with `source`'s own rate (when AWS raised its quota),
    /// quota model and budget.
    #[must_use]
    pub fn for_source(&self, source: &roster_store::Source) -> Self {
        let mut options = self.clone();
        if let Some(tps) = source.api_tps {
            options.tps = f64::from(tps);
        }
        options.quota_model = source.quota_model;
        options.budget = source.quota_budget;
        options
    }

    /// The quota this sync reads within.
    pub fn quota(&self) -> QuotaUse {
        QuotaUse {
            tps: self.tps,
            model: self.quota_model,
            budget: self.budget,
        }
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            tps: DEFAULT_TPS,
            quota_model: QuotaModel::default(),
            budget: DEFAULT_BUDGET,
            membership_workers: 32,
            batch_rows: 2_000,
            retry: RetryPolicy::default(),
            limiters: None,
            endpoint: AwsEndpoint::default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct SyncOutcome {
    pub sync_id: SyncId,
    pub counts: SnapshotCounts,
    pub stats: SyncStats,
}

/// The sync's figures; the floor is that of the calls it needed (its pages),
/// at its budget of the quota.
fn stats_of(progress: &SyncProgress, started: Instant, quota: &QuotaUse) -> SyncStats {
    let plan = CallPlan {
        list_users: progress.pages(Api::ListUsers),
        list_groups: progress.pages(Api::ListGroups),
        list_group_memberships: progress.pages(Api::ListGroupMemberships),
    };
    let floor_s = plan.floor_seconds(quota);
    SyncStats {
        calls: Api::ALL
            .iter()
            .map(|a| (a.operation().to_owned(), progress.calls(*a)))
            .collect(),
        retries: progress.retries(),
        throttled: progress.throttled(),
        wall_s: started.elapsed().as_secs_f64(),
        publish_s: 0.0,
        floor_s,
        tps: quota.tps,
        quota_model: Some(quota.model),
        budget: Some(quota.budget),
        vanished: progress.vanished(),
        access_plan: None,
    }
}

/// The failure recorded for a sync that roster itself could not finish
/// (a store or task error): not a diagnosis of the customer's AWS setup.
pub(crate) fn internal_failure() -> SyncFailure {
    SyncFailure {
        code: INTERNAL_FAILURE_CODE.to_owned(),
        cause: "the sync stopped on an error inside roster (its database or a task), not on AWS"
            .to_owned(),
        fix: "sync again; if it fails the same way, roster's log has the cause".to_owned(),
    }
}

/// The code of [`internal_failure`], also the job outcome's code.
pub const INTERNAL_FAILURE_CODE: &str = "internal-error";

/// `error`, unless recording the failed sync failed too: then that is logged
/// and returned with it, so the caller knows the run may still look running.
pub(crate) fn not_recorded(
    sync: SyncId,
    error: EngineError,
    recorded: Result<(), roster_store::StoreError>,
) -> EngineError {
    match recorded {
        // Recorded, or the run had already ended (another sync superseded
        // it): it keeps the failure recorded then, and `error` says what
        // happened.
        Ok(()) | Err(roster_store::StoreError::Conflict(_)) => error,
        Err(e) => {
            tracing::error!(%sync, error = %e, "recording the failed sync failed");
            EngineError::Internal(format!(
                "{error}; recording sync {sync} as failed also failed: {e}"
            ))
        }
    }
}

/// Records the failed run `sync` (`what` names it in the log: "sync",
/// "access sync") and returns the error for the caller. A diagnosis is
/// recorded as it is; roster's own failure (the store, a task), not AWS's, is
/// recorded as such, with the cause in the log rather than in the history.
pub(crate) async fn record_failed_run(
    store: &dyn Store,
    tenant: &TenantId,
    sync: SyncId,
    what: &str,
    error: EngineError,
    stats: &SyncStats,
) -> EngineError {
    match error {
        EngineError::Diagnosed(d) => {
            tracing::warn!(%sync, code = %d.code, "{what} failed");
            let recorded = store
                .fail_sync(tenant, sync, &SyncFailure::from(&d), stats)
                .await;
            not_recorded(sync, EngineError::Diagnosed(d), recorded)
        }
        other => {
            tracing::error!(%sync, error = %other, "{what} failed inside roster");
            let recorded = store
                .fail_sync(tenant, sync, &internal_failure(), stats)
                .await;
            not_recorded(sync, other, recorded)
        }
    }
}

/// Reads the whole directory into the store as a new snapshot of `source`.
pub async fn run_sync(
    store: Arc<dyn Store>,
    tenant: &TenantId,
    source: &SourceId,
    location: &DirectoryLocation,
    client: DirectoryClient,
    options: &SyncOptions,
    progress: Arc<SyncProgress>,
) -> Result<SyncOutcome, EngineError> {
    let started = Instant::now();
    let sync = store.begin_sync(tenant, source).await?;
    tracing::info!(%sync, %source, store_id = %location.identity_store_id, "sync started");
    let result = read_directory(
        store.clone(),
        tenant,
        sync,
        client,
        options,
        progress.clone(),
    )
    .instrument(tracing::info_span!("sync", sync_id = %sync, source_id = %source))
    .await;
    let stats = stats_of(&progress, started, &options.quota());
    let failure = match result {
        Ok(()) if progress.items(Api::ListUsers) == 0 && progress.items(Api::ListGroups) == 0 => {
            let account = location.account_id.as_ref().map_or("?", |a| a.as_str());
            Some(EngineError::Diagnosed(Diagnosis::empty_directory(
                location.identity_store_id.as_str(),
                account,
            )))
        }
        Ok(()) => None,
        Err(e) => Some(e),
    };
    if let Some(e) = failure {
        return Err(record_failed_run(store.as_ref(), tenant, sync, "sync", e, &stats).await);
    }
    let publishing = Instant::now();
    let counts = store
        .publish_sync(tenant, sync, Some(location), &stats)
        .await?;
    let stats = SyncStats {
        wall_s: started.elapsed().as_secs_f64(),
        publish_s: publishing.elapsed().as_secs_f64(),
        ..stats
    };
    // Housekeeping after the snapshot is current; not part of the sync's time.
    if let Err(e) = store.clean_staging(tenant, source).await {
        tracing::warn!(%sync, error = %e, "removing staged rows failed; the next sync retries");
    }
    // Access reviews: revoked memberships this snapshot shows gone.
    let published = roster_store::Snapshot {
        source_id: source.clone(),
        sync_id: sync,
    };
    if let Err(e) = crate::review::verify_after_publish(&*store, tenant, &published).await {
        tracing::warn!(%sync, error = %e, "verifying revoked access failed; the next sync retries");
    }
    tracing::info!(%sync, users = counts.users, groups = counts.groups, memberships = counts.memberships, "sync published");
    Ok(SyncOutcome {
        sync_id: sync,
        counts,
        stats,
    })
}

async fn read_directory(
    store: Arc<dyn Store>,
    tenant: &TenantId,
    sync: SyncId,
    client: DirectoryClient,
    options: &SyncOptions,
    progress: Arc<SyncProgress>,
) -> Result<(), EngineError> {
    let (tx, rx) = mpsc::channel(64);
    let writer = tokio::spawn(write_batches(
        store,
        tenant.clone(),
        sync,
        rx,
        options.batch_rows,
    ));
    let readers = Arc::new(Readers {
        client,
        limiters: options
            .limiters
            .clone()
            .unwrap_or_else(|| Arc::new(ApiLimiters::for_quota(&options.quota()))),
        policy: options.retry,
        progress,
        out: tx,
    });
    let (group_tx, group_rx) = mpsc::channel(10_000);
    let group_rx = Arc::new(Mutex::new(group_rx));
    let mut tasks = JoinSet::new();
    tasks.spawn(readers.clone().users());
    tasks.spawn(readers.clone().groups(group_tx));
    for _ in 0..options.membership_workers.max(1) {
        tasks.spawn(readers.clone().memberships(group_rx.clone()));
    }
    drop(readers);
    let mut first_error = None;
    let reading = Instant::now();
    while let Some(joined) = tasks.join_next().await {
        let error = match joined {
            Ok(Ok(())) => {
                tracing::debug!(%sync, after_s = reading.elapsed().as_secs_f64(), left = tasks.len(), "reader done");
                continue;
            }
            Err(e) if e.is_cancelled() => continue,
            Ok(Err(d)) => EngineError::Diagnosed(d),
            Err(e) => EngineError::Internal(format!("reader task failed: {e}")),
        };
        if first_error.is_none() {
            first_error = Some(error);
            tasks.abort_all();
        }
    }
    let read_s = reading.elapsed().as_secs_f64();
    let written = writer
        .await
        .map_err(|e| EngineError::Internal(format!("writer task failed: {e}")))?;
    tracing::debug!(%sync, read_s, drained_after_s = reading.elapsed().as_secs_f64() - read_s, "store writer drained");
    // A writer's error comes first: the readers then only saw the channel
    // close (`StoreWriterStopped`), which does not say why — for example
    // that another sync of the source superseded this one.
    written?;
    first_error.map_or(Ok(()), Err)
}
