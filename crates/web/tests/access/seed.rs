//! An access snapshot of the test source, staged through the store's port:
//! three accounts, an administrator and a read-only permission set, the
//! `Admins` group on prod, 59 direct assignments on dev, an orphaned user and
//! an orphaned group; effective access expanded by `core::sso::expand`
//! through the test directory.

#![allow(dead_code, clippy::unwrap_used)]

use roster_core::sso::{Account, AccountStatus};
use roster_core::sso::{
    AccountAssignment, CustomerManagedPolicyRef, DirUser, DirectoryIndex, ManagedPolicy,
    PermissionSet, PermissionSetArn, PermissionSetFacts, PermissionSetPolicies,
    PermissionsBoundary, PrincipalType, expand,
};
use roster_core::{AccountId, SyncId, SyncStats, TenantId};
use roster_store::{AccessBatch, StoredPermissionSet};

use crate::support::App;

pub const PROD: &str = "111111111111";
pub const DEV: &str = "222222222222";
pub const SANDBOX: &str = "333333333333";
pub const ADMIN_ID: &str = "ps-0000000000000001";
pub const READ_ID: &str = "ps-0000000000000002";
/// The inline policy of the administrator set: a `</script>` in a string.
pub const INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"Odd","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/</script><script>alert(1)</script>"}]}"#;

pub fn arn(id: &str) -> PermissionSetArn {
    PermissionSetArn::parse(&format!(
        "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/{id}"
    ))
    .unwrap()
}

fn account(id: &str, name: &str) -> Account {
    Account {
        id: AccountId::parse(id).unwrap(),
        name: Some(name.into()),
        email: Some(format!("aws+{name}@example.com")),
        status: Some(AccountStatus::Active),
    }
}

pub fn assign(account: &str, ps: &str, t: PrincipalType, id: &str) -> AccountAssignment {
    AccountAssignment {
        account_id: AccountId::parse(account).unwrap(),
        permission_set_arn: arn(ps),
        principal_type: t,
        principal_id: id.into(),
    }
}

fn permission_sets() -> Vec<StoredPermissionSet> {
    let mut admin = PermissionSet::new(arn(ADMIN_ID), "AdministratorAccess");
    admin.description = Some("Full access <b>everywhere</b>".into());
    admin.session_duration = Some("PT12H".into());
    let mut read = PermissionSet::new(arn(READ_ID), "ReadOnly");
    read.relay_state = Some("https://console.aws.amazon.com/".into());
    vec![
        StoredPermissionSet {
            facts: PermissionSetFacts {
                permission_set: admin,
                policies: PermissionSetPolicies {
                    managed_policies: vec![ManagedPolicy {
                        arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
                        name: "AdministratorAccess".into(),
                    }],
                    inline_policy: Some(INLINE.into()),
                    ..PermissionSetPolicies::default()
                },
            },
            privileged: true,
            provisioned_accounts: vec![
                AccountId::parse(PROD).unwrap(),
                AccountId::parse(SANDBOX).unwrap(),
            ],
        },
        StoredPermissionSet {
            facts: PermissionSetFacts {
                permission_set: read,
                policies: PermissionSetPolicies {
                    managed_policies: vec![ManagedPolicy {
                        arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
                        name: "ReadOnlyAccess".into(),
                    }],
                    customer_managed_policy_references: vec![CustomerManagedPolicyRef {
                        name: "TeamRead".into(),
                        path: Some("/roster/".into()),
                    }],
                    inline_policy: None,
                    permissions_boundary: Some(PermissionsBoundary {
                        managed_policy_arn: Some("arn:aws:iam::aws:policy/PowerUserAccess".into()),
                        customer_managed_policy_reference: None,
                    }),
                },
            },
            privileged: false,
            provisioned_accounts: vec![AccountId::parse(DEV).unwrap()],
        },
    ]
}

/// The test directory (support's `synced_source`) as an index.
fn directory() -> DirectoryIndex {
    DirectoryIndex::new(
        (0..60).map(|i| DirUser {
            user_id: format!("u-{i:04}"),
            user_name: Some(format!("user{i}")),
            disabled: false,
        }),
        [("g-admins".to_owned(), Some("Admins".to_owned()))],
        [("g-admins".to_owned(), "u-0000".to_owned())],
    )
}

/// Assignments: `Admins` → prod admin; users 1..=59 (minus `skip`) → dev
/// read-only, directly; `u-gone` → dev read-only; `g-gone` → sandbox admin.
fn assignments(skip: Option<usize>) -> Vec<AccountAssignment> {
    let mut all = vec![assign(PROD, ADMIN_ID, PrincipalType::Group, "g-admins")];
    for i in (1..60).filter(|i| Some(*i) != skip) {
        all.push(assign(
            DEV,
            READ_ID,
            PrincipalType::User,
            &format!("u-{i:04}"),
        ));
    }
    all.push(assign(DEV, READ_ID, PrincipalType::User, "u-gone"));
    all.push(assign(SANDBOX, ADMIN_ID, PrincipalType::Group, "g-gone"));
    all
}

/// Effective access rows of the first snapshot.
pub const ROWS: usize = 62;

/// Stages and publishes an access snapshot of the test source (without
/// `u-{skip}`'s direct assignment when given).
pub async fn access_sync(a: &App, skip: Option<usize>) -> SyncId {
    access_sync_with(a, skip, Vec::new()).await
}

/// `access_sync` with `extra` assignments besides the usual ones.
pub async fn access_sync_with(
    a: &App,
    skip: Option<usize>,
    extra: Vec<AccountAssignment>,
) -> SyncId {
    let tenant = TenantId::default_tenant();
    let dir = directory();
    let mut assignments = assignments(skip);
    assignments.extend(extra);
    let access = expand(&dir, &assignments).collect();
    let batch = AccessBatch {
        accounts: vec![
            account(PROD, "prod"),
            account(DEV, "dev"),
            account(SANDBOX, "sandbox"),
        ],
        permission_sets: permission_sets(),
        account_assignments: assignments,
        applications: vec![],
        application_assignments: vec![],
        access,
    };
    a.store
        .set_source_collects_access(&tenant, &a.source, true)
        .await
        .unwrap();
    let sync = a.store.begin_access_sync(&tenant, &a.source).await.unwrap();
    a.store.stage_access(&tenant, sync, &batch).await.unwrap();
    a.store
        .publish_sync(&tenant, sync, None, &SyncStats::default())
        .await
        .unwrap();
    sync
}
