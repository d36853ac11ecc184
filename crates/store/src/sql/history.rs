//! History in SQL: versions changed between two syncs, change per sync, and
//! slim snapshot projections. Reads only what changed, or one narrow row
//! per entity; never whole documents of two snapshots.

use async_trait::async_trait;
use roster_core::evidence::{
    GroupFacts, MembershipRef, SyncChangeCount, UserFacts, VersionChanges,
};
use roster_core::{SourceId, SyncId, TenantId};
use sqlx::Row;

use super::directory::{memberships_named, of_source};
use super::rows::corrupt;
use super::{SqlStore, compact};
use crate::error::StoreError;
use crate::ports::history::History;
use crate::records::Snapshot;

/// Versions current at `$3` that ended by `$4`: the "before" side.
pub(super) const BEFORE: &str = "valid_from <= $3 AND valid_to > $3 AND valid_to <= $4";
/// Versions introduced after `$3`, still current at `$4`: the "after" side.
pub(super) const AFTER: &str =
    "valid_from > $3 AND valid_from <= $4 AND (valid_to IS NULL OR valid_to > $4)";

impl SqlStore {
    async fn changed_docs<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        key: &str,
        side: &str,
        args: (&TenantId, &SourceId, SyncId, SyncId),
    ) -> Result<Vec<T>, StoreError> {
        let sql = format!(
            "SELECT {key}, doc FROM {table} WHERE {} AND {side} ORDER BY {key}",
            of_source("source_key")
        );
        let rows = sqlx::query(&sql)
            .bind(args.0.as_str())
            .bind(args.1.as_str())
            .bind(args.2.0)
            .bind(args.3.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| compact::decode(&r.try_get::<String, _>(1)?, &r.try_get::<String, _>(0)?))
            .collect()
    }

    /// Changed memberships, with group and user names as of `at` (`$3` or `$4`).
    async fn changed_memberships(
        &self,
        side: &str,
        at: &str,
        args: (&TenantId, &SourceId, SyncId, SyncId),
    ) -> Result<Vec<MembershipRef>, StoreError> {
        let side = side.replace("valid_", "m.valid_");
        let sql = format!(
            "SELECT m.membership_id, gi.aws_id, g.display_name, ui.aws_id, u.user_name FROM {} \
             WHERE {} AND {side} ORDER BY m.membership_id",
            memberships_named(at),
            of_source("m.source_key"),
        );
        let rows = sqlx::query(&sql)
            .bind(args.0.as_str())
            .bind(args.1.as_str())
            .bind(args.2.0)
            .bind(args.3.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(MembershipRef {
                    membership_id: r.try_get(0)?,
                    group_id: r.try_get(1)?,
                    group_name: r.try_get(2)?,
                    user_id: r.try_get(3)?,
                    user_name: r.try_get(4)?,
                })
            })
            .collect()
    }
}

impl SqlStore {
    /// The directory format a sync was taken in (1 for syncs before it was recorded).
    async fn directory_format(&self, tenant: &TenantId, sync: SyncId) -> Result<u8, StoreError> {
        let row =
            sqlx::query("SELECT directory_format FROM sync_runs WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_str())
                .bind(sync.0)
                .fetch_optional(&self.pool)
                .await?;
        let format = row
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
            .unwrap_or(0);
        u8::try_from(format).map_err(corrupt)
    }
}

/// Each user of snapshot `$3` with the number of its groups (its
/// memberships by `dir_memberships_user`: source and the user's `id_key`).
pub(super) const USER_FACTS: &str = "SELECT u.user_id, u.user_name, u.display_name, u.email, u.status, u.idp_sourced, \
     (SELECT COUNT(*) FROM dir_memberships m WHERE m.source_key = u.source_key \
      AND m.user_key = (SELECT id_key FROM id_keys WHERE source_key = u.source_key AND aws_id = u.user_id) \
      AND +m.valid_from <= $3 AND (+m.valid_to IS NULL OR +m.valid_to > $3)) AS n \
     FROM dir_users u WHERE u.source_key = (SELECT source_key FROM source_keys WHERE tenant_id = $1 AND source_id = $2) \
     AND +u.valid_from <= $3 AND (+u.valid_to IS NULL OR +u.valid_to > $3) ORDER BY u.user_id";

/// Each group of snapshot `$3` with the number of its members (by
/// `dir_memberships_group`: source and the group's `id_key`).
pub(super) const GROUP_FACTS: &str = "SELECT g.group_id, g.display_name, \
     (SELECT COUNT(*) FROM dir_memberships m WHERE m.source_key = g.source_key \
      AND m.group_key = (SELECT id_key FROM id_keys WHERE source_key = g.source_key AND aws_id = g.group_id) \
      AND +m.valid_from <= $3 AND (+m.valid_to IS NULL OR +m.valid_to > $3)) AS n \
     FROM dir_groups g WHERE g.source_key = (SELECT source_key FROM source_keys WHERE tenant_id = $1 AND source_id = $2) \
     AND +g.valid_from <= $3 AND (+g.valid_to IS NULL OR +g.valid_to > $3) ORDER BY g.group_id";

fn count(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(corrupt)
}

#[async_trait]
impl History for SqlStore {
    async fn version_changes(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        from: SyncId,
        to: SyncId,
    ) -> Result<VersionChanges, StoreError> {
        let a = (tenant, source, from, to);
        Ok(VersionChanges {
            users_before: self.changed_docs("dir_users", "user_id", BEFORE, a).await?,
            users_after: self.changed_docs("dir_users", "user_id", AFTER, a).await?,
            groups_before: self
                .changed_docs("dir_groups", "group_id", BEFORE, a)
                .await?,
            groups_after: self
                .changed_docs("dir_groups", "group_id", AFTER, a)
                .await?,
            memberships_before: self.changed_memberships(BEFORE, "$3", a).await?,
            memberships_after: self.changed_memberships(AFTER, "$4", a).await?,
            formats: (
                self.directory_format(tenant, from).await?,
                self.directory_format(tenant, to).await?,
            ),
        })
    }

