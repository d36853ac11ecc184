//! The SSO source's versioned tables (migration 0012), each defined once:
//! live and staging table, the columns after the key `k`, which of them
//! decide "changed", and how a record becomes a row and a row a record.
//!
//! Keys join their parts with U+001F, which sorts below every printable
//! character, so the order of keys is the order of their parts (the order
//! `AccessEntry::cursor` documents). Free text from AWS goes through
//! `sql::text` (NUL as U+FFFD in columns); documents keep the exact value,
//! and an access row whose texts had NUL keeps its exact form in `raw`.

use roster_core::sso::{
    AccessRow, Account, AccountAssignment, Application, ApplicationAssignment, PermissionSet,
    PermissionSetArn, PermissionSetFacts, PermissionSetPolicies, PrincipalType, Via,
};
use roster_core::{AccountId, SyncId, TenantId};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::super::rows::corrupt;
use super::super::text;
use crate::error::StoreError;
use crate::ports::access::StoredPermissionSet;

/// One versioned table of the access scope.
pub(crate) struct Table {
    pub live: &'static str,
    pub stage: &'static str,
    /// Columns after `k`, staged and copied to a new version in this order.
    pub columns: &'static [&'static str],
    /// Equal in all of these (NULL equal to NULL) means "unchanged".
    pub compared: &'static [&'static str],
}

pub(crate) const ACCOUNTS: Table = Table {
    live: "sso_accounts",
    stage: "sso_stage_accounts",
    columns: &["name", "doc"],
    compared: &["doc"],
};
pub(crate) const PERMISSION_SETS: Table = Table {
    live: "sso_permission_sets",
    stage: "sso_stage_permission_sets",
    columns: &["name", "privileged", "doc"],
    compared: &["privileged", "doc"],
};
pub(crate) const ACCOUNT_ASSIGNMENTS: Table = Table {
    live: "sso_account_assignments",
    stage: "sso_stage_account_assignments",
    columns: &["doc"],
    compared: &["doc"],
};
pub(crate) const APPLICATIONS: Table = Table {
    live: "sso_applications",
    stage: "sso_stage_applications",
    columns: &["doc"],
    compared: &["doc"],
};
pub(crate) const APPLICATION_ASSIGNMENTS: Table = Table {
    live: "sso_application_assignments",
    stage: "sso_stage_application_assignments",
    columns: &["doc"],
    compared: &["doc"],
};
pub(crate) const ACCESS: Table = Table {
    live: "sso_access",
    stage: "sso_stage_access",
    columns: &[
        "user_id",
        "user_name",
        "account_id",
        "permission_set_arn",
        "via_group_id",
        "via_name",
        "orphaned",
        "user_disabled",
        "raw",
    ],
    // The key holds the rest.
    compared: &["user_name", "via_name", "orphaned", "user_disabled", "raw"],
};

/// Every table of the access scope.
pub(crate) const TABLES: [&Table; 6] = [
    &ACCOUNTS,
    &PERMISSION_SETS,
    &ACCOUNT_ASSIGNMENTS,
    &APPLICATIONS,
    &APPLICATION_ASSIGNMENTS,
    &ACCESS,
];

/// A value bound for one column.
pub(crate) enum Bind {
    Text(Option<String>),
    Int(i64),
}

/// A staged row: the key, then the table's columns in order.
pub(crate) struct Staged {
    pub k: String,
    pub values: Vec<Bind>,
}

const SEP: char = '\u{1f}';

/// The longest part of a key: AWS's IDs and ARNs are far shorter, and
/// keys stay within `PostgreSQL`'s B-tree entry limit (about 2.7 kB) even
/// in the group index, which holds a group ID beside the key.
pub(crate) const MAX_KEY_PART: usize = 512;

fn join(parts: &[&str]) -> Result<String, StoreError> {
    let mut k = String::new();
    for (i, p) in parts.iter().enumerate() {
        if p.len() > MAX_KEY_PART {
            return Err(StoreError::Conflict(format!(
                "an ID of {} bytes is longer than the {MAX_KEY_PART} bytes stored",
                p.len()
            )));
        }
        if i > 0 {
            k.push(SEP);
        }
        k.push_str(&text::column(p));
    }
    Ok(k)
}

