//! Opening a campaign: the population is copied from the snapshot into
//! `review_items` by the database (memberships: one INSERT … SELECT; access:
//! keyset pages of the `Access` port, a batch at a time), so opening a
//! million-item campaign holds one page in memory at most.

use roster_core::evidence::checks::glob_match;
use roster_core::review::{OwnerKind, PopulationKind};
use roster_core::{SourceId, TenantId};
use sqlx::{AnyPool, Row};

use super::super::rows::{corrupt, single_count};
use super::super::{SqlStore, keys};
use super::normal_email;
use crate::error::StoreError;
use crate::ports::access::AccessFilter;
use crate::ports::reviews::{Campaign, NewCampaign, Owner};
use crate::ports::{Access, Snapshots, Syncs};
use crate::records::SyncStatus;

/// Groups read per page when resolving a group filter; access rows per batch.
const PAGE: u32 = 1000;

/// `$1` tenant, `$2` source, `$3` sync: rows of alias `a` visible in the
/// snapshot (the source by its integer key, the unary `+`: see
/// `browse::visible`).
fn visible(a: &str) -> String {
    format!(
        "{a}.source_key = {} AND +{a}.valid_from <= $3 AND (+{a}.valid_to IS NULL OR +{a}.valid_to > $3)",
        keys::source_key("$1", "$2")
    )
}

