//! The access half of `roster sync --scope access|all` (the SSO source):
//! read the organization's permission sets and assignments through the
//! session `roster sync` assumed, expand them through the newest directory
//! snapshot, and report both runs.

use std::sync::Arc;

use roster_aws::{CustomerSession, SsoClient};
use roster_core::{SourceId, TenantId};
use roster_engine::{
    AccessOutcome, AccessProgress, AccessSyncOptions, SyncOutcome, run_access_sync,
};
use roster_store::{DirectoryLocation, Source, Store};
use serde_json::json;

use crate::args::{Format, SyncArgs};
use crate::exit::CliError;
use crate::output::print_data;

/// Runs the access sync of `source` (its directory already synced).
pub(crate) async fn run(
    store: Arc<dyn Store>,
    tenant: &TenantId,
    source: &Source,
    location: &DirectoryLocation,
    session: &CustomerSession,
    args: &SyncArgs,
) -> Result<AccessOutcome, CliError> {
    store
        .set_source_collects_access(tenant, &source.id, true)
        .await?;
    let settings = store.access_settings(tenant, &source.id).await?;
    let client = SsoClient::new(
        session,
        location.instance_arn.clone().unwrap_or_default(),
        &location.region,
    );
    let options = AccessSyncOptions {
        tps: args.tps,
        budget: args.budget.unwrap_or(source.quota_budget),
        ..AccessSyncOptions::default()
    };
    if args.out.format() == Format::Table {
        eprintln!(
            "Reading access (permission sets, assignments) at {:.1} sso: requests/s…",
            options.rate()
        );
    }
    let progress = Arc::new(AccessProgress::default());
    Ok(run_access_sync(
        store, tenant, &source.id, location, client, &settings, &options, progress,
    )
    .await?)
}

/// A finished access sync as JSON.
pub(crate) fn access_json(outcome: &AccessOutcome) -> serde_json::Value {
    let s = &outcome.stats;
    let c = &outcome.counts;
    json!({
        "sync_id": outcome.sync_id,
        "directory_sync_id": outcome.directory_sync,
        "accounts": c.accounts,
        "permission_sets": c.permission_sets,
        "account_assignments": c.account_assignments,
        "applications": c.applications,
        "access_rows": c.access_rows,
        "orphaned_rows": c.orphaned_rows,
        "privileged_rows": c.privileged_rows,
        "calls": s.calls,
        "retries": s.retries,
        "throttled": s.throttled,
        "vanished": s.vanished,
        "wall_s": s.wall_s,
        "floor_s": s.floor_s,
        "ratio": s.ratio(),
        "plan": s.access_plan,
        "budget": s.budget,
        "tps": s.tps,
    })
}

/// Prints what a scoped sync published: the directory's fields as
/// `roster sync` always printed them (when it ran), with `access` beside.
pub(crate) fn report_scoped(
    directory: Option<&SyncOutcome>,
    access: Option<&AccessOutcome>,
    source: &SourceId,
    location: &DirectoryLocation,
    format: Format,
) -> Result<(), CliError> {
    let mut body = directory.map_or_else(
        || json!({"status": "complete", "source_id": source}),
        |d| super::sync::directory_json(d, source, location),
    );
    if let Some(a) = access {
        body["access"] = access_json(a);
    }
    if print_data(format, &body)? {
        return Ok(());
    }
    if let Some(d) = directory {
        super::sync::print_summary(d, location);
    }
    if let Some(a) = access {
        let c = &a.counts;
        let s = &a.stats;
        println!(
            "Synced access as sync {}: {} accounts, {} permission sets, {} assignments, {} effective-access rows ({} orphaned, {} privileged) in {:.1}s (floor {:.1}s, {} API calls{}).",
            a.sync_id,
            c.accounts,
            c.permission_sets,
            c.account_assignments,
            c.access_rows,
            c.orphaned_rows,
            c.privileged_rows,
            s.wall_s,
            s.floor_s,
            s.total_calls(),
            if s.vanished.is_empty() {
                String::new()
            } else {
                format!("; {} vanished while read", s.vanished.len())
            }
        );
    }
    Ok(())
}
