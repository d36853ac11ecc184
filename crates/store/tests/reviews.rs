//! The `Reviews` contract on `SQLite` and `PostgreSQL`: the population equals
//! the snapshot's, decisions are append-only (even to raw SQL), nobody is
//! assigned or decides their own access, tenants never see each other's
//! campaigns, closing records undecided items, revocations are verified
//! against later snapshots.
#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
mod support;

use std::sync::Arc;
use std::time::Duration;

use roster_core::directory::Attribute;
use roster_core::review::{
    CampaignId, CampaignStatus, OwnerKind, PopulationFilter, PopulationKind, Remediation, Verdict,
};
use roster_core::{
    ExternalId, FixedClock, RoleArn, SourceId, SyncId, SyncStats, TenantId, Timestamp,
};
use roster_store::prelude::*;
use roster_store::{
    Decider, ItemFilter, NewCampaign, NewDecision, NewSource, Snapshot, SourceStatus, SqlStore,
    StageBatch, StoreError,
};
use sqlx::Executor;
use support::{group, membership, user};

struct Db {
    store: SqlStore,
    clock: FixedClock,
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    async fn sqlite() -> Self {
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

    async fn postgres() -> Self {
        sqlx::any::install_default_drivers();
        let clock = FixedClock::new(Timestamp::parse("2026-03-01T00:00:00Z").unwrap());
        let admin_url = support::pg_admin_url();
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

    async fn drop(self) {
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

fn t() -> TenantId {
    TenantId::default_tenant()
}

fn with_email(i: usize, email: &str) -> roster_core::User {
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
fn directory() -> StageBatch {
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

async fn source_with(
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

async fn sync(
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

fn campaign(source: &SourceId, sync: SyncId) -> NewCampaign {
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

fn decide(items: &[i64], verdict: Verdict, comment: Option<&str>) -> NewDecision {
    NewDecision {
        items: items.to_vec(),
        verdict,
        comment: comment.map(Into::into),
        reassign_to: None,
    }
}

fn admin() -> Decider {
    Decider {
        actor: "lead@example.com".into(),
        email: Some("lead@example.com".into()),
    }
}

async fn all_items(db: &Db, id: &CampaignId) -> Vec<roster_store::ReviewItem> {
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

async fn the_population_equals_the_snapshot_and_filters_select_groups(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let run = db.store.get_sync(&t(), s1).await.unwrap();
    assert_eq!(c.items, run.counts.memberships);
    assert_eq!(c.items, 5);
    assert_eq!(c.status, CampaignStatus::Open);
    assert_eq!(c.sync_id, s1);
    let items = all_items(db, &c.id).await;
    assert_eq!(
        items.iter().map(|i| i.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(items[0].user_name.as_deref(), Some("u0"));
    assert_eq!(items[0].display_name.as_deref(), Some("g0"));
    assert_eq!(items[0].user_email.as_deref(), Some("alice@example.com"));
    assert!(
        items
            .iter()
            .all(|i| i.decision.is_none() && i.remediation.is_none())
    );

    let mut privileged = campaign(&src, s1);
    privileged.filter.privileged_only = true;
    let p = db.store.open_campaign(&t(), &privileged).await.unwrap();
    assert_eq!(p.items, 2);
    assert!(p.filter.privileged_only);
    let names: Vec<_> = all_items(db, &p.id)
        .await
        .into_iter()
        .map(|i| i.display_name.unwrap())
        .collect();
    assert_eq!(names, ["Platform-Admins", "Platform-Admins"]);

    let mut chosen = campaign(&src, s1);
    chosen.filter.groups = vec!["g0".into()];
    assert_eq!(
        db.store.open_campaign(&t(), &chosen).await.unwrap().items,
        3
    );

    // A filter that selects nothing opens nothing.
    let mut none = campaign(&src, s1);
    none.filter.groups = vec!["no-such-group".into()];
    let id = none.id.clone();
    assert!(matches!(
        db.store.open_campaign(&t(), &none).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.store.get_campaign(&t(), &id).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(db.store.list_campaigns(&t()).await.unwrap().len(), 3);

    // Frozen: a later sync does not change the population.
    let mut later = directory();
    later.memberships.truncate(1);
    sync(&db.store, &t(), &src, &later).await;
    assert_eq!(all_items(db, &c.id).await.len(), 5);
}

async fn decisions_are_appended_never_changed(db: &Db) {
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

async fn nobody_reviews_their_own_access(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    // Alice owns g0, which she is a member of; Bob is the named fallback.
    db.store
        .set_owner(
            &t(),
            &src,
            OwnerKind::Group,
            "group-00000",
            Some(" ALICE@example.com "),
        )
        .await
        .unwrap();
    let mut new = campaign(&src, s1);
    new.fallback_reviewer = Some("bob@example.com".into());
    let c = db.store.open_campaign(&t(), &new).await.unwrap();
    let items = all_items(db, &c.id).await;
    let reviewer = |i: usize| items[i - 1].reviewer.clone();
    // Items 1-3 are g0's: Alice's own membership (1) goes to the fallback,
    // the others stay with her; 4-5 (admins, no owner) go to the fallback.
    assert_eq!(reviewer(1).as_deref(), Some("bob@example.com"));
    assert_eq!(reviewer(2).as_deref(), Some("alice@example.com"));
    assert_eq!(reviewer(3).as_deref(), Some("alice@example.com"));
    assert_eq!(reviewer(4).as_deref(), Some("bob@example.com"));
    assert!(
        items
            .iter()
            .all(|i| { i.reviewer.as_deref() != i.user_email.as_deref() || i.reviewer.is_none() })
    );

    // A named reviewer who is in the population does not get their own items;
    // when the fallback is the same person, nobody is assigned.
    let mut named = campaign(&src, s1);
    named.reviewer = Some("alice@example.com".into());
    named.fallback_reviewer = Some("alice@example.com".into());
    let n = db.store.open_campaign(&t(), &named).await.unwrap();
    let items = all_items(db, &n.id).await;
    assert_eq!(items[0].reviewer, None);
    assert_eq!(items[3].reviewer, None);
    assert_eq!(items[1].reviewer.as_deref(), Some("alice@example.com"));
    let progress = db.store.reviewer_progress(&t(), &n.id).await.unwrap();
    assert!(
        progress
            .iter()
            .any(|p| p.reviewer.is_none() && p.items == 2)
    );

    // Deciding one's own item is refused in the store, whoever calls it.
    let alice = Decider {
        actor: "alice@example.com".into(),
        email: Some("Alice@Example.com".into()),
    };
    let err = db
        .store
        .decide(&t(), &c.id, &alice, &decide(&[2, 1], Verdict::Keep, None))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("own access"), "{err}");
    assert!(
        db.store
            .decisions_page(&t(), &c.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    db.store
        .decide(&t(), &c.id, &alice, &decide(&[2], Verdict::Keep, None))
        .await
        .unwrap();
    // Nor can an item be reassigned to its own user.
    let mut to_alice = decide(&[1], Verdict::Reassign, None);
    to_alice.reassign_to = Some("alice@example.com".into());
    assert!(matches!(
        db.store.decide(&t(), &c.id, &admin(), &to_alice).await,
        Err(StoreError::Conflict(_))
    ));
    let mut to_carol = decide(&[1], Verdict::Reassign, None);
    to_carol.reassign_to = Some("carol@example.com".into());
    db.store
        .decide(&t(), &c.id, &admin(), &to_carol)
        .await
        .unwrap();
    let one = db.store.review_item(&t(), &c.id, 1).await.unwrap();
    assert_eq!(one.reviewer.as_deref(), Some("carol@example.com"));
    assert_eq!(one.decision, None);
}

/// The directory with user 2 (member of g0) known as carol@example.com
/// (primary) and ` Carol.Alt@Example.COM ` (secondary, only in the document).
fn directory_with_secondary_email() -> StageBatch {
    let mut batch = directory();
    let mut carol = with_email(2, "carol@example.com");
    carol.emails.push(Attribute {
        value: Some(" Carol.Alt@Example.COM ".into()),
        r#type: Some("home".into()),
        primary: false,
    });
    batch.users[2] = carol;
    batch
}

async fn a_secondary_email_is_their_own_access(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory_with_secondary_email()).await;
    // Carol owns g0 under her secondary email; she is a member of g0 (item 3).
    db.store
        .set_owner(
            &t(),
            &src,
            OwnerKind::Group,
            "group-00000",
            Some("carol.alt@example.com"),
        )
        .await
        .unwrap();
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let items = all_items(db, &c.id).await;
    let reviewer = |i: usize| items[i - 1].reviewer.clone();
    assert_eq!(items[2].user_email.as_deref(), Some("carol@example.com"));
    assert_eq!(reviewer(1).as_deref(), Some("carol.alt@example.com"));
    assert_eq!(reviewer(2).as_deref(), Some("carol.alt@example.com"));
    assert_eq!(reviewer(3).as_deref(), Some("lead@example.com"));

    // A named reviewer by secondary email, the fallback by primary: nobody.
    let mut named = campaign(&src, s1);
    named.reviewer = Some("CAROL.alt@example.com".into());
    named.fallback_reviewer = Some("Carol@Example.com".into());
    let n = db.store.open_campaign(&t(), &named).await.unwrap();
    let items = all_items(db, &n.id).await;
    assert_eq!(items[2].reviewer, None);
    assert_eq!(items[0].reviewer.as_deref(), Some("carol.alt@example.com"));
    // The owner by secondary email, the fallback her user name: nobody.
    let mut by_name = campaign(&src, s1);
    by_name.fallback_reviewer = Some("U2".into());
    let n = db.store.open_campaign(&t(), &by_name).await.unwrap();
    let items = all_items(db, &n.id).await;
    assert_eq!(items[2].reviewer, None);
    assert_eq!(items[1].reviewer.as_deref(), Some("carol.alt@example.com"));

    // Deciding her own item under either email (any case, spaces) is refused,
    // the whole batch with it; reassigning it to her secondary email too.
    for email in [" CAROL.ALT@example.com ", "carol@EXAMPLE.com"] {
        let carol = Decider {
            actor: email.trim().into(),
            email: Some(email.into()),
        };
        let err = db
            .store
            .decide(&t(), &c.id, &carol, &decide(&[1, 3], Verdict::Keep, None))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("own access"), "{err}");
    }
    assert!(
        db.store
            .decisions_page(&t(), &c.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let mut to_carol = decide(&[3], Verdict::Reassign, None);
    to_carol.reassign_to = Some("Carol.Alt@example.com".into());
    assert!(matches!(
        db.store.decide(&t(), &c.id, &admin(), &to_carol).await,
        Err(StoreError::Conflict(_))
    ));
    // Others' items she decides; the lead decides hers.
    let carol = Decider {
        actor: "carol.alt@example.com".into(),
        email: Some("carol.alt@example.com".into()),
    };
    db.store
        .decide(&t(), &c.id, &carol, &decide(&[1, 2], Verdict::Keep, None))
        .await
        .unwrap();
    let mine = db
        .store
        .progress_of(&t(), &c.id, " Carol.ALT@example.com")
        .await
        .unwrap();
    assert_eq!((mine.items, mine.decided, mine.kept), (2, 2, 2));
    let none = db
        .store
        .progress_of(&t(), &c.id, "nobody@example.com")
        .await
        .unwrap();
    assert_eq!((none.items, none.decided), (0, 0));
    db.store
        .decide(&t(), &c.id, &admin(), &decide(&[3], Verdict::Keep, None))
        .await
        .unwrap();
}

async fn a_previous_page_is_the_last_items_before_in_id_order(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let ids = |before: i64, limit: u32, reviewer: Option<&str>| {
        let filter = ItemFilter {
            before: Some(before),
            reviewer: reviewer.map(Into::into),
            ..ItemFilter::default()
        };
        let id = c.id.clone();
        async move {
            db.store
                .review_items(&t(), &id, &filter, Some(1), limit)
                .await
                .unwrap()
                .iter()
                .map(|i| i.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(5, 2, None).await, [3, 4]);
    assert_eq!(ids(5, 10, None).await, [1, 2, 3, 4]);
    assert_eq!(ids(1, 10, None).await, Vec::<i64>::new());
    assert_eq!(
        ids(5, 10, Some("nobody@example.com")).await,
        Vec::<i64>::new()
    );
}

async fn tenants_never_see_each_others_campaigns(db: &Db) {
    let other = TenantId::parse("other").unwrap();
    db.store.create_tenant(&other, "Other").await.unwrap();
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    assert!(db.store.list_campaigns(&other).await.unwrap().is_empty());
    assert!(matches!(
        db.store.get_campaign(&other, &c.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store
            .review_items(&other, &c.id, &ItemFilter::default(), None, 10)
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store.review_item(&other, &c.id, 1).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store
            .decide(&other, &c.id, &admin(), &decide(&[1], Verdict::Keep, None))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store.close_campaign(&other, &c.id, "x").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store.decisions_page(&other, &c.id, None, 10).await,
        Err(StoreError::NotFound(_))
    ));
    // Another tenant's snapshot cannot be opened, nor its source owned.
    assert!(matches!(
        db.store.open_campaign(&other, &campaign(&src, s1)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        db.store
            .set_owner(&other, &src, OwnerKind::Group, "group-00000", Some("x@y"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        db.store.review_item(&t(), &c.id, 1).await.unwrap().decision,
        None
    );
}

async fn closing_records_undecided_items_and_ends_decisions(db: &Db) {
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

async fn revocations_are_verified_against_later_snapshots(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    // Revoke items 2 (u1 in g0) and 5 (u3 in admins); keep 1.
    db.store
        .decide(
            &t(),
            &c.id,
            &admin(),
            &decide(&[2, 5], Verdict::Revoke, Some("no longer needed")),
        )
        .await
        .unwrap();
    db.store
        .decide(&t(), &c.id, &admin(), &decide(&[1], Verdict::Keep, None))
        .await
        .unwrap();
    // The next snapshot no longer has u1 in g0 (nor item 1, which was kept).
    let mut next = directory();
    next.memberships
        .retain(|m| !["m-00001", "m-00000"].contains(&m.membership_id.as_str()));
    let s2 = sync(&db.store, &t(), &src, &next).await;
    let snap = Snapshot {
        source_id: src.clone(),
        sync_id: s2,
    };
    let out = db
        .store
        .verify_membership_revocations(&t(), &snap)
        .await
        .unwrap();
    assert_eq!((out.checked, out.remediated), (2, 1));
    let two = db.store.review_item(&t(), &c.id, 2).await.unwrap();
    assert_eq!(two.remediation, Some(Remediation::Remediated));
    assert_eq!(two.remediated_sync, Some(s2));
    let one = db.store.review_item(&t(), &c.id, 1).await.unwrap();
    assert_eq!((one.remediation, one.remediated_sync), (None, None));
    assert_eq!(
        db.store
            .review_item(&t(), &c.id, 5)
            .await
            .unwrap()
            .remediation,
        Some(Remediation::Pending)
    );
    // Past the window, still present: overdue; a later snapshot showing it
    // gone remediates it with that snapshot.
    db.clock.advance(Duration::from_hours(15 * 24));
    let overdue = ItemFilter {
        remediation: Some(Remediation::Overdue),
        ..ItemFilter::default()
    };
    let late = db
        .store
        .review_items(&t(), &c.id, &overdue, None, 10)
        .await
        .unwrap();
    assert_eq!(late.iter().map(|i| i.id).collect::<Vec<_>>(), [5]);
    let waiting = db
        .store
        .revoked_unremediated(&t(), &src, None, 10)
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].item.id, 5);
    next.memberships
        .retain(|m| m.membership_id.as_str() != "m-00004");
    let s3 = sync(&db.store, &t(), &src, &next).await;
    let out = db
        .store
        .verify_membership_revocations(
            &t(),
            &Snapshot {
                source_id: src.clone(),
                sync_id: s3,
            },
        )
        .await
        .unwrap();
    assert_eq!((out.checked, out.remediated), (1, 1));
    let five = db.store.review_item(&t(), &c.id, 5).await.unwrap();
    assert_eq!(
        (five.remediation, five.remediated_sync),
        (Some(Remediation::Remediated), Some(s3))
    );
    // Item 2 keeps the snapshot that first showed it gone.
    assert_eq!(
        db.store
            .review_item(&t(), &c.id, 2)
            .await
            .unwrap()
            .remediated_sync,
        Some(s2)
    );
}

async fn hostile_input_is_refused(db: &Db) {
    let (src, s1) = source_with(&db.store, &t(), &directory()).await;
    let mut bad = campaign(&src, s1);
    bad.name = "a\0b".into();
    assert!(matches!(
        db.store.open_campaign(&t(), &bad).await,
        Err(StoreError::Conflict(_))
    ));
    let mut bad = campaign(&src, s1);
    bad.reviewer = Some("x\0@y".into());
    assert!(matches!(
        db.store.open_campaign(&t(), &bad).await,
        Err(StoreError::Conflict(_))
    ));
    let mut bad = campaign(&src, s1);
    bad.filter.groups = vec!["g".into(); 1001];
    assert!(matches!(
        db.store.open_campaign(&t(), &bad).await,
        Err(StoreError::Conflict(_))
    ));
    let mut bad = campaign(&src, s1);
    bad.snapshot.sync_id = SyncId(9999);
    assert!(db.store.open_campaign(&t(), &bad).await.is_err());
    let c = db
        .store
        .open_campaign(&t(), &campaign(&src, s1))
        .await
        .unwrap();
    let huge = decide(&(1..=10_001).collect::<Vec<_>>(), Verdict::Keep, None);
    assert!(matches!(
        db.store.decide(&t(), &c.id, &admin(), &huge).await,
        Err(StoreError::Conflict(_))
    ));
    let long = "x".repeat(5000);
    assert!(matches!(
        db.store
            .decide(
                &t(),
                &c.id,
                &admin(),
                &decide(&[1], Verdict::Revoke, Some(&long))
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.store
            .decide(
                &t(),
                &c.id,
                &admin(),
                &decide(&[1], Verdict::Undecided, None)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        db.store
            .decisions_page(&t(), &c.id, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn concurrent_deciders_get_distinct_records(db: &Db) {
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

fn access_batch(drop_first: bool) -> roster_store::AccessBatch {
    use roster_core::sso::{
        AccessRow, Account, PermissionSet, PermissionSetArn, PermissionSetFacts,
        PermissionSetPolicies, Via,
    };
    let acct =
        |i: usize| roster_core::AccountId::parse(&format!("{:012}", 100_000_000_000 + i)).unwrap();
    let arn = |i: usize| {
        PermissionSetArn::parse(&format!(
            "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-{i:016}"
        ))
        .unwrap()
    };
    let set = |i: usize, name: &str, privileged: bool| roster_store::StoredPermissionSet {
        facts: PermissionSetFacts {
            permission_set: PermissionSet::new(arn(i), name),
            policies: PermissionSetPolicies::default(),
        },
        privileged,
        provisioned_accounts: vec![acct(0), acct(1)],
    };
    let row = |u: usize, a: usize, ps: usize, g: Option<usize>| AccessRow {
        user_id: Some(format!("user-{u:05}")),
        user_name: Some(format!("u{u}")),
        account_id: acct(a),
        permission_set_arn: arn(ps),
        via: g.map_or(Via::Direct, |g| Via::Group {
            group_id: format!("group-{g:05}"),
            display_name: Some(format!("g{g}")),
        }),
        orphaned: false,
        user_disabled: false,
    };
    let mut access = vec![
        row(0, 0, 0, Some(1)),
        row(1, 0, 0, Some(1)),
        row(1, 1, 1, None),
    ];
    if drop_first {
        access.remove(0);
    }
    roster_store::AccessBatch {
        accounts: vec![
            Account {
                id: acct(0),
                name: Some("prod".into()),
                email: None,
                status: None,
            },
            Account {
                id: acct(1),
                name: Some("dev".into()),
                email: None,
                status: None,
            },
        ],
        permission_sets: vec![
            set(0, "AdministratorAccess", true),
            set(1, "ReadOnly", false),
        ],
        access,
        ..roster_store::AccessBatch::default()
    }
}

/// Privileged and account filters of an access campaign.
async fn access_filters_select_rows(db: &Db, src: &SourceId, a1: SyncId) {
    let mut privileged = campaign(src, a1);
    privileged.kind = PopulationKind::Access;
    privileged.filter.privileged_only = true;
    assert_eq!(
        db.store
            .open_campaign(&t(), &privileged)
            .await
            .unwrap()
            .items,
        2
    );
    let mut dev = campaign(src, a1);
    dev.kind = PopulationKind::Access;
    dev.filter.accounts = vec!["100000000001".into()];
    assert_eq!(db.store.open_campaign(&t(), &dev).await.unwrap().items, 1);
    // Accounts do not filter memberships.
    let mut wrong = campaign(src, a1);
    wrong.filter.accounts = vec!["100000000001".into()];
    assert!(db.store.open_campaign(&t(), &wrong).await.is_err());
}

async fn an_access_campaign_freezes_effective_access_with_owners_by_account(db: &Db) {
    let (src, _) = source_with(&db.store, &t(), &directory()).await;
    let a1 = db.store.begin_access_sync(&t(), &src).await.unwrap();
    db.store
        .stage_access(&t(), a1, &access_batch(false))
        .await
        .unwrap();
    db.store
        .publish_sync(&t(), a1, None, &SyncStats::default())
        .await
        .unwrap();
    // Bob (user 1) owns the prod account: his own prod access goes to the fallback.
    db.store
        .set_owner(
            &t(),
            &src,
            OwnerKind::Account,
            "100000000000",
            Some("bob@example.com"),
        )
        .await
        .unwrap();
    let mut new = campaign(&src, a1);
    new.kind = PopulationKind::Access;
    let c = db.store.open_campaign(&t(), &new).await.unwrap();
    assert_eq!(c.items, 3);
    let items = all_items(db, &c.id).await;
    let prod_alice = items
        .iter()
        .find(|i| i.user_name.as_deref() == Some("u0"))
        .unwrap();
    assert_eq!(prod_alice.account_name.as_deref(), Some("prod"));
    assert_eq!(
        prod_alice.permission_set_name.as_deref(),
        Some("AdministratorAccess")
    );
    assert_eq!(prod_alice.via_group_name.as_deref(), Some("g1"));
    assert_eq!(prod_alice.user_email.as_deref(), Some("alice@example.com"));
    assert_eq!(prod_alice.reviewer.as_deref(), Some("bob@example.com"));
    let prod_bob = items
        .iter()
        .find(|i| {
            i.user_name.as_deref() == Some("u1") && i.account_id.as_deref() == Some("100000000000")
        })
        .unwrap();
    assert_eq!(prod_bob.reviewer.as_deref(), Some("lead@example.com"));

    access_filters_select_rows(db, &src, a1).await;

    // Revoked access rows are listed for verification (the engine looks
    // them up through the Access port) and marked by the snapshot.
    db.store
        .decide(
            &t(),
            &c.id,
            &admin(),
            &decide(&[prod_alice.id], Verdict::Revoke, Some("x")),
        )
        .await
        .unwrap();
    let waiting = db
        .store
        .revoked_unremediated(&t(), &src, None, 10)
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].kind, PopulationKind::Access);
    let a2 = db.store.begin_access_sync(&t(), &src).await.unwrap();
    db.store
        .stage_access(&t(), a2, &access_batch(true))
        .await
        .unwrap();
    db.store
        .publish_sync(&t(), a2, None, &SyncStats::default())
        .await
        .unwrap();
    db.store
        .mark_remediated(&t(), &c.id, prod_alice.id, a2)
        .await
        .unwrap();
    let done = db
        .store
        .review_item(&t(), &c.id, prod_alice.id)
        .await
        .unwrap();
    assert_eq!(
        (done.remediation, done.remediated_sync),
        (Some(Remediation::Remediated), Some(a2))
    );
    assert!(
        db.store
            .revoked_unremediated(&t(), &src, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                let db = super::Db::sqlite().await;
                super::$case(&db).await;
                db.drop().await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                let db = super::Db::postgres().await;
                super::$case(&db).await;
                db.drop().await;
            })*
        }
    };
}

both_backends!(
    the_population_equals_the_snapshot_and_filters_select_groups,
    decisions_are_appended_never_changed,
    nobody_reviews_their_own_access,
    a_secondary_email_is_their_own_access,
    a_previous_page_is_the_last_items_before_in_id_order,
    tenants_never_see_each_others_campaigns,
    closing_records_undecided_items_and_ends_decisions,
    revocations_are_verified_against_later_snapshots,
    hostile_input_is_refused,
    concurrent_deciders_get_distinct_records,
    an_access_campaign_freezes_effective_access_with_owners_by_account,
);
