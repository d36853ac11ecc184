//! An access sync (the SSO source): who can reach which AWS account with
//! which permission set. Reads every object of the organization's `sso:`
//! side with the call plan that needs the fewest calls for its shape (all
//! `sso:` calls behind one collective limiter at `tps × budget`,
//! `organizations:ListAccounts` behind its own), expands the assignments
//! through the newest directory snapshot of the same source, stages
//! everything in batches and publishes atomically — or fails with a
//! diagnosis and the previous access snapshot stays current.

use std::sync::Arc;
use std::time::Instant;

use roster_aws::{SsoClient, SsoInstance};
use roster_core::quota::{DEFAULT_BUDGET, QuotaModel};
use roster_core::sso::AccessCheckSettings;
use roster_core::sso::plan::SSO_TPS;
use roster_core::{Diagnosis, DiagnosisCode, SourceId, SyncId, SyncStats, TenantId};
use roster_store::{AccessBatch, AccessCounts, DirectoryLocation, Snapshot, Store};
use tracing::Instrument;

use crate::access_sync_expand::expand_through;
use crate::access_sync_plan::{self, ChosenPlan, PlanMode};
use crate::access_sync_progress::{AccessProgress, SsoApi};
use crate::access_sync_read::{CompletedSet, OrgRead, Reader};
use crate::error::EngineError;
use crate::limiter::{ApiLimiters, Lane, RateLimiter};
use crate::progress::Api;
use crate::retry::{RetryPolicy, retry_call};
use crate::sync::record_failed_run;

#[derive(Debug, Clone)]
pub struct AccessSyncOptions {
    /// The collective `sso:` quota in requests per second (AWS documents 20).
    pub tps: f64,
    /// The fraction of it this sync uses, in (0, 1].
    pub budget: f64,
    /// Concurrent readers (calls in flight at most).
    pub workers: usize,
    /// Rows per store write.
    pub batch_rows: usize,
    pub retry: RetryPolicy,
    pub plan: PlanMode,
    /// The `sso:` limiter shared with other syncs of the same instance (a
    /// collective `ApiLimiters`); `None`: this sync's own.
    pub limiters: Option<Arc<ApiLimiters>>,
}

impl Default for AccessSyncOptions {
    fn default() -> Self {
        Self {
            tps: SSO_TPS,
            budget: DEFAULT_BUDGET,
            workers: 16,
            batch_rows: 2_000,
            retry: RetryPolicy::default(),
            plan: PlanMode::Fewest,
            limiters: None,
        }
    }
}

impl AccessSyncOptions {
    /// These options at `source`'s budget (and raised quota, if any).
    #[must_use]
    pub fn for_source(&self, source: &roster_store::Source) -> Self {
        let mut options = self.clone();
        if let Some(tps) = source.api_tps {
            options.tps = f64::from(tps);
        }
        options.budget = source.quota_budget;
        options
    }

    /// roster's rate on the collective `sso:` quota.
    pub fn rate(&self) -> f64 {
        self.tps * self.budget
    }
}

#[derive(Debug, Clone)]
pub struct AccessOutcome {
    pub sync_id: SyncId,
    /// The directory snapshot the effective access was expanded through.
    pub directory_sync: SyncId,
    pub counts: AccessCounts,
    pub stats: SyncStats,
}

/// The sync's figures: calls per operation (`organizations:` ones
/// prefixed), the plan, and the floor of the fewest-calls plan for the
/// organization as read.
fn stats_of(
    progress: &AccessProgress,
    started: Instant,
    options: &AccessSyncOptions,
    plan: Option<roster_core::sync_report::AccessPlanReport>,
) -> SyncStats {
    #[allow(clippy::cast_precision_loss)]
    let floor_s = plan
        .as_ref()
        .map_or(0.0, |p| p.fewest_calls as f64 / options.rate().max(1e-9));
    SyncStats {
        calls: SsoApi::ALL
            .iter()
            .filter(|a| progress.calls(**a) > 0)
            .map(|a| {
                let name = if a.is_sso() {
                    a.operation().to_owned()
                } else {
                    format!("organizations:{}", a.operation())
                };
                (name, progress.calls(*a))
            })
            .collect(),
        retries: progress.retries(),
        throttled: progress.throttled(),
        wall_s: started.elapsed().as_secs_f64(),
        publish_s: 0.0,
        floor_s,
        tps: options.tps,
        quota_model: Some(QuotaModel::Collective),
        budget: Some(options.budget),
        vanished: progress.vanished(),
        access_plan: plan,
    }
}

