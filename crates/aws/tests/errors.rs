//! AWS's failures as roster must read them (code, cause, fix), produced by fake-aws as AWS
//! answers: roster's own bad or expired keys and skewed clock are never
//! `assume-role-denied`; a disabled STS Region, KMS key states, and a group
//! that vanished mid-read each get their own outcome.
#![allow(clippy::unwrap_used)]

mod common;

use common::{full_policy, home, management_session, platform, start};
use roster_aws::{AwsError, DirectoryClient, Platform};
use roster_core::{DiagnosisCode, ExternalId, IdentityStoreId, RoleArn};
use roster_fake_aws::{FakeAwsConfig, FakeAwsHandle, KmsKeyState};

fn code(e: AwsError) -> DiagnosisCode {
    match e {
        AwsError::Diagnosed(d) => d.code,
        other => panic!("not a diagnosis: {other:?}"),
    }
}

/// A real role with the right trust policy: only roster's own side can fail.
async fn role(h: &FakeAwsHandle) -> (RoleArn, ExternalId) {
    let external_id = ExternalId::generate();
    let c = h.info().customer.clone();
    let arn = common::create_role_with(
        h,
        (&c.admin_access_key_id, &c.admin_secret_access_key),
        &external_id,
        &full_policy(),
    )
    .await;
    (arn, external_id)
}

async fn assume_with(h: &FakeAwsHandle, platform: &Platform) -> AwsError {
    let (arn, external_id) = role(h).await;
    platform
        .session(&arn, &external_id, "roster-test")
        .await
        .unwrap_err()
}

#[tokio::test]
async fn an_unknown_platform_access_key_is_platform_credentials_invalid() {
    let fake = start(FakeAwsConfig::default()).await;
    let p = Platform::with_static_keys(
        &fake.endpoint(),
        "AKIAXXXXXXXXXXXXXXXX",
        "not-a-secret-not-a-secret-not-a-secret00",
        &home(&fake),
    )
    .await;
    assert_eq!(
        code(assume_with(&fake, &p).await),
        DiagnosisCode::PlatformCredentialsInvalid
    );
}

#[tokio::test]
async fn a_wrong_platform_secret_is_platform_credentials_invalid() {
    let fake = start(FakeAwsConfig::default()).await;
    let p = Platform::with_static_keys(
        &fake.endpoint(),
        &fake.info().platform.access_key_id,
        "wrong-secret-wrong-secret-wrong-secret00",
        &home(&fake),
    )
    .await;
    assert_eq!(
        code(assume_with(&fake, &p).await),
        DiagnosisCode::PlatformCredentialsInvalid
    );
}

#[tokio::test]
async fn a_skewed_clock_is_clock_skew_both_ways() {
    for skew in [3600, -3600] {
        let fake = start(FakeAwsConfig::default().clock_skew_seconds(skew)).await;
        // Set the scene without signing (every signed call is skewed).
        let external_id = ExternalId::generate();
        let trust =
            roster_core::policy::trust_policy(&fake.info().platform.principal_arn, &external_id);
        let arn = fake
            .create_role("roster", &trust.to_json(), Some(&full_policy()), &[])
            .unwrap();
        let err = platform(&fake)
            .await
            .session(&RoleArn::parse(&arn).unwrap(), &external_id, "roster-test")
            .await
            .unwrap_err();
        let AwsError::Diagnosed(d) = err else {
            panic!("{err:?}")
        };
        assert_eq!(d.code, DiagnosisCode::ClockSkew, "{d}");
        let wording = if skew > 0 {
            "Signature expired"
        } else {
            "Signature not yet current"
        };
        assert!(d.cause.contains(wording), "{d}");
    }
}

