//! Which snapshot a read uses, the one rule for the CLI and the console/API:
//! the source given (else the tenant's only source), and the sync given —
//! which must be a *complete* sync *of that source* — else the source's
//! latest complete sync.

use roster_core::{SourceId, SyncId, TenantId};
use roster_store::{Snapshot, Store, SyncRun, SyncStatus};

use crate::EngineError;

/// The source a read is about: `given` (parsed), else the tenant's only source.
///
/// Errors: `Invalid` for a malformed ID or when several sources exist and
/// none was given; `NotFound` when the tenant has no source yet.
pub async fn source(
    store: &dyn Store,
    tenant: &TenantId,
    given: Option<&str>,
) -> Result<SourceId, EngineError> {
    if let Some(s) = given {
        return SourceId::parse(s).map_err(|e| EngineError::Invalid(e.to_string()));
    }
    let sources = store.list_sources(tenant).await?;
    match sources.as_slice() {
        [] => Err(EngineError::NotFound {
            what: "source".to_owned(),
            message: "nothing synced yet: run 'roster sync' first".to_owned(),
        }),
        [only] => Ok(only.id.clone()),
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|s| format!("{} ({})", s.id, s.name))
                .collect();
            Err(EngineError::Invalid(format!(
                "several sources exist; pick one with --source: {}",
                ids.join(", ")
            )))
        }
    }
}

/// The run of sync `id`, which must be complete and, when `source` is
/// given, a sync of that source.
///
/// Errors: the store's `NotFound` for an unknown sync; `Conflict` for a sync
/// of another source or one that is not complete.
pub async fn complete_run(
    store: &dyn Store,
    tenant: &TenantId,
    id: SyncId,
    source: Option<&SourceId>,
) -> Result<SyncRun, EngineError> {
    let run = store.get_sync(tenant, id).await?;
    if let Some(source) = source
        && &run.source_id != source
    {
        return Err(EngineError::Conflict(format!(
            "sync {id} belongs to source {}, not {source}",
            run.source_id
        )));
    }
    if run.status != SyncStatus::Complete {
        return Err(EngineError::Conflict(format!(
            "sync {id} is {}; only complete syncs are snapshots",
            run.status.as_str()
        )));
    }
    Ok(run)
}

/// Sync `id` as a snapshot of `source` (see [`complete_run`]).
pub async fn of_sync(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    id: SyncId,
) -> Result<Snapshot, EngineError> {
    let run = complete_run(store, tenant, id, Some(source)).await?;
    Ok(Snapshot {
        source_id: run.source_id,
        sync_id: run.id,
    })
}

/// The source's latest complete sync, if it has one.
pub async fn latest(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<Option<Snapshot>, EngineError> {
    Ok(store.latest_snapshot(tenant, source).await?)
}

/// The snapshot of `source` to read: `sync` (a complete sync of `source`),
/// else the latest complete sync (`NotFound` when there is none).
pub async fn resolve(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    sync: Option<SyncId>,
) -> Result<Snapshot, EngineError> {
    if let Some(id) = sync {
        return of_sync(store, tenant, source, id).await;
    }
    latest(store, tenant, source)
        .await?
        .ok_or_else(|| EngineError::NotFound {
            what: format!("completed sync of source {source}"),
            message: format!("source {source} has no complete sync yet"),
        })
}

/// [`source`] then [`resolve`]: the whole rule for callers that may leave
/// either out.
pub async fn resolve_any(
    store: &dyn Store,
    tenant: &TenantId,
    source_given: Option<&str>,
    sync: Option<SyncId>,
) -> Result<(SourceId, Snapshot), EngineError> {
    let source = source(store, tenant, source_given).await?;
    let snapshot = resolve(store, tenant, &source, sync).await?;
    Ok((source, snapshot))
}
