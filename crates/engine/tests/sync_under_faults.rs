//! The sync engine against fake-aws misbehaving the way AWS does: every run
//! completes with exact counts or fails with a diagnosis, never a partial or
//! duplicated snapshot; and the limiter keeps to its rate at the server.
//!
//! These runs use the per-API quota model at the whole quota, the model they
//! were written for; `quota_model.rs` tests the models and the budget.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use roster_core::quota::QuotaModel;
use roster_engine::SyncOptions;
use roster_engine::retry::RetryPolicy;
use roster_fake_aws::{FakeAwsConfig, FaultConfig};
use support::Rig;

fn directory() -> FakeAwsConfig {
    FakeAwsConfig::default()
        .directory(600, 120, 2_500)
        .tps(1_000)
}

#[tokio::test]
async fn the_limiter_never_exceeds_its_rate_in_any_second_at_the_server() {
    let rig = Rig::start(directory()).await;
    let outcome = rig
        .sync(&SyncOptions {
            tps: 20.0,
            quota_model: QuotaModel::PerApi,
            budget: 1.0,
            ..SyncOptions::default()
        })
        .await
        .unwrap();
    rig.assert_snapshot_is_exact(&outcome).await;
    for api in [
        "identitystore:ListUsers",
        "identitystore:ListGroups",
        "identitystore:ListGroupMemberships",
    ] {
        // AWS's contract: its bucket (20/s, burst of one second) would have
        // accepted every request as it arrived at the server.
        let over = rig.over_rate(&[api], 20.0);
        assert_eq!(over, 0, "{api}: {over} requests over a 20/s bucket");
    }
    let ratio = outcome.stats.ratio().unwrap();
    assert!(
        ratio < 1.5,
        "a clean sync runs close to the quota floor (ratio {ratio:.2})"
    );
}

#[tokio::test]
async fn a_throttling_storm_slows_the_sync_but_never_fails_it() {
    let rig = Rig::start(directory()).await;
    rig.fake.set_faults(FaultConfig {
        throttle_rate: 0.5,
        error_rate: 0.0,
        latency_ms: 0,
    });
    let fake = rig.fake.clone();
    let calm = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        fake.set_faults(FaultConfig {
            throttle_rate: 0.0,
            error_rate: 0.0,
            latency_ms: 0,
        });
    });
    let outcome = rig
        .sync(&SyncOptions {
            tps: 100.0,
            quota_model: QuotaModel::PerApi,
            budget: 1.0,
            ..SyncOptions::default()
        })
        .await
        .unwrap();
    calm.await.unwrap();
    assert!(outcome.stats.throttled > 0);
    rig.assert_snapshot_is_exact(&outcome).await;
}

#[tokio::test]
async fn server_errors_and_connection_resets_are_retried() {
    let rig = Rig::start(directory()).await;
    rig.fake.set_faults(FaultConfig {
        throttle_rate: 0.0,
        error_rate: 0.2,
        latency_ms: 0,
    });
    rig.fake.reset_next_responses(5);
    let outcome = rig
        .sync(&SyncOptions {
            tps: 200.0,
            quota_model: QuotaModel::PerApi,
            budget: 1.0,
            ..SyncOptions::default()
        })
        .await
        .unwrap();
    assert!(outcome.stats.retries >= 5);
    rig.assert_snapshot_is_exact(&outcome).await;
}

#[tokio::test]
async fn a_persistent_fault_fails_with_a_diagnosis_and_keeps_the_last_snapshot() {
    let rig = Rig::start(directory()).await;
    let good = rig
        .sync(&SyncOptions {
            tps: 200.0,
            quota_model: QuotaModel::PerApi,
            budget: 1.0,
            ..SyncOptions::default()
        })
        .await
        .unwrap();
    rig.fake.set_faults(FaultConfig {
        throttle_rate: 0.0,
        error_rate: 1.0,
        latency_ms: 0,
    });
    let quick = RetryPolicy {
        base_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let err = rig
        .sync(&SyncOptions {
            tps: 200.0,
            quota_model: QuotaModel::PerApi,
            budget: 1.0,
            retry: quick,
            ..SyncOptions::default()
        })
        .await
        .unwrap_err();
    let roster_engine::EngineError::Diagnosed(d) = err else {
        panic!("not a diagnosis: {err:?}")
    };
    assert!(d.cause.contains("gave up after"), "{}", d.cause);
    let latest = rig
        .store
        .latest_snapshot(&rig.tenant, &rig.source)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        latest.sync_id, good.sync_id,
        "the previous snapshot stays current"
    );
    rig.assert_snapshot_is_exact(&good).await;
}

/// A sync of the same source started elsewhere (the console's worker while
/// `roster sync` runs) supersedes this one: it fails saying so, not with the
/// readers' "the store writer stopped", and leaves no snapshot.
#[tokio::test]
async fn a_superseded_sync_says_it_was_superseded() {
    let rig = Rig::start(directory()).await;
    let slow = SyncOptions {
        tps: 20.0,
        quota_model: QuotaModel::PerApi,
        budget: 1.0,
        ..SyncOptions::default()
    };
    let (result, other) = tokio::join!(rig.sync(&slow), async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        rig.store
            .begin_sync(&rig.tenant, &rig.source)
            .await
            .unwrap()
    });
    let err = result.unwrap_err();
    assert!(
        matches!(
            &err,
            roster_engine::EngineError::Store(roster_store::StoreError::Conflict(m))
                if m.contains("superseded")
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("StoreWriterStopped"), "{err}");
    assert!(
        rig.store
            .latest_snapshot(&rig.tenant, &rig.source)
            .await
            .unwrap()
            .is_none()
    );
    let running = rig.store.get_sync(&rig.tenant, other).await.unwrap();
    assert_eq!(running.status, roster_store::SyncStatus::Running);
}
