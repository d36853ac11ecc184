//! Evidence services for the CLI and the console: diffs between snapshots,
//! checks of a snapshot (and their settings and HR roster), the signing key,
//! signed reproducible bundles and their verification, and the HTML report.
//!
//! Depends on `roster-core` (the rules) and `roster-store` (the data).

mod access;
mod access_files;
mod access_history;
mod bundle;
mod report;
mod report_access;
mod verify;

use roster_core::evidence::checks::{self, StatusCounts};
use roster_core::evidence::{
    BundleKey, CheckInput, CheckReport, CheckSettings, Diff, Freshness, HrRoster, RosterLineError,
    diff as core_diff, hr_roster,
};
use roster_core::{SourceId, SyncId, TenantId};
use roster_store::{AuditEntry, Snapshot, Store, StoreError, SyncRun, SyncScope, SyncStatus};
use serde_json::json;

pub use access::{
    ACCESS_PAGE, AccessCheckReport, AccessEvidence, AccessSnapshot, PrivilegedAccount, RowCounts,
    access_check_report, access_checks, access_rows, access_snapshot, latest_access_snapshot,
    no_access_snapshot,
};
pub use access_files::{ACCESS_ENTRY_ORDER, access_diff_csv};
pub use access_history::{latest_evidence_snapshot, save_access_settings};
pub(crate) use bundle::sign_and_zip;
pub use bundle::{BUNDLE_ENTRY_ORDER, export_bundle};
pub use report::{ReportData, render, render_report};
pub use verify::{
    BundleVerifier, Verification, VerifyLimits, verify, verify_bundle, verify_reader,
};

use crate::EngineError;
/// Kept here for callers that still name it `evidence::complete_run`; the
/// rule lives in [`crate::snapshot`].
pub use crate::snapshot::complete_run;

/// How many past syncs history reads at most (charts, previous snapshot).
const HISTORY: u32 = 10_000;

/// The source's complete directory syncs up to and including `up_to`,
/// oldest first (access runs change no directory row).
pub async fn snapshot_history(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    up_to: SyncId,
) -> Result<Vec<SyncRun>, EngineError> {
    let mut runs: Vec<SyncRun> = store
        .list_syncs(tenant, source, HISTORY)
        .await?
        .into_iter()
        .filter(|r| {
            r.status == SyncStatus::Complete && r.scope == SyncScope::Directory && r.id <= up_to
        })
        .collect();
    runs.reverse();
    Ok(runs)
}

/// The snapshot before `snapshot`, if any.
pub async fn previous_snapshot(
    store: &dyn Store,
    tenant: &TenantId,
    snapshot: &Snapshot,
) -> Result<Option<Snapshot>, EngineError> {
    let history = snapshot_history(store, tenant, &snapshot.source_id, snapshot.sync_id).await?;
    Ok(history
        .iter()
        .rev()
        .find(|r| r.id < snapshot.sync_id)
        .and_then(SyncRun::snapshot))
}

/// The diff between two snapshots of `source`: `to` defaults to the latest,
/// `from` to the one before `to`. `None` when `to` is the first snapshot
/// and no `from` was given. Reads only the versions that changed.
pub async fn diff(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    from: Option<SyncId>,
    to: Option<SyncId>,
) -> Result<Option<Diff>, EngineError> {
    let to = match to {
        Some(id) => {
            // An access run's directory is its newest directory run's.
            let run = complete_run(store, tenant, id, Some(source)).await?;
            match access_history::directory_run(store, tenant, run).await? {
                Some(r) => r.id,
                None => return Ok(None),
            }
        }
        None => {
            crate::snapshot::latest(store, tenant, source)
                .await?
                .ok_or_else(|| {
                    EngineError::not_found(format!("a complete sync of source {source}"))
                })?
                .sync_id
        }
    };
    let from = if let Some(id) = from {
        complete_run(store, tenant, id, Some(source)).await?.id
    } else {
        let snap = Snapshot {
            source_id: source.clone(),
            sync_id: to,
        };
        let Some(prev) = previous_snapshot(store, tenant, &snap).await? else {
            return Ok(None);
        };
        prev.sync_id
    };
    if from >= to {
        return Err(EngineError::Invalid(format!(
            "--from ({from}) must be an older sync than --to ({to})"
        )));
    }
    let changes = store.version_changes(tenant, source, from, to).await?;
    Ok(Some(core_diff::compute(
        source.as_str(),
        from.0,
        to.0,
        changes,
    )))
}

/// The time checks are evaluated at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// The wall clock: "is the source fresh now?" (CLI, console).
    Now,
    /// The end of the snapshot's sync: reproducible (bundles).
    SnapshotEnd,
}

