//! A memberships population: the scope's groups resolved from the filter,
//! then the snapshot's memberships of them copied by one INSERT … SELECT.

use roster_core::TenantId;
use roster_core::evidence::checks::glob_match;

use super::PAGE;
use super::{population_count_sql, population_sql, scope_sql};
use crate::error::StoreError;
use crate::ports::Snapshots;
use crate::ports::reviews::NewCampaign;
use crate::sql::SqlStore;
use crate::sql::rows::single_count;

/// The groups a memberships filter selects (chosen by ID or exact name,
/// and/or privileged by the patterns), written to `review_scope_groups`.
/// Groups are few next to memberships; they are read a page at a time.
pub(super) async fn scope_groups(
    store: &SqlStore,
    tenant: &TenantId,
    new: &NewCampaign,
) -> Result<(), StoreError> {
    let f = &new.filter;
    let mut after: Option<String> = None;
    loop {
        let page = store
            .groups_page(tenant, &new.snapshot, after.as_deref(), PAGE)
            .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.group_id.to_string());
        for g in &page {
            let name = g.display_name.as_deref();
            let chosen = f.groups.is_empty()
                || f.groups
                    .iter()
                    .any(|c| c == g.group_id.as_str() || Some(c.as_str()) == name);
            let privileged = !f.privileged_only
                || name.is_some_and(|n| new.privileged_patterns.iter().any(|p| glob_match(p, n)));
            if chosen && privileged {
                sqlx::query(
                    "INSERT INTO review_scope_groups (campaign_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(new.id.as_str())
                .bind(g.group_id.as_str())
                .execute(&store.pool)
                .await?;
            }
        }
        if page.len() < PAGE as usize {
            break;
        }
    }
    Ok(())
}

/// Copies the snapshot's memberships (in the scope's groups, when the
/// filter has one) into items, numbered by membership ID, and checks the
/// count against the snapshot's, in one transaction.
pub(super) async fn fill_memberships(
    store: &SqlStore,
    tenant: &TenantId,
    new: &NewCampaign,
) -> Result<u64, StoreError> {
    if !new.filter.accounts.is_empty() {
        return Err(StoreError::Conflict(
            "a memberships campaign cannot be filtered by account".into(),
        ));
    }
    let scoped = !new.filter.groups.is_empty() || new.filter.privileged_only;
    if scoped {
        scope_groups(store, tenant, new).await?;
    }
    let in_scope = if scoped {
        scope_sql()
    } else {
        "AND $4 = $4".to_owned()
    };
    let mut tx = crate::sql::pool::begin_write(&store.pool).await?;
    let written = sqlx::query(&population_sql(&in_scope))
        .bind(tenant.as_str())
        .bind(new.snapshot.source_id.as_str())
        .bind(new.snapshot.sync_id.0)
        .bind(new.id.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let expected = single_count(
        &sqlx::query(&population_count_sql(&in_scope))
            .bind(tenant.as_str())
            .bind(new.snapshot.source_id.as_str())
            .bind(new.snapshot.sync_id.0)
            .bind(new.id.as_str())
            .fetch_one(&mut *tx)
            .await?,
    )?;
    if written != expected {
        return Err(StoreError::Corrupt(format!(
            "the population has {written} items but the snapshot {expected} memberships"
        )));
    }
    tx.commit().await?;
    Ok(written)
}
