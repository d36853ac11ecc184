//! Effective access: account assignments expanded through the Identity
//! Store's memberships into one row per (user, account, permission set,
//! path), keeping assignments to principals that no longer exist as orphans.
//!
//! **Rows are per path**: a user who reaches the same account and permission
//! set directly and through two groups has three rows, one per `via`, so a
//! reviewer sees every grant that has to be removed to take the access away
//! (and a diff shows "via group G lost" even when a direct grant remains).
//! Pass rows through [`distinct_pairs`] to count (user, account, permission
//! set) pairs instead.
//!
//! Memory: the [`DirectoryIndex`] holds one slim entry per user and group and
//! the member lists per group (indexed once); [`expand`] is a lazy iterator
//! over the assignments, so rows are never all held at once.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::arn::PermissionSetArn;
use super::model::{AccountAssignment, PrincipalType};
use crate::directory::{Group, Membership, User};
use crate::ids::AccountId;

/// What effective access needs of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirUser {
    pub user_id: String,
    pub user_name: Option<String>,
    pub disabled: bool,
}

/// The directory of one moment, indexed for expansion.
#[derive(Debug, Clone, Default)]
pub struct DirectoryIndex {
    users: HashMap<String, DirUser>,
    groups: HashMap<String, Option<String>>,
    members: HashMap<String, Vec<String>>,
}

impl DirectoryIndex {
    /// `memberships` are (group ID, user ID) pairs; memberships of unknown
    /// users or groups are dropped (they grant nothing that exists).
    pub fn new(
        users: impl IntoIterator<Item = DirUser>,
        groups: impl IntoIterator<Item = (String, Option<String>)>,
        memberships: impl IntoIterator<Item = (String, String)>,
    ) -> Self {
        let users: HashMap<String, DirUser> =
            users.into_iter().map(|u| (u.user_id.clone(), u)).collect();
        let groups: HashMap<String, Option<String>> = groups.into_iter().collect();
        let mut members: HashMap<String, Vec<String>> = HashMap::new();
        for (g, u) in memberships {
            if groups.contains_key(&g) && users.contains_key(&u) {
                members.entry(g).or_default().push(u);
            }
        }
        for list in members.values_mut() {
            list.sort_unstable();
            list.dedup();
        }
        Self {
            users,
            groups,
            members,
        }
    }

    /// From the full directory model.
    pub fn from_directory(users: &[User], groups: &[Group], memberships: &[Membership]) -> Self {
        Self::new(
            users.iter().map(|u| DirUser {
                user_id: u.user_id.to_string(),
                user_name: u.user_name.clone(),
                disabled: u.is_disabled(),
            }),
            groups
                .iter()
                .map(|g| (g.group_id.to_string(), g.display_name.clone())),
            memberships
                .iter()
                .map(|m| (m.group_id.to_string(), m.user_id.to_string())),
        )
    }

    pub fn user(&self, id: &str) -> Option<&DirUser> {
        self.users.get(id)
    }

    /// `Some(display name)` when the group exists.
    pub fn group(&self, id: &str) -> Option<&Option<String>> {
        self.groups.get(id)
    }

    /// Current members of a group, sorted by user ID.
    pub fn members(&self, group_id: &str) -> &[String] {
        self.members.get(group_id).map_or(&[], Vec::as_slice)
    }
}

/// How a row's access is granted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Via {
    /// The user is assigned to the account and permission set.
    Direct,
    /// A group the user is a member of is assigned.
    Group {
        group_id: String,
        display_name: Option<String>,
    },
}

impl Via {
    /// `direct`, or the group's display name (its ID when it has none): the
    /// `via` column of `roster access list`.
    pub fn label(&self) -> &str {
        match self {
            Self::Direct => "direct",
            Self::Group {
                group_id,
                display_name,
            } => display_name.as_deref().unwrap_or(group_id),
        }
    }

    pub fn is_direct(&self) -> bool {
        matches!(self, Self::Direct)
    }
}

