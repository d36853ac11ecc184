//! The store contract: one suite, run against `SQLite` and `PostgreSQL`.
//! `PostgreSQL` comes from `ROSTER_TEST_PG_URL` (default: the local server's
//! `test` database); each test gets a fresh database and fails, not skips,
//! when no server answers.

#![allow(clippy::unwrap_used)]

mod console_cases;
mod evidence_cases;
mod platform_cases;
mod support;
mod sync_cases;
mod text_cases;

use console_cases::*;
use evidence_cases::*;
use platform_cases::*;
use sync_cases::*;
use text_cases::*;

use roster_core::{ExternalId, RoleArn, SnapshotCounts, SyncStats, TenantId};
use roster_store::{NewSource, SourceStatus, StageBatch, Store, StoreError, SyncStatus};
use support::{directory, user};

fn new_source(name: &str) -> NewSource {
    NewSource {
        id: roster_core::SourceId::generate(),
        name: name.into(),
        role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
        external_id: ExternalId::generate(),
        status: SourceStatus::Connected,
    }
}

async fn sync_once(
    store: &dyn Store,
    tenant: &TenantId,
    source: &roster_core::SourceId,
    batch: &StageBatch,
) -> roster_core::SyncId {
    let sync = store.begin_sync(tenant, source).await.unwrap();
    store.stage(tenant, sync, batch).await.unwrap();
    store
        .publish_sync(tenant, sync, None, &SyncStats::default())
        .await
        .unwrap();
    sync
}

async fn all_user_names(
    store: &dyn Store,
    tenant: &TenantId,
    snap: &roster_store::Snapshot,
) -> Vec<String> {
    let mut names = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store
            .users_page(tenant, snap, after.as_deref(), 2)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.user_id.to_string());
        names.extend(page.iter().map(|u| u.user_name.clone().unwrap()));
    }
    names
}

async fn a_published_sync_becomes_the_snapshot(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let sync = sync_once(store, &t, &src.id, &directory()).await;
    let snap = store.latest_snapshot(&t, &src.id).await.unwrap().unwrap();
    assert_eq!(snap.sync_id, sync);
    let run = store.get_sync(&t, sync).await.unwrap();
    assert_eq!(run.status, SyncStatus::Complete);
    assert_eq!(
        run.counts,
        SnapshotCounts {
            users: 5,
            groups: 2,
            memberships: 3
        }
    );
    assert_eq!(
        all_user_names(store, &t, &snap).await,
        ["u0", "u1", "u2", "u3", "u4"]
    );
    let groups = store.groups_page(&t, &snap, None, 10).await.unwrap();
    assert_eq!(groups.len(), 2);
    let members = store.memberships_page(&t, &snap, None, 10).await.unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(members[0].group_display_name.as_deref(), Some("g0"));
    assert_eq!(members[0].user_name.as_deref(), Some("u0"));
}

async fn unchanged_syncs_store_no_new_versions(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    for _ in 0..5 {
        sync_once(store, &t, &src.id, &directory()).await;
    }
    let v = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!((v.users, v.groups, v.memberships), (5, 2, 3));
    assert_eq!(store.list_syncs(&t, &src.id, 10).await.unwrap().len(), 5);
}

async fn history_keeps_every_snapshot(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    let first = sync_once(store, &t, &src.id, &directory()).await;
    let mut changed = directory();
    changed.users.remove(4);
    changed.users[0].display_name = Some("Renamed".into());
    changed.users.push(user(9));
    changed.memberships.pop();
    let second = sync_once(store, &t, &src.id, &changed).await;

    let snap1 = roster_store::Snapshot {
        source_id: src.id.clone(),
        sync_id: first,
    };
    let snap2 = roster_store::Snapshot {
        source_id: src.id.clone(),
        sync_id: second,
    };
    assert_eq!(
        all_user_names(store, &t, &snap1).await,
        ["u0", "u1", "u2", "u3", "u4"]
    );
    assert_eq!(
        all_user_names(store, &t, &snap2).await,
        ["u0", "u1", "u2", "u3", "u9"]
    );
    let old = store.users_page(&t, &snap1, None, 1).await.unwrap();
    let new = store.users_page(&t, &snap2, None, 1).await.unwrap();
    assert_eq!(old[0].display_name.as_deref(), Some("User 0"));
    assert_eq!(new[0].display_name.as_deref(), Some("Renamed"));
    assert_eq!(
        store
            .memberships_page(&t, &snap2, None, 10)
            .await
            .unwrap()
            .len(),
        2
    );
    let v = store.version_counts(&t, &src.id).await.unwrap();
    assert_eq!(v.users, 7, "5 + one changed + one added");
}