#[tokio::test]
async fn expired_platform_session_credentials_are_credentials_expired() {
    let fake = start(FakeAwsConfig::default()).await;
    let info = fake.info().clone();
    // roster's own identity is itself an assumed-role session (as on ECS/EKS)
    // that has expired.
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":"sts:AssumeRole"}}]}}"#,
        info.platform.principal_arn
    );
    let own = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:GetCallerIdentity"],"Resource":"*"}]}"#;
    let own_role = fake
        .create_role_in(
            &info.platform.account_id,
            "roster-platform",
            &trust,
            Some(own),
            &[],
        )
        .unwrap();
    fake.set_role_session_seconds(&own_role, 1).unwrap();
    let sts = aws_sdk_sts::Client::new(
        &common::sdk(
            &fake,
            &info.platform.access_key_id,
            &info.platform.secret_access_key,
            None,
        )
        .await,
    );
    let out = sts
        .assume_role()
        .role_arn(&own_role)
        .role_session_name("roster-platform")
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let p = Platform::from_config(
        common::sdk(
            &fake,
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token()),
        )
        .await,
    );
    assert_eq!(
        code(assume_with(&fake, &p).await),
        DiagnosisCode::CredentialsExpired
    );
}

#[tokio::test]
async fn a_disabled_sts_region_gets_its_own_diagnosis() {
    let fake = start(FakeAwsConfig::default().sts_disabled_region("us-east-1")).await;
    let p = platform(&fake).await;
    let err = assume_with(&fake, &p).await;
    let AwsError::Diagnosed(d) = err else {
        panic!("{err:?}")
    };
    assert_eq!(d.code, DiagnosisCode::StsRegionDisabled, "{d}");
    assert!(
        d.fix.contains("us-east-1") && d.fix.contains(&fake.info().customer.management_account_id)
    );
}

#[tokio::test]
async fn only_access_denied_on_assume_role_is_assume_role_denied() {
    let fake = start(FakeAwsConfig::default()).await;
    let (arn, _) = role(&fake).await;
    let err = platform(&fake)
        .await
        .session(&arn, &ExternalId::generate(), "roster-test")
        .await
        .unwrap_err();
    assert_eq!(code(err), DiagnosisCode::AssumeRoleDenied);
}

async fn kms_client(state: KmsKeyState) -> (FakeAwsHandle, DirectoryClient) {
    let fake = start(FakeAwsConfig::default().kms_key(true).kms_key_state(state)).await;
    let session = management_session(&fake, &full_policy()).await;
    let store = IdentityStoreId::parse(&fake.info().customer.identity_store_id).unwrap();
    let client = DirectoryClient::new(&session, store, home(&fake));
    (fake, client)
}

#[tokio::test]
async fn kms_key_states_are_kms_key_unavailable_naming_the_reason() {
    for (state, reason) in [
        (KmsKeyState::Disabled, "KMS_DISABLED"),
        (KmsKeyState::PendingDeletion, "KMS_INVALID_STATE"),
        (KmsKeyState::NotFound, "KMS_KEY_NOT_FOUND"),
    ] {
        let (_fake, client) = kms_client(state).await;
        let err = client.users_page(None, None).await.unwrap_err();
        let AwsError::Diagnosed(d) = err else {
            panic!("{err:?}")
        };
        assert_eq!(d.code, DiagnosisCode::KmsKeyUnavailable, "{state:?}: {d}");
        assert!(d.cause.contains(reason), "{d}");
    }
    let (_fake, client) = kms_client(KmsKeyState::Enabled).await;
    client.users_page(None, Some(1)).await.unwrap();
}

#[tokio::test]
async fn a_group_deleted_mid_read_vanishes_instead_of_failing() {
    let fake = start(FakeAwsConfig::default()).await;
    let session = management_session(&fake, &full_policy()).await;
    let store = IdentityStoreId::parse(&fake.info().customer.identity_store_id).unwrap();
    let client = DirectoryClient::new(&session, store, home(&fake));
    let groups = client.groups_page(None, None).await.unwrap();
    let gone = groups.items[0].group_id.clone();
    fake.delete_group(gone.as_str()).unwrap();
    match client.memberships_page(&gone, None, None).await {
        Err(AwsError::Vanished {
            resource_type,
            resource_id,
            ..
        }) => {
            assert_eq!(resource_type, "GROUP");
            assert_eq!(resource_id, gone.as_str());
        }
        other => panic!("{other:?}"),
    }
}
