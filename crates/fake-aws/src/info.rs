//! The connection info a client needs, printed as the first stdout line of
//! `roster fake-aws`: endpoint, platform principal, customer admin.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FakeAwsInfo {
    pub endpoint: String,
    pub platform: PlatformInfo,
    pub customer: CustomerInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberInfo>,
}

/// roster's own identity: may only call `sts:AssumeRole` and `sts:GetCallerIdentity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformInfo {
    pub account_id: String,
    pub principal_arn: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// The customer's management account, its admin, and its organization instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerInfo {
    pub management_account_id: String,
    pub admin_access_key_id: String,
    pub admin_secret_access_key: String,
    pub instance_arn: String,
    pub identity_store_id: String,
    pub home_region: String,
    /// The organization's ID (`o-…`).
    #[serde(default)]
    pub organization_id: String,
    /// Identity Center's delegated administrator (`--delegated-admin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_admin: Option<AccountKeys>,
    /// Plain member accounts of the organization (`--member-accounts N`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_accounts: Vec<AccountKeys>,
}

/// An account of the organization and its admin user's long-term keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountKeys {
    pub account_id: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// A member account with its own account instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    pub account_id: String,
    pub admin_access_key_id: String,
    pub admin_secret_access_key: String,
    pub instance_arn: String,
    pub identity_store_id: String,
    pub home_region: String,
}
