//! The SSO source's page-level reads against fake-aws's generated
//! organization: every permission set, its policies, its provisioned
//! accounts and their assignments read back exactly what the organization
//! holds; the reader's guard refuses anything outside `SSO_READ_ACTIONS`.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use common::{home, management_session, start};
use roster_aws::{AwsError, CustomerSession, SsoClient};
use roster_core::policy::{ROSTER_IAM_ACTIONS, SSO_READ_ACTIONS};
use roster_core::sso::{PermissionSetArn, PermissionSetPolicies, PrincipalType};
use roster_fake_aws::{FakeAwsConfig, FakeAwsHandle};

/// roster's directory actions plus the SSO reads, on every resource.
fn sso_policy() -> String {
    let actions: Vec<&str> = ROSTER_IAM_ACTIONS
        .iter()
        .chain(SSO_READ_ACTIONS.iter())
        .copied()
        .collect();
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Action": actions, "Resource": "*" }],
    })
    .to_string()
}

async fn reader(h: &FakeAwsHandle) -> (CustomerSession, SsoClient) {
    let session = management_session(h, &sso_policy()).await;
    let client = SsoClient::new(&session, h.info().customer.instance_arn.clone(), &home(h));
    (session, client)
}

async fn all_permission_sets(c: &SsoClient) -> Vec<PermissionSetArn> {
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page = c.permission_sets_page(next).await.unwrap();
        out.extend(page.items);
        next = page.next_token;
        if next.is_none() {
            return out;
        }
    }
}

async fn policies(c: &SsoClient, ps: &PermissionSetArn) -> PermissionSetPolicies {
    let mut p = PermissionSetPolicies::default();
    let mut next = None;
    loop {
        let page = c.managed_policies_page(ps, next).await.unwrap();
        p.managed_policies.extend(page.items);
        next = page.next_token;
        if next.is_none() {
            break;
        }
    }
    loop {
        let page = c.customer_policy_refs_page(ps, next).await.unwrap();
        p.customer_managed_policy_references.extend(page.items);
        next = page.next_token;
        if next.is_none() {
            break;
        }
    }
    p.inline_policy = c.inline_policy(ps).await.unwrap();
    p.permissions_boundary = c.permissions_boundary(ps).await.unwrap();
    p
}

#[tokio::test]
async fn reading_every_permission_set_yields_exactly_the_organizations_assignments() {
    let h = start(FakeAwsConfig::default().organization(6, 5, 40).tps(1000)).await;
    let (session, c) = reader(&h).await;

    let sets = all_permission_sets(&c).await;
    assert_eq!(sets.len(), 5, "{sets:?}");
    let mut found = BTreeSet::new();
    let mut pairs = BTreeSet::new();
    let mut any_policy = false;
    for ps in &sets {
        let described = c.describe_permission_set(ps).await.unwrap();
        assert_eq!(&described.permission_set_arn, ps);
        assert!(!described.name.is_empty());
        described.session_seconds().unwrap();
        let p = policies(&c, ps).await;
        any_policy |= p != PermissionSetPolicies::default();

        let mut next = None;
        loop {
            let page = c.provisioned_accounts_page(ps, next).await.unwrap();
            for account in page.items {
                pairs.insert((ps.as_str().to_owned(), account.as_str().to_owned()));
                let mut inner = None;
                loop {
                    let assigned = c
                        .account_assignments_page(&account, ps, inner)
                        .await
                        .unwrap();
                    for a in assigned.items {
                        assert_eq!(a.account_id, account);
                        assert_eq!(&a.permission_set_arn, ps);
                        let kind = match a.principal_type {
                            PrincipalType::User => "USER",
                            PrincipalType::Group => "GROUP",
                        };
                        found.insert((
                            a.account_id.as_str().to_owned(),
                            a.permission_set_arn.as_str().to_owned(),
                            kind.to_owned(),
                            a.principal_id,
                        ));
                    }
                    inner = assigned.next_token;
                    if inner.is_none() {
                        break;
                    }
                }
            }
            next = page.next_token;
            if next.is_none() {
                break;
            }
        }
    }
    let expected: BTreeSet<_> = h.account_assignments().into_iter().collect();
    assert_eq!(expected.len(), 40);
    assert_eq!(found, expected);
    let provisioned: BTreeSet<_> = h.provisioned_pairs().into_iter().collect();
    assert_eq!(pairs, provisioned);
    assert!(any_policy, "the generator attaches policies");

    let mut accounts = Vec::new();
    let mut next = None;
    loop {
        let page = c.accounts_page(next).await.unwrap();
        assert!(page.items.len() <= 20);
        accounts.extend(page.items);
        next = page.next_token;
        if next.is_none() {
            break;
        }
    }
    let ids: BTreeSet<_> = accounts.iter().map(|a| a.id.as_str().to_owned()).collect();
    for (account, ..) in &expected {
        assert!(ids.contains(account), "{account} not listed");
    }

    let called: BTreeSet<String> = session.action_log().snapshot().into_keys().collect();
    for action in &called {
        assert!(
            SSO_READ_ACTIONS.contains(&action.as_str()),
            "the reader called {action}"
        );
    }
    for needed in &SSO_READ_ACTIONS[..8] {
        assert!(called.contains(*needed), "{needed} not called");
    }
    assert!(called.contains("organizations:ListAccounts"));
    h.shutdown().await;
}

