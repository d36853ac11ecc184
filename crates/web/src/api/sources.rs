//! API: the catalog, sources (connections), their setup artefacts, the
//! connection test, Sync now, turn off/on and delete.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use roster_core::{ExternalId, RoleArn, SourceId};
use roster_store::{NewSource, Source, SourceStatus};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit;
use crate::auth::{ApiWriter, Principal};
use crate::catalog::{CATALOG, CatalogEntry, IDENTITY_STORE};
use crate::connect::{self, ConnectInput, ConnectResult, LocationView};
use crate::error::{ErrorBody, WebError};
use crate::pages::source_of;
use crate::setup::{SetupView, setup_of};
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
    pub created_at: String,
    pub sync_interval_s: u32,
    pub next_sync_at: Option<String>,
    /// Requests per second per Identity Store API, if AWS raised this
    /// instance's quota (null: AWS's default, 20).
    pub api_tps: Option<u32>,
}

impl From<&Source> for SourceView {
    fn from(s: &Source) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name.clone(),
            status: s.status.as_str().to_owned(),
            role_arn: s.role_arn.as_ref().map(ToString::to_string),
            location: s.location.as_ref().map(LocationView::from),
            created_at: s.created_at.clone(),
            sync_interval_s: s.sync_interval_s,
            next_sync_at: s.next_sync_at.clone(),
            api_tps: s.api_tps,
        }
    }
}

/// Creates a pending connection with a fresh External ID (never the customer's choice).
pub async fn create_pending(
    state: &AppState,
    who: &Principal,
    kind: &str,
    name: Option<&str>,
) -> Result<Source, WebError> {
    let entry = CATALOG.iter().find(|e| e.kind == kind).ok_or_else(|| {
        WebError::bad_request(
            "unknown-kind",
            format!("no source kind '{kind}' in the catalog"),
        )
    })?;
    if !entry.available || entry.kind != IDENTITY_STORE {
        return Err(WebError::bad_request(
            "coming-soon",
            format!("{} is coming soon", entry.name),
        ));
    }
    let new = NewSource {
        id: SourceId::generate(),
        name: name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(entry.name)
            .to_owned(),
        role_arn: None,
        external_id: ExternalId::generate(),
        status: SourceStatus::Pending,
    };
    let source = state.store.create_source(who.tenant(), &new).await?;
    tracing::info!(source = %source.id, "pending connection created");
    audit::by(
        state,
        who,
        "source.create",
        source.id.as_str(),
        json!({"kind": kind}),
    )
    .await;
    Ok(source)
}

pub async fn enqueue(state: &AppState, who: &Principal, source: &Source) -> Result<i64, WebError> {
    if source.status != SourceStatus::Connected {
        return Err(WebError::bad_request(
            "not-connected",
            "connect the source (or turn it on) before syncing",
        ));
    }
    let job = state
        .store
        .enqueue_sync(who.tenant(), &source.id, "manual")
        .await?;
    tracing::info!(source = %source.id, job = job.id, "sync queued");
    audit::by(
        state,
        who,
        "source.sync",
        source.id.as_str(),
        json!({"job": job.id}),
    )
    .await;
    Ok(job.id)
}

/// Turns a source off (no syncs, history kept) or back on.
/// Sets how often a source is synced on schedule (admins only; audited).
pub async fn set_interval(
    state: &AppState,
    who: &Principal,
    source: &Source,
    hours: u32,
) -> Result<(), WebError> {
    who.require_admin()?;
    check_interval(hours)?;
    state
        .store
        .set_source_interval(who.tenant(), &source.id, hours * 3600)
        .await?;
    audit::by(
        state,
        who,
        "source.interval",
        source.id.as_str(),
        json!({"hours": hours}),
    )
    .await;
    Ok(())
}

fn check_interval(hours: u32) -> Result<(), WebError> {
    if roster_core::quota::SYNC_INTERVAL_HOURS.contains(&hours) {
        Ok(())
    } else {
        Err(WebError::bad_request(
            "invalid-interval",
            "the sync interval must be 1 to 720 hours",
        ))
    }
}

fn check_api_tps(tps: Option<u32>) -> Result<(), WebError> {
    if tps.is_none_or(|t| roster_core::quota::API_TPS.contains(&t)) {
        Ok(())
    } else {
        Err(WebError::bad_request(
            "invalid-rate",
            "the rate must be 1 to 1000 requests per second per API (empty: AWS's default, 20)",
        ))
    }
}

