//! Shared scene-setting of the adapter's tests against fake-aws in-process:
//! an account's admin creates roster's role through IAM, roster's platform
//! assumes it.
#![allow(dead_code, clippy::unwrap_used)]

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use roster_aws::{CustomerSession, Platform};
use roster_core::policy::{PermissionsOptions, permissions_policy, trust_policy};
use roster_core::{ExternalId, Region, RoleArn};
use roster_fake_aws::{FakeAws, FakeAwsConfig, FakeAwsHandle};

pub async fn start(config: FakeAwsConfig) -> FakeAwsHandle {
    FakeAws::start(config).await.unwrap()
}

/// An SDK config for fake-aws with static keys (no retries: tests see every answer).
pub async fn sdk(
    h: &FakeAwsHandle,
    key: &str,
    secret: &str,
    token: Option<&str>,
) -> aws_config::SdkConfig {
    let creds =
        aws_credential_types::Credentials::new(key, secret, token.map(str::to_owned), None, "test");
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(h.endpoint())
        .region(aws_config::Region::new(
            h.info().customer.home_region.clone(),
        ))
        .credentials_provider(creds)
        .retry_config(RetryConfig::disabled())
        .load()
        .await
}

/// The management account admin's SDK config.
pub async fn admin(h: &FakeAwsHandle) -> aws_config::SdkConfig {
    let c = &h.info().customer;
    sdk(h, &c.admin_access_key_id, &c.admin_secret_access_key, None).await
}

/// Creates roster's role with `policy` through IAM as the admin with these keys.
pub async fn create_role_with(
    h: &FakeAwsHandle,
    keys: (&str, &str),
    external_id: &ExternalId,
    policy: &str,
) -> RoleArn {
    let iam = aws_sdk_iam::Client::new(&sdk(h, keys.0, keys.1, None).await);
    let role = iam
        .create_role()
        .role_name("roster")
        .assume_role_policy_document(
            trust_policy(&h.info().platform.principal_arn, external_id).to_json(),
        )
        .send()
        .await
        .unwrap();
    iam.put_role_policy()
        .role_name("roster")
        .policy_name("roster")
        .policy_document(policy)
        .send()
        .await
        .unwrap();
    RoleArn::parse(role.role().unwrap().arn()).unwrap()
}

/// roster's full policy: reads, discovery (with `DescribeOrganization`), KMS.
pub fn full_policy() -> String {
    permissions_policy(&PermissionsOptions {
        discovery: true,
        kms: Some(None),
        sso: false,
    })
    .to_json()
}

pub async fn platform(h: &FakeAwsHandle) -> Platform {
    let i = h.info();
    Platform::with_static_keys(
        &i.endpoint,
        &i.platform.access_key_id,
        &i.platform.secret_access_key,
        &home(h),
    )
    .await
}

pub fn home(h: &FakeAwsHandle) -> Region {
    Region::parse(&h.info().customer.home_region).unwrap()
}

/// A session of roster's role created in the account with these admin keys.
pub async fn session_in(h: &FakeAwsHandle, keys: (&str, &str), policy: &str) -> CustomerSession {
    let external_id = ExternalId::generate();
    let role = create_role_with(h, keys, &external_id, policy).await;
    platform(h)
        .await
        .session(&role, &external_id, "roster-test")
        .await
        .unwrap()
}

/// A session of roster's role in the management account.
pub async fn management_session(h: &FakeAwsHandle, policy: &str) -> CustomerSession {
    let c = h.info().customer.clone();
    session_in(
        h,
        (&c.admin_access_key_id, &c.admin_secret_access_key),
        policy,
    )
    .await
}
