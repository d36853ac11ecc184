//! Writing an access run: staging its rows, versioning them when it
//! publishes, undoing and cleaning up. The directory's versioning
//! (`sql::versions`) is not used: an access run writes only `sso_*` tables.
//!
//! Staging keeps what the run saw (first sighting wins; rows written twice
//! are stored once). The publish, inside `Syncs::publish_sync`'s
//! transaction, compares the staged rows with the current versions, chunk
//! by chunk of keys (bounded statement journals, nothing loaded into
//! memory): current versions the run did not see, or saw changed, end at
//! the run; keys with no current version begin one. Unchanged rows are not
//! rewritten. Since versions are written only by the publish, which also
//! marks the run complete, a run that never completes has written staging
//! rows only: undoing it removes them.

use std::fmt::Write as _;

use roster_core::{SourceId, SyncId, TenantId};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Transaction};

use super::tables::{Bind, Run, Staged, TABLES, Table};
use crate::error::StoreError;
use crate::sql::versions::{chunk_end, delete_staged};

/// Rows per staging statement (well under every backend's bind limit).
const ROWS_PER_STATEMENT: usize = 50;

type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

/// Inserts staged rows; a key already staged by the run is ignored.
pub(crate) async fn stage(
    tx: &mut Transaction<'_, Any>,
    (sync, tenant): Run<'_>,
    table: &Table,
    rows: &[Staged],
) -> Result<(), StoreError> {
    let per_row = 3 + table.columns.len();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = format!(
            "INSERT INTO {} (sync_id, tenant_id, k, {}) VALUES ",
            table.stage,
            table.columns.join(", ")
        );
        for r in 0..chunk.len() {
            let cells: Vec<String> = (1..=per_row)
                .map(|c| format!("${}", r * per_row + c))
                .collect();
            let _ = write!(
                sql,
                "{}({})",
                if r == 0 { "" } else { ", " },
                cells.join(", ")
            );
        }
        sql.push_str(" ON CONFLICT DO NOTHING");
        let mut q: AnyQuery<'_> = sqlx::query(&sql);
        for row in chunk {
            q = q.bind(sync.0).bind(tenant.as_str()).bind(row.k.as_str());
            for v in &row.values {
                q = match v {
                    Bind::Text(t) => q.bind(t.as_deref()),
                    Bind::Int(n) => q.bind(*n),
                };
            }
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The current version of a key is `COALESCE(valid_to, 0) = 0`, as the key
/// index has it (migration 0012).
///
/// Ends current versions (begun before the run, `$1`) with keys in `range`
/// that the run did not stage, or staged with other content. `$1..$3`:
/// run, tenant, source.
pub(crate) fn end_sql(table: &Table, range: &str) -> String {
    let live = table.live;
    let mut same = String::new();
    for c in table.compared {
        let _ = write!(same, " AND s.{c} IS NOT DISTINCT FROM {live}.{c}");
    }
    format!(
        "UPDATE {live} SET valid_to = $1 WHERE tenant_id = $2 AND source_id = $3 AND COALESCE(valid_to, 0) = 0 \
         AND valid_from < $1 AND {range} AND NOT EXISTS (SELECT 1 FROM {stage} s \
         WHERE s.sync_id = $1 AND s.k = {live}.k{same})",
        stage = table.stage,
    )
}

/// Begins a version, at the run, for each staged key in `range` that has
/// no current version (new, or ended by [`end_sql`]).
pub(crate) fn begin_sql(table: &Table, range: &str) -> String {
    let cols = table.columns.join(", ");
    let from_stage: Vec<String> = table.columns.iter().map(|c| format!("s.{c}")).collect();
    format!(
        "INSERT INTO {live} (tenant_id, source_id, valid_from, k, {cols}) \
         SELECT $2, $3, $1, s.k, {} FROM {stage} s WHERE s.sync_id = $1 AND {range} \
         AND NOT EXISTS (SELECT 1 FROM {live} l WHERE l.tenant_id = $2 AND l.source_id = $3 \
         AND l.k = s.k AND COALESCE(l.valid_to, 0) = 0)",
        from_stage.join(", "),
        live = table.live,
        stage = table.stage,
    )
}

/// Versions one table's staged rows (see the module doc).
async fn publish_table(
    tx: &mut Transaction<'_, Any>,
    table: &Table,
    (tenant, source, sync): (&TenantId, &SourceId, SyncId),
) -> Result<(), StoreError> {
    let mut after = String::new();
    loop {
        let upto = chunk_end(tx, (table.stage, "k"), sync, &after).await?;
        let range = |alias: &str| match upto {
            Some(_) => format!("{alias}.k > $4 AND {alias}.k <= $5"),
            None => format!("{alias}.k > $4"),
        };
        for sql in [
            end_sql(table, &range(table.live)),
            begin_sql(table, &range("s")),
        ] {
            let mut q = sqlx::query(&sql)
                .bind(sync.0)
                .bind(tenant.as_str())
                .bind(source.as_str())
                .bind(after.as_str());
            if let Some(upto) = upto.as_deref() {
                q = q.bind(upto);
            }
            q.execute(&mut **tx).await?;
        }
        match upto {
            Some(upto) => after = upto,
            None => break,
        }
    }
    Ok(())
}

/// Publishes an access run's rows as versions; inside the publishing
/// transaction, after the run was locked as this tenant's.
pub(crate) async fn publish(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
    sync: SyncId,
) -> Result<(), StoreError> {
    for table in TABLES {
        publish_table(tx, table, (tenant, source, sync)).await?;
    }
    Ok(())
}

/// Undoes an access run that will never publish: it wrote staging rows only.
pub(crate) async fn undo(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    sync: SyncId,
) -> Result<(), StoreError> {
    for table in TABLES {
        delete_staged(tx, table.stage, tenant, sync).await?;
    }
    Ok(())
}

/// Removes the staged access rows of every run of `source` that is no
/// longer running.
pub(crate) async fn clean_staging(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<(), StoreError> {
    for table in TABLES {
        sqlx::query(&format!(
            "DELETE FROM {} WHERE tenant_id = $1 AND sync_id IN \
             (SELECT id FROM sync_runs WHERE tenant_id = $1 AND source_id = $2 AND scope = 'access' \
             AND status <> 'running')",
            table.stage
        ))
        .bind(tenant.as_str())
        .bind(source.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Removes every access row of a source (deleting the source).
pub(crate) async fn delete_source(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<(), StoreError> {
    for table in TABLES {
        for sql in [
            format!(
                "DELETE FROM {} WHERE tenant_id = $1 AND sync_id IN \
                 (SELECT id FROM sync_runs WHERE tenant_id = $1 AND source_id = $2)",
                table.stage
            ),
            format!(
                "DELETE FROM {} WHERE tenant_id = $1 AND source_id = $2",
                table.live
            ),
        ] {
            sqlx::query(&sql)
                .bind(tenant.as_str())
                .bind(source.as_str())
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