/// One path by which a user reaches an account with a permission set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccessRow {
    /// `None` only for an orphaned group assignment (no one to expand to).
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub account_id: AccountId,
    pub permission_set_arn: PermissionSetArn,
    pub via: Via,
    /// The assigned user or group is not in the directory.
    pub orphaned: bool,
    /// The user exists and is disabled.
    pub user_disabled: bool,
}

/// The identity of a row for diffs: (user, account, permission set, via
/// group ID). Names are not part of it, so a rename is not "lost + gained".
pub type RowKey = (Option<String>, AccountId, PermissionSetArn, Option<String>);

impl AccessRow {
    pub fn key(&self) -> RowKey {
        let via = match &self.via {
            Via::Direct => None,
            Via::Group { group_id, .. } => Some(group_id.clone()),
        };
        (
            self.user_id.clone(),
            self.account_id.clone(),
            self.permission_set_arn.clone(),
            via,
        )
    }
}

/// The rows of one assignment: one for a user (orphaned when unknown), one
/// per current member for a group, one orphaned row for an unknown group.
pub fn rows_of<'d>(
    dir: &'d DirectoryIndex,
    a: &AccountAssignment,
) -> impl Iterator<Item = AccessRow> + use<'d> {
    let (account_id, arn, principal) = (
        a.account_id.clone(),
        a.permission_set_arn.clone(),
        a.principal_id.clone(),
    );
    let row =
        move |user: Option<&DirUser>, user_id: Option<String>, via: Via, orphaned| AccessRow {
            user_id,
            user_name: user.and_then(|u| u.user_name.clone()),
            account_id: account_id.clone(),
            permission_set_arn: arn.clone(),
            via,
            orphaned,
            user_disabled: user.is_some_and(|u| u.disabled),
        };
    let group = match a.principal_type {
        PrincipalType::User => None,
        PrincipalType::Group => Some(dir.group(&principal)),
    };
    let single = match group {
        None => {
            let user = dir.user(&principal);
            Some(row(
                user,
                Some(principal.clone()),
                Via::Direct,
                user.is_none(),
            ))
        }
        Some(None) => {
            let via = Via::Group {
                group_id: principal.clone(),
                display_name: None,
            };
            Some(row(None, None, via, true))
        }
        Some(Some(_)) => None,
    };
    let (members, name): (&'d [String], Option<String>) = match group {
        Some(Some(name)) => (dir.members(&principal), name.clone()),
        _ => (&[], None),
    };
    single.into_iter().chain(members.iter().map(move |uid| {
        let via = Via::Group {
            group_id: principal.clone(),
            display_name: name.clone(),
        };
        row(dir.user(uid), Some(uid.clone()), via, false)
    }))
}

/// Effective access of all `assignments` (borrowed or owned, e.g. straight
/// from a paged reader), lazily, in assignment order.
pub fn expand<'d, I>(
    dir: &'d DirectoryIndex,
    assignments: I,
) -> impl Iterator<Item = AccessRow> + 'd
where
    I: IntoIterator,
    I::Item: std::borrow::Borrow<AccountAssignment>,
    I::IntoIter: 'd,
{
    use std::borrow::Borrow as _;
    assignments
        .into_iter()
        .flat_map(move |a| rows_of(dir, a.borrow()))
}

/// The distinct (user, account, permission set) triples of non-orphaned
/// rows: access regardless of path.
pub fn distinct_pairs<'r>(
    rows: impl IntoIterator<Item = &'r AccessRow>,
) -> BTreeSet<(String, AccountId, PermissionSetArn)> {
    rows.into_iter()
        .filter(|r| !r.orphaned)
        .filter_map(|r| {
            r.user_id
                .clone()
                .map(|u| (u, r.account_id.clone(), r.permission_set_arn.clone()))
        })
        .collect()
}

#[cfg(test)]
#[path = "access_tests.rs"]
pub(crate) mod tests;
