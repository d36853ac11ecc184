//! `Access` on SQL: the SSO source's versioned tables (migration 0012).
//! `access/tables.rs` defines the tables and their rows, `access/write.rs`
//! stages and publishes an access run, `access/read.rs` reads snapshots and
//! diffs. Runs begin, publish and fail through `sql::syncs`, which calls
//! into `write` for runs of the access scope.

#[cfg(test)]
mod plans;
pub(super) mod read;
pub(super) mod tables;
pub(super) mod write;

use async_trait::async_trait;
use roster_core::sso::{
    AccessCheckSettings, AccessDiff, Account, AccountAssignment, Application, ApplicationAssignment,
};
use roster_core::{SourceId, SyncId, TenantId};
use sqlx::Row;

use super::SqlStore;
use super::rows::{self, corrupt};
use super::syncs::lock_running;
use crate::error::StoreError;
use crate::ports::Access;
use crate::ports::access::{
    AccessBatch, AccessCounts, AccessEntry, AccessFilter, StoredPermissionSet, SyncScope,
};
use crate::records::Snapshot;
use read::visible;
use tables::Staged;

impl SqlStore {
    /// `SELECT doc…` (with `extra` columns first) of a table's rows visible
    /// at `at`, in key order.
    async fn snapshot_rows(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
        table: &str,
        columns: &str,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let sql = format!(
            "SELECT {columns} FROM {table} a WHERE {} ORDER BY a.k",
            visible("a")
        );
        Ok(sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(at.source_id.as_str())
            .bind(at.sync_id.0)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn count_visible(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
        from: &str,
        extra: &str,
    ) -> Result<u64, StoreError> {
        let sql = format!("SELECT COUNT(*) FROM {from} WHERE {}{extra}", visible("a"));
        let row = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(at.source_id.as_str())
            .bind(at.sync_id.0)
            .fetch_one(&self.pool)
            .await?;
        rows::single_count(&row)
    }
}

fn staged<T>(
    items: &[T],
    f: fn(&T) -> Result<Staged, StoreError>,
) -> Result<Vec<Staged>, StoreError> {
    items.iter().map(f).collect()
}

#[async_trait]
impl Access for SqlStore {
    async fn begin_access_sync(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<SyncId, StoreError> {
        self.begin_run(tenant, source, SyncScope::Access).await
    }

    async fn set_source_collects_access(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        collects: bool,
    ) -> Result<(), StoreError> {
        let r =
            sqlx::query("UPDATE sources SET collects_access = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(i64::from(collects))
                .bind(tenant.as_str())
                .bind(source.as_str())
                .execute(&self.pool)
                .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("source {source}")));
        }
        Ok(())
    }

    async fn access_settings(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<AccessCheckSettings, StoreError> {
        let row =
            sqlx::query("SELECT access_settings FROM sources WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_str())
                .bind(source.as_str())
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("source {source}")))?;
        match row.try_get::<Option<String>, _>(0)? {
            Some(json) => serde_json::from_str(&json).map_err(corrupt),
            None => Ok(AccessCheckSettings::default()),
        }
    }

    async fn set_access_settings(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        settings: &AccessCheckSettings,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(settings).map_err(corrupt)?;
        let r =
            sqlx::query("UPDATE sources SET access_settings = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(super::text::column(&json).into_owned())
                .bind(tenant.as_str())
                .bind(source.as_str())
                .execute(&self.pool)
                .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("source {source}")));
        }
        Ok(())
    }

    async fn stage_access(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        batch: &AccessBatch,
    ) -> Result<(), StoreError> {
        // Encoded before the transaction: nothing but SQL while it holds the lock.
        let tables = [
            (&tables::ACCOUNTS, staged(&batch.accounts, tables::account)?),
            (
                &tables::PERMISSION_SETS,
                staged(&batch.permission_sets, tables::permission_set)?,
            ),
            (
                &tables::ACCOUNT_ASSIGNMENTS,
                staged(&batch.account_assignments, tables::account_assignment)?,
            ),
            (
                &tables::APPLICATIONS,
                staged(&batch.applications, tables::application)?,
            ),
            (
                &tables::APPLICATION_ASSIGNMENTS,
                staged(
                    &batch.application_assignments,
                    tables::application_assignment,
                )?,
            ),
            (&tables::ACCESS, staged(&batch.access, tables::access)?),
        ];
        let mut tx = super::pool::begin_write(&self.pool).await?;
        let locked = sqlx::query(
            "UPDATE sync_runs SET status = status WHERE tenant_id = $1 AND id = $2 \
             AND status = 'running' AND scope = 'access' RETURNING id",
        )
        .bind(tenant.as_str())
        .bind(sync.0)
        .fetch_optional(&mut *tx)
        .await?;
        if locked.is_none() {
            // NotFound, or Conflict for a run that is no longer running…
            lock_running(&mut tx, tenant, sync).await?;
            // …or a running directory run.
            return Err(StoreError::Conflict(format!(
                "sync {sync} reads the directory, not access"
            )));
        }
        for (table, rows) in &tables {
            write::stage(&mut tx, (sync, tenant), table, rows).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn latest_access_snapshot(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<Option<Snapshot>, StoreError> {
        self.latest_of_scope(tenant, source, SyncScope::Access)
            .await
    }

    async fn access_page(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
        filter: &AccessFilter,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AccessEntry>, StoreError> {
        read::page(&self.pool, tenant, at, filter, after, limit).await
    }

    async fn accounts(&self, tenant: &TenantId, at: &Snapshot) -> Result<Vec<Account>, StoreError> {
        let rows = self
            .snapshot_rows(tenant, at, "sso_accounts", "a.doc")
            .await?;
        let mut accounts: Vec<Account> = rows
            .iter()
            .map(|r| tables::doc(r, 0))
            .collect::<Result<_, _>>()?;
        accounts.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(accounts)
    }

    async fn permission_sets(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
    ) -> Result<Vec<StoredPermissionSet>, StoreError> {
        let rows = self
            .snapshot_rows(tenant, at, "sso_permission_sets", "a.privileged, a.doc")
            .await?;
        let mut sets = rows
            .iter()
            .map(|r| tables::permission_set_of(r.try_get(0)?, &r.try_get::<String, _>(1)?))
            .collect::<Result<Vec<_>, _>>()?;
        sets.sort_by(|a, b| {
            let key = |p: &StoredPermissionSet| {
                (
                    p.facts.permission_set.name.clone(),
                    p.facts.permission_set.permission_set_arn.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        Ok(sets)
    }

    async fn account_assignments(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
    ) -> Result<Vec<AccountAssignment>, StoreError> {
        let rows = self
            .snapshot_rows(tenant, at, "sso_account_assignments", "a.doc")
            .await?;
        rows.iter().map(|r| tables::doc(r, 0)).collect()
    }

    async fn applications(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
    ) -> Result<Vec<(Application, Vec<ApplicationAssignment>)>, StoreError> {
        let apps = self
            .snapshot_rows(tenant, at, "sso_applications", "a.doc")
            .await?;
        let mut out: Vec<(Application, Vec<ApplicationAssignment>)> = apps
            .iter()
            .map(|r| Ok((tables::doc(r, 0)?, Vec::new())))
            .collect::<Result<_, StoreError>>()?;
        let assignments = self
            .snapshot_rows(tenant, at, "sso_application_assignments", "a.doc")
            .await?;
        let index: std::collections::HashMap<String, usize> = out
            .iter()
            .enumerate()
            .map(|(i, (app, _))| (app.application_arn.clone(), i))
            .collect();
        for r in &assignments {
            let a: ApplicationAssignment = tables::doc(r, 0)?;
            // Assignments of an application the run did not list are not shown.
            if let Some(&i) = index.get(&a.application_arn) {
                out[i].1.push(a);
            }
        }
        Ok(out)
    }

    async fn access_counts(
        &self,
        tenant: &TenantId,
        at: &Snapshot,
    ) -> Result<AccessCounts, StoreError> {
        let privileged_join = "sso_access a JOIN sso_permission_sets ps ON ps.tenant_id = a.tenant_id \
             AND ps.source_id = a.source_id AND ps.k = a.permission_set_arn \
             AND +ps.valid_from <= $3 AND (+ps.valid_to IS NULL OR +ps.valid_to > $3) AND ps.privileged = 1";
        Ok(AccessCounts {
            accounts: self.count_visible(tenant, at, "sso_accounts a", "").await?,
            permission_sets: self
                .count_visible(tenant, at, "sso_permission_sets a", "")
                .await?,
            account_assignments: self
                .count_visible(tenant, at, "sso_account_assignments a", "")
                .await?,
            applications: self
                .count_visible(tenant, at, "sso_applications a", "")
                .await?,
            access_rows: self.count_visible(tenant, at, "sso_access a", "").await?,
            orphaned_rows: self
                .count_visible(tenant, at, "sso_access a", " AND a.orphaned = 1")
                .await?,
            privileged_rows: self.count_visible(tenant, at, privileged_join, "").await?,
        })
    }

    async fn access_diff(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        from: SyncId,
        to: SyncId,
    ) -> Result<AccessDiff, StoreError> {
        read::diff(&self.pool, tenant, source, from, to).await
    }
}
