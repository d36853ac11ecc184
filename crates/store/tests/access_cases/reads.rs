//! Contract cases of reading access: the diff, filters with pagination,
//! other tenants, NUL in names, settings and deleting a source.

use roster_core::sso::{AccessCheckSettings, Via};
use roster_core::{SyncId, TenantId};
use roster_store::prelude::*;
use roster_store::{AccessBatch, AccessFilter, SqlStore, StoreError};

use super::all_access;
use crate::{access_sync, account, acct, arn, new_source, organization, row, table_rows};

pub async fn the_access_diff_reports_gained_and_lost_paths(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let first = access_sync(store, &t, &src.id, &organization()).await;
    let mut next = organization();
    // u2 loses admin through group 1 but keeps it directly; u1's direct
    // grant is renamed only (a new version, no change of access); u3 gains.
    next.access.retain(|r| r != &row(Some(2), 0, 0, Some(1)));
    next.access.push(row(Some(2), 0, 0, None));
    next.access[1].user_name = Some("renamed".into());
    next.access.push(row(Some(3), 1, 1, Some(2)));
    let second = access_sync(store, &t, &src.id, &next).await;
    let d = store.access_diff(&t, &src.id, first, second).await.unwrap();
    assert_eq!((d.from_sync, d.to_sync), (first.0, second.0));
    assert_eq!(
        d.gained,
        [row(Some(2), 0, 0, None), row(Some(3), 1, 1, Some(2))]
    );
    assert_eq!(d.lost, [row(Some(2), 0, 0, Some(1))]);
    assert!(matches!(&d.lost[0].via, Via::Group { group_id, .. } if group_id == "group-00001"));

    let back = store.access_diff(&t, &src.id, second, first).await.unwrap();
    assert_eq!((back.gained, back.lost), (d.lost.clone(), d.gained.clone()));
    assert!(
        store
            .access_diff(&t, &src.id, second, second)
            .await
            .unwrap()
            .is_empty()
    );
    let from_nothing = store
        .access_diff(&t, &src.id, SyncId(0), first)
        .await
        .unwrap();
    assert_eq!(from_nothing.gained.len(), 4);
    assert!(from_nothing.lost.is_empty());
    // Unchanged syncs in between change nothing.
    let third = access_sync(store, &t, &src.id, &next).await;
    assert!(
        store
            .access_diff(&t, &src.id, second, third)
            .await
            .unwrap()
            .is_empty()
    );
    let across = store.access_diff(&t, &src.id, first, third).await.unwrap();
    assert_eq!((across.gained, across.lost), (d.gained, d.lost));
}

/// 12 users over 3 accounts and 3 permission sets, some via one of two
/// groups, some direct, two orphaned group rows.
fn wide_organization() -> AccessBatch {
    let mut org = organization();
    org.permission_sets
        .push(crate::permission_set(2, "PowerUserAccess", false));
    org.access.clear();
    for u in 0..12 {
        for a in 0..3 {
            if (u + a) % 2 == 0 {
                org.access.push(row(Some(u), a, u % 3, Some(u % 2)));
            }
            if (u * a) % 5 == 1 {
                org.access.push(row(Some(u), a, (u + 1) % 3, None));
            }
        }
    }
    org.access.push(row(None, 1, 0, Some(7)));
    org.access.push(row(None, 2, 2, Some(8)));
    let mut disabled = row(Some(3), 2, 2, None);
    disabled.user_disabled = true;
    org.access.push(disabled);
    org
}

pub async fn every_filter_pages_completely(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let org = wide_organization();
    access_sync(store, &t, &src.id, &org).await;
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    let all = all_access(store, &t, &snap, &AccessFilter::default(), 1000).await;
    assert_eq!(all.len(), org.access.len());
    for (filter, keep) in &filter_cases() {
        let want: Vec<_> = all.iter().filter(|e| keep(e)).cloned().collect();
        for limit in [1, 3, 7, 1000] {
            let got = all_access(store, &t, &snap, filter, limit).await;
            assert_eq!(got, want, "{filter:?} in pages of {limit}");
        }
        if !matches!(filter.search.as_deref(), Some("%")) {
            assert!(!want.is_empty(), "{filter:?} selects something");
        }
    }
    assert!(
        all.iter().any(|e| e.row.user_disabled),
        "flags are read back"
    );
}

