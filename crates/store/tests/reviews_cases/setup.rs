//! Shared setup of the `Reviews` contract cases: a fresh `SQLite` or
//! `PostgreSQL` store on a fixed clock, the test directory, a source synced
//! from it, a campaign to open, decisions, and reading every item.

use crate::support::{group, membership, user};
use roster_core::directory::Attribute;
use roster_core::review::{CampaignId, PopulationFilter, PopulationKind, Verdict};
use roster_core::{
    ExternalId, FixedClock, RoleArn, SourceId, SyncId, SyncStats, TenantId, Timestamp,
};
use roster_store::prelude::*;
use roster_store::{
    Decider, ItemFilter, NewCampaign, NewDecision, NewSource, Snapshot, SourceStatus, SqlStore,
    StageBatch,
};
use sqlx::Executor;
use std::sync::Arc;

pub struct Db {
    pub store: SqlStore,
    pub clock: FixedClock,
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    pub async fn sqlite() -> Self {
        let clock = FixedClock::new(Timestamp::parse("2026-03-01T00:00:00Z").unwrap());
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        let store = SqlStore::connect_with_clock(&url, Arc::new(clock.clone()))
            .await
            .unwrap();
        Self {
            store,
            clock,
            pg: None,
            _dir: Some(dir),
        }
    }

    pub async fn postgres() -> Self {
        sqlx::any::install_default_drivers();
        let clock = FixedClock::new(Timestamp::parse("2026-03-01T00:00:00Z").unwrap());
        let admin_url = crate::support::pg_admin_url();
        let name = format!("roster_r_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let store =
            SqlStore::connect_with_clock(&format!("{base}/{name}"), Arc::new(clock.clone()))
                .await
                .unwrap();
        Self {
            store,
            clock,
            pg: Some((admin_url, name)),
            _dir: None,
        }
    }

    pub async fn drop(self) {
        self.store.pool().close().await;
        if let Some((admin_url, name)) = self.pg {
            let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
            admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await
                .unwrap();
        }
    }
}

pub fn t() -> TenantId {
    TenantId::default_tenant()
}

pub fn with_email(i: usize, email: &str) -> roster_core::User {
    let mut u = user(i);
    u.emails.push(Attribute {
        value: Some(email.into()),
        r#type: Some("work".into()),
        primary: true,
    });
    u
}

/// 4 users (user 0 is alice@example.com), groups g0 and "Platform-Admins"
/// (group 1), 5 memberships: 0,1,2 in g0; 0,3 in the admins.
pub fn directory() -> StageBatch {
    let mut admins = group(1);
    admins.display_name = Some("Platform-Admins".into());
    StageBatch {
        users: vec![
            with_email(0, "alice@example.com"),
            with_email(1, "bob@example.com"),
            user(2),
            user(3),
        ],
        groups: vec![group(0), admins],
        memberships: vec![
            membership(0, 0, 0),
            membership(1, 0, 1),
            membership(2, 0, 2),
            membership(3, 1, 0),
            membership(4, 1, 3),
        ],
    }
}

pub async fn source_with(
    store: &SqlStore,
    tenant: &TenantId,
    batch: &StageBatch,
) -> (SourceId, SyncId) {
    let src = store
        .create_source(
            tenant,
            &NewSource {
                id: SourceId::generate(),
                name: "prod".into(),
                role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
                external_id: ExternalId::generate(),
                status: SourceStatus::Connected,
            },
        )
        .await
        .unwrap();
    let sync = sync(store, tenant, &src.id, batch).await;
    (src.id, sync)
}

pub async fn sync(
    store: &SqlStore,
    tenant: &TenantId,
    source: &SourceId,
    batch: &StageBatch,
) -> SyncId {
    let sync = store.begin_sync(tenant, source).await.unwrap();
    store.stage(tenant, sync, batch).await.unwrap();
    store
        .publish_sync(tenant, sync, None, &SyncStats::default())
        .await
        .unwrap();
    sync
}

pub fn campaign(source: &SourceId, sync: SyncId) -> NewCampaign {
    NewCampaign {
        id: CampaignId::generate(),
        name: "Q1 review".into(),
        snapshot: Snapshot {
            source_id: source.clone(),
            sync_id: sync,
        },
        kind: PopulationKind::Memberships,
        filter: PopulationFilter::default(),
        privileged_patterns: vec!["*admin*".into()],
        reviewer: None,
        fallback_reviewer: Some("Lead@Example.com".into()),
        due_at: None,
        remediation_days: 14,
        created_by: "cli:test".into(),
    }
}

pub fn decide(items: &[i64], verdict: Verdict, comment: Option<&str>) -> NewDecision {
    NewDecision {
        items: items.to_vec(),
        verdict,
        comment: comment.map(Into::into),
        reassign_to: None,
    }
}

pub fn admin() -> Decider {
    Decider {
        actor: "lead@example.com".into(),
        email: Some("lead@example.com".into()),
    }
}

pub async fn all_items(db: &Db, id: &CampaignId) -> Vec<roster_store::ReviewItem> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = db
            .store
            .review_items(&t(), id, &ItemFilter::default(), after, 2)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        out.extend(page);
    }
    out
}
