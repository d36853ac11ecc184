//! Discovery in a real organization's shapes: the role in the
//! management account, in Identity Center's delegated administrator account,
//! in a member account; account instances; instance and Region statuses;
//! every page of `ListInstances`; retried faults.
#![allow(clippy::unwrap_used)]

mod common;

use common::{full_policy, home, management_session, session_in, start};
use roster_aws::discovery::discover;
use roster_aws::{AwsError, DirectoryClient, InstanceKind, Placement};
use roster_core::policy::{IDENTITY_STORE_ACTIONS, PermissionsOptions, permissions_policy};
use roster_core::{DiagnosisCode, IdentityStoreId};
use roster_fake_aws::{FakeAwsConfig, MemberConfig};

fn code(e: AwsError) -> DiagnosisCode {
    match e {
        AwsError::Diagnosed(d) => d.code,
        other => panic!("not a diagnosis: {other:?}"),
    }
}

#[tokio::test]
async fn a_delegated_administrator_finds_the_organization_instance_not_wrong_account() {
    let fake = start(FakeAwsConfig::default().delegated_admin(true)).await;
    let info = fake.info().clone();
    let da = info.customer.delegated_admin.clone().unwrap();
    let session = session_in(
        &fake,
        (&da.access_key_id, &da.secret_access_key),
        &full_policy(),
    )
    .await;
    let found = discover(&session, &home(&fake)).await.unwrap();
    assert_eq!(found.instance_arn, info.customer.instance_arn);
    assert_eq!(
        found.identity_store_id.as_str(),
        info.customer.identity_store_id
    );
    assert_eq!(
        found
            .owner_account
            .as_ref()
            .map(roster_core::AccountId::as_str),
        Some(info.customer.management_account_id.as_str())
    );
    assert_eq!(found.instance_kind, InstanceKind::Organization);
    assert_eq!(found.role_placement, Placement::DelegatedAdministrator);
    assert!(
        session
            .action_log()
            .snapshot()
            .contains_key("organizations:DescribeOrganization")
    );
}

#[tokio::test]
async fn the_management_account_is_told_apart_from_the_delegated_administrator() {
    let fake = start(FakeAwsConfig::default()).await;
    let session = management_session(&fake, &full_policy()).await;
    let found = discover(&session, &home(&fake)).await.unwrap();
    assert_eq!(found.instance_kind, InstanceKind::Organization);
    assert_eq!(found.role_placement, Placement::Management);
    assert_eq!(found.instance_status, "ACTIVE");
}

#[tokio::test]
async fn without_describe_organization_roster_syncs_what_it_found_with_the_type_unknown() {
    let fake = start(FakeAwsConfig::default().delegated_admin(true)).await;
    let da = fake.info().customer.delegated_admin.clone().unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["identitystore:ListUsers","identitystore:ListGroups","identitystore:ListGroupMemberships","sso:ListInstances","sso:ListRegions"],"Resource":"*"}]}"#;
    let session = session_in(&fake, (&da.access_key_id, &da.secret_access_key), policy).await;
    let found = discover(&session, &home(&fake)).await.unwrap();
    assert_eq!(found.instance_arn, fake.info().customer.instance_arn);
    assert_eq!(found.instance_kind, InstanceKind::Unknown);
    assert_eq!(found.role_placement, Placement::Unknown);
}

#[tokio::test]
async fn an_account_instance_is_reported_as_such() {
    let fake = start(FakeAwsConfig::default().member_account(MemberConfig::default())).await;
    let m = fake.info().member.clone().unwrap();
    let session = session_in(
        &fake,
        (&m.admin_access_key_id, &m.admin_secret_access_key),
        &full_policy(),
    )
    .await;
    let err = discover(&session, &home(&fake)).await.unwrap_err();
    let AwsError::Diagnosed(d) = err else {
        panic!("{err:?}")
    };
    assert_eq!(d.code, DiagnosisCode::AccountInstance, "{d}");
    assert!(
        d.cause.contains(&m.instance_arn)
            && d.cause
                .contains(&fake.info().customer.management_account_id)
    );
}

