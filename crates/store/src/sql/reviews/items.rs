//! Reading campaigns and items back, progress per reviewer, and the
//! verification of revocations against later snapshots.

use roster_core::review::{
    CampaignId, CampaignStatus, PopulationKind, Remediation, Verdict, remediation,
};
use roster_core::{SourceId, SyncId, TenantId, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::super::rows::{corrupt, optional_timestamp, single_count, timestamp};
use super::super::{SqlStore, keys};
use crate::error::StoreError;
use crate::ports::reviews::{
    Campaign, ItemFilter, ReviewItem, ReviewerProgress, RevokedItem, VerifyOutcome,
};
use crate::records::Snapshot;

const CAMPAIGN_COLUMNS: &str = "id, name, source_id, sync_id, kind, filter, privileged_patterns, reviewer, fallback_reviewer, \
     due_at, remediation_days, status, items, created_by, created_at, closed_by, closed_at";

const ITEM_COLUMNS: &str = "i.item_id, i.user_id, i.user_name, i.user_email, i.membership_id, i.group_id, i.display_name, \
     i.account_id, i.account_name, i.permission_set_arn, i.permission_set_name, i.via_group_id, i.via_group_name, \
     i.reviewer, i.decision, i.comment, i.decided_by, i.decided_at, i.remediated_sync";

fn count(row: &AnyRow, col: &str) -> Result<u64, StoreError> {
    u64::try_from(row.try_get::<i64, _>(col)?).map_err(corrupt)
}

fn campaign_row(r: &AnyRow) -> Result<Campaign, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(Campaign {
        id: CampaignId::parse(&r.try_get::<String, _>("id")?).map_err(corrupt)?,
        name: r.try_get("name")?,
        source_id: SourceId::parse(&r.try_get::<String, _>("source_id")?).map_err(corrupt)?,
        sync_id: SyncId(r.try_get("sync_id")?),
        kind: PopulationKind::parse(&r.try_get::<String, _>("kind")?).map_err(corrupt)?,
        filter: serde_json::from_str(&r.try_get::<String, _>("filter")?).map_err(corrupt)?,
        privileged_patterns: serde_json::from_str(&r.try_get::<String, _>("privileged_patterns")?)
            .map_err(corrupt)?,
        reviewer: r.try_get("reviewer")?,
        fallback_reviewer: r.try_get("fallback_reviewer")?,
        due_at: optional_timestamp(r, "due_at")?,
        remediation_days: u32::try_from(r.try_get::<i64, _>("remediation_days")?)
            .map_err(corrupt)?,
        status: CampaignStatus::parse(&status).ok_or_else(|| corrupt(&status))?,
        items: count(r, "items")?,
        created_by: r.try_get("created_by")?,
        created_at: timestamp(r, "created_at")?,
        closed_by: r.try_get("closed_by")?,
        closed_at: optional_timestamp(r, "closed_at")?,
    })
}

pub(super) async fn campaign(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &CampaignId,
) -> Result<Campaign, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CAMPAIGN_COLUMNS} FROM review_campaigns WHERE tenant_id = $1 AND id = $2 AND status <> 'opening'"
    ))
    .bind(tenant.as_str())
    .bind(id.as_str())
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("campaign {id}")))?;
    campaign_row(&row)
}

pub(super) async fn campaigns(
    pool: &AnyPool,
    tenant: &TenantId,
) -> Result<Vec<Campaign>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {CAMPAIGN_COLUMNS} FROM review_campaigns WHERE tenant_id = $1 AND status <> 'opening' \
         ORDER BY created_at DESC, id DESC LIMIT 1000"
    ))
    .bind(tenant.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter().map(campaign_row).collect()
}

