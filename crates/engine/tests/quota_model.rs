//! roster keeps to its budget of the instance's quota as the source's quota
//! model counts it: `collective`, the three list APIs together; `per-api`,
//! each on its own. fake-aws enforces the same model and logs every request.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use roster_core::quota::QuotaModel;
use roster_engine::SyncOptions;
use roster_fake_aws::{FakeAwsConfig, QuotaModel as FakeModel};
use support::Rig;

const APIS: [&str; 3] = [
    "identitystore:ListUsers",
    "identitystore:ListGroups",
    "identitystore:ListGroupMemberships",
];

/// The most requests of `apis` together that arrived within any one second.
fn max_per_second(rig: &Rig, apis: &[&str]) -> usize {
    let mut times: Vec<Duration> = rig
        .fake
        .request_log()
        .into_iter()
        .filter(|r| apis.contains(&r.api.as_str()))
        .map(|r| r.at)
        .collect();
    times.sort_unstable();
    let (mut best, mut lo) = (0, 0);
    for hi in 0..times.len() {
        while times[hi].saturating_sub(times[lo]) >= Duration::from_secs(1) {
            lo += 1;
        }
        best = best.max(hi - lo + 1);
    }
    best
}

#[tokio::test]
async fn collective_at_the_default_budget_keeps_all_apis_together_to_half_the_quota() {
    let rig = Rig::start(
        FakeAwsConfig::default()
            .directory(400, 30, 600)
            .tps(20)
            .quota_model(FakeModel::Collective),
    )
    .await;
    // The defaults: collective, half of AWS's 20 requests per second.
    let options = SyncOptions::default();
    let outcome = rig.sync(&options).await.unwrap();
    rig.assert_snapshot_is_exact(&outcome).await;
    // The budget as AWS would count it: a bucket of 20 x 0.5 per second for
    // the three APIs together would have accepted every request.
    let over = rig.over_rate(&APIS, 10.0);
    assert_eq!(
        over, 0,
        "{over} requests of the three APIs over a 10/s bucket; the budget is 20 x 0.5"
    );
    assert_eq!(
        outcome.stats.throttled, 0,
        "the customer's half was left alone"
    );
    assert_eq!(outcome.stats.quota_model, Some(QuotaModel::Collective));
    assert_eq!(outcome.stats.budget, Some(0.5));
    #[allow(clippy::cast_precision_loss)]
    let floor = outcome.stats.total_calls() as f64 / 10.0;
    assert!(
        (outcome.stats.floor_s - floor).abs() < 1e-9,
        "floor = calls / (tps x budget): {} vs {floor}",
        outcome.stats.floor_s
    );
}

#[tokio::test]
async fn per_api_at_the_default_budget_keeps_each_api_to_half_its_quota() {
    let rig = Rig::start(
        FakeAwsConfig::default()
            .directory(1_200, 30, 600)
            .tps(20)
            .quota_model(FakeModel::PerApi),
    )
    .await;
    let options = SyncOptions {
        quota_model: QuotaModel::PerApi,
        ..SyncOptions::default()
    };
    let outcome = rig.sync(&options).await.unwrap();
    rig.assert_snapshot_is_exact(&outcome).await;
    for api in APIS {
        let over = rig.over_rate(&[api], 10.0);
        assert_eq!(over, 0, "{api}: {over} requests over a 10/s bucket");
    }
    assert!(
        max_per_second(&rig, &APIS) > 10,
        "per-api: the APIs run side by side, each at its own budget"
    );
    assert_eq!(outcome.stats.quota_model, Some(QuotaModel::PerApi));
    let busiest = outcome.stats.calls.values().max().copied().unwrap();
    #[allow(clippy::cast_precision_loss)]
    let floor = busiest as f64 / 10.0;
    assert!((outcome.stats.floor_s - floor).abs() < 1e-9);
}
