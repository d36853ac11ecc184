//! Decisions: appended, one record per item, never changed (triggers reject
//! UPDATE and DELETE of `review_decisions`); the item keeps a copy of its
//! newest record for reading. Closing records `undecided` for the rest.

use roster_core::review::{CampaignId, Verdict, validate_comment};
use roster_core::{TenantId, Timestamp};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::super::SqlStore;
use super::super::rows::{corrupt, single_count, timestamp};
use super::normal_email;
use super::own_emails::{self, Identities};
use crate::error::StoreError;
use crate::ports::reviews::{Campaign, Decider, DecisionRecord, NewDecision};

/// Items per bulk decision call.
pub const MAX_BULK: usize = 10_000;
/// Items read or written per statement.
const CHUNK: usize = 500;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Locks the campaign for the transaction's decisions (the UPDATE takes the
/// row lock on `PostgreSQL`; `SQLite` writes one at a time) and reserves
/// `n` decision IDs: returns the first. `Conflict` when closed.
async fn reserve(
    tx: &mut Tx,
    tenant: &TenantId,
    id: &CampaignId,
    n: u64,
) -> Result<i64, StoreError> {
    let n = i64::try_from(n).map_err(corrupt)?;
    let row = sqlx::query(
        "UPDATE review_campaigns SET decisions_seq = decisions_seq + $1 WHERE tenant_id = $2 AND id = $3 \
         AND status <> 'opening' RETURNING decisions_seq, status",
    )
    .bind(n)
    .bind(tenant.as_str())
    .bind(id.as_str())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("campaign {id}")))?;
    let status: String = row.try_get(1)?;
    if status != "open" {
        return Err(StoreError::Conflict(format!("campaign {id} is closed")));
    }
    Ok(row.try_get::<i64, _>(0)? - n + 1)
}

fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) async fn decide(
    store: &SqlStore,
    tenant: &TenantId,
    id: &CampaignId,
    decider: &Decider,
    d: &NewDecision,
) -> Result<Vec<DecisionRecord>, StoreError> {
    let invalid = |e: roster_core::InvalidInput| StoreError::Conflict(e.to_string());
    if d.verdict == Verdict::Undecided {
        return Err(StoreError::Conflict(
            "a decision is keep, revoke or reassign".into(),
        ));
    }
    let comment = validate_comment(d.verdict, d.comment.as_deref()).map_err(invalid)?;
    let reassign_to = match (d.verdict, d.reassign_to.as_deref()) {
        (Verdict::Reassign, Some(to)) => Some(normal_email(to)?),
        (Verdict::Reassign, None) => {
            return Err(StoreError::Conflict(
                "a reassignment names the new reviewer".into(),
            ));
        }
        _ => None,
    };
    if decider.actor.is_empty() || decider.actor.len() > 400 || decider.actor.contains('\0') {
        return Err(StoreError::Conflict(
            "the actor is 1-400 bytes without NUL".into(),
        ));
    }
    let mut items = d.items.clone();
    items.sort_unstable();
    items.dedup();
    if items.is_empty() || items.len() > MAX_BULK {
        return Err(StoreError::Conflict(format!(
            "a decision covers 1 to {MAX_BULK} items"
        )));
    }
    let now = store.clock.now();
    let mut tx = super::super::pool::begin_write(&store.pool).await?;
    let first = reserve(&mut tx, tenant, id, items.len() as u64).await?;
    check_items(&mut tx, tenant, id, &items, decider, reassign_to.as_deref()).await?;
    let checked = Checked {
        tenant,
        id,
        decider,
        verdict: d.verdict,
        comment,
        reassign_to,
        now,
    };
    let records = write(&mut tx, &checked, &items, first).await?;
    tx.commit().await?;
    Ok(records)
}