/// Runs IDS-01 … IDS-09 on a snapshot with the source's settings and its latest HR roster.
pub async fn check_report(
    store: &dyn Store,
    tenant: &TenantId,
    snapshot: &Snapshot,
    as_of: AsOf,
) -> Result<CheckReport, EngineError> {
    let source = &snapshot.source_id;
    let run = complete_run(store, tenant, snapshot.sync_id, Some(source)).await?;
    let settings = store.check_settings(tenant, source).await?;
    let users = store.user_facts(tenant, snapshot).await?;
    let groups = store.group_facts(tenant, snapshot).await?;
    let previous = diff(store, tenant, source, None, Some(snapshot.sync_id)).await?;
    let roster = store.latest_hr_roster(tenant, source).await?;
    let (now, last) = match as_of {
        AsOf::SnapshotEnd => (run.finished_at, run.finished_at),
        AsOf::Now => {
            let latest = match store.latest_snapshot(tenant, source).await? {
                Some(s) => store.get_sync(tenant, s.sync_id).await?.finished_at,
                None => None,
            };
            (Some(store.clock().now()), latest)
        }
    };
    let age = match (now, last) {
        (Some(n), Some(l)) => Some(n.seconds_since(l)),
        _ => None,
    };
    let freshness = Freshness {
        last_success_at: last.map(|t| t.to_string()),
        age_seconds: age,
    };
    let results = checks::run(&CheckInput {
        users: &users,
        groups: &groups,
        settings: &settings,
        previous: previous.as_ref(),
        freshness: &freshness,
        hr_roster: roster.as_ref().map(|r| &r.roster),
    });
    Ok(CheckReport {
        source_id: source.to_string(),
        sync_id: snapshot.sync_id.0,
        as_of: now.map(|t| t.to_string()).unwrap_or_default(),
        settings,
        hr_roster: roster.map(|r| format!("{} (uploaded {})", r.file_name, r.uploaded_at)),
        summary: StatusCounts::of(&results),
        checks: results,
    })
}

/// Records a check run in the audit log.
pub async fn record_check_run(
    store: &dyn Store,
    tenant: &TenantId,
    actor: &str,
    report: &CheckReport,
) -> Result<(), EngineError> {
    let failing: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == checks::Status::Fail)
        .map(|c| c.id)
        .collect();
    let entry = AuditEntry::new(
        actor,
        "checks.run",
        format!("sync:{}", report.sync_id),
        json!({"source_id": report.source_id, "summary": report.summary, "failing": failing}),
    );
    store.append_audit(tenant, &entry).await?;
    Ok(())
}

/// Stores the source's check settings and records the change.
pub async fn save_check_settings(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    settings: &CheckSettings,
    actor: &str,
) -> Result<(), EngineError> {
    store.set_check_settings(tenant, source, settings).await?;
    let entry = AuditEntry::new(actor, "checks.settings", source.as_str(), json!(settings));
    store.append_audit(tenant, &entry).await?;
    Ok(())
}

/// Parses an uploaded HR roster CSV and, only if every line is valid, stores
/// it as the source's latest. Bad files come back as line-numbered errors.
pub async fn upload_hr_roster(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    file_name: &str,
    bytes: &[u8],
    actor: &str,
) -> Result<Result<HrRoster, Vec<RosterLineError>>, EngineError> {
    let roster = match hr_roster::parse(bytes) {
        Ok(r) => r,
        Err(errors) => return Ok(Err(errors)),
    };
    store
        .save_hr_roster(tenant, source, file_name, &roster)
        .await?;
    let entry = AuditEntry::new(
        actor,
        "hr_roster.upload",
        source.as_str(),
        json!({"file_name": file_name, "employees": roster.len()}),
    );
    store.append_audit(tenant, &entry).await?;
    Ok(Ok(roster))
}

/// The tenant's bundle signing key: `configured` (`ROSTER_SIGNING_KEY`, a
/// base64 32-byte seed) when set, else the one stored in the database,
/// generated on first use.
pub async fn signing_key(
    store: &dyn Store,
    tenant: &TenantId,
    configured: Option<&str>,
) -> Result<BundleKey, EngineError> {
    if let Some(seed) = configured.filter(|s| !s.trim().is_empty()) {
        return BundleKey::from_seed_base64(seed)
            .map_err(|e| EngineError::Internal(format!("ROSTER_SIGNING_KEY: {e}")));
    }
    let candidate = BundleKey::generate();
    let seed = store.signing_seed(tenant, &candidate.seed_base64()).await?;
    BundleKey::from_seed_base64(&seed)
        .map_err(|e| EngineError::Store(StoreError::Corrupt(format!("stored signing key: {e}"))))
}
