//! API: evidence of a source's snapshots — the diff between two snapshots,
//! the checks IDS-01 … IDS-09 with their settings and HR roster, and the
//! framework mapping — adapters over `service::evidence`. Bundles, reports
//! and verification are in `bundles`.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use roster_core::evidence::{CheckReport, Diff};
use serde::Deserialize;

use crate::auth::ApiWriter;
use crate::error::{ErrorBody, WebError};
use crate::extract::{AppJson, AppQuery, TenantSource, upload};
use crate::service::evidence::{self, CheckSettingsView, HR_ROSTER_LIMIT, HrRosterView};
use crate::state::AppState;

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
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<DiffQuery>,
) -> Result<Json<Diff>, WebError> {
    Ok(Json(
        evidence::diff(&state, &who, &source, q.from.as_deref(), q.to.as_deref()).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/checks", tag = "evidence", params(("id" = String, Path, description = "Source ID"), SyncQuery),
    responses((status = 200, description = "IDS-01 … IDS-09 with status, entities at fault and controls, as `checks.json` in a bundle (evaluated now)", body = Object),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn checks(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<SyncQuery>,
) -> Result<Json<CheckReport>, WebError> {
    let snapshot = evidence::snapshot_for(&state, &who, &source, q.sync.as_deref()).await?;
    Ok(Json(evidence::checks(&state, &who, &snapshot).await?))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/check-settings", tag = "evidence", params(("id" = String, Path, description = "Source ID")),
    responses((status = 200, body = CheckSettingsView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn get_settings(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
) -> Result<Json<CheckSettingsView>, WebError> {
    Ok(Json(evidence::settings(&state, &who, &source).await?))
}

#[utoipa::path(put, path = "/api/v1/sources/{id}/check-settings", tag = "evidence", params(("id" = String, Path, description = "Source ID")), request_body = CheckSettingsView,
    responses((status = 200, body = CheckSettingsView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn put_settings(
    State(state): State<AppState>,
    TenantSource {
        who: ApiWriter(who),
        source,
    }: TenantSource<ApiWriter>,
    AppJson(body): AppJson<CheckSettingsView>,
) -> Result<Json<CheckSettingsView>, WebError> {
    Ok(Json(
        evidence::save_settings(&state, &who, &source, &body)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct RosterQuery {
    /// The file's name, for the record (default `hr-roster.csv`).
    #[serde(default)]
    pub file_name: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/sources/{id}/hr-roster", tag = "evidence", params(("id" = String, Path, description = "Source ID"), RosterQuery),
    request_body(content = String, content_type = "text/csv", description = "Active employees: a CSV with an `email` header"),
    responses((status = 200, body = HrRosterView), (status = 400, description = "Line-numbered errors; nothing was stored", body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn put_roster(
    State(state): State<AppState>,
    TenantSource {
        who: ApiWriter(who),
        source,
    }: TenantSource<ApiWriter>,
    AppQuery(q): AppQuery<RosterQuery>,
    body: Body,
) -> Result<Json<HrRosterView>, WebError> {
    let bytes = upload::body(body, "HR roster", HR_ROSTER_LIMIT).await?;
    let name = q.file_name.unwrap_or_default();
    evidence::store_roster(&state, &who, &source, &name, &bytes)
        .await?
        .map(Json)
        .map_err(|e| evidence::roster_error(&e))
}

/// The evidence routes, merged into `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post, put};

    use super::bundles;
    axum::Router::new()
        .route("/sources/{id}/diff", get(diff))
        .route("/sources/{id}/checks", get(checks))
        .route(
            "/sources/{id}/check-settings",
            get(get_settings).put(put_settings),
        )
        .route("/sources/{id}/hr-roster", put(put_roster))
        .route("/sources/{id}/bundle", get(bundles::bundle))
        .route("/sources/{id}/report", get(bundles::report))
        .route("/controls", get(super::controls::controls))
        .route("/evidence/public-key", get(bundles::public_key))
        .route("/evidence/verify", post(bundles::verify))
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
