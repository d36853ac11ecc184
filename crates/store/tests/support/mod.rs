//! Fresh databases and small hand-built directories for the contract suite.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use roster_core::{Group, GroupId, IdentityStoreId, Membership, MembershipId, User, UserId};
use roster_store::{SqlStore, StageBatch, Store};
use sqlx::Executor;

pub fn user(i: usize) -> User {
    let mut u = User::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        UserId::parse(&format!("user-{i:05}")).unwrap(),
    );
    u.user_name = Some(format!("u{i}"));
    u.display_name = Some(format!("User {i}"));
    u
}

pub fn group(i: usize) -> Group {
    let mut g = Group::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        GroupId::parse(&format!("group-{i:05}")).unwrap(),
    );
    g.display_name = Some(format!("g{i}"));
    g
}

pub fn membership(i: usize, g: usize, u: usize) -> Membership {
    Membership::new(
        MembershipId::parse(&format!("m-{i:05}")).unwrap(),
        GroupId::parse(&format!("group-{g:05}")).unwrap(),
        UserId::parse(&format!("user-{u:05}")).unwrap(),
    )
}

/// 5 users, 2 groups, 3 memberships.
pub fn directory() -> StageBatch {
    StageBatch {
        users: (0..5).map(user).collect(),
        groups: (0..2).map(group).collect(),
        memberships: vec![
            membership(0, 0, 0),
            membership(1, 0, 1),
            membership(2, 1, 2),
        ],
    }
}

pub struct SqliteDb {
    pub store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

impl SqliteDb {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("roster.db").display());
        Self {
            store: Arc::new(SqlStore::connect(&url).await.unwrap()),
            _dir: dir,
        }
    }
}

pub struct PostgresDb {
    pub store: Arc<dyn Store>,
    admin_url: String,
    name: String,
}

pub fn pg_admin_url() -> String {
    std::env::var("ROSTER_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

impl PostgresDb {
    pub async fn new() -> Self {
        sqlx::any::install_default_drivers();
        let admin_url = pg_admin_url();
        let name = format!("roster_t_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!("PostgreSQL is required for the store contract suite and did not answer at {admin_url}: {e}")
        });
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Self {
            store: Arc::new(SqlStore::connect(&url).await.unwrap()),
            admin_url,
            name,
        }
    }

    pub async fn drop(self) {
        drop(self.store);
        let admin = sqlx::AnyPool::connect(&self.admin_url).await.unwrap();
        admin
            .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
            .await
            .unwrap();
    }
}
