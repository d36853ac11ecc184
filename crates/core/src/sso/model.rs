//! What the SSO source reads, with AWS's field names for serde: the
//! organization's accounts, permission sets and their policies, account
//! assignments, applications and their assignments.

use serde::{Deserialize, Serialize};

use super::arn::{PermissionSetArn, parse_duration_seconds};
use crate::ids::AccountId;

/// `Status` of an account as `organizations:ListAccounts` reports it.
/// Unknown future values are kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountStatus {
    Active,
    Suspended,
    PendingClosure,
    #[serde(untagged)]
    Other(String),
}

/// An account of the organization (`organizations:ListAccounts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    pub id: AccountId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AccountStatus>,
}

/// A permission set as `DescribePermissionSet` returns it. `CreatedDate` is
/// kept as RFC 3339 text (UTC) like the directory's timestamps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionSet {
    pub permission_set_arn: PermissionSetArn,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// ISO-8601, e.g. `PT8H`; AWS's default when absent is one hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_duration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<String>,
}

/// AWS's session duration when a permission set does not set one.
pub const DEFAULT_SESSION_SECONDS: u64 = 3_600;

impl PermissionSet {
    pub fn new(arn: PermissionSetArn, name: impl Into<String>) -> Self {
        Self {
            permission_set_arn: arn,
            name: name.into(),
            description: None,
            session_duration: None,
            relay_state: None,
            created_date: None,
        }
    }

    /// The session duration in seconds (one hour when unset); `Err` when
    /// the text is not an ISO-8601 duration.
    pub fn session_seconds(&self) -> Result<u64, crate::InvalidInput> {
        self.session_duration
            .as_deref()
            .map_or(Ok(DEFAULT_SESSION_SECONDS), parse_duration_seconds)
    }
}

/// An AWS managed policy attached to a permission set
/// (`ListManagedPoliciesInPermissionSet`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicy {
    pub arn: String,
    pub name: String,
}

/// A customer managed policy referenced by name and path
/// (`ListCustomerManagedPolicyReferencesInPermissionSet`); it must exist in
/// every account the permission set is provisioned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerManagedPolicyRef {
    pub name: String,
    /// `/` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// `GetPermissionsBoundaryForPermissionSet`: either an AWS managed policy
/// ARN or a customer managed policy reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionsBoundary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_policy_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_managed_policy_reference: Option<CustomerManagedPolicyRef>,
}

/// Every policy of one permission set: what the four policy calls return.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionSetPolicies {
    #[serde(default)]
    pub managed_policies: Vec<ManagedPolicy>,
    #[serde(default)]
    pub customer_managed_policy_references: Vec<CustomerManagedPolicyRef>,
    /// The inline policy's JSON text exactly as AWS returns it (`None` or
    /// empty when there is none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
}

/// `PrincipalType` of an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PrincipalType {
    User,
    Group,
}

/// One account assignment (`ListAccountAssignments`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountAssignment {
    pub account_id: AccountId,
    pub permission_set_arn: PermissionSetArn,
    pub principal_type: PrincipalType,
    /// An Identity Store user or group ID.
    pub principal_id: String,
}

/// An application of the instance (`ListApplications`), minimal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Application {
    pub application_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_provider_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_account: Option<AccountId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date: Option<String>,
}

/// One principal assigned to an application (`ListApplicationAssignments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicationAssignment {
    pub application_arn: String,
    pub principal_type: PrincipalType,
    pub principal_id: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn aws_shapes_read_and_write_with_aws_field_names() {
        let ps: PermissionSet = serde_json::from_value(json!({
            "Name": "AdministratorAccess",
            "PermissionSetArn": "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-abcdef0123456789",
            "Description": "Full access",
            "SessionDuration": "PT8H",
            "RelayState": "https://console.aws.amazon.com/",
            "CreatedDate": "2026-01-02T03:04:05Z"
        }))
        .unwrap();
        assert_eq!(ps.session_seconds().unwrap(), 28_800);
        let back = serde_json::to_value(&ps).unwrap();
        assert_eq!(back["SessionDuration"], "PT8H");
        assert_eq!(back["PermissionSetArn"], ps.permission_set_arn.as_str());

        let unset = PermissionSet::new(ps.permission_set_arn.clone(), "x");
        assert_eq!(unset.session_seconds().unwrap(), DEFAULT_SESSION_SECONDS);
        assert!(
            !serde_json::to_string(&unset)
                .unwrap()
                .contains("SessionDuration")
        );

        let a: AccountAssignment = serde_json::from_value(json!({
            "AccountId": "123456789012",
            "PermissionSetArn": ps.permission_set_arn.as_str(),
            "PrincipalType": "GROUP",
            "PrincipalId": "9067a8b6f0-1234abcd-5678-90ab-cdef-1234567890ab"
        }))
        .unwrap();
        assert_eq!(a.principal_type, PrincipalType::Group);
        assert!(
            serde_json::from_value::<AccountAssignment>(json!({
                "AccountId": "1234", "PermissionSetArn": ps.permission_set_arn.as_str(),
                "PrincipalType": "USER", "PrincipalId": "u"
            }))
            .is_err()
        );

        let acct: Account = serde_json::from_value(json!({
            "Id": "123456789012", "Name": "prod", "Email": "aws@example.com",
            "Status": "PENDING_CLOSURE", "Arn": "ignored"
        }))
        .unwrap();
        assert_eq!(acct.status, Some(AccountStatus::PendingClosure));
        let future: AccountStatus = serde_json::from_value(json!("FROZEN")).unwrap();
        assert_eq!(future, AccountStatus::Other("FROZEN".into()));

        let pol: PermissionSetPolicies = serde_json::from_value(json!({
            "ManagedPolicies": [{"Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "Name": "ReadOnlyAccess"}],
            "CustomerManagedPolicyReferences": [{"Name": "Team", "Path": "/roster/"}],
            "PermissionsBoundary": {"CustomerManagedPolicyReference": {"Name": "Boundary"}}
        }))
        .unwrap();
        let boundary = pol.permissions_boundary.unwrap();
        assert!(boundary.managed_policy_arn.is_none());
        assert_eq!(
            boundary.customer_managed_policy_reference.unwrap().path,
            None
        );
        assert_eq!(
            pol.customer_managed_policy_references[0].path.as_deref(),
            Some("/roster/")
        );
    }
}
