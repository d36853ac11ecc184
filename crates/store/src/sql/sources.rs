//! Tenants and sources (connections).

use roster_core::{Clock, ExternalId, RoleArn, SourceId, TenantId};
use sqlx::{AnyPool, Row};

use super::rows::{self, SOURCE_COLUMNS};
use crate::error::StoreError;
use crate::records::{DirectoryLocation, NewSource, Source, SourceStatus, Tenant};

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

pub(super) async fn create_tenant(
    pool: &AnyPool,
    clock: &dyn Clock,
    tenant: &TenantId,
    name: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(tenant.as_str())
        .bind(name)
        .bind(clock.now().to_string())
        .execute(pool)
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

pub(super) async fn create(
    pool: &AnyPool,
    clock: &dyn Clock,
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
    .bind(clock.now().to_string())
    .execute(pool)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict("this External ID is already used by another connection".into())
        } else if matches!(&e, sqlx::Error::Database(db) if db.is_foreign_key_violation()) {
            StoreError::NotFound(format!("tenant {tenant}"))
        } else {
            e.into()
        }
    })?;
    get(pool, tenant, id).await
}

pub(super) async fn get(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &SourceId,
) -> Result<Source, StoreError> {
    let sql = format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE tenant_id = $1 AND id = $2");
    let row = sqlx::query(&sql)
        .bind(tenant.as_str())
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    row.as_ref()
        .map(rows::source)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("source {id}")))
}

pub(super) async fn find_by_external_id(
    pool: &AnyPool,
    tenant: &TenantId,
    external_id: &ExternalId,
) -> Result<Option<Source>, StoreError> {
    let sql =
        format!("SELECT {SOURCE_COLUMNS} FROM sources WHERE tenant_id = $1 AND external_id = $2");
    let row = sqlx::query(&sql)
        .bind(tenant.as_str())
        .bind(external_id.expose())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(rows::source).transpose()
}

pub(super) async fn list(pool: &AnyPool, tenant: &TenantId) -> Result<Vec<Source>, StoreError> {
    let sql = format!(
        "SELECT {SOURCE_COLUMNS} FROM sources WHERE tenant_id = $1 ORDER BY created_at, id"
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.as_str())
        .fetch_all(pool)
        .await?;
    rows.iter().map(rows::source).collect()
}

fn expect_one(result: &sqlx::any::AnyQueryResult, id: &SourceId) -> Result<(), StoreError> {
    if result.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound(format!("source {id}")))
    }
}

pub(super) async fn set_role(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &SourceId,
    role: &RoleArn,
) -> Result<(), StoreError> {
    let r = sqlx::query("UPDATE sources SET role_arn = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(role.to_string())
        .bind(tenant.as_str())
        .bind(id.as_str())
        .execute(pool)
        .await?;
    expect_one(&r, id)
}

pub(super) async fn set_location(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &SourceId,
    location: &DirectoryLocation,
) -> Result<(), StoreError> {
    let r = sqlx::query(
        "UPDATE sources SET identity_store_id = $1, region = $2, instance_arn = $3, account_id = $4 \
         WHERE tenant_id = $5 AND id = $6",
    )
    .bind(location.identity_store_id.as_str())
    .bind(location.region.as_str())
    .bind(location.instance_arn.clone())
    .bind(location.account_id.as_ref().map(|a| a.as_str().to_owned()))
    .bind(tenant.as_str())
    .bind(id.as_str())
    .execute(pool)
    .await?;
    expect_one(&r, id)
}

pub(super) async fn list_tenants(pool: &AnyPool) -> Result<Vec<Tenant>, StoreError> {
    let rows = sqlx::query("SELECT id, name, created_at FROM tenants ORDER BY id")
        .fetch_all(pool)
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

pub(super) async fn set_status(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &SourceId,
    status: SourceStatus,
) -> Result<(), StoreError> {
    let r = sqlx::query("UPDATE sources SET status = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(status.as_str())
        .bind(tenant.as_str())
        .bind(id.as_str())
        .execute(pool)
        .await?;
    expect_one(&r, id)
}

pub(super) async fn set_interval(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &SourceId,
    seconds: u32,
) -> Result<(), StoreError> {
    let r = sqlx::query("UPDATE sources SET sync_interval_s = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(i64::from(seconds))
        .bind(tenant.as_str())
        .bind(id.as_str())
        .execute(pool)
        .await?;
    expect_one(&r, id)
}

pub(super) async fn set_api_tps(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &SourceId,
    tps: Option<u32>,
) -> Result<(), StoreError> {
    let r = sqlx::query("UPDATE sources SET api_tps = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(tps.map(i64::from))
        .bind(tenant.as_str())
        .bind(id.as_str())
        .execute(pool)
        .await?;
    expect_one(&r, id)
}

/// Children first, in one transaction; every statement is scoped by tenant.
pub(super) async fn delete(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &SourceId,
) -> Result<(), StoreError> {
    let mut tx = super::connect::begin_write(pool).await?;
    get_in(&mut tx, tenant, id).await?;
    for table in [
        "dir_users",
        "dir_groups",
        "dir_memberships",
        "jobs",
        "check_settings",
        "hr_rosters",
    ] {
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
