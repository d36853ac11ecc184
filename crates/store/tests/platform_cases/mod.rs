//! Contract cases of the platform traits: the job queue (`Jobs`) and source
//! administration (status, interval, delete, tenants).

use std::time::Duration;

use roster_core::{TenantId, WorkerId};
use roster_store::{JobOutcome, JobStatus, SourceStatus, Store, StoreError};

use super::support::directory;
use super::{new_source, sync_once};

fn worker(id: &str) -> WorkerId {
    WorkerId::parse(id).unwrap()
}

pub async fn jobs_are_claimed_once_and_expired_leases_are_retried(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let job = store.enqueue_sync(&t, &src.id, "manual").await.unwrap();
    assert_eq!(
        store.enqueue_sync(&t, &src.id, "manual").await.unwrap().id,
        job.id,
        "one live job per source"
    );
    let lease = Duration::from_millis(300);
    let first = store
        .claim_job(&worker("w1"), lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            first.id,
            first.attempts,
            first.lease_owner.as_ref().map(WorkerId::as_str)
        ),
        (job.id, 1, Some("w1"))
    );
    assert!(
        store
            .claim_job(&worker("w2"), lease)
            .await
            .unwrap()
            .is_none(),
        "a leased job is not claimed twice"
    );
    assert!(
        !store
            .renew_lease(job.id, &worker("w2"), lease)
            .await
            .unwrap()
    );
    assert!(
        store
            .renew_lease(job.id, &worker("w1"), lease)
            .await
            .unwrap()
    );
    tokio::time::sleep(Duration::from_millis(400)).await; // w1 died: its lease expires
    let retried = store
        .claim_job(&worker("w2"), lease)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((retried.id, retried.attempts), (job.id, 2));
    store
        .finish_job(
            job.id,
            &worker("w1"),
            &JobOutcome::Done(roster_core::SyncId(1)),
        )
        .await
        .unwrap();
    assert_eq!(
        store.list_jobs(&t, 10).await.unwrap()[0].status,
        JobStatus::Running,
        "the old owner cannot finish it"
    );
    let sync = sync_once(store, &t, &src.id, &directory()).await;
    store
        .finish_job(job.id, &worker("w2"), &JobOutcome::Done(sync))
        .await
        .unwrap();
    let done = store.job_for_sync(&t, sync).await.unwrap().unwrap();
    assert_eq!(done.status, JobStatus::Done);
    assert_ne!(
        store.enqueue_sync(&t, &src.id, "manual").await.unwrap().id,
        job.id
    );
    assert_eq!(store.queue_depth().await.unwrap(), 1);
    let other = TenantId::parse("other").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    assert!(store.list_jobs(&other, 10).await.unwrap().is_empty());
    assert!(matches!(
        store.enqueue_sync(&other, &src.id, "manual").await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn released_jobs_return_to_the_queue(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let job = store.enqueue_sync(&t, &src.id, "manual").await.unwrap();
    store
        .claim_job(&worker("w1"), Duration::from_mins(1))
        .await
        .unwrap()
        .unwrap();
    store.release_job(job.id, &worker("w1")).await.unwrap();
    let again = store
        .claim_job(&worker("w2"), Duration::from_mins(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (job.id, 1));
}

pub async fn due_sources_are_scheduled_once(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let mut pending = new_source("pending");
    pending.status = SourceStatus::Pending;
    store.create_source(&t, &pending).await.unwrap();
    store.set_source_interval(&t, &src.id, 3_600).await.unwrap();
    assert_eq!(
        store.schedule_due().await.unwrap(),
        1,
        "only connected sources are scheduled"
    );
    assert_eq!(
        store.schedule_due().await.unwrap(),
        0,
        "not due again for an hour"
    );
    let got = store.get_source(&t, &src.id).await.unwrap();
    assert_eq!(got.sync_interval_s, 3_600);
    assert!(got.next_sync_at.is_some());
}

pub async fn deleting_a_source_removes_its_history(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let keep = store.create_source(&t, &new_source("keep")).await.unwrap();
    sync_once(store, &t, &src.id, &directory()).await;
    sync_once(store, &t, &keep.id, &directory()).await;
    store.enqueue_sync(&t, &src.id, "manual").await.unwrap();
    let other = TenantId::parse("other").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    assert!(matches!(
        store.delete_source(&other, &src.id).await,
        Err(StoreError::NotFound(_))
    ));
    store.delete_source(&t, &src.id).await.unwrap();
    assert!(matches!(
        store.get_source(&t, &src.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.list_syncs(&t, &src.id, 10).await.unwrap().is_empty());
    let v = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!((v.users, v.groups, v.memberships), (0, 0, 0));
    assert_eq!(
        store.version_counts(&t, &keep.id).await.unwrap().users,
        5,
        "other sources untouched"
    );
    store
        .set_source_status(&t, &keep.id, SourceStatus::Disabled)
        .await
        .unwrap();
    assert_eq!(
        store.get_source(&t, &keep.id).await.unwrap().status,
        SourceStatus::Disabled
    );
    let tenants: Vec<String> = store
        .list_tenants()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id.to_string())
        .collect();
    assert_eq!(tenants, ["default", "other"]);
}

pub async fn quota_shares_count_holders_until_released_or_expired(store: &dyn Store) {
    let long = Duration::from_mins(1);
    let instance = "d-1234567890@eu-west-1";
    let count = |h: roster_store::QuotaHolders| h.count;
    let first = store
        .hold_quota_share(instance, &worker("p1"), long)
        .await
        .unwrap();
    assert_eq!((first.count, first.others.len()), (1, 0));
    assert_eq!(
        count(
            store
                .hold_quota_share(instance, &worker("p1"), long)
                .await
                .unwrap()
        ),
        1,
        "renewing is not joining again"
    );
    let second = store
        .hold_quota_share(instance, &worker("p2"), long)
        .await
        .unwrap();
    assert_eq!(second.count, 2);
    let seen = second.others["p1"];
    let renewed = store
        .hold_quota_share(instance, &worker("p1"), long)
        .await
        .unwrap();
    assert_eq!(
        renewed
            .others
            .keys()
            .map(WorkerId::as_str)
            .collect::<Vec<_>>(),
        ["p2"]
    );
    let again = store
        .hold_quota_share(instance, &worker("p2"), long)
        .await
        .unwrap();
    assert!(
        again.others["p1"] > seen,
        "p2 can tell that p1 renewed since p2 joined"
    );
    assert_eq!(
        count(
            store
                .hold_quota_share("d-0000000000@us-east-1", &worker("p1"), long)
                .await
                .unwrap()
        ),
        1,
        "instances have quotas of their own"
    );
    store
        .release_quota_share(instance, &worker("p2"))
        .await
        .unwrap();
    assert_eq!(
        count(
            store
                .hold_quota_share(instance, &worker("p1"), long)
                .await
                .unwrap()
        ),
        1
    );
    store
        .hold_quota_share(instance, &worker("p3"), Duration::from_millis(1))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        count(
            store
                .hold_quota_share(instance, &worker("p1"), long)
                .await
                .unwrap()
        ),
        1,
        "a holder that stopped renewing no longer counts"
    );
}

pub async fn a_source_keeps_its_own_api_rate(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    assert_eq!(store.get_source(&t, &src.id).await.unwrap().api_tps, None);
    store
        .set_source_api_tps(&t, &src.id, Some(40))
        .await
        .unwrap();
    assert_eq!(
        store.get_source(&t, &src.id).await.unwrap().api_tps,
        Some(40)
    );
    let other = TenantId::parse("other").unwrap();
    assert!(matches!(
        store.set_source_api_tps(&other, &src.id, Some(99)).await,
        Err(StoreError::NotFound(_))
    ));
    store.set_source_api_tps(&t, &src.id, None).await.unwrap();
    assert_eq!(store.get_source(&t, &src.id).await.unwrap().api_tps, None);
}
