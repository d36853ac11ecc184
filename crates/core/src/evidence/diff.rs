//! The difference between two snapshots of a source, computed from the entity
//! versions that changed between them (never from two whole directories):
//! users added / removed / changed per field, groups added / removed /
//! renamed / changed, memberships added / removed. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::{Group, User};

/// Fields that change with every write and say nothing an auditor needs.
const NOISE_FIELDS: &[&str] = &["UpdatedAt", "UpdatedBy", "Revision"];

/// A membership with the names a reader needs next to the IDs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MembershipRef {
    pub membership_id: String,
    pub group_id: String,
    pub group_name: Option<String>,
    pub user_id: String,
    pub user_name: Option<String>,
}

/// The versions that differ between snapshots `from` and `to`, as the store
/// found them: for every object that changed, its version as of `from`
/// (`*_before`) and as of `to` (`*_after`). Unchanged objects are absent.
#[derive(Debug, Clone, Default)]
pub struct VersionChanges {
    pub users_before: Vec<User>,
    pub users_after: Vec<User>,
    pub groups_before: Vec<Group>,
    pub groups_after: Vec<Group>,
    pub memberships_before: Vec<MembershipRef>,
    pub memberships_after: Vec<MembershipRef>,
    /// The directory formats of the two snapshots (see
    /// [`crate::directory::DIRECTORY_FORMAT`]); 0 when unknown (= current).
    pub formats: (u8, u8),
}

