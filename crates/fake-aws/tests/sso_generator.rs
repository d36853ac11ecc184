//! The deterministic organization generator (`--accounts`,
//! `--permission-sets`, `--assignments`) read back through the Rust SDK:
//! same seed, same organization; mostly group assignments; administrator
//! access on few accounts.

mod common;

use aws_sdk_ssoadmin::Client;
use common::*;
use roster_fake_aws::{FakeAwsConfig, FakeAwsHandle};

/// Everything the generated organization holds, read through the API.
async fn read_org(h: &FakeAwsHandle) -> Vec<String> {
    let sso = Client::new(&admin_config(h).await);
    let ins = h.info().customer.instance_arn.clone();
    let sets = sso
        .list_permission_sets()
        .instance_arn(&ins)
        .send()
        .await
        .expect("answered");
    let mut out = Vec::new();
    for arn in sets.permission_sets() {
        let d = sso
            .describe_permission_set()
            .instance_arn(&ins)
            .permission_set_arn(arn)
            .send()
            .await
            .expect("answered");
        let d = d.permission_set().expect("answered");
        out.push(format!("{arn} {:?} {:?}", d.name(), d.session_duration()));
        let accounts = sso
            .list_accounts_for_provisioned_permission_set()
            .instance_arn(&ins)
            .permission_set_arn(arn)
            .send()
            .await
            .expect("answered");
        for account in accounts.account_ids() {
            let a = sso
                .list_account_assignments()
                .instance_arn(&ins)
                .account_id(account)
                .permission_set_arn(arn)
                .send()
                .await
                .expect("answered");
            for x in a.account_assignments() {
                out.push(format!(
                    "{account} {arn} {:?} {:?}",
                    x.principal_type(),
                    x.principal_id()
                ));
            }
        }
    }
    out
}

#[tokio::test]
async fn the_generator_is_deterministic_and_realistic() {
    let cfg = FakeAwsConfig::default()
        .seed(7)
        .directory(60, 12, 150)
        .organization(8, 12, 120)
        .tps(10_000);
    let h = start(cfg.clone()).await;
    let a = read_org(&h).await;
    // The handle's view (for checking readers in-process) is the API's.
    let via_api = a
        .iter()
        .filter(|l| l.contains("Some(User)") || l.contains("Some(Group)"))
        .count();
    assert_eq!(h.account_assignments().len(), via_api);
    assert!(
        h.provisioned_pairs().len() >= 12,
        "every set provisioned somewhere"
    );
    let b = read_org(&start(cfg.clone()).await).await;
    assert_eq!(a, b, "same seed, same organization");
    let c = read_org(&start(cfg.seed(8)).await).await;
    assert_ne!(a, c);
    let assignments: Vec<&String> = a.iter().filter(|l| l.contains("Some(")).collect();
    let rows = a
        .iter()
        .filter(|l| l.contains("Some(User)") || l.contains("Some(Group)"))
        .count();
    assert_eq!(rows, 120, "{assignments:?}");
    let groups = a.iter().filter(|l| l.contains("Some(Group)")).count();
    let users = a.iter().filter(|l| l.contains("Some(User)")).count();
    assert!(
        groups > users && users > 0,
        "{groups} via groups, {users} direct"
    );
    assert!(
        a.iter()
            .any(|l| l.contains("Some(\"AdministratorAccess\")"))
    );
    assert!(a.iter().any(|l| l.contains("Some(\"PT12H\")")));
}
