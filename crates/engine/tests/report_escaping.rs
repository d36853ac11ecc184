//! The evidence report escapes every directory value: names with markup
//! and quotes come out as text, never as HTML.
#![allow(clippy::unwrap_used)]

use roster_core::{
    ExternalId, Group, GroupId, IdentityStoreId, Membership, MembershipId, SourceId, SyncStats,
    TenantId, User, UserId,
};
use roster_engine::evidence::{AsOf, ReportData, check_report, diff, render};
use roster_store::prelude::*;
use roster_store::{NewSource, Snapshot, SourceStatus, StageBatch};

fn user(i: usize, name: &str) -> User {
    let mut u = User::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        UserId::parse(&format!("user-{i}")).unwrap(),
    );
    u.user_name = Some(name.into());
    u.display_name = Some(format!(
        "Ünïcode, \"{name}\" O'Brien & <script>alert(1)</script>\nline"
    ));
    u
}

fn directory() -> StageBatch {
    let mut g = Group::new(
        IdentityStoreId::parse("d-1234567890").unwrap(),
        GroupId::parse("group-1").unwrap(),
    );
    g.display_name = Some("=platform-admins <b>'x'</b>".into());
    StageBatch {
        users: vec![user(1, "ada"), user(2, "<script>alert(\"x\")</script>")],
        groups: vec![g],
        memberships: vec![Membership {
            membership_id: MembershipId::parse("m-1").unwrap(),
            group_id: GroupId::parse("group-1").unwrap(),
            user_id: UserId::parse("user-1").unwrap(),
            meta: roster_core::directory::MembershipMeta::default(),
        }],
    }
}

struct Fixture {
    store: std::sync::Arc<dyn Store>,
    tenant: TenantId,
    source: SourceId,
    second: Snapshot,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
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
                name: "prod <directory> & Bob's \"team\"".into(),
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
    for batch in [directory(), {
        let mut d = directory();
        d.users.push(user(3, "cy"));
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
    Fixture {
        store,
        tenant,
        source: src.id,
        second,
        _dir: dir,
    }
}

#[tokio::test]
async fn directory_values_with_markup_and_quotes_are_escaped_in_the_report() {
    let f = fixture().await;
    let snap = &f.second;
    let run = f.store.get_sync(&f.tenant, snap.sync_id).await.unwrap();
    let source = f.store.get_source(&f.tenant, &f.source).await.unwrap();
    let checks = check_report(f.store.as_ref(), &f.tenant, snap, AsOf::SnapshotEnd)
        .await
        .unwrap();
    let d = diff(
        f.store.as_ref(),
        &f.tenant,
        &f.source,
        None,
        Some(snap.sync_id),
    )
    .await
    .unwrap();
    let data = ReportData::gather(
        f.store.as_ref(),
        &f.tenant,
        &source,
        &run,
        &checks,
        d.as_ref(),
    )
    .await
    .unwrap();
    let html = render(&data);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<b>'x'</b>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(html.contains("=platform-admins &lt;b&gt;&#39;x&#39;&lt;/b&gt;"));
    assert!(html.contains("prod &lt;directory&gt; &amp; Bob&#39;s &quot;team&quot;"));
}
