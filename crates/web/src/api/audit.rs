//! API: the tenant's audit log, newest first (keyset pages by entry ID) —
//! an adapter over `service::audit`.

use axum::Json;
use axum::extract::State;

use crate::auth::Principal;
use crate::error::{ErrorBody, WebError};
use crate::extract::AppQuery;
use crate::service::audit::{self, AuditPage, AuditQuery};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = AuditPage), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
    AppQuery(q): AppQuery<AuditQuery>,
) -> Result<Json<AuditPage>, WebError> {
    Ok(Json(audit::list(&state, &who, &q).await?))
}
