//! Infrastructure-as-code for the customer's role (the wizard's AWS tab): the same trust and
//! permissions policies rendered as `CloudFormation`, Terraform and AWS CLI
//! text carrying one connection's values. Pure functions of the policy data.

mod awscli;
mod cloudformation;
mod terraform;

pub use awscli::aws_cli;
pub use cloudformation::{CLOUDFORMATION_FILE_NAME, cloudformation, cloudformation_deploy_command};
pub use terraform::terraform;

use crate::external_id::ExternalId;
use crate::policy::{PermissionsOptions, PolicyDocument, permissions_policy, trust_policy};

/// The role's name unless the customer picks another.
pub const DEFAULT_ROLE_NAME: &str = "roster-identity-store";
/// The inline policy's name.
pub const INLINE_POLICY_NAME: &str = "roster-identity-store-read";
const DESCRIPTION: &str =
    "Lets roster read the IAM Identity Center directory (Identity Store), read-only";
/// The SSO source's role name unless the customer picks another.
pub const SSO_ROLE_NAME: &str = "roster-identity-center";
/// The SSO source's inline policy name.
pub const SSO_INLINE_POLICY_NAME: &str = "roster-identity-center-read";
const SSO_DESCRIPTION: &str = "Lets roster read IAM Identity Center (directory, permission sets, account assignments, accounts), read-only";

/// Everything the templates carry for one connection.
#[derive(Debug, Clone)]
pub struct RoleSpec {
    pub role_name: String,
    pub trust: PolicyDocument,
    pub permissions: PolicyDocument,
    /// The role's description, as IAM shows it.
    pub description: &'static str,
    /// The inline policy's name.
    pub policy_name: &'static str,
}

impl RoleSpec {
    /// The role for this connection: roster's principal and External ID in
    /// the trust policy, the chosen statements in the inline policy.
    pub fn new(
        platform_principal: &str,
        external_id: &ExternalId,
        options: &PermissionsOptions,
    ) -> Self {
        Self {
            role_name: DEFAULT_ROLE_NAME.to_owned(),
            trust: trust_policy(platform_principal, external_id),
            permissions: permissions_policy(options),
            description: DESCRIPTION,
            policy_name: INLINE_POLICY_NAME,
        }
    }

    /// The SSO source's role: the directory, discovery and the SSO reads
    /// (`PermissionsOptions::sso_source`), under its own names.
    pub fn sso(platform_principal: &str, external_id: &ExternalId) -> Self {
        Self {
            role_name: SSO_ROLE_NAME.to_owned(),
            trust: trust_policy(platform_principal, external_id),
            permissions: permissions_policy(&PermissionsOptions::sso_source()),
            description: SSO_DESCRIPTION,
            policy_name: SSO_INLINE_POLICY_NAME,
        }
    }
}

/// `text` with every line but empty ones prefixed by `spaces` spaces.
fn indent(text: &str, spaces: usize) -> String {
    let pad = " ".repeat(spaces);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
pub(crate) fn sample_sso() -> RoleSpec {
    let id = ExternalId::parse("rstr-0123456789abcdefghijklmnopqrstuvwxyzAB").expect("valid");
    RoleSpec::sso("arn:aws:iam::111122223333:role/roster", &id)
}

#[cfg(test)]
pub(crate) fn sample() -> RoleSpec {
    let id = ExternalId::parse("rstr-0123456789abcdefghijklmnopqrstuvwxyzAB").expect("valid");
    RoleSpec::new(
        "arn:aws:iam::111122223333:role/roster",
        &id,
        &PermissionsOptions::recommended(),
    )
}
