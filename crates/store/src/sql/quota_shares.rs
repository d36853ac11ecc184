//! Shares of an instance's quota: one row per holding process, renewed
//! while it syncs, gone when released or expired.

use async_trait::async_trait;
use std::time::Duration;

use roster_core::WorkerId;
use sqlx::Row;

use super::SqlStore;
use super::rows::corrupt;

use crate::error::StoreError;
use crate::ports::{QuotaHolders, QuotaShares};

#[async_trait]
impl QuotaShares for SqlStore {
    async fn hold_quota_share(
        &self,
        instance: &str,
        holder: &WorkerId,
        ttl: Duration,
    ) -> Result<QuotaHolders, StoreError> {
        let at = self.clock.now();
        let now = at.to_string();
        let mut tx = super::pool::begin_write(&self.pool).await?;
        sqlx::query("DELETE FROM quota_shares WHERE instance_key = $1 AND expires_at < $2")
            .bind(instance)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO quota_shares (instance_key, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (instance_key, holder) DO UPDATE SET expires_at = excluded.expires_at, \
             renewals = quota_shares.renewals + 1",
        )
        .bind(instance)
        .bind(holder.as_str())
        .bind(at.plus(ttl).to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        // Read after the commit, so a holder that joined at the same time is
        // seen by at least one of the two.
        let rows = sqlx::query(
            "SELECT holder, renewals FROM quota_shares WHERE instance_key = $1 AND expires_at >= $2",
        )
        .bind(instance)
        .bind(&now)
        .fetch_all(&self.pool)
        .await?;
        let mut others = std::collections::BTreeMap::new();
        for row in &rows {
            let name = WorkerId::parse(row.try_get(0)?).map_err(corrupt)?;
            if &name != holder {
                others.insert(name, row.try_get::<i64, _>(1)?);
            }
        }
        Ok(QuotaHolders {
            count: u32::try_from(others.len() + 1).unwrap_or(u32::MAX),
            others,
        })
    }

    async fn release_quota_share(
        &self,
        instance: &str,
        holder: &WorkerId,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM quota_shares WHERE instance_key = $1 AND holder = $2")
            .bind(instance)
            .bind(holder.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
