//! Every AWS error shape roster meets, classified: retryable, vanished, or the diagnosis a customer (or operator) acts on.

use super::*;
use roster_core::DiagnosisCode;

const LIST_USERS: Op<'static> = Op {
    name: "ListUsers",
    service: Service::IdentityStore,
    store: Some(("d-1234567890", "us-east-1")),
};

fn code_of(e: AwsError) -> DiagnosisCode {
    match e {
        AwsError::Diagnosed(d) => d.code,
        other => panic!("not diagnosed: {other:?}"),
    }
}

#[test]
fn aws_json_access_denied_names_the_action() {
    let e = by_code(
        LIST_USERS,
        Some("AccessDeniedException"),
        "User: x is not authorized",
        400,
        "{}",
        None,
    );
    let AwsError::Diagnosed(d) = e else { panic!() };
    assert_eq!(d.code, DiagnosisCode::IdentitystoreAccessDenied);
    assert!(d.cause.contains("identitystore:ListUsers"));
}

#[test]
fn moto_xml_403_is_access_denied() {
    let body = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>";
    assert_eq!(xml_tag(body, "Code"), Some("AccessDenied"));
    let e = by_code(LIST_USERS, None, "", 403, body, None);
    assert_eq!(code_of(e), DiagnosisCode::IdentitystoreAccessDenied);
}

#[test]
fn kms_reason_wins_over_plain_access_denied() {
    let body = r#"{"__type":"AccessDeniedException","Message":"m","Reason":"KMS_ACCESS_DENIED"}"#;
    let e = by_code(
        LIST_USERS,
        Some("AccessDeniedException"),
        "m",
        400,
        body,
        None,
    );
    assert_eq!(code_of(e), DiagnosisCode::KmsAccessDenied);
}

