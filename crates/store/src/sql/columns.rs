//! The versioned directory tables, each defined once: its live and staging
//! tables, its key, and its columns, each with how a record fills it.
//!
//! Everything else is derived from these definitions: the staging INSERT's
//! column list, its placeholders and bind order (`versions/batch.rs`, `insert_staged`),
//! and the columns a new version copies from stage to live. Adding a column
//! is one line here plus a migration that adds it to both tables.

use roster_core::{Group, Membership, User};

use super::rows::corrupt;
use super::{compact, keys, text};
use crate::error::StoreError;

/// A value for one column of one row.
pub(super) enum Value {
    Text(Option<String>),
    Int(i64),
}

/// One column of a versioned table and how a record of type `T` fills it.
pub(super) struct Column<T> {
    /// The staging table's column, and the live table's unless `keyed_as`.
    pub name: &'static str,
    pub value: fn(&T) -> Result<Value, StoreError>,
    /// For an AWS ID the live table holds as its integer (`id_keys`,
    /// migration 0022): the live column's name.
    pub keyed_as: Option<&'static str>,
}

impl<T> Column<T> {
    /// The column's name in the live table.
    pub fn live_name(&self) -> &'static str {
        self.keyed_as.unwrap_or(self.name)
    }

    /// The live value of the staged row aliased `s`, in the source whose
    /// key is `source_key` (an SQL expression).
    pub fn staged_value(&self, source_key: &str) -> String {
        let staged = format!("s.{}", self.name);
        match self.keyed_as {
            Some(_) => keys::id_key(source_key, &staged),
            None => staged,
        }
    }
}

/// How one kind of entity is versioned: its tables, key and columns.
pub(super) struct Versioned<T: 'static> {
    pub live: &'static str,
    pub stage: &'static str,
    pub key: &'static str,
    /// Staged with each row (after `sync_id` and `tenant_id`), in this
    /// order, and copied from stage to live when a version begins.
    pub columns: &'static [Column<T>],
    /// Equal in all of these means "unchanged".
    pub compared: &'static [&'static str],
}

impl<T> Versioned<T> {
    /// The staging table's column names, comma-separated.
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The live table's column names, comma-separated.
    pub fn live_column_list(&self) -> String {
        self.columns
            .iter()
            .map(Column::live_name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The live values of the staged row `s`, comma-separated, in the
    /// order of `live_column_list`.
    pub fn staged_values(&self, source_key: &str) -> String {
        self.columns
            .iter()
            .map(|c| c.staged_value(source_key))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The column named `name` (a staging column).
    pub fn column(&self, name: &str) -> &Column<T> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .expect("compared columns are columns")
    }
}

/// Every versioned table, as (live, staging): for statements that touch all.
pub(super) const TABLES: [(&str, &str); 3] = [
    (USERS.live, USERS.stage),
    (GROUPS.live, GROUPS.stage),
    (MEMBERSHIPS.live, MEMBERSHIPS.stage),
];

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt)
}

fn key(s: &str) -> Value {
    Value::Text(Some(s.to_owned()))
}

/// Text from AWS, fit for a column (see `text`).
fn aws_text(s: Option<&str>) -> Value {
    Value::Text(text::column_opt(s))
}

pub(super) const USERS: Versioned<User> = Versioned {
    live: "dir_users",
    stage: "stage_users",
    key: "user_id",
    columns: &[
        Column {
            name: "user_id",
            value: |u| Ok(key(u.user_id.as_str())),
            keyed_as: None,
        },
        Column {
            name: "user_name",
            value: |u| Ok(aws_text(u.user_name.as_deref())),
            keyed_as: None,
        },
        Column {
            name: "display_name",
            value: |u| Ok(aws_text(u.display_name.as_deref())),
            keyed_as: None,
        },
        Column {
            name: "email",
            value: |u| Ok(aws_text(u.primary_email())),
            keyed_as: None,
        },
        Column {
            name: "status",
            value: |u| {
                let status = u.user_status.as_ref().map(to_json).transpose()?;
                Ok(Value::Text(status.map(|j| j.trim_matches('"').to_owned())))
            },
            keyed_as: None,
        },
        Column {
            name: "idp_sourced",
            value: |u| Ok(Value::Int(i64::from(u.is_idp_sourced()))),
            keyed_as: None,
        },
        Column {
            name: "doc",
            value: |u| Ok(Value::Text(Some(compact::encode(u, u.user_id.as_str())?))),
            keyed_as: None,
        },
    ],
    compared: &["doc"],
};

pub(super) const GROUPS: Versioned<Group> = Versioned {
    live: "dir_groups",
    stage: "stage_groups",
    key: "group_id",
    columns: &[
        Column {
            name: "group_id",
            value: |g| Ok(key(g.group_id.as_str())),
            keyed_as: None,
        },
        Column {
            name: "display_name",
            value: |g| Ok(aws_text(g.display_name.as_deref())),
            keyed_as: None,
        },
        Column {
            name: "doc",
            value: |g| Ok(Value::Text(Some(compact::encode(g, g.group_id.as_str())?))),
            keyed_as: None,
        },
    ],
    compared: &["doc"],
};

pub(super) const MEMBERSHIPS: Versioned<Membership> = Versioned {
    live: "dir_memberships",
    stage: "stage_memberships",
    key: "membership_id",
    columns: &[
        Column {
            name: "membership_id",
            value: |m| Ok(key(m.membership_id.as_str())),
            keyed_as: None,
        },
        Column {
            name: "group_id",
            value: |m| Ok(key(m.group_id.as_str())),
            keyed_as: Some("group_key"),
        },
        Column {
            name: "user_id",
            value: |m| Ok(key(m.user_id.as_str())),
            keyed_as: Some("user_key"),
        },
        // `MembershipArn` and the timestamps: a membership is re-versioned
        // only when AWS changes one of them (they are not touched per sync).
        // Documents are compact (`compact`), keyed by the row's own ID.
        Column {
            name: "doc",
            value: |m| {
                let doc = compact::encode(&m.meta, m.membership_id.as_str())?;
                Ok(Value::Text(Some(doc)))
            },
            keyed_as: None,
        },
    ],
    compared: &["group_id", "user_id", "doc"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_lists_come_from_the_definitions() {
        assert_eq!(
            USERS.column_list(),
            "user_id, user_name, display_name, email, status, idp_sourced, doc"
        );
        assert_eq!(
            GROUPS.staged_values("$3"),
            "s.group_id, s.display_name, s.doc"
        );
        assert_eq!(
            MEMBERSHIPS.column_list(),
            "membership_id, group_id, user_id, doc"
        );
        assert_eq!(
            MEMBERSHIPS.live_column_list(),
            "membership_id, group_key, user_key, doc"
        );
        assert_eq!(
            MEMBERSHIPS.staged_values("$3"),
            "s.membership_id, (SELECT id_key FROM id_keys WHERE source_key = $3 AND aws_id = s.group_id), \
             (SELECT id_key FROM id_keys WHERE source_key = $3 AND aws_id = s.user_id), s.doc"
        );
        for (live, stage) in TABLES {
            assert!(live.starts_with("dir_") && stage.starts_with("stage_"));
        }
    }
}
