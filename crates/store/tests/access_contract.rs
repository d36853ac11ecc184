//! The store contract of the SSO source's data (`Access`, and the scopes of
//! `Syncs`), run against `SQLite` and `PostgreSQL` like `contract.rs`; each
//! case gets a fresh database and the `SqlStore` itself, so it can count
//! the versions a table holds.

#![allow(clippy::unwrap_used)]

mod access_cases;
#[allow(dead_code)]
mod support;

use access_cases::*;

use roster_core::sso::{
    AccessRow, Account, AccountAssignment, Application, ApplicationAssignment, PermissionSet,
    PermissionSetArn, PermissionSetFacts, PermissionSetPolicies, PrincipalType, Via,
};
use roster_core::{AccountId, ExternalId, RoleArn, SourceId, SyncId, SyncStats, TenantId};
use roster_store::{AccessBatch, NewSource, SourceStatus, SqlStore, Store, StoredPermissionSet};
use sqlx::{Executor, Row};

pub fn new_source(name: &str) -> NewSource {
    NewSource {
        id: SourceId::generate(),
        name: name.into(),
        role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
        external_id: ExternalId::generate(),
        status: SourceStatus::Connected,
    }
}

pub fn acct(i: usize) -> AccountId {
    AccountId::parse(&format!("{:012}", 100_000_000_000 + i)).unwrap()
}

pub fn arn(i: usize) -> PermissionSetArn {
    PermissionSetArn::parse(&format!(
        "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-{i:016}"
    ))
    .unwrap()
}

pub fn account(i: usize, name: &str) -> Account {
    Account {
        id: acct(i),
        name: Some(name.into()),
        email: Some(format!("aws+{i}@example.com")),
        status: None,
    }
}

pub fn permission_set(i: usize, name: &str, privileged: bool) -> StoredPermissionSet {
    StoredPermissionSet {
        facts: PermissionSetFacts {
            permission_set: PermissionSet::new(arn(i), name),
            policies: PermissionSetPolicies::default(),
        },
        privileged,
        provisioned_accounts: vec![acct(1), acct(0)],
    }
}

pub fn row(user: Option<usize>, a: usize, ps: usize, group: Option<usize>) -> AccessRow {
    AccessRow {
        user_id: user.map(|u| format!("user-{u:05}")),
        user_name: user.map(|u| format!("u{u}")),
        account_id: acct(a),
        permission_set_arn: arn(ps),
        via: group.map_or(Via::Direct, |g| Via::Group {
            group_id: format!("group-{g:05}"),
            display_name: Some(format!("Team {g}")),
        }),
        orphaned: user.is_none(),
        user_disabled: false,
    }
}

pub fn assignment(a: usize, ps: usize, t: PrincipalType, id: &str) -> AccountAssignment {
    AccountAssignment {
        account_id: acct(a),
        permission_set_arn: arn(ps),
        principal_type: t,
        principal_id: id.into(),
    }
}

/// A small organization: three accounts, an admin and a read-only
/// permission set, a group assignment, a direct one and an orphaned group.
pub fn organization() -> AccessBatch {
    let app = "arn:aws:sso::123456789012:application/ssoins-1234567890abcdef/apl-1";
    AccessBatch {
        accounts: vec![account(0, "prod"), account(1, "dev"), account(2, "sandbox")],
        permission_sets: vec![
            permission_set(0, "AdministratorAccess", true),
            permission_set(1, "ReadOnly", false),
        ],
        account_assignments: vec![
            assignment(0, 0, PrincipalType::Group, "group-00001"),
            assignment(1, 1, PrincipalType::User, "user-00001"),
            assignment(2, 1, PrincipalType::Group, "group-00009"),
        ],
        applications: vec![Application {
            application_arn: app.into(),
            name: Some("Wiki".into()),
            application_provider_arn: None,
            application_account: None,
            status: Some("ENABLED".into()),
            description: None,
            created_date: None,
        }],
        application_assignments: vec![ApplicationAssignment {
            application_arn: app.into(),
            principal_type: PrincipalType::Group,
            principal_id: "group-00001".into(),
        }],
        access: vec![
            row(Some(1), 0, 0, Some(1)),
            row(Some(2), 0, 0, Some(1)),
            row(Some(1), 1, 1, None),
            row(None, 2, 1, Some(9)),
        ],
    }
}

/// Begins an access run, stages `batch`, publishes; the run's ID.
pub async fn access_sync(
    store: &dyn Store,
    t: &TenantId,
    source: &SourceId,
    batch: &AccessBatch,
) -> SyncId {
    let sync = store.begin_access_sync(t, source).await.unwrap();
    store.stage_access(t, sync, batch).await.unwrap();
    store
        .publish_sync(t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    sync
}

/// A directory run of `batch`, published.
pub async fn directory_sync(
    store: &dyn Store,
    t: &TenantId,
    source: &SourceId,
    batch: &roster_store::StageBatch,
) -> SyncId {
    let sync = store.begin_sync(t, source).await.unwrap();
    store.stage(t, sync, batch).await.unwrap();
    store
        .publish_sync(t, sync, None, &SyncStats::default())
        .await
        .unwrap();
    sync
}

/// Rows of `table` (every version, every tenant).
pub async fn table_rows(store: &SqlStore, table: &str) -> i64 {
    let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(store.pool())
        .await
        .unwrap();
    row.try_get(0).unwrap()
}

#[derive(Debug)]
pub struct Postgres {
    admin_url: String,
    name: String,
}

impl Postgres {
    async fn new() -> (SqlStore, Self) {
        sqlx::any::install_default_drivers();
        let admin_url = support::pg_admin_url();
        let name = format!("roster_a_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!("PostgreSQL is required for the store contract suite and did not answer at {admin_url}: {e}")
        });
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let store = SqlStore::connect(&format!("{base}/{name}")).await.unwrap();
        (store, Self { admin_url, name })
    }

    async fn drop(self, store: SqlStore) {
        store.close().await.unwrap();
        let admin = sqlx::AnyPool::connect(&self.admin_url).await.unwrap();
        admin
            .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
            .await
            .unwrap();
    }
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $case() {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("roster.db").display());
                let store = roster_store::SqlStore::connect(&url).await.unwrap();
                super::$case(&store).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $case() {
                let (store, db) = super::Postgres::new().await;
                super::$case(&store).await;
                db.drop(store).await;
            })*
        }
    };
}

contract!(
    an_access_sync_publishes_what_it_staged,
    staging_twice_stores_once_and_unchanged_syncs_add_no_versions,
    a_run_writes_only_rows_of_its_own_scope,
    directory_and_access_snapshots_stay_readable_across_each_other,
    an_interrupted_run_of_either_scope_is_undone_by_the_next,
    a_failed_access_run_leaves_the_previous_access_current,
    the_access_diff_reports_gained_and_lost_paths,
    every_filter_pages_completely,
    other_tenants_see_no_access,
    nul_in_names_is_kept_exactly,
    settings_and_collects_access_round_trip,
    deleting_a_source_removes_its_access,
    a_large_organization_versions_across_publishing_chunks,
    concurrent_batches_of_one_run_all_land_once,
    oversized_values_are_stored_or_refused_whole,
);