/// Rows of alias `a`, of membership `m`'s source, visible in snapshot `$3`.
fn visible_with_m(a: &str) -> String {
    format!(
        "{a}.source_key = m.source_key AND +{a}.valid_from <= $3 AND (+{a}.valid_to IS NULL OR +{a}.valid_to > $3)"
    )
}

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
        PopulationKind::Memberships => fill_memberships(store, tenant, new).await,
        PopulationKind::Access => fill_access(store, tenant, new).await,
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
    assign_reviewers(
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
    super::items::campaign(&store.pool, tenant, &new.id).await
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

/// The groups a memberships filter selects (chosen by ID or exact name,
/// and/or privileged by the patterns), written to `review_scope_groups`.
/// Groups are few next to memberships; they are read a page at a time.
async fn scope_groups(
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

/// `AND …` selecting the memberships (alias `m`) of the scope's groups
/// (`review_scope_groups` of campaign `$4`): the scope's group IDs as the
/// source's integer keys, found once per statement, then the memberships
/// of those groups by `dir_memberships_group`.
pub(in crate::sql) fn scope_sql() -> String {
    format!(
        "AND m.group_key IN (SELECT k.id_key FROM id_keys k WHERE k.source_key = {} \
         AND k.aws_id IN (SELECT group_id FROM review_scope_groups WHERE campaign_id = $4))",
        keys::source_key("$1", "$2")
    )
}

/// Copies the memberships of snapshot `$3` that `in_scope` selects into
/// campaign `$4`'s items, numbered by membership ID (`$1`, `$2`: tenant
/// and source).
pub(in crate::sql) fn population_sql(in_scope: &str) -> String {
    format!(
        "INSERT INTO review_items (campaign_id, item_id, tenant_id, user_id, user_name, user_email, membership_id, group_id, display_name) \
         SELECT $4, ROW_NUMBER() OVER (ORDER BY m.membership_id), $1, ui.aws_id, u.user_name, u.email, m.membership_id, gi.aws_id, g.display_name \
         FROM dir_memberships m \
         JOIN id_keys gi ON gi.id_key = m.group_key \
         JOIN id_keys ui ON ui.id_key = m.user_key \
         LEFT JOIN dir_groups g ON g.group_id = gi.aws_id AND {g} \
         LEFT JOIN dir_users u ON u.user_id = ui.aws_id AND {u} \
         WHERE {m} {in_scope}",
        g = visible_with_m("g"),
        u = visible_with_m("u"),
        m = visible("m"),
    )
}

/// The number of memberships `population_sql` copies.
pub(in crate::sql) fn population_count_sql(in_scope: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM dir_memberships m WHERE {} {in_scope}",
        visible("m")
    )
}

/// Copies the snapshot's memberships (in the scope's groups, when the
/// filter has one) into items, numbered by membership ID, and checks the
/// count against the snapshot's, in one transaction.
async fn fill_memberships(
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
    let mut tx = super::super::pool::begin_write(&store.pool).await?;
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

/// Copies the snapshot's effective access (filtered) into items, a page at
/// a time through the `Access` port; every (account, group) pair of the
/// filter is one disjoint keyset scan.
async fn fill_access(
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
                let mut tx = super::super::pool::begin_write(&store.pool).await?;
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

/// An item is its own user's access when the reviewer's email equals the
/// user's email or user name (ASCII case-insensitive, as `same_person`), or
/// any other email of the user's (`own_emails::reassign_own`).
pub(super) const SELF_REVIEW: &str =
    "(reviewer = lower(trim(user_email)) OR reviewer = lower(trim(user_name)))";

/// Reviewer of each item: the owner (access: of the account, else the
/// permission set, else the group it comes through; memberships: of the
/// group), else the named reviewer, else the fallback. Items that would go
/// to their own user (by any of their emails) go to the fallback, or to
/// nobody when that is the user too.
async fn assign_reviewers(
    pool: &AnyPool,
    tenant: &TenantId,
    new: &NewCampaign,
    reviewer: Option<&str>,
    fallback: Option<&str>,
) -> Result<(), StoreError> {
    let owner = |kind: OwnerKind, column: &str| {
        format!(
            "(SELECT o.email FROM review_owners o WHERE o.tenant_id = $1 AND o.source_id = $2 AND o.kind = '{}' AND o.object_id = review_items.{column})",
            kind.as_str()
        )
    };
    let rule = match new.kind {
        PopulationKind::Memberships => owner(OwnerKind::Group, "group_id"),
        PopulationKind::Access => format!(
            "{}, {}, {}",
            owner(OwnerKind::Account, "account_id"),
            owner(OwnerKind::PermissionSet, "permission_set_arn"),
            owner(OwnerKind::Group, "via_group_id")
        ),
    };
    // A named reviewer takes every item; owners apply otherwise.
    match reviewer {
        Some(named) => {
            sqlx::query("UPDATE review_items SET reviewer = $1 WHERE campaign_id = $2")
                .bind(named)
                .bind(new.id.as_str())
                .execute(pool)
                .await?;
        }
        None => {
            sqlx::query(&format!(
                "UPDATE review_items SET reviewer = COALESCE({rule}, $4) WHERE campaign_id = $3"
            ))
            .bind(tenant.as_str())
            .bind(new.snapshot.source_id.as_str())
            .bind(new.id.as_str())
            .bind(fallback)
            .execute(pool)
            .await?;
        }
    }
    for to in [fallback, None] {
        sqlx::query(&format!(
            "UPDATE review_items SET reviewer = $2 WHERE campaign_id = $1 AND reviewer IS NOT NULL AND {SELF_REVIEW}"
        ))
        .bind(new.id.as_str())
        .bind(to)
        .execute(pool)
        .await?;
    }
    // Secondary emails are only in the users' documents.
    let mut conn = pool.acquire().await?;
    let snapshot = (new.snapshot.source_id.clone(), new.snapshot.sync_id);
    super::own_emails::reassign_own(&mut conn, tenant, &new.id, &snapshot, fallback).await
}

pub(super) async fn set_owner(
    store: &SqlStore,
    tenant: &TenantId,
    source: &SourceId,
    kind: OwnerKind,
    object_id: &str,
    email: Option<&str>,
) -> Result<(), StoreError> {
    // The source must be the tenant's.
    crate::ports::Sources::get_source(store, tenant, source).await?;
    check_text("owned object", object_id, 2048)?;
    if object_id.trim().is_empty() {
        return Err(StoreError::Conflict("the owned object is empty".into()));
    }
    match email {
        Some(email) => {
            let email = normal_email(email)?;
            sqlx::query(
                "INSERT INTO review_owners (tenant_id, source_id, kind, object_id, email, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (tenant_id, source_id, kind, object_id) DO UPDATE SET email = excluded.email, updated_at = excluded.updated_at",
            )
            .bind(tenant.as_str())
            .bind(source.as_str())
            .bind(kind.as_str())
            .bind(object_id)
            .bind(email)
            .bind(store.clock.now().to_string())
            .execute(&store.pool)
            .await?;
        }
        None => {
            sqlx::query(
                "DELETE FROM review_owners WHERE tenant_id = $1 AND source_id = $2 AND kind = $3 AND object_id = $4",
            )
            .bind(tenant.as_str())
            .bind(source.as_str())
            .bind(kind.as_str())
            .bind(object_id)
            .execute(&store.pool)
            .await?;
        }
    }
    Ok(())
}

pub(super) async fn owners(
    pool: &AnyPool,
    tenant: &TenantId,
    source: &SourceId,
) -> Result<Vec<Owner>, StoreError> {
    let rows = sqlx::query(
        "SELECT kind, object_id, email FROM review_owners WHERE tenant_id = $1 AND source_id = $2 ORDER BY kind, object_id",
    )
    .bind(tenant.as_str())
    .bind(source.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Owner {
                source_id: source.clone(),
                kind: OwnerKind::parse(&r.try_get::<String, _>(0)?).map_err(corrupt)?,
                object_id: r.try_get(1)?,
                email: r.try_get(2)?,
            })
        })
        .collect()
}
