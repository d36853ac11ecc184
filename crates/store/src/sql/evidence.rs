//! Evidence settings in SQL: check settings, HR rosters, signing keys.

use async_trait::async_trait;
use roster_core::evidence::{CheckSettings, HrRoster};
use roster_core::{SourceId, TenantId};
use sqlx::Row;

use super::SqlStore;
use super::rows::{self, corrupt};
use crate::error::StoreError;
use crate::ports::evidence::{EvidenceSettings, StoredHrRoster};

impl SqlStore {
    /// `NotFound` unless the source exists in this tenant.
    pub(super) async fn require_source(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<(), StoreError> {
        sqlx::query("SELECT 1 FROM sources WHERE tenant_id = $1 AND id = $2")
            .bind(tenant.as_str())
            .bind(source.as_str())
            .fetch_optional(&self.pool)
            .await?
            .map(|_| ())
            .ok_or_else(|| StoreError::NotFound(format!("source {source}")))
    }
}

#[async_trait]
impl EvidenceSettings for SqlStore {
    async fn check_settings(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<CheckSettings, StoreError> {
        self.require_source(tenant, source).await?;
        let row = sqlx::query(
            "SELECT settings FROM check_settings WHERE tenant_id = $1 AND source_id = $2",
        )
        .bind(tenant.as_str())
        .bind(source.as_str())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => serde_json::from_str(&r.try_get::<String, _>(0)?).map_err(corrupt),
            None => Ok(CheckSettings::default()),
        }
    }

    async fn set_check_settings(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        settings: &CheckSettings,
    ) -> Result<(), StoreError> {
        self.require_source(tenant, source).await?;
        sqlx::query(
            "INSERT INTO check_settings (tenant_id, source_id, settings, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (tenant_id, source_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
        )
        .bind(tenant.as_str())
        .bind(source.as_str())
        .bind(serde_json::to_string(settings).map_err(corrupt)?)
        .bind(self.clock.now().to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn save_hr_roster(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        file_name: &str,
        roster: &HrRoster,
    ) -> Result<(), StoreError> {
        self.require_source(tenant, source).await?;
        sqlx::query(
            "INSERT INTO hr_rosters (tenant_id, source_id, file_name, uploaded_at, employees, emails) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(tenant.as_str())
        .bind(source.as_str())
        .bind(file_name)
        .bind(self.clock.now().to_string())
        .bind(i64::try_from(roster.len()).map_err(corrupt)?)
        .bind(serde_json::to_string(&roster.emails).map_err(corrupt)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn latest_hr_roster(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<Option<StoredHrRoster>, StoreError> {
        let row = sqlx::query(
            "SELECT file_name, uploaded_at, emails FROM hr_rosters WHERE tenant_id = $1 AND source_id = $2 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(tenant.as_str())
        .bind(source.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let emails: String = r.try_get("emails")?;
            Ok(StoredHrRoster {
                file_name: r.try_get("file_name")?,
                uploaded_at: rows::timestamp(&r, "uploaded_at")?,
                roster: HrRoster {
                    emails: serde_json::from_str(&emails).map_err(corrupt)?,
                },
            })
        })
        .transpose()
    }

    async fn signing_seed(&self, tenant: &TenantId, candidate: &str) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO signing_keys (tenant_id, seed, created_at) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING",
        )
        .bind(tenant.as_str())
        .bind(candidate)
        .bind(self.clock.now().to_string())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT seed FROM signing_keys WHERE tenant_id = $1")
            .bind(tenant.as_str())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }
}
