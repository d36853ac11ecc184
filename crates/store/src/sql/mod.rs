//! The SQL implementation of `Store`, shared by `SQLite` and `PostgreSQL` through
//! sqlx's `Any` driver. Queries are written once in the common dialect
//! (`$N` parameters, partial indexes, `ON CONFLICT`, `RETURNING`).

mod audit;
mod browse;
mod connect;
mod console;
mod directory;
mod evidence;
mod history;
mod jobs;
mod migrate;
mod quota_shares;
mod rows;
mod sources;
mod syncs;
mod text;
mod versions;

use async_trait::async_trait;
use std::sync::Arc;

use roster_core::{
    Clock, ExternalId, Group, JobId, RoleArn, SnapshotCounts, SourceId, SyncId, SyncStats,
    TenantId, User, WorkerId,
};
use sqlx::AnyPool;

use crate::api::{Jobs, Migrations, QuotaShares, Snapshots, Sources, Store, Syncs};
use crate::error::StoreError;
use crate::records::{
    Backend, DirectoryLocation, Job, JobOutcome, MembershipRow, NewSource, Snapshot, Source,
    SourceStatus, StageBatch, SyncFailure, SyncRun, Tenant, VersionCounts, Versioning,
};

/// A `Store` over a `SQLite` file or a `PostgreSQL` database.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    clock: Arc<dyn Clock>,
}

impl SqlStore {
    /// Connects and applies pending migrations; times come from the system clock.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_clock(url, roster_core::clock::system()).await
    }

    /// Connects and applies pending migrations; every stored time comes from `clock`.
    pub async fn connect_with_clock(url: &str, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        let (pool, backend) = connect::open(url).await?;
        migrate::run(&pool, backend, &*clock).await?;
        Ok(Self {
            pool,
            backend,
            clock,
        })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Folds `SQLite`'s write-ahead log into the database file (so file sizes
    /// mean something); nothing to do on `PostgreSQL`.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}

impl Store for SqlStore {
    fn backend(&self) -> Backend {
        self.backend
    }

    fn clock(&self) -> &dyn Clock {
        &*self.clock
    }
}

#[async_trait]
impl Migrations for SqlStore {
    async fn migrations_current(&self) -> Result<bool, StoreError> {
        migrate::is_current(&self.pool, self.backend).await
    }
}

#[async_trait]
impl Sources for SqlStore {
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        sources::list_tenants(&self.pool).await
    }

    async fn set_source_status(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        status: SourceStatus,
    ) -> Result<(), StoreError> {
        sources::set_status(&self.pool, tenant, id, status).await
    }

    async fn set_source_interval(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        seconds: u32,
    ) -> Result<(), StoreError> {
        sources::set_interval(&self.pool, tenant, id, seconds).await
    }

    async fn set_source_api_tps(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        tps: Option<u32>,
    ) -> Result<(), StoreError> {
        sources::set_api_tps(&self.pool, tenant, id, tps).await
    }

    async fn delete_source(&self, tenant: &TenantId, id: &SourceId) -> Result<(), StoreError> {
        sources::delete(&self.pool, tenant, id).await
    }

    async fn create_tenant(&self, tenant: &TenantId, name: &str) -> Result<(), StoreError> {
        sources::create_tenant(&self.pool, &*self.clock, tenant, name).await
    }

    async fn create_source(
        &self,
        tenant: &TenantId,
        new: &NewSource,
    ) -> Result<Source, StoreError> {
        sources::create(&self.pool, &*self.clock, tenant, new).await
    }

    async fn get_source(&self, tenant: &TenantId, id: &SourceId) -> Result<Source, StoreError> {
        sources::get(&self.pool, tenant, id).await
    }

    async fn find_source_by_external_id(
        &self,
        tenant: &TenantId,
        external_id: &ExternalId,
    ) -> Result<Option<Source>, StoreError> {
        sources::find_by_external_id(&self.pool, tenant, external_id).await
    }

    async fn list_sources(&self, tenant: &TenantId) -> Result<Vec<Source>, StoreError> {
        sources::list(&self.pool, tenant).await
    }

    async fn set_source_role(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        role: &RoleArn,
    ) -> Result<(), StoreError> {
        sources::set_role(&self.pool, tenant, id, role).await
    }

    async fn set_source_location(
        &self,
        tenant: &TenantId,
        id: &SourceId,
        location: &DirectoryLocation,
    ) -> Result<(), StoreError> {
        sources::set_location(&self.pool, tenant, id, location).await
    }
}

#[async_trait]
impl Syncs for SqlStore {
    async fn clean_staging(&self, tenant: &TenantId, source: &SourceId) -> Result<(), StoreError> {
        syncs::clean_staging(&self.pool, tenant, source).await
    }

