//! Sources (connections): create a pending one, look one up, connect it,
//! sync it now, switch it off/on, set its interval, rate, quota model and
//! budget, delete it.

use axum::body::Body;
use roster_core::quota::QuotaModel;
use roster_core::{ExternalId, JobId, SourceId, SourceName};
use roster_store::{NewSource, Source, SourceStatus};
use serde_json::json;

use crate::audit;
use crate::auth::Principal;
use crate::catalog::{CATALOG, IDENTITY_STORE, SSO};
use crate::error::WebError;
use crate::service::connection_test::{self as connect, ConnectInput, ConnectResult};
use crate::setup::{SetupView, setup_of};
use crate::state::AppState;

/// The tenant's sources.
pub async fn list(state: &AppState, who: &Principal) -> Result<Vec<Source>, WebError> {
    Ok(state.store.list_sources(who.tenant()).await?)
}

/// A source of the principal's tenant by its ID; anything else is 404.
pub async fn get(state: &AppState, who: &Principal, id: &str) -> Result<Source, WebError> {
    let id = SourceId::parse(id).map_err(|_| WebError::NotFound(format!("source {id}")))?;
    Ok(state.store.get_source(who.tenant(), &id).await?)
}

/// The source a console page shows: the one asked for, else the first with
/// a snapshot, else the first.
pub async fn pick(
    state: &AppState,
    who: &Principal,
    asked: Option<&str>,
) -> Result<Option<Source>, WebError> {
    if let Some(id) = asked.filter(|s| !s.is_empty()) {
        return get(state, who, id).await.map(Some);
    }
    let sources = list(state, who).await?;
    for s in &sources {
        if super::directory::latest(state, who, s).await?.is_some() {
            return Ok(Some(s.clone()));
        }
    }
    Ok(sources.into_iter().next())
}

/// Creates a pending connection with a fresh External ID (never the
/// customer's choice); the SSO source's collects access from the start.
pub async fn create(
    state: &AppState,
    who: &Principal,
    kind: &str,
    name: Option<&str>,
) -> Result<Source, WebError> {
    who.require_admin()?;
    let entry = CATALOG.iter().find(|e| e.kind == kind).ok_or_else(|| {
        WebError::bad_request(
            "unknown-kind",
            format!("no source kind '{kind}' in the catalog"),
        )
    })?;
    if !entry.available || ![IDENTITY_STORE, SSO].contains(&entry.kind) {
        return Err(WebError::bad_request(
            "coming-soon",
            format!("{} is coming soon", entry.name),
        ));
    }
    // A name given is checked (length, no control characters); none: the kind's.
    let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(given) => SourceName::parse(given)
            .map_err(|e| WebError::bad_request("invalid-name", e.to_string()))?,
        None => SourceName::parse(entry.name)
            .map_err(|e| WebError::Internal(format!("catalog name: {e}")))?,
    };
    let new = NewSource {
        id: SourceId::generate(),
        name: name.into_string(),
        role_arn: None,
        external_id: ExternalId::generate(),
        status: SourceStatus::Pending,
    };
    let mut source = state.store.create_source(who.tenant(), &new).await?;
    if entry.kind == SSO {
        state
            .store
            .set_source_collects_access(who.tenant(), &source.id, true)
            .await?;
        source.collects_access = true;
    }
    tracing::info!(source = %source.id, kind, "pending connection created");
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

/// The setup artefacts (trust policy, `CloudFormation`, Terraform, CLI).
pub fn setup(state: &AppState, source: &Source) -> SetupView {
    setup_of(state, source)
}

/// Tests the connection and, when it works, records where the directory is;
/// with `collect_access` ("also collect access"), also the SSO steps, after
/// which the source collects access too.
pub async fn connect(
    state: &AppState,
    who: &Principal,
    source: &Source,
    input: &ConnectInput,
) -> Result<ConnectResult, WebError> {
    who.require_admin()?;
    let request = connect::parse(input, state.principal.as_deref(), &state.aws_endpoint)?;
    connect::run(
        state,
        who.tenant().clone(),
        source.id.clone(),
        request,
        input.collect_access.unwrap_or(false),
        audit::actor(who),
    )
    .await
}

