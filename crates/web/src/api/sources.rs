//! API: the catalog, sources (connections), their setup artefacts, the
//! connection test, Sync now, turn off/on, schedule and delete — adapters
//! over `service::sources`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use roster_core::{RoleArn, Timestamp};
use roster_store::Source;
use serde::{Deserialize, Serialize};

use crate::auth::{ApiWriter, Principal};
use crate::catalog::{CATALOG, CatalogEntry};
use crate::error::{ErrorBody, WebError};
use crate::extract::{AppJson, AppQuery, TenantSource};
use crate::service::connection_test::{ConnectInput, ConnectResult, LocationView};
use crate::service::sources;
use crate::setup::SetupView;
use crate::state::AppState;

/// A connection as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SourceView {
    pub id: String,
    pub name: String,
    /// pending, connected or disabled.
    pub status: String,
    pub role_arn: Option<String>,
    pub location: Option<LocationView>,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    pub sync_interval_s: u32,
    #[schema(value_type = Option<String>)]
    pub next_sync_at: Option<Timestamp>,
    /// Requests per second per Identity Store API, if AWS raised this
    /// instance's quota (null: AWS's default, 20).
    pub api_tps: Option<u32>,
    /// How AWS counts this instance's quota: `collective` (one bucket for
    /// `ListUsers`, `ListGroups` and `ListGroupMemberships`) or `per-api`.
    pub quota_model: String,
    /// The fraction of the quota syncs use, in (0, 1].
    pub budget: f64,
}

impl From<&Source> for SourceView {
    fn from(s: &Source) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name.clone(),
            status: s.status.as_str().to_owned(),
            role_arn: s.role_arn.as_ref().map(ToString::to_string),
            location: s.location.as_ref().map(LocationView::from),
            created_at: s.created_at,
            sync_interval_s: s.sync_interval_s,
            next_sync_at: s.next_sync_at,
            api_tps: s.api_tps,
            quota_model: s.quota_model.as_str().to_owned(),
            budget: s.quota_budget,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/catalog", tag = "sources", responses((status = 200, body = [CatalogEntry]), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn catalog(_who: Principal) -> Json<Vec<CatalogEntry>> {
    Json(CATALOG.to_vec())
}