    async fn begin_sync(&self, tenant: &TenantId, source: &SourceId) -> Result<SyncId, StoreError> {
        syncs::begin(&self.pool, &*self.clock, tenant, source).await
    }

    async fn stage_with(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        batch: &StageBatch,
        versioning: Versioning,
    ) -> Result<(), StoreError> {
        versions::write_batch(&self.pool, tenant, sync, batch, versioning).await
    }

    async fn publish_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        location: Option<&DirectoryLocation>,
        stats: &SyncStats,
    ) -> Result<SnapshotCounts, StoreError> {
        syncs::publish(&self.pool, &*self.clock, tenant, sync, location, stats).await
    }

    async fn fail_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
        failure: &SyncFailure,
        stats: &SyncStats,
    ) -> Result<(), StoreError> {
        syncs::fail(&self.pool, &*self.clock, tenant, sync, failure, stats).await
    }

    async fn get_sync(&self, tenant: &TenantId, sync: SyncId) -> Result<SyncRun, StoreError> {
        syncs::get(&self.pool, tenant, sync).await
    }

    async fn list_syncs(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        limit: u32,
    ) -> Result<Vec<SyncRun>, StoreError> {
        syncs::list(&self.pool, tenant, source, limit).await
    }

    async fn latest_snapshot(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<Option<Snapshot>, StoreError> {
        syncs::latest_snapshot(&self.pool, tenant, source).await
    }
}

#[async_trait]
impl Snapshots for SqlStore {
    async fn users_page(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        directory::users_page(&self.pool, tenant, snapshot, after, limit).await
    }

    async fn groups_page(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Group>, StoreError> {
        directory::groups_page(&self.pool, tenant, snapshot, after, limit).await
    }

    async fn memberships_page(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MembershipRow>, StoreError> {
        directory::memberships_page(&self.pool, tenant, snapshot, after, limit).await
    }

    async fn version_counts(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<VersionCounts, StoreError> {
        directory::version_counts(&self.pool, tenant, source).await
    }
}

#[async_trait]
impl QuotaShares for SqlStore {
    async fn hold_quota_share(
        &self,
        instance: &str,
        holder: &str,
        ttl: std::time::Duration,
    ) -> Result<crate::api::QuotaHolders, StoreError> {
        quota_shares::hold(&self.pool, &*self.clock, instance, holder, ttl).await
    }

    async fn release_quota_share(&self, instance: &str, holder: &str) -> Result<(), StoreError> {
        quota_shares::release(&self.pool, instance, holder).await
    }
}

#[async_trait]
impl Jobs for SqlStore {
    async fn enqueue_sync(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        reason: &str,
    ) -> Result<Job, StoreError> {
        jobs::enqueue(&self.pool, &*self.clock, tenant, source, reason).await
    }

    async fn claim_job(
        &self,
        worker: &WorkerId,
        lease: std::time::Duration,
    ) -> Result<Option<Job>, StoreError> {
        jobs::claim(&self.pool, &*self.clock, self.backend, worker, lease).await
    }

    async fn renew_lease(
        &self,
        job: JobId,
        worker: &WorkerId,
        lease: std::time::Duration,
    ) -> Result<bool, StoreError> {
        jobs::renew(&self.pool, &*self.clock, job, worker, lease).await
    }

    async fn finish_job(
        &self,
        job: JobId,
        worker: &WorkerId,
        outcome: &JobOutcome,
    ) -> Result<(), StoreError> {
        jobs::finish(&self.pool, &*self.clock, job, worker, outcome).await
    }

    async fn running_jobs_of(&self, worker: &WorkerId) -> Result<Vec<JobId>, StoreError> {
        jobs::running_of(&self.pool, worker).await
    }

    async fn release_job(&self, job: JobId, worker: &WorkerId) -> Result<(), StoreError> {
        jobs::release(&self.pool, job, worker).await
    }

    async fn schedule_due(&self) -> Result<u32, StoreError> {
        jobs::schedule_due(&self.pool, &*self.clock).await
    }

    async fn list_jobs(&self, tenant: &TenantId, limit: u32) -> Result<Vec<Job>, StoreError> {
        jobs::list(&self.pool, tenant, limit).await
    }

    async fn queue_depth(&self) -> Result<u64, StoreError> {
        jobs::depth(&self.pool).await
    }

    async fn job_for_sync(
        &self,
        tenant: &TenantId,
        sync: SyncId,
    ) -> Result<Option<Job>, StoreError> {
        jobs::for_sync(&self.pool, tenant, sync).await
    }
}
