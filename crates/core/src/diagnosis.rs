//! Diagnoses: every failure a customer can cause maps to a stable code,
//! a one-line cause, and the exact fix with this connection's values. The
//! console, the API and the CLI all show these same texts.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::external_id::ExternalId;
use crate::policy::{PermissionsOptions, permissions_policy, sso_statement, trust_policy};
use crate::role_arn::RoleArn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosisCode {
    InvalidRoleArn,
    AssumeRoleDenied,
    TrustPolicyMissingExternalId,
    IdentitystoreAccessDenied,
    KmsAccessDenied,
    DiscoveryDenied,
    NoInstance,
    AccountInstance,
    WrongAccount,
    EmptyDirectory,
    IdentityStoreNotFound,
    Throttled,
    CredentialsExpired,
    ClockSkew,
    EndpointUnreachable,
    /// roster's own (platform) credentials are invalid: not the customer's fault.
    PlatformCredentialsInvalid,
    /// The instance's `Status` is not `ACTIVE`.
    InstanceNotActive,
    /// The customer-managed KMS key is missing, disabled or in the wrong state.
    KmsKeyUnavailable,
    /// STS is not activated in the Region roster called it in, for the role's account.
    StsRegionDisabled,
    /// `AccessDeniedException` on an `sso:` or `organizations:` read of the SSO source.
    SsoAccessDenied,
    /// The SSO statement's `organizations:` read works but its `sso:` reads
    /// are denied: written as `identitycenter:` or `sso-directory:`.
    SsoWrongPrefix,
    /// The role is outside the management and delegated administrator
    /// accounts, so it sees no permission sets or account assignments.
    SsoWrongAccount,
    /// The instance is an account instance: no permission sets, no account assignments.
    SsoAccountInstance,
    /// An AWS error roster has no specific advice for; shown verbatim.
    AwsError,
}

impl DiagnosisCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRoleArn => "invalid-role-arn",
            Self::AssumeRoleDenied => "assume-role-denied",
            Self::TrustPolicyMissingExternalId => "trust-policy-missing-external-id",
            Self::IdentitystoreAccessDenied => "identitystore-access-denied",
            Self::KmsAccessDenied => "kms-access-denied",
            Self::DiscoveryDenied => "discovery-denied",
            Self::NoInstance => "no-instance",
            Self::AccountInstance => "account-instance",
            Self::WrongAccount => "wrong-account",
            Self::EmptyDirectory => "empty-directory",
            Self::IdentityStoreNotFound => "identity-store-not-found",
            Self::Throttled => "throttled",
            Self::CredentialsExpired => "credentials-expired",
            Self::ClockSkew => "clock-skew",
            Self::EndpointUnreachable => "endpoint-unreachable",
            Self::PlatformCredentialsInvalid => "platform-credentials-invalid",
            Self::InstanceNotActive => "instance-not-active",
            Self::KmsKeyUnavailable => "kms-key-unavailable",
            Self::StsRegionDisabled => "sts-region-disabled",
            Self::SsoAccessDenied => "sso-access-denied",
            Self::SsoWrongPrefix => "sso-wrong-prefix",
            Self::SsoWrongAccount => "sso-wrong-account",
            Self::SsoAccountInstance => "sso-account-instance",
            Self::AwsError => "aws-error",
        }
    }
}

impl fmt::Display for DiagnosisCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A customer-actionable explanation of a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub code: DiagnosisCode,
    pub cause: String,
    pub fix: String,
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\nfix: {}", self.code, self.cause, self.fix)
    }
}

impl std::error::Error for Diagnosis {}

/// Why `identitycenter:` and `sso-directory:` do not help, for the SSO fixes.
const SSO_PREFIX_NOTE: &str = "Write these actions with the sso: prefix exactly as shown: identitycenter: is no IAM service prefix and sso-directory: is the legacy directory's, so neither grants anything roster calls here; nor does AWSSSODirectoryReadOnly.";

const SSO_ACCOUNT_FIX: &str = "use the management or delegated administrator account: create roster's role in the organization's management account or in IAM Identity Center's delegated administrator account (IAM Identity Center → Settings → Management shows it); a member account can read the directory but sees no permission sets or account assignments";

