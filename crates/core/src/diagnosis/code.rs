//! The stable diagnosis codes, as the console, the API and the CLI spell them.

use std::fmt;

use serde::{Deserialize, Serialize};

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
