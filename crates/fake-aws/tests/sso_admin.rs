//! sso-admin permission sets, provisioning and account assignments through
//! the official Rust SDK: a scene written reads back exactly, lists page at
//! the model's maximum, the collective `sso:` quota throttles. Errors and the
//! delegated administrator's limits are in `sso_admin_errors.rs`, the
//! generator's tests in `sso_generator.rs`.

mod common;

use std::collections::BTreeSet;

use aws_sdk_ssoadmin::error::ProvideErrorMetadata;
use aws_sdk_ssoadmin::types::{
    CustomerManagedPolicyReference, PermissionsBoundary, PrincipalType, ProvisionTargetType,
    StatusValues, TargetType,
};
use common::*;
use roster_fake_aws::{FakeAwsConfig, NewUser};

const INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

#[tokio::test]
#[allow(clippy::too_many_lines, clippy::many_single_char_names)] // one scene, written then read back, one short name per response
async fn a_scene_written_reads_back_exactly() {
    let h = start(FakeAwsConfig::default().member_accounts(2).tps(1000)).await;
    let sso = sso_admin(&h).await;
    let ins = instance(&h);
    let account = h.info().customer.member_accounts[0].account_id.clone();
    let created = sso
        .create_permission_set()
        .instance_arn(&ins)
        .name("DevOps")
        .description("Deploys things")
        .session_duration("PT4H")
        .relay_state("https://console.aws.amazon.com/ec2")
        .send()
        .await
        .expect("created");
    let ps = created.permission_set().expect("set");
    let arn = ps.permission_set_arn().expect("arn").to_owned();
    assert!(arn.starts_with(&format!(
        "arn:aws:sso:::permissionSet/{}/ps-",
        ins.rsplit('/').next().expect("answered")
    )));
    let dup = sso
        .create_permission_set()
        .instance_arn(&ins)
        .name("DevOps")
        .send()
        .await
        .expect_err("same name");
    assert_eq!(dup.code(), Some("ConflictException"));

    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    sso.attach_managed_policy_to_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .managed_policy_arn(admin)
        .send()
        .await
        .expect("attached");
    let cmp = CustomerManagedPolicyReference::builder()
        .name("team-base")
        .path("/teams/")
        .build()
        .expect("answered");
    sso.attach_customer_managed_policy_reference_to_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .customer_managed_policy_reference(cmp)
        .send()
        .await
        .expect("referenced");
    sso.put_inline_policy_to_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .inline_policy(INLINE)
        .send()
        .await
        .expect("inline");
    let missing = sso
        .get_permissions_boundary_for_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect_err("no boundary yet");
    assert_eq!(missing.code(), Some("ResourceNotFoundException"));
    sso.put_permissions_boundary_to_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .permissions_boundary(
            PermissionsBoundary::builder()
                .managed_policy_arn("arn:aws:iam::aws:policy/PowerUserAccess")
                .build(),
        )
        .send()
        .await
        .expect("boundary");

    let d = sso
        .describe_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect("described");
    let d = d.permission_set().expect("answered");
    assert_eq!(d.name(), Some("DevOps"));
    assert_eq!(d.description(), Some("Deploys things"));
    assert_eq!(d.session_duration(), Some("PT4H"));
    assert_eq!(d.relay_state(), Some("https://console.aws.amazon.com/ec2"));
    assert!(d.created_date().is_some());
    let m = sso
        .list_managed_policies_in_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect("answered");
    let m = &m.attached_managed_policies()[0];
    assert_eq!(
        (m.name(), m.arn()),
        (Some("AdministratorAccess"), Some(admin))
    );
    let c = sso
        .list_customer_managed_policy_references_in_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect("answered");
    let c = &c.customer_managed_policy_references()[0];
    assert_eq!((c.name(), c.path()), ("team-base", Some("/teams/")));
    let i = sso
        .get_inline_policy_for_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect("answered");
    assert_eq!(i.inline_policy(), Some(INLINE));
    let b = sso
        .get_permissions_boundary_for_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect("answered");
    assert_eq!(
        b.permissions_boundary()
            .expect("answered")
            .managed_policy_arn(),
        Some("arn:aws:iam::aws:policy/PowerUserAccess")
    );

    // Provisioning answers IN_PROGRESS; the status call reports the outcome.
    let p = sso
        .provision_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .target_type(ProvisionTargetType::AwsAccount)
        .target_id(&account)
        .send()
        .await
        .expect("answered");
    let p = p.permission_set_provisioning_status().expect("answered");
    assert_eq!(p.status(), Some(&StatusValues::InProgress));
    let s = sso
        .describe_permission_set_provisioning_status()
        .instance_arn(&ins)
        .provision_permission_set_request_id(p.request_id().expect("answered"))
        .send()
        .await
        .expect("answered");
    assert_eq!(
        s.permission_set_provisioning_status()
            .expect("answered")
            .status(),
        Some(&StatusValues::Succeeded)
    );

    let user = h
        .create_user(&NewUser {
            user_name: "ada".into(),
            ..NewUser::default()
        })
        .expect("user");
    let group = h.create_group("ops").expect("group");
    let mut requests = Vec::new();
    for (ptype, pid) in [(PrincipalType::User, &user), (PrincipalType::Group, &group)] {
        let r = sso
            .create_account_assignment()
            .instance_arn(&ins)
            .target_id(&account)
            .target_type(TargetType::AwsAccount)
            .permission_set_arn(&arn)
            .principal_type(ptype)
            .principal_id(pid)
            .send()
            .await
            .expect("assigned");
        requests.push(
            r.account_assignment_creation_status()
                .expect("answered")
                .request_id()
                .expect("answered")
                .to_owned(),
        );
    }
    for id in &requests {
        let s = sso
            .describe_account_assignment_creation_status()
            .instance_arn(&ins)
            .account_assignment_creation_request_id(id)
            .send()
            .await
            .expect("answered");
        assert_eq!(
            s.account_assignment_creation_status()
                .expect("answered")
                .status(),
            Some(&StatusValues::Succeeded)
        );
    }
    let listed = sso
        .list_account_assignments()
        .instance_arn(&ins)
        .account_id(&account)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect("answered");
    let got: BTreeSet<(String, String)> = listed
        .account_assignments()
        .iter()
        .map(|a| {
            (
                a.principal_type().expect("answered").as_str().to_owned(),
                a.principal_id().expect("answered").to_owned(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [("USER".into(), user.clone()), ("GROUP".into(), group)]
        .into_iter()
        .collect();
    assert_eq!(got, want);
    let accounts = sso
        .list_accounts_for_provisioned_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect("answered");
    assert_eq!(accounts.account_ids(), std::slice::from_ref(&account));
    let sets = sso
        .list_permission_sets_provisioned_to_account()
        .instance_arn(&ins)
        .account_id(&account)
        .send()
        .await
        .expect("answered");
    assert_eq!(sets.permission_sets(), std::slice::from_ref(&arn));

    sso.delete_account_assignment()
        .instance_arn(&ins)
        .target_id(&account)
        .target_type(TargetType::AwsAccount)
        .permission_set_arn(&arn)
        .principal_type(PrincipalType::User)
        .principal_id(&user)
        .send()
        .await
        .expect("deleted");
    let left = sso
        .list_account_assignments_for_principal()
        .instance_arn(&ins)
        .principal_type(PrincipalType::User)
        .principal_id(&user)
        .send()
        .await
        .expect("answered");
    assert!(left.account_assignments().is_empty());
}

#[tokio::test]
async fn lists_page_at_the_model_maximum_and_refuse_more() {
    let h = start(FakeAwsConfig::default().organization(2, 150, 0).tps(1000)).await;
    let sso = sso_admin(&h).await;
    let ins = instance(&h);
    let first = sso
        .list_permission_sets()
        .instance_arn(&ins)
        .max_results(100)
        .send()
        .await
        .expect("answered");
    assert_eq!(first.permission_sets().len(), 100);
    let token = first.next_token().expect("more").to_owned();
    let second = sso
        .list_permission_sets()
        .instance_arn(&ins)
        .max_results(100)
        .next_token(&token)
        .send()
        .await
        .expect("answered");
    assert_eq!(second.permission_sets().len(), 50);
    assert!(second.next_token().is_none());
    let all: BTreeSet<&String> = first
        .permission_sets()
        .iter()
        .chain(second.permission_sets())
        .collect();
    assert_eq!(all.len(), 150);
    let err = sso
        .list_permission_sets()
        .instance_arn(&ins)
        .max_results(101)
        .send()
        .await
        .expect_err("above the maximum");
    assert_eq!(err.code(), Some("ValidationException"));
    let bad = sso
        .list_permission_sets()
        .instance_arn(&ins)
        .next_token("garbage")
        .send()
        .await
        .expect_err("bad token");
    assert_eq!(bad.code(), Some("ValidationException"));
}

#[tokio::test]
async fn the_collective_sso_quota_throttles_every_api_of_an_instance() {
    let h = start(FakeAwsConfig::default().organization(1, 2, 0).tps(5)).await;
    let sso = sso_admin(&h).await;
    let ins = instance(&h);
    let sets = sso
        .list_permission_sets()
        .instance_arn(&ins)
        .send()
        .await
        .expect("answered");
    let arn = sets.permission_sets()[0].clone();
    sso.list_regions()
        .instance_arn(&ins)
        .send()
        .await
        .expect("ListRegions draws from the same bucket");
    for _ in 0..3 {
        sso.describe_permission_set()
            .instance_arn(&ins)
            .permission_set_arn(&arn)
            .send()
            .await
            .expect("within the bucket");
    }
    let err = sso
        .get_inline_policy_for_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arn)
        .send()
        .await
        .expect_err("sixth call in the same second");
    assert_eq!(err.code(), Some("ThrottlingException"));
    let stats = h.stats();
    assert_eq!(stats["sso:DescribePermissionSet"].calls, 3);
    assert_eq!(stats["sso:ListRegions"].calls, 1);
}
