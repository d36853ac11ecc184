//! Directory rows: reading a snapshot back page by page (`versions` writes them).

use async_trait::async_trait;
use roster_core::{Group, GroupId, Membership, MembershipId, SourceId, TenantId, User, UserId};
use sqlx::{AnyPool, Row};

use super::rows::{self, corrupt};
use super::{SqlStore, compact, keys};
use crate::error::StoreError;
use crate::ports::Snapshots;
use crate::records::{MembershipRow, Snapshot, VersionCounts};

/// Rows visible in snapshot `$3` (the `+`s: see `browse::visible`).
pub(super) const IN_SNAPSHOT: &str = "+valid_from <= $3 AND (+valid_to IS NULL OR +valid_to > $3)";

/// `$1` tenant, `$2` source: rows whose `column` is the source's integer key.
pub(super) fn of_source(column: &str) -> String {
    format!("{column} = {}", keys::source_key("$1", "$2"))
}

/// A membership of alias `m` with its group's and user's IDs (`gi.aws_id`,
/// `ui.aws_id`, through `id_keys`' primary key) and, where they are
/// visible at `at` (`$3` or `$4`), its group `g` and user `u` (each by its
/// key index: source and ID). `FROM` on: add the conditions on `m`.
pub(super) fn memberships_named(at: &str) -> String {
    let joined = |alias: &str| {
        format!(
            "{alias}.source_key = m.source_key \
             AND +{alias}.valid_from <= {at} AND (+{alias}.valid_to IS NULL OR +{alias}.valid_to > {at})"
        )
    };
    format!(
        "dir_memberships m \
         JOIN id_keys gi ON gi.id_key = m.group_key \
         JOIN id_keys ui ON ui.id_key = m.user_key \
         LEFT JOIN dir_groups g ON g.group_id = gi.aws_id AND {g} \
         LEFT JOIN dir_users u ON u.user_id = ui.aws_id AND {u}",
        g = joined("g"),
        u = joined("u"),
    )
}

/// One keyset page of a versioned table's documents at a snapshot, parsed.
async fn docs_page<T: serde::de::DeserializeOwned>(
    pool: &AnyPool,
    table: &str,
    key: &str,
    tenant: &TenantId,
    snapshot: &Snapshot,
    after: Option<&str>,
    limit: u32,
) -> Result<Vec<T>, StoreError> {
    let sql = format!(
        "SELECT {key}, doc FROM {table} WHERE {} AND {IN_SNAPSHOT} AND {key} > $4 \
         ORDER BY {key} LIMIT $5",
        of_source("source_key")
    );
    let rows = sqlx::query(&sql)
        .bind(tenant.as_str())
        .bind(snapshot.source_id.as_str())
        .bind(snapshot.sync_id.0)
        .bind(after.unwrap_or(""))
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            let (id, doc): (String, String) = (r.try_get(0)?, r.try_get(1)?);
            compact::decode(&doc, &id)
        })
        .collect()
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
        docs_page(
            &self.pool,
            "dir_users",
            "user_id",
            tenant,
            snapshot,
            after,
            limit,
        )
        .await
    }

    async fn groups_page(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Group>, StoreError> {
        docs_page(
            &self.pool,
            "dir_groups",
            "group_id",
            tenant,
            snapshot,
            after,
            limit,
        )
        .await
    }

    async fn memberships_page(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MembershipRow>, StoreError> {
        let sql = format!(
            "SELECT m.membership_id, gi.aws_id, ui.aws_id, g.display_name, u.user_name, m.doc FROM {} \
             WHERE {} AND +m.valid_from <= $3 AND (+m.valid_to IS NULL OR +m.valid_to > $3) \
             AND m.membership_id > $4 ORDER BY m.membership_id LIMIT $5",
            memberships_named("$3"),
            of_source("m.source_key"),
        );
        let rows = sqlx::query(&sql)
            .bind(tenant.as_str())
            .bind(snapshot.source_id.as_str())
            .bind(snapshot.sync_id.0)
            .bind(after.unwrap_or(""))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get(0)?;
                Ok(MembershipRow {
                    membership: Membership {
                        membership_id: MembershipId::parse(&id).map_err(corrupt)?,
                        group_id: GroupId::parse(r.try_get(1)?).map_err(corrupt)?,
                        user_id: UserId::parse(r.try_get(2)?).map_err(corrupt)?,
                        // NULL in rows synced before the fields were kept.
                        meta: r
                            .try_get::<Option<String>, _>(5)?
                            .map(|d| compact::decode(&d, &id))
                            .transpose()?
                            .unwrap_or_default(),
                    },
                    group_display_name: r.try_get(3)?,
                    user_name: r.try_get(4)?,
                })
            })
            .collect()
    }

    async fn version_counts(
        &self,
        tenant: &TenantId,
        source: &SourceId,
    ) -> Result<VersionCounts, StoreError> {
        let mut counts = [0u64; 3];
        for (slot, table) in counts
            .iter_mut()
            .zip(["dir_users", "dir_groups", "dir_memberships"])
        {
            let row = sqlx::query(&format!(
                "SELECT COUNT(*) FROM {table} WHERE {}",
                of_source("source_key")
            ))
            .bind(tenant.as_str())
            .bind(source.as_str())
            .fetch_one(&self.pool)
            .await?;
            *slot = rows::single_count(&row)?;
        }
        Ok(VersionCounts {
            users: counts[0],
            groups: counts[1],
            memberships: counts[2],
        })
    }
}
