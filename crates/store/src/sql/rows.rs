//! Decoding rows into records. Stored values were validated on the way in;
//! a value that no longer parses is reported as `Corrupt`, never unwrapped.

use roster_core::quota::QuotaModel;
use roster_core::{
    AccountId, ExternalId, IdentityStoreId, Region, RoleArn, SnapshotCounts, SourceId, SyncId,
    SyncStats, TenantId, Timestamp,
};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::StoreError;
use crate::ports::access::SyncScope;
use crate::records::{
    DirectoryLocation, InstanceType, Placement, Source, SourceStatus, SyncFailure, SyncRun,
    SyncStatus,
};

pub(super) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// A stored time (text; see `roster_core::time` for the forms read).
pub(super) fn timestamp(row: &AnyRow, col: &str) -> Result<Timestamp, StoreError> {
    let text: String = row.try_get(col)?;
    Timestamp::parse(&text).map_err(corrupt)
}

pub(super) fn optional_timestamp(row: &AnyRow, col: &str) -> Result<Option<Timestamp>, StoreError> {
    let text: Option<String> = row.try_get(col)?;
    text.as_deref()
        .map(Timestamp::parse)
        .transpose()
        .map_err(corrupt)
}

fn count(row: &AnyRow, col: &str) -> Result<u64, StoreError> {
    let v: i64 = row.try_get(col)?;
    u64::try_from(v).map_err(corrupt)
}

pub(super) const SOURCE_COLUMNS: &str = "id, tenant_id, name, role_arn, external_id, region, identity_store_id, instance_arn, account_id, status, created_at, sync_interval_s, next_sync_at, api_tps, quota_model, quota_budget, instance_status, instance_type, management_account, placement, collects_access";

pub(super) fn source(row: &AnyRow) -> Result<Source, StoreError> {
    let role_arn: Option<String> = row.try_get("role_arn")?;
    let region: Option<String> = row.try_get("region")?;
    let store_id: Option<String> = row.try_get("identity_store_id")?;
    let account: Option<String> = row.try_get("account_id")?;
    let location = match (store_id, region) {
        (Some(id), Some(region)) => Some(DirectoryLocation {
            identity_store_id: IdentityStoreId::parse(&id).map_err(corrupt)?,
            region: Region::parse(&region).map_err(corrupt)?,
            instance_arn: row.try_get("instance_arn")?,
            account_id: account
                .as_deref()
                .map(AccountId::parse)
                .transpose()
                .map_err(corrupt)?,
            instance_status: row.try_get("instance_status")?,
            instance_type: {
                let t: String = row.try_get("instance_type")?;
                InstanceType::parse(&t).ok_or_else(|| corrupt(format!("instance type {t}")))?
            },
            management_account: row
                .try_get::<Option<String>, _>("management_account")?
                .as_deref()
                .map(AccountId::parse)
                .transpose()
                .map_err(corrupt)?,
            placement: {
                let p: String = row.try_get("placement")?;
                Placement::parse(&p).ok_or_else(|| corrupt(format!("placement {p}")))?
            },
        }),
        _ => None,
    };
    let status: String = row.try_get("status")?;
    Ok(Source {
        id: SourceId::parse(row.try_get("id")?).map_err(corrupt)?,
        tenant_id: TenantId::parse(row.try_get("tenant_id")?).map_err(corrupt)?,
        name: row.try_get("name")?,
        role_arn: role_arn
            .as_deref()
            .map(RoleArn::parse)
            .transpose()
            .map_err(corrupt)?,
        external_id: ExternalId::parse(row.try_get("external_id")?).map_err(corrupt)?,
        location,
        status: SourceStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("source status {status}")))?,
        created_at: timestamp(row, "created_at")?,
        sync_interval_s: u32::try_from(row.try_get::<i64, _>("sync_interval_s")?)
            .map_err(corrupt)?,
        next_sync_at: optional_timestamp(row, "next_sync_at")?,
        api_tps: row
            .try_get::<Option<i64>, _>("api_tps")?
            .map(u32::try_from)
            .transpose()
            .map_err(corrupt)?,
        quota_model: {
            let model: String = row.try_get("quota_model")?;
            QuotaModel::parse(&model).ok_or_else(|| corrupt(format!("quota model {model}")))?
        },
        quota_budget: row.try_get("quota_budget")?,
        collects_access: row.try_get::<i64, _>("collects_access")? != 0,
    })
}

pub(super) const SYNC_COLUMNS: &str = "id, source_id, status, started_at, finished_at, users_count, groups_count, memberships_count, stats, identity_store_id, region, error_code, error_cause, error_fix, directory_format, scope";

pub(super) fn sync_run(row: &AnyRow) -> Result<SyncRun, StoreError> {
    let status: String = row.try_get("status")?;
    let stats_json: String = row.try_get("stats")?;
    let code: Option<String> = row.try_get("error_code")?;
    let failure = match code {
        Some(code) => Some(SyncFailure {
            code,
            cause: row
                .try_get::<Option<String>, _>("error_cause")?
                .unwrap_or_default(),
            fix: row
                .try_get::<Option<String>, _>("error_fix")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    Ok(SyncRun {
        id: SyncId(row.try_get("id")?),
        source_id: SourceId::parse(row.try_get("source_id")?).map_err(corrupt)?,
        status: SyncStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("sync status {status}")))?,
        started_at: timestamp(row, "started_at")?,
        finished_at: optional_timestamp(row, "finished_at")?,
        counts: SnapshotCounts {
            users: count(row, "users_count")?,
            groups: count(row, "groups_count")?,
            memberships: count(row, "memberships_count")?,
        },
        stats: serde_json::from_str::<SyncStats>(&stats_json).unwrap_or_default(),
        identity_store_id: row.try_get("identity_store_id")?,
        region: row.try_get("region")?,
        failure,
        directory_format: u8::try_from(row.try_get::<i64, _>("directory_format")?)
            .map_err(corrupt)?,
        scope: {
            let scope: String = row.try_get("scope")?;
            SyncScope::parse(&scope).ok_or_else(|| corrupt(format!("sync scope {scope}")))?
        },
    })
}

pub(super) fn single_count(row: &AnyRow) -> Result<u64, StoreError> {
    let v: i64 = row.try_get(0)?;
    u64::try_from(v).map_err(corrupt)
}
