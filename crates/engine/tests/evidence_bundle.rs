//! Evidence bundles end to end on a `SQLite` store: reproducible bytes,
//! verification, and a precise reason for every kind of tampering.
#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Read, Write};

use roster_core::evidence::{BundleKey, Problem};
use roster_engine::evidence::{
    AsOf, check_report, diff, export_bundle, render_report, signing_key, verify_bundle,
};

mod evidence_support;

use evidence_support::{Fixture, Names};

const NAMES: Names = Names {
    source: "prod <directory>",
    group: "=platform-admins",
    second_user: "+bob",
    display: |name| format!("Ünïcode, \"{name}\"\nline"),
};

async fn fixture() -> Fixture {
    evidence_support::two_snapshots(&NAMES).await
}

fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
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

fn rezip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in files {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[tokio::test]
async fn two_exports_of_one_snapshot_are_byte_identical_and_verify() {
    let f = fixture().await;
    let key = signing_key(f.store.as_ref(), &f.tenant, None)
        .await
        .unwrap();
    let again = signing_key(f.store.as_ref(), &f.tenant, None)
        .await
        .unwrap();
    assert_eq!(
        key.public_key(),
        again.public_key(),
        "the generated key is stored and reused"
    );
    let a = export_bundle(f.store.as_ref(), &f.tenant, &f.second, &key, "test")
        .await
        .unwrap();
    let b = export_bundle(f.store.as_ref(), &f.tenant, &f.second, &key, "test")
        .await
        .unwrap();
    assert_eq!(a, b);
    let manifest = verify_bundle(&a, Some(&key.public_key())).unwrap();
    let names: Vec<&str> = manifest.files.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        names,
        [
            "collection.json",
            "users.csv",
            "groups.csv",
            "memberships.csv",
            "checks.json",
            "diff.json",
            "report.html"
        ]
    );
    let order: Vec<String> = entries(&a).into_iter().map(|(n, _)| n).collect();
    assert_eq!(order.last().map(String::as_str), Some("manifest.json"));

    let first = export_bundle(f.store.as_ref(), &f.tenant, &f.first, &key, "test")
        .await
        .unwrap();
    assert!(
        !entries(&first).iter().any(|(n, _)| n == "diff.json"),
        "no previous snapshot, no diff.json"
    );
    let audit = f.store.list_audit(&f.tenant, None, 10).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|r| r.entry.action == "evidence.export")
            .count(),
        3
    );
}