#[test]
fn throttling_honours_retry_after_seconds() {
    let body =
        r#"{"__type":"ThrottlingException","Message":"Rate exceeded","RetryAfterSeconds":2}"#;
    match by_code(
        LIST_USERS,
        Some("ThrottlingException"),
        "Rate exceeded",
        400,
        body,
        None,
    ) {
        AwsError::Throttled { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(2)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn server_errors_are_transient_and_unknown_errors_verbatim() {
    assert!(
        by_code(
            LIST_USERS,
            Some("InternalServerException"),
            "boom",
            500,
            "",
            None
        )
        .is_retryable()
    );
    assert!(by_code(LIST_USERS, None, "", 503, "", None).is_retryable());
    let AwsError::Diagnosed(d) = by_code(
        LIST_USERS,
        Some("WeirdException"),
        "odd thing",
        400,
        "",
        None,
    ) else {
        panic!()
    };
    assert_eq!(d.code, DiagnosisCode::AwsError);
    assert!(d.cause.contains("WeirdException: odd thing"));
}

#[test]
fn wrong_identity_store_is_diagnosed() {
    let body = r#"{"ResourceType":"IDENTITY_STORE","Message":"not found"}"#;
    let e = by_code(
        LIST_USERS,
        Some("ResourceNotFoundException"),
        "not found",
        400,
        body,
        None,
    );
    assert_eq!(code_of(e), DiagnosisCode::IdentityStoreNotFound);
    let e = by_code(
        LIST_USERS,
        Some("ValidationException"),
        "1 validation error detected: Value at 'IdentityStoreId'",
        400,
        "",
        None,
    );
    assert_eq!(code_of(e), DiagnosisCode::IdentityStoreNotFound);
}

#[test]
fn discovery_denied_on_sso() {
    let op = Op {
        name: "ListInstances",
        service: Service::SsoAdmin,
        store: None,
    };
    assert_eq!(
        code_of(by_code(
            op,
            Some("AccessDeniedException"),
            "no",
            400,
            "",
            None
        )),
        DiagnosisCode::DiscoveryDenied
    );
}

const ASSUME_ROLE: Op<'static> = Op {
    name: "AssumeRole",
    service: Service::Sts,
    store: None,
};

#[test]
fn roster_own_credentials_are_not_the_customer_trust_policy() {
    let invalid = "The security token included in the request is invalid.";
    assert_eq!(
        code_of(by_code(
            ASSUME_ROLE,
            Some("InvalidClientTokenId"),
            invalid,
            403,
            "",
            None
        )),
        DiagnosisCode::PlatformCredentialsInvalid
    );
    let bad_sig = "The request signature we calculated does not match the signature you provided.";
    assert_eq!(
        code_of(by_code(
            ASSUME_ROLE,
            Some("SignatureDoesNotMatch"),
            bad_sig,
            403,
            "",
            None
        )),
        DiagnosisCode::PlatformCredentialsInvalid
    );
    assert_eq!(
        code_of(by_code(
            ASSUME_ROLE,
            Some("ExpiredToken"),
            "expired",
            403,
            "",
            None
        )),
        DiagnosisCode::CredentialsExpired
    );
}

#[test]
fn signatures_outside_the_time_window_are_clock_skew() {
    for (code, message) in [
        (
            "SignatureDoesNotMatch",
            "Signature expired: 20240101T000000Z is now earlier than 20240101T010000Z (20240101T011500Z - 15 min.)",
        ),
        (
            "SignatureDoesNotMatch",
            "Signature not yet current: 20240101T020000Z is still later than 20240101T013000Z (20240101T011500Z + 15 min.)",
        ),
        (
            "InvalidSignatureException",
            "Signature expired: 20240101T000000Z is now earlier than 20240101T010000Z (20240101T011500Z - 15 min.)",
        ),
        ("RequestExpired", "Request has expired."),
    ] {
        assert_eq!(
            code_of(by_code(ASSUME_ROLE, Some(code), message, 403, "", None)),
            DiagnosisCode::ClockSkew,
            "{code}: {message}"
        );
    }
}

#[test]
fn kms_key_states_are_unavailable_not_access_denied_nor_store_not_found() {
    for (code, reason) in [
        ("ResourceNotFoundException", "KMS_KEY_NOT_FOUND"),
        ("ValidationException", "KMS_DISABLED"),
        ("ValidationException", "KMS_INVALID_STATE"),
    ] {
        let body = format!(r#"{{"__type":"{code}","Message":"m","Reason":"{reason}"}}"#);
        let AwsError::Diagnosed(d) = by_code(LIST_USERS, Some(code), "m", 400, &body, None) else {
            panic!("{reason}")
        };
        assert_eq!(d.code, DiagnosisCode::KmsKeyUnavailable, "{reason}");
        assert!(d.cause.contains(reason) && d.fix.contains(reason), "{d}");
    }
}

#[test]
fn sso_spelling_of_kms_reasons_is_understood() {
    let op = Op {
        name: "ListInstances",
        service: Service::SsoAdmin,
        store: None,
    };
    let body = r#"{"Message":"m","Reason":"KMS_AccessDeniedException"}"#;
    let AwsError::Diagnosed(d) = by_code(op, Some("AccessDeniedException"), "m", 400, body, None)
    else {
        panic!()
    };
    assert_eq!(d.code, DiagnosisCode::KmsAccessDenied);
    assert!(
        !d.fix.contains("identitystore.*"),
        "not the Identity Store fix: {d}"
    );
    let body = r#"{"Message":"m","Reason":"KMS_DisabledException"}"#;
    assert_eq!(
        code_of(by_code(
            op,
            Some("ValidationException"),
            "m",
            400,
            body,
            None
        )),
        DiagnosisCode::KmsKeyUnavailable
    );
}

#[test]
fn a_group_gone_mid_read_is_vanished_not_an_error() {
    let op = Op {
        name: "ListGroupMemberships",
        service: Service::IdentityStore,
        store: Some(("d-1234567890", "us-east-1")),
    };
    let body = r#"{"__type":"ResourceNotFoundException","Message":"Group g-1 not found.","ResourceType":"GROUP","ResourceId":"g-1"}"#;
    match by_code(
        op,
        Some("ResourceNotFoundException"),
        "Group g-1 not found.",
        400,
        body,
        None,
    ) {
        AwsError::Vanished {
            resource_type,
            resource_id,
            ..
        } => assert_eq!(
            (resource_type.as_str(), resource_id.as_str()),
            ("GROUP", "g-1")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_permission_set_gone_mid_read_is_vanished_but_a_missing_instance_is_an_error() {
    let sso = |name| Op {
        name,
        service: Service::SsoAdmin,
        store: None,
    };
    let gone = r#"{"__type":"ResourceNotFoundException","Message":"Permission set not found.","ResourceType":"PERMISSION_SET","ResourceId":"arn:aws:sso:::permissionSet/ssoins-1/ps-1"}"#;
    for op in ["DescribePermissionSet", "ListAccountAssignments"] {
        match by_code(
            sso(op),
            Some("ResourceNotFoundException"),
            "Permission set not found.",
            400,
            gone,
            None,
        ) {
            AwsError::Vanished { resource_type, .. } => assert_eq!(resource_type, "PERMISSION_SET"),
            other => panic!("{op}: {other:?}"),
        }
    }
    // AWS's own shape has no ResourceType: the call says what was named.
    let bare = r#"{"__type":"ResourceNotFoundException","Message":"Application not found"}"#;
    assert!(matches!(
        by_code(sso("ListApplicationAssignments"), Some("ResourceNotFoundException"), "Application not found", 400, bare, None),
        AwsError::Vanished { ref resource_type, .. } if resource_type == "APPLICATION"
    ));
    let instance = r#"{"__type":"ResourceNotFoundException","Message":"Instance arn:aws:sso:::instance/ssoins-1 does not exist.","ResourceType":"INSTANCE"}"#;
    for op in ["ListPermissionSets", "ListAccountAssignments"] {
        assert!(
            matches!(
                by_code(
                    sso(op),
                    Some("ResourceNotFoundException"),
                    "Instance arn:aws:sso:::instance/ssoins-1 does not exist.",
                    400,
                    instance,
                    None
                ),
                AwsError::Diagnosed(_)
            ),
            "{op}: a missing instance is a real error"
        );
    }
}