/// Every item must be in the campaign, and none the decider's (or the new
/// reviewer's) own access: their email matches any of the item's user's
/// emails in the snapshot, or the item's frozen email or user name.
async fn check_items(
    tx: &mut Tx,
    tenant: &TenantId,
    id: &CampaignId,
    items: &[i64],
    decider: &Decider,
    reassign_to: Option<&str>,
) -> Result<(), StoreError> {
    let snapshot = own_emails::snapshot_of(tx, tenant, id).await?;
    for chunk in items.chunks(CHUNK) {
        let sql = format!(
            "SELECT item_id, user_email, user_name, user_id FROM review_items WHERE campaign_id = $1 AND tenant_id = $2 AND item_id IN ({})",
            placeholders(3, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(id.as_str()).bind(tenant.as_str());
        for i in chunk {
            q = q.bind(*i);
        }
        let rows = q.fetch_all(&mut **tx).await?;
        if rows.len() != chunk.len() {
            let found: Vec<i64> = rows.iter().filter_map(|r| r.try_get(0).ok()).collect();
            let missing = chunk
                .iter()
                .find(|i| !found.contains(i))
                .copied()
                .unwrap_or_default();
            return Err(StoreError::NotFound(format!(
                "item {missing} of campaign {id}"
            )));
        }
        let users: Vec<Option<String>> = rows
            .iter()
            .map(|r| r.try_get(3))
            .collect::<Result<_, _>>()?;
        let mut wanted: Vec<&str> = users.iter().flatten().map(String::as_str).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let emails = own_emails::emails_of(tx, tenant, &snapshot, &wanted).await?;
        for (r, user) in rows.iter().zip(&users) {
            let item: i64 = r.try_get(0)?;
            let mut theirs: Identities = [r.try_get::<Option<String>, _>(1)?, r.try_get(2)?]
                .iter()
                .flatten()
                .filter_map(|s| own_emails::normal(s))
                .collect();
            if let Some(more) = user.as_ref().and_then(|u| emails.get(u)) {
                theirs.extend(more.iter().cloned());
            }
            let is_theirs =
                |email: &str| own_emails::normal(email).is_some_and(|e| theirs.contains(&e));
            if decider.email.as_deref().is_some_and(is_theirs) {
                return Err(StoreError::Conflict(format!(
                    "item {item} is the reviewer's own access: nobody reviews their own access"
                )));
            }
            if reassign_to.is_some_and(is_theirs) {
                return Err(StoreError::Conflict(format!(
                    "item {item} cannot be reassigned to the user whose access it is"
                )));
            }
        }
    }
    Ok(())
}

/// A validated decision, ready to write.
struct Checked<'a> {
    tenant: &'a TenantId,
    id: &'a CampaignId,
    decider: &'a Decider,
    verdict: Verdict,
    comment: Option<String>,
    reassign_to: Option<String>,
    now: Timestamp,
}

/// Appends the records (IDs from `first`) and copies them onto the items.
async fn write(
    tx: &mut Tx,
    c: &Checked<'_>,
    items: &[i64],
    first: i64,
) -> Result<Vec<DecisionRecord>, StoreError> {
    let Checked {
        tenant,
        id,
        decider,
        verdict,
        comment,
        reassign_to,
        now,
    } = c;
    let (tenant, id, decider, now) = (*tenant, *id, *decider, *now);
    let at = now.to_string();
    let mut records = Vec::with_capacity(items.len());
    for (n, chunk) in items.chunks(CHUNK).enumerate() {
        let base = first + i64::try_from(n * CHUNK).map_err(corrupt)?;
        let values = (0..chunk.len())
            .map(|k| {
                let p = 8 + 2 * k;
                format!("($1, ${p}, $2, ${}, $3, $4, $5, $6, $7)", p + 1)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO review_decisions (campaign_id, id, tenant_id, item_id, verdict, comment, reassigned_to, actor, at) VALUES {values}"
        );
        let mut q = sqlx::query(&sql)
            .bind(id.as_str())
            .bind(tenant.as_str())
            .bind(verdict.as_str())
            .bind(comment.clone())
            .bind(reassign_to.clone())
            .bind(&decider.actor)
            .bind(&at);
        for (k, item) in chunk.iter().enumerate() {
            let rid = base + i64::try_from(k).map_err(corrupt)?;
            q = q.bind(rid).bind(*item);
            records.push(DecisionRecord {
                id: rid,
                item_id: *item,
                verdict: *verdict,
                comment: comment.clone(),
                reassigned_to: reassign_to.clone(),
                actor: decider.actor.clone(),
                at: now,
            });
        }
        q.execute(&mut **tx).await?;
        let set = if *verdict == Verdict::Reassign {
            "reviewer = $3"
        } else {
            "decision = $3, comment = $4, decided_by = $5, decided_at = $6, remediated_sync = NULL"
        };
        let sql = format!(
            "UPDATE review_items SET {set} WHERE campaign_id = $1 AND tenant_id = $2 AND item_id IN ({})",
            placeholders(
                if *verdict == Verdict::Reassign { 4 } else { 7 },
                chunk.len()
            )
        );
        let mut q = sqlx::query(&sql).bind(id.as_str()).bind(tenant.as_str());
        q = if *verdict == Verdict::Reassign {
            q.bind(reassign_to.clone())
        } else {
            q.bind(verdict.as_str())
                .bind(comment.clone())
                .bind(&decider.actor)
                .bind(&at)
        };
        for i in chunk {
            q = q.bind(*i);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(records)
}

fn record(r: &AnyRow) -> Result<DecisionRecord, StoreError> {
    Ok(DecisionRecord {
        id: r.try_get("id")?,
        item_id: r.try_get("item_id")?,
        verdict: Verdict::parse(&r.try_get::<String, _>("verdict")?).map_err(corrupt)?,
        comment: r.try_get("comment")?,
        reassigned_to: r.try_get("reassigned_to")?,
        actor: r.try_get("actor")?,
        at: timestamp(r, "at")?,
    })
}

pub(super) async fn page(
    pool: &AnyPool,
    tenant: &TenantId,
    id: &CampaignId,
    after: Option<i64>,
    limit: u32,
) -> Result<Vec<DecisionRecord>, StoreError> {
    super::items::campaign(pool, tenant, id).await?;
    let rows = sqlx::query(
        "SELECT id, item_id, verdict, comment, reassigned_to, actor, at FROM review_decisions \
         WHERE campaign_id = $1 AND tenant_id = $2 AND id > $3 ORDER BY id LIMIT $4",
    )
    .bind(id.as_str())
    .bind(tenant.as_str())
    .bind(after.unwrap_or(0))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(record).collect()
}

pub(super) async fn close(
    store: &SqlStore,
    tenant: &TenantId,
    id: &CampaignId,
    actor: &str,
) -> Result<Campaign, StoreError> {
    if actor.is_empty() || actor.len() > 400 || actor.contains('\0') {
        return Err(StoreError::Conflict(
            "the actor is 1-400 bytes without NUL".into(),
        ));
    }
    let now: Timestamp = store.clock.now();
    let mut tx = super::super::pool::begin_write(&store.pool).await?;
    // Lock first (reserving none), then count what is undecided.
    let first = reserve(&mut tx, tenant, id, 0).await?;
    let undecided = single_count(
        &sqlx::query("SELECT COUNT(*) FROM review_items WHERE campaign_id = $1 AND tenant_id = $2 AND decision IS NULL")
            .bind(id.as_str())
            .bind(tenant.as_str())
            .fetch_one(&mut *tx)
            .await?,
    )?;
    sqlx::query(
        "INSERT INTO review_decisions (campaign_id, id, tenant_id, item_id, verdict, comment, reassigned_to, actor, at) \
         SELECT campaign_id, $3 + ROW_NUMBER() OVER (ORDER BY item_id) - 1, tenant_id, item_id, 'undecided', NULL, NULL, $4, $5 \
         FROM review_items WHERE campaign_id = $1 AND tenant_id = $2 AND decision IS NULL",
    )
    .bind(id.as_str())
    .bind(tenant.as_str())
    .bind(first)
    .bind(actor)
    .bind(now.to_string())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE review_campaigns SET status = 'closed', closed_by = $1, closed_at = $2, decisions_seq = decisions_seq + $3 \
         WHERE tenant_id = $4 AND id = $5",
    )
    .bind(actor)
    .bind(now.to_string())
    .bind(i64::try_from(undecided).map_err(corrupt)?)
    .bind(tenant.as_str())
    .bind(id.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    super::items::campaign(&store.pool, tenant, id).await
}
