//! The directory's integer keys (migrations 0021 and 0022): a source's
//! `source_key` in place of (`tenant_id`, `source_id`), and a membership's
//! `group_key` / `user_key` in place of its group and user IDs.
//!
//! Readers keep binding the tenant and the source as text and reach the
//! integers through the scalar subqueries below, which both backends run
//! once per statement (an `InitPlan` on `PostgreSQL`, a constant on
//! `SQLite`) and then use in index lookups. Writers resolve them once per
//! batch and bind the integers.

use roster_core::{SourceId, TenantId};
use sqlx::{Any, Row, Transaction};

use crate::error::StoreError;

/// The source key of the tenant and source bound at `tenant` and `source`
/// (placeholders such as `"$1"`, `"$2"`): NULL, so matching no row, for a
/// source that never synced or that belongs to another tenant.
pub(super) fn source_key(tenant: &str, source: &str) -> String {
    format!(
        "(SELECT source_key FROM source_keys WHERE tenant_id = {tenant} AND source_id = {source})"
    )
}

/// The integer of the AWS ID `aws_id` (an SQL expression) within source
/// key `source_key` (an SQL expression): NULL when no membership names it.
pub(super) fn id_key(source_key: &str, aws_id: &str) -> String {
    format!("(SELECT id_key FROM id_keys WHERE source_key = {source_key} AND aws_id = {aws_id})")
}

/// The source's key, created on its first write.
pub(super) async fn ensure_source_key(
    tx: &mut Transaction<'_, Any>,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<i64, StoreError> {
    let find = || {
        sqlx::query("SELECT source_key FROM source_keys WHERE tenant_id = $1 AND source_id = $2")
            .bind(tenant.as_str())
            .bind(source.as_str())
    };
    if let Some(row) = find().fetch_optional(&mut **tx).await? {
        return Ok(row.try_get(0)?);
    }
    sqlx::query(
        "INSERT INTO source_keys (tenant_id, source_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(tenant.as_str())
    .bind(source.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(find().fetch_one(&mut **tx).await?.try_get(0)?)
}

/// AWS IDs per statement when interning (see `versions::ROWS_PER_STATEMENT`).
const IDS_PER_STATEMENT: usize = 50;

/// Gives each of `ids` an integer within the source, where it has none.
pub(super) async fn intern(
    tx: &mut Transaction<'_, Any>,
    source_key: i64,
    ids: &[&str],
) -> Result<(), StoreError> {
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, ${})", i + 2))
            .collect();
        let sql = format!(
            "INSERT INTO id_keys (source_key, aws_id) VALUES {} ON CONFLICT DO NOTHING",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(source_key);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}
