//! Proves that the adapter calls no AWS action outside the policy constant:
//! a full discovery and read against fake-aws records only listed actions,
//! and anything else is refused before it leaves the process.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use aws_config::BehaviorVersion;
use roster_aws::discovery::discover;
use roster_aws::{DirectoryClient, Platform};
use roster_core::policy::{
    PLATFORM_ACTIONS, PermissionsOptions, ROSTER_IAM_ACTIONS, permissions_policy, trust_policy,
};
use roster_core::{ExternalId, Region, RoleArn};
use roster_fake_aws::{FakeAws, FakeAwsConfig, FakeAwsInfo};

async fn create_customer_role(info: &FakeAwsInfo, external_id: &ExternalId) -> RoleArn {
    let creds = aws_credential_types::Credentials::new(
        &info.customer.admin_access_key_id,
        &info.customer.admin_secret_access_key,
        None,
        None,
        "test",
    );
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(&info.endpoint)
        .region(aws_config::Region::new(info.customer.home_region.clone()))
        .credentials_provider(creds)
        .load()
        .await;
    let iam = aws_sdk_iam::Client::new(&conf);
    let role = iam
        .create_role()
        .role_name("roster")
        .assume_role_policy_document(
            trust_policy(&info.platform.principal_arn, external_id).to_json(),
        )
        .send()
        .await
        .unwrap();
    let everything = PermissionsOptions {
        discovery: true,
        kms: Some(None),
        sso: false,
    };
    iam.put_role_policy()
        .role_name("roster")
        .policy_name("roster")
        .policy_document(permissions_policy(&everything).to_json())
        .send()
        .await
        .unwrap();
    RoleArn::parse(role.role().unwrap().arn()).unwrap()
}

#[tokio::test]
async fn roster_calls_only_the_actions_its_policy_names() {
    let fake = FakeAws::start(FakeAwsConfig::default()).await.unwrap();
    let info = fake.info().clone();
    let external_id = ExternalId::generate();
    let role = create_customer_role(&info, &external_id).await;
    let region = Region::parse(&info.customer.home_region).unwrap();
    let platform = Platform::with_static_keys(
        &info.endpoint,
        &info.platform.access_key_id,
        &info.platform.secret_access_key,
        &region,
    )
    .await;

    assert_eq!(
        platform.principal_arn().await.unwrap(),
        info.platform.principal_arn
    );
    let session = platform
        .session(&role, &external_id, "roster-test")
        .await
        .unwrap();
    let found = discover(&session, &region).await.unwrap();
    assert_eq!(
        found.identity_store_id.as_str(),
        info.customer.identity_store_id
    );
    let client = DirectoryClient::new(
        &session,
        found.identity_store_id.clone(),
        found.home_region.clone(),
    );
    client.users_page(None, None).await.unwrap();
    let groups = client.groups_page(None, None).await.unwrap();
    client
        .memberships_page(&groups.items[0].group_id, None, None)
        .await
        .unwrap();

    let called: BTreeSet<String> = session.action_log().snapshot().into_keys().collect();
    for action in &called {
        assert!(
            ROSTER_IAM_ACTIONS.contains(&action.as_str()),
            "roster called {action}, which its policy does not name"
        );
    }
    for needed in [
        "identitystore:ListUsers",
        "identitystore:ListGroups",
        "identitystore:ListGroupMemberships",
        "sso:ListInstances",
    ] {
        assert!(
            called.contains(needed),
            "{needed} was not called: {called:?}"
        );
    }
    for action in platform.action_log().snapshot().keys() {
        assert!(
            PLATFORM_ACTIONS.contains(&action.as_str()),
            "platform called {action}"
        );
    }

    let requests_before = fake.request_log().len();
    let refused = session
        .sso_admin(&region)
        .list_permission_sets()
        .instance_arn(&found.instance_arn)
        .send()
        .await
        .unwrap_err();
    assert!(
        format!("{refused:?}").contains("ForbiddenAction(\"sso:ListPermissionSets\")"),
        "{refused:?}"
    );
    assert_eq!(
        fake.request_log().len(),
        requests_before,
        "a refused call never reaches AWS"
    );
    fake.shutdown().await;
}