async fn tenants_never_see_each_other(store: &dyn Store) {
    let a = TenantId::default_tenant();
    let b = TenantId::parse("other").unwrap();
    store.create_tenant(&b, "Other").await.unwrap();
    assert!(matches!(
        store.create_tenant(&b, "Again").await,
        Err(StoreError::Conflict(_))
    ));
    let src = store.create_source(&a, &new_source("prod")).await.unwrap();
    let sync = sync_once(store, &a, &src.id, &directory()).await;
    assert!(matches!(
        store.get_source(&b, &src.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.get_sync(&b, sync).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.begin_sync(&b, &src.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.list_sources(&b).await.unwrap().is_empty());
    assert!(store.latest_snapshot(&b, &src.id).await.unwrap().is_none());
    let snap = store.latest_snapshot(&a, &src.id).await.unwrap().unwrap();
    assert!(
        store
            .users_page(&b, &snap, None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .find_source_by_external_id(&b, &src.external_id)
            .await
            .unwrap()
            .is_none()
    );
}

async fn external_ids_are_unique_across_tenants(store: &dyn Store) {
    let a = TenantId::default_tenant();
    let b = TenantId::parse("other").unwrap();
    store.create_tenant(&b, "Other").await.unwrap();
    let first = new_source("a");
    store.create_source(&a, &first).await.unwrap();
    let mut reused = new_source("b");
    reused.external_id = first.external_id.clone();
    assert!(matches!(
        store.create_source(&b, &reused).await,
        Err(StoreError::Conflict(_))
    ));
    let found = store
        .find_source_by_external_id(&a, &first.external_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.name, "a");
    assert_eq!(found.external_id, first.external_id);
}

async fn source_location_is_kept(store: &dyn Store) {
    let t = TenantId::default_tenant();
    let src = store.create_source(&t, &new_source("prod")).await.unwrap();
    assert!(src.location.is_none());
    let loc = roster_store::DirectoryLocation {
        identity_store_id: roster_core::IdentityStoreId::parse("d-1234567890").unwrap(),
        region: roster_core::Region::parse("eu-west-1").unwrap(),
        instance_arn: Some("arn:aws:sso:::instance/ssoins-1".into()),
        account_id: Some(roster_core::AccountId::parse("123456789012").unwrap()),
        instance_status: Some("ACTIVE".into()),
        instance_type: roster_store::InstanceType::Organization,
        management_account: Some(roster_core::AccountId::parse("123456789012").unwrap()),
        placement: roster_store::Placement::DelegatedAdministrator,
    };
    store.set_source_location(&t, &src.id, &loc).await.unwrap();
    let role = RoleArn::parse("arn:aws:iam::123456789012:role/other").unwrap();
    store.set_source_role(&t, &src.id, &role).await.unwrap();
    let got = store.get_source(&t, &src.id).await.unwrap();
    assert_eq!(got.location, Some(loc));
    assert_eq!(got.role_arn, Some(role));
    assert_eq!(store.list_sources(&t).await.unwrap().len(), 1);
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                let db = super::support::SqliteDb::new().await;
                super::$case(db.store.as_ref()).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                let db = super::support::PostgresDb::new().await;
                super::$case(db.store.as_ref()).await;
                db.drop().await;
            })*
        }
    };
}

contract!(
    a_published_sync_becomes_the_snapshot,
    unchanged_syncs_store_no_new_versions,
    history_keeps_every_snapshot,
    a_failed_sync_leaves_the_previous_snapshot_current,
    a_running_sync_is_invisible_until_published,
    versions_left_to_the_publish_make_the_same_snapshot,
    an_abandoned_sync_is_interrupted_by_the_next,
    rows_staged_twice_are_stored_once,
    large_batches_round_trip,
    tenants_never_see_each_other,
    external_ids_are_unique_across_tenants,
    source_location_is_kept,
    jobs_are_claimed_once_and_expired_leases_are_retried,
    released_jobs_return_to_the_queue,
    due_sources_are_scheduled_once,
    deleting_a_source_removes_its_history,
    quota_shares_count_holders_until_released_or_expired,
    a_source_keeps_its_own_api_rate,
    the_audit_log_appends_and_pages_newest_first,
    diffs_read_only_changed_versions,
    membership_fields_are_kept_and_versioned_only_when_they_change,
    snapshot_facts_count_memberships,
    evidence_settings_round_trip_per_source,
    console_accounts_sessions_and_tokens_round_trip,
    console_emails_are_unique_per_tenant_only,
    every_console_role_round_trips,
    one_time_links_work_once,
    browsing_filters_and_pages_a_snapshot,
    browsing_reads_groups_members_and_documents,
    nul_in_directory_text_is_kept_and_never_fails_a_sync,
);
