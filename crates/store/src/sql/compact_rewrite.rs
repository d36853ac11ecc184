//! Rewriting the directory documents written before migration 0015 in the
//! compact form (`compact`), once, when a store first starts after it.
//! Idempotent and restartable: only JSON documents are rewritten, batch by
//! batch of keys, and processes that start at once rewrite to equal text.

use roster_core::directory::MembershipMeta;
use roster_core::{Group, User};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{AnyPool, Row};

use super::compact;
use crate::error::StoreError;

/// Keys per transaction: all their versions are rewritten together.
const KEYS_PER_BATCH: usize = 500;

/// Rewrites every legacy document, unless that was done.
pub(super) async fn rewrite_legacy(pool: &AnyPool) -> Result<(), StoreError> {
    let done: i64 = sqlx::query("SELECT done FROM directory_doc_rewrite")
        .fetch_optional(pool)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or(1);
    if done != 0 {
        return Ok(());
    }
    rewrite_table::<User>(pool, "dir_users", "user_id").await?;
    rewrite_table::<Group>(pool, "dir_groups", "group_id").await?;
    rewrite_table::<MembershipMeta>(pool, "dir_memberships", "membership_id").await?;
    sqlx::query("UPDATE directory_doc_rewrite SET done = 1")
        .execute(pool)
        .await?;
    Ok(())
}

async fn rewrite_table<T: Serialize + DeserializeOwned>(
    pool: &AnyPool,
    table: &str,
    key: &str,
) -> Result<(), StoreError> {
    // Source by source (its integer key: the directory tables hold no
    // tenant or source text since migration 0022).
    let sources: Vec<i64> = sqlx::query(&format!("SELECT DISTINCT source_key FROM {table}"))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect::<Result<_, StoreError>>()?;
    for source in sources {
        let mut after = String::new();
        loop {
            let upto: Option<String> = sqlx::query(&format!(
                "SELECT {key} FROM {table} WHERE source_key = $1 AND {key} > $2 \
                 ORDER BY {key} LIMIT 1 OFFSET {}",
                KEYS_PER_BATCH - 1
            ))
            .bind(source)
            .bind(&after)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
            let bound = if upto.is_some() {
                format!(" AND {key} <= $3")
            } else {
                String::new()
            };
            let sql = format!(
                "SELECT {key}, valid_from, doc FROM {table} WHERE source_key = $1 \
                 AND {key} > $2{bound}"
            );
            let mut q = sqlx::query(&sql).bind(source).bind(&after);
            if let Some(upto) = &upto {
                q = q.bind(upto);
            }
            let rows = q.fetch_all(pool).await?;
            let mut tx = super::pool::begin_write(pool).await?;
            for row in &rows {
                let (id, from): (String, i64) = (row.try_get(0)?, row.try_get(1)?);
                let Some(doc) = row.try_get::<Option<String>, _>(2)? else {
                    continue;
                };
                if !compact::is_legacy(&doc) {
                    continue;
                }
                let record: T = compact::decode(&doc, &id)?;
                sqlx::query(&format!(
                    "UPDATE {table} SET doc = $1 WHERE source_key = $2 \
                     AND {key} = $3 AND valid_from = $4"
                ))
                .bind(compact::encode(&record, &id)?)
                .bind(source)
                .bind(&id)
                .bind(from)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            match upto {
                Some(upto) => after = upto,
                None => break,
            }
        }
    }
    Ok(())
}
