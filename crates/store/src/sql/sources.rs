//! Tenants and sources (connections).

use async_trait::async_trait;
use roster_core::quota::QuotaModel;
use roster_core::{ExternalId, RoleArn, SourceId, TenantId};
use sqlx::Row;

use super::SqlStore;
use super::rows::{self, SOURCE_COLUMNS};
use crate::error::StoreError;
use crate::ports::Sources;
use crate::records::{DirectoryLocation, NewSource, Source, SourceStatus, Tenant};

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn expect_one(result: &sqlx::any::AnyQueryResult, id: &SourceId) -> Result<(), StoreError> {
    if result.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("source {id}")))
    }
}

async fn get_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant: &TenantId,
    id: &SourceId,
) -> Result<(), StoreError> {
    sqlx::query("SELECT 1 FROM sources WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.as_str())
        .bind(id.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .map(|_| ())
        .ok_or_else(|| StoreError::NotFound(format!("source {id}")))
}

#[async_trait]
impl Sources for SqlStore {
    async fn create_tenant(&self, tenant: &TenantId, name: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(tenant.as_str())
            .bind(name)
            .bind(self.clock.now().to_string())
            .execute(&self.pool)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict(format!("tenant {tenant} exists"))
                } else {
                    e.into()
                }
            })?;
        Ok(())
    }

    async fn create_source(
        &self,
        tenant: &TenantId,
        new: &NewSource,
    ) -> Result<Source, StoreError> {
        let id = &new.id;
        sqlx::query(
            "INSERT INTO sources (id, tenant_id, name, role_arn, external_id, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.as_str())
        .bind(tenant.as_str())
        .bind(&new.name)
        .bind(new.role_arn.as_ref().map(ToString::to_string))
        .bind(new.external_id.expose())
        .bind(new.status.as_str())
        .bind(self.clock.now().to_string())
        .execute(&self.pool)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict(
                    "this External ID is already used by another connection".into(),
                )
            } else if matches!(&e, sqlx::Error::Database(db) if db.is_foreign_key_violation()) {
                StoreError::NotFound(format!("tenant {tenant}"))
            } else {
                e.into()
            }
        })?;
        self.get_source(tenant, id).await
    }

    async fn get_source(&self, tenant: &TenantId, id: &SourceId) -> Result<Source, StoreError> {
        let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE tenant_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(rows::source)
            .transpose()?
            .ok_or_else(|| StoreError::NotFound(format!("source {id}")))
    }

    async fn find_source_by_external_id(
        &self,
        tenant: &TenantId,
        external_id: &ExternalId,
    ) -> Result<Option<Source>, StoreError> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM sources WHERE tenant_id = $1 AND external_id = $2"
        );
        let row = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(external_id.expose())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(rows::source).transpose()
    }

    async fn list_sources(&self, tenant: &TenantId) -> Result<Vec<Source>, StoreError> {
        let sql = format!(
            "SELECT {SOURCE_COLUMNS} FROM sources WHERE tenant_id = $1 ORDER BY created_at, id"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(rows::source).collect()
    }

    async fn set_source_role(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        role: &RoleArn,
    ) -> Result<(), StoreError> {
        let r = sqlx::query("UPDATE sources SET role_arn = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(role.to_string())
            .bind(tenant.as_str())
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        expect_one(&r, id)
    }

    async fn set_source_location(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        location: &DirectoryLocation,
    ) -> Result<(), StoreError> {
        let r = sqlx::query(
            "UPDATE sources SET identity_store_id = $1, region = $2, instance_arn = $3, account_id = $4, \
             instance_status = $5, instance_type = $6, management_account = $7, placement = $8 \
             WHERE tenant_id = $9 AND id = $10",
        )
        .bind(location.identity_store_id.as_str())
        .bind(location.region.as_str())
        .bind(location.instance_arn.clone())
        .bind(location.account_id.as_ref().map(|a| a.as_str().to_owned()))
        .bind(location.instance_status.clone())
        .bind(location.instance_type.as_str())
        .bind(location.management_account.as_ref().map(|a| a.as_str().to_owned()))
        .bind(location.placement.as_str())
        .bind(tenant.as_str())
        .bind(id.as_str())
        .execute(&self.pool)
        .await?;
        expect_one(&r, id)
    }

    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let rows = sqlx::query("SELECT id, name, created_at FROM tenants ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Tenant {
                    id: TenantId::parse(r.try_get("id")?).map_err(rows::corrupt)?,
                    name: r.try_get("name")?,
                    created_at: rows::timestamp(r, "created_at")?,
                })
            })
            .collect()
    }

    async fn set_source_status(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        status: SourceStatus,
    ) -> Result<(), StoreError> {
        let r = sqlx::query("UPDATE sources SET status = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(status.as_str())
            .bind(tenant.as_str())
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        expect_one(&r, id)
    }

    async fn set_source_interval(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        seconds: u32,
    ) -> Result<(), StoreError> {
        let r =
            sqlx::query("UPDATE sources SET sync_interval_s = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(i64::from(seconds))
                .bind(tenant.as_str())
                .bind(id.as_str())
                .execute(&self.pool)
                .await?;
        expect_one(&r, id)
    }

    async fn set_source_api_tps(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        tps: Option<u32>,
    ) -> Result<(), StoreError> {
        let r = sqlx::query("UPDATE sources SET api_tps = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(tps.map(i64::from))
            .bind(tenant.as_str())
            .bind(id.as_str())
            .execute(&self.pool)
            .await?;
        expect_one(&r, id)
    }

    async fn set_source_quota(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        model: QuotaModel,
        budget: f64,
    ) -> Result<(), StoreError> {
        let r = sqlx::query(
            "UPDATE sources SET quota_model = $1, quota_budget = $2 WHERE tenant_id = $3 AND id = $4",
        )
        .bind(model.as_str())
        .bind(budget)
        .bind(tenant.as_str())
        .bind(id.as_str())
        .execute(&self.pool)
        .await?;
        expect_one(&r, id)
    }

    /// Children first, in one transaction; every statement is scoped by tenant.
    async fn delete_source(&self, tenant: &TenantId, id: &SourceId) -> Result<(), StoreError> {
        let mut tx = super::pool::begin_write(&self.pool).await?;
        get_in(&mut tx, tenant, id).await?;
        // The directory by the source's integer key, then the keys
        // themselves (its `id_keys`, then its `source_keys` row).
        let source_key = super::keys::source_key("$1", "$2");
        for table in ["dir_users", "dir_groups", "dir_memberships", "id_keys"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE source_key = {source_key}"
            ))
            .bind(tenant.as_str())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        }
        for table in ["source_keys", "jobs", "check_settings", "hr_rosters"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE tenant_id = $1 AND source_id = $2"
            ))
            .bind(tenant.as_str())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        }
        for table in ["stage_users", "stage_groups", "stage_memberships"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE tenant_id = $1 AND sync_id IN (SELECT id FROM sync_runs WHERE tenant_id = $1 AND source_id = $2)"
            ))
            .bind(tenant.as_str())
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        }
        super::access::write::delete_source(&mut tx, tenant, id).await?;
        for sql in [
            "DELETE FROM sync_runs WHERE tenant_id = $1 AND source_id = $2",
            "DELETE FROM sources WHERE tenant_id = $1 AND id = $2",
        ] {
            sqlx::query(sql)
                .bind(tenant.as_str())
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
