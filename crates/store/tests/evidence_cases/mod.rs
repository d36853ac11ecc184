//! Contract cases of the evidence traits: `History`, `EvidenceSettings`, `Audit`.

use roster_core::evidence::diff::compute;
use roster_core::evidence::{CheckSettings, HrRoster};
use roster_core::{SyncId, TenantId};
use roster_store::{AuditEntry, Snapshot, Store, StoreError};
use serde_json::json;

use super::support::{directory, membership, user};
use super::{new_source, sync_once};

pub async fn the_audit_log_appends_and_pages_newest_first(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let other = TenantId::parse("other").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    for i in 0..5 {
        let e = AuditEntry::new(
            "ada@example.com",
            "evidence.export",
            format!("sync:{i}"),
            json!({"n": i}),
        );
        let rec = store.append_audit(&t, &e).await.unwrap();
        assert_eq!(rec.entry, e);
        assert!(rec.at.to_string().ends_with('Z'));
    }
    store
        .append_audit(
            &other,
            &AuditEntry::new("x", "source.connect", "s", json!({})),
        )
        .await
        .unwrap();
    let page = store.list_audit(&t, None, 3).await.unwrap();
    let targets: Vec<&str> = page.iter().map(|r| r.entry.target.as_str()).collect();
    assert_eq!(targets, ["sync:4", "sync:3", "sync:2"]);
    let rest = store.list_audit(&t, Some(page[2].id), 10).await.unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(rest[1].entry.detail, json!({"n": 0}));
    assert_eq!(store.list_audit(&other, None, 10).await.unwrap().len(), 1);
    let missing = TenantId::parse("nobody").unwrap();
    assert!(matches!(
        store
            .append_audit(&missing, &AuditEntry::new("x", "y", "z", json!({})))
            .await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn diffs_read_only_changed_versions(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let first = sync_once(store, &t, &src.id, &directory()).await;
    let mut changed = directory();
    changed.users.remove(4);
    changed.users[0].display_name = Some("Renamed".into());
    changed.users.push(user(9));
    changed.groups[1].display_name = Some("g1-admins".into());
    changed.memberships.pop();
    changed.memberships.push(membership(7, 1, 9));
    let second = sync_once(store, &t, &src.id, &changed).await;
    let third = sync_once(store, &t, &src.id, &changed).await;

    let d = compute(
        src.id.as_str(),
        first.0,
        second.0,
        store
            .version_changes(&t, &src.id, first, second)
            .await
            .unwrap(),
    );
    let s = d.summary;
    assert_eq!((s.users_added, s.users_removed, s.users_changed), (1, 1, 1));
    assert_eq!(
        (s.groups_added, s.groups_removed, s.groups_renamed),
        (0, 0, 1)
    );
    assert_eq!((s.memberships_added, s.memberships_removed), (1, 1));
    assert_eq!(d.users.changed[0].fields[0].field, "DisplayName");
    assert_eq!(
        d.memberships.added[0].group_name.as_deref(),
        Some("g1-admins")
    );
    assert_eq!(d.memberships.added[0].user_name.as_deref(), Some("u9"));
    assert_eq!(
        d.memberships.removed[0].group_name.as_deref(),
        Some("g1"),
        "names as of the old snapshot"
    );

    let same = store
        .version_changes(&t, &src.id, second, third)
        .await
        .unwrap();
    assert!(compute("s", second.0, third.0, same).is_empty());
    let across = store
        .version_changes(&t, &src.id, first, third)
        .await
        .unwrap();
    assert_eq!(compute("s", first.0, third.0, across).summary, s);
    let from_nothing = store
        .version_changes(&t, &src.id, SyncId(0), first)
        .await
        .unwrap();
    assert_eq!(
        compute("s", 0, first.0, from_nothing).summary.users_added,
        5
    );

    let counts = store.change_counts(&t, &src.id, third, 10).await.unwrap();
    let syncs: Vec<i64> = counts.iter().map(|c| c.sync_id).collect();
    assert_eq!(
        syncs,
        [second.0, first.0],
        "newest first; the unchanged sync is absent"
    );
    assert_eq!(
        (counts[1].users, counts[1].groups, counts[1].memberships),
        (5, 2, 3)
    );
    assert_eq!(
        counts[0].users, 4,
        "one ended, one changed (ended + introduced), one added"
    );
    let other = TenantId::parse("other").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    assert!(
        compute(
            "s",
            first.0,
            second.0,
            store
                .version_changes(&other, &src.id, first, second)
                .await
                .unwrap()
        )
        .is_empty()
    );
}

pub async fn snapshot_facts_count_memberships(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let mut dir = directory();
    dir.users[1].user_status = Some(roster_core::directory::UserStatus::Disabled);
    let sync = sync_once(store, &t, &src.id, &dir).await;
    let snap = Snapshot {
        source_id: src.id.clone(),
        sync_id: sync,
    };
    let users = store.user_facts(&t, &snap).await.unwrap();
    let groups: Vec<u64> = users.iter().map(|u| u.groups).collect();
    assert_eq!(groups, [1, 1, 1, 0, 0]);
    assert!(users[1].disabled && !users[0].disabled);
    assert!(!users[0].idp_sourced);
    assert_eq!(users[0].user_name.as_deref(), Some("u0"));
    let g = store.group_facts(&t, &snap).await.unwrap();
    assert_eq!(g.iter().map(|g| g.members).collect::<Vec<_>>(), [2, 1]);
}

pub async fn evidence_settings_round_trip_per_source(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    assert_eq!(
        store.check_settings(&t, &src.id).await.unwrap(),
        CheckSettings::default()
    );
    let settings = CheckSettings {
        exemptions: vec!["break-glass".into()],
        privileged_patterns: vec!["*root*".into()],
        freshness_hours: 48,
    };
    store
        .set_check_settings(&t, &src.id, &settings)
        .await
        .unwrap();
    store
        .set_check_settings(&t, &src.id, &settings)
        .await
        .unwrap();
    assert_eq!(store.check_settings(&t, &src.id).await.unwrap(), settings);
    assert!(store.latest_hr_roster(&t, &src.id).await.unwrap().is_none());
    let roster = |e: &str| HrRoster {
        emails: [e.to_owned()].into_iter().collect(),
    };
    store
        .save_hr_roster(&t, &src.id, "old.csv", &roster("a@x.com"))
        .await
        .unwrap();
    store
        .save_hr_roster(&t, &src.id, "new.csv", &roster("b@x.com"))
        .await
        .unwrap();
    let latest = store.latest_hr_roster(&t, &src.id).await.unwrap().unwrap();
    assert_eq!(
        (latest.file_name.as_str(), latest.roster),
        ("new.csv", roster("b@x.com"))
    );

    let other = TenantId::parse("other").unwrap();
    store.create_tenant(&other, "Other").await.unwrap();
    assert!(matches!(
        store.check_settings(&other, &src.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.set_check_settings(&other, &src.id, &settings).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .save_hr_roster(&other, &src.id, "x", &roster("c@x.com"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert!(
        store
            .latest_hr_roster(&other, &src.id)
            .await
            .unwrap()
            .is_none()
    );

    let first = store.signing_seed(&t, "seed-one").await.unwrap();
    assert_eq!(first, "seed-one");
    assert_eq!(
        store.signing_seed(&t, "seed-two").await.unwrap(),
        "seed-one",
        "the first key stays"
    );
    assert_eq!(
        store.signing_seed(&other, "seed-three").await.unwrap(),
        "seed-three"
    );
}

/// Membership fields (ARN, timestamps) are kept; a re-sync with the same
/// fields stores no new version; a change of one is a new version but not a
/// membership change in the diff; syncs record directory format 2.
pub async fn membership_fields_are_kept_and_versioned_only_when_they_change(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let mut dir = directory();
    for m in &mut dir.memberships {
        m.meta.membership_arn = Some(format!(
            "arn:aws:identitystore:::membership/{}",
            m.membership_id
        ));
        m.meta.created_at = Some("2024-01-02T03:04:05Z".into());
    }
    let first = sync_once(store, &t, &src.id, &dir).await;
    let second = sync_once(store, &t, &src.id, &dir).await;
    let before = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!(before.memberships, dir.memberships.len() as u64);
    let snap = Snapshot {
        source_id: src.id.clone(),
        sync_id: second,
    };
    let rows = store.memberships_page(&t, &snap, None, 100).await.unwrap();
    assert_eq!(rows[0].membership.meta, dir.memberships[0].meta);
    let changes = store
        .version_changes(&t, &src.id, first, second)
        .await
        .unwrap();
    assert_eq!(changes.formats, (2, 2));
    dir.memberships[0].meta.updated_at = Some("2025-01-01T00:00:00Z".into());
    let third = sync_once(store, &t, &src.id, &dir).await;
    let after = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!(after.memberships, before.memberships + 1);
    let changes = store
        .version_changes(&t, &src.id, second, third)
        .await
        .unwrap();
    let d = compute(src.id.as_str(), second.0, third.0, changes);
    assert!(d.is_empty(), "{d:?}");
}
