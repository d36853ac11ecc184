//! Diagnoses of the customer's role: its ARN, its trust policy, and
//! assuming it through STS.

use crate::external_id::ExternalId;
use crate::policy::trust_policy;
use crate::role_arn::RoleArn;

use super::{Diagnosis, DiagnosisCode};

impl Diagnosis {
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
}
