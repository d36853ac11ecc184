//! Security model through the official Rust SDK: `AssumeRole` with the
//! External ID, `SigV4` with the right secret, per-action authorization, KMS,
//! session expiry.

mod common;

use aws_sdk_identitystore::error::ProvideErrorMetadata;
use common::*;
use roster_fake_aws::FakeAwsConfig;

#[tokio::test]
async fn assume_role_requires_the_right_external_id() {
    let h = start(FakeAwsConfig::default()).await;
    let arn = roster_role(&h).await;
    assert!(assume(&h, &arn, Some(EXTERNAL_ID)).await.is_ok());
    for wrong in [Some("some-other-external-id"), None] {
        let err = assume(&h, &arn, wrong).await.expect_err("denied");
        assert_eq!(err.code(), Some("AccessDenied"));
        assert_eq!(
            err.message(),
            Some(format!(
                "User: {} is not authorized to perform: sts:AssumeRole on resource: {arn}",
                h.info().platform.principal_arn
            ))
            .as_deref()
        );
    }
}

#[tokio::test]
async fn trust_without_external_id_lets_anyone_named_in() {
    let h = start(FakeAwsConfig::default()).await;
    let trust = trust_policy(&h.info().platform.principal_arn, None);
    let arn = create_role(&h, "insecure", &trust, None, &[]).await;
    assert!(
        assume(&h, &arn, None).await.is_ok(),
        "insecure trust accepts a call without External ID"
    );
}

#[tokio::test]
async fn caller_identity_of_platform_and_session() {
    let h = start(FakeAwsConfig::default()).await;
    let sts = aws_sdk_sts::Client::new(&platform_config(&h).await);
    let me = sts
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(me.arn(), Some(h.info().platform.principal_arn.as_str()));
    assert_eq!(me.account(), Some(h.info().platform.account_id.as_str()));
    let session = aws_sdk_sts::Client::new(&roster_session(&h).await);
    let me = session
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    let acct = &h.info().customer.management_account_id;
    assert_eq!(
        me.arn(),
        Some(format!("arn:aws:sts::{acct}:assumed-role/roster-reader/roster-test").as_str())
    );
}

#[tokio::test]
async fn wrong_secret_and_unknown_key_are_rejected() {
    let h = start(FakeAwsConfig::default()).await;
    let c = &h.info().customer;
    let bad = sdk_config(
        &h.endpoint(),
        static_creds(&c.admin_access_key_id, "not-the-secret"),
        &c.home_region,
    )
    .await;
    let err = aws_sdk_sts::Client::new(&bad)
        .get_caller_identity()
        .send()
        .await
        .expect_err("rejected");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
    let ids = aws_sdk_identitystore::Client::new(&bad);
    let err = ids
        .list_users()
        .identity_store_id(&c.identity_store_id)
        .send()
        .await
        .expect_err("rejected");
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    let unknown = sdk_config(
        &h.endpoint(),
        static_creds("AKIAUNKNOWNUNKNOWN00", "x"),
        &c.home_region,
    )
    .await;
    let err = aws_sdk_identitystore::Client::new(&unknown)
        .list_users()
        .identity_store_id(&c.identity_store_id)
        .send()
        .await
        .expect_err("rejected");
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
}

#[tokio::test]
async fn each_action_is_authorized_separately() {
    let h = start(FakeAwsConfig::default()).await;
    let trust = trust_policy(&h.info().platform.principal_arn, Some(EXTERNAL_ID));
    let arn = create_role(
        &h,
        "users-only",
        &trust,
        Some(&read_policy(&["identitystore:ListUsers"])),
        &[],
    )
    .await;
    let creds = assume(&h, &arn, Some(EXTERNAL_ID)).await.expect("assumed");
    let cfg = sdk_config(&h.endpoint(), creds, "us-east-1").await;
    let ids = aws_sdk_identitystore::Client::new(&cfg);
    let store = &h.info().customer.identity_store_id;
    ids.list_users()
        .identity_store_id(store)
        .max_results(1)
        .send()
        .await
        .expect("ListUsers allowed");
    let err = ids
        .list_groups()
        .identity_store_id(store)
        .send()
        .await
        .expect_err("denied");
    assert!(
        err.as_service_error()
            .is_some_and(aws_sdk_identitystore::operation::list_groups::ListGroupsError::is_access_denied_exception),
        "{err:?}"
    );
    let acct = &h.info().customer.management_account_id;
    assert_eq!(
        err.message(),
        Some(format!(
            "User: arn:aws:sts::{acct}:assumed-role/users-only/roster-test is not authorized to perform: identitystore:ListGroups on resource: arn:aws:identitystore::{acct}:identitystore/{store} because no identity-based policy allows the identitystore:ListGroups action"
        ))
        .as_deref()
    );
}

