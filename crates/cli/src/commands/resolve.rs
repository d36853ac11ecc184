//! Which source and snapshot a command reads: `--source` (or the only
//! source) and `--sync` (or the latest complete sync). A thin adapter over
//! `roster_engine::snapshot`, the one rule shared with the console and API.

use roster_core::{SourceId, SyncId, TenantId};
use roster_engine::snapshot;
use roster_store::{Snapshot, Store};

use crate::exit::CliError;

/// `--source`, else the tenant's only source.
pub async fn source(
    store: &dyn Store,
    tenant: &TenantId,
    given: Option<&str>,
) -> Result<SourceId, CliError> {
    Ok(snapshot::source(store, tenant, given).await?)
}

/// Sync `id`, which must be a complete sync of `source`.
pub async fn sync_of(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    id: i64,
) -> Result<Snapshot, CliError> {
    Ok(snapshot::of_sync(store, tenant, source, SyncId(id)).await?)
}

/// The snapshot to read: `--sync`, else the latest of `--source` or the only source.
pub async fn snapshot(
    store: &dyn Store,
    tenant: &TenantId,
    source_arg: Option<&str>,
    sync: Option<i64>,
) -> Result<Snapshot, CliError> {
    let (_, snapshot) = snapshot::resolve_any(store, tenant, source_arg, sync.map(SyncId)).await?;
    Ok(snapshot)
}

/// The snapshot evidence reads (`roster check`, `roster evidence export`):
/// `--sync`, else the newest complete run of either scope, so a source that
/// collects access is checked and exported with the access of the same moment.
pub async fn evidence_snapshot(
    store: &dyn Store,
    tenant: &TenantId,
    source_arg: Option<&str>,
    sync: Option<i64>,
) -> Result<Snapshot, CliError> {
    let source = source(store, tenant, source_arg).await?;
    if let Some(id) = sync {
        return sync_of(store, tenant, &source, id).await;
    }
    match roster_engine::evidence::latest_evidence_snapshot(store, tenant, &source).await? {
        Some(s) => Ok(s),
        None => Ok(snapshot::resolve(store, tenant, &source, None).await?),
    }
}
