//! roster's console (server-rendered pages, templates compiled in with maud)
//! and its JSON API under `/api/v1`, on axum. Depends on `roster-core`,
//! `roster-aws`, `roster-store` and `roster-engine`; knows nothing of the CLI.

mod api;
mod assets;
mod audit;
mod auth;
mod catalog;
mod error;
mod extract;
mod ops;
mod pages;
mod security_headers;
mod service;
mod setup;
mod state;

pub use api::openapi_json;
pub use auth::bootstrap::{Bootstrap, bootstrap};
pub use auth::secrets::is_loopback_http;
pub use error::WebError;
pub use ops::Ops;
pub use state::{AppState, DemoAccount, DemoAws, DemoInfo};

use axum::Router;

/// The operations endpoints alone (`/healthz`, `/readyz`, `/metrics`), for
/// a standalone `roster worker`; `state.ops` holds the worker's metrics.
pub fn ops_router(state: AppState) -> Router {
    Router::new()
        .merge(ops::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::request_id::middleware,
        ))
        .with_state(state)
}

/// The whole application: pages, assets, the API and the operations
/// endpoints, every request with a request ID. Tests call it with
/// `tower::ServiceExt::oneshot`; `roster serve` binds it to a socket.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .merge(assets::routes())
        .merge(ops::routes())
        .layer(axum::middleware::from_fn(extract::reject_nul_in_uri))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::request_id::middleware,
        ))
        .layer(axum::middleware::from_fn(security_headers::middleware))
        .with_state(state)
}
