//! Diagnoses of the SSO source: reads of permission sets and account
//! assignments denied, written with the wrong prefix, or made from the wrong
//! account or instance.

use crate::policy::sso_statement;

use super::{Diagnosis, DiagnosisCode};

/// Why `identitycenter:` and `sso-directory:` do not help, for the SSO fixes.
const SSO_PREFIX_NOTE: &str = "Write these actions with the sso: prefix exactly as shown: identitycenter: is no IAM service prefix and sso-directory: is the legacy directory's, so neither grants anything roster calls here; nor does AWSSSODirectoryReadOnly.";

const SSO_ACCOUNT_FIX: &str = "use the management or delegated administrator account: create roster's role in the organization's management account or in IAM Identity Center's delegated administrator account (IAM Identity Center → Settings → Management shows it); a member account can read the directory but sees no permission sets or account assignments";

impl Diagnosis {
    /// An `sso:` or `organizations:` read of the SSO source was denied.
    pub fn sso_access_denied(denied_action: &str, aws_message: &str) -> Self {
        Self::new(
            DiagnosisCode::SsoAccessDenied,
            format!("the role may not call {denied_action} (AWS said: {aws_message})"),
            format!(
                "add the SSO statement to the role's inline policy (the Identity Store policy does not include it):\n{}\n{SSO_PREFIX_NOTE}",
                sso_statement().to_json()
            ),
        )
    }

    /// The SSO statement's `organizations:ListAccounts` was allowed, but its
    /// `sso:` reads were denied: the statement is there, its `sso:` actions
    /// are not (typically written `identitycenter:` or `sso-directory:`).
    pub fn sso_wrong_prefix(denied_action: &str, aws_message: &str) -> Self {
        Self::new(
            DiagnosisCode::SsoWrongPrefix,
            format!(
                "the role may call organizations:ListAccounts but not {denied_action} (AWS said: {aws_message}): the SSO statement's sso: actions are missing, typically written as identitycenter: or sso-directory: actions"
            ),
            format!(
                "identitycenter: and sso-directory: grant nothing here: {denied_action} and every permission set and assignment read are sso: actions; replace the statement with:\n{}",
                sso_statement().to_json()
            ),
        )
    }

    /// The role is outside the management and delegated administrator accounts.
    pub fn sso_wrong_account(role_account: &str, detail: &str) -> Self {
        Self::new(
            DiagnosisCode::SsoWrongAccount,
            format!(
                "the role is in account {role_account}, neither the organization's management account nor IAM Identity Center's delegated administrator account, so it sees no permission sets or account assignments ({detail})"
            ),
            SSO_ACCOUNT_FIX,
        )
    }

    /// An account instance: it has no permission sets and no account assignments.
    pub fn sso_account_instance(instance_arn: &str, detail: &str) -> Self {
        Self::new(
            DiagnosisCode::SsoAccountInstance,
            format!(
                "{instance_arn} is an account instance of IAM Identity Center: account instances have no permission sets and no AWS account assignments ({detail})"
            ),
            format!("connect the organization instance instead: {SSO_ACCOUNT_FIX}"),
        )
    }

    /// The SSO source needs the instance ARN, which only discovery finds.
    pub fn sso_needs_discovery(detail: &str) -> Self {
        Self::new(
            DiagnosisCode::DiscoveryDenied,
            format!(
                "the SSO source reads permission sets and assignments of the instance, and only discovery (sso:ListInstances) finds the instance's ARN ({detail})"
            ),
            "add the discovery statement (sso:ListInstances, sso:ListRegions, organizations:DescribeOrganization) to the inline policy; typing the Identity Store ID is enough for the directory, not for access",
        )
    }
}
