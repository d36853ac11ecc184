//! The access sync (the SSO source) against fake-aws's generated
//! organization: exact effective access within the plan's call counts,
//! a permission set deleted mid-read, throttling by another client on the
//! collective `sso:` quota, and a member-account role.
#![allow(clippy::unwrap_used)]

mod access_support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use access_support::{AccessRig, session_in};
use roster_core::DiagnosisCode;
use roster_core::sso::PrincipalType;
use roster_engine::EngineError;
use roster_fake_aws::FakeAwsConfig;
use roster_store::{Placement, Snapshot};

fn organization() -> FakeAwsConfig {
    FakeAwsConfig::default()
        .directory(400, 50, 1_200)
        .organization(14, 9, 220)
        .tps(1_000)
}

/// Asserts the snapshot holds exactly fake-aws's assignments and the
/// effective access computed apart from the sync.
async fn assert_exact(rig: &AccessRig, at: &Snapshot) {
    let truth: BTreeSet<_> = rig
        .truth_assignments()
        .into_iter()
        .map(|a| {
            (
                a.account_id,
                a.permission_set_arn,
                a.principal_type,
                a.principal_id,
            )
        })
        .collect();
    let stored: BTreeSet<_> = rig
        .store
        .account_assignments(&rig.tenant, at)
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            (
                a.account_id,
                a.permission_set_arn,
                a.principal_type,
                a.principal_id,
            )
        })
        .collect();
    assert_eq!(stored, truth, "every assignment, nothing more");
    let expected = rig.truth().await;
    let got = rig.stored(at).await;
    assert_eq!(got.len(), expected.len(), "row count");
    assert_eq!(got, expected, "effective access");
}

