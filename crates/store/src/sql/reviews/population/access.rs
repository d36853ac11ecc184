//! An access population: the snapshot's effective access, filtered, copied a
//! page at a time through the `Access` port, then the users' emails.

use roster_core::TenantId;

use super::PAGE;
use super::snapshot_sql::visible;
use crate::error::StoreError;
use crate::ports::Access;
use crate::ports::access::AccessFilter;
use crate::ports::reviews::NewCampaign;
use crate::sql::SqlStore;
use crate::sql::rows::{corrupt, single_count};

/// Copies the snapshot's effective access (filtered) into items, a page at
/// a time through the `Access` port; every (account, group) pair of the
/// filter is one disjoint keyset scan.
pub(super) async fn fill_access(
    store: &SqlStore,
    tenant: &TenantId,
    new: &NewCampaign,
) -> Result<u64, StoreError> {
    let f = &new.filter;
    let accounts: Vec<Option<roster_core::AccountId>> = if f.accounts.is_empty() {
        vec![None]
    } else {
        f.accounts
            .iter()
            .map(|a| {
                roster_core::AccountId::parse(a)
                    .map(Some)
                    .map_err(|e| StoreError::Conflict(e.to_string()))
            })
            .collect::<Result<_, _>>()?
    };
    let groups: Vec<Option<String>> = if f.groups.is_empty() {
        vec![None]
    } else {
        f.groups.iter().cloned().map(Some).collect()
    };
    let mut next_id: i64 = 0;
    for account in &accounts {
        for group in &groups {
            let filter = AccessFilter {
                account: account.clone(),
                group: group.clone(),
                privileged_only: f.privileged_only,
                ..AccessFilter::default()
            };
            let mut after: Option<String> = None;
            loop {
                let page = store
                    .access_page(tenant, &new.snapshot, &filter, after.as_deref(), PAGE)
                    .await?;
                let Some(last) = page.last() else { break };
                after = Some(last.cursor());
                let mut tx = crate::sql::pool::begin_write(&store.pool).await?;
                for e in &page {
                    next_id += 1;
                    let (via_id, via_name) = match &e.row.via {
                        roster_core::sso::Via::Direct => (None, None),
                        roster_core::sso::Via::Group {
                            group_id,
                            display_name,
                        } => (Some(group_id.clone()), display_name.clone()),
                    };
                    sqlx::query(
                        "INSERT INTO review_items (campaign_id, item_id, tenant_id, user_id, user_name, account_id, account_name, \
                         permission_set_arn, permission_set_name, via_group_id, via_group_name) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    )
                    .bind(new.id.as_str())
                    .bind(next_id)
                    .bind(tenant.as_str())
                    .bind(e.row.user_id.clone())
                    .bind(e.row.user_name.clone())
                    .bind(e.row.account_id.as_str())
                    .bind(e.account_name.clone())
                    .bind(e.row.permission_set_arn.as_str())
                    .bind(e.permission_set_name.clone())
                    .bind(via_id)
                    .bind(via_name)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                if page.len() < PAGE as usize {
                    break;
                }
            }
        }
    }
    // The users' emails, from the directory of the same snapshot.
    sqlx::query(&format!(
        "UPDATE review_items SET user_email = (SELECT u.email FROM dir_users u WHERE {} AND u.user_id = review_items.user_id) \
         WHERE campaign_id = $4",
        visible("u")
    ))
    .bind(tenant.as_str())
    .bind(new.snapshot.source_id.as_str())
    .bind(new.snapshot.sync_id.0)
    .bind(new.id.as_str())
    .execute(&store.pool)
    .await?;
    let written = single_count(
        &sqlx::query("SELECT COUNT(*) FROM review_items WHERE campaign_id = $1")
            .bind(new.id.as_str())
            .fetch_one(&store.pool)
            .await?,
    )?;
    if i64::try_from(written).map_err(corrupt)? != next_id {
        return Err(StoreError::Corrupt(format!(
            "the population has {written} items but the snapshot {next_id} access rows"
        )));
    }
    Ok(written)
}
