//! Discarding what runs leave behind: the versions and staged rows of a run
//! that will never publish, and the staging of runs no longer running.

use roster_core::{SourceId, SyncId, TenantId};
use sqlx::{Any, Transaction};

use crate::error::StoreError;
use crate::sql::columns::TABLES;
use crate::sql::keys;

/// Undoes what a run that will never publish wrote: its versions are
/// removed, the versions it ended are current again, its staged rows go.
pub(in crate::sql) async fn undo(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
    sync: SyncId,
) -> Result<(), StoreError> {
    let source_key = keys::source_key("$1", "$2");
    for (live, stage) in TABLES {
        // Begun versions first: the ended ones cannot be current beside them.
        for sql in [
            format!("DELETE FROM {live} WHERE source_key = {source_key} AND valid_from = $3"),
            format!(
                "UPDATE {live} SET valid_to = NULL WHERE source_key = {source_key} AND valid_to = $3"
            ),
        ] {
            sqlx::query(&sql)
                .bind(tenant.as_str())
                .bind(source.as_str())
                .bind(sync.0)
                .execute(&mut **tx)
                .await?;
        }
        delete_staged(tx, stage, tenant, sync).await?;
    }
    Ok(())
}

/// Deletes the rows run `sync` staged in the staging table `stage`.
pub(in crate::sql) async fn delete_staged(
    tx: &mut Transaction<'_, Any>,
    stage: &str,
    tenant: &TenantId,
    sync: SyncId,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "DELETE FROM {stage} WHERE tenant_id = $1 AND sync_id = $2"
    ))
    .bind(tenant.as_str())
    .bind(sync.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes the staged rows of every run of `source` that is no longer running.
pub(in crate::sql) async fn clean_staging(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<(), StoreError> {
    for (_, stage) in TABLES {
        sqlx::query(&format!(
            "DELETE FROM {stage} WHERE tenant_id = $1 AND sync_id IN \
             (SELECT id FROM sync_runs WHERE tenant_id = $1 AND source_id = $2 AND status <> 'running')"
        ))
        .bind(tenant.as_str())
        .bind(source.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
