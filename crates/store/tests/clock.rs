//! Stored times come from the store's clock: with a fixed clock, a test
//! sees exact times and moves time instead of sleeping.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use roster_core::{
    Clock, ExternalId, FixedClock, SourceId, SyncStats, TenantId, Timestamp, WorkerId,
};
use roster_store::prelude::*;
use roster_store::{NewSource, SourceStatus, SqlStore};

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

#[tokio::test]
async fn every_stored_time_is_the_clocks() {
    let clock = FixedClock::new(at("2026-05-01T09:00:00.250Z"));
    let store = SqlStore::connect_with_clock("sqlite::memory:", Arc::new(clock.clone()))
        .await
        .unwrap();
    let t = TenantId::default_tenant();
    let source = store
        .create_source(
            &t,
            &NewSource {
                id: SourceId::generate(),
                name: "prod".into(),
                role_arn: None,
                external_id: ExternalId::generate(),
                status: SourceStatus::Connected,
            },
        )
        .await
        .unwrap();
    assert_eq!(source.created_at, at("2026-05-01T09:00:00.250Z"));

    clock.advance(Duration::from_mins(1));
    let sync = store.begin_sync(&t, &source.id).await.unwrap();
    clock.advance(Duration::from_millis(1_500));
    store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    let run = store.get_sync(&t, sync).await.unwrap();
    assert_eq!(run.started_at.to_string(), "2026-05-01T09:01:00.250Z");
    assert_eq!(
        run.finished_at.map(|f| f.seconds_since(run.started_at)),
        Some(1)
    );

    // The schedule: due now, next one a whole interval later (one day).
    assert_eq!(store.schedule_due().await.unwrap(), 1);
    let source = store.get_source(&t, &source.id).await.unwrap();
    assert_eq!(
        source.next_sync_at,
        Some(at("2026-05-02T09:01:01.750Z")),
        "{source:?}"
    );
    // A lease ends when the clock says so, not after a sleep.
    let (w1, w2) = (
        WorkerId::parse("w1").unwrap(),
        WorkerId::parse("w2").unwrap(),
    );
    let job = store
        .claim_job(&w1, Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.started_at, Some(clock.now()));
    assert!(
        store
            .claim_job(&w2, Duration::from_secs(30))
            .await
            .unwrap()
            .is_none()
    );
    clock.advance(Duration::from_secs(31));
    let retried = store
        .claim_job(&w2, Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((retried.id, retried.attempts), (job.id, 2));
}
