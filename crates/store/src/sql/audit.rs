//! The audit log in SQL: INSERT and SELECT only.

use async_trait::async_trait;
use roster_core::TenantId;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::SqlStore;
use super::rows::{corrupt, timestamp};
use crate::error::StoreError;
use crate::ports::audit::{Audit, AuditEntry, AuditRecord};

fn record(row: &AnyRow) -> Result<AuditRecord, StoreError> {
    let detail: String = row.try_get("detail")?;
    Ok(AuditRecord {
        id: row.try_get("id")?,
        at: timestamp(row, "at")?,
        entry: AuditEntry {
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            target: row.try_get("target")?,
            detail: serde_json::from_str(&detail).map_err(corrupt)?,
        },
    })
}

#[async_trait]
impl Audit for SqlStore {
    async fn append_audit(
        &self,
        tenant: &TenantId,
        entry: &AuditEntry,
    ) -> Result<AuditRecord, StoreError> {
        let row = sqlx::query(
            "INSERT INTO audit_log (tenant_id, at, actor, action, target, detail) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, at, actor, action, target, detail",
        )
        .bind(tenant.as_str())
        .bind(self.clock.now().to_string())
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.target)
        .bind(entry.detail.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::NotFound(format!("tenant {tenant}"))
            }
            _ => e.into(),
        })?;
        record(&row)
    }

    async fn list_audit(
        &self,
        tenant: &TenantId,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, target, detail FROM audit_log \
             WHERE tenant_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(tenant.as_str())
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(record).collect()
    }
}
