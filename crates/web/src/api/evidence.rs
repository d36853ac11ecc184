//! API: evidence of a source's snapshots — the diff between two snapshots,
//! the checks IDS-01 … IDS-09 with their settings and HR roster, and the
//! framework mapping. Bundles, reports and verification are in `bundles`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use roster_core::SyncId;
use roster_core::evidence::{CheckReport, CheckSettings, Diff, RosterLineError};
use roster_engine::evidence::{self, AsOf};
use roster_store::{Snapshot, Source};
use serde::{Deserialize, Serialize};

use crate::audit::actor;
use crate::auth::{ApiWriter, Principal};
use crate::error::{ErrorBody, WebError};
use crate::pages::source_of;
use crate::state::AppState;

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
/// the tenant, 409 when incomplete or of another source), else the latest.
pub async fn snapshot_for(
    state: &AppState,
    who: &Principal,
    source: &Source,
    sync: Option<&str>,
) -> Result<Snapshot, WebError> {
    if let Some(id) = parse_opt(sync)? {
        let run = evidence::complete_run(state.store.as_ref(), who.tenant(), id, Some(&source.id))
            .await?;
        return Ok(Snapshot {
            source_id: source.id.clone(),
            sync_id: run.id,
        });
    }
    state
        .store
        .latest_snapshot(who.tenant(), &source.id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("completed sync of source {}", source.id)))
}

/// The diff `from` → `to` (defaults: the latest and the one before it).
pub async fn diff_of(
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
pub async fn checks_of(
    state: &AppState,
    who: &Principal,
    snapshot: &Snapshot,
) -> Result<CheckReport, WebError> {
    Ok(evidence::check_report(state.store.as_ref(), who.tenant(), snapshot, AsOf::Now).await?)
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct DiffQuery {
    /// The older complete sync (default: the one before `to`).
    #[serde(default)]
    pub from: Option<String>,
    /// The newer complete sync (default: the latest).
    #[serde(default)]
    pub to: Option<String>,
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct SyncQuery {
    /// A complete sync of the source (default: the latest).
    #[serde(default)]
    pub sync: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/diff", tag = "evidence", params(("id" = String, Path, description = "Source ID"), DiffQuery),
    responses((status = 200, description = "The diff, as `diff.json` in a bundle: users added/removed/changed per field, groups added/removed/renamed, memberships added/removed", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "An incomplete sync, another source's sync, or no earlier snapshot", body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn diff(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Json<Diff>, WebError> {
    let source = source_of(&state, &who, &id).await?;
    Ok(Json(
        diff_of(&state, &who, &source, q.from.as_deref(), q.to.as_deref()).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/checks", tag = "evidence", params(("id" = String, Path, description = "Source ID"), SyncQuery),
    responses((status = 200, description = "IDS-01 … IDS-09 with status, entities at fault and controls, as `checks.json` in a bundle (evaluated now)", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn checks(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<SyncQuery>,
) -> Result<Json<CheckReport>, WebError> {
    let source = source_of(&state, &who, &id).await?;
    let snapshot = snapshot_for(&state, &who, &source, q.sync.as_deref()).await?;
    Ok(Json(checks_of(&state, &who, &snapshot).await?))
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
pub fn validate_settings(v: &CheckSettingsView) -> Result<CheckSettings, WebError> {
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

/// Validates and stores settings (the engine records the change).
pub async fn save_settings(
    state: &AppState,
    who: &Principal,
    source: &Source,
    view: &CheckSettingsView,
) -> Result<CheckSettings, WebError> {
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

#[utoipa::path(get, path = "/api/v1/sources/{id}/check-settings", tag = "evidence", params(("id" = String, Path, description = "Source ID")),
    responses((status = 200, body = CheckSettingsView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn get_settings(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<CheckSettingsView>, WebError> {
    let source = source_of(&state, &who, &id).await?;
    let s = state.store.check_settings(who.tenant(), &source.id).await?;
    Ok(Json(s.into()))
}

#[utoipa::path(put, path = "/api/v1/sources/{id}/check-settings", tag = "evidence", params(("id" = String, Path, description = "Source ID")), request_body = CheckSettingsView,
    responses((status = 200, body = CheckSettingsView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn put_settings(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    Path(id): Path<String>,
    Json(body): Json<CheckSettingsView>,
) -> Result<Json<CheckSettingsView>, WebError> {
    let source = source_of(&state, &who, &id).await?;
    Ok(Json(
        save_settings(&state, &who, &source, &body).await?.into(),
    ))
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

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct RosterQuery {
    /// The file's name, for the record (default `hr-roster.csv`).
    #[serde(default)]
    pub file_name: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/sources/{id}/hr-roster", tag = "evidence", params(("id" = String, Path, description = "Source ID"), RosterQuery),
    request_body(content = String, content_type = "text/csv", description = "Active employees: a CSV with an `email` header"),
    responses((status = 200, body = HrRosterView), (status = 400, description = "Line-numbered errors; nothing was stored", body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn put_roster(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    Path(id): Path<String>,
    Query(q): Query<RosterQuery>,
    body: Bytes,
) -> Result<Json<HrRosterView>, WebError> {
    let source = source_of(&state, &who, &id).await?;
    let name = q.file_name.unwrap_or_default();
    store_roster(&state, &who, &source, &name, &body)
        .await?
        .map(Json)
        .map_err(|e| roster_error(&e))
}

/// The evidence routes, merged into `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post, put};

    use super::bundles;
    let upload = DefaultBodyLimit::max(bundles::UPLOAD_LIMIT);
    axum::Router::new()
        .route("/sources/{id}/diff", get(diff))
        .route("/sources/{id}/checks", get(checks))
        .route(
            "/sources/{id}/check-settings",
            get(get_settings).put(put_settings),
        )
        .route("/sources/{id}/hr-roster", put(put_roster).layer(upload))
        .route("/sources/{id}/bundle", get(bundles::bundle))
        .route("/sources/{id}/report", get(bundles::report))
        .route("/controls", get(super::controls::controls))
        .route("/evidence/public-key", get(bundles::public_key))
        .route("/evidence/verify", post(bundles::verify).layer(upload))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    diff,
    checks,
    get_settings,
    put_settings,
    put_roster,
    super::controls::controls,
    super::bundles::bundle,
    super::bundles::report,
    super::bundles::public_key,
    super::bundles::verify,
))]
pub struct EvidenceApi;