/// Which rows a filter keeps, said in Rust.
type Keep = Box<dyn Fn(&roster_store::AccessEntry) -> bool>;

/// Every filter, with the rows it keeps.
fn filter_cases() -> Vec<(AccessFilter, Keep)> {
    let mut cases = field_cases();
    cases.extend(search_and_flag_cases());
    cases
}

/// The filters by user, account, permission set and group.
fn field_cases() -> Vec<(AccessFilter, Keep)> {
    vec![
        (AccessFilter::default(), Box::new(|_| true)),
        (
            AccessFilter {
                user: Some("user-00003".into()),
                ..Default::default()
            },
            Box::new(|e| e.row.user_id.as_deref() == Some("user-00003")),
        ),
        (
            AccessFilter {
                user: Some("u4".into()),
                ..Default::default()
            },
            Box::new(|e| e.row.user_name.as_deref() == Some("u4")),
        ),
        (
            AccessFilter {
                account: Some(acct(1)),
                ..Default::default()
            },
            Box::new(|e| e.row.account_id == acct(1)),
        ),
        (
            AccessFilter {
                permission_set: Some(arn(2).to_string()),
                ..Default::default()
            },
            Box::new(|e| e.row.permission_set_arn == arn(2)),
        ),
        (
            AccessFilter {
                permission_set: Some("ReadOnly".into()),
                ..Default::default()
            },
            Box::new(|e| e.row.permission_set_arn == arn(1)),
        ),
        (
            AccessFilter {
                group: Some("group-00001".into()),
                ..Default::default()
            },
            Box::new(
                |e| matches!(&e.row.via, Via::Group { group_id, .. } if group_id == "group-00001"),
            ),
        ),
    ]
}

/// The search and the flags, alone and together with a field.
fn search_and_flag_cases() -> Vec<(AccessFilter, Keep)> {
    let names = |a: &roster_store::AccessEntry| {
        (
            a.account_name.clone().unwrap_or_default(),
            a.permission_set_name.clone().unwrap_or_default(),
        )
    };
    vec![
        (
            AccessFilter {
                search: Some("SANDBOX".into()),
                ..Default::default()
            },
            Box::new(move |e| names(e).0 == "sandbox"),
        ),
        (
            AccessFilter {
                search: Some("team 0".into()),
                ..Default::default()
            },
            Box::new(|e| e.row.via.label() == "Team 0"),
        ),
        (
            AccessFilter {
                search: Some("poweruser".into()),
                ..Default::default()
            },
            Box::new(|e| e.row.permission_set_arn == arn(2)),
        ),
        (
            AccessFilter {
                search: Some("%".into()),
                ..Default::default()
            },
            Box::new(|_| false),
        ),
        (
            AccessFilter {
                privileged_only: true,
                ..Default::default()
            },
            Box::new(|e| e.row.permission_set_arn == arn(0)),
        ),
        (
            AccessFilter {
                direct_only: true,
                ..Default::default()
            },
            Box::new(|e| e.row.via.is_direct()),
        ),
        (
            AccessFilter {
                orphaned_only: true,
                ..Default::default()
            },
            Box::new(|e| e.row.orphaned),
        ),
        (
            AccessFilter {
                account: Some(acct(2)),
                direct_only: true,
                search: Some("u3".into()),
                ..Default::default()
            },
            Box::new(|e| {
                e.row.account_id == acct(2)
                    && e.row.via.is_direct()
                    && e.row.user_name.as_deref().is_some_and(|n| n.contains("u3"))
            }),
        ),
    ]
}

