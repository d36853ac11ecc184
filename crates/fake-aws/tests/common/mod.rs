//! Shared helpers of the SDK tests: start fake-aws, build SDK configs for its
//! principals, create customer roles through IAM, assume them.
#![allow(dead_code)]

pub mod moto;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use roster_fake_aws::{FakeAws, FakeAwsConfig, FakeAwsHandle};

pub const EXTERNAL_ID: &str = "roster-test-external-id-0123456789abcdef";

pub async fn start(config: FakeAwsConfig) -> FakeAwsHandle {
    FakeAws::start(config).await.expect("fake-aws starts")
}

/// An SDK config for `endpoint` with static credentials and no retries.
pub async fn sdk_config(endpoint: &str, creds: Credentials, region: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .endpoint_url(endpoint)
        .credentials_provider(creds)
        .retry_config(RetryConfig::disabled())
        .load()
        .await
}

pub fn static_creds(akid: &str, secret: &str) -> Credentials {
    Credentials::new(akid, secret, None, None, "fake-aws-test")
}

pub async fn admin_config(h: &FakeAwsHandle) -> SdkConfig {
    let c = &h.info().customer;
    sdk_config(
        &h.endpoint(),
        static_creds(&c.admin_access_key_id, &c.admin_secret_access_key),
        &c.home_region,
    )
    .await
}

pub async fn platform_config(h: &FakeAwsHandle) -> SdkConfig {
    let p = &h.info().platform;
    sdk_config(
        &h.endpoint(),
        static_creds(&p.access_key_id, &p.secret_access_key),
        &h.info().customer.home_region,
    )
    .await
}

/// The trust policy roster's wizard renders.
pub fn trust_policy(principal_arn: &str, external_id: Option<&str>) -> String {
    let condition = external_id.map_or_else(String::new, |x| {
        format!(r#","Condition":{{"StringEquals":{{"sts:ExternalId":"{x}"}}}}"#)
    });
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal_arn}"}},"Action":"sts:AssumeRole"{condition}}}]}}"#
    )
}

/// roster's inline permissions policy (read-only identitystore + discovery).
pub fn read_policy(actions: &[&str]) -> String {
    let list = actions
        .iter()
        .map(|a| format!("\"{a}\""))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{list}],"Resource":"*"}}]}}"#
    )
}

pub const ROSTER_ACTIONS: &[&str] = &[
    "identitystore:ListUsers",
    "identitystore:ListGroups",
    "identitystore:ListGroupMemberships",
    "identitystore:DescribeUser",
    "identitystore:DescribeGroup",
    "identitystore:ListGroupMembershipsForMember",
    "sso:ListInstances",
    "sso:ListRegions",
];

/// Creates a role in the customer's management account through IAM.
pub async fn create_role(
    h: &FakeAwsHandle,
    name: &str,
    trust: &str,
    inline: Option<&str>,
    managed: &[&str],
) -> String {
    let iam = aws_sdk_iam::Client::new(&admin_config(h).await);
    let out = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust)
        .send()
        .await
        .expect("CreateRole");
    if let Some(doc) = inline {
        iam.put_role_policy()
            .role_name(name)
            .policy_name("roster-read")
            .policy_document(doc)
            .send()
            .await
            .expect("PutRolePolicy");
    }
    for arn in managed {
        iam.attach_role_policy()
            .role_name(name)
            .policy_arn(*arn)
            .send()
            .await
            .expect("AttachRolePolicy");
    }
    out.role().expect("role").arn().to_owned()
}

/// Creates roster's standard customer role and returns its ARN.
pub async fn roster_role(h: &FakeAwsHandle) -> String {
    let trust = trust_policy(&h.info().platform.principal_arn, Some(EXTERNAL_ID));
    create_role(
        h,
        "roster-reader",
        &trust,
        Some(&read_policy(ROSTER_ACTIONS)),
        &[],
    )
    .await
}

/// `AssumeRole` as the platform principal.
pub async fn assume(
    h: &FakeAwsHandle,
    role_arn: &str,
    external_id: Option<&str>,
) -> Result<
    Credentials,
    aws_sdk_sts::error::SdkError<aws_sdk_sts::operation::assume_role::AssumeRoleError>,
> {
    let sts = aws_sdk_sts::Client::new(&platform_config(h).await);
    let out = sts
        .assume_role()
        .role_arn(role_arn)
        .role_session_name("roster-test")
        .set_external_id(external_id.map(str::to_owned))
        .duration_seconds(900)
        .send()
        .await?;
    let c = out.credentials().expect("credentials");
    Ok(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "assumed",
    ))
}

/// An SDK config for an assumed session of roster's role.
pub async fn roster_session(h: &FakeAwsHandle) -> SdkConfig {
    let arn = roster_role(h).await;
    let creds = assume(h, &arn, Some(EXTERNAL_ID))
        .await
        .expect("AssumeRole with the External ID");
    sdk_config(&h.endpoint(), creds, &h.info().customer.home_region).await
}

/// An sso-admin client as the customer's administrator.
pub async fn sso_admin(h: &FakeAwsHandle) -> aws_sdk_ssoadmin::Client {
    aws_sdk_ssoadmin::Client::new(&admin_config(h).await)
}

/// The organization instance's ARN.
pub fn instance(h: &FakeAwsHandle) -> String {
    h.info().customer.instance_arn.clone()
}
