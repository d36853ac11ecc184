//! Conformance of sso-admin: the same permission sets, policies and account
//! assignments written to moto and to fake-aws through the Rust SDK read
//! back the same (ARNs and IDs compared by name). moto's provisioning
//! ignores `TargetId` (it provisions to the caller's account) and answers
//! writes `SUCCEEDED` at once, so provisioning lists and statuses are left
//! out. Needs `ROSTER_MOTO_SERVER`.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ssoadmin::Client;
use aws_sdk_ssoadmin::types::{
    CustomerManagedPolicyReference, PrincipalType, ProvisionTargetType, TargetType,
};
use common::moto::start_moto;
use common::*;
use roster_fake_aws::{FakeAwsConfig, NewUser};

const INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

/// `(name, description, session, managed policies, customer reference, inline, assignees)`.
type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<(&'static str, &'static str)>,
    bool,
    &'static [&'static str],
);

const SETS: &[Spec] = &[
    (
        "Admin",
        "Administrators",
        "PT1H",
        &["AdministratorAccess"],
        None,
        false,
        &["user"],
    ),
    (
        "ReadOnly",
        "Readers",
        "PT8H",
        &["ReadOnlyAccess"],
        Some(("team-base", "/teams/")),
        true,
        &["user", "group"],
    ),
    (
        "Dev",
        "Developers",
        "PT4H",
        &[],
        Some(("dev", "/")),
        true,
        &["group"],
    ),
];

/// What one backend reads back, per permission set name.
#[derive(Debug, PartialEq, Eq)]
struct SetView {
    description: Option<String>,
    session: Option<String>,
    managed: Vec<(Option<String>, Option<String>)>,
    customer: Vec<(String, Option<String>)>,
    inline: Option<String>,
    assignees: BTreeSet<(String, String)>,
}

struct Scene<'a> {
    sso: &'a Client,
    ins: &'a str,
    account: &'a str,
    /// label → principal ID
    principals: BTreeMap<&'static str, String>,
}

