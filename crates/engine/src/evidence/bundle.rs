//! The evidence bundle: one zip per snapshot with fixed entry order, fixed
//! timestamps and stable JSON, so the same snapshot always yields the same
//! bytes; `manifest.json` (last) lists the SHA-256 of every file and is
//! signed with Ed25519. Verification (`verify`) reads it back and names
//! every problem.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};

use roster_core::evidence::manifest::{self, MANIFEST_FILE, json_file};
use roster_core::evidence::tables::{self, CsvFile};
use roster_core::evidence::{BundleKey, Manifest};
use roster_core::{SnapshotCounts, TenantId, Timestamp};
use roster_store::{AuditEntry, Snapshot, Store, SyncRun};
use serde::Serialize;
use serde_json::json;
use zip::write::SimpleFileOptions;

use super::access::{AccessEvidence, access_snapshot};
use super::access_files::{AccessCollection, access_files};
use super::access_history::directory_run;
use super::{AsOf, ReportData, check_report, complete_run, diff, report};
use crate::EngineError;

/// Entries in the order they are written (`diff.json` only when a previous
/// snapshot exists; the access files of `access_files::ACCESS_ENTRY_ORDER`
/// only when the source has access data).
pub const BUNDLE_ENTRY_ORDER: &[&str] = &[
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
    MANIFEST_FILE,
];

const PAGE: u32 = 1_000;

/// `collection.json`: where and how the snapshot was collected.
#[derive(Debug, Serialize)]
struct Collection<'a> {
    format: &'static str,
    roster_version: &'static str,
    tenant: &'a str,
    source_id: &'a str,
    source_name: &'a str,
    account_id: Option<String>,
    role_arn: Option<String>,
    identity_store_id: Option<String>,
    region: Option<String>,
    instance_arn: Option<String>,
    sync_id: i64,
    sync_started_at: Timestamp,
    sync_finished_at: Option<Timestamp>,
    previous_sync_id: Option<i64>,
    counts: SnapshotCounts,
    api_calls: &'a BTreeMap<String, u64>,
    retries: u64,
    throttled: u64,
    wall_s: f64,
    floor_s: f64,
    /// The access snapshot the bundle holds (absent without access data, so
    /// directory-only bundles keep their bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    access: Option<AccessCollection<'a>>,
}

async fn users_csv(
    store: &dyn Store,
    tenant: &TenantId,
    snap: &Snapshot,
    format: u8,
) -> Result<Vec<u8>, EngineError> {
    let mut file = CsvFile::new(&tables::user_header(format));
    let mut after: Option<String> = None;
    loop {
        let page = store
            .users_page(tenant, snap, after.as_deref(), PAGE)
            .await?;
        for u in &page {
            file.push(&tables::user_record_in(u, format));
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = Some(last.user_id.to_string()),
            _ => return Ok(file.into_bytes()),
        }
    }
}

async fn groups_csv(
    store: &dyn Store,
    tenant: &TenantId,
    snap: &Snapshot,
    format: u8,
) -> Result<Vec<u8>, EngineError> {
    let mut file = CsvFile::new(&tables::group_header(format));
    let mut after: Option<String> = None;
    loop {
        let page = store
            .groups_page(tenant, snap, after.as_deref(), PAGE)
            .await?;
        for g in &page {
            file.push(&tables::group_record_in(g, format));
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = Some(last.group_id.to_string()),
            _ => return Ok(file.into_bytes()),
        }
    }
}

async fn memberships_csv(
    store: &dyn Store,
    tenant: &TenantId,
    snap: &Snapshot,
    format: u8,
) -> Result<Vec<u8>, EngineError> {
    let mut file = CsvFile::new(&tables::membership_header(format));
    let mut after: Option<String> = None;
    loop {
        let page = store
            .memberships_page(tenant, snap, after.as_deref(), PAGE)
            .await?;
        for m in &page {
            file.push(&tables::membership_record_in(
                &m.membership,
                m.group_display_name.as_deref(),
                m.user_name.as_deref(),
                format,
            ));
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => {
                after = Some(last.membership.membership_id.to_string());
            }
            _ => return Ok(file.into_bytes()),
        }
    }
}

/// `collection.json`'s `format`: the manifest's format for snapshots of
/// directory format 1 (their bundles stay byte-identical), `roster-evidence/2`
/// when the CSVs carry format 2's added columns (ARNs, who changed what,
/// the enterprise extension, membership timestamps). `manifest.json` keeps
/// its own format: signing and verification are unchanged.
fn collection_format(directory_format: u8) -> &'static str {
    if directory_format >= 2 {
        "roster-evidence/2"
    } else {
        manifest::FORMAT
    }
}