/// Reads `source`'s organization into a new access snapshot.
#[allow(clippy::too_many_arguments)]
pub async fn run_access_sync(
    store: Arc<dyn Store>,
    tenant: &TenantId,
    source: &SourceId,
    location: &DirectoryLocation,
    client: SsoClient,
    settings: &AccessCheckSettings,
    options: &AccessSyncOptions,
    progress: Arc<AccessProgress>,
) -> Result<AccessOutcome, EngineError> {
    let started = Instant::now();
    let Some(directory) = store.latest_snapshot(tenant, source).await? else {
        return Err(EngineError::Conflict(
            "access is expanded through the directory: sync the directory first (--scope all)"
                .into(),
        ));
    };
    let chosen =
        Arc::new(access_sync_plan::choose(store.as_ref(), tenant, source, options.plan).await?);
    let sync = store.begin_access_sync(tenant, source).await?;
    tracing::info!(%sync, %source, directory = %directory.sync_id, plan = chosen.shape_source, "access sync started");
    let mut plan_report = None;
    let result = read_and_stage(
        store.as_ref(),
        tenant,
        sync,
        &directory,
        location,
        client,
        settings,
        options,
        (&progress, &chosen, &mut plan_report),
    )
    .instrument(tracing::info_span!("access_sync", sync_id = %sync, source_id = %source))
    .await;
    let stats = stats_of(&progress, started, options, plan_report);
    if let Err(e) = result {
        return Err(
            record_failed_run(store.as_ref(), tenant, sync, "access sync", e, &stats).await,
        );
    }
    let publishing = Instant::now();
    store
        .publish_sync(tenant, sync, Some(location), &stats)
        .await?;
    let stats = SyncStats {
        wall_s: started.elapsed().as_secs_f64(),
        publish_s: publishing.elapsed().as_secs_f64(),
        ..stats
    };
    if let Err(e) = store.clean_staging(tenant, source).await {
        tracing::warn!(%sync, error = %e, "removing staged rows failed; the next sync retries");
    }
    let at = Snapshot {
        source_id: source.clone(),
        sync_id: sync,
    };
    // Access reviews: revoked access this snapshot shows gone (H6's hook).
    if let Err(e) = crate::review::verify_after_publish(&*store, tenant, &at).await {
        tracing::warn!(%sync, error = %e, "verifying revoked access failed; the next sync retries");
    }
    let counts = store.access_counts(tenant, &at).await?;
    tracing::info!(%sync, rows = counts.access_rows, assignments = counts.account_assignments, "access sync published");
    Ok(AccessOutcome {
        sync_id: sync,
        directory_sync: directory.sync_id,
        counts,
        stats,
    })
}

/// The collective `sso:` limiter: the shared one, or this sync's own.
fn sso_limiter(options: &AccessSyncOptions) -> Arc<ApiLimiters> {
    options
        .limiters
        .clone()
        .unwrap_or_else(|| Arc::new(ApiLimiters::new(QuotaModel::Collective, options.rate())))
}

#[allow(clippy::too_many_arguments)]
async fn read_and_stage(
    store: &dyn Store,
    tenant: &TenantId,
    sync: SyncId,
    directory: &Snapshot,
    location: &DirectoryLocation,
    client: SsoClient,
    settings: &AccessCheckSettings,
    options: &AccessSyncOptions,
    (progress, chosen, plan_report): (
        &Arc<AccessProgress>,
        &Arc<ChosenPlan>,
        &mut Option<roster_core::sync_report::AccessPlanReport>,
    ),
) -> Result<(), EngineError> {
    let sso = sso_limiter(options);
    let orgs = Arc::new(RateLimiter::new(options.rate()));
    let instance = find_instance(
        &client,
        location,
        collective(&sso),
        &options.retry,
        progress,
    )
    .await?;
    let role_account = client.role_account().to_owned();
    let client = client.with_instance(instance.instance_arn);
    let (completed_tx, completed_rx) = tokio::sync::mpsc::unbounded_channel();
    let reader = Arc::new(Reader::new(
        client,
        (sso, orgs),
        options.retry,
        progress.clone(),
        chosen.clone(),
        settings.privileged_patterns.clone(),
        completed_tx,
    ));
    // Sets read completely are staged and expanded while the rest is read.
    let (read, written) = tokio::join!(
        reader.read(options.workers),
        write_completed(
            store,
            tenant,
            sync,
            directory,
            options.batch_rows,
            progress,
            completed_rx
        ),
    );
    let read = read.map_err(|d| placed(d, location, &role_account))?;
    written?;
    let (observed, _) = access_sync_plan::shape_of(
        read.accounts.len() as u64,
        &read.permission_sets,
        &read.assignments,
        application_counts(&read),
    );
    *plan_report = Some(access_sync_plan::report(chosen, &read.listings, &observed));
    stage_org(store, tenant, sync, &read, options.batch_rows).await?;
    Ok(())
}

