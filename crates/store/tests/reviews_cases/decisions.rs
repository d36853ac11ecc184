//! Decisions: appended, never changed (even by raw SQL); closing a campaign
//! records undecided items and ends decisions; concurrent deciders get
//! distinct records.

use roster_core::review::{CampaignStatus, Remediation, Verdict};
use roster_store::StoreError;
use roster_store::prelude::*;
use sqlx::Executor;
use std::sync::Arc;
use std::time::Duration;

use super::setup::*;

pub async fn decisions_are_appended_never_changed(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let err = db
        .store
        .decide(&t(), &c.id, &admin(), &decide(&[2], Verdict::Revoke, None))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("comment"), "{err}");
    db.store
        .decide(&t(), &c.id, &admin(), &decide(&[2], Verdict::Keep, None))
        .await
        .unwrap();
    db.clock.advance(Duration::from_mins(1));
    let changed = db
        .store
        .decide(
            &t(),
            &c.id,
            &admin(),
            &decide(&[2, 3], Verdict::Revoke, Some("left")),
        )
        .await
        .unwrap();
    assert_eq!(
        changed.len(),
        2,
        "a bulk decision writes one record per item"
    );
    let records = db
        .store
        .decisions_page(&t(), &c.id, None, 100)
        .await
        .unwrap();
    let verdicts: Vec<_> = records.iter().map(|r| (r.item_id, r.verdict)).collect();
    assert_eq!(
        verdicts,
        [
            (2, Verdict::Keep),
            (2, Verdict::Revoke),
            (3, Verdict::Revoke)
        ]
    );
    assert_eq!(records[0].actor, "lead@example.com");
    assert!(records[1].at > records[0].at);
    let item = db.store.review_item(&t(), &c.id, 2).await.unwrap();
    assert_eq!(item.decision, Some(Verdict::Revoke));
    assert_eq!(item.comment.as_deref(), Some("left"));
    assert_eq!(item.remediation, Some(Remediation::Pending));
    for sql in [
        "UPDATE review_decisions SET verdict = 'keep'",
        "DELETE FROM review_decisions",
    ] {
        let err = db.store.pool().execute(sql).await.unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    assert_eq!(
        db.store
            .decisions_page(&t(), &c.id, None, 100)
            .await
            .unwrap(),
        records
    );
    // An unknown item refuses the whole batch.
    assert!(matches!(
        db.store
            .decide(
                &t(),
                &c.id,
                &admin(),
                &decide(&[1, 99], Verdict::Keep, None)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        db.store.review_item(&t(), &c.id, 1).await.unwrap().decision,
        None
    );
}

pub async fn closing_records_undecided_items_and_ends_decisions(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    db.store
        .decide(&t(), &c.id, &admin(), &decide(&[1, 2], Verdict::Keep, None))
        .await
        .unwrap();
    let closed = db
        .store
        .close_campaign(&t(), &c.id, "cli:op")
        .await
        .unwrap();
    assert_eq!(closed.status, CampaignStatus::Closed);
    assert_eq!(closed.closed_by.as_deref(), Some("cli:op"));
    let records = db
        .store
        .decisions_page(&t(), &c.id, None, 100)
        .await
        .unwrap();
    let undecided: Vec<_> = records
        .iter()
        .filter(|r| r.verdict == Verdict::Undecided)
        .map(|r| r.item_id)
        .collect();
    assert_eq!(undecided, [3, 4, 5]);
    let ids: Vec<_> = records.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5], "record IDs stay unique and in order");
    assert!(matches!(
        db.store
            .decide(&t(), &c.id, &admin(), &decide(&[3], Verdict::Keep, None))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.store.close_campaign(&t(), &c.id, "cli:op").await,
        Err(StoreError::Conflict(_))
    ));
}

pub async fn concurrent_deciders_get_distinct_records(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let store = Arc::new(db.store.clone());
    let tasks: Vec<_> = (1..=5)
        .map(|i| {
            let store = Arc::clone(&store);
            let id = c.id.clone();
            tokio::spawn(async move {
                store
                    .decide(&t(), &id, &admin(), &decide(&[i], Verdict::Keep, None))
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let records = db
        .store
        .decisions_page(&t(), &c.id, None, 100)
        .await
        .unwrap();
    let mut items: Vec<_> = records.iter().map(|r| r.item_id).collect();
    items.sort_unstable();
    assert_eq!(items, [1, 2, 3, 4, 5]);
    let progress = db.store.reviewer_progress(&t(), &c.id).await.unwrap();
    assert_eq!(progress.iter().map(|p| p.decided).sum::<u64>(), 5);
}
