//! Access reviews through the engine: an access campaign's revoked row is
//! verified gone by the next access snapshot through the `Access` port,
//! every action is in the audit log, `IDS-10` fails while a revoke is
//! overdue, and the campaign's bundle verifies (and fails once altered).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::sync::Arc;
use std::time::Duration;

use roster_core::evidence::{BundleKey, Status};
use roster_core::review::{PopulationFilter, PopulationKind, Remediation, Verdict};
use roster_core::sso::{
    AccessRow, Account, PermissionSet, PermissionSetArn, PermissionSetFacts, PermissionSetPolicies,
    Via,
};
use roster_core::{
    AccountId, ExternalId, FixedClock, RoleArn, SourceId, SyncId, SyncStats, TenantId, Timestamp,
};
use roster_engine::{evidence, review};
use roster_store::prelude::*;
use roster_store::{
    AccessBatch, Decider, NewDecision, NewSource, SourceStatus, StoredPermissionSet,
};

fn acct(i: usize) -> AccountId {
    AccountId::parse(&format!("{:012}", 100_000_000_000 + i)).unwrap()
}

fn arn(i: usize) -> PermissionSetArn {
    PermissionSetArn::parse(&format!(
        "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-{i:016}"
    ))
    .unwrap()
}

fn organization(with_revoked: bool) -> AccessBatch {
    let row = |u: usize, g: Option<usize>| AccessRow {
        user_id: Some(format!("user-{u:05}")),
        user_name: Some(format!("u{u}")),
        account_id: acct(0),
        permission_set_arn: arn(0),
        via: g.map_or(Via::Direct, |g| Via::Group {
            group_id: format!("group-{g:05}"),
            display_name: Some(format!("g{g}")),
        }),
        orphaned: false,
        user_disabled: false,
    };
    let mut access = vec![row(1, None), row(2, Some(1))];
    if !with_revoked {
        access.remove(0);
    }
    AccessBatch {
        accounts: vec![Account {
            id: acct(0),
            name: Some("prod".into()),
            email: None,
            status: None,
        }],
        permission_sets: vec![StoredPermissionSet {
            facts: PermissionSetFacts {
                permission_set: PermissionSet::new(arn(0), "AdministratorAccess"),
                policies: PermissionSetPolicies::default(),
            },
            privileged: true,
            provisioned_accounts: vec![acct(0)],
        }],
        access,
        ..AccessBatch::default()
    }
}

async fn access_sync(
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

/// The bundle with one byte of `decisions.json` changed.
fn tamper_decisions(bytes: Vec<u8>) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        files.insert(f.name().to_owned(), data);
    }
    let d = files.get_mut("decisions.json").unwrap();
    let at = d.iter().position(|b| *b == b'r').unwrap();
    d[at] = b'R';
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in &files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[tokio::test]
#[allow(clippy::too_many_lines)] // one story, open to export, read top to bottom
async fn a_revoked_access_row_is_verified_gone_audited_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(Timestamp::parse("2026-03-01T00:00:00Z").unwrap());
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    let store = roster_store::connect_with_clock(&url, Arc::new(clock.clone()))
        .await
        .unwrap();
    let store = store.as_ref();
    let t = TenantId::default_tenant();
    let src = store
        .create_source(
            &t,
            &NewSource {
                id: SourceId::generate(),
                name: "org".into(),
                role_arn: Some(RoleArn::parse("arn:aws:iam::123456789012:role/roster").unwrap()),
                external_id: ExternalId::generate(),
                status: SourceStatus::Connected,
            },
        )
        .await
        .unwrap();
    access_sync(store, &t, &src.id, &organization(true)).await;
    let req = review::OpenRequest {
        source: src.id.clone(),
        kind: PopulationKind::Access,
        filter: PopulationFilter::default(),
        name: None,
        reviewer: Some("lead@example.com".into()),
        fallback_reviewer: None,
        due_at: None,
        remediation_days: Some(3),
        actor: "admin@example.com".into(),
    };
    let c = review::open_campaign(store, &t, &req).await.unwrap();
    assert_eq!(c.items, 2);
    let lead = Decider {
        actor: "lead@example.com".into(),
        email: Some("lead@example.com".into()),
    };
    let revoke = NewDecision {
        items: vec![1, 2],
        verdict: Verdict::Revoke,
        comment: Some("no standing admin".into()),
        reassign_to: None,
    };
    review::decide(store, &t, &c.id, &lead, &revoke)
        .await
        .unwrap();

    // The next access snapshot lacks u1's direct row; u2's stays.
    let a2 = access_sync(store, &t, &src.id, &organization(false)).await;
    let snap = roster_store::Snapshot {
        source_id: src.id.clone(),
        sync_id: a2,
    };
    let out = review::verify_after_publish(store, &t, &snap)
        .await
        .unwrap();
    assert_eq!((out.checked, out.remediated), (2, 1));
    let one = store.review_item(&t, &c.id, 1).await.unwrap();
    assert_eq!(
        (one.remediation, one.remediated_sync),
        (Some(Remediation::Remediated), Some(a2))
    );
    assert_eq!(
        store.review_item(&t, &c.id, 2).await.unwrap().remediation,
        Some(Remediation::Pending)
    );
    assert_eq!(
        review::ids10_report(store, &t).await.unwrap().status,
        Status::Pass
    );

    clock.advance(Duration::from_hours(4 * 24));
    let check = review::ids10_report(store, &t).await.unwrap();
    assert_eq!(check.status, Status::Fail);
    assert_eq!(check.findings.len(), 1);
    assert!(
        check.findings[0]
            .detail
            .contains("prod / AdministratorAccess"),
        "{}",
        check.findings[0].detail
    );

    let key = BundleKey::generate();
    let bytes = review::export_campaign(store, &t, &c.id, &key, "auditor@example.com")
        .await
        .unwrap();
    let verified = evidence::verify_reader(
        Cursor::new(bytes.clone()),
        Some(&key.public_key()),
        &evidence::VerifyLimits::default(),
    )
    .unwrap();
    assert!(verified.files.iter().any(|f| f.path == "population.csv"));

    let actions: Vec<String> = store
        .list_audit(&t, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.entry.action)
        .collect();
    for a in ["review.create", "review.decide", "review.export"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }

    // One byte of the decisions changed: the bundle no longer verifies.
    let tampered = tamper_decisions(bytes);
    let problems = evidence::verify_reader(
        Cursor::new(tampered),
        None,
        &evidence::VerifyLimits::default(),
    )
    .unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.to_string().contains("decisions.json")),
        "{problems:?}"
    );
}