#[tokio::test]
async fn the_readers_guard_refuses_what_sso_read_actions_does_not_name() {
    let h = start(FakeAwsConfig::default().organization(2, 2, 4).tps(1000)).await;
    let (session, c) = reader(&h).await;
    let before = h.request_log().len();
    let refused = session
        .sso_reader(&home(&h))
        .list_permission_sets_provisioned_to_account()
        .instance_arn(c.instance_arn())
        .account_id(&h.info().customer.management_account_id)
        .send()
        .await
        .unwrap_err();
    assert!(
        format!("{refused:?}")
            .contains("ForbiddenAction(\"sso:ListPermissionSetsProvisionedToAccount\")"),
        "{refused:?}"
    );
    let refused = session
        .organizations_reader(&home(&h))
        .describe_account()
        .account_id(&h.info().customer.management_account_id)
        .send()
        .await
        .unwrap_err();
    assert!(
        format!("{refused:?}").contains("ForbiddenAction(\"organizations:DescribeAccount\")"),
        "{refused:?}"
    );
    // The directory's sso-admin client still refuses the SSO reads.
    let refused = session
        .sso_admin(&home(&h))
        .list_permission_sets()
        .instance_arn(c.instance_arn())
        .send()
        .await
        .unwrap_err();
    assert!(
        format!("{refused:?}").contains("ForbiddenAction(\"sso:ListPermissionSets\")"),
        "{refused:?}"
    );
    assert_eq!(
        h.request_log().len(),
        before,
        "refused calls never reach AWS"
    );
    h.shutdown().await;
}

#[tokio::test]
async fn a_role_without_the_sso_reads_is_diagnosed_not_panicked() {
    let h = start(FakeAwsConfig::default().organization(2, 2, 4).tps(1000)).await;
    let session = management_session(&h, &common::full_policy()).await;
    let c = SsoClient::new(&session, h.info().customer.instance_arn.clone(), &home(&h));
    let err = c.permission_sets_page(None).await.unwrap_err();
    assert!(matches!(err, AwsError::Diagnosed(_)), "{err:?}");
    h.shutdown().await;
}

#[tokio::test]
async fn permission_sets_page_at_a_hundred() {
    let h = start(FakeAwsConfig::default().organization(1, 150, 0).tps(1000)).await;
    let (_session, c) = reader(&h).await;
    let first = c.permission_sets_page(None).await.unwrap();
    assert_eq!(first.items.len(), 100);
    assert!(first.next_token.is_some());
    let all: BTreeSet<_> = all_permission_sets(&c).await.into_iter().collect();
    assert_eq!(all.len(), 150);
    h.shutdown().await;
}