#[tokio::test]
async fn a_member_account_reads_the_organization_directory_with_the_id_typed_in() {
    let fake = start(FakeAwsConfig::default().member_accounts(1)).await;
    let member = fake.info().customer.member_accounts[0].clone();
    let reads = permissions_policy(&PermissionsOptions::default()).to_json();
    assert_eq!(IDENTITY_STORE_ACTIONS.len(), 3);
    let session = session_in(
        &fake,
        (&member.access_key_id, &member.secret_access_key),
        &reads,
    )
    .await;
    let store = IdentityStoreId::parse(&fake.info().customer.identity_store_id).unwrap();
    let client = DirectoryClient::new(&session, store, home(&fake));
    let users = client.users_page(None, Some(5)).await.unwrap();
    assert_eq!(users.items.len(), 5);
}

#[tokio::test]
async fn an_instance_that_is_not_active_is_diagnosed() {
    let fake = start(FakeAwsConfig::default().instance_status("CREATE_IN_PROGRESS")).await;
    let session = management_session(&fake, &full_policy()).await;
    let err = discover(&session, &home(&fake)).await.unwrap_err();
    assert_eq!(code(err), DiagnosisCode::InstanceNotActive);
}

#[tokio::test]
async fn regions_that_are_not_active_are_skipped() {
    let fake = start(
        FakeAwsConfig::default()
            .replica_regions(&["eu-west-1", "ap-southeast-2"])
            .region_status("eu-west-1", "ADDING"),
    )
    .await;
    let session = management_session(&fake, &full_policy()).await;
    let found = discover(&session, &home(&fake)).await.unwrap();
    let regions: Vec<&str> = found
        .regions
        .iter()
        .map(roster_core::Region::as_str)
        .collect();
    assert_eq!(regions, ["us-east-1", "ap-southeast-2"]);
}

#[tokio::test]
async fn every_page_of_list_instances_is_read() {
    // The member with an account instance becomes Identity Center's delegated
    // administrator: it sees its own instance first, the organization's on page 2.
    let fake = start(
        FakeAwsConfig::default()
            .member_account(MemberConfig::default())
            .instances_page_size(1),
    )
    .await;
    let m = fake.info().member.clone().unwrap();
    let orgs = aws_sdk_organizations::Client::new(&common::admin(&fake).await);
    orgs.register_delegated_administrator()
        .account_id(&m.account_id)
        .service_principal("sso.amazonaws.com")
        .send()
        .await
        .unwrap();
    let session = session_in(
        &fake,
        (&m.admin_access_key_id, &m.admin_secret_access_key),
        &full_policy(),
    )
    .await;
    let found = discover(&session, &home(&fake)).await.unwrap();
    assert_eq!(found.instance_arn, fake.info().customer.instance_arn);
    assert_eq!(found.role_placement, Placement::DelegatedAdministrator);
}

#[tokio::test]
async fn discovery_retries_dropped_connections() {
    let fake = start(FakeAwsConfig::default()).await;
    let session = management_session(&fake, &full_policy()).await;
    fake.reset_next_responses(2);
    let found = discover(&session, &home(&fake)).await.unwrap();
    assert_eq!(found.instance_arn, fake.info().customer.instance_arn);
}

#[tokio::test]
async fn discovery_retries_throttling_and_server_errors() {
    let fake = start(FakeAwsConfig::default().seed(7)).await;
    let session = management_session(&fake, &full_policy()).await;
    fake.set_faults(roster_fake_aws::FaultConfig {
        throttle_rate: 0.0,
        error_rate: 0.4,
        latency_ms: 0,
    });
    for _ in 0..3 {
        discover(&session, &home(&fake)).await.unwrap();
    }
}

#[tokio::test]
async fn a_member_account_limited_by_an_scp_gets_the_organization_fix_not_the_policy_fix() {
    let fake = start(
        FakeAwsConfig::default()
            .member_accounts(1)
            .scp_deny_member_reads(true),
    )
    .await;
    let member = fake.info().customer.member_accounts[0].clone();
    let session = session_in(
        &fake,
        (&member.access_key_id, &member.secret_access_key),
        &full_policy(),
    )
    .await;
    let store = IdentityStoreId::parse(&fake.info().customer.identity_store_id).unwrap();
    let err = DirectoryClient::new(&session, store, home(&fake))
        .users_page(None, Some(1))
        .await
        .unwrap_err();
    let AwsError::Diagnosed(d) = err else {
        panic!("{err:?}")
    };
    assert_eq!(d.code, DiagnosisCode::IdentitystoreAccessDenied);
    assert!(d.cause.contains("service control policy"), "{d}");
    assert!(d.fix.contains("delegated administrator"), "{d}");
}
