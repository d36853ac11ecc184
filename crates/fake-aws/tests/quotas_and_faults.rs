//! Quotas and injected faults through the official Rust SDK: the token bucket
//! per API, the request log's per-window counts, 5xx, connection resets.

mod common;

use std::time::Duration;

use aws_sdk_identitystore::error::ProvideErrorMetadata;
use common::*;
use roster_fake_aws::{FakeAwsConfig, FaultConfig};

#[tokio::test]
async fn requests_above_the_quota_are_throttled_per_api() {
    let h = start(FakeAwsConfig::default().tps(5)).await;
    let store = h.info().customer.identity_store_id.clone();
    let ids = aws_sdk_identitystore::Client::new(&roster_session(&h).await);
    let mut throttled = 0;
    for _ in 0..12 {
        match ids
            .list_users()
            .identity_store_id(&store)
            .max_results(1)
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.code(), Some("ThrottlingException"));
                let svc = e.into_service_error();
                let aws_sdk_identitystore::operation::list_users::ListUsersError::ThrottlingException(t) = svc else {
                    panic!("not a throttle: {svc:?}")
                };
                assert!(t.retry_after_seconds() >= 1);
                throttled += 1;
            }
        }
    }
    assert!(
        throttled >= 6,
        "burst of 5 then throttles, got {throttled} throttles"
    );
    // Another API has its own bucket.
    ids.list_groups()
        .identity_store_id(&store)
        .max_results(1)
        .send()
        .await
        .expect("own bucket");
    let stats = h.stats();
    assert_eq!(stats["identitystore:ListUsers"].throttled, throttled);
    assert!(h.max_requests_in_window("identitystore:ListUsers", Duration::from_secs(1)) >= 12);
}

#[tokio::test]
async fn injected_errors_and_resets_reach_the_client() {
    let h = start(FakeAwsConfig::default().tps(10_000)).await;
    let store = h.info().customer.identity_store_id.clone();
    let ids = aws_sdk_identitystore::Client::new(&roster_session(&h).await);
    h.set_faults(FaultConfig {
        throttle_rate: 0.0,
        error_rate: 1.0,
        latency_ms: 0,
    });
    let err = ids
        .list_users()
        .identity_store_id(&store)
        .send()
        .await
        .expect_err("5xx");
    assert_eq!(err.code(), Some("InternalServerException"));
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(500));
    h.set_faults(FaultConfig {
        throttle_rate: 1.0,
        error_rate: 0.0,
        latency_ms: 0,
    });
    let err = ids
        .list_groups()
        .identity_store_id(&store)
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(err.code(), Some("ThrottlingException"));
    h.set_faults(FaultConfig {
        throttle_rate: 0.0,
        error_rate: 0.0,
        latency_ms: 30,
    });
    h.reset_next_responses(1);
    let err = ids
        .list_users()
        .identity_store_id(&store)
        .send()
        .await
        .expect_err("connection reset");
    assert!(
        err.raw_response().is_none(),
        "no complete response: {err:?}"
    );
    let t = std::time::Instant::now();
    ids.list_users()
        .identity_store_id(&store)
        .max_results(1)
        .send()
        .await
        .expect("recovered");
    assert!(t.elapsed() >= Duration::from_millis(15), "latency applied");
}

#[tokio::test]
async fn the_collective_quota_model_shares_one_bucket_between_identity_store_apis() {
    let h = start(
        FakeAwsConfig::default()
            .tps(5)
            .quota_model(roster_fake_aws::QuotaModel::Collective),
    )
    .await;
    let store = h.info().customer.identity_store_id.clone();
    let ids = aws_sdk_identitystore::Client::new(&roster_session(&h).await);
    for _ in 0..5 {
        ids.list_users()
            .identity_store_id(&store)
            .max_results(1)
            .send()
            .await
            .expect("within the burst");
    }
    let err = ids
        .list_groups()
        .identity_store_id(&store)
        .max_results(1)
        .send()
        .await
        .expect_err("ListGroups draws on the same bucket as ListUsers");
    assert_eq!(err.code(), Some("ThrottlingException"));
}