const ORG_ACCOUNT_FIX: &str = "create the role in the organization's management account (or the delegated administrator account for IAM Identity Center), where the organization instance of Identity Center lives";

impl Diagnosis {
    fn new(code: DiagnosisCode, cause: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            code,
            cause: cause.into(),
            fix: fix.into(),
        }
    }

    pub fn invalid_role_arn(reason: &str) -> Self {
        Self::new(
            DiagnosisCode::InvalidRoleArn,
            format!("the role ARN is not valid: {reason}"),
            "copy the ARN from IAM → Roles → your role → ARN; it looks like arn:aws:iam::123456789012:role/roster-identity-store",
        )
    }

    /// `platform_principal` is roster's own ARN when known (it may not be, e.g. with no AWS identity).
    pub fn assume_role_denied(
        role: &RoleArn,
        platform_principal: Option<&str>,
        external_id: &ExternalId,
    ) -> Self {
        let principal = platform_principal.unwrap_or("<roster's principal ARN>");
        Self::new(
            DiagnosisCode::AssumeRoleDenied,
            format!(
                "AWS refused sts:AssumeRole on {role}: the External ID does not match, the trust policy does not name roster's principal, or the role does not exist (AWS does not say which)"
            ),
            format!(
                "check that {role} exists in account {} and that its trust policy is exactly:\n{}",
                role.account(),
                trust_policy(principal, external_id).to_json()
            ),
        )
    }

    pub fn trust_policy_missing_external_id(
        role: &RoleArn,
        platform_principal: &str,
        external_id: &ExternalId,
    ) -> Self {
        Self::new(
            DiagnosisCode::TrustPolicyMissingExternalId,
            format!(
                "roster could assume {role} without an External ID, so anyone using roster's principal could read your directory (confused-deputy risk); the connection was refused"
            ),
            format!(
                "add the sts:ExternalId condition to the role's trust policy:\n{}",
                trust_policy(platform_principal, external_id).to_json()
            ),
        )
    }

    pub fn identitystore_access_denied(denied_actions: &[&str], aws_message: &str) -> Self {
        let actions = if denied_actions.is_empty() {
            "an identitystore: read".to_owned()
        } else {
            denied_actions.join(", ")
        };
        Self::new(
            DiagnosisCode::IdentitystoreAccessDenied,
            format!("the role may not call {actions} (AWS said: {aws_message})"),
            format!(
                "attach the inline policy with identitystore: actions (sso: actions and the AWSSSOReadOnly managed policy grant no identitystore: action):\n{}",
                permissions_policy(&PermissionsOptions::recommended()).to_json()
            ),
        )
    }

    /// The organization limits Identity Store reads from member accounts (a
    /// service control policy denies them): no edit of the role helps.
    pub fn identitystore_denied_by_organization(denied_action: &str, aws_message: &str) -> Self {
        Self::new(
            DiagnosisCode::IdentitystoreAccessDenied,
            format!(
                "a service control policy of your organization denies {denied_action} to this account (AWS said: {aws_message})"
            ),
            "the role's own policy is not the problem: put roster's role in IAM Identity Center's delegated administrator account (or the management account, which SCPs do not restrict), or ask your organization's administrators to exempt this role from the SCP",
        )
    }

    /// `via_sso` when the denial came from an `sso:` call (reason spelled
    /// `KMS_AccessDeniedException`), whose key use goes through IAM Identity
    /// Center rather than the Identity Store.
    pub fn kms_access_denied(reason: &str, aws_message: &str, via_sso: bool) -> Self {
        let fix = if via_sso {
            "the key policy of the instance's customer-managed KMS key must let this role use the key through IAM Identity Center (kms:ViaService sso.<region>.amazonaws.com); or skip discovery by entering the Identity Store ID and home Region".to_owned()
        } else {
            format!(
                "add the KMS statement to the role's inline policy, and allow the role in the key policy:\n{}",
                permissions_policy(&PermissionsOptions {
                    discovery: true,
                    kms: Some(None),
                    sso: false,
                })
                .to_json()
            )
        };
        Self::new(
            DiagnosisCode::KmsAccessDenied,
            format!(
                "the directory is encrypted with a customer-managed KMS key the role cannot use ({reason}; AWS said: {aws_message})"
            ),
            fix,
        )
    }

    /// The key itself is unusable (`KMS_KEY_NOT_FOUND`, `KMS_DISABLED`,
    /// `KMS_INVALID_STATE`, … or their `sso:` spellings): no policy edit helps.
    pub fn kms_key_unavailable(reason: &str, aws_message: &str) -> Self {
        let what = match reason {
            "KMS_KEY_NOT_FOUND" | "KMS_NotFoundException" => {
                "the customer-managed KMS key of the directory no longer exists (or its ARN is wrong)"
            }
            "KMS_DISABLED" | "KMS_DisabledException" => {
                "the customer-managed KMS key of the directory is disabled"
            }
            "KMS_INVALID_STATE" | "KMS_InvalidStateException" => {
                "the customer-managed KMS key of the directory is in a state that does not allow use (for example pending deletion)"
            }
            _ => "the customer-managed KMS key of the directory cannot be used",
        };
        Self::new(
            DiagnosisCode::KmsKeyUnavailable,
            format!("{what} ({reason}; AWS said: {aws_message})"),
            format!(
                "in the account that owns the key, open AWS KMS → Customer managed keys and make the key configured in IAM Identity Center → Settings → Management → Encryption usable again: enable it, cancel its pending deletion, or restore the key IAM Identity Center was configured with ({reason}); the role's policy is not the problem"
            ),
        )
    }

    pub fn discovery_denied(aws_message: &str) -> Self {
        Self::new(
            DiagnosisCode::DiscoveryDenied,
            format!(
                "the role may not call sso:ListInstances, so roster cannot find the Identity Store by itself (AWS said: {aws_message})"
            ),
            "add the discovery statement (sso:ListInstances, sso:ListRegions) to the inline policy, or enter the Identity Store ID (IAM Identity Center → Settings, d-xxxxxxxxxx) and the home Region",
        )
    }

    pub fn no_instance(regions_tried: &[String]) -> Self {
        Self::new(
            DiagnosisCode::NoInstance,
            format!(
                "no IAM Identity Center instance was found in {}",
                regions_tried.join(", ")
            ),
            format!(
                "enable IAM Identity Center, or enter its home Region (IAM Identity Center → Settings → Region); {ORG_ACCOUNT_FIX}"
            ),
        )
    }

    /// `management` is the organization's management account, when known.
    pub fn account_instance(instance_arn: &str, owner: &str, management: Option<&str>) -> Self {
        let org = management.map_or_else(String::new, |m| {
            format!(" (the organization's management account is {m})")
        });
        Self::new(
            DiagnosisCode::AccountInstance,
            format!(
                "{instance_arn} is an account instance of Identity Center owned by account {owner}{org}, not your organization's workforce directory"
            ),
            format!(
                "{ORG_ACCOUNT_FIX}; any member account can read the organization's directory too if you enter its Identity Store ID and home Region"
            ),
        )
    }

    pub fn instance_not_active(instance_arn: &str, status: &str, reason: Option<&str>) -> Self {
        let why = reason.map_or_else(String::new, |r| format!(": {r}"));
        Self::new(
            DiagnosisCode::InstanceNotActive,
            format!("the IAM Identity Center instance {instance_arn} is {status}, not ACTIVE{why}"),
            "wait until IAM Identity Center → Settings shows the instance as active and test the connection again; if it is being deleted or failed to create, enable IAM Identity Center again",
        )
    }

    pub fn wrong_account(instance_arn: &str, owner: &str, role_account: &str) -> Self {
        Self::new(
            DiagnosisCode::WrongAccount,
            format!(
                "{instance_arn} is owned by account {owner}, but the role is in account {role_account}"
            ),
            ORG_ACCOUNT_FIX,
        )
    }

    pub fn empty_directory(identity_store_id: &str, account: &str) -> Self {
        Self::new(
            DiagnosisCode::EmptyDirectory,
            format!(
                "the Identity Store {identity_store_id} seen from account {account} has no users and no groups"
            ),
            format!("this is usually the wrong account or an account instance: {ORG_ACCOUNT_FIX}"),
        )
    }

    pub fn identity_store_not_found(
        identity_store_id: &str,
        region: &str,
        aws_message: &str,
    ) -> Self {
        Self::new(
            DiagnosisCode::IdentityStoreNotFound,
            format!(
                "AWS does not know the Identity Store {identity_store_id} in {region} (AWS said: {aws_message})"
            ),
            "check the Identity Store ID and home Region in IAM Identity Center → Settings, or allow discovery (sso:ListInstances) so roster finds them",
        )
    }

    pub fn throttled(effective_tps: f64, quota_tps: f64) -> Self {
        Self::new(
            DiagnosisCode::Throttled,
            format!(
                "AWS throttled reads; roster slowed to {effective_tps:.1} requests/s per API (quota {quota_tps:.0})"
            ),
            "nothing to fix: roster backs off and retries; if another tool reads the same directory, schedule it at another time or ask AWS for a higher Identity Store quota",
        )
    }

    pub fn credentials_expired(detail: &str) -> Self {
        Self::new(
            DiagnosisCode::CredentialsExpired,
            format!("roster's own AWS credentials expired ({detail})"),
            "not the customer's role: the operator refreshes roster's own AWS credentials (profile, environment or instance role) and restarts roster if they were static; assumed-role sessions are renewed automatically",
        )
    }

    pub fn platform_credentials_invalid(aws_code: &str, detail: &str) -> Self {
        Self::new(
            DiagnosisCode::PlatformCredentialsInvalid,
            format!(
                "AWS rejected roster's own credentials before looking at the customer's role ({aws_code}: {detail})"
            ),
            "not the customer's fault and not the trust policy: the operator checks roster's own AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, profile or instance role) — the access key must exist, be active and match its secret — and restarts roster",
        )
    }

    pub fn clock_skew(detail: &str) -> Self {
        Self::new(
            DiagnosisCode::ClockSkew,
            format!(
                "AWS rejected the request time: this machine's clock is more than 15 minutes off ({detail})"
            ),
            "synchronise the clock of the machine roster runs on (for example with chrony or systemd-timesyncd), then try again",
        )
    }

    pub fn sts_region_disabled(region: &str, role_account: &str, detail: &str) -> Self {
        Self::new(
            DiagnosisCode::StsRegionDisabled,
            format!(
                "STS is not activated in {region} for account {role_account}, so AWS refused to issue credentials there (AWS said: {detail})"
            ),
            format!(
                "in account {role_account}, open IAM → Account settings → Security Token Service (STS) → Endpoints and activate {region}, or run roster with AWS_REGION set to a Region where STS is active (for example us-east-1)"
            ),
        )
    }

    pub fn endpoint_unreachable(endpoint: &str, detail: &str) -> Self {
        Self::new(
            DiagnosisCode::EndpointUnreachable,
            format!("could not reach the AWS endpoint {endpoint} ({detail})"),
            "check network access, proxies and AWS_ENDPOINT_URL* variables, then try again",
        )
    }

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

    /// An AWS error without specific advice: AWS's code and message, verbatim.
    pub fn aws_error(operation: &str, aws_code: &str, aws_message: &str) -> Self {
        Self::new(
            DiagnosisCode::AwsError,
            format!("{operation} failed: {aws_code}: {aws_message}"),
            "see AWS's message above; if it persists, include it when asking for help",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_the_documented_strings() {
        for code in [
            DiagnosisCode::TrustPolicyMissingExternalId,
            DiagnosisCode::IdentitystoreAccessDenied,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().into())
            );
        }
    }

    #[test]
    fn assume_role_denied_shows_the_expected_trust_policy() {
        let role = RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap();
        let id = ExternalId::generate();
        let d = Diagnosis::assume_role_denied(
            &role,
            Some("arn:aws:iam::999988887777:role/roster"),
            &id,
        );
        assert_eq!(d.code.as_str(), "assume-role-denied");
        assert!(d.fix.contains(id.expose()));
        assert!(d.fix.contains("arn:aws:iam::999988887777:role/roster"));
        assert!(d.cause.contains("External ID"));
    }

    #[test]
    fn access_denied_names_the_actions_and_warns_about_sso() {
        let d =
            Diagnosis::identitystore_access_denied(&["identitystore:ListUsers"], "not authorized");
        assert!(d.cause.contains("identitystore:ListUsers"));
        assert!(d.fix.contains("AWSSSOReadOnly"));
        assert!(d.to_string().starts_with("identitystore-access-denied: "));
    }

    #[test]
    fn new_codes_have_their_documented_names_a_cause_and_a_fix() {
        let cases = [
            (
                Diagnosis::platform_credentials_invalid("InvalidClientTokenId", "invalid"),
                "platform-credentials-invalid",
            ),
            (
                Diagnosis::account_instance(
                    "arn:aws:sso:::instance/ssoins-1",
                    "111122223333",
                    Some("444455556666"),
                ),
                "account-instance",
            ),
            (
                Diagnosis::instance_not_active(
                    "arn:aws:sso:::instance/ssoins-1",
                    "CREATE_IN_PROGRESS",
                    None,
                ),
                "instance-not-active",
            ),
            (
                Diagnosis::kms_key_unavailable("KMS_DISABLED", "disabled"),
                "kms-key-unavailable",
            ),
            (
                Diagnosis::credentials_expired("expired"),
                "credentials-expired",
            ),
            (Diagnosis::clock_skew("Signature expired"), "clock-skew"),
            (
                Diagnosis::sts_region_disabled("eu-south-2", "111122223333", "not activated"),
                "sts-region-disabled",
            ),
        ];
        for (d, code) in cases {
            assert_eq!(d.code.as_str(), code);
            assert_eq!(
                serde_json::to_value(d.code).unwrap(),
                serde_json::json!(code)
            );
            assert!(!d.cause.is_empty() && !d.fix.is_empty(), "{code}");
        }
    }

    #[test]
    fn sso_codes_have_their_documented_names_and_name_the_denied_action() {
        let cases = [
            (
                Diagnosis::sso_access_denied("sso:ListPermissionSets", "not authorized"),
                "sso-access-denied",
            ),
            (
                Diagnosis::sso_wrong_prefix("sso:ListPermissionSets", "not authorized"),
                "sso-wrong-prefix",
            ),
            (
                Diagnosis::sso_wrong_account("222233334444", "Instance does not exist"),
                "sso-wrong-account",
            ),
            (
                Diagnosis::sso_account_instance("arn:aws:sso:::instance/ssoins-1", "m"),
                "sso-account-instance",
            ),
        ];
        for (d, code) in &cases {
            assert_eq!(d.code.as_str(), *code);
            assert_eq!(
                serde_json::to_value(d.code).unwrap(),
                serde_json::json!(code)
            );
        }
        let [denied, prefix, account, instance] = cases.map(|(d, _)| d);
        assert!(denied.cause.contains("sso:ListPermissionSets"));
        assert!(denied.fix.contains("\"sso:ListAccountAssignments\""));
        assert!(denied.fix.contains("identitycenter:") && denied.fix.contains("sso-directory:"));
        assert!(prefix.fix.starts_with(
            "identitycenter: and sso-directory: grant nothing here: sso:ListPermissionSets"
        ));
        assert!(prefix.fix.contains("\"organizations:ListAccounts\""));
        assert!(
            account
                .fix
                .starts_with("use the management or delegated administrator account")
        );
        assert!(account.cause.contains("222233334444"));
        assert!(instance.cause.contains("no permission sets"));
        assert!(
            instance
                .fix
                .contains("management or delegated administrator account")
        );
    }

    #[test]
    fn roster_own_credentials_never_send_the_customer_to_the_trust_policy() {
        for d in [
            Diagnosis::platform_credentials_invalid("SignatureDoesNotMatch", "m"),
            Diagnosis::credentials_expired("m"),
            Diagnosis::clock_skew("m"),
        ] {
            assert!(!d.fix.contains("trust policy is exactly"), "{d}");
        }
        let scp = Diagnosis::identitystore_denied_by_organization("identitystore:ListUsers", "m");
        assert_eq!(scp.code.as_str(), "identitystore-access-denied");
        assert!(scp.fix.contains("delegated administrator") && !scp.fix.contains("inline policy"));
        let kms = Diagnosis::kms_key_unavailable("KMS_INVALID_STATE", "pending deletion");
        assert!(kms.fix.contains("pending deletion") && kms.fix.contains("not the problem"));
    }
}
