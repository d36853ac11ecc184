//! The owners of a source's groups, accounts and permission sets, who review
//! their items: set, cleared and listed.

use roster_core::review::OwnerKind;
use roster_core::{SourceId, TenantId};
use sqlx::{AnyPool, Row};

use super::check_text;
use crate::error::StoreError;
use crate::ports::reviews::Owner;
use crate::sql::SqlStore;
use crate::sql::reviews::normal_email;
use crate::sql::rows::corrupt;

pub(in crate::sql::reviews) async fn set_owner(
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

pub(in crate::sql::reviews) async fn owners(
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