#[tokio::test]
async fn bundle_files_parse_and_report_is_self_contained() {
    let f = fixture().await;
    let key = BundleKey::generate();
    let zip = export_bundle(f.store.as_ref(), &f.tenant, &f.second, &key, "test")
        .await
        .unwrap();
    let files = entries(&zip);
    let get = |n: &str| files.iter().find(|(x, _)| x == n).unwrap().1.clone();
    let mut users = csv::Reader::from_reader(Cursor::new(get("users.csv")));
    let rows: Vec<csv::StringRecord> = users.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[1][1], "'+bob");
    assert_eq!(&rows[1][2], "Ünïcode, \"+bob\"\nline");
    let groups = String::from_utf8(get("groups.csv")).unwrap();
    assert!(groups.contains(",'=platform-admins,"), "{groups}");
    let diff: serde_json::Value = serde_json::from_slice(&get("diff.json")).unwrap();
    assert_eq!(diff["summary"]["users_added"], 1);
    assert_eq!(diff["summary"]["memberships_removed"], 1);
    let checks: serde_json::Value = serde_json::from_slice(&get("checks.json")).unwrap();
    assert_eq!(checks["checks"][6]["id"], "IDS-07");
    assert_eq!(
        checks["checks"][6]["status"], "review",
        "ada left =platform-admins"
    );
    let collection: serde_json::Value = serde_json::from_slice(&get("collection.json")).unwrap();
    assert_eq!(collection["account_id"], "123456789012");
    assert_eq!(collection["previous_sync_id"], f.first.sync_id.0);
    let html = String::from_utf8(get("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("@media print"));
    assert!(html.contains("prod &lt;directory&gt;"), "names are escaped");
    assert!(
        !html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http")
    );
    let live = render_report(f.store.as_ref(), &f.tenant, &f.second, AsOf::Now)
        .await
        .unwrap();
    assert!(live.contains("IDS-09"));
}

#[tokio::test]
async fn tampering_fails_verification_with_the_reason() {
    let f = fixture().await;
    let (key, other) = (BundleKey::generate(), BundleKey::generate());
    let zip = export_bundle(f.store.as_ref(), &f.tenant, &f.second, &key, "test")
        .await
        .unwrap();
    let files = entries(&zip);
    for i in 0..files.len() - 1 {
        let mut changed = files.clone();
        let mid = changed[i].1.len() / 2;
        changed[i].1[mid] ^= 0x01;
        let problems = verify_bundle(&rezip(&changed), None).unwrap_err();
        assert!(
            matches!(&problems[..], [Problem::HashMismatch { path, .. }] if *path == files[i].0),
            "{}: {problems:?}",
            files[i].0
        );
        assert!(problems[0].to_string().contains("altered"));
    }
    // The manifest edited without re-signing.
    let mut edited = files.clone();
    let last = edited.len() - 1;
    edited[last].1 = String::from_utf8(edited[last].1.clone())
        .unwrap()
        .replacen("\"size\": ", "\"size\": 1", 1)
        .into_bytes();
    assert_eq!(
        verify_bundle(&rezip(&edited), None).unwrap_err(),
        [Problem::BadSignature]
    );
    // The manifest of another snapshot's bundle.
    let first = entries(
        &export_bundle(f.store.as_ref(), &f.tenant, &f.first, &key, "test")
            .await
            .unwrap(),
    );
    let mut replaced = files.clone();
    replaced[last].1 = first.last().unwrap().1.clone();
    let problems = verify_bundle(&rezip(&replaced), None).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| matches!(p, Problem::HashMismatch { .. })),
        "{problems:?}"
    );
    assert!(
        problems.contains(&Problem::Unlisted("diff.json".into())),
        "{problems:?}"
    );
    // A manifest re-signed with someone else's key.
    let entries: Vec<(&str, &[u8])> = files[..last]
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let mut resigned = files.clone();
    resigned[last].1 = roster_core::evidence::manifest::json_file(
        &roster_core::evidence::Manifest::sign(&entries, &other),
    );
    let forged = rezip(&resigned);
    assert!(verify_bundle(&forged, None).is_ok(), "self-consistent");
    let problems = verify_bundle(&forged, Some(&key.public_key())).unwrap_err();
    assert!(
        matches!(&problems[..], [Problem::WrongKey { .. }]),
        "{problems:?}"
    );
    // A byte flipped in the raw zip, and bytes that are no zip at all.
    let mut raw = zip.clone();
    raw[60] ^= 0xff;
    assert!(verify_bundle(&raw, None).is_err());
    assert!(matches!(
        &verify_bundle(b"not a zip", None).unwrap_err()[..],
        [Problem::NotABundle(_)]
    ));
}

#[tokio::test]
async fn diffs_and_checks_come_from_the_store() {
    let f = fixture().await;
    let d = diff(f.store.as_ref(), &f.tenant, &f.source, None, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (d.from_sync, d.to_sync),
        (f.first.sync_id.0, f.second.sync_id.0)
    );
    assert!(
        diff(
            f.store.as_ref(),
            &f.tenant,
            &f.source,
            None,
            Some(f.first.sync_id)
        )
        .await
        .unwrap()
        .is_none()
    );
    assert!(
        diff(
            f.store.as_ref(),
            &f.tenant,
            &f.source,
            Some(f.second.sync_id),
            Some(f.first.sync_id)
        )
        .await
        .is_err()
    );
    let report = check_report(f.store.as_ref(), &f.tenant, &f.second, AsOf::Now)
        .await
        .unwrap();
    assert_eq!(report.checks.len(), 9);
    assert_eq!(
        report.checks[7].status,
        roster_core::evidence::Status::Pass,
        "IDS-08: just synced"
    );
    assert!(
        signing_key(f.store.as_ref(), &f.tenant, Some("bad"))
            .await
            .is_err()
    );
}
