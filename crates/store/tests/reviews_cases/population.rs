//! Opening a campaign: its population equals the snapshot's (filters select
//! groups), tenants never see each other's campaigns, and hostile input
//! (NULs, bad reviewers) is refused.

use roster_core::review::{CampaignStatus, OwnerKind, Verdict};
use roster_core::{SyncId, TenantId};
use roster_store::prelude::*;
use roster_store::{ItemFilter, StoreError};

use super::setup::*;

pub async fn the_population_equals_the_snapshot_and_filters_select_groups(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let run = db.store.get_sync(&t(), s1).await.unwrap();
    assert_eq!(c.items, run.counts.memberships);
    assert_eq!(c.items, 5);
    assert_eq!(c.status, CampaignStatus::Open);
    assert_eq!(c.sync_id, s1);
    let items = all_items(db, &c.id).await;
    assert_eq!(
        items.iter().map(|i| i.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(items[0].user_name.as_deref(), Some("u0"));
    assert_eq!(items[0].display_name.as_deref(), Some("g0"));
    assert_eq!(items[0].user_email.as_deref(), Some("alice@example.com"));
    assert!(
        items
            .iter()
            .all(|i| i.decision.is_none() && i.remediation.is_none())
    );

    let mut privileged = campaign(&src, s1);
    privileged.filter.privileged_only = true;
    let p = db.store.open_campaign(&t(), &privileged).await.unwrap();
    assert_eq!(p.items, 2);
    assert!(p.filter.privileged_only);
    let names: Vec<_> = all_items(db, &p.id)
        .await
        .into_iter()
        .map(|i| i.display_name.unwrap())
        .collect();
    assert_eq!(names, ["Platform-Admins", "Platform-Admins"]);

    let mut chosen = campaign(&src, s1);
    chosen.filter.groups = vec!["g0".into()];
    assert_eq!(
        db.store.open_campaign(&t(), &chosen).await.unwrap().items,
        3
    );

    // A filter that selects nothing opens nothing.
    let mut none = campaign(&src, s1);
    none.filter.groups = vec!["no-such-group".into()];
    let id = none.id.clone();
    assert!(matches!(
        db.store.open_campaign(&t(), &none).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.store.get_campaign(&t(), &id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(db.store.list_campaigns(&t()).await.unwrap().len(), 3);

    // Frozen: a later sync does not change the population.
    let mut later = directory();
    later.memberships.truncate(1);
    sync(&db.store, &t(), &src, &later).await;
    assert_eq!(all_items(db, &c.id).await.len(), 5);
}

pub async fn tenants_never_see_each_others_campaigns(db: &Db) {
    let other = TenantId::parse("other").unwrap();
    db.store.create_tenant(&other, "Other").await.unwrap();
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    assert!(db.store.list_campaigns(&other).await.unwrap().is_empty());
    assert!(matches!(
        db.store.get_campaign(&other, &c.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store
            .review_items(&other, &c.id, &ItemFilter::default(), None, 10)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store.review_item(&other, &c.id, 1).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store
            .decide(&other, &c.id, &admin(), &decide(&[1], Verdict::Keep, None))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store.close_campaign(&other, &c.id, "x").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store.decisions_page(&other, &c.id, None, 10).await,
        Err(StoreError::NotFound(_))
    ));
    // Another tenant's snapshot cannot be opened, nor its source owned.
    assert!(matches!(
        db.store.open_campaign(&other, &campaign(&src, s1)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store
            .set_owner(&other, &src, OwnerKind::Group, "group-00000", Some("x@y"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        db.store.review_item(&t(), &c.id, 1).await.unwrap().decision,
        None
    );
}

pub async fn hostile_input_is_refused(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let mut bad = campaign(&src, s1);
    bad.name = "a\0b".into();
    assert!(matches!(
        db.store.open_campaign(&t(), &bad).await,
        Err(StoreError::Conflict(_))
    ));
    let mut bad = campaign(&src, s1);
    bad.reviewer = Some("x\0@y".into());
    assert!(matches!(
        db.store.open_campaign(&t(), &bad).await,
        Err(StoreError::Conflict(_))
    ));
    let mut bad = campaign(&src, s1);
    bad.filter.groups = vec!["g".into(); 1001];
    assert!(matches!(
        db.store.open_campaign(&t(), &bad).await,
        Err(StoreError::Conflict(_))
    ));
    let mut bad = campaign(&src, s1);
    bad.snapshot.sync_id = SyncId(9999);
    assert!(db.store.open_campaign(&t(), &bad).await.is_err());
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let huge = decide(&(1..=10_001).collect::<Vec<_>>(), Verdict::Keep, None);
    assert!(matches!(
        db.store.decide(&t(), &c.id, &admin(), &huge).await,
        Err(StoreError::Conflict(_))
    ));
    let long = "x".repeat(5000);
    assert!(matches!(
        db.store
            .decide(
                &t(),
                &c.id,
                &admin(),
                &decide(&[1], Verdict::Revoke, Some(&long))
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.store
            .decide(
                &t(),
                &c.id,
                &admin(),
                &decide(&[1], Verdict::Undecided, None)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        db.store
            .decisions_page(&t(), &c.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}