#[tokio::test]
async fn the_four_policy_reads_return_exactly_what_was_attached() {
    use aws_sdk_ssoadmin::types::{CustomerManagedPolicyReference, PermissionsBoundary};
    use roster_core::sso::{CustomerManagedPolicyRef, ManagedPolicy};
    const INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let h = start(FakeAwsConfig::default().tps(1000)).await;
    let admin = aws_sdk_ssoadmin::Client::new(&common::admin(&h).await);
    let ins = h.info().customer.instance_arn.clone();
    let mut arns = Vec::new();
    for name in ["DevOps", "Empty"] {
        let created = admin
            .create_permission_set()
            .instance_arn(&ins)
            .name(name)
            .session_duration("PT4H")
            .send()
            .await
            .unwrap();
        arns.push(
            created
                .permission_set()
                .unwrap()
                .permission_set_arn()
                .unwrap()
                .to_owned(),
        );
    }
    let admin_arn = "arn:aws:iam::aws:policy/AdministratorAccess";
    admin
        .attach_managed_policy_to_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arns[0])
        .managed_policy_arn(admin_arn)
        .send()
        .await
        .unwrap();
    let cmp = CustomerManagedPolicyReference::builder()
        .name("team-base")
        .path("/teams/")
        .build()
        .unwrap();
    admin
        .attach_customer_managed_policy_reference_to_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arns[0])
        .customer_managed_policy_reference(cmp)
        .send()
        .await
        .unwrap();
    admin
        .put_inline_policy_to_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arns[0])
        .inline_policy(INLINE)
        .send()
        .await
        .unwrap();
    let boundary_arn = "arn:aws:iam::aws:policy/PowerUserAccess";
    admin
        .put_permissions_boundary_to_permission_set()
        .instance_arn(&ins)
        .permission_set_arn(&arns[0])
        .permissions_boundary(
            PermissionsBoundary::builder()
                .managed_policy_arn(boundary_arn)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let (_session, c) = reader(&h).await;
    let devops = PermissionSetArn::parse(&arns[0]).unwrap();
    let described = c.describe_permission_set(&devops).await.unwrap();
    assert_eq!(described.name, "DevOps");
    assert_eq!(described.session_seconds().unwrap(), 4 * 3600);
    assert!(described.created_date.is_some());
    let expected = PermissionSetPolicies {
        managed_policies: vec![ManagedPolicy {
            arn: admin_arn.into(),
            name: "AdministratorAccess".into(),
        }],
        customer_managed_policy_references: vec![CustomerManagedPolicyRef {
            name: "team-base".into(),
            path: Some("/teams/".into()),
        }],
        inline_policy: Some(INLINE.into()),
        permissions_boundary: Some(roster_core::sso::PermissionsBoundary {
            managed_policy_arn: Some(boundary_arn.into()),
            customer_managed_policy_reference: None,
        }),
    };
    assert_eq!(policies(&c, &devops).await, expected);
    let empty = PermissionSetArn::parse(&arns[1]).unwrap();
    assert_eq!(policies(&c, &empty).await, PermissionSetPolicies::default());
    h.shutdown().await;
}

#[tokio::test]
async fn applications_and_their_assignments_read_back_across_pages() {
    use aws_sdk_ssoadmin::types::PrincipalType as SdkPrincipal;
    let h = start(FakeAwsConfig::default().organization(2, 2, 6).tps(1000)).await;
    let admin = aws_sdk_ssoadmin::Client::new(&common::admin(&h).await);
    let ins = h.info().customer.instance_arn.clone();
    let mut created = BTreeSet::new();
    for i in 0..55 {
        let out = admin
            .create_application()
            .instance_arn(&ins)
            .application_provider_arn("arn:aws:sso::aws:applicationProvider/custom")
            .name(format!("app-{i}"))
            .send()
            .await
            .unwrap();
        created.insert(out.application_arn().unwrap().to_owned());
    }
    let first = created.iter().next().unwrap().clone();
    let mut principals = BTreeSet::new();
    for (_, _, kind, id) in h.account_assignments() {
        if !principals.insert((kind.clone(), id.clone())) {
            continue;
        }
        admin
            .create_application_assignment()
            .application_arn(&first)
            .principal_type(SdkPrincipal::from(kind.as_str()))
            .principal_id(id)
            .send()
            .await
            .unwrap();
    }

    let (_session, c) = reader(&h).await;
    let mut apps = Vec::new();
    let mut next = None;
    loop {
        let page = c.applications_page(next).await.unwrap();
        assert!(page.items.len() <= 50);
        apps.extend(page.items);
        next = page.next_token;
        if next.is_none() {
            break;
        }
    }
    let read: BTreeSet<_> = apps.iter().map(|a| a.application_arn.clone()).collect();
    // The generated organization holds a few applications of its own.
    assert!(created.is_subset(&read), "{read:?}");
    assert_eq!(apps.len(), read.len(), "an application listed twice");
    assert!(apps.iter().all(|a| a.name.is_some()));

    let page = c.application_assignments_page(&first, None).await.unwrap();
    assert!(page.next_token.is_none());
    let assigned: BTreeSet<_> = page
        .items
        .into_iter()
        .map(|a| {
            assert_eq!(a.application_arn, first);
            let kind = match a.principal_type {
                PrincipalType::User => "USER",
                PrincipalType::Group => "GROUP",
            };
            (kind.to_owned(), a.principal_id)
        })
        .collect();
    assert_eq!(assigned, principals);
    h.shutdown().await;
}
