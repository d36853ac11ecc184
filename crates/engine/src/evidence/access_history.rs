//! Where evidence finds a source's access runs, the directory run a
//! snapshot reads, and the settings of the access checks.

use roster_core::sso::AccessCheckSettings;
use roster_core::{SourceId, SyncId, TenantId};
use roster_store::{AuditEntry, Snapshot, Store, SyncRun, SyncScope, SyncStatus};
use serde_json::json;

use super::HISTORY;
use crate::EngineError;

fn complete(run: &SyncRun, scope: SyncScope) -> bool {
    run.status == SyncStatus::Complete && run.scope == scope
}

/// The source's complete access runs, newest first.
pub async fn access_runs(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<Vec<SyncId>, EngineError> {
    Ok(store
        .list_syncs(tenant, source, HISTORY)
        .await?
        .into_iter()
        .filter(|r| complete(r, SyncScope::Access))
        .map(|r| r.id)
        .collect())
}

/// The run whose directory a snapshot reads: the snapshot's own run when it
/// read the directory, else (an access run) the newest complete directory
/// run before it. `None` for an access run with no directory run before it.
pub async fn directory_run(
    store: &dyn Store,
    tenant: &TenantId,
    run: SyncRun,
) -> Result<Option<SyncRun>, EngineError> {
    if run.scope == SyncScope::Directory {
        return Ok(Some(run));
    }
    Ok(store
        .list_syncs(tenant, &run.source_id, HISTORY)
        .await?
        .into_iter()
        .find(|r| r.id < run.id && complete(r, SyncScope::Directory)))
}

/// The snapshot evidence reads by default: the newest complete run of
/// either scope (after `roster sync --scope all`, its access run), so a
/// bundle or a check run holds the directory and access of one moment.
/// For a source without access data this is its latest snapshot.
pub async fn latest_evidence_snapshot(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<Option<Snapshot>, EngineError> {
    let directory = store.latest_snapshot(tenant, source).await?;
    let access = store.latest_access_snapshot(tenant, source).await?;
    Ok(match (directory, access) {
        (Some(d), Some(a)) if a.sync_id > d.sync_id => Some(a),
        (d, a) => d.or(a),
    })
}

/// The source's settings of the access checks.
pub async fn settings(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<AccessCheckSettings, EngineError> {
    Ok(store.access_settings(tenant, source).await?)
}

/// Stores the source's access check settings and records the change
/// (audit action `access.settings`).
pub async fn save_access_settings(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    settings: &AccessCheckSettings,
    actor: &str,
) -> Result<(), EngineError> {
    if settings.max_session_seconds == 0 || settings.max_session_seconds > 12 * 3_600 {
        return Err(EngineError::Invalid(format!(
            "the maximum session duration must be between 1 second and 12 hours (AWS's limit), not {} s",
            settings.max_session_seconds
        )));
    }
    let patterns = &settings.privileged_patterns;
    if patterns.len() > 50
        || patterns
            .iter()
            .any(|p| p.trim().is_empty() || p.len() > 256 || p.chars().any(char::is_control))
    {
        return Err(EngineError::Invalid(
            "privileged patterns: at most 50, each 1 to 256 characters without control characters"
                .into(),
        ));
    }
    store.set_access_settings(tenant, source, settings).await?;
    let entry = AuditEntry::new(actor, "access.settings", source.as_str(), json!(settings));
    store.append_audit(tenant, &entry).await?;
    Ok(())
}
