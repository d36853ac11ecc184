//! Revocations are verified against later snapshots: a revoked item is
//! remediated only once a later sync no longer shows the access.

use roster_core::review::{Remediation, Verdict};
use roster_store::prelude::*;
use roster_store::{ItemFilter, Snapshot};
use std::time::Duration;

use super::setup::*;

pub async fn revocations_are_verified_against_later_snapshots(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    // Revoke items 2 (u1 in g0) and 5 (u3 in admins); keep 1.
    db.store
        .decide(
            &t(),
            &c.id,
            &admin(),
            &decide(&[2, 5], Verdict::Revoke, Some("no longer needed")),
        )
        .await
        .unwrap();
    db.store
        .decide(&t(), &c.id, &admin(), &decide(&[1], Verdict::Keep, None))
        .await
        .unwrap();
    // The next snapshot no longer has u1 in g0 (nor item 1, which was kept).
    let mut next = directory();
    next.memberships
        .retain(|m| !["m-00001", "m-00000"].contains(&m.membership_id.as_str()));
    let s2 = sync(&db.store, &t(), &src, &next).await;
    let snap = Snapshot {
        source_id: src.clone(),
        sync_id: s2,
    };
    let out = db
        .store
        .verify_membership_revocations(&t(), &snap)
        .await
        .unwrap();
    assert_eq!((out.checked, out.remediated), (2, 1));
    let two = db.store.review_item(&t(), &c.id, 2).await.unwrap();
    assert_eq!(two.remediation, Some(Remediation::Remediated));
    assert_eq!(two.remediated_sync, Some(s2));
    let one = db.store.review_item(&t(), &c.id, 1).await.unwrap();
    assert_eq!((one.remediation, one.remediated_sync), (None, None));
    assert_eq!(
        db.store
            .review_item(&t(), &c.id, 5)
            .await
            .unwrap()
            .remediation,
        Some(Remediation::Pending)
    );
    // Past the window, still present: overdue; a later snapshot showing it
    // gone remediates it with that snapshot.
    db.clock.advance(Duration::from_hours(15 * 24));
    let overdue = ItemFilter {
        remediation: Some(Remediation::Overdue),
        ..ItemFilter::default()
    };
    let late = db
        .store
        .review_items(&t(), &c.id, &overdue, None, 10)
        .await
        .unwrap();
    assert_eq!(late.iter().map(|i| i.id).collect::<Vec<_>>(), [5]);
    let waiting = db
        .store
        .revoked_unremediated(&t(), &src, None, 10)
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].item.id, 5);
    next.memberships
        .retain(|m| m.membership_id.as_str() != "m-00004");
    let s3 = sync(&db.store, &t(), &src, &next).await;
    let out = db
        .store
        .verify_membership_revocations(
            &t(),
            &Snapshot {
                source_id: src.clone(),
                sync_id: s3,
            },
        )
        .await
        .unwrap();
    assert_eq!((out.checked, out.remediated), (1, 1));
    let five = db.store.review_item(&t(), &c.id, 5).await.unwrap();
    assert_eq!(
        (five.remediation, five.remediated_sync),
        (Some(Remediation::Remediated), Some(s3))
    );
    // Item 2 keeps the snapshot that first showed it gone.
    assert_eq!(
        db.store
            .review_item(&t(), &c.id, 2)
            .await
            .unwrap()
            .remediated_sync,
        Some(s2)
    );
}