impl Scene<'_> {
    async fn write(&self) {
        for (name, description, session, managed, customer, inline, assignees) in SETS {
            let out = self
                .sso
                .create_permission_set()
                .instance_arn(self.ins)
                .name(*name)
                .description(*description)
                .session_duration(*session)
                .send()
                .await
                .expect("CreatePermissionSet");
            let arn = out
                .permission_set()
                .and_then(|p| p.permission_set_arn())
                .expect("arn")
                .to_owned();
            for m in *managed {
                self.sso
                    .attach_managed_policy_to_permission_set()
                    .instance_arn(self.ins)
                    .permission_set_arn(&arn)
                    .managed_policy_arn(format!("arn:aws:iam::aws:policy/{m}"))
                    .send()
                    .await
                    .expect("AttachManagedPolicyToPermissionSet");
            }
            if let Some((n, path)) = customer {
                let r = CustomerManagedPolicyReference::builder()
                    .name(*n)
                    .path(*path)
                    .build()
                    .expect("reference");
                self.sso
                    .attach_customer_managed_policy_reference_to_permission_set()
                    .instance_arn(self.ins)
                    .permission_set_arn(&arn)
                    .customer_managed_policy_reference(r)
                    .send()
                    .await
                    .expect("AttachCustomerManagedPolicyReferenceToPermissionSet");
            }
            if *inline {
                self.sso
                    .put_inline_policy_to_permission_set()
                    .instance_arn(self.ins)
                    .permission_set_arn(&arn)
                    .inline_policy(INLINE)
                    .send()
                    .await
                    .expect("PutInlinePolicyToPermissionSet");
            }
            self.sso
                .provision_permission_set()
                .instance_arn(self.ins)
                .permission_set_arn(&arn)
                .target_type(ProvisionTargetType::AwsAccount)
                .target_id(self.account)
                .send()
                .await
                .expect("ProvisionPermissionSet");
            for label in *assignees {
                let ptype = if *label == "user" {
                    PrincipalType::User
                } else {
                    PrincipalType::Group
                };
                self.sso
                    .create_account_assignment()
                    .instance_arn(self.ins)
                    .target_id(self.account)
                    .target_type(TargetType::AwsAccount)
                    .permission_set_arn(&arn)
                    .principal_type(ptype)
                    .principal_id(&self.principals[label])
                    .send()
                    .await
                    .expect("CreateAccountAssignment");
            }
        }
    }

    async fn observe(&self) -> BTreeMap<String, SetView> {
        let labels: BTreeMap<&String, &str> =
            self.principals.iter().map(|(l, id)| (id, *l)).collect();
        let arns = self
            .sso
            .list_permission_sets()
            .instance_arn(self.ins)
            .max_results(100)
            .send()
            .await
            .expect("ListPermissionSets");
        let mut out = BTreeMap::new();
        for arn in arns.permission_sets() {
            let d = self
                .sso
                .describe_permission_set()
                .instance_arn(self.ins)
                .permission_set_arn(arn)
                .send()
                .await
                .expect("DescribePermissionSet");
            let d = d.permission_set().expect("set");
            let managed = self
                .sso
                .list_managed_policies_in_permission_set()
                .instance_arn(self.ins)
                .permission_set_arn(arn)
                .send()
                .await
                .expect("ListManagedPoliciesInPermissionSet");
            let customer = self
                .sso
                .list_customer_managed_policy_references_in_permission_set()
                .instance_arn(self.ins)
                .permission_set_arn(arn)
                .send()
                .await
                .expect("ListCustomerManagedPolicyReferencesInPermissionSet");
            let name = d.name().expect("name").to_owned();
            let has_inline = SETS.iter().any(|s| s.0 == name && s.5);
            let inline = if has_inline {
                self.sso
                    .get_inline_policy_for_permission_set()
                    .instance_arn(self.ins)
                    .permission_set_arn(arn)
                    .send()
                    .await
                    .expect("GetInlinePolicyForPermissionSet")
                    .inline_policy()
                    .map(str::to_owned)
            } else {
                None
            };
            let assigned = self
                .sso
                .list_account_assignments()
                .instance_arn(self.ins)
                .account_id(self.account)
                .permission_set_arn(arn)
                .send()
                .await
                .expect("ListAccountAssignments");
            let view = SetView {
                description: d.description().map(str::to_owned),
                session: d.session_duration().map(str::to_owned),
                managed: managed
                    .attached_managed_policies()
                    .iter()
                    .map(|m| (m.name().map(str::to_owned), m.arn().map(str::to_owned)))
                    .collect(),
                customer: customer
                    .customer_managed_policy_references()
                    .iter()
                    .map(|c| (c.name().to_owned(), c.path().map(str::to_owned)))
                    .collect(),
                inline,
                assignees: assigned
                    .account_assignments()
                    .iter()
                    .map(|a| {
                        let id = a.principal_id().unwrap_or_default().to_owned();
                        (
                            a.principal_type()
                                .map(|t| t.as_str().to_owned())
                                .unwrap_or_default(),
                            labels.get(&id).map_or(id.clone(), |l| (*l).to_owned()),
                        )
                    })
                    .collect(),
            };
            out.insert(name, view);
        }
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_and_fake_aws_agree_on_permission_sets_and_assignments() {
    let moto = start_moto();
    let moto_sso = Client::new(
        &sdk_config(
            &moto.endpoint,
            static_creds("testing", "testing"),
            "us-east-1",
        )
        .await,
    );
    let instances = moto_sso
        .list_instances()
        .send()
        .await
        .expect("ListInstances");
    let moto_ins = instances.instances()[0]
        .instance_arn()
        .expect("instance")
        .to_owned();
    let moto_scene = Scene {
        sso: &moto_sso,
        ins: &moto_ins,
        account: "123456789012",
        principals: [
            ("user", "11111111-1111-7111-8111-111111111111".to_owned()),
            ("group", "22222222-2222-7222-8222-222222222222".to_owned()),
        ]
        .into_iter()
        .collect(),
    };
    moto_scene.write().await;
    let from_moto = moto_scene.observe().await;

    let h = start(FakeAwsConfig::default().member_accounts(1).tps(100_000)).await;
    let user = h
        .create_user(&NewUser {
            user_name: "ada".into(),
            ..NewUser::default()
        })
        .expect("user");
    let group = h.create_group("ops").expect("group");
    let fake_sso = Client::new(&admin_config(&h).await);
    let account = h.info().customer.member_accounts[0].account_id.clone();
    let fake_scene = Scene {
        sso: &fake_sso,
        ins: &h.info().customer.instance_arn,
        account: &account,
        principals: [("user", user), ("group", group)].into_iter().collect(),
    };
    fake_scene.write().await;
    let from_fake = fake_scene.observe().await;

    assert_eq!(from_moto.len(), SETS.len());
    assert_eq!(from_moto, from_fake);
}
