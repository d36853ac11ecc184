//! Evidence of a source's snapshots: which snapshot a read uses (engine's
//! one rule, `roster_engine::snapshot`), the diff between two snapshots,
//! the checks IDS-01 … IDS-09 with their settings, and the HR roster.

use roster_core::SyncId;
use roster_core::evidence::{CheckReport, CheckSettings, Diff, RosterLineError};
use roster_engine::evidence::{self, AsOf};
use roster_engine::snapshot;
use roster_store::{Snapshot, Source};
use serde::{Deserialize, Serialize};

use crate::audit::actor;
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// HR rosters uploaded: at most this many bytes (far more than the row
/// limit needs; the rows are checked after).
pub const HR_ROSTER_LIMIT: usize = 64 * 1024 * 1024;

/// A sync ID from a URL: a positive integer, else 400.
pub fn parse_sync(raw: &str) -> Result<SyncId, WebError> {
    match raw.trim().parse::<i64>() {
        Ok(n) if n > 0 => Ok(SyncId(n)),
        _ => Err(WebError::bad_request(
            "invalid-sync",
            format!("{raw:?} is not a sync ID (a positive number, as on the Syncs page)"),
        )),
    }
}

fn parse_opt(raw: Option<&str>) -> Result<Option<SyncId>, WebError> {
    raw.filter(|s| !s.is_empty()).map(parse_sync).transpose()
}

/// The snapshot of `sync` (a complete sync of `source`; 404 when unknown to
/// the tenant, 409 when incomplete or of another source), else the latest —
/// of either scope, so a source that collects access exports and checks the
/// directory and access of one moment (its latest snapshot otherwise).
pub async fn snapshot_for(
    state: &AppState,
    who: &Principal,
    source: &Source,
    sync: Option<&str>,
) -> Result<Snapshot, WebError> {
    let sync = parse_opt(sync)?;
    if sync.is_none()
        && let Some(latest) =
            evidence::latest_evidence_snapshot(state.store.as_ref(), who.tenant(), &source.id)
                .await?
    {
        return Ok(latest);
    }
    Ok(snapshot::resolve(state.store.as_ref(), who.tenant(), &source.id, sync).await?)
}

/// The source and snapshot of a complete sync of the principal's tenant:
/// 400 for a malformed ID, 404 for an unknown one, 409 for an incomplete one.
pub async fn sync_snapshot(
    state: &AppState,
    who: &Principal,
    raw: &str,
) -> Result<(Source, Snapshot), WebError> {
    let id = parse_sync(raw)?;
    let run = snapshot::complete_run(state.store.as_ref(), who.tenant(), id, None).await?;
    let source = state.store.get_source(who.tenant(), &run.source_id).await?;
    Ok((
        source,
        Snapshot {
            source_id: run.source_id,
            sync_id: run.id,
        },
    ))
}

/// The diff `from` → `to` (defaults: the latest and the one before it).
pub async fn diff(
    state: &AppState,
    who: &Principal,
    source: &Source,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Diff, WebError> {
    let (from, to) = (parse_opt(from)?, parse_opt(to)?);
    if let (Some(f), Some(t)) = (from, to)
        && f >= t
    {
        return Err(WebError::bad_request(
            "invalid-sync",
            format!("from ({f}) must be an older sync than to ({t})"),
        ));
    }
    evidence::diff(state.store.as_ref(), who.tenant(), &source.id, from, to)
        .await?
        .ok_or_else(|| {
            WebError::Conflict(format!(
                "sync {} is the first snapshot of source {}; there is no earlier snapshot to compare it with",
                to.map_or_else(|| "latest".to_owned(), |t| t.to_string()),
                source.id
            ))
        })
}

/// The checks of a snapshot, evaluated now.
pub async fn checks(
    state: &AppState,
    who: &Principal,
    snapshot: &Snapshot,
) -> Result<CheckReport, WebError> {
    Ok(evidence::check_report(state.store.as_ref(), who.tenant(), snapshot, AsOf::Now).await?)
}

/// A source's check settings.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckSettingsView {
    /// IDS-01: user names or user IDs of break-glass accounts.
    #[serde(default)]
    pub exemptions: Vec<String>,
    /// IDS-07: privileged group name patterns (`*`, `?`; any case).
    #[serde(default)]
    pub privileged_patterns: Vec<String>,
    /// IDS-08: hours within which a successful sync must have happened (1–8760).
    pub freshness_hours: u32,
}