/// `connect`, streamed: one NDJSON line per step, then the result.
pub fn connect_streamed(
    state: &AppState,
    who: &Principal,
    source: &Source,
    input: &ConnectInput,
) -> Result<Body, WebError> {
    who.require_admin()?;
    let request = connect::parse(input, state.principal.as_deref(), &state.aws_endpoint)?;
    Ok(connect::stream(
        state,
        who.tenant().clone(),
        source.id.clone(),
        request,
        input.collect_access.unwrap_or(false),
        audit::actor(who),
    ))
}

/// Queues a manual sync of a connected source; returns the job's ID.
pub async fn sync(state: &AppState, who: &Principal, source: &Source) -> Result<JobId, WebError> {
    who.require_admin()?;
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
    tracing::info!(source = %source.id, job = %job.id, "sync queued");
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

/// Turns a source off (no syncs, history kept) or back on; returns the
/// source as it is now.
pub async fn set_enabled(
    state: &AppState,
    who: &Principal,
    source: &Source,
    on: bool,
) -> Result<Source, WebError> {
    who.require_admin()?;
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
    Ok(state.store.get_source(who.tenant(), &source.id).await?)
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

/// A quota model as typed (`per-api` or `collective`).
pub fn parse_quota_model(text: &str) -> Result<QuotaModel, WebError> {
    QuotaModel::parse(text.trim()).ok_or_else(|| {
        WebError::bad_request(
            "invalid-quota-model",
            "the quota model must be per-api or collective",
        )
    })
}

fn check_budget(budget: f64) -> Result<(), WebError> {
    if roster_core::quota::budget_is_valid(budget) {
        Ok(())
    } else {
        Err(WebError::bad_request(
            "invalid-budget",
            "the budget must be a fraction of the quota above 0 and at most 1 (0.5: half)",
        ))
    }
}

/// Sets how AWS counts the source's quota and the fraction of it syncs use
/// (admins only; audited).
pub async fn set_quota(
    state: &AppState,
    who: &Principal,
    source: &Source,
    model: QuotaModel,
    budget: f64,
) -> Result<(), WebError> {
    who.require_admin()?;
    check_budget(budget)?;
    state
        .store
        .set_source_quota(who.tenant(), &source.id, model, budget)
        .await?;
    audit::by(
        state,
        who,
        "source.quota",
        source.id.as_str(),
        json!({"quota_model": model, "budget": budget}),
    )
    .await;
    Ok(())
}

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

/// A source's schedule and quota settings, as one request changes them.
#[derive(Debug, Clone)]
pub struct ScheduleInput {
    pub interval_hours: u32,
    /// `None`: AWS's default quota.
    pub api_tps: Option<u32>,
    /// `None`: unchanged.
    pub quota_model: Option<String>,
    /// `None`: unchanged.
    pub budget: Option<f64>,
}

/// Interval, rate, quota model and budget together, all checked before any
/// changes (a bad input changes nothing); returns the source as it is now.
pub async fn set_schedule(
    state: &AppState,
    who: &Principal,
    source: &Source,
    input: &ScheduleInput,
) -> Result<Source, WebError> {
    who.require_admin()?;
    check_interval(input.interval_hours)?;
    check_api_tps(input.api_tps)?;
    let model = input
        .quota_model
        .as_deref()
        .map(parse_quota_model)
        .transpose()?;
    if let Some(budget) = input.budget {
        check_budget(budget)?;
    }
    set_interval(state, who, source, input.interval_hours).await?;
    set_api_tps(state, who, source, input.api_tps).await?;
    if model.is_some() || input.budget.is_some() {
        let model = model.unwrap_or(source.quota_model);
        let budget = input.budget.unwrap_or(source.quota_budget);
        set_quota(state, who, source, model, budget).await?;
    }
    Ok(state.store.get_source(who.tenant(), &source.id).await?)
}

/// Deletes a source and all of its snapshots (admins only; audited).
pub async fn delete(state: &AppState, who: &Principal, source: &Source) -> Result<(), WebError> {
    who.require_admin()?;
    state.store.delete_source(who.tenant(), &source.id).await?;
    tracing::info!(source = %source.id, "source deleted");
    audit::by(state, who, "source.delete", source.id.as_str(), json!({})).await;
    Ok(())
}
