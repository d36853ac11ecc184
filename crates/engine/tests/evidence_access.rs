//! Evidence of the SSO source on a `SQLite` store: a source that collects
//! access exports bundles with the access files (listed, hashed, signed,
//! reproducible), the `ACC-` checks and the report's access section; a
//! snapshot taken before any access run exports exactly the bytes it did
//! before access was collected.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Read, Write};

use roster_core::evidence::{BundleKey, Problem};
use roster_core::sso::{
    AccessRow, Account, AccountAssignment, DirUser, DirectoryIndex, ManagedPolicy, PermissionSet,
    PermissionSetArn, PermissionSetFacts, PermissionSetPolicies, PrincipalType, expand,
};
use roster_core::{AccountId, SyncId, SyncStats};
use roster_engine::evidence::{
    ACCESS_ENTRY_ORDER, AsOf, BUNDLE_ENTRY_ORDER, access_check_report, access_checks,
    access_snapshot, export_bundle, latest_evidence_snapshot, render_report, verify_bundle,
};
use roster_store::{AccessBatch, Snapshot, StoredPermissionSet};

mod evidence_support;

use evidence_support::{Fixture, Names};

const NAMES: Names = Names {
    source: "org <sso>",
    group: "=platform-admins",
    second_user: "+bob",
    display: |name| format!("{name} display"),
};

const ADMIN_INLINE: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn acct(n: u8) -> AccountId {
    AccountId::parse(&format!("{n}").repeat(12)).unwrap()
}

fn arn(n: u8) -> PermissionSetArn {
    PermissionSetArn::parse(&format!(
        "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-{n:016}"
    ))
    .unwrap()
}

fn set(
    n: u8,
    name: &str,
    session: &str,
    policies: PermissionSetPolicies,
    privileged: bool,
) -> StoredPermissionSet {
    let mut ps = PermissionSet::new(arn(n), name);
    ps.session_duration = Some(session.into());
    StoredPermissionSet {
        facts: PermissionSetFacts {
            permission_set: ps,
            policies,
        },
        privileged,
        provisioned_accounts: vec![acct(3), acct(1), acct(2)],
    }
}

fn assign(a: u8, ps: u8, t: PrincipalType, id: &str) -> AccountAssignment {
    AccountAssignment {
        account_id: acct(a),
        permission_set_arn: arn(ps),
        principal_type: t,
        principal_id: id.into(),
    }
}

/// The directory the access rows are expanded through: the fixture's users
/// (cy, the third, in the group).
fn directory() -> DirectoryIndex {
    let users = [("user-1", "ada"), ("user-2", "+bob"), ("user-3", "cy")].map(|(id, n)| DirUser {
        user_id: id.into(),
        user_name: Some(n.into()),
        disabled: false,
    });
    DirectoryIndex::new(
        users,
        [("group-1".to_owned(), Some(NAMES.group.to_owned()))],
        [("group-1".to_owned(), "user-3".to_owned())],
    )
}

/// Three accounts (one named like a formula, one like markup), an
/// administrator set, an inline `"*"` break-glass set, a read-only set with a
/// 12-hour session; assignments to the group, to a user and to a user who
/// no longer exists. `second` also grants +bob `AdministratorAccess` on dev
/// directly and takes the group's read-only access on prod away.
fn organization(second: bool) -> AccessBatch {
    let admin = PermissionSetPolicies {
        managed_policies: vec![ManagedPolicy {
            arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
            name: "AdministratorAccess".into(),
        }],
        ..PermissionSetPolicies::default()
    };
    let inline = PermissionSetPolicies {
        inline_policy: Some(ADMIN_INLINE.into()),
        ..PermissionSetPolicies::default()
    };
    let mut assignments = vec![
        assign(1, 1, PrincipalType::Group, "group-1"),
        assign(2, 3, PrincipalType::User, "user-2"),
        assign(3, 2, PrincipalType::User, "user-gone"),
    ];
    if second {
        assignments.push(assign(2, 1, PrincipalType::User, "user-2"));
    } else {
        assignments.push(assign(1, 3, PrincipalType::Group, "group-1"));
    }
    let dir = directory();
    let access: Vec<AccessRow> = expand(&dir, &assignments).collect();
    AccessBatch {
        accounts: vec![
            Account {
                id: acct(1),
                name: Some("prod".into()),
                email: Some("aws+prod@example.com".into()),
                status: None,
            },
            Account {
                id: acct(2),
                name: Some("dev <script>".into()),
                email: None,
                status: None,
            },
            Account {
                id: acct(3),
                name: Some("=sandbox".into()),
                email: None,
                status: None,
            },
        ],
        permission_sets: vec![
            set(1, "AdministratorAccess", "PT1H", admin, true),
            set(2, "BreakGlass", "PT1H", inline, true),
            set(
                3,
                "ReadOnly",
                "PT12H",
                PermissionSetPolicies::default(),
                false,
            ),
        ],
        account_assignments: assignments,
        access,
        ..AccessBatch::default()
    }
}