pub async fn other_tenants_see_no_access(store: &SqlStore) {
    let a = TenantId::default_tenant();
    let b = TenantId::parse("other").unwrap();
    store.create_tenant(&b, "Other").await.unwrap();
    let src = store.create_source(&a, &new_source("org")).await.unwrap();
    let sync = access_sync(store, &a, &src.id, &organization()).await;
    let snap = store
        .latest_access_snapshot(&a, &src.id)
        .await
        .unwrap()
        .unwrap();
    let not_found = |r: Result<(), StoreError>| matches!(r, Err(StoreError::NotFound(_)));
    assert!(not_found(
        store.begin_access_sync(&b, &src.id).await.map(|_| ())
    ));
    assert!(not_found(
        store.set_source_collects_access(&b, &src.id, true).await
    ));
    assert!(not_found(
        store.access_settings(&b, &src.id).await.map(|_| ())
    ));
    assert!(not_found(
        store
            .set_access_settings(&b, &src.id, &AccessCheckSettings::default())
            .await
    ));
    let running = store.begin_access_sync(&a, &src.id).await.unwrap();
    assert!(not_found(
        store.stage_access(&b, running, &organization()).await
    ));
    assert!(
        store
            .latest_access_snapshot(&b, &src.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        all_access(store, &b, &snap, &AccessFilter::default(), 10)
            .await
            .is_empty()
    );
    assert!(store.accounts(&b, &snap).await.unwrap().is_empty());
    assert!(store.permission_sets(&b, &snap).await.unwrap().is_empty());
    assert!(
        store
            .account_assignments(&b, &snap)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.applications(&b, &snap).await.unwrap().is_empty());
    assert_eq!(
        store.access_counts(&b, &snap).await.unwrap(),
        roster_store::AccessCounts::default()
    );
    assert!(
        store
            .access_diff(&b, &src.id, SyncId(0), sync)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(!store.get_source(&a, &src.id).await.unwrap().collects_access);
}

pub async fn nul_in_names_is_kept_exactly(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let mut org = organization();
    org.accounts[0] = account(0, "pr\0od");
    org.permission_sets[0].facts.permission_set.name = "Admin\0".into();
    org.permission_sets[0].facts.permission_set.description = Some("\0".into());
    org.account_assignments[0].principal_id = "group\0-00001".into();
    org.access[0].user_name = Some("a\0da".into());
    org.access[0].via = Via::Group {
        group_id: "group-00001\0".into(),
        display_name: Some("Team\0".into()),
    };
    org.access[1].user_id = Some("user\0-2".into());
    let sync = access_sync(store, &t, &src.id, &org).await;
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    let rows = all_access(store, &t, &snap, &AccessFilter::default(), 1).await;
    let mut got: Vec<_> = rows.iter().map(|e| e.row.clone()).collect();
    let mut want = org.access.clone();
    got.sort_by_key(roster_core::sso::AccessRow::key);
    want.sort_by_key(roster_core::sso::AccessRow::key);
    assert_eq!(
        got, want,
        "every row exactly, also through a cursor with NUL"
    );
    assert_eq!(
        store.accounts(&t, &snap).await.unwrap()[0].name.as_deref(),
        Some("pr\0od")
    );
    let sets = store.permission_sets(&t, &snap).await.unwrap();
    assert!(sets.iter().any(|p| p.facts == org.permission_sets[0].facts));
    assert!(
        store
            .account_assignments(&t, &snap)
            .await
            .unwrap()
            .contains(&org.account_assignments[0])
    );
    let found = all_access(
        store,
        &t,
        &snap,
        &AccessFilter {
            search: Some("a\0d".into()),
            ..Default::default()
        },
        10,
    )
    .await;
    assert_eq!(found.len(), 1, "a search with NUL finds the name");
    // Unchanged rows with NUL stay one version; the diff reads them exactly.
    let again = access_sync(store, &t, &src.id, &org).await;
    assert_eq!(table_rows(store, "sso_access").await, 4);
    let d = store
        .access_diff(&t, &src.id, SyncId(0), again)
        .await
        .unwrap();
    assert!(d.gained.contains(&org.access[0]));
    assert!(
        store
            .access_diff(&t, &src.id, sync, again)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn settings_and_collects_access_round_trip(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    assert_eq!(
        store.access_settings(&t, &src.id).await.unwrap(),
        AccessCheckSettings::default()
    );
    let settings = AccessCheckSettings {
        max_session_seconds: 3_600,
        boundary_required: true,
        privileged_patterns: vec!["*admin*".into(), "Power\0*".into()],
    };
    store
        .set_access_settings(&t, &src.id, &settings)
        .await
        .unwrap();
    assert_eq!(store.access_settings(&t, &src.id).await.unwrap(), settings);
    assert!(!store.get_source(&t, &src.id).await.unwrap().collects_access);
    store
        .set_source_collects_access(&t, &src.id, true)
        .await
        .unwrap();
    assert!(store.get_source(&t, &src.id).await.unwrap().collects_access);
    assert!(store.list_sources(&t).await.unwrap()[0].collects_access);
    store
        .set_source_collects_access(&t, &src.id, false)
        .await
        .unwrap();
    assert!(!store.get_source(&t, &src.id).await.unwrap().collects_access);
}

pub async fn deleting_a_source_removes_its_access(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let keep = store.create_source(&t, &new_source("kept")).await.unwrap();
    access_sync(store, &t, &src.id, &organization()).await;
    access_sync(store, &t, &keep.id, &organization()).await;
    store.clean_staging(&t, &keep.id).await.unwrap();
    let running = store.begin_access_sync(&t, &src.id).await.unwrap();
    store
        .stage_access(&t, running, &organization())
        .await
        .unwrap();
    store.delete_source(&t, &src.id).await.unwrap();
    for table in [
        "sso_accounts",
        "sso_permission_sets",
        "sso_account_assignments",
        "sso_applications",
        "sso_application_assignments",
        "sso_access",
    ] {
        assert!(
            table_rows(store, table).await > 0,
            "{table} of the other source"
        );
    }
    assert_eq!(table_rows(store, "sso_access").await, 4);
    assert_eq!(table_rows(store, "sso_stage_access").await, 0);
    assert!(
        store
            .latest_access_snapshot(&t, &src.id)
            .await
            .unwrap()
            .is_none()
    );
}

/// A 200 kB user name is stored (names are not indexed); an ID longer than
/// the store keeps refuses its whole batch, and the run goes on.
pub async fn oversized_values_are_stored_or_refused_whole(store: &SqlStore) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("org")).await.unwrap();
    let sync = store.begin_access_sync(&t, &src.id).await.unwrap();
    let mut hostile = organization();
    hostile.access[0].user_id = Some("u".repeat(10_000));
    hostile.account_assignments[0].principal_id = "g".repeat(10_000);
    let err = store.stage_access(&t, sync, &hostile).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let mut big = organization();
    big.access[0].user_name = Some("n".repeat(200_000));
    store.stage_access(&t, sync, &big).await.unwrap();
    store
        .publish_sync(&t, sync, None, &roster_core::SyncStats::default())
        .await
        .unwrap();
    let snap = store
        .latest_access_snapshot(&t, &src.id)
        .await
        .unwrap()
        .unwrap();
    let rows = all_access(store, &t, &snap, &AccessFilter::default(), 10).await;
    let mut got: Vec<_> = rows.into_iter().map(|e| e.row).collect();
    let mut want = big.access.clone();
    got.sort_by_key(roster_core::sso::AccessRow::key);
    want.sort_by_key(roster_core::sso::AccessRow::key);
    assert_eq!(got, want, "nothing of the refused batch, all of the next");
    assert_eq!(store.account_assignments(&t, &snap).await.unwrap().len(), 3);
}