#[tokio::test]
async fn sso_read_only_grants_no_identitystore_but_directory_read_only_does() {
    let h = start(FakeAwsConfig::default()).await;
    let trust = trust_policy(&h.info().platform.principal_arn, Some(EXTERNAL_ID));
    let store = h.info().customer.identity_store_id.clone();
    let sso = create_role(
        &h,
        "sso-ro",
        &trust,
        None,
        &["arn:aws:iam::aws:policy/AWSSSOReadOnly"],
    )
    .await;
    let cfg = sdk_config(
        &h.endpoint(),
        assume(&h, &sso, Some(EXTERNAL_ID)).await.expect("assumed"),
        "us-east-1",
    )
    .await;
    let err = aws_sdk_identitystore::Client::new(&cfg)
        .list_users()
        .identity_store_id(&store)
        .send()
        .await
        .expect_err("denied");
    assert_eq!(err.code(), Some("AccessDeniedException"));
    aws_sdk_ssoadmin::Client::new(&cfg)
        .list_instances()
        .send()
        .await
        .expect("sso:List* allowed");
    let dir = create_role(
        &h,
        "dir-ro",
        &trust,
        None,
        &["arn:aws:iam::aws:policy/AWSSSODirectoryReadOnly"],
    )
    .await;
    let cfg = sdk_config(
        &h.endpoint(),
        assume(&h, &dir, Some(EXTERNAL_ID)).await.expect("assumed"),
        "us-east-1",
    )
    .await;
    aws_sdk_identitystore::Client::new(&cfg)
        .list_users()
        .identity_store_id(&store)
        .send()
        .await
        .expect("allowed");
}

#[tokio::test]
async fn platform_principal_cannot_touch_iam_or_the_directory() {
    let h = start(FakeAwsConfig::default()).await;
    let cfg = platform_config(&h).await;
    let err = aws_sdk_iam::Client::new(&cfg)
        .create_role()
        .role_name("x")
        .assume_role_policy_document(trust_policy("*", None))
        .send()
        .await
        .expect_err("denied");
    assert_eq!(err.code(), Some("AccessDenied"));
    let err = aws_sdk_identitystore::Client::new(&cfg)
        .list_users()
        .identity_store_id(&h.info().customer.identity_store_id)
        .send()
        .await
        .expect_err("denied");
    assert_eq!(err.code(), Some("AccessDeniedException"));
}

#[tokio::test]
async fn kms_protected_directory_needs_kms_decrypt() {
    let h = start(FakeAwsConfig::default().kms_key(true)).await;
    let store = h.info().customer.identity_store_id.clone();
    let ids = aws_sdk_identitystore::Client::new(&roster_session(&h).await);
    let err = ids
        .list_users()
        .identity_store_id(&store)
        .send()
        .await
        .expect_err("denied");
    let e = err.as_service_error().expect("service error");
    assert!(e.is_access_denied_exception());
    let aws_sdk_identitystore::operation::list_users::ListUsersError::AccessDeniedException(ade) =
        e
    else {
        panic!("not AccessDenied: {e:?}")
    };
    assert_eq!(
        ade.reason()
            .map(aws_sdk_identitystore::types::AccessDeniedExceptionReason::as_str),
        Some("KMS_ACCESS_DENIED")
    );
    // With the wizard's KMS statement the read succeeds.
    let trust = trust_policy(&h.info().platform.principal_arn, Some(EXTERNAL_ID));
    let kms = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["identitystore:ListUsers"],"Resource":"*"},{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"kms:ViaService":"identitystore.*.amazonaws.com"}}}]}"#;
    let arn = create_role(&h, "with-kms", &trust, Some(kms), &[]).await;
    let cfg = sdk_config(
        &h.endpoint(),
        assume(&h, &arn, Some(EXTERNAL_ID)).await.expect("assumed"),
        "us-east-1",
    )
    .await;
    aws_sdk_identitystore::Client::new(&cfg)
        .list_users()
        .identity_store_id(&store)
        .send()
        .await
        .expect("allowed");
}

#[tokio::test]
async fn sessions_expire() {
    let h = start(FakeAwsConfig::default()).await;
    let arn = roster_role(&h).await;
    h.set_role_session_seconds(&arn, 1).expect("role exists");
    let creds = assume(&h, &arn, Some(EXTERNAL_ID)).await.expect("assumed");
    let cfg = sdk_config(&h.endpoint(), creds, "us-east-1").await;
    let ids = aws_sdk_identitystore::Client::new(&cfg);
    let store = &h.info().customer.identity_store_id;
    ids.list_users()
        .identity_store_id(store)
        .max_results(1)
        .send()
        .await
        .expect("fresh session works");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let err = ids
        .list_users()
        .identity_store_id(store)
        .send()
        .await
        .expect_err("expired");
    assert_eq!(err.code(), Some("ExpiredTokenException"));
    let err = aws_sdk_sts::Client::new(&cfg)
        .get_caller_identity()
        .send()
        .await
        .expect_err("expired");
    assert_eq!(err.code(), Some("ExpiredToken"));
}

#[tokio::test]
async fn roles_created_in_process_behave_like_iam_roles() {
    let h = start(FakeAwsConfig::default()).await;
    let trust = trust_policy(&h.info().platform.principal_arn, Some(EXTERNAL_ID));
    let arn = h
        .create_role(
            "demo-role",
            &trust,
            Some(&read_policy(&["identitystore:ListUsers"])),
            &[],
        )
        .expect("created");
    let creds = assume(&h, &arn, Some(EXTERNAL_ID)).await.expect("assumed");
    let cfg = sdk_config(&h.endpoint(), creds, "us-east-1").await;
    let ids = aws_sdk_identitystore::Client::new(&cfg);
    let store = &h.info().customer.identity_store_id;
    ids.list_users()
        .identity_store_id(store)
        .max_results(1)
        .send()
        .await
        .expect("allowed");
    assert!(
        h.create_role("demo-role", &trust, None, &[]).is_err(),
        "name taken"
    );
    assert!(
        h.create_role("bad", "{", None, &[]).is_err(),
        "malformed trust"
    );
}
