//! Source settings: where the directory is and where the role lives, status, last and next
//! sync, the quota model and budget, and the buttons Sync now, Test
//! connection, turn off/on, delete.

use axum::extract::State;
use axum::response::{Html, Redirect};
use maud::html;
use roster_core::quota::QuotaModel;
use roster_store::SourceStatus;
use serde::Deserialize;

use super::layout::{csrf_field, page};
use crate::error::WebError;
use crate::extract::{AppForm, TenantSource};
use crate::service::{sources, syncs};
use crate::state::AppState;

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
) -> Result<Html<String>, WebError> {
    let last = syncs::last(&state, &who, &source).await?;
    let loc = source.location.as_ref();
    let dash = || "—".to_owned();
    let body = html! {
        h1 { (source.name) }
        dl.kv #source-settings {
            dt { "Status" } dd #source-status { (source.status.as_str()) }
            dt { "Identity Store ID" } dd #identity-store-id { (loc.map_or_else(dash, |l| l.identity_store_id.to_string())) }
            dt { "Home Region" } dd { (loc.map_or_else(dash, |l| l.region.to_string())) }
            dt { "Account" } dd { (loc.and_then(|l| l.account_id.as_ref()).map_or_else(dash, ToString::to_string)) }
            dt { "Instance ARN" } dd { (loc.and_then(|l| l.instance_arn.clone()).unwrap_or_else(dash)) }
            dt { "Placement" } dd #placement { (loc.map_or_else(dash, |l| roster_engine::describe_placement(l, source.role_arn.as_ref().map(roster_core::RoleArn::account)))) }
            dt { "Role ARN" } dd { (source.role_arn.as_ref().map_or_else(dash, ToString::to_string)) }
            dt { "Collects access" } dd #collects-access {
                @if source.collects_access { "yes: permission sets, account assignments and accounts (the SSO statement)" }
                @else { "no: the directory only" }
            }
            dt { "External ID" } dd { (source.external_id.expose()) }
            dt { "Last sync" } dd {
                @match &last {
                    Some(run) => { a href={ "/syncs?source=" (source.id) } { "#" (run.id) " " (run.status.as_str()) " at " (run.started_at) } }
                    None => { "never" }
                }
            }
            dt { "Access" } dd #source-access { a href={ "/access?source=" (source.id) } { (if source.collects_access { "Who can reach which account →" } else { "Not collected" }) } }
            dt { "Next sync" } dd { (source.next_sync_at.map_or_else(|| if source.status == SourceStatus::Connected { "soon".into() } else { dash() }, |t| t.to_string())) }
            dt { "Sync interval" } dd { (source.sync_interval_s / 3600) " h" }
            dt { "API rate" } dd #api-rate {
                @match source.api_tps {
                    Some(tps) => { (tps) " requests/s per API (raised quota)" }
                    None => { "20 requests/s per API (AWS's default quota)" }
                }
            }
            dt { "Quota model" } dd #quota-model {
                (source.quota_model.as_str())
                @match source.quota_model {
                    QuotaModel::Collective => { " (one quota for ListUsers, ListGroups and ListGroupMemberships together)" }
                    QuotaModel::PerApi => { " (each API its own quota)" }
                }
            }
            dt { "Budget" } dd #quota-budget { (format!("{:.0}", source.quota_budget * 100.0)) "% of the quota (the rest is left to your own provisioning and scripts)" }
        }
        @if who.is_admin() {
            div.filters style="margin-top:1rem" {
                form method="post" action={ "/sources/" (source.id) "/sync" } {
                    (csrf_field(&who)) button #sync-now type="submit" disabled[source.status != SourceStatus::Connected] { "Sync now" }
                }
                a.button.secondary href={ "/sources/" (source.id) "/wizard" } { "Test connection" }
                @if !source.collects_access {
                    a.button.secondary #also-collect-access href={ "/sources/" (source.id) "/wizard?collect=access" } title="Add the SSO statement to the same role and test it: one connection collects both" { "Also collect access" }
                }
                @if source.status == SourceStatus::Disabled {
                    form method="post" action={ "/sources/" (source.id) "/enable" } { (csrf_field(&who)) button.secondary type="submit" { "Turn on" } }
                } @else {
                    form method="post" action={ "/sources/" (source.id) "/disable" } { (csrf_field(&who)) button.secondary type="submit" { "Turn off (stop syncing, keep history)" } }
                }
                form method="post" action={ "/sources/" (source.id) "/interval" } {
                    (csrf_field(&who))
                    label { "Sync every " input #sync-interval type="number" name="hours" min="1" max="720" value=(source.sync_interval_s / 3600) style="width:5em"; " h " }
                    button.secondary type="submit" { "Save" }
                }
                form method="post" action={ "/sources/" (source.id) "/rate" } title="Only if AWS raised this instance's Identity Store quota; leave empty for AWS's default" {
                    (csrf_field(&who))
                    label { "Requests/s per API " input #api-tps type="number" name="tps" min="1" max="1000" placeholder="20" value=[source.api_tps] style="width:5em"; " " }
                    button.secondary type="submit" { "Save" }
                }
                form method="post" action={ "/sources/" (source.id) "/quota" } title="How AWS counts this instance's Identity Store quota, and how much of it roster uses" {
                    (csrf_field(&who))
                    label { "Quota model "
                        select #quota-model-input name="quota_model" {
                            @for m in QuotaModel::ALL {
                                option value=(m.as_str()) selected[m == source.quota_model] { (m.as_str()) }
                            }
                        }
                        " "
                    }
                    label { "Budget " input #quota-budget-input type="number" name="budget" min="0.01" max="1" step="0.01" value=(source.quota_budget) style="width:5em"; " " }
                    button.secondary type="submit" { "Save" }
                }
                form method="post" action={ "/sources/" (source.id) "/delete" } data-confirm="Delete this connection and all of its snapshots? This cannot be undone." {
                    (csrf_field(&who))
                    input type="hidden" name="confirm" value="yes";
                    button.danger type="submit" { "Delete" }
                }
            }
        }
    };
    Ok(Html(
        page(&source.name, &state, Some(&who), "/sources", &body).into_string(),
    ))
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: Option<String>,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn sync_now(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppForm(f): AppForm<ActionForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    sources::sync(&state, &who, &source).await?;
    Ok(Redirect::to(&format!("/syncs?source={}", source.id)))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn disable(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppForm(f): AppForm<ActionForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    sources::set_enabled(&state, &who, &source, false).await?;
    Ok(Redirect::to(&format!("/sources/{}", source.id)))
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn enable(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppForm(f): AppForm<ActionForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    sources::set_enabled(&state, &who, &source, true).await?;
    Ok(Redirect::to(&format!("/sources/{}", source.id)))
}

#[derive(Debug, Deserialize)]
pub struct IntervalForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    hours: String,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn interval(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppForm(f): AppForm<IntervalForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    let hours = f.hours.trim().parse().map_err(|_| {
        WebError::bad_request(
            "invalid-interval",
            "the sync interval must be a whole number of hours",
        )
    })?;
    sources::set_interval(&state, &who, &source, hours).await?;
    Ok(Redirect::to(&format!("/sources/{}", source.id)))
}

#[derive(Debug, Deserialize)]
pub struct RateForm {
    #[serde(default)]
    csrf: String,
    /// Empty: AWS's default.
    #[serde(default)]
    tps: String,
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn rate(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppForm(f): AppForm<RateForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    let tps = match f.tps.trim() {
        "" => None,
        text => Some(text.parse().map_err(|_| {
            WebError::bad_request(
                "invalid-rate",
                "the rate must be a whole number of requests per second (empty: AWS's default, 20)",
            )
        })?),
    };
    sources::set_api_tps(&state, &who, &source, tps).await?;
    Ok(Redirect::to(&format!("/sources/{}", source.id)))
}

#[derive(Debug, Deserialize)]
pub struct QuotaForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    quota_model: String,
    #[serde(default)]
    budget: String,
}

/// Sets the quota model and budget (both checked before either changes).
#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn quota(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppForm(f): AppForm<QuotaForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    let model = sources::parse_quota_model(&f.quota_model)?;
    let budget = f.budget.trim().parse().map_err(|_| {
        WebError::bad_request(
            "invalid-budget",
            "the budget must be a fraction of the quota above 0 and at most 1 (0.5: half)",
        )
    })?;
    sources::set_quota(&state, &who, &source, model, budget).await?;
    Ok(Redirect::to(&format!("/sources/{}", source.id)))
}

/// The same deletion as the API's (`service::sources::delete`), confirmed.
#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn delete(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppForm(f): AppForm<ActionForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    if f.confirm.as_deref() != Some("yes") {
        return Err(WebError::bad_request("confirm", "confirm the deletion"));
    }
    sources::delete(&state, &who, &source).await?;
    Ok(Redirect::to("/sources"))
}
