//! What makes a permission set privileged: the `AdministratorAccess` AWS
//! managed policy, an inline statement allowing `"*"` on `"*"`, or a name
//! matching one of the source's privileged patterns (`*admin*`).
//!
//! The inline rule, written down: the document's `Statement` is an object
//! or an array of objects; a statement grants administrator access when its
//! `Effect` is exactly `"Allow"`, its `Action` (not `NotAction`) is `"*"` or
//! a list containing `"*"`, and its `Resource` (not `NotResource`) is `"*"`
//! or a list containing `"*"`. A `Condition` does not lower the verdict (a
//! conditioned administrator is still an administrator for review).
//! `NotAction`/`NotResource` statements, `Deny` statements and
//! service-wide wildcards (`"s3:*"`) are not administrator-level. A document
//! that is not JSON grants nothing by this rule ([`inline_admin`] says so).

use serde::Serialize;
use serde_json::Value;

use super::model::{PermissionSet, PermissionSetPolicies};
use crate::evidence::checks::glob_match;

/// The AWS managed policy that grants everything.
pub const ADMINISTRATOR_ACCESS: &str = "AdministratorAccess";

/// Why a permission set is privileged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Privilege {
    /// `arn:<partition>:iam::aws:policy/AdministratorAccess` is attached.
    AdministratorAccess,
    /// The inline policy allows `"*"` on `"*"`.
    InlineStarOnStar,
    /// The name matches a privileged pattern.
    NamePattern { pattern: String },
}

impl Privilege {
    /// Administrator-level by policy (not only by name).
    pub fn is_admin(&self) -> bool {
        !matches!(self, Self::NamePattern { .. })
    }

    pub fn describe(&self) -> String {
        match self {
            Self::AdministratorAccess => "AdministratorAccess attached".to_owned(),
            Self::InlineStarOnStar => "inline policy allows \"*\" on \"*\"".to_owned(),
            Self::NamePattern { pattern } => format!("name matches '{pattern}'"),
        }
    }
}

/// `arn:aws…:iam::aws:policy/AdministratorAccess` (at the root path only:
/// `job-function/…` policies are not it).
pub fn is_administrator_access(arn: &str) -> bool {
    arn.strip_prefix("arn:")
        .and_then(|r| r.split_once(':'))
        .is_some_and(|(partition, rest)| {
            partition.starts_with("aws")
                && rest == format!("iam::aws:policy/{ADMINISTRATOR_ACCESS}")
        })
}

/// The verdict of the inline rule on a policy document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineVerdict {
    Admin,
    NotAdmin,
    /// Not JSON, or no `Statement`: counted as not admin, shown as unreadable.
    Unreadable,
}

fn has_star(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => s == "*",
        Some(Value::Array(items)) => items.iter().any(|i| i.as_str() == Some("*")),
        _ => false,
    }
}

fn statement_is_admin(s: &Value) -> bool {
    s.get("Effect").and_then(Value::as_str) == Some("Allow")
        && has_star(s.get("Action"))
        && has_star(s.get("Resource"))
}

/// Applies the inline rule to a policy document's text.
pub fn inline_admin(document: &str) -> InlineVerdict {
    let Ok(doc) = serde_json::from_str::<Value>(document) else {
        return InlineVerdict::Unreadable;
    };
    let admin = match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().any(statement_is_admin),
        Some(s @ Value::Object(_)) => statement_is_admin(s),
        _ => return InlineVerdict::Unreadable,
    };
    if admin {
        InlineVerdict::Admin
    } else {
        InlineVerdict::NotAdmin
    }
}

/// Every reason `ps` is privileged (empty when it is not), in a fixed
/// order: managed policy, inline policy, then the first matching pattern.
pub fn privileges(
    ps: &PermissionSet,
    policies: &PermissionSetPolicies,
    patterns: &[String],
) -> Vec<Privilege> {
    let mut out = Vec::new();
    if policies
        .managed_policies
        .iter()
        .any(|p| is_administrator_access(&p.arn))
    {
        out.push(Privilege::AdministratorAccess);
    }
    if policies
        .inline_policy
        .as_deref()
        .is_some_and(|d| inline_admin(d) == InlineVerdict::Admin)
    {
        out.push(Privilege::InlineStarOnStar);
    }
    if let Some(p) = patterns.iter().find(|p| glob_match(p, &ps.name)) {
        out.push(Privilege::NamePattern { pattern: p.clone() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sso::ManagedPolicy;
    use crate::sso::access::tests::arn;

    #[test]
    fn the_inline_rule() {
        use InlineVerdict::{Admin, NotAdmin, Unreadable};
        let cases = [
            (
                r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
                Admin,
            ),
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"},{"Effect":"Allow","Action":["s3:GetObject","*"],"Resource":["*"]}]}"#,
                Admin,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
                Admin,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#,
                NotAdmin,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::x"}]}"#,
                NotAdmin,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
                NotAdmin,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/*"}]}"#,
                NotAdmin,
            ),
            (
                r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
                NotAdmin,
            ),
            (r#"{"Statement":[]}"#, NotAdmin),
            ("not json", Unreadable),
            (r#"{"Version":"2012-10-17"}"#, Unreadable),
        ];
        for (doc, want) in cases {
            assert_eq!(inline_admin(doc), want, "{doc}");
        }
    }

    #[test]
    fn administrator_access_by_arn_in_every_partition_at_the_root_path() {
        assert!(is_administrator_access(
            "arn:aws:iam::aws:policy/AdministratorAccess"
        ));
        assert!(is_administrator_access(
            "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"
        ));
        assert!(!is_administrator_access(
            "arn:aws:iam::aws:policy/job-function/AdministratorAccess"
        ));
        assert!(!is_administrator_access(
            "arn:aws:iam::aws:policy/AdministratorAccess-Amplify"
        ));
        assert!(!is_administrator_access(
            "arn:aws:iam::123456789012:policy/AdministratorAccess"
        ));
    }

    #[test]
    fn reasons_come_in_a_fixed_order() {
        let ps = PermissionSet::new(arn(1), "PlatformAdmin");
        let pol = PermissionSetPolicies {
            managed_policies: vec![ManagedPolicy {
                arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
                name: ADMINISTRATOR_ACCESS.into(),
            }],
            inline_policy: Some(
                r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#.into(),
            ),
            ..PermissionSetPolicies::default()
        };
        let got = privileges(&ps, &pol, &["*admin*".to_owned()]);
        assert_eq!(got.len(), 3);
        assert!(got[0].is_admin() && got[1].is_admin() && !got[2].is_admin());
        let plain = PermissionSet::new(arn(2), "ReadOnly");
        assert!(
            privileges(
                &plain,
                &PermissionSetPolicies::default(),
                &["*admin*".to_owned()]
            )
            .is_empty()
        );
    }
}