#[tokio::test]
async fn an_access_sync_of_a_generated_organization_is_exact_within_the_plan() {
    let rig = AccessRig::start(organization()).await;
    let first = rig
        .access_sync(rig.client(), &rig.location, &AccessRig::fast(400.0))
        .await
        .unwrap();
    assert_exact(&rig, &rig.snapshot(&first)).await;

    // The organization is one a one-set-per-account reader gets wrong:
    // accounts with several permission sets, and access through groups.
    let assignments = rig.truth_assignments();
    let mut sets_per_account: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
    for a in &assignments {
        sets_per_account
            .entry(a.account_id.clone())
            .or_default()
            .insert(a.permission_set_arn.clone());
    }
    assert!(sets_per_account.values().any(|s| s.len() > 1));
    let rows = rig.stored(&rig.snapshot(&first)).await;
    assert!(
        rows.iter().any(|r| r.3.is_some() && !r.4),
        "rows via groups"
    );
    assert!(rows.iter().any(|r| r.3.is_none() && !r.4), "direct rows");
    assert!(rows.iter().any(|r| r.4), "orphaned assignments are kept");
    assert!(
        assignments
            .iter()
            .any(|a| a.principal_type == PrincipalType::Group)
    );

    // Within the plan: a first sync guesses (by provisioning), at most one
    // call a permission set over the fewest-calls plan; the next follows the
    // plan chosen from the first snapshot's shape exactly.
    let plan = first.stats.access_plan.clone().unwrap();
    assert_eq!(plan.shape, "first-guess");
    let sso_calls: u64 = first
        .stats
        .calls
        .iter()
        .filter(|(k, _)| !k.starts_with("organizations:"))
        .map(|(_, n)| n)
        .sum();
    assert!(
        sso_calls >= plan.fewest_calls && sso_calls <= plan.fewest_calls + 9,
        "{sso_calls} calls against a plan of {}",
        plan.fewest_calls
    );
    assert!(plan.naive_calls > plan.fewest_calls);
    assert!(first.stats.floor_s > 0.0);

    let second = rig
        .access_sync(rig.client(), &rig.location, &AccessRig::fast(400.0))
        .await
        .unwrap();
    let plan = second.stats.access_plan.clone().unwrap();
    assert_eq!(plan.shape, "previous-snapshot");
    let calls: u64 = second
        .stats
        .calls
        .iter()
        .filter(|(k, _)| !k.starts_with("organizations:"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(calls, plan.fewest_calls, "{:?}", second.stats.calls);
    assert_eq!(plan.planned_calls, plan.fewest_calls);
    assert_exact(&rig, &rig.snapshot(&second)).await;
}

#[tokio::test]
async fn a_permission_set_deleted_mid_read_is_reported_not_a_failure() {
    let rig = AccessRig::start(organization()).await;
    let victim = rig
        .fake
        .provisioned_pairs()
        .last()
        .map(|(arn, _)| arn.clone())
        .unwrap();
    // Delete it as soon as the sync has listed the permission sets: at
    // 20 calls/s its own reads come seconds later.
    let fake = rig.fake.clone();
    let deleted = Arc::new(AtomicBool::new(false));
    let flag = deleted.clone();
    let target = victim.clone();
    let watcher = tokio::spawn(async move {
        loop {
            let listed = fake
                .stats()
                .get("sso:ListPermissionSets")
                .is_some_and(|s| s.calls > 0);
            if listed {
                flag.store(fake.delete_permission_set(&target), Ordering::SeqCst);
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let outcome = rig
        .access_sync(rig.client(), &rig.location, &AccessRig::fast(20.0))
        .await
        .unwrap();
    watcher.await.unwrap();
    assert!(deleted.load(Ordering::SeqCst));
    let vanished: Vec<_> = outcome
        .stats
        .vanished
        .iter()
        .filter(|v| v.resource_id == victim)
        .collect();
    assert_eq!(vanished.len(), 1, "{:?}", outcome.stats.vanished);
    assert_eq!(vanished[0].resource_type, "PERMISSION_SET");
    let at = rig.snapshot(&outcome);
    let sets = rig.store.permission_sets(&rig.tenant, &at).await.unwrap();
    assert!(
        sets.iter()
            .all(|s| s.facts.permission_set.permission_set_arn.as_str() != victim)
    );
    // What is left is exactly the organization as it is now.
    assert_exact(&rig, &at).await;
}

#[tokio::test]
async fn throttling_by_another_client_on_the_collective_quota_stays_exact() {
    let rig = AccessRig::start(
        FakeAwsConfig::default()
            .directory(300, 40, 900)
            .organization(6, 5, 80)
            .tps(20),
    )
    .await;
    // Another client (the customer's script) draws up to 18 calls/s of the same
    // 20/s sso: quota; roster's half of it no longer fits.
    let other = rig.client();
    let stop = Arc::new(AtomicBool::new(false));
    let halt = stop.clone();
    let noise = tokio::spawn(async move {
        while !halt.load(Ordering::SeqCst) {
            let _ = other.permission_sets_page(None).await;
            tokio::time::sleep(Duration::from_millis(55)).await;
        }
    });
    let outcome = rig
        .access_sync(
            rig.client(),
            &rig.location,
            &roster_engine::AccessSyncOptions {
                tps: 20.0,
                ..roster_engine::AccessSyncOptions::default()
            },
        )
        .await;
    stop.store(true, Ordering::SeqCst);
    noise.await.unwrap();
    let outcome = outcome.unwrap();
    assert!(
        outcome.stats.throttled > 0,
        "the quota was shared: {:?}",
        outcome.stats
    );
    assert_exact(&rig, &rig.snapshot(&outcome)).await;
}

#[tokio::test]
async fn a_member_account_role_gets_a_diagnosis_not_a_crash() {
    let rig = AccessRig::start(organization().member_accounts(1)).await;
    let member = rig.fake.info().customer.member_accounts[0]
        .account_id
        .clone();
    let (session, ..) = session_in(&rig.fake, &member).await;
    let client = roster_aws::SsoClient::new(
        &session,
        rig.location.instance_arn.clone().unwrap(),
        &rig.location.region,
    );
    let location = roster_store::DirectoryLocation {
        placement: Placement::Member,
        ..rig.location.clone()
    };
    let err = rig
        .access_sync(client, &location, &AccessRig::fast(400.0))
        .await
        .unwrap_err();
    let EngineError::Diagnosed(d) = err else {
        panic!("not a diagnosis: {err:?}")
    };
    assert_eq!(d.code, DiagnosisCode::SsoWrongAccount, "{d:?}");
    assert!(d.fix.contains("management"), "{}", d.fix);
    // The failed run is recorded and no access snapshot appeared.
    assert!(
        rig.store
            .latest_access_snapshot(&rig.tenant, &rig.source)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_worker_job_of_a_source_that_collects_access_reads_the_directory_then_access() {
    let rig = AccessRig::start(organization()).await;
    rig.store
        .set_source_collects_access(&rig.tenant, &rig.source, true)
        .await
        .unwrap();
    let before = rig
        .store
        .latest_snapshot(&rig.tenant, &rig.source)
        .await
        .unwrap()
        .unwrap();
    let job = rig
        .store
        .enqueue_sync(&rig.tenant, &rig.source, "manual")
        .await
        .unwrap();
    let mut config = roster_engine::WorkerConfig::new(roster_core::WorkerId::parse("w-1").unwrap());
    config.poll = Duration::from_millis(50);
    config.sync = roster_engine::SyncOptions {
        tps: 1_000.0,
        budget: 1.0,
        ..roster_engine::SyncOptions::default()
    };
    config.access = AccessRig::fast(400.0);
    let worker = roster_engine::Worker::new(rig.store.clone(), rig.platform.clone(), config);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    let deadline = tokio::time::Instant::now() + Duration::from_mins(2);
    let finished = loop {
        let jobs = rig.store.list_jobs(&rig.tenant, 10).await.unwrap();
        let this = jobs.into_iter().find(|j| j.id == job.id).unwrap();
        if matches!(
            this.status,
            roster_store::JobStatus::Done | roster_store::JobStatus::Failed
        ) {
            break this;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the job did not finish"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    stop.send(true).unwrap();
    running.await.unwrap().unwrap();
    assert_eq!(
        finished.status,
        roster_store::JobStatus::Done,
        "{finished:?}"
    );
    let directory = rig
        .store
        .latest_snapshot(&rig.tenant, &rig.source)
        .await
        .unwrap()
        .unwrap();
    assert!(
        directory.sync_id > before.sync_id,
        "a new directory snapshot"
    );
    let access = rig
        .store
        .latest_access_snapshot(&rig.tenant, &rig.source)
        .await
        .unwrap()
        .unwrap();
    assert!(
        access.sync_id > directory.sync_id,
        "access after the directory"
    );
    assert_eq!(finished.sync_id, Some(access.sync_id));
    assert_exact(&rig, &access).await;
}
