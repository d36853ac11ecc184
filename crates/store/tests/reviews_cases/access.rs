//! Access campaigns: effective access frozen from an access snapshot, owners
//! by account, privileged and account filters, revocation verified by a
//! later access sync.

use roster_core::review::{OwnerKind, PopulationKind, Remediation, Verdict};
use roster_core::{SourceId, SyncId, SyncStats};
use roster_store::prelude::*;

use super::setup::*;

fn access_batch(drop_first: bool) -> roster_store::AccessBatch {
    use roster_core::sso::{
        AccessRow, Account, PermissionSet, PermissionSetArn, PermissionSetFacts,
        PermissionSetPolicies, Via,
    };
    let acct =
        |i: usize| roster_core::AccountId::parse(&format!("{:012}", 100_000_000_000 + i)).unwrap();
    let arn = |i: usize| {
        PermissionSetArn::parse(&format!(
            "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-{i:016}"
        ))
        .unwrap()
    };
    let set = |i: usize, name: &str, privileged: bool| roster_store::StoredPermissionSet {
        facts: PermissionSetFacts {
            permission_set: PermissionSet::new(arn(i), name),
            policies: PermissionSetPolicies::default(),
        },
        privileged,
        provisioned_accounts: vec![acct(0), acct(1)],
    };
    let row = |u: usize, a: usize, ps: usize, g: Option<usize>| AccessRow {
        user_id: Some(format!("user-{u:05}")),
        user_name: Some(format!("u{u}")),
        account_id: acct(a),
        permission_set_arn: arn(ps),
        via: g.map_or(Via::Direct, |g| Via::Group {
            group_id: format!("group-{g:05}"),
            display_name: Some(format!("g{g}")),
        }),
        orphaned: false,
        user_disabled: false,
    };
    let mut access = vec![
        row(0, 0, 0, Some(1)),
        row(1, 0, 0, Some(1)),
        row(1, 1, 1, None),
    ];
    if drop_first {
        access.remove(0);
    }
    roster_store::AccessBatch {
        accounts: vec![
            Account {
                id: acct(0),
                name: Some("prod".into()),
                email: None,
                status: None,
            },
            Account {
                id: acct(1),
                name: Some("dev".into()),
                email: None,
                status: None,
            },
        ],
        permission_sets: vec![
            set(0, "AdministratorAccess", true),
            set(1, "ReadOnly", false),
        ],
        access,
        ..roster_store::AccessBatch::default()
    }
}

/// Privileged and account filters of an access campaign.
async fn access_filters_select_rows(db: &Db, src: &SourceId, a1: SyncId) {
    let mut privileged = campaign(src, a1);
    privileged.kind = PopulationKind::Access;
    privileged.filter.privileged_only = true;
    assert_eq!(
        db.store
            .open_campaign(&t(), &privileged)
            .await
            .unwrap()
            .items,
        2
    );
    let mut dev = campaign(src, a1);
    dev.kind = PopulationKind::Access;
    dev.filter.accounts = vec!["100000000001".into()];
    assert_eq!(db.store.open_campaign(&t(), &dev).await.unwrap().items, 1);
    // Accounts do not filter memberships.
    let mut wrong = campaign(src, a1);
    wrong.filter.accounts = vec!["100000000001".into()];
    assert!(db.store.open_campaign(&t(), &wrong).await.is_err());
}

pub async fn an_access_campaign_freezes_effective_access_with_owners_by_account(db: &Db) {
    let (src, _) = source_with(&db.store, &t(), &directory()).await;
    let a1 = db.store.begin_access_sync(&t(), &src).await.unwrap();
    db.store
        .stage_access(&t(), a1, &access_batch(false))
        .await
        .unwrap();
    db.store
        .publish_sync(&t(), a1, None, &SyncStats::default())
        .await
        .unwrap();
    // Bob (user 1) owns the prod account: his own prod access goes to the fallback.
    db.store
        .set_owner(
            &t(),
            &src,
            OwnerKind::Account,
            "100000000000",
            Some("bob@example.com"),
        )
        .await
        .unwrap();
    let mut new = campaign(&src, a1);
    new.kind = PopulationKind::Access;
    let c = db.store.open_campaign(&t(), &new).await.unwrap();
    assert_eq!(c.items, 3);
    let items = all_items(db, &c.id).await;
    let prod_alice = items
        .iter()
        .find(|i| i.user_name.as_deref() == Some("u0"))
        .unwrap();
    assert_eq!(prod_alice.account_name.as_deref(), Some("prod"));
    assert_eq!(
        prod_alice.permission_set_name.as_deref(),
        Some("AdministratorAccess")
    );
    assert_eq!(prod_alice.via_group_name.as_deref(), Some("g1"));
    assert_eq!(prod_alice.user_email.as_deref(), Some("alice@example.com"));
    assert_eq!(prod_alice.reviewer.as_deref(), Some("bob@example.com"));
    let prod_bob = items
        .iter()
        .find(|i| {
            i.user_name.as_deref() == Some("u1") && i.account_id.as_deref() == Some("100000000000")
        })
        .unwrap();
    assert_eq!(prod_bob.reviewer.as_deref(), Some("lead@example.com"));

    access_filters_select_rows(db, &src, a1).await;

    // Revoked access rows are listed for verification (the engine looks
    // them up through the Access port) and marked by the snapshot.
    db.store
        .decide(
            &t(),
            &c.id,
            &admin(),
            &decide(&[prod_alice.id], Verdict::Revoke, Some("x")),
        )
        .await
        .unwrap();
    let waiting = db
        .store
        .revoked_unremediated(&t(), &src, None, 10)
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].kind, PopulationKind::Access);
    let a2 = db.store.begin_access_sync(&t(), &src).await.unwrap();
    db.store
        .stage_access(&t(), a2, &access_batch(true))
        .await
        .unwrap();
    db.store
        .publish_sync(&t(), a2, None, &SyncStats::default())
        .await
        .unwrap();
    db.store
        .mark_remediated(&t(), &c.id, prod_alice.id, a2)
        .await
        .unwrap();
    let done = db
        .store
        .review_item(&t(), &c.id, prod_alice.id)
        .await
        .unwrap();
    assert_eq!(
        (done.remediation, done.remediated_sync),
        (Some(Remediation::Remediated), Some(a2))
    );
    assert!(
        db.store
            .revoked_unremediated(&t(), &src, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
