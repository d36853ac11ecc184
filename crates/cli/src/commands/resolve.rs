//! Which source and snapshot a command reads: `--source` (or the only
//! source) and `--sync` (or the latest complete sync). Shared by the list,
//! diff, check and evidence commands.

use roster_core::{SourceId, SyncId, TenantId};
use roster_store::{Snapshot, Store};

use crate::exit::CliError;

/// `--source`, else the tenant's only source.
pub async fn source(
    store: &dyn Store,
    tenant: &TenantId,
    given: Option<&str>,
) -> Result<SourceId, CliError> {
    if let Some(s) = given {
        return SourceId::parse(s).map_err(|e| CliError::Usage(e.to_string()));
    }
    let sources = store.list_sources(tenant).await?;
    match sources.as_slice() {
        [] => Err(CliError::Other(anyhow::anyhow!(
            "nothing synced yet: run 'roster sync' first"
        ))),
        [only] => Ok(only.id.clone()),
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|s| format!("{} ({})", s.id, s.name))
                .collect();
            Err(CliError::Usage(format!(
                "several sources exist; pick one with --source: {}",
                ids.join(", ")
            )))
        }
    }
}

/// Sync `id`, which must be a complete sync of `source`.
pub async fn sync_of(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    id: i64,
) -> Result<Snapshot, CliError> {
    let run = store.get_sync(tenant, SyncId(id)).await?;
    if &run.source_id != source {
        return Err(CliError::Usage(format!(
            "sync {id} belongs to source {}, not {source}",
            run.source_id
        )));
    }
    run.snapshot().ok_or_else(|| {
        CliError::Usage(format!(
            "sync {id} is {}; only complete syncs are snapshots",
            run.status.as_str()
        ))
    })
}

/// The snapshot to read: `--sync`, else the latest of `--source` or the only source.
pub async fn snapshot(
    store: &dyn Store,
    tenant: &TenantId,
    source_arg: Option<&str>,
    sync: Option<i64>,
) -> Result<Snapshot, CliError> {
    let source = source(store, tenant, source_arg).await?;
    if let Some(id) = sync {
        return sync_of(store, tenant, &source, id).await;
    }
    let latest = store.latest_snapshot(tenant, &source).await?;
    latest
        .ok_or_else(|| CliError::Other(anyhow::anyhow!("source {source} has no complete sync yet")))
}
