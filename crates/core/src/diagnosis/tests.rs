//! Tests of the diagnoses: their codes' documented names, and that each
//! fix names what the customer (or the operator) has to change.

use crate::external_id::ExternalId;
use crate::role_arn::RoleArn;

use super::{Diagnosis, DiagnosisCode};

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
    let d =
        Diagnosis::assume_role_denied(&role, Some("arn:aws:iam::999988887777:role/roster"), &id);
    assert_eq!(d.code.as_str(), "assume-role-denied");
    assert!(d.fix.contains(id.expose()));
    assert!(d.fix.contains("arn:aws:iam::999988887777:role/roster"));
    assert!(d.cause.contains("External ID"));
}

#[test]
fn access_denied_names_the_actions_and_warns_about_sso() {
    let d = Diagnosis::identitystore_access_denied(&["identitystore:ListUsers"], "not authorized");
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