fn item_row(r: &AnyRow, window_days: u32, now: Timestamp) -> Result<ReviewItem, StoreError> {
    let decision = r
        .try_get::<Option<String>, _>("decision")?
        .map(|d| Verdict::parse(&d))
        .transpose()
        .map_err(corrupt)?;
    let decided_at = optional_timestamp(r, "decided_at")?;
    let remediated_sync = r.try_get::<Option<i64>, _>("remediated_sync")?.map(SyncId);
    let state = match (decision, decided_at) {
        (Some(Verdict::Revoke), Some(at)) => {
            Some(remediation(at, remediated_sync.is_some(), window_days, now))
        }
        _ => None,
    };
    Ok(ReviewItem {
        id: r.try_get("item_id")?,
        user_id: r.try_get("user_id")?,
        user_name: r.try_get("user_name")?,
        user_email: r.try_get("user_email")?,
        membership_id: r.try_get("membership_id")?,
        group_id: r.try_get("group_id")?,
        display_name: r.try_get("display_name")?,
        account_id: r.try_get("account_id")?,
        account_name: r.try_get("account_name")?,
        permission_set_arn: r.try_get("permission_set_arn")?,
        permission_set_name: r.try_get("permission_set_name")?,
        via_group_id: r.try_get("via_group_id")?,
        via_group_name: r.try_get("via_group_name")?,
        reviewer: r.try_get("reviewer")?,
        decision,
        comment: r.try_get("comment")?,
        decided_by: r.try_get("decided_by")?,
        decided_at,
        remediated_sync: if decision == Some(Verdict::Revoke) {
            remediated_sync
        } else {
            None
        },
        remediation: state,
    })
}

/// A `LIKE` pattern matching `q` anywhere, with `%`, `_` and `\` taken literally.
fn contains_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The revoke time before which a still-present revoked item is overdue.
fn overdue_cutoff(now: Timestamp, window_days: u32) -> String {
    now.plus_seconds(-i64::from(window_days) * 86_400)
        .to_string()
}

pub(super) async fn page(
    store: &SqlStore,
    tenant: &TenantId,
    id: &CampaignId,
    filter: &ItemFilter,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<ReviewItem>, StoreError> {
    let c = campaign(&store.pool, tenant, id).await?;
    let now = store.clock.now();
    // $1 campaign, $2 tenant, $3 after, $4 limit, then the filter's own.
    let mut clauses = Vec::new();
    let mut binds: Vec<Option<String>> = Vec::new();
    let next = |binds: &mut Vec<Option<String>>, v: Option<String>| {
        binds.push(v);
        format!("${}", 4 + binds.len())
    };
    if let Some(r) = &filter.reviewer {
        let p = next(&mut binds, Some(r.trim().to_ascii_lowercase()));
        clauses.push(format!("i.reviewer = {p}"));
    }
    match filter.decision {
        Some(None) => clauses.push("i.decision IS NULL".into()),
        Some(Some(v)) => {
            let p = next(&mut binds, Some(v.as_str().to_owned()));
            clauses.push(format!("i.decision = {p}"));
        }
        None => {}
    }
    if let Some(state) = filter.remediation {
        clauses.push("i.decision = 'revoke'".into());
        let cutoff = overdue_cutoff(now, c.remediation_days);
        match state {
            Remediation::Remediated => clauses.push("i.remediated_sync IS NOT NULL".into()),
            Remediation::Overdue => {
                let p = next(&mut binds, Some(cutoff));
                clauses.push(format!("i.remediated_sync IS NULL AND i.decided_at < {p}"));
            }
            Remediation::Pending => {
                let p = next(&mut binds, Some(cutoff));
                clauses.push(format!("i.remediated_sync IS NULL AND i.decided_at >= {p}"));
            }
        }
    }
    if let Some(q) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
    {
        let p = next(&mut binds, Some(contains_pattern(q)));
        clauses.push(format!(
            "(lower(i.user_name) LIKE {p} ESCAPE '\\' OR lower(i.display_name) LIKE {p} ESCAPE '\\' \
             OR lower(i.permission_set_name) LIKE {p} ESCAPE '\\' OR i.account_id LIKE {p} ESCAPE '\\' \
             OR lower(i.account_name) LIKE {p} ESCAPE '\\')"
        ));
    }
    let extra: String = clauses.iter().flat_map(|c| [" AND ", c.as_str()]).collect();
    // A previous page: the last `limit` before `before`, read backwards.
    let (key, order, bound) = match filter.before {
        Some(before) => ("i.item_id < $3", "DESC", before),
        None => ("i.item_id > $3", "", after.unwrap_or(0)),
    };
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM review_items i WHERE i.campaign_id = $1 AND i.tenant_id = $2 AND {key}{extra} \
         ORDER BY i.item_id {order} LIMIT $4"
    );
    let mut q = sqlx::query(&sql)
        .bind(id.as_str())
        .bind(tenant.as_str())
        .bind(bound)
        .bind(i64::from(limit));
    for b in binds {
        q = q.bind(b);
    }
    let rows = q.fetch_all(&store.pool).await?;
    let mut items = rows
        .iter()
        .map(|r| item_row(r, c.remediation_days, now))
        .collect::<Result<Vec<_>, _>>()?;
    if filter.before.is_some() {
        items.reverse();
    }
    Ok(items)
}

