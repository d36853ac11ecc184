//! Browsing a snapshot the way the console does: search and filters, one
//! page at a time (keyset pagination), never the whole directory per request.

use async_trait::async_trait;
use roster_core::{Group, TenantId, User};
use serde::Serialize;

use crate::error::StoreError;
use crate::records::Snapshot;

/// Filters of the Users page; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Case-insensitive substring of user name, display name or email.
    pub query: Option<String>,
    /// Only members of this group (ID).
    pub group_id: Option<String>,
    /// `ENABLED` or `DISABLED`, as AWS reports it.
    pub status: Option<String>,
    /// Only users that come (or do not come) from the external `IdP`.
    pub idp_sourced: Option<bool>,
}

/// One row of a user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserSummary {
    pub user_id: String,
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub status: Option<String>,
    pub idp_sourced: bool,
}

/// One row of a group list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupSummary {
    pub group_id: String,
    pub display_name: Option<String>,
    pub member_count: u64,
}

#[async_trait]
pub trait Browse: Send + Sync {
    /// Users matching `filter`, ordered by user ID, after `after`.
    async fn search_users(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        filter: &UserFilter,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<UserSummary>, StoreError>;
    async fn get_user(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        user_id: &str,
    ) -> Result<User, StoreError>;
    /// Groups the user belongs to, by display name (at most `limit`).
    async fn user_groups(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        user_id: &str,
        limit: u32,
    ) -> Result<Vec<GroupSummary>, StoreError>;
    /// Groups whose name contains `query`, ordered by group ID, after `after`.
    async fn search_groups(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        query: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<GroupSummary>, StoreError>;
    async fn get_group(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        group_id: &str,
    ) -> Result<Group, StoreError>;
    /// Members of a group, ordered by user ID, after `after`.
    async fn group_members(
        &self,
        tenant: &TenantId,
        snapshot: &Snapshot,
        group_id: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<UserSummary>, StoreError>;
}
