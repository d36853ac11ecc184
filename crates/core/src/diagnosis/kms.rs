//! Diagnoses of the directory's customer-managed KMS key: the role may not
//! use it, or the key itself is unusable.

use crate::policy::{PermissionsOptions, permissions_policy};

use super::{Diagnosis, DiagnosisCode};

impl Diagnosis {
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
}
