//! The JSON API under `/api/v1`, and its `OpenAPI` 3 document, generated
//! from the handlers' annotations (no hand-kept copy). Handlers are thin
//! adapters over `crate::service` (see its route table).

pub mod access;
pub mod access_diff;
pub mod audit;
pub mod bundles;
pub mod controls;
pub mod directory;
pub mod evidence;
pub mod invitations;
pub mod permission_sets;
pub mod review_views;
pub mod reviews;
pub mod sources;
pub mod syncs;
pub mod tokens;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post, put};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::error::WebError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "roster API", description = "Access-control evidence from AWS IAM Identity Center. Authenticate with `Authorization: Bearer <API token>`; errors are `{code, message, fix?}`."),
    paths(
        tokens::me, sources::catalog, sources::list, sources::create, sources::get, sources::delete,
        sources::setup, sources::connect_source, sources::sync, sources::set_enabled, sources::set_schedule, sources::validate_arn,
        syncs::list, directory::users, directory::user, directory::groups, directory::group, directory::members,
        tokens::list, tokens::create, tokens::revoke, audit::list, invitations::create,
    ),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The `OpenAPI` document as JSON.
pub fn openapi_json() -> String {
    let mut doc = ApiDoc::openapi();
    doc.merge(evidence::EvidenceApi::openapi());
    doc.merge(access::AccessApi::openapi());
    doc.merge(reviews::ReviewsApi::openapi());
    doc.merge(crate::ops::OpsApi::openapi());
    doc.to_pretty_json().unwrap_or_default()
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json())
}

async fn not_found() -> WebError {
    WebError::NotFound("API route".into())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/me", get(tokens::me))
        .route("/catalog", get(sources::catalog))
        .route("/sources", get(sources::list).post(sources::create))
        .route("/sources/{id}", get(sources::get).delete(sources::delete))
        .route("/sources/{id}/setup", get(sources::setup))
        .route("/sources/{id}/connect", post(sources::connect_source))
        .route("/sources/{id}/sync", post(sources::sync))
        .route("/sources/{id}/enabled", put(sources::set_enabled))
        .route("/sources/{id}/schedule", put(sources::set_schedule))
        .route("/sources/{id}/syncs", get(syncs::list))
        .route("/sources/{id}/users", get(directory::users))
        .route("/sources/{id}/users/{user_id}", get(directory::user))
        .route("/sources/{id}/groups", get(directory::groups))
        .route("/sources/{id}/groups/{group_id}", get(directory::group))
        .route(
            "/sources/{id}/groups/{group_id}/members",
            get(directory::members),
        )
        .route("/role-arn/validate", get(sources::validate_arn))
        .route("/audit", get(audit::list))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{token_id}", delete(tokens::revoke))
        .route("/invitations", post(invitations::create))
        .merge(evidence::routes())
        .merge(access::routes())
        .merge(reviews::routes())
        .merge(crate::ops::api_routes())
        .fallback(not_found)
}