/// Stages each completed permission set with its assignments, then its
/// effective access, as sets complete; ends when the read closes the channel.
async fn write_completed(
    store: &dyn Store,
    tenant: &TenantId,
    sync: SyncId,
    directory: &Snapshot,
    batch_rows: usize,
    progress: &AccessProgress,
    mut completed: tokio::sync::mpsc::UnboundedReceiver<CompletedSet>,
) -> Result<(), roster_store::StoreError> {
    while let Some(done) = completed.recv().await {
        store
            .stage_access(
                tenant,
                sync,
                &AccessBatch {
                    permission_sets: vec![done.set],
                    ..AccessBatch::default()
                },
            )
            .await?;
        for chunk in done.assignments.chunks(batch_rows.max(1)) {
            store
                .stage_access(
                    tenant,
                    sync,
                    &AccessBatch {
                        account_assignments: chunk.to_vec(),
                        ..AccessBatch::default()
                    },
                )
                .await?;
        }
        expand_through(
            store,
            tenant,
            directory,
            &done.assignments,
            batch_rows,
            |access| {
                progress.count_rows(access.len());
                let batch = AccessBatch {
                    access,
                    ..AccessBatch::default()
                };
                async move { store.stage_access(tenant, sync, &batch).await }
            },
        )
        .await?;
    }
    Ok(())
}

/// The one bucket of a collective `ApiLimiters`, whatever API is named.
pub(crate) fn collective(limiters: &ApiLimiters) -> &RateLimiter {
    limiters.limiter(Api::ListUsers)
}

/// Finds the source's instance among those the role sees (by ARN, else by
/// Identity Store ID), active. One `sso:ListInstances` call, usually.
async fn find_instance(
    client: &SsoClient,
    location: &DirectoryLocation,
    limiter: &RateLimiter,
    policy: &RetryPolicy,
    progress: &AccessProgress,
) -> Result<SsoInstance, EngineError> {
    let api = SsoApi::ListInstances;
    let count = |e| progress.count(api, e);
    let wanted = |i: &SsoInstance| match &location.instance_arn {
        Some(arn) => i.instance_arn == *arn,
        None => i.identity_store_id == location.identity_store_id.as_str(),
    };
    let mut token: Option<String> = None;
    loop {
        let lane = if token.is_some() {
            Lane::Continuation
        } else {
            Lane::Start
        };
        let current = token.clone();
        let page = retry_call(api.operation(), lane, limiter, policy, &count, || {
            client.instances_page(current.clone())
        })
        .await
        .map_err(|d| placed(d, location, client.role_account()))?;
        progress.count_page(api, page.items.len());
        if let Some(found) = page.items.into_iter().find(wanted) {
            let status = found.status.clone().unwrap_or_else(|| "ACTIVE".into());
            if status != "ACTIVE" {
                return Err(
                    Diagnosis::instance_not_active(&found.instance_arn, &status, None).into(),
                );
            }
            return Ok(found);
        }
        match page.next_token {
            Some(t) if Some(&t) != token.as_ref() => token = Some(t),
            _ => break,
        }
    }
    let named = location
        .instance_arn
        .clone()
        .unwrap_or_else(|| format!("the instance of {}", location.identity_store_id));
    Err(Diagnosis::sso_wrong_account(
        client.role_account(),
        &format!("sso:ListInstances does not show {named} to this role"),
    )
    .into())
}

/// A diagnosis of the SSO reads, told where the role lives: a denied read
/// from a member account is the account's fault, not the policy's; an
/// account instance has nothing to read.
fn placed(d: Diagnosis, location: &DirectoryLocation, role_account: &str) -> Diagnosis {
    let account_instance = location.instance_type == roster_store::InstanceType::Account
        || d.cause.contains("Account instances do not support");
    if account_instance {
        let arn = location.instance_arn.as_deref().unwrap_or("the instance");
        return Diagnosis::sso_account_instance(arn, &d.cause);
    }
    let member = location.placement == roster_store::Placement::Member;
    if member
        && matches!(
            d.code,
            DiagnosisCode::SsoAccessDenied | DiagnosisCode::DiscoveryDenied
        )
    {
        return Diagnosis::sso_wrong_account(role_account, &d.cause);
    }
    d
}

fn application_counts(read: &OrgRead) -> Vec<u64> {
    read.applications
        .iter()
        .map(|app| {
            read.application_assignments
                .iter()
                .filter(|a| a.application_arn == app.application_arn)
                .count() as u64
        })
        .collect()
}

/// Stages the accounts and applications read, `rows` at a time (permission
/// sets and assignments went as their sets completed).
async fn stage_org(
    store: &dyn Store,
    tenant: &TenantId,
    sync: SyncId,
    read: &OrgRead,
    rows: usize,
) -> Result<(), roster_store::StoreError> {
    let n = rows.max(1);
    let mut batches = Vec::new();
    batches.extend(read.accounts.chunks(n).map(|c| AccessBatch {
        accounts: c.to_vec(),
        ..AccessBatch::default()
    }));
    batches.extend(read.applications.chunks(n).map(|c| AccessBatch {
        applications: c.to_vec(),
        ..AccessBatch::default()
    }));
    batches.extend(read.application_assignments.chunks(n).map(|c| AccessBatch {
        application_assignments: c.to_vec(),
        ..AccessBatch::default()
    }));
    for batch in &batches {
        store.stage_access(tenant, sync, batch).await?;
    }
    Ok(())
}
