//! A small directory synced twice into a fresh `SQLite` store, for the
//! evidence tests (bundles, report escaping): the second snapshot adds a
//! user and drops the only membership.
#![allow(clippy::unwrap_used, dead_code)]

use roster_core::{
    ExternalId, Group, GroupId, IdentityStoreId, Membership, MembershipId, SourceId, SyncStats,
    TenantId, User, UserId,
};
use roster_store::prelude::*;
use roster_store::{NewSource, Snapshot, SourceStatus, StageBatch};

/// How the directory's names are spelled: each test picks its own hostile values.
pub struct Names {
    pub source: &'static str,
    pub group: &'static str,
    pub second_user: &'static str,
    pub display: fn(&str) -> String,
}

pub fn user(names: &Names, i: usize, name: &str) -> User {
    let mut u = User::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        UserId::parse(&format!("user-{i}")).unwrap(),
    );
    u.user_name = Some(name.into());
    u.display_name = Some((names.display)(name));
    u
}

pub fn directory(names: &Names) -> StageBatch {
    let mut g = Group::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        GroupId::parse("group-1").unwrap(),
    );
    g.display_name = Some(names.group.into());
    StageBatch {
        users: vec![user(names, 1, "ada"), user(names, 2, names.second_user)],
        groups: vec![g],
        memberships: vec![Membership {
            membership_id: MembershipId::parse("m-1").unwrap(),
            group_id: GroupId::parse("group-1").unwrap(),
            user_id: UserId::parse("user-1").unwrap(),
            meta: roster_core::directory::MembershipMeta::default(),
        }],
    }
}

pub struct Fixture {
    pub store: std::sync::Arc<dyn Store>,
    pub tenant: TenantId,
    pub source: SourceId,
    pub first: Snapshot,
    pub second: Snapshot,
    _dir: tempfile::TempDir,
}

pub async fn two_snapshots(names: &Names) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = roster_store::connect(&format!("sqlite://{}", dir.path().join("r.db").display()))
        .await
        .unwrap();
    let tenant = TenantId::default_tenant();
    let src = store
        .create_source(
            &tenant,
            &NewSource {
                id: SourceId::generate(),
                name: names.source.into(),
                role_arn: Some(
                    roster_core::RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap(),
                ),
                external_id: ExternalId::generate(),
                status: SourceStatus::Connected,
            },
        )
        .await
        .unwrap();
    let mut snaps = Vec::new();
    for batch in [directory(names), {
        let mut d = directory(names);
        d.users.push(user(names, 3, "cy"));
        d.memberships.clear();
        d
    }] {
        let sync = store.begin_sync(&tenant, &src.id).await.unwrap();
        store.stage(&tenant, sync, &batch).await.unwrap();
        store
            .publish_sync(&tenant, sync, None, &SyncStats::default())
            .await
            .unwrap();
        snaps.push(Snapshot {
            source_id: src.id.clone(),
            sync_id: sync,
        });
    }
    let second = snaps.pop().unwrap();
    let first = snaps.pop().unwrap();
    Fixture {
        store,
        tenant,
        source: src.id,
        first,
        second,
        _dir: dir,
    }
}