pub(super) async fn one(
    store: &SqlStore,
    tenant: &TenantId,
    id: &CampaignId,
    item: i64,
) -> Result<ReviewItem, StoreError> {
    let c = campaign(&store.pool, tenant, id).await?;
    let row = sqlx::query(&format!(
        "SELECT {ITEM_COLUMNS} FROM review_items i WHERE i.campaign_id = $1 AND i.tenant_id = $2 AND i.item_id = $3"
    ))
    .bind(id.as_str())
    .bind(tenant.as_str())
    .bind(item)
    .fetch_optional(&store.pool)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("item {item} of campaign {id}")))?;
    item_row(&row, c.remediation_days, store.clock.now())
}

pub(super) async fn progress(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &CampaignId,
) -> Result<Vec<ReviewerProgress>, StoreError> {
    campaign(pool, tenant, id).await?;
    let rows = sqlx::query(
        "SELECT reviewer, COUNT(*) AS items, \
         SUM(CASE WHEN decision IN ('keep', 'revoke') THEN 1 ELSE 0 END) AS decided, \
         SUM(CASE WHEN decision = 'keep' THEN 1 ELSE 0 END) AS kept, \
         SUM(CASE WHEN decision = 'revoke' THEN 1 ELSE 0 END) AS revoked \
         FROM review_items WHERE campaign_id = $1 AND tenant_id = $2 GROUP BY reviewer ORDER BY reviewer",
    )
    .bind(id.as_str())
    .bind(tenant.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReviewerProgress {
                reviewer: r.try_get("reviewer")?,
                items: count(r, "items")?,
                decided: count(r, "decided")?,
                kept: count(r, "kept")?,
                revoked: count(r, "revoked")?,
            })
        })
        .collect()
}

pub(super) async fn progress_of(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &CampaignId,
    reviewer: &str,
) -> Result<ReviewerProgress, StoreError> {
    campaign(pool, tenant, id).await?;
    let me = reviewer.trim().to_ascii_lowercase();
    let r = sqlx::query(
        "SELECT COUNT(*) AS items, \
         COALESCE(SUM(CASE WHEN decision IN ('keep', 'revoke') THEN 1 ELSE 0 END), 0) AS decided, \
         COALESCE(SUM(CASE WHEN decision = 'keep' THEN 1 ELSE 0 END), 0) AS kept, \
         COALESCE(SUM(CASE WHEN decision = 'revoke' THEN 1 ELSE 0 END), 0) AS revoked \
         FROM review_items WHERE campaign_id = $1 AND tenant_id = $2 AND reviewer = $3",
    )
    .bind(id.as_str())
    .bind(tenant.as_str())
    .bind(&me)
    .fetch_one(pool)
    .await?;
    Ok(ReviewerProgress {
        reviewer: Some(me),
        items: count(&r, "items")?,
        decided: count(&r, "decided")?,
        kept: count(&r, "kept")?,
        revoked: count(&r, "revoked")?,
    })
}