fn json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt)
}

fn principal_type(t: PrincipalType) -> &'static str {
    match t {
        PrincipalType::User => "USER",
        PrincipalType::Group => "GROUP",
    }
}

pub(crate) fn account(a: &Account) -> Result<Staged, StoreError> {
    Ok(Staged {
        k: a.id.as_str().to_owned(),
        values: vec![
            Bind::Text(text::column_opt(a.name.as_deref())),
            Bind::Text(Some(json(a)?)),
        ],
    })
}

/// A permission set's stored document. Lists are sorted, so the order AWS
/// lists them in never makes a new version.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PermissionSetDoc {
    permission_set: PermissionSet,
    policies: PermissionSetPolicies,
    provisioned_accounts: Vec<AccountId>,
}

pub(crate) fn permission_set(p: &StoredPermissionSet) -> Result<Staged, StoreError> {
    let mut policies = p.facts.policies.clone();
    policies
        .managed_policies
        .sort_by(|a, b| (&a.arn, &a.name).cmp(&(&b.arn, &b.name)));
    policies
        .customer_managed_policy_references
        .sort_by(|a, b| (&a.path, &a.name).cmp(&(&b.path, &b.name)));
    let mut provisioned = p.provisioned_accounts.clone();
    provisioned.sort();
    provisioned.dedup();
    let doc = PermissionSetDoc {
        permission_set: p.facts.permission_set.clone(),
        policies,
        provisioned_accounts: provisioned,
    };
    Ok(Staged {
        k: p.facts
            .permission_set
            .permission_set_arn
            .as_str()
            .to_owned(),
        values: vec![
            Bind::Text(Some(
                text::column(&p.facts.permission_set.name).into_owned(),
            )),
            Bind::Int(i64::from(p.privileged)),
            Bind::Text(Some(json(&doc)?)),
        ],
    })
}

pub(crate) fn permission_set_of(
    privileged: i64,
    doc: &str,
) -> Result<StoredPermissionSet, StoreError> {
    let d: PermissionSetDoc = serde_json::from_str(doc).map_err(corrupt)?;
    Ok(StoredPermissionSet {
        facts: PermissionSetFacts {
            permission_set: d.permission_set,
            policies: d.policies,
        },
        privileged: privileged != 0,
        provisioned_accounts: d.provisioned_accounts,
    })
}

pub(crate) fn account_assignment(a: &AccountAssignment) -> Result<Staged, StoreError> {
    Ok(Staged {
        k: join(&[
            a.account_id.as_str(),
            a.permission_set_arn.as_str(),
            principal_type(a.principal_type),
            &a.principal_id,
        ])?,
        values: vec![Bind::Text(Some(json(a)?))],
    })
}

pub(crate) fn application(a: &Application) -> Result<Staged, StoreError> {
    Ok(Staged {
        k: join(&[&a.application_arn])?,
        values: vec![Bind::Text(Some(json(a)?))],
    })
}

pub(crate) fn application_assignment(a: &ApplicationAssignment) -> Result<Staged, StoreError> {
    Ok(Staged {
        k: join(&[
            &a.application_arn,
            principal_type(a.principal_type),
            &a.principal_id,
        ])?,
        values: vec![Bind::Text(Some(json(a)?))],
    })
}

/// The key of an access row as stored: `AccessEntry::cursor` with NUL as
/// U+FFFD (so a cursor taken from a returned row finds its place).
pub(crate) fn access_key(cursor: &str) -> String {
    text::column(cursor).into_owned()
}

pub(crate) fn access(r: &AccessRow) -> Result<Staged, StoreError> {
    let (group, group_name) = match &r.via {
        Via::Direct => ("", None),
        Via::Group {
            group_id,
            display_name,
        } => (group_id.as_str(), display_name.as_deref()),
    };
    let user = r.user_id.as_deref().unwrap_or("");
    let has_nul = [Some(user), r.user_name.as_deref(), Some(group), group_name]
        .into_iter()
        .flatten()
        .any(|s| s.contains('\0'));
    Ok(Staged {
        k: join(&[
            user,
            r.account_id.as_str(),
            r.permission_set_arn.as_str(),
            group,
        ])?,
        values: vec![
            Bind::Text(Some(text::column(user).into_owned())),
            Bind::Text(text::column_opt(r.user_name.as_deref())),
            Bind::Text(Some(r.account_id.as_str().to_owned())),
            Bind::Text(Some(r.permission_set_arn.as_str().to_owned())),
            Bind::Text(Some(text::column(group).into_owned())),
            Bind::Text(text::column_opt(group_name)),
            Bind::Int(i64::from(r.orphaned)),
            Bind::Int(i64::from(r.user_disabled)),
            Bind::Text(has_nul.then(|| json(r)).transpose()?),
        ],
    })
}