/// Fields a snapshot of `format` may lack: never compared with it. (ARNs
/// follow from IDs, so skipping them hides nothing.)
fn fields_absent_in(format: u8) -> &'static [&'static str] {
    match format {
        1 => &["Extensions", "UserArn", "GroupArn"],
        _ => &[],
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRef {
    pub user_id: String,
    pub user_name: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
}

impl From<&User> for UserRef {
    fn from(u: &User) -> Self {
        Self {
            user_id: u.user_id.to_string(),
            user_name: u.user_name.clone(),
            display_name: u.display_name.clone(),
            email: u.primary_email().map(str::to_owned),
        }
    }
}

/// One field (AWS name) before and after; `null` when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserChange {
    #[serde(flatten)]
    pub user: UserRef,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRef {
    pub group_id: String,
    pub display_name: Option<String>,
}

impl From<&Group> for GroupRef {
    fn from(g: &Group) -> Self {
        Self {
            group_id: g.group_id.to_string(),
            display_name: g.display_name.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRename {
    pub group_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupChange {
    #[serde(flatten)]
    pub group: GroupRef,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UserChanges {
    pub added: Vec<UserRef>,
    pub removed: Vec<UserRef>,
    pub changed: Vec<UserChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GroupChanges {
    pub added: Vec<GroupRef>,
    pub removed: Vec<GroupRef>,
    pub renamed: Vec<GroupRename>,
    /// Changes of fields other than `DisplayName`.
    pub changed: Vec<GroupChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MembershipChanges {
    pub added: Vec<MembershipRef>,
    pub removed: Vec<MembershipRef>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DiffSummary {
    pub users_added: usize,
    pub users_removed: usize,
    pub users_changed: usize,
    pub groups_added: usize,
    pub groups_removed: usize,
    pub groups_renamed: usize,
    pub groups_changed: usize,
    pub memberships_added: usize,
    pub memberships_removed: usize,
}

impl DiffSummary {
    pub fn total(&self) -> usize {
        self.users_added
            + self.users_removed
            + self.users_changed
            + self.groups_added
            + self.groups_removed
            + self.groups_renamed
            + self.groups_changed
            + self.memberships_added
            + self.memberships_removed
    }
}

/// What changed from snapshot `from_sync` to snapshot `to_sync` of a source.
/// Every list is sorted by ID, so the JSON is stable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub source_id: String,
    pub from_sync: i64,
    pub to_sync: i64,
    pub summary: DiffSummary,
    pub users: UserChanges,
    pub groups: GroupChanges,
    pub memberships: MembershipChanges,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.summary.total() == 0
    }
}

/// Field-by-field differences of two JSON objects, noise fields left out.
fn field_changes(before: &Value, after: &Value, skip: &[&str]) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    keys.into_iter()
        .filter(|k| !NOISE_FIELDS.contains(&k.as_str()) && !skip.contains(&k.as_str()))
        .flat_map(|k| {
            let (x, y) = (b.get(k), a.get(k));
            if k == "Extensions" {
                return extension_changes(x, y);
            }
            (x != y)
                .then(|| FieldChange {
                    field: k.clone(),
                    before: x.cloned().unwrap_or(Value::Null),
                    after: y.cloned().unwrap_or(Value::Null),
                })
                .into_iter()
                .collect()
        })
        .collect()
}

/// `Extensions` compared per field of each extension, named
/// `Extensions.<extension>.<field>` (`….aws:identitystore:enterprise.department`).
fn extension_changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let docs = |v: Option<&Value>| v.and_then(Value::as_object).unwrap_or(&empty).clone();
    let (b, a) = (docs(before), docs(after));
    let names: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let (x, y) = (b.get(name), a.get(name));
        match (x.and_then(Value::as_object), y.and_then(Value::as_object)) {
            (Some(_), _) | (_, Some(_)) => {
                for mut c in
                    field_changes(x.unwrap_or(&Value::Null), y.unwrap_or(&Value::Null), &[])
                {
                    c.field = format!("Extensions.{name}.{}", c.field);
                    out.push(c);
                }
            }
            _ if x != y => out.push(FieldChange {
                field: format!("Extensions.{name}"),
                before: x.cloned().unwrap_or(Value::Null),
                after: y.cloned().unwrap_or(Value::Null),
            }),
            _ => {}
        }
    }
    out
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Pairs before/after versions by key: (before, after) with either side absent.
fn pair<T, K: Ord>(
    before: Vec<T>,
    after: Vec<T>,
    key: impl Fn(&T) -> K,
) -> Vec<(Option<T>, Option<T>)> {
    let mut map: BTreeMap<K, (Option<T>, Option<T>)> = BTreeMap::new();
    for b in before {
        let k = key(&b);
        map.entry(k).or_default().0 = Some(b);
    }
    for a in after {
        let k = key(&a);
        map.entry(k).or_default().1 = Some(a);
    }
    map.into_values().collect()
}

fn diff_users(before: Vec<User>, after: Vec<User>, skip: &[&str]) -> UserChanges {
    let mut out = UserChanges::default();
    for pair in pair(before, after, |u| u.user_id.to_string()) {
        match pair {
            (None, Some(a)) => out.added.push(UserRef::from(&a)),
            (Some(b), None) => out.removed.push(UserRef::from(&b)),
            (Some(b), Some(a)) => {
                let fields = field_changes(&to_value(&b), &to_value(&a), skip);
                if !fields.is_empty() {
                    out.changed.push(UserChange {
                        user: UserRef::from(&a),
                        fields,
                    });
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn diff_groups(before: Vec<Group>, after: Vec<Group>, skip: &[&str]) -> GroupChanges {
    let mut out = GroupChanges::default();
    for pair in pair(before, after, |g| g.group_id.to_string()) {
        match pair {
            (None, Some(a)) => out.added.push(GroupRef::from(&a)),
            (Some(b), None) => out.removed.push(GroupRef::from(&b)),
            (Some(b), Some(a)) => {
                if b.display_name != a.display_name {
                    out.renamed.push(GroupRename {
                        group_id: a.group_id.to_string(),
                        before: b.display_name.clone(),
                        after: a.display_name.clone(),
                    });
                }
                let skip: Vec<&str> = skip.iter().copied().chain(["DisplayName"]).collect();
                let fields = field_changes(&to_value(&b), &to_value(&a), &skip);
                if !fields.is_empty() {
                    out.changed.push(GroupChange {
                        group: GroupRef::from(&a),
                        fields,
                    });
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn diff_memberships(before: Vec<MembershipRef>, after: Vec<MembershipRef>) -> MembershipChanges {
    let mut out = MembershipChanges::default();
    for pair in pair(before, after, |m| m.membership_id.clone()) {
        match pair {
            (None, Some(a)) => out.added.push(a),
            (Some(b), None) => out.removed.push(b),
            // A membership ID that now joins another group or user: both.
            (Some(b), Some(a)) => {
                if (&b.group_id, &b.user_id) != (&a.group_id, &a.user_id) {
                    out.removed.push(b);
                    out.added.push(a);
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// Computes the diff from the changed versions between two snapshots.
pub fn compute(source_id: &str, from_sync: i64, to_sync: i64, changes: VersionChanges) -> Diff {
    let (f, t) = changes.formats;
    let skip: Vec<&str> = fields_absent_in(f)
        .iter()
        .chain(fields_absent_in(t))
        .copied()
        .collect();
    let users = diff_users(changes.users_before, changes.users_after, &skip);
    let groups = diff_groups(changes.groups_before, changes.groups_after, &skip);
    let memberships = diff_memberships(changes.memberships_before, changes.memberships_after);
    let summary = DiffSummary {
        users_added: users.added.len(),
        users_removed: users.removed.len(),
        users_changed: users.changed.len(),
        groups_added: groups.added.len(),
        groups_removed: groups.removed.len(),
        groups_renamed: groups.renamed.len(),
        groups_changed: groups.changed.len(),
        memberships_added: memberships.added.len(),
        memberships_removed: memberships.removed.len(),
    };
    Diff {
        source_id: source_id.to_owned(),
        from_sync,
        to_sync,
        summary,
        users,
        groups,
        memberships,
    }
}

/// Versions a source introduced and ended at one sync: its amount of change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncChangeCount {
    pub sync_id: i64,
    pub users: u64,
    pub groups: u64,
    pub memberships: u64,
}

impl SyncChangeCount {
    pub fn total(&self) -> u64 {
        self.users + self.groups + self.memberships
    }
}