    async fn change_counts(
        &self,
        tenant: &TenantId,
        source: &SourceId,
        up_to: SyncId,
        limit: u32,
    ) -> Result<Vec<SyncChangeCount>, StoreError> {
        let mut by_sync = std::collections::BTreeMap::<i64, SyncChangeCount>::new();
        for (kind, table) in ["dir_users", "dir_groups", "dir_memberships"]
            .iter()
            .enumerate()
        {
            let sql = format!(
                "SELECT s, CAST(SUM(n) AS BIGINT) FROM ( \
                   SELECT valid_from AS s, COUNT(*) AS n FROM {table} WHERE {source} AND valid_from <= $3 GROUP BY valid_from \
                   UNION ALL \
                   SELECT valid_to AS s, COUNT(*) AS n FROM {table} WHERE {source} AND valid_to <= $3 GROUP BY valid_to \
                 ) t GROUP BY s",
                source = of_source("source_key"),
            );
            let rows = sqlx::query(&sql)
                .bind(tenant.as_str())
                .bind(source.as_str())
                .bind(up_to.0)
                .fetch_all(&self.pool)
                .await?;
            for r in &rows {
                let sync: i64 = r.try_get(0)?;
                let n = count(r.try_get(1)?)?;
                let entry = by_sync.entry(sync).or_insert(SyncChangeCount {
                    sync_id: sync,
                    ..Default::default()
                });
                match kind {
                    0 => entry.users += n,
                    1 => entry.groups += n,
                    _ => entry.memberships += n,
                }
            }
        }
        Ok(by_sync.into_values().rev().take(limit as usize).collect())
    }

    async fn user_facts(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
    ) -> Result<Vec<UserFacts>, StoreError> {
        let rows = sqlx::query(USER_FACTS)
            .bind(tenant.as_str())
            .bind(snapshot.source_id.as_str())
            .bind(snapshot.sync_id.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let status: Option<String> = r.try_get("status")?;
                Ok(UserFacts {
                    user_id: r.try_get("user_id")?,
                    user_name: r.try_get("user_name")?,
                    display_name: r.try_get("display_name")?,
                    email: r.try_get("email")?,
                    disabled: status.as_deref() == Some("DISABLED"),
                    idp_sourced: r.try_get::<i64, _>("idp_sourced")? != 0,
                    groups: count(r.try_get("n")?)?,
                })
            })
            .collect()
    }

    async fn group_facts(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
    ) -> Result<Vec<GroupFacts>, StoreError> {
        let rows = sqlx::query(GROUP_FACTS)
            .bind(tenant.as_str())
            .bind(snapshot.source_id.as_str())
            .bind(snapshot.sync_id.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(GroupFacts {
                    group_id: r.try_get("group_id")?,
                    display_name: r.try_get("display_name")?,
                    members: count(r.try_get("n")?)?,
                })
            })
            .collect()
    }
}
