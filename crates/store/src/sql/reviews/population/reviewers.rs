//! Each item's reviewer: the owner, the named reviewer or the fallback, and
//! never the item's own user.

use roster_core::TenantId;
use roster_core::review::{OwnerKind, PopulationKind};
use sqlx::AnyPool;

use super::SELF_REVIEW;
use crate::error::StoreError;
use crate::ports::reviews::NewCampaign;

/// Reviewer of each item: the owner (access: of the account, else the
/// permission set, else the group it comes through; memberships: of the
/// group), else the named reviewer, else the fallback. Items that would go
/// to their own user (by any of their emails) go to the fallback, or to
/// nobody when that is the user too.
pub(super) async fn assign_reviewers(
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
    crate::sql::reviews::own_emails::reassign_own(&mut conn, tenant, &new.id, &snapshot, fallback)
        .await
}
