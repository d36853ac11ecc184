//! API: permission sets of a source's latest access snapshot — the list
//! and one permission set by ARN (percent-encoded: it holds `:` and `/`) or
//! by its own ID (`ps-…`) — adapters over `service::permission_sets`.

use axum::Json;
use axum::extract::{Path, State};
use roster_core::sso::{CustomerManagedPolicyRef, ManagedPolicy, Privilege};
use roster_store::StoredPermissionSet;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorBody, WebError};
use crate::extract::{AppQuery, TenantSource};
use crate::service::directory::limit;
use crate::service::permission_sets::{self, PermissionSetDetail};
use crate::service::{access, access::AccessQuery};
use crate::state::AppState;

/// A permission set in a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PermissionSetSummary {
    pub arn: String,
    /// Its own ID (`ps-…`): `…/permission-sets/{id}` takes it.
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// ISO-8601 (`PT8H`); `null` means AWS's default of one hour.
    pub session_duration: Option<String>,
    pub privileged: bool,
    /// How many accounts it is provisioned to.
    pub provisioned_accounts: usize,
}

impl From<StoredPermissionSet> for PermissionSetSummary {
    fn from(p: StoredPermissionSet) -> Self {
        let ps = p.facts.permission_set;
        Self {
            id: ps.permission_set_arn.id().to_owned(),
            arn: ps.permission_set_arn.to_string(),
            name: ps.name,
            description: ps.description,
            session_duration: ps.session_duration,
            privileged: p.privileged,
            provisioned_accounts: p.provisioned_accounts.len(),
        }
    }
}

/// A page of permission sets (by name); pass `next_after` as `after`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PermissionSetPage {
    pub sync_id: i64,
    pub items: Vec<PermissionSetSummary>,
    pub next_after: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ManagedPolicyView {
    pub arn: String,
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PolicyReferenceView {
    pub name: String,
    /// `/` when AWS returned none.
    pub path: String,
}

impl From<CustomerManagedPolicyRef> for PolicyReferenceView {
    fn from(r: CustomerManagedPolicyRef) -> Self {
        Self {
            name: r.name,
            path: r.path.unwrap_or_else(|| "/".to_owned()),
        }
    }
}

impl From<ManagedPolicy> for ManagedPolicyView {
    fn from(m: ManagedPolicy) -> Self {
        Self {
            arn: m.arn,
            name: m.name,
        }
    }
}

/// The permissions boundary: an AWS managed policy or a customer managed one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoundaryView {
    pub managed_policy_arn: Option<String>,
    pub customer_managed_policy: Option<PolicyReferenceView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountRef {
    pub id: String,
    pub name: Option<String>,
}

/// One permission set with its policies and where it is provisioned.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PermissionSetView {
    pub sync_id: i64,
    pub arn: String,
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// ISO-8601 (`PT8H`); `null` means AWS's default of one hour.
    pub session_duration: Option<String>,
    /// The session duration in seconds; `null` when AWS's text is unreadable.
    pub session_seconds: Option<u64>,
    pub relay_state: Option<String>,
    pub created_date: Option<String>,
    /// Privileged as recorded by the sync.
    pub privileged: bool,
    /// Why, under the source's current settings (e.g. `AdministratorAccess attached`).
    pub privileged_reasons: Vec<String>,
    pub managed_policies: Vec<ManagedPolicyView>,
    pub customer_managed_policies: Vec<PolicyReferenceView>,
    pub permissions_boundary: Option<BoundaryView>,
    /// The inline policy's JSON text exactly as AWS returned it.
    pub inline_policy: Option<String>,
    pub provisioned_accounts: Vec<AccountRef>,
}

fn view(sync_id: i64, d: PermissionSetDetail) -> PermissionSetView {
    let ps = d.stored.facts.permission_set;
    let pol = d.stored.facts.policies;
    PermissionSetView {
        sync_id,
        id: ps.permission_set_arn.id().to_owned(),
        arn: ps.permission_set_arn.to_string(),
        session_seconds: ps.session_seconds().ok(),
        name: ps.name,
        description: ps.description,
        session_duration: ps.session_duration,
        relay_state: ps.relay_state,
        created_date: ps.created_date,
        privileged: d.stored.privileged,
        privileged_reasons: d.reasons.iter().map(Privilege::describe).collect(),
        managed_policies: pol.managed_policies.into_iter().map(Into::into).collect(),
        customer_managed_policies: pol
            .customer_managed_policy_references
            .into_iter()
            .map(Into::into)
            .collect(),
        permissions_boundary: pol.permissions_boundary.map(|b| BoundaryView {
            managed_policy_arn: b.managed_policy_arn,
            customer_managed_policy: b.customer_managed_policy_reference.map(Into::into),
        }),
        inline_policy: pol.inline_policy.filter(|t| !t.trim().is_empty()),
        provisioned_accounts: d
            .accounts
            .into_iter()
            .map(|a| AccountRef {
                id: a.id.to_string(),
                name: a.name,
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct PermissionSetsQuery {
    /// Substring (any case) of name or description.
    #[serde(default)]
    pub q: Option<String>,
    /// `true`: only privileged permission sets.
    #[serde(default)]
    pub privileged: Option<String>,
    /// `next_after` of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    /// Rows per page (default 50, at most 500).
    #[serde(default)]
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/permission-sets", tag = "access", params(("id" = String, Path, description = "Source ID"), PermissionSetsQuery),
    responses((status = 200, body = PermissionSetPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The source does not collect access, or has no access snapshot yet", body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<PermissionSetsQuery>,
) -> Result<Json<PermissionSetPage>, WebError> {
    // The same validation as the access filters.
    let f = access::filter(&AccessQuery {
        q: q.q.clone(),
        privileged: q.privileged.clone(),
        ..AccessQuery::default()
    })?;
    let snap = access::current(&state, &who, &source).await?;
    let (items, next_after) = permission_sets::list(
        &state,
        &who,
        &snap,
        f.search.as_deref(),
        f.privileged_only,
        q.after.as_deref(),
        limit(q.limit),
    )
    .await?;
    Ok(Json(PermissionSetPage {
        sync_id: snap.sync_id.0,
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

#[utoipa::path(get, path = "/api/v1/sources/{id}/permission-sets/{permission_set}", tag = "access",
    params(("id" = String, Path, description = "Source ID"),
        ("permission_set" = String, Path, description = "The permission set's ID (`ps-…`) or its ARN, percent-encoded")),
    responses((status = 200, body = PermissionSetView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The source does not collect access, or has no access snapshot yet", body = ErrorBody)),
    security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn get(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    Path((_source, key)): Path<(String, String)>,
) -> Result<Json<PermissionSetView>, WebError> {
    let snap = access::current(&state, &who, &source).await?;
    let detail = permission_sets::get(&state, &who, &snap, &key).await?;
    Ok(Json(view(snap.sync_id.0, detail)))
}