/// The columns [`access_of`] reads, with alias `a`.
pub(crate) const ACCESS_COLUMNS: &str = "a.user_id, a.user_name, a.account_id, a.permission_set_arn, \
     a.via_group_id, a.via_name, a.orphaned, a.user_disabled, a.raw";

/// An access row from the first columns of `row` ([`ACCESS_COLUMNS`]).
pub(crate) fn access_of(row: &AnyRow) -> Result<AccessRow, StoreError> {
    if let Some(raw) = row.try_get::<Option<String>, _>(8)? {
        return serde_json::from_str(&raw).map_err(corrupt);
    }
    let user: String = row.try_get(0)?;
    let group: String = row.try_get(4)?;
    Ok(AccessRow {
        user_id: (!user.is_empty()).then_some(user),
        user_name: row.try_get(1)?,
        account_id: AccountId::parse(&row.try_get::<String, _>(2)?).map_err(corrupt)?,
        permission_set_arn: PermissionSetArn::parse(&row.try_get::<String, _>(3)?)
            .map_err(corrupt)?,
        via: if group.is_empty() {
            Via::Direct
        } else {
            Via::Group {
                group_id: group,
                display_name: row.try_get(5)?,
            }
        },
        orphaned: row.try_get::<i64, _>(6)? != 0,
        user_disabled: row.try_get::<i64, _>(7)? != 0,
    })
}

/// A document column parsed.
pub(crate) fn doc<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    col: usize,
) -> Result<T, StoreError> {
    serde_json::from_str(&row.try_get::<String, _>(col)?).map_err(corrupt)
}

/// `(sync, tenant)` of a staging write.
pub(crate) type Run<'a> = (SyncId, &'a TenantId);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::access::AccessEntry;

    fn row(user: Option<&str>, group: Option<&str>) -> AccessRow {
        AccessRow {
            user_id: user.map(str::to_owned),
            user_name: Some("ada\0".into()),
            account_id: AccountId::parse("123456789012").unwrap(),
            permission_set_arn: PermissionSetArn::parse(
                "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef",
            )
            .unwrap(),
            via: group.map_or(Via::Direct, |g| Via::Group {
                group_id: g.into(),
                display_name: None,
            }),
            orphaned: false,
            user_disabled: false,
        }
    }

    #[test]
    fn an_access_key_is_the_entrys_cursor() {
        for r in [
            row(Some("u1"), None),
            row(Some("u1"), Some("g1")),
            row(None, Some("g1")),
        ] {
            let entry = AccessEntry {
                row: r.clone(),
                account_name: None,
                permission_set_name: None,
                privileged: false,
            };
            assert_eq!(access(&r).unwrap().k, entry.cursor());
            assert_eq!(access_key(&entry.cursor()), entry.cursor());
        }
        let nul = row(Some("u\0-1"), None);
        assert!(!access(&nul).unwrap().k.contains('\0'));
        assert!(matches!(
            access(&nul).unwrap().values[8],
            Bind::Text(Some(_))
        ));
        assert!(matches!(
            access(&row(Some("u1"), None)).unwrap().values[1],
            Bind::Text(Some(ref n)) if n == "ada\u{FFFD}"
        ));
    }

    #[test]
    fn every_table_stages_its_columns() {
        for t in TABLES {
            assert!(
                t.compared.iter().all(|c| t.columns.contains(c)),
                "{}",
                t.live
            );
            assert!(t.stage.starts_with("sso_stage_") && t.live.starts_with("sso_"));
        }
        assert_eq!(
            access(&row(Some("u"), None)).unwrap().values.len(),
            ACCESS.columns.len()
        );
    }
}
