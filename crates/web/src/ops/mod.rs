//! Operations endpoints: `/healthz` (the process answers), `/readyz` (the
//! database answers and its migrations are current), Prometheus `/metrics`,
//! and the request-ID middleware every request passes through.

pub mod request_id;
pub mod tenants;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use roster_engine::Metrics;

use crate::auth::secrets::constant_time_eq;
use crate::state::AppState;

/// Operator settings: the metrics registry (shared with the in-process
/// worker) and the two operator secrets from the environment.
#[derive(Debug, Clone, Default)]
pub struct Ops {
    pub metrics: Arc<Metrics>,
    /// `ROSTER_METRICS_TOKEN`: when set, `/metrics` needs this bearer token;
    /// when unset, `/metrics` answers only loopback clients.
    pub metrics_token: Option<String>,
    /// `ROSTER_ADMIN_TOKEN`: the instance admin's bearer token for
    /// `/api/v1/admin/*`; when unset, those routes are disabled (404).
    pub admin_token: Option<String>,
}

impl Ops {
    /// From `ROSTER_METRICS_TOKEN` and `ROSTER_ADMIN_TOKEN` (empty = unset).
    pub fn from_env(metrics: Arc<Metrics>) -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        Self {
            metrics,
            metrics_token: var("ROSTER_METRICS_TOKEN"),
            admin_token: var("ROSTER_ADMIN_TOKEN"),
        }
    }
}

/// The bearer token of `headers`, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Whether `headers` carry exactly `expected` as a bearer token.
pub(crate) fn bearer_matches(headers: &HeaderMap, expected: &str) -> bool {
    bearer(headers).is_some_and(|t| constant_time_eq(t, expected))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.migrations_current().await {
        Ok(true) => (StatusCode::OK, "ready\n").into_response(),
        Ok(false) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "database migrations are not current\n",
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n").into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let allowed = match &state.ops.metrics_token {
        Some(token) => bearer_matches(request.headers(), token),
        None => request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .is_some_and(|c| c.0.ip().is_loopback()),
    };
    if !allowed {
        return (StatusCode::FORBIDDEN, "metrics: forbidden\n").into_response();
    }
    match state.store.queue_depth().await {
        Ok(n) => state.ops.metrics.set_queue_depth(n),
        Err(e) => tracing::warn!(error = %e, "metrics: queue depth unavailable"),
    }
    let text = state.ops.metrics.render();
    (
        [(header::CONTENT_TYPE, roster_engine::metrics::CONTENT_TYPE)],
        text,
    )
        .into_response()
}

/// The operator routes of the JSON API (nested under `/api/v1`).
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/admin/tenants", get(tenants::list).post(tenants::create))
        .route(
            "/admin/tenants/{tenant}/invitations",
            post(tenants::invite_user),
        )
}

/// Their `OpenAPI` paths, merged into the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(tenants::list, tenants::create, tenants::invite_user))]
pub struct OpsApi;
