//! API: the diff of effective access between two access snapshots (who
//! gained or lost which access, direct or via a group), as JSON or, with
//! `format=csv`, as a CSV download (the bundle's `access_diff.csv`
//! columns) — an adapter over `service::access_diff`.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use roster_core::sso::AccessRow;
use serde::{Deserialize, Serialize};

use super::access::AccessRowView;
use crate::error::{ErrorBody, WebError};
use crate::extract::{AppQuery, TenantSource};
use crate::service::access_diff::{self, NamedAccessDiff};
use crate::state::AppState;

/// A row gained or lost, with the names of its account and permission set.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccessDiffRowView {
    /// `null` only for an orphaned group assignment (no one to expand to).
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub account_id: String,
    pub account_name: Option<String>,
    pub permission_set_arn: String,
    pub permission_set_name: Option<String>,
    /// `direct`, or the group's display name (its ID when it has none).
    pub via: String,
    pub via_group_id: Option<String>,
    pub orphaned: bool,
    pub user_disabled: bool,
}

/// Effective access gained and lost between two snapshots.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccessDiffView {
    pub from_sync: i64,
    pub to_sync: i64,
    pub gained: Vec<AccessDiffRowView>,
    pub lost: Vec<AccessDiffRowView>,
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct AccessDiffQuery {
    /// The older complete sync (default: the one before `to`).
    #[serde(default)]
    pub from: Option<String>,
    /// The newer complete sync (default: the latest access snapshot).
    #[serde(default)]
    pub to: Option<String>,
    /// `json` (default) or `csv` (a download, one row per change).
    #[serde(default)]
    pub format: Option<String>,
}

fn row_view(d: &NamedAccessDiff, r: &AccessRow) -> AccessDiffRowView {
    let v = AccessRowView::from(r.clone());
    AccessDiffRowView {
        account_name: d.account_name(&v.account_id).map(str::to_owned),
        permission_set_name: d
            .permission_set_name(&v.permission_set_arn)
            .map(str::to_owned),
        user_id: v.user_id,
        user_name: v.user_name,
        account_id: v.account_id,
        permission_set_arn: v.permission_set_arn,
        via: v.via,
        via_group_id: v.via_group_id,
        orphaned: v.orphaned,
        user_disabled: v.user_disabled,
    }
}

impl From<&NamedAccessDiff> for AccessDiffView {
    fn from(d: &NamedAccessDiff) -> Self {
        Self {
            from_sync: d.diff.from_sync,
            to_sync: d.diff.to_sync,
            gained: d.diff.gained.iter().map(|r| row_view(d, r)).collect(),
            lost: d.diff.lost.iter().map(|r| row_view(d, r)).collect(),
        }
    }
}

/// The diff as CSV, as the bundle's `access_diff.csv`.
pub fn csv(d: &NamedAccessDiff) -> Vec<u8> {
    roster_engine::evidence::access_diff_csv(
        &d.diff,
        |id| d.account_name(id),
        |arn| d.permission_set_name(arn),
    )
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/access/diff", tag = "access", params(("id" = String, Path, description = "Source ID"), AccessDiffQuery),
    responses((status = 200, body = AccessDiffView, description = "JSON; with format=csv a text/csv download"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "An incomplete sync, another source's sync, or no access snapshot", body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn diff(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<AccessDiffQuery>,
) -> Result<Response, WebError> {
    let csv_wanted = match q.format.as_deref().map(str::trim) {
        None | Some("" | "json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(WebError::bad_request(
                "invalid-format",
                "format is json or csv",
            ));
        }
    };
    let d = access_diff::diff(&state, &who, &source, q.from.as_deref(), q.to.as_deref()).await?;
    if !csv_wanted {
        return Ok(Json(AccessDiffView::from(&d)).into_response());
    }
    let name = format!(
        "roster-access-diff-{}-{}-{}.csv",
        source.id, d.diff.from_sync, d.diff.to_sync
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        csv(&d),
    )
        .into_response())
}