impl From<CheckSettings> for CheckSettingsView {
    fn from(s: CheckSettings) -> Self {
        Self {
            exemptions: s.exemptions,
            privileged_patterns: s.privileged_patterns,
            freshness_hours: s.freshness_hours,
        }
    }
}

fn clean(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

/// Settings as stored: trimmed, without blanks or duplicates, freshness in range.
fn validate_settings(v: &CheckSettingsView) -> Result<CheckSettings, WebError> {
    if !(1..=8760).contains(&v.freshness_hours) {
        return Err(WebError::bad_request(
            "invalid-settings",
            "freshness_hours is a whole number of hours from 1 to 8760",
        ));
    }
    let lists = [&v.exemptions, &v.privileged_patterns];
    if lists
        .iter()
        .any(|l| l.len() > 1000 || l.iter().any(|s| s.len() > 256))
    {
        return Err(WebError::bad_request(
            "invalid-settings",
            "at most 1000 entries of at most 256 characters each",
        ));
    }
    Ok(CheckSettings {
        exemptions: clean(&v.exemptions),
        privileged_patterns: clean(&v.privileged_patterns),
        freshness_hours: v.freshness_hours,
    })
}

/// A source's check settings as stored.
pub async fn settings(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<CheckSettingsView, WebError> {
    Ok(state
        .store
        .check_settings(who.tenant(), &source.id)
        .await?
        .into())
}

/// Validates and stores settings (the engine records the change).
pub async fn save_settings(
    state: &AppState,
    who: &Principal,
    source: &Source,
    view: &CheckSettingsView,
) -> Result<CheckSettings, WebError> {
    who.require_admin()?;
    let settings = validate_settings(view)?;
    evidence::save_check_settings(
        state.store.as_ref(),
        who.tenant(),
        &source.id,
        &settings,
        &actor(who),
    )
    .await?;
    Ok(settings)
}

/// What an accepted HR roster holds.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HrRosterView {
    pub file_name: String,
    /// Distinct active employees' e-mail addresses.
    pub employees: usize,
}

/// The line-numbered errors of a rejected roster as one 400 error.
pub fn roster_error(errors: &[RosterLineError]) -> WebError {
    const SHOWN: usize = 50;
    let mut lines: Vec<String> = errors.iter().take(SHOWN).map(ToString::to_string).collect();
    if errors.len() > SHOWN {
        lines.push(format!("and {} more", errors.len() - SHOWN));
    }
    WebError::bad_request(
        "invalid-hr-roster",
        format!(
            "the HR roster was not stored: {}. Fix the file (a CSV with an `email` header) and upload all of it again",
            lines.join("; ")
        ),
    )
}

/// Parses and (only when every line is valid) stores an HR roster.
pub async fn store_roster(
    state: &AppState,
    who: &Principal,
    source: &Source,
    file_name: &str,
    bytes: &[u8],
) -> Result<Result<HrRosterView, Vec<RosterLineError>>, WebError> {
    who.require_admin()?;
    let name = file_name.trim();
    let name = if name.is_empty() {
        "hr-roster.csv"
    } else {
        name
    };
    let name: String = name.chars().take(200).collect();
    let stored = evidence::upload_hr_roster(
        state.store.as_ref(),
        who.tenant(),
        &source.id,
        &name,
        bytes,
        &actor(who),
    )
    .await?;
    Ok(stored.map(|r| HrRosterView {
        file_name: name,
        employees: r.len(),
    }))
}