/// Sets the source's rate per Identity Store API, for a quota AWS raised;
/// `None` goes back to AWS's default (admins only; audited).
pub async fn set_api_tps(
    state: &AppState,
    who: &Principal,
    source: &Source,
    tps: Option<u32>,
) -> Result<(), WebError> {
    who.require_admin()?;
    check_api_tps(tps)?;
    state
        .store
        .set_source_api_tps(who.tenant(), &source.id, tps)
        .await?;
    audit::by(
        state,
        who,
        "source.rate",
        source.id.as_str(),
        json!({"api_tps": tps}),
    )
    .await;
    Ok(())
}

pub async fn switch(
    state: &AppState,
    who: &Principal,
    source: &Source,
    on: bool,
) -> Result<SourceStatus, WebError> {
    let status = match (on, &source.location) {
        (false, _) => SourceStatus::Disabled,
        (true, Some(_)) => SourceStatus::Connected,
        (true, None) => SourceStatus::Pending,
    };
    state
        .store
        .set_source_status(who.tenant(), &source.id, status)
        .await?;
    let action = if on {
        "source.enable"
    } else {
        "source.disable"
    };
    audit::by(
        state,
        who,
        action,
        source.id.as_str(),
        json!({"status": status.as_str()}),
    )
    .await;
    Ok(status)
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
    let sources = state.store.list_sources(who.tenant()).await?;
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
    Json(body): Json<CreateSource>,
) -> Result<(StatusCode, Json<SourceView>), WebError> {
    let source = create_pending(&state, &who, &body.kind, body.name.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(SourceView::from(&source))))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}", tag = "sources", params(("id" = String, Path, description = "Source ID")), responses((status = 200, body = SourceView), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn get(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<SourceView>, WebError> {
    Ok(Json(SourceView::from(&source_of(&state, &who, &id).await?)))
}

#[utoipa::path(delete, path = "/api/v1/sources/{id}", tag = "sources", params(("id" = String, Path, description = "Source ID")), responses((status = 204), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn delete(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    let source = source_of(&state, &who, &id).await?;
    state.store.delete_source(who.tenant(), &source.id).await?;
    tracing::info!(source = %source.id, "source deleted");
    audit::by(&state, &who, "source.delete", source.id.as_str(), json!({})).await;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/setup", tag = "sources", params(("id" = String, Path, description = "Source ID")), responses((status = 200, body = SetupView), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn setup(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<SetupView>, WebError> {
    let source = source_of(&state, &who, &id).await?;
    Ok(Json(setup_of(&state, &source)))
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
    ApiWriter(who): ApiWriter,
    Path(id): Path<String>,
    Query(q): Query<StreamQuery>,
    Json(input): Json<ConnectInput>,
) -> Result<Response, WebError> {
    let source = source_of(&state, &who, &id).await?;
    let request = connect::parse(&input, state.principal.as_deref())?;
    if q.stream == Some(true) {
        let body: Body = connect::stream(
            &state,
            who.tenant().clone(),
            source.id,
            request,
            audit::actor(&who),
        );
        return Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response());
    }
    let result = connect::run(
        &state,
        who.tenant().clone(),
        source.id,
        request,
        audit::actor(&who),
    )
    .await?;
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
    ApiWriter(who): ApiWriter,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Queued>), WebError> {
    let source = source_of(&state, &who, &id).await?;
    let job_id = enqueue(&state, &who, &source).await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { job_id })))
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
    ApiWriter(who): ApiWriter,
    Path(id): Path<String>,
    Json(body): Json<Enabled>,
) -> Result<Json<SourceView>, WebError> {
    let source = source_of(&state, &who, &id).await?;
    switch(&state, &who, &source, body.enabled).await?;
    Ok(Json(SourceView::from(
        &state.store.get_source(who.tenant(), &source.id).await?,
    )))
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
}

#[utoipa::path(put, path = "/api/v1/sources/{id}/schedule", tag = "sources", params(("id" = String, Path, description = "Source ID")), request_body = Schedule, responses((status = 200, body = SourceView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn set_schedule(
    State(state): State<AppState>,
    ApiWriter(who): ApiWriter,
    Path(id): Path<String>,
    Json(body): Json<Schedule>,
) -> Result<Json<SourceView>, WebError> {
    let source = source_of(&state, &who, &id).await?;
    // Both checked before either changes: a bad body changes nothing.
    check_interval(body.interval_hours)?;
    check_api_tps(body.api_tps)?;
    set_interval(&state, &who, &source, body.interval_hours).await?;
    set_api_tps(&state, &who, &source, body.api_tps).await?;
    Ok(Json(SourceView::from(
        &state.store.get_source(who.tenant(), &source.id).await?,
    )))
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
pub async fn validate_arn(_who: Principal, Query(q): Query<ArnQuery>) -> Json<ArnCheck> {
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
