//! Effective access of the assignments an access sync read, expanded through
//! the newest directory snapshot of the same source and written in batches.
//!
//! Memory: **per-principal streaming**. Assignments are grouped by
//! principal; a user is looked up alone, a group's members are read from
//! the store one page at a time and each page is expanded on its own. So an
//! expansion holds the assignments and one page of members, never the
//! directory, and rows leave in batches of at most `batch_rows`.
//! Assignments to principals the snapshot does not hold stay as orphaned
//! rows (`roster_core::sso::rows_of`).

use roster_core::TenantId;
use roster_core::sso::{
    AccessRow, AccountAssignment, DirUser, DirectoryIndex, PrincipalType, access,
};
use roster_store::{Snapshot, Store, StoreError};

/// Members read per store call.
const MEMBER_PAGE: u32 = 1_000;

/// Expands `assignments` through the directory as of `dir`, handing rows to
/// `sink` in batches of at most `batch_rows`.
pub(crate) async fn expand_through<F, Fut>(
    store: &dyn Store,
    tenant: &TenantId,
    dir: &Snapshot,
    assignments: &[AccountAssignment],
    batch_rows: usize,
    mut sink: F,
) -> Result<(), StoreError>
where
    F: FnMut(Vec<AccessRow>) -> Fut,
    Fut: Future<Output = Result<(), StoreError>>,
{
    let mut order: Vec<&AccountAssignment> = assignments.iter().collect();
    order.sort_by(|a, b| {
        (a.principal_type, &a.principal_id).cmp(&(b.principal_type, &b.principal_id))
    });
    let mut batch = Vec::with_capacity(batch_rows);
    for same in order
        .chunk_by(|a, b| a.principal_type == b.principal_type && a.principal_id == b.principal_id)
    {
        let (kind, id) = (same[0].principal_type, same[0].principal_id.as_str());
        match kind {
            PrincipalType::User => {
                let index = user_index(store, tenant, dir, id).await?;
                for a in same {
                    batch.extend(access::rows_of(&index, a));
                }
            }
            PrincipalType::Group => {
                let Some(name) = group_name(store, tenant, dir, id).await? else {
                    // Not in the directory: one orphaned row per assignment.
                    for a in same {
                        batch.extend(access::rows_of(&DirectoryIndex::default(), a));
                    }
                    continue;
                };
                let mut after: Option<String> = None;
                loop {
                    let members = store
                        .group_members(tenant, dir, id, after.as_deref(), MEMBER_PAGE)
                        .await?;
                    let full = members.len() >= MEMBER_PAGE as usize;
                    after = members.last().map(|m| m.user_id.clone());
                    let index = DirectoryIndex::new(
                        members.iter().map(|m| DirUser {
                            user_id: m.user_id.clone(),
                            user_name: m.user_name.clone(),
                            disabled: m.status.as_deref() == Some("DISABLED"),
                        }),
                        [(id.to_owned(), name.clone())],
                        members.iter().map(|m| (id.to_owned(), m.user_id.clone())),
                    );
                    for a in same {
                        batch.extend(access::rows_of(&index, a));
                        if batch.len() >= batch_rows {
                            sink(std::mem::take(&mut batch)).await?;
                        }
                    }
                    if !full {
                        break;
                    }
                }
            }
        }
        if batch.len() >= batch_rows {
            sink(std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        sink(batch).await?;
    }
    Ok(())
}

/// An index holding the one user, or nothing when the snapshot lacks them.
async fn user_index(
    store: &dyn Store,
    tenant: &TenantId,
    dir: &Snapshot,
    id: &str,
) -> Result<DirectoryIndex, StoreError> {
    match store.get_user(tenant, dir, id).await {
        Ok(u) => Ok(DirectoryIndex::new(
            [DirUser {
                user_id: u.user_id.to_string(),
                user_name: u.user_name.clone(),
                disabled: u.is_disabled(),
            }],
            [],
            [],
        )),
        Err(StoreError::NotFound(_)) => Ok(DirectoryIndex::default()),
        Err(e) => Err(e),
    }
}

/// `Some(display name)` when the snapshot holds the group.
async fn group_name(
    store: &dyn Store,
    tenant: &TenantId,
    dir: &Snapshot,
    id: &str,
) -> Result<Option<Option<String>>, StoreError> {
    match store.get_group(tenant, dir, id).await {
        Ok(g) => Ok(Some(g.display_name)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}