pub(super) async fn revoked(
    store: &SqlStore,
    tenant: &TenantId,
    source: &SourceId,
    after: Option<(&CampaignId, i64)>,
    limit: u32,
) -> Result<Vec<RevokedItem>, StoreError> {
    let (after_c, after_i) = after.map_or((String::new(), 0), |(c, i)| (c.to_string(), i));
    let rows = sqlx::query(&format!(
        "SELECT i.campaign_id, c.kind, c.remediation_days, {ITEM_COLUMNS} FROM review_items i \
         JOIN review_campaigns c ON c.id = i.campaign_id AND c.tenant_id = i.tenant_id \
         WHERE i.tenant_id = $1 AND c.source_id = $2 AND c.status <> 'opening' \
         AND i.decision = 'revoke' AND i.remediated_sync IS NULL \
         AND (i.campaign_id > $3 OR (i.campaign_id = $3 AND i.item_id > $4)) \
         ORDER BY i.campaign_id, i.item_id LIMIT $5"
    ))
    .bind(tenant.as_str())
    .bind(source.as_str())
    .bind(after_c)
    .bind(after_i)
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await?;
    let now = store.clock.now();
    rows.iter()
        .map(|r| {
            let days = u32::try_from(r.try_get::<i64, _>("remediation_days")?).map_err(corrupt)?;
            Ok(RevokedItem {
                campaign_id: CampaignId::parse(&r.try_get::<String, _>("campaign_id")?)
                    .map_err(corrupt)?,
                kind: PopulationKind::parse(&r.try_get::<String, _>("kind")?).map_err(corrupt)?,
                item: item_row(r, days, now)?,
                remediation_days: days,
            })
        })
        .collect()
}

/// `$1` tenant, `$2` source, `$3` the snapshot: revoked, unremediated
/// membership items of the source's campaigns frozen before it.
const WAITING: &str = "tenant_id = $1 AND decision = 'revoke' AND remediated_sync IS NULL \
     AND campaign_id IN (SELECT c.id FROM review_campaigns c WHERE c.tenant_id = $1 AND c.source_id = $2 \
     AND c.kind = 'memberships' AND c.status <> 'opening' AND c.sync_id < $3)";

pub(super) async fn verify_memberships(
    pool: &AnyPool,
    tenant: &TenantId,
    snapshot: &Snapshot,
) -> Result<VerifyOutcome, StoreError> {
    let mut tx = super::super::pool::begin_write(pool).await?;
    let checked = single_count(
        &sqlx::query(&format!(
            "SELECT COUNT(*) FROM review_items WHERE {WAITING}"
        ))
        .bind(tenant.as_str())
        .bind(snapshot.source_id.as_str())
        .bind(snapshot.sync_id.0)
        .fetch_one(&mut *tx)
        .await?,
    )?;
    // Gone: no membership of the same user in the same group is visible in
    // the snapshot (a removed and re-added membership has a new ID but is
    // the same access, so it is matched by user and group).
    // The group and user by their integer keys in the source (NULL, so
    // gone, for IDs no membership of the source ever named): by
    // `dir_memberships_group` (source, group, user).
    let source = keys::source_key("$1", "$2");
    let remediated = sqlx::query(&format!(
        "UPDATE review_items SET remediated_sync = $3 WHERE {WAITING} AND NOT EXISTS (\
         SELECT 1 FROM dir_memberships m WHERE m.source_key = {source} \
         AND m.group_key = {group} AND m.user_key = {user} \
         AND +m.valid_from <= $3 AND (+m.valid_to IS NULL OR +m.valid_to > $3))",
        group = keys::id_key(&source, "review_items.group_id"),
        user = keys::id_key(&source, "review_items.user_id"),
    ))
    .bind(tenant.as_str())
    .bind(snapshot.source_id.as_str())
    .bind(snapshot.sync_id.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(VerifyOutcome {
        checked,
        remediated,
    })
}

pub(super) async fn mark_remediated(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &CampaignId,
    item: i64,
    sync: SyncId,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE review_items SET remediated_sync = $1 WHERE tenant_id = $2 AND campaign_id = $3 AND item_id = $4 \
         AND decision = 'revoke' AND remediated_sync IS NULL",
    )
    .bind(sync.0)
    .bind(tenant.as_str())
    .bind(id.as_str())
    .bind(item)
    .execute(pool)
    .await?;
    Ok(())
}