async fn access_sync(f: &Fixture, batch: &AccessBatch) -> SyncId {
    let sync = f
        .store
        .begin_access_sync(&f.tenant, &f.source)
        .await
        .unwrap();
    f.store.stage_access(&f.tenant, sync, batch).await.unwrap();
    f.store
        .publish_sync(&f.tenant, sync, None, &SyncStats::default())
        .await
        .unwrap();
    sync
}

struct Scene {
    f: Fixture,
    first_access: SyncId,
    second_access: SyncId,
    /// The bundle of the second directory snapshot, exported before any access run.
    before: Vec<u8>,
    key: BundleKey,
}

async fn scene() -> Scene {
    let f = evidence_support::two_snapshots(&NAMES).await;
    let key = BundleKey::generate();
    let before = export_bundle(f.store.as_ref(), &f.tenant, &f.second, &key, "test")
        .await
        .unwrap();
    let first_access = access_sync(&f, &organization(false)).await;
    let second_access = access_sync(&f, &organization(true)).await;
    Scene {
        f,
        first_access,
        second_access,
        before,
        key,
    }
}

type Files = Vec<(String, Vec<u8>)>;

fn entries(zip: &[u8]) -> Files {
    let mut a = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_owned(), data)
        })
        .collect()
}

fn get(files: &[(String, Vec<u8>)], name: &str) -> Vec<u8> {
    files
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} is not in the bundle"))
        .1
        .clone()
}

fn snap(s: &Scene, id: SyncId) -> Snapshot {
    Snapshot {
        source_id: s.f.source.clone(),
        sync_id: id,
    }
}

#[tokio::test]
async fn a_snapshot_before_any_access_run_exports_the_same_bytes_as_before() {
    let s = scene().await;
    let again = export_bundle(s.f.store.as_ref(), &s.f.tenant, &s.f.second, &s.key, "test")
        .await
        .unwrap();
    assert_eq!(again, s.before, "collecting access changed an older bundle");
    assert!(
        entries(&again)
            .iter()
            .all(|(n, _)| !ACCESS_ENTRY_ORDER.contains(&n.as_str()))
    );
    assert!(
        access_check_report(s.f.store.as_ref(), &s.f.tenant, &s.f.second)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        access_checks(s.f.store.as_ref(), &s.f.tenant, &s.f.second)
            .await
            .unwrap()
            .is_empty()
    );
}

fn assert_collection(files: &Files, s: &Scene) {
    let collection: serde_json::Value =
        serde_json::from_slice(&get(files, "collection.json")).unwrap();
    assert_eq!(
        collection["sync_id"], s.f.second.sync_id.0,
        "the directory's run"
    );
    assert_eq!(collection["counts"]["users"], 3);
    assert_eq!(collection["access"]["sync_id"], s.second_access.0);
    assert_eq!(collection["access"]["previous_sync_id"], s.first_access.0);
    assert_eq!(collection["access"]["counts"]["accounts"], 3);
    let diff: serde_json::Value = serde_json::from_slice(&get(files, "diff.json")).unwrap();
    assert_eq!(
        diff["to_sync"], s.f.second.sync_id.0,
        "the directory diff is the directory's"
    );
}

