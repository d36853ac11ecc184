//! AWS's quota is per instance: processes syncing one instance at once share
//! it through the store. Each "process" here is a `SharedQuotas` of its own
//! (its own limiters, its own holder name); they meet only in the store, as
//! separate `roster worker` processes do.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use roster_core::quota::{QuotaModel, QuotaUse};
use roster_core::{ExternalId, SourceId, WorkerId};
use roster_engine::{ShareTiming, SharedQuotas, SyncOptions, SyncProgress, run_sync};
use roster_fake_aws::FakeAwsConfig;
use roster_store::{NewSource, SourceStatus};
use support::Rig;

const TPS: f64 = 20.0;

/// The quota these tests were written for: each API its own bucket of 20/s,
/// all of it roster's.
fn whole_per_api_quota() -> QuotaUse {
    QuotaUse {
        tps: TPS,
        model: QuotaModel::PerApi,
        budget: 1.0,
    }
}

fn holder(name: &str) -> WorkerId {
    WorkerId::parse(name).unwrap()
}

fn quick() -> ShareTiming {
    ShareTiming {
        heartbeat: Duration::from_millis(200),
        ttl: Duration::from_secs(1),
        window: Duration::from_secs(1),
    }
}

#[tokio::test]
async fn three_processes_syncing_one_instance_keep_to_its_quota_together() {
    let rig = Rig::start(FakeAwsConfig::default().directory(300, 40, 700).tps(1_000)).await;
    let instance = format!("{}@{}", rig.location.identity_store_id, rig.location.region);
    let mut runs = tokio::task::JoinSet::new();
    for p in 0..3 {
        let source = rig
            .store
            .create_source(
                &rig.tenant,
                &NewSource {
                    id: SourceId::generate(),
                    name: format!("copy {p}"),
                    role_arn: None,
                    external_id: ExternalId::generate(),
                    status: SourceStatus::Connected,
                },
            )
            .await
            .unwrap()
            .id;
        let quotas = SharedQuotas::new(rig.store.clone(), holder(&format!("process-{p}")), quick());
        let (store, tenant, location, client, instance) = (
            rig.store.clone(),
            rig.tenant.clone(),
            rig.location.clone(),
            rig.client.clone(),
            instance.clone(),
        );
        runs.spawn(async move {
            let lease = quotas.join(&instance, whole_per_api_quota()).await;
            let options = SyncOptions {
                tps: TPS,
                quota_model: QuotaModel::PerApi,
                budget: 1.0,
                limiters: Some(lease.limiters()),
                ..SyncOptions::default()
            };
            let progress = Arc::new(SyncProgress::default());
            run_sync(
                store, &tenant, &source, &location, client, &options, progress,
            )
            .await
            .unwrap()
        });
    }
    while let Some(outcome) = runs.join_next().await {
        assert_eq!(outcome.unwrap().counts.users, 300);
    }
    for api in [
        "identitystore:ListUsers",
        "identitystore:ListGroups",
        "identitystore:ListGroupMemberships",
    ] {
        // As AWS counts: its bucket (20/s, burst of one second) would have
        // accepted every request of the three processes together.
        let over = rig.over_rate(&[api], TPS);
        assert_eq!(
            over, 0,
            "{api}: {over} requests from three processes over a 20/s bucket"
        );
    }
}

#[tokio::test]
async fn a_process_speeds_up_when_the_other_lets_go() {
    let rig = Rig::start(FakeAwsConfig::default().directory(10, 2, 10)).await;
    let first = SharedQuotas::new(rig.store.clone(), holder("first"), quick());
    let second = SharedQuotas::new(rig.store.clone(), holder("second"), quick());
    let alone = first.join("d-1@eu-west-1", whole_per_api_quota()).await;
    let rate = |lease: &roster_engine::QuotaLease| {
        lease
            .limiters()
            .limiter(roster_engine::Api::ListUsers)
            .current_tps()
    };
    assert!(rate(&alone) > 19.0, "alone: the whole quota");
    let started = tokio::time::Instant::now();
    let joined = second.join("d-1@eu-west-1", whole_per_api_quota()).await;
    assert!(
        started.elapsed() >= quick().window,
        "a joiner waits for the others to slow down, then a window"
    );
    assert!(rate(&alone) < 10.0 && rate(&joined) < 10.0, "half each");
    let also_first = first.join("d-1@eu-west-1", whole_per_api_quota()).await;
    assert!(
        Arc::ptr_eq(&also_first.limiters(), &alone.limiters()),
        "syncs of one process share its limiters"
    );
    drop((joined, second));
    tokio::time::sleep(quick().heartbeat * 2).await;
    assert!(rate(&alone) < 10.0, "not faster before a window has passed");
    tokio::time::sleep(quick().window + quick().heartbeat * 2).await;
    assert!(rate(&alone) > 19.0, "the whole quota again");
}