#[utoipa::path(get, path = "/api/v1/sources", tag = "sources", responses((status = 200, body = [SourceView]), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<Vec<SourceView>>, WebError> {
    let sources = sources::list(&state, &who).await?;
    Ok(Json(sources.iter().map(SourceView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateSource {
    /// A catalog kind; only `aws-identity-store` is available.
    pub kind: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/sources", tag = "sources", request_body = CreateSource, responses((status = 201, body = SourceView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    AppJson(body): AppJson<CreateSource>,
) -> Result<(StatusCode, Json<SourceView>), WebError> {
    let source = sources::create(&state, &who, &body.kind, body.name.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(SourceView::from(&source))))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}", tag = "sources", params(("id" = String, Path, description = "Source ID")), responses((status = 200, body = SourceView), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn get(TenantSource { source, .. }: TenantSource) -> Json<SourceView> {
    Json(SourceView::from(&source))
}

#[utoipa::path(delete, path = "/api/v1/sources/{id}", tag = "sources", params(("id" = String, Path, description = "Source ID")), responses((status = 204), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn delete(
    State(state): State<AppState>,
    TenantSource {
        who: ApiWriter(who),
        source,
    }: TenantSource<ApiWriter>,
) -> Result<StatusCode, WebError> {
    sources::delete(&state, &who, &source).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/setup", tag = "sources", params(("id" = String, Path, description = "Source ID")), responses((status = 200, body = SetupView), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn setup(
    State(state): State<AppState>,
    TenantSource { source, .. }: TenantSource,
) -> Json<SetupView> {
    Json(sources::setup(&state, &source))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StreamQuery {
    /// `true`: NDJSON lines, one per step as it completes, then the result.
    #[serde(default)]
    pub stream: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/sources/{id}/connect", tag = "sources", params(("id" = String, Path, description = "Source ID"), StreamQuery), request_body = ConnectInput,
    responses((status = 200, body = ConnectResult, description = "connected, or failed with the diagnosis (the source stays pending)"), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody, description = "invalid-role-arn"), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn connect_source(
    State(state): State<AppState>,
    TenantSource {
        who: ApiWriter(who),
        source,
    }: TenantSource<ApiWriter>,
    AppQuery(q): AppQuery<StreamQuery>,
    AppJson(input): AppJson<ConnectInput>,
) -> Result<Response, WebError> {
    if q.stream == Some(true) {
        let body = sources::connect_streamed(&state, &who, &source, &input)?;
        return Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response());
    }
    let result = sources::connect(&state, &who, &source, &input).await?;
    Ok(Json(result).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Queued {
    pub job_id: i64,
}

#[utoipa::path(post, path = "/api/v1/sources/{id}/sync", tag = "sources", params(("id" = String, Path, description = "Source ID")), responses((status = 202, body = Queued), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn sync(
    State(state): State<AppState>,
    TenantSource {
        who: ApiWriter(who),
        source,
    }: TenantSource<ApiWriter>,
) -> Result<(StatusCode, Json<Queued>), WebError> {
    let job = sources::sync(&state, &who, &source).await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { job_id: job.0 })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Enabled {
    /// `false` turns the source off (no syncs, history kept).
    pub enabled: bool,
}

#[utoipa::path(put, path = "/api/v1/sources/{id}/enabled", tag = "sources", params(("id" = String, Path, description = "Source ID")), request_body = Enabled, responses((status = 200, body = SourceView), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn set_enabled(
    State(state): State<AppState>,
    TenantSource {
        who: ApiWriter(who),
        source,
    }: TenantSource<ApiWriter>,
    AppJson(body): AppJson<Enabled>,
) -> Result<Json<SourceView>, WebError> {
    let source = sources::set_enabled(&state, &who, &source, body.enabled).await?;
    Ok(Json(SourceView::from(&source)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Hours between scheduled syncs, 1 to 720.
    pub interval_hours: u32,
    /// Requests per second per Identity Store API (1 to 1000), if AWS raised
    /// this instance's quota; null or absent: AWS's default, 20.
    #[serde(default)]
    pub api_tps: Option<u32>,
    /// `collective` or `per-api`; absent: unchanged.
    #[serde(default)]
    pub quota_model: Option<String>,
    /// The fraction of the quota syncs use, above 0 and at most 1; absent: unchanged.
    #[serde(default)]
    pub budget: Option<f64>,
}

#[utoipa::path(put, path = "/api/v1/sources/{id}/schedule", tag = "sources", params(("id" = String, Path, description = "Source ID")), request_body = Schedule, responses((status = 200, body = SourceView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn set_schedule(
    State(state): State<AppState>,
    TenantSource {
        who: ApiWriter(who),
        source,
    }: TenantSource<ApiWriter>,
    AppJson(body): AppJson<Schedule>,
) -> Result<Json<SourceView>, WebError> {
    let input = sources::ScheduleInput {
        interval_hours: body.interval_hours,
        api_tps: body.api_tps,
        quota_model: body.quota_model,
        budget: body.budget,
    };
    let source = sources::set_schedule(&state, &who, &source, &input).await?;
    Ok(Json(SourceView::from(&source)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ArnQuery {
    pub arn: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ArnCheck {
    pub valid: bool,
    pub reason: Option<String>,
    pub account: Option<String>,
    pub name: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/role-arn/validate", tag = "sources", params(ArnQuery), responses((status = 200, body = ArnCheck), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn validate_arn(_who: Principal, AppQuery(q): AppQuery<ArnQuery>) -> Json<ArnCheck> {
    Json(match RoleArn::parse(q.arn.trim()) {
        Ok(arn) => ArnCheck {
            valid: true,
            reason: None,
            account: Some(arn.account().to_string()),
            name: Some(arn.name().to_owned()),
        },
        Err(e) => ArnCheck {
            valid: false,
            reason: Some(e.reason),
            account: None,
            name: None,
        },
    })
}
