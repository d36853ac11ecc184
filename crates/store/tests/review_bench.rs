//! Benchmark (ignored; prints figures, asserts only the count): opening a
//! campaign over a 200k-user / 1M-membership snapshot in bounded memory.
//!
//! `cargo test -p roster-store --test review_bench -- --ignored --nocapture`
//! (`REVIEW_BENCH_USERS`, `REVIEW_BENCH_MEMBERSHIPS` change the size;
//! `REVIEW_BENCH_PG=1` uses the local `PostgreSQL` instead of `SQLite`).
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use roster_core::review::{CampaignId, PopulationFilter, PopulationKind};
use roster_core::{
    ExternalId, Group, GroupId, IdentityStoreId, Membership, MembershipId, RoleArn, SourceId,
    SyncStats, TenantId, User, UserId,
};
use roster_store::prelude::*;
use roster_store::{NewCampaign, NewSource, Snapshot, SourceStatus, SqlStore, StageBatch};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn store_id() -> IdentityStoreId {
    IdentityStoreId::parse("d-1234567890").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture"]
#[allow(clippy::too_many_lines)] // one linear script: load, then measure
async fn open_a_campaign_over_a_million_memberships() {
    let users = env_or("REVIEW_BENCH_USERS", 200_000);
    let memberships = env_or("REVIEW_BENCH_MEMBERSHIPS", 1_000_000);
    let groups = (memberships / 500).max(1);
    let dir = tempfile::tempdir().unwrap();
    // PostgreSQL: a fresh database of its own, dropped at the end.
    let pg = std::env::var("REVIEW_BENCH_PG").is_ok().then(|| {
        let admin = std::env::var("ROSTER_TEST_PG_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        (
            admin,
            format!("roster_rb_{}", uuid::Uuid::new_v4().simple()),
        )
    });
    let (url, backend) = if let Some((admin, name)) = &pg {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let (base, _) = admin.rsplit_once('/').unwrap();
        (format!("{base}/{name}"), "postgres")
    } else {
        (
            format!("sqlite://{}", dir.path().join("bench.db").display()),
            "sqlite",
        )
    };
    let store = SqlStore::connect(&url).await.unwrap();
    let t = TenantId::default_tenant();
    let src = store
        .create_source(
            &t,
            &NewSource {
                id: SourceId::generate(),
                name: "bench".into(),
                role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
                external_id: ExternalId::generate(),
                status: SourceStatus::Connected,
            },
        )
        .await
        .unwrap();
    let loading = Instant::now();
    let sync = store.begin_sync(&t, &src.id).await.unwrap();
    let batch = 20_000;
    for start in (0..users).step_by(batch) {
        let b = StageBatch {
            users: (start..(start + batch).min(users))
                .map(|i| {
                    let mut u = User::new(store_id(), UserId::parse(&format!("u-{i:07}")).unwrap());
                    u.user_name = Some(format!("user{i}@example.com"));
                    u
                })
                .collect(),
            ..StageBatch::default()
        };
        store.stage(&t, sync, &b).await.unwrap();
    }
    let b = StageBatch {
        groups: (0..groups)
            .map(|g| {
                let mut gr = Group::new(store_id(), GroupId::parse(&format!("g-{g:06}")).unwrap());
                gr.display_name = Some(if g % 50 == 0 {
                    format!("team-{g}-admins")
                } else {
                    format!("team-{g}")
                });
                gr
            })
            .collect(),
        ..StageBatch::default()
    };
    store.stage(&t, sync, &b).await.unwrap();
    for start in (0..memberships).step_by(batch) {
        let b = StageBatch {
            memberships: (start..(start + batch).min(memberships))
                .map(|m| {
                    Membership::new(
                        MembershipId::parse(&format!("m-{m:08}")).unwrap(),
                        GroupId::parse(&format!("g-{:06}", m % groups)).unwrap(),
                        UserId::parse(&format!("u-{:07}", m % users)).unwrap(),
                    )
                })
                .collect(),
            ..StageBatch::default()
        };
        store.stage(&t, sync, &b).await.unwrap();
    }
    let counts = store
        .publish_sync(&t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    let load_s = loading.elapsed().as_secs_f64();

    let rss_before = status_kb("VmRSS:");
    // Reset the peak mark, so it measures the campaign, not the load.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let opening = Instant::now();
    let c = store
        .open_campaign(
            &t,
            &NewCampaign {
                id: CampaignId::generate(),
                name: "bench".into(),
                snapshot: Snapshot {
                    source_id: src.id.clone(),
                    sync_id: sync,
                },
                kind: PopulationKind::Memberships,
                filter: PopulationFilter::default(),
                privileged_patterns: vec!["*admin*".into()],
                reviewer: None,
                fallback_reviewer: Some("lead@example.com".into()),
                due_at: None,
                remediation_days: 14,
                created_by: "bench".into(),
            },
        )
        .await
        .unwrap();
    let open_s = opening.elapsed().as_secs_f64();
    let peak = status_kb("VmHWM:");
    assert_eq!(c.items, counts.memberships);
    println!(
        "{}",
        serde_json::json!({
            "backend": backend,
            "users": counts.users,
            "groups": counts.groups,
            "memberships": counts.memberships,
            "load_s": load_s,
            "campaign_items": c.items,
            "open_s": open_s,
            "rss_before_open_kb": rss_before,
            "peak_rss_during_open_kb": peak,
        })
    );
    store.pool().close().await;
    if let Some((admin, name)) = pg {
        let pool = sqlx::AnyPool::connect(&admin).await.unwrap();
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&pool)
            .await
            .unwrap();
    }
}
