//! `roster sync`: assume the customer's role, locate the directory, read it
//! into a new snapshot, and report what was read and how fast.

use std::sync::Arc;

use roster_aws::{DirectoryClient, Platform};
use roster_core::quota::QuotaModel;
use roster_core::{Diagnosis, ExternalId, IdentityStoreId, Region, RoleArn, SourceId, TenantId};
use roster_engine::{
    AwsEndpoint, LocationHint, SyncOptions, SyncOutcome, SyncProgress, diagnosis_of, locate,
    run_sync,
};
use roster_store::{DirectoryLocation, NewSource, Source, SourceStatus, Store};
use serde_json::json;

use crate::args::{Format, SyncArgs};
use crate::exit::CliError;
use crate::output::print_data;
use crate::progress::ProgressView;

fn parse_inputs(args: &SyncArgs) -> Result<(RoleArn, ExternalId, LocationHint), CliError> {
    let role =
        RoleArn::parse(&args.role_arn).map_err(|e| Diagnosis::invalid_role_arn(&e.reason))?;
    let external_id =
        ExternalId::parse(&args.external_id).map_err(|e| CliError::Usage(e.to_string()))?;
    let hint = LocationHint {
        region: args
            .region
            .as_deref()
            .map(Region::parse)
            .transpose()
            .map_err(|e| CliError::Usage(e.to_string()))?,
        identity_store_id: args
            .identity_store_id
            .as_deref()
            .map(IdentityStoreId::parse)
            .transpose()
            .map_err(|e| CliError::Usage(e.to_string()))?,
    };
    if !(args.tps > 0.0 && args.tps.is_finite()) {
        return Err(CliError::Usage("--tps must be a positive number".into()));
    }
    Ok((role, external_id, hint))
}

/// The operator's source for this External ID; created only once AWS accepted the role.
async fn source_for(
    store: &dyn Store,
    tenant: &TenantId,
    id: SourceId,
    role: &RoleArn,
    external_id: &ExternalId,
) -> Result<Source, CliError> {
    if let Some(source) = store
        .find_source_by_external_id(tenant, external_id)
        .await?
    {
        if source.role_arn.as_ref() != Some(role) {
            store.set_source_role(tenant, &source.id, role).await?;
        }
        return Ok(source);
    }
    let new = NewSource {
        id,
        name: format!("Identity Store ({})", role.account()),
        role_arn: Some(role.clone()),
        external_id: external_id.clone(),
        status: SourceStatus::Connected,
    };
    Ok(store.create_source(tenant, &new).await?)
}

pub async fn run(args: SyncArgs) -> Result<(), CliError> {
    let (role, external_id, hint) = parse_inputs(&args)?;
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let existing = store
        .find_source_by_external_id(&tenant, &external_id)
        .await?;
    let source_id = existing.map_or_else(SourceId::generate, |s| s.id);

    let platform = Platform::from_env().await;
    let endpoint = AwsEndpoint::from_env();
    let session = platform
        .session(&role, &external_id, &format!("roster-{source_id}"))
        .await
        .map_err(|e| CliError::Diagnosed(diagnosis_of("AssumeRole", e, &endpoint)))?;
    let (location, _) = locate(&session, &hint).await?;
    let source = source_for(store.as_ref(), &tenant, source_id, &role, &external_id).await?;
    store
        .set_source_location(&tenant, &source.id, &location)
        .await?;

    if !args.scope.reads_directory() {
        let access =
            super::sync_access::run(store.clone(), &tenant, &source, &location, &session, &args)
                .await?;
        return super::sync_access::report_scoped(
            None,
            Some(&access),
            &source.id,
            &location,
            args.out.format(),
        );
    }
    let client = DirectoryClient::new(
        &session,
        location.identity_store_id.clone(),
        location.region.clone(),
    );
    let options = SyncOptions {
        tps: args.tps,
        quota_model: args.quota_model.unwrap_or(source.quota_model),
        budget: args.budget.unwrap_or(source.quota_budget),
        endpoint,
        ..SyncOptions::default()
    };
    let progress = Arc::new(SyncProgress::default());
    let view = ProgressView::start(
        progress.clone(),
        options.quota().rate(),
        args.out.format() != Format::Table,
    );
    let outcome = run_sync(
        store.clone(),
        &tenant,
        &source.id,
        &location,
        client,
        &options,
        progress,
    )
    .await;
    view.finish().await;
    let outcome = outcome?;
    if !args.scope.reads_access() {
        report(&outcome, &source.id, &location, args.out.format())?;
        return Ok(());
    }
    let access =
        super::sync_access::run(store.clone(), &tenant, &source, &location, &session, &args)
            .await?;
    super::sync_access::report_scoped(
        Some(&outcome),
        Some(&access),
        &source.id,
        &location,
        args.out.format(),
    )
}

/// Prints a finished sync: a summary line, one JSON object, or its CSV.
pub(crate) fn report(
    outcome: &SyncOutcome,
    source: &SourceId,
    location: &DirectoryLocation,
    format: Format,
) -> Result<(), CliError> {
    let stats = &outcome.stats;
    if stats.throttled > 0 {
        let rate = stats.tps * stats.budget.unwrap_or(1.0);
        let warning = Diagnosis::throttled(rate * stats.floor_s / stats.wall_s.max(1e-9), rate);
        eprintln!(
            "warning[{}]: {} ({} throttled calls)",
            warning.code, warning.cause, stats.throttled
        );
    }
    let body = directory_json(outcome, source, location);
    if !print_data(format, &body)? {
        print_summary(outcome, location);
    }
    Ok(())
}

/// A finished directory sync as the JSON `roster sync` prints.
pub(crate) fn directory_json(
    outcome: &SyncOutcome,
    source: &SourceId,
    location: &DirectoryLocation,
) -> serde_json::Value {
    let stats = &outcome.stats;
    json!({
        "status": "complete",
        "sync_id": outcome.sync_id,
        "source_id": source,
        "identity_store_id": location.identity_store_id,
        "region": location.region,
        "users": outcome.counts.users,
        "groups": outcome.counts.groups,
        "memberships": outcome.counts.memberships,
        "calls": stats.calls,
        "retries": stats.retries,
        "throttled": stats.throttled,
        "wall_s": stats.wall_s,
        "floor_s": stats.floor_s,
        "ratio": stats.ratio(),
        "quota_model": stats.quota_model,
        "budget": stats.budget,
        "tps": stats.tps,
    })
}

/// A finished directory sync as one line for people.
pub(crate) fn print_summary(outcome: &SyncOutcome, location: &DirectoryLocation) {
    let stats = &outcome.stats;
    {
        println!(
            "Synced {} users, {} groups, {} memberships from {} ({}) as sync {} in {:.1}s (quota floor {:.1}s at {} of the quota, {}, {} API calls).",
            outcome.counts.users,
            outcome.counts.groups,
            outcome.counts.memberships,
            location.identity_store_id,
            location.region,
            outcome.sync_id,
            stats.wall_s,
            stats.floor_s,
            stats
                .budget
                .map_or_else(|| "all".to_owned(), |b| format!("{:.0}%", b * 100.0)),
            stats.quota_model.map_or("per-api", QuotaModel::as_str),
            stats.total_calls()
        );
    }
}