fn collection(
    tenant: &TenantId,
    source: &roster_store::Source,
    run: &SyncRun,
    previous: Option<i64>,
    access: Option<&AccessEvidence>,
) -> Vec<u8> {
    let location = source.location.as_ref();
    json_file(&Collection {
        format: collection_format(run.directory_format),
        roster_version: env!("CARGO_PKG_VERSION"),
        tenant: tenant.as_str(),
        source_id: source.id.as_str(),
        source_name: &source.name,
        account_id: location
            .and_then(|l| l.account_id.as_ref().map(ToString::to_string))
            .or_else(|| source.role_arn.as_ref().map(|r| r.account().to_string())),
        role_arn: source.role_arn.as_ref().map(ToString::to_string),
        identity_store_id: run
            .identity_store_id
            .clone()
            .or_else(|| location.map(|l| l.identity_store_id.to_string())),
        region: run
            .region
            .clone()
            .or_else(|| location.map(|l| l.region.to_string())),
        instance_arn: location.and_then(|l| l.instance_arn.clone()),
        sync_id: run.id.0,
        sync_started_at: run.started_at,
        sync_finished_at: run.finished_at,
        previous_sync_id: previous,
        counts: run.counts,
        api_calls: &run.stats.calls,
        retries: run.stats.retries,
        throttled: run.stats.throttled,
        wall_s: run.stats.wall_s,
        floor_s: run.stats.floor_s,
        access: access.map(AccessCollection::of),
    })
}

/// Signs `files` (the manifest of their hashes, appended as
/// [`MANIFEST_FILE`]) and zips them: the zip and the manifest's SHA-256.
/// Snapshot and campaign bundles alike, so `roster evidence verify` checks both.
pub(crate) fn sign_and_zip(
    mut files: Vec<(&str, Vec<u8>)>,
    key: &BundleKey,
) -> Result<(Vec<u8>, String), EngineError> {
    let list: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let manifest_bytes = json_file(&Manifest::sign(&list, key));
    let manifest_sha = manifest::sha256_hex(&manifest_bytes);
    files.push((MANIFEST_FILE, manifest_bytes));
    Ok((zip_files(&files)?, manifest_sha))
}

fn zip_files(files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>, EngineError> {
    let internal =
        |e: &dyn std::fmt::Display| EngineError::Internal(format!("writing the bundle: {e}"));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in files {
        zip.start_file(*name, options).map_err(|e| internal(&e))?;
        zip.write_all(bytes).map_err(|e| internal(&e))?;
    }
    Ok(zip.finish().map_err(|e| internal(&e))?.into_inner())
}

/// Exports the bundle of a snapshot as zip bytes and records the export in
/// the audit log. Checks are evaluated as of the snapshot's end, so two
/// exports of one snapshot (with the same settings and HR roster) are
/// byte-identical.
pub async fn export_bundle(
    store: &dyn Store,
    tenant: &TenantId,
    snapshot: &Snapshot,
    key: &BundleKey,
    actor: &str,
) -> Result<Vec<u8>, EngineError> {
    let snapshot_run =
        complete_run(store, tenant, snapshot.sync_id, Some(&snapshot.source_id)).await?;
    // The directory's run: the snapshot's own, or the one an access run reads.
    let run = directory_run(store, tenant, snapshot_run.clone())
        .await?
        .unwrap_or(snapshot_run);
    let source = store.get_source(tenant, &snapshot.source_id).await?;
    let checks = check_report(store, tenant, snapshot, AsOf::SnapshotEnd).await?;
    let diff = diff(
        store,
        tenant,
        &snapshot.source_id,
        None,
        Some(snapshot.sync_id),
    )
    .await?;
    let mut data = ReportData::gather(store, tenant, &source, &run, &checks, diff.as_ref()).await?;
    data.access = match access_snapshot(store, tenant, snapshot).await? {
        Some(a) => Some(AccessEvidence::gather(store, tenant, a).await?),
        None => None,
    };
    let format = run.directory_format;
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (
            "collection.json",
            collection(
                tenant,
                &source,
                &run,
                diff.as_ref().map(|d| d.from_sync),
                data.access.as_ref(),
            ),
        ),
        (
            "users.csv",
            users_csv(store, tenant, snapshot, format).await?,
        ),
        (
            "groups.csv",
            groups_csv(store, tenant, snapshot, format).await?,
        ),
        (
            "memberships.csv",
            memberships_csv(store, tenant, snapshot, format).await?,
        ),
        ("checks.json", json_file(&checks)),
    ];
    if let Some(d) = &diff {
        files.push(("diff.json", json_file(d)));
    }
    if let Some(a) = &data.access {
        files.extend(access_files(a));
    }
    files.push(("report.html", report::render(&data).into_bytes()));
    let (bytes, manifest_sha) = sign_and_zip(files, key)?;
    let entry = AuditEntry::new(
        actor,
        "evidence.export",
        format!("sync:{}", snapshot.sync_id),
        json!({
            "source_id": snapshot.source_id.as_str(),
            "manifest_sha256": manifest_sha,
            "public_key": key.public_key(),
            "bytes": bytes.len(),
        }),
    );
    store.append_audit(tenant, &entry).await?;
    Ok(bytes)
}
