//! What the directory costs on disk: the bytes of each versioned table with
//! its indexes (for `roster bench sync`), on either backend.

use sqlx::Row;

use super::SqlStore;
use super::columns::TABLES;
use crate::error::StoreError;
use crate::records::{Backend, VersionCounts};

impl SqlStore {
    /// Bytes of `dir_users`, `dir_groups` and `dir_memberships`, each with
    /// its indexes, over every tenant and source; `None` where the backend
    /// cannot tell (a `SQLite` built without the `dbstat` table).
    pub async fn directory_bytes(&self) -> Result<Option<VersionCounts>, StoreError> {
        let mut bytes = [0u64; 3];
        for (slot, (live, _)) in bytes.iter_mut().zip(TABLES) {
            let sql = match self.backend {
                // An index's name starts with its table's (`dir_users_key`).
                Backend::Sqlite => format!(
                    "SELECT CAST(COALESCE(SUM(d.pgsize), 0) AS BIGINT) FROM dbstat d \
                     JOIN sqlite_schema s ON s.name = d.name WHERE s.tbl_name = '{live}'"
                ),
                Backend::Postgres => {
                    format!("SELECT CAST(pg_total_relation_size('{live}') AS BIGINT)")
                }
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
