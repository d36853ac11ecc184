//! API: who can reach which AWS account (the SSO source) — effective access
//! with the Access page's filters and keyset pages, the organization's
//! accounts, and the access checks' settings — adapters over
//! `service::access` and `service::access_checks`. Permission sets are in
//! `permission_sets`, the diff of effective access in `access_diff`.

use axum::Json;
use axum::extract::State;
use roster_core::sso::{AccessRow, Via};
use roster_store::AccessEntry;
use serde::{Deserialize, Serialize};

use crate::auth::ApiWriter;
use crate::error::{ErrorBody, WebError};
use crate::extract::{AppJson, AppQuery, TenantSource};
use crate::service::access::{self, AccessQuery, AccountSummary};
use crate::service::access_checks::{self, AccessSettingsView};
use crate::service::directory::limit;
use crate::state::AppState;

/// One path by which a user reaches an account with a permission set.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccessEntryView {
    /// `null` only for an orphaned group assignment (no one to expand to).
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub account_id: String,
    pub account_name: Option<String>,
    pub permission_set_arn: String,
    pub permission_set_name: Option<String>,
    /// `direct`, or the group's display name (its ID when it has none).
    pub via: String,
    /// The group the access comes through; `null` when direct.
    pub via_group_id: Option<String>,
    /// The assigned user or group no longer exists in the directory.
    pub orphaned: bool,
    pub user_disabled: bool,
    /// The permission set is privileged (administrator-level or a privileged name).
    pub privileged: bool,
}

/// An effective-access row of a diff (names as of its snapshot).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccessRowView {
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub account_id: String,
    pub permission_set_arn: String,
    /// `direct`, or the group's display name (its ID when it has none).
    pub via: String,
    pub via_group_id: Option<String>,
    pub orphaned: bool,
    pub user_disabled: bool,
}

fn group_id(via: &Via) -> Option<String> {
    match via {
        Via::Direct => None,
        Via::Group { group_id, .. } => Some(group_id.clone()),
    }
}

impl From<AccessRow> for AccessRowView {
    fn from(r: AccessRow) -> Self {
        Self {
            via: r.via.label().to_owned(),
            via_group_id: group_id(&r.via),
            user_id: r.user_id,
            user_name: r.user_name,
            account_id: r.account_id.to_string(),
            permission_set_arn: r.permission_set_arn.to_string(),
            orphaned: r.orphaned,
            user_disabled: r.user_disabled,
        }
    }
}

impl From<AccessEntry> for AccessEntryView {
    fn from(e: AccessEntry) -> Self {
        let r = AccessRowView::from(e.row);
        Self {
            user_id: r.user_id,
            user_name: r.user_name,
            account_id: r.account_id,
            account_name: e.account_name,
            permission_set_arn: r.permission_set_arn,
            permission_set_name: e.permission_set_name,
            via: r.via,
            via_group_id: r.via_group_id,
            orphaned: r.orphaned,
            user_disabled: r.user_disabled,
            privileged: e.privileged,
        }
    }
}

/// A page of effective access; pass `next_after` as `after` for the next page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccessPage {
    /// The access snapshot read (a sync ID).
    pub sync_id: i64,
    pub items: Vec<AccessEntryView>,
    pub next_after: Option<String>,
}

/// An account of the organization.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE` or what AWS reported.
    pub status: Option<String>,
    /// Permission sets provisioned to it.
    pub permission_sets: usize,
}

impl From<AccountSummary> for AccountView {
    fn from(a: AccountSummary) -> Self {
        let status = access::account_status(&a.account);
        Self {
            id: a.account.id.to_string(),
            name: a.account.name,
            email: a.account.email,
            status,
            permission_sets: a.permission_sets,
        }
    }
}

/// A page of accounts; pass `next_after` as `after` for the next page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountPage {
    pub sync_id: i64,
    pub items: Vec<AccountView>,
    pub next_after: Option<String>,
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct ListQuery {
    /// Substring (any case) of ID, name or email.
    #[serde(default)]
    pub q: Option<String>,
    /// `next_after` of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    /// Rows per page (default 50, at most 500).
    #[serde(default)]
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/access", tag = "access", params(("id" = String, Path, description = "Source ID"), AccessQuery),
    responses((status = 200, body = AccessPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The source does not collect access, or has no access snapshot yet", body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<AccessQuery>,
) -> Result<Json<AccessPage>, WebError> {
    let filter = access::filter(&q)?;
    let snap = access::current(&state, &who, &source).await?;
    let (items, next_after) = access::page(
        &state,
        &who,
        &snap,
        &filter,
        q.after.as_deref(),
        limit(q.limit),
    )
    .await?;
    Ok(Json(AccessPage {
        sync_id: snap.sync_id.0,
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/accounts", tag = "access", params(("id" = String, Path, description = "Source ID"), ListQuery),
    responses((status = 200, body = AccountPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The source does not collect access, or has no access snapshot yet", body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn accounts(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<ListQuery>,
) -> Result<Json<AccountPage>, WebError> {
    let snap = access::current(&state, &who, &source).await?;
    let (items, next_after) = access::accounts(
        &state,
        &who,
        &snap,
        q.q.as_deref(),
        q.after.as_deref(),
        limit(q.limit),
    )
    .await?;
    Ok(Json(AccountPage {
        sync_id: snap.sync_id.0,
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/access-settings", tag = "access", params(("id" = String, Path, description = "Source ID")),
    responses((status = 200, body = AccessSettingsView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn get_settings(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
) -> Result<Json<AccessSettingsView>, WebError> {
    Ok(Json(
        access_checks::settings(&state, &who, &source).await?.into(),
    ))
}

#[utoipa::path(put, path = "/api/v1/sources/{id}/access-settings", tag = "access", params(("id" = String, Path, description = "Source ID")), request_body = AccessSettingsView,
    responses((status = 200, body = AccessSettingsView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn put_settings(
    State(state): State<AppState>,
    TenantSource {
        who: ApiWriter(who),
        source,
    }: TenantSource<ApiWriter>,
    AppJson(body): AppJson<AccessSettingsView>,
) -> Result<Json<AccessSettingsView>, WebError> {
    Ok(Json(
        access_checks::save_settings(&state, &who, &source, &body)
            .await?
            .into(),
    ))
}

/// The access routes, merged into `/api/v1`.
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;

    use super::permission_sets;
    axum::Router::new()
        .route("/sources/{id}/access", get(list))
        .route("/sources/{id}/access/diff", get(super::access_diff::diff))
        .route("/sources/{id}/accounts", get(accounts))
        .route("/sources/{id}/permission-sets", get(permission_sets::list))
        .route(
            "/sources/{id}/permission-sets/{permission_set}",
            get(permission_sets::get),
        )
        .route(
            "/sources/{id}/access-settings",
            get(get_settings).put(put_settings),
        )
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    super::access_diff::diff,
    accounts,
    super::permission_sets::list,
    super::permission_sets::get,
    get_settings,
    put_settings,
))]
pub struct AccessApi;
