//! API: a source's sync history (counts, calls, duration vs quota floor, failures).

use axum::Json;
use axum::extract::State;
use roster_core::Timestamp;
use roster_store::SyncRun;
use serde::Serialize;

use crate::error::{ErrorBody, WebError};
use crate::extract::TenantSource;
use crate::service::syncs;
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SyncView {
    pub id: i64,
    /// running, complete or failed.
    pub status: String,
    #[schema(value_type = String)]
    pub started_at: Timestamp,
    #[schema(value_type = Option<String>)]
    pub finished_at: Option<Timestamp>,
    pub users: u64,
    pub groups: u64,
    pub memberships: u64,
    /// API calls per operation.
    pub calls: std::collections::BTreeMap<String, u64>,
    pub retries: u64,
    pub throttled: u64,
    pub wall_s: f64,
    /// The quota floor: the fastest AWS's quotas allow.
    pub floor_s: f64,
    pub failure: Option<ErrorBody>,
}

impl From<&SyncRun> for SyncView {
    fn from(r: &SyncRun) -> Self {
        Self {
            id: r.id.0,
            status: r.status.as_str().to_owned(),
            started_at: r.started_at,
            finished_at: r.finished_at,
            users: r.counts.users,
            groups: r.counts.groups,
            memberships: r.counts.memberships,
            calls: r.stats.calls.clone(),
            retries: r.stats.retries,
            throttled: r.stats.throttled,
            wall_s: r.stats.wall_s,
            floor_s: r.stats.floor_s,
            failure: r.failure.as_ref().map(|f| ErrorBody {
                code: f.code.clone(),
                message: f.cause.clone(),
                fix: Some(f.fix.clone()),
            }),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/syncs", tag = "syncs", params(("id" = String, Path, description = "Source ID")),
    responses((status = 200, body = [SyncView]), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
) -> Result<Json<Vec<SyncView>>, WebError> {
    let runs = syncs::list(&state, &who, &source).await?;
    Ok(Json(runs.iter().map(SyncView::from).collect()))
}
