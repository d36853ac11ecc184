//! Opening a campaign: the population is copied from the snapshot into
//! `review_items` by the database (memberships: one INSERT … SELECT; access:
//! keyset pages of the `Access` port, a batch at a time), so opening a
//! million-item campaign holds one page in memory at most.
//!
//! `open` here checks the request, writes the campaign and fills it;
//! `memberships` and `access` copy the two kinds of population, `snapshot_sql`
//! holds the SQL they (and the plan tests) run against the snapshot,
//! `reviewers` assigns each item its reviewer, and `ownership` keeps the
//! owners that assignment reads.

use roster_core::TenantId;
use roster_core::review::PopulationKind;
use sqlx::AnyPool;

use super::normal_email;
use crate::error::StoreError;
use crate::ports::Syncs;
use crate::ports::reviews::{Campaign, NewCampaign};
use crate::records::SyncStatus;
use crate::sql::SqlStore;
use crate::sql::rows::corrupt;

mod access;
mod memberships;
mod ownership;
mod reviewers;
mod snapshot_sql;

pub(super) use ownership::{owners, set_owner};
pub(in crate::sql) use snapshot_sql::{population_count_sql, population_sql, scope_sql};

/// An item is its own user's access when the reviewer's email equals the
/// user's email or user name (ASCII case-insensitive, as `same_person`), or
/// any other email of the user's (`own_emails::reassign_own`).
pub(super) const SELF_REVIEW: &str =
    "(reviewer = lower(trim(user_email)) OR reviewer = lower(trim(user_name)))";

/// Groups read per page when resolving a group filter; access rows per batch.
const PAGE: u32 = 1000;

fn check_text(what: &str, s: &str, max: usize) -> Result<(), StoreError> {
    if s.len() > max || s.contains('\0') {
        return Err(StoreError::Conflict(format!(
            "the {what} must be at most {max} bytes, without NUL"
        )));
    }
    Ok(())
}

pub(super) async fn open(
    store: &SqlStore,
    tenant: &TenantId,
    new: &NewCampaign,
) -> Result<Campaign, StoreError> {
    check_text("campaign name", &new.name, 200)?;
    check_text("actor", &new.created_by, 400)?;
    new.filter
        .validate()
        .map_err(|e| StoreError::Conflict(e.to_string()))?;
    let reviewer = new.reviewer.as_deref().map(normal_email).transpose()?;
    let fallback = new
        .fallback_reviewer
        .as_deref()
        .map(normal_email)
        .transpose()?;
    let run = store.get_sync(tenant, new.snapshot.sync_id).await?;
    if run.source_id != new.snapshot.source_id {
        return Err(StoreError::NotFound(format!(
            "sync {}",
            new.snapshot.sync_id
        )));
    }
    if run.status != SyncStatus::Complete {
        return Err(StoreError::Conflict(format!(
            "sync {} is not a complete snapshot",
            run.id
        )));
    }
    let filter_json = serde_json::to_string(&new.filter).map_err(corrupt)?;
    let patterns_json = serde_json::to_string(&new.privileged_patterns).map_err(corrupt)?;
    let now = store.clock.now().to_string();
    sqlx::query(
        "INSERT INTO review_campaigns (id, tenant_id, name, source_id, sync_id, kind, filter, privileged_patterns, \
         reviewer, fallback_reviewer, due_at, remediation_days, status, items, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'opening', 0, $13, $14)",
    )
    .bind(new.id.as_str())
    .bind(tenant.as_str())
    .bind(&new.name)
    .bind(new.snapshot.source_id.as_str())
    .bind(new.snapshot.sync_id.0)
    .bind(new.kind.as_str())
    .bind(filter_json)
    .bind(patterns_json)
    .bind(reviewer.clone())
    .bind(fallback.clone())
    .bind(new.due_at.map(|t| t.to_string()))
    .bind(i64::from(new.remediation_days))
    .bind(&new.created_by)
    .bind(now)
    .execute(&store.pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::NotFound(format!("tenant {tenant}"))
        }
        _ => e.into(),
    })?;
    let filled = match new.kind {
        PopulationKind::Memberships => memberships::fill_memberships(store, tenant, new).await,
        PopulationKind::Access => access::fill_access(store, tenant, new).await,
    };
    let count = match filled {
        Ok(0) => Err(StoreError::Conflict(
            "the population is empty: nothing in this snapshot matches the filter".into(),
        )),
        Ok(n) => Ok(n),
        Err(e) => Err(e),
    };
    let count = match count {
        Ok(n) => n,
        Err(e) => {
            discard(&store.pool, new).await?;
            return Err(e);
        }
    };
    reviewers::assign_reviewers(
        &store.pool,
        tenant,
        new,
        reviewer.as_deref(),
        fallback.as_deref(),
    )
    .await?;
    sqlx::query(
        "UPDATE review_campaigns SET status = 'open', items = $1 WHERE tenant_id = $2 AND id = $3",
    )
    .bind(i64::try_from(count).map_err(corrupt)?)
    .bind(tenant.as_str())
    .bind(new.id.as_str())
    .execute(&store.pool)
    .await?;
    crate::sql::reviews::items::campaign(&store.pool, tenant, &new.id).await
}

/// Undoes a campaign that could not be opened (it was never `open`).
async fn discard(pool: &AnyPool, new: &NewCampaign) -> Result<(), StoreError> {
    for table in ["review_items", "review_scope_groups"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE campaign_id = $1"))
            .bind(new.id.as_str())
            .execute(pool)
            .await?;
    }
    sqlx::query("DELETE FROM review_campaigns WHERE id = $1 AND status = 'opening'")
        .bind(new.id.as_str())
        .execute(pool)
        .await?;
    Ok(())
}
