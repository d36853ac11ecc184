//! What the directory costs on disk: the bytes of each versioned table with
//! its indexes (for `roster bench sync`), on either backend.

use sqlx::Row;

use super::SqlStore;
use super::columns::{MEMBERSHIPS, TABLES};
use crate::error::StoreError;
use crate::records::{Backend, VersionCounts};

impl SqlStore {
    /// Bytes of `dir_users`, `dir_groups` and `dir_memberships`, each with
    /// its indexes, over every tenant and source; `None` where the backend
    /// cannot tell (a `SQLite` built without the `dbstat` table). The
    /// memberships' share includes `id_keys`, which holds the user and
    /// group IDs they name (migration 0022).
    pub async fn directory_bytes(&self) -> Result<Option<VersionCounts>, StoreError> {
        let mut bytes = [0u64; 3];
        for (slot, (live, _)) in bytes.iter_mut().zip(TABLES) {
            let tables = if live == MEMBERSHIPS.live {
                format!("'{live}', 'id_keys'")
            } else {
                format!("'{live}'")
            };
            let sql = match self.backend {
                // An index's `tbl_name` is its table's.
                Backend::Sqlite => format!(
                    "SELECT CAST(COALESCE(SUM(d.pgsize), 0) AS BIGINT) FROM dbstat d \
                     JOIN sqlite_schema s ON s.name = d.name WHERE s.tbl_name IN ({tables})"
                ),
                Backend::Postgres => format!(
                    "SELECT CAST(SUM(pg_total_relation_size(CAST(t AS regclass))) AS BIGINT) FROM \
                     (SELECT unnest(ARRAY[{tables}]) AS t) r"
                ),
            };
            let row = match sqlx::query(&sql).fetch_one(&self.pool).await {
                Ok(row) => row,
                Err(e) if self.backend == Backend::Sqlite => {
                    tracing::debug!(error = %e, "no dbstat: table sizes unknown");
                    return Ok(None);
                }
                Err(e) => return Err(e.into()),
            };
            *slot = u64::try_from(row.try_get::<i64, _>(0)?).unwrap_or(0);
        }
        Ok(Some(VersionCounts {
            users: bytes[0],
            groups: bytes[1],
            memberships: bytes[2],
        }))
    }
}
