//! Nobody reviews their own access: a user is known by every email they
//! have in the campaign's snapshot (the directory document's emails,
//! primary and secondary) and by the item's frozen email and user name,
//! each trimmed and ASCII-lowercased (as reviewers are stored).
//!
//! The documents are read from `dir_users` as of the campaign's snapshot
//! (by `dir_users_key`), a page at a time: deciding reads those of the
//! items' users; opening a campaign walks the snapshot's users once and
//! moves the items of any user whose email is their reviewer's.

use std::collections::{BTreeMap, BTreeSet};

use roster_core::directory::User;
use roster_core::review::CampaignId;
use roster_core::{SourceId, SyncId, TenantId};
use sqlx::{AnyConnection, Row};

use super::super::browse::visible;
use super::super::compact;
use crate::error::StoreError;

/// Users read per statement.
const PAGE: usize = 500;

/// A user's normalized identities (emails, user name).
pub(super) type Identities = BTreeSet<String>;

/// `s` trimmed and ASCII-lowercased; `None` when blank.
pub(super) fn normal(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_ascii_lowercase())
}

/// Every email of the user's directory document (any type, primary or not).
fn document_emails(user_id: &str, doc: &str) -> Result<Identities, StoreError> {
    let user: User = compact::decode(doc, user_id)?;
    Ok(user
        .emails
        .iter()
        .filter_map(|e| e.value.as_deref())
        .filter_map(normal)
        .collect())
}

/// The snapshot a campaign was frozen from (any status, for its own
/// transaction).
pub(super) async fn snapshot_of(
    conn: &mut AnyConnection,
    tenant: &TenantId,
    id: &CampaignId,
) -> Result<(SourceId, SyncId), StoreError> {
    let row = sqlx::query(
        "SELECT source_id, sync_id FROM review_campaigns WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant.as_str())
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("campaign {id}")))?;
    let source =
        SourceId::parse(&row.try_get::<String, _>(0)?).map_err(super::super::rows::corrupt)?;
    Ok((source, SyncId(row.try_get(1)?)))
}

/// The document emails of `users` (at most `PAGE` per statement) in the
/// snapshot, by user ID; users without a document are left out.
pub(super) async fn emails_of(
    conn: &mut AnyConnection,
    tenant: &TenantId,
    snapshot: &(SourceId, SyncId),
    users: &[&str],
) -> Result<BTreeMap<String, Identities>, StoreError> {
    let mut out = BTreeMap::new();
    for chunk in users.chunks(PAGE) {
        let list = (0..chunk.len())
            .map(|i| format!("${}", i + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT u.user_id, u.doc FROM dir_users u WHERE {} AND u.user_id IN ({list})",
            visible("u")
        );
        let mut q = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(snapshot.0.as_str())
            .bind(snapshot.1.0);
        for u in chunk {
            q = q.bind(*u);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let id: String = r.try_get(0)?;
            let doc: String = r.try_get(1)?;
            let emails = document_emails(&id, &doc)?;
            out.insert(id, emails);
        }
    }
    Ok(out)
}

/// Moves the items whose reviewer is one of their own user's document
/// emails to the fallback (or to nobody when the fallback is that user
/// too); runs after the match on the items' own email and user name, so
/// that a fallback it chose is checked here too. Walks the snapshot's users in ID order, a page at a time; only
/// users with an email among the campaign's reviewers are kept.
pub(super) async fn reassign_own(
    conn: &mut AnyConnection,
    tenant: &TenantId,
    campaign: &CampaignId,
    snapshot: &(SourceId, SyncId),
    fallback: Option<&str>,
) -> Result<(), StoreError> {
    let reviewers: BTreeSet<String> = sqlx::query(
        "SELECT DISTINCT reviewer FROM review_items WHERE campaign_id = $1 AND reviewer IS NOT NULL",
    )
    .bind(campaign.as_str())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get::<String, _>(0))
    .collect::<Result<_, _>>()?;
    if reviewers.is_empty() {
        return Ok(());
    }
    let mut own: Vec<(String, Identities)> = Vec::new();
    let mut after = String::new();
    let sql = format!(
        "SELECT u.user_id, u.doc FROM dir_users u WHERE {} AND u.user_id > $4 ORDER BY u.user_id LIMIT {PAGE}",
        visible("u")
    );
    loop {
        let rows = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(snapshot.0.as_str())
            .bind(snapshot.1.0)
            .bind(&after)
            .fetch_all(&mut *conn)
            .await?;
        for r in &rows {
            let id: String = r.try_get(0)?;
            let emails = document_emails(&id, &r.try_get::<String, _>(1)?)?;
            if emails.iter().any(|e| reviewers.contains(e)) {
                own.push((id.clone(), emails));
            }
            after = id;
        }
        if rows.len() < PAGE {
            break;
        }
    }
    for (user, emails) in own {
        // The fallback, unless it is the user too (by a document email, or
        // by the item's own email or user name).
        let to = fallback.filter(|f| !emails.contains(*f));
        let set = if to.is_some() {
            "CASE WHEN lower(trim(user_email)) = $3 OR lower(trim(user_name)) = $3 THEN NULL ELSE $3 END"
        } else {
            "NULL"
        };
        let list = (0..emails.len())
            .map(|i| format!("${}", i + 4))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE review_items SET reviewer = {set} WHERE campaign_id = $1 AND user_id = $2 AND $3 = $3 AND reviewer IN ({list})"
        );
        let mut q = sqlx::query(&sql)
            .bind(campaign.as_str())
            .bind(user)
            .bind(to.unwrap_or_default());
        for e in &emails {
            q = q.bind(e.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
