//! sso-admin errors in AWS's shapes (unknown permission set, account
//! instance, denied role), and the delegated administrator's limits: it
//! cannot manage what is provisioned in the management account.

mod common;

use aws_sdk_ssoadmin::Client;
use aws_sdk_ssoadmin::error::ProvideErrorMetadata;
use aws_sdk_ssoadmin::types::ProvisionTargetType;
use common::*;
use roster_fake_aws::{FakeAwsConfig, MemberConfig};

const INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

#[tokio::test]
async fn errors_come_in_aws_shapes() {
    let h = start(
        FakeAwsConfig::default()
            .organization(1, 1, 0)
            .member_account(MemberConfig::default()),
    )
    .await;
    let sso = sso_admin(&h).await;
    let ins = instance(&h);
    let ghost = format!(
        "arn:aws:sso:::permissionSet/{}/ps-0000000000000000",
        ins.rsplit('/').next().expect("answered")
    );
    let err = sso
        .describe_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&ghost)
        .send()
        .await
        .expect_err("no such set");
    assert_eq!(err.code(), Some("ResourceNotFoundException"));
    // An account instance has no permission sets.
    let m = h.info().member.clone().expect("answered");
    let member = Client::new(
        &sdk_config(
            &h.endpoint(),
            static_creds(&m.admin_access_key_id, &m.admin_secret_access_key),
            &m.home_region,
        )
        .await,
    );
    let err = member
        .list_permission_sets()
        .instance_arn(&m.instance_arn)
        .send()
        .await
        .expect_err("account instance");
    assert_eq!(err.code(), Some("ValidationException"));
    // A role without sso:ListPermissionSets is denied.
    let p = h.info().platform.clone();
    let arn = h
        .create_role_in(
            &h.info().customer.management_account_id,
            "narrow",
            &trust_policy(&p.principal_arn, None),
            Some(&read_policy(&["sso:DescribePermissionSet"])),
            &[],
        )
        .expect("role");
    let creds = assume(&h, &arn, None).await.expect("assumed");
    let narrow = Client::new(&sdk_config(&h.endpoint(), creds, &m.home_region).await);
    let err = narrow
        .list_permission_sets()
        .instance_arn(&ins)
        .send()
        .await
        .expect_err("denied");
    assert_eq!(err.code(), Some("AccessDeniedException"));
}

#[tokio::test]
async fn the_delegated_administrator_cannot_manage_the_management_account() {
    let h = start(
        FakeAwsConfig::default()
            .delegated_admin(true)
            .member_accounts(1)
            .tps(1000),
    )
    .await;
    let ins = instance(&h);
    let mgmt = h.info().customer.management_account_id.clone();
    let member = h.info().customer.member_accounts[0].account_id.clone();
    let da = h
        .info()
        .customer
        .delegated_admin
        .clone()
        .expect("delegated admin");
    let delegated = Client::new(
        &sdk_config(
            &h.endpoint(),
            static_creds(&da.access_key_id, &da.secret_access_key),
            &h.info().customer.home_region,
        )
        .await,
    );
    let arn = delegated
        .create_permission_set()
        .instance_arn(&ins)
        .name("Ops")
        .send()
        .await
        .expect("the delegated administrator creates permission sets")
        .permission_set()
        .and_then(|p| p.permission_set_arn())
        .expect("arn")
        .to_owned();
    let provision = |target: String| {
        delegated
            .provision_permission_set()
            .instance_arn(&ins)
            .permission_set_arn(&arn)
            .target_type(ProvisionTargetType::AwsAccount)
            .target_id(target)
            .send()
    };
    provision(member).await.expect("a member account");
    let err = provision(mgmt.clone())
        .await
        .expect_err("the management account");
    assert_eq!(err.code(), Some("AccessDeniedException"));
    // Once the management account provisions it there, the delegated
    // administrator can no longer change it, but still reads it.
    let sso = sso_admin(&h).await;
    sso.provision_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .target_type(ProvisionTargetType::AwsAccount)
        .target_id(&mgmt)
        .send()
        .await
        .expect("the management account provisions to itself");
    let err = delegated
        .put_inline_policy_to_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .inline_policy(INLINE)
        .send()
        .await
        .expect_err("provisioned in the management account");
    assert_eq!(err.code(), Some("AccessDeniedException"));
    let accounts = delegated
        .list_accounts_for_provisioned_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect("reads stay allowed");
    assert_eq!(accounts.account_ids().len(), 2);
}
