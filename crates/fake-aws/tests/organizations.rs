//! AWS Organizations through the official Rust SDK: an account outside the
//! organization is told the organization is not in use; the delegated
//! administrator registered at start is listed.

mod common;

use aws_sdk_organizations::error::ProvideErrorMetadata;
use common::*;
use roster_fake_aws::FakeAwsConfig;

#[tokio::test]
async fn an_account_outside_the_organization_gets_organizations_not_in_use() {
    let h = start(FakeAwsConfig::default()).await;
    let p = h.info().platform.clone();
    let trust = trust_policy(&p.principal_arn, None);
    let everything =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let arn = h
        .create_role_in(&p.account_id, "outsider", &trust, Some(everything), &[])
        .expect("role");
    let creds = assume(&h, &arn, None).await.expect("same-account trust");
    let conf = sdk_config(&h.endpoint(), creds, &h.info().customer.home_region).await;
    let err = aws_sdk_organizations::Client::new(&conf)
        .describe_organization()
        .send()
        .await
        .expect_err("not in an organization");
    assert_eq!(err.code(), Some("AWSOrganizationsNotInUseException"));
    assert!(
        err.into_service_error()
            .is_aws_organizations_not_in_use_exception()
    );
}

#[tokio::test]
async fn the_delegated_administrator_is_listed_for_identity_center() {
    let h = start(FakeAwsConfig::default().delegated_admin(true)).await;
    let da = h
        .info()
        .customer
        .delegated_admin
        .clone()
        .expect("delegated admin");
    let orgs = aws_sdk_organizations::Client::new(&admin_config(&h).await);
    let out = orgs
        .list_delegated_administrators()
        .service_principal("sso.amazonaws.com")
        .send()
        .await
        .expect("listed");
    let ids: Vec<&str> = out
        .delegated_administrators()
        .iter()
        .filter_map(|d| d.id())
        .collect();
    assert_eq!(ids, [da.account_id.as_str()]);
    let org = orgs
        .describe_organization()
        .send()
        .await
        .expect("described");
    let org = org.organization().expect("organization");
    assert_eq!(
        org.master_account_id(),
        Some(h.info().customer.management_account_id.as_str())
    );
    assert_eq!(org.id(), Some(h.info().customer.organization_id.as_str()));
}
