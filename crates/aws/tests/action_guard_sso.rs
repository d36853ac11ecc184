//! Proves the SSO statement is exactly what the SSO source calls: with the
//! SSO source's policy (`PermissionsOptions::sso_source`), a discovery and
//! one of every SSO read against fake-aws call each action of
//! `SSO_READ_ACTIONS` and nothing outside the policy; and the policy names
//! no `sso:`/`organizations:` action that nobody calls.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use common::{home, management_session, start};
use roster_aws::SsoClient;
use roster_aws::discovery::discover;
use roster_core::policy::{
    PermissionsOptions, ROSTER_IAM_ACTIONS, SSO_READ_ACTIONS, permissions_policy,
};
use roster_fake_aws::FakeAwsConfig;

#[tokio::test]
async fn the_sso_statement_names_exactly_the_actions_the_sso_reads_call() {
    let h = start(FakeAwsConfig::default().organization(3, 3, 8).tps(1000)).await;
    let policy = permissions_policy(&PermissionsOptions::sso_source());
    let session = management_session(&h, &policy.to_json()).await;
    let found = discover(&session, &home(&h)).await.unwrap();
    let c = SsoClient::new(&session, found.instance_arn.clone(), &found.home_region);

    let sets = c.permission_sets_page(None).await.unwrap().items;
    let set = sets.first().unwrap();
    c.describe_permission_set(set).await.unwrap();
    c.managed_policies_page(set, None).await.unwrap();
    c.customer_policy_refs_page(set, None).await.unwrap();
    c.inline_policy(set).await.unwrap();
    c.permissions_boundary(set).await.unwrap();
    let mut probed = false;
    for set in &sets {
        let accounts = c.provisioned_accounts_page(set, None).await.unwrap().items;
        if let Some(account) = accounts.first() {
            c.account_assignments_page(account, set, None)
                .await
                .unwrap();
            probed = true;
            break;
        }
    }
    assert!(
        probed,
        "the generated organization provisions a permission set"
    );
    c.accounts_page(None).await.unwrap();
    let apps = c.applications_page(None).await.unwrap().items;
    let app = apps
        .first()
        .expect("the generated organization has applications");
    c.application_assignments_page(&app.application_arn, None)
        .await
        .unwrap();

    let called: BTreeSet<String> = session.action_log().snapshot().into_keys().collect();
    let allowed: BTreeSet<String> = policy.actions().into_iter().map(str::to_owned).collect();
    for action in &called {
        assert!(
            allowed.contains(action),
            "called {action}, which the policy does not name"
        );
    }
    let sso_called: BTreeSet<&str> = called
        .iter()
        .map(String::as_str)
        .filter(|a| !ROSTER_IAM_ACTIONS.contains(a))
        .collect();
    let statement: BTreeSet<&str> = SSO_READ_ACTIONS.into_iter().collect();
    assert_eq!(
        sso_called, statement,
        "the SSO statement must list exactly what the SSO reads call"
    );
    let named_sso: BTreeSet<&str> = policy
        .actions()
        .into_iter()
        .filter(|a| !ROSTER_IAM_ACTIONS.contains(a))
        .collect();
    assert_eq!(
        named_sso, statement,
        "the policy names no SSO action nobody calls"
    );
    h.shutdown().await;
}