fn assert_access_csv(files: &Files) {
    let mut access = csv::Reader::from_reader(Cursor::new(get(files, "access.csv")));
    assert_eq!(
        access.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "user_id",
            "user_name",
            "account_id",
            "account_name",
            "permission_set_arn",
            "permission_set_name",
            "via",
            "via_group_id",
            "privileged",
            "orphaned",
            "user_disabled"
        ]
    );
    let rows: Vec<csv::StringRecord> = access.records().map(Result::unwrap).collect();
    let got: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[0].to_owned(),
                r[2].to_owned(),
                r[5].to_owned(),
                r[6].to_owned(),
            )
        })
        .collect();
    let want = [
        ("user-2", acct(2), "AdministratorAccess", "direct"),
        ("user-2", acct(2), "ReadOnly", "direct"),
        (
            "user-3",
            acct(1),
            "AdministratorAccess",
            "'=platform-admins",
        ),
        ("user-gone", acct(3), "BreakGlass", "direct"),
    ]
    .map(|(u, a, p, v)| (u.to_owned(), a.to_string(), p.to_owned(), v.to_owned()));
    assert_eq!(got, want, "in cursor order, formulas neutralised");
    let gone = &rows[3];
    assert_eq!(
        (&gone[8], &gone[9], &gone[3]),
        ("true", "true", "'=sandbox")
    );
}

fn assert_accounts_and_sets(files: &Files) {
    let accounts = String::from_utf8(get(files, "accounts.csv")).unwrap();
    assert!(
        accounts
            .starts_with("account_id,name,email,status\n111111111111,prod,aws+prod@example.com,\n"),
        "{accounts}"
    );
    let sets: serde_json::Value =
        serde_json::from_slice(&get(files, "permission_sets.json")).unwrap();
    let names: Vec<&str> = sets
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["AdministratorAccess", "BreakGlass", "ReadOnly"]);
    assert_eq!(sets[1]["InlinePolicy"], ADMIN_INLINE);
    assert_eq!(sets[0]["ManagedPolicies"][0]["Name"], "AdministratorAccess");
    assert_eq!(sets[2]["SessionDuration"], "PT12H");
    assert_eq!(sets[0]["Privileged"], true);
    assert_eq!(
        sets[0]["ProvisionedAccounts"],
        serde_json::json!(["111111111111", "222222222222", "333333333333"])
    );
}

fn assert_access_diff(files: &Files, s: &Scene) {
    let gained_lost = String::from_utf8(get(files, "access_diff.csv")).unwrap();
    let lines: Vec<&str> = gained_lost.lines().collect();
    assert_eq!(lines.len(), 3, "{gained_lost}");
    assert!(
        lines[1].starts_with("gained,user-2,'+bob,222222222222,dev <script>,"),
        "{gained_lost}"
    );
    assert!(
        lines[2].starts_with("lost,user-3,cy,111111111111,prod,"),
        "{gained_lost}"
    );
    let access_diff: serde_json::Value =
        serde_json::from_slice(&get(files, "access_diff.json")).unwrap();
    assert_eq!(access_diff["from_sync"], s.first_access.0);
    assert_eq!(access_diff["gained"].as_array().unwrap().len(), 1);
}

fn assert_access_checks(files: &Files, s: &Scene) {
    let checks: serde_json::Value =
        serde_json::from_slice(&get(files, "access_checks.json")).unwrap();
    let status = |id: &str| {
        let c = checks["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        (
            c["status"].as_str().unwrap().to_owned(),
            c["findings"].as_array().unwrap().len(),
        )
    };
    assert_eq!(status("ACC-01").0, "review");
    assert_eq!(
        status("ACC-02"),
        ("fail".to_owned(), 2),
        "+bob is assigned directly twice"
    );
    assert_eq!(
        status("ACC-03"),
        ("fail".to_owned(), 1),
        "the assignment to user-gone"
    );
    assert_eq!(
        status("ACC-04"),
        ("fail".to_owned(), 1),
        "ReadOnly's 12-hour session"
    );
    assert_eq!(status("ACC-05").0, "skipped");
    assert_eq!(
        status("ACC-06"),
        ("review".to_owned(), 1),
        "+bob gained AdministratorAccess"
    );
    assert!(
        checks["checks"][0]["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "nist-800-53:AC-6")
    );
    assert_eq!(checks["previous_sync_id"], s.first_access.0);
}

fn assert_report(files: &Files) {
    let html = String::from_utf8(get(files, "report.html")).unwrap();
    assert!(html.contains("Privileged access per account"));
    assert!(
        html.contains("dev &lt;script&gt; (222222222222)"),
        "account names are escaped"
    );
    assert!(html.contains("aria-label=\"Users with privileged access per account\""));
    assert!(html.contains("ACC-06"));
    assert!(!html.contains("<script"));
}

#[tokio::test]
async fn the_latest_snapshot_of_a_source_with_access_bundles_the_access_files_in_order() {
    let sc = scene().await;
    let (store, tenant) = (sc.f.store.as_ref(), &sc.f.tenant);
    let latest = latest_evidence_snapshot(store, tenant, &sc.f.source)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        latest.sync_id, sc.second_access,
        "the access run of scope all"
    );
    let zip = export_bundle(store, tenant, &latest, &sc.key, "test")
        .await
        .unwrap();
    let again = export_bundle(store, tenant, &latest, &sc.key, "test")
        .await
        .unwrap();
    assert_eq!(zip, again, "reproducible");
    let manifest = verify_bundle(&zip, Some(&sc.key.public_key())).unwrap();
    let files = entries(&zip);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        &names[..names.len() - 1],
        listed.as_slice(),
        "every file hashed"
    );
    assert_eq!(
        names,
        [
            "collection.json",
            "users.csv",
            "groups.csv",
            "memberships.csv",
            "checks.json",
            "diff.json",
            "access.csv",
            "accounts.csv",
            "permission_sets.json",
            "access_checks.json",
            "access_diff.json",
            "access_diff.csv",
            "report.html",
            "manifest.json"
        ],
        "every entry, in the documented order"
    );
    assert!(names.iter().all(|n| BUNDLE_ENTRY_ORDER.contains(n)));

    assert_collection(&files, &sc);
    assert_access_csv(&files);
    assert_accounts_and_sets(&files);
    assert_access_diff(&files, &sc);
    assert_access_checks(&files, &sc);
    assert_report(&files);
    let live = render_report(store, tenant, &latest, AsOf::Now)
        .await
        .unwrap();
    assert!(live.contains("Privileged access per account"));
}

#[tokio::test]
async fn the_first_access_snapshot_has_no_access_diff_and_skips_acc_06() {
    let s = scene().await;
    let (store, t) = (s.f.store.as_ref(), &s.f.tenant);
    let first = snap(&s, s.first_access);
    let a = access_snapshot(store, t, &first).await.unwrap().unwrap();
    assert_eq!((a.at.sync_id, a.previous), (s.first_access, None));
    let later = access_snapshot(store, t, &snap(&s, s.second_access))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(later.previous, Some(s.first_access));
    let zip = export_bundle(store, t, &first, &s.key, "test")
        .await
        .unwrap();
    verify_bundle(&zip, None).unwrap();
    let files = entries(&zip);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"access.csv") && !names.contains(&"access_diff.json"));
    let report = access_check_report(store, t, &first)
        .await
        .unwrap()
        .unwrap();
    let acc06 = report.checks.iter().find(|c| c.id == "ACC-06").unwrap();
    assert_eq!(acc06.status.as_str(), "skipped");
    let html = String::from_utf8(get(&files, "report.html")).unwrap();
    assert!(html.contains("first access snapshot"));
}

#[tokio::test]
async fn a_tampered_access_file_fails_verification_naming_it() {
    let s = scene().await;
    let latest = snap(&s, s.second_access);
    let zip = export_bundle(s.f.store.as_ref(), &s.f.tenant, &latest, &s.key, "test")
        .await
        .unwrap();
    let files = entries(&zip);
    for name in ACCESS_ENTRY_ORDER {
        let mut changed = files.clone();
        let file = changed.iter_mut().find(|(n, _)| n == name).unwrap();
        let mid = file.1.len() / 2;
        file.1[mid] ^= 0x01;
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (n, data) in &changed {
            w.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        let problems = verify_bundle(&w.finish().unwrap().into_inner(), None).unwrap_err();
        assert!(
            matches!(&problems[..], [Problem::HashMismatch { path, .. }] if path == name),
            "{name}: {problems:?}"
        );
    }
    // A bundle without its access.csv names it missing.
    let without: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .filter(|(n, _)| n != "access.csv")
        .collect();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, data) in &without {
        w.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    let problems = verify_bundle(&w.finish().unwrap().into_inner(), None).unwrap_err();
    assert!(
        problems.contains(&Problem::Missing("access.csv".into())),
        "{problems:?}"
    );
}
