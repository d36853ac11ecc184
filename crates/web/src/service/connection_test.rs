//! Runs the engine's connection test for a request and streams its steps as
//! NDJSON lines (`{"type":"step",…}` then one `{"type":"result",…}`), so the
//! wizard shows each step as it completes. Without streaming, the same
//! events are collected into one JSON result.

use std::sync::Arc;

use axum::body::Body;
use futures::StreamExt;
use roster_core::{Diagnosis, IdentityStoreId, Region, RoleArn, SourceId, TenantId};
use roster_engine::LocationHint;
use roster_engine::connection_test::{
    ConnectRequest, StepEvent, test_connection, test_connection_with_access,
};
use roster_store::DirectoryLocation;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::error::{ErrorBody, WebError};
use crate::state::AppState;

/// What the wizard submits.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ConnectInput {
    pub role_arn: String,
    /// Home Region, when typed in (optional with the discovery statement).
    #[serde(default)]
    pub region: Option<String>,
    /// d-xxxxxxxxxx, when discovery is not allowed.
    #[serde(default)]
    pub identity_store_id: Option<String>,
    /// "Also collect access": run the SSO steps too and, when they pass,
    /// let this connection collect access (its role carries the SSO
    /// statement). A connection made by the SSO source's wizard always does.
    #[serde(default)]
    pub collect_access: Option<bool>,
}

/// One step as shown by the wizard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub step: String,
    pub title: String,
    /// running, passed, failed or skipped.
    pub status: String,
    pub detail: String,
}

impl From<&StepEvent> for StepView {
    fn from(e: &StepEvent) -> Self {
        Self {
            step: e.step.as_str().to_owned(),
            title: e.step.title().to_owned(),
            status: serde_json::to_value(e.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            detail: e.detail.clone(),
        }
    }
}

/// Where the directory was found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocationView {
    pub identity_store_id: String,
    pub region: String,
    pub instance_arn: Option<String>,
    pub account_id: Option<String>,
    /// The instance's status as discovery read it (`ACTIVE`), null when typed in.
    pub instance_status: Option<String>,
    /// `organization`, `account` or `unknown`.
    pub instance_type: String,
    /// The organization's management account, when discovery learned it.
    pub management_account: Option<String>,
    /// Where the role lives: `management`, `delegated-administrator`,
    /// `member` or `unknown`.
    pub placement: String,
}

impl From<&DirectoryLocation> for LocationView {
    fn from(l: &DirectoryLocation) -> Self {
        Self {
            identity_store_id: l.identity_store_id.to_string(),
            region: l.region.to_string(),
            instance_arn: l.instance_arn.clone(),
            account_id: l.account_id.as_ref().map(ToString::to_string),
            instance_status: l.instance_status.clone(),
            instance_type: l.instance_type.as_str().to_owned(),
            management_account: l.management_account.as_ref().map(ToString::to_string),
            placement: l.placement.as_str().to_owned(),
        }
    }
}

/// The outcome: `connected` with the location, or `failed` with the diagnosis
/// (the connection stays pending).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConnectResult {
    pub status: String,
    pub steps: Vec<StepView>,
    pub location: Option<LocationView>,
    pub diagnosis: Option<ErrorBody>,
}

/// Parses the input at the edge; a bad ARN is `invalid-role-arn` with the reason.
pub fn parse(
    input: &ConnectInput,
    principal: Option<&str>,
    endpoint: &roster_engine::AwsEndpoint,
) -> Result<ConnectRequest, WebError> {
    let role = RoleArn::parse(input.role_arn.trim())
        .map_err(|e| Diagnosis::invalid_role_arn(&e.reason))?;
    let nonempty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let region = nonempty(&input.region)
        .map(|r| Region::parse(&r))
        .transpose()
        .map_err(|e| WebError::bad_request("invalid-region", e.to_string()))?;
    let identity_store_id = nonempty(&input.identity_store_id)
        .map(|r| IdentityStoreId::parse(&r))
        .transpose()
        .map_err(|e| WebError::bad_request("invalid-identity-store-id", e.to_string()))?;
    Ok(ConnectRequest {
        role,
        hint: LocationHint {
            region,
            identity_store_id,
        },
        platform_principal: principal.map(str::to_owned),
        endpoint: endpoint.clone(),
    })
}

enum Event {
    Step(StepEvent),
    Done(Result<DirectoryLocation, WebError>),
}

/// Starts the test in its own task (it finishes even if the browser leaves).
fn spawn(
    state: &AppState,
    tenant: TenantId,
    source: SourceId,
    request: ConnectRequest,
    access: bool,
    actor: String,
) -> mpsc::UnboundedReceiver<Event> {
    let (tx, rx) = mpsc::unbounded_channel();
    let store = state.store.clone();
    let role = request.role.to_string();
    let platform = state.platform.clone();
    tokio::spawn(async move {
        let result = match platform {
            None => Err(WebError::bad_request(
                "no-aws-credentials",
                "roster has no AWS credentials of its own, so it cannot assume the role; configure them (environment, profile or instance role) and restart",
            )),
            Some(platform) => {
                let steps = tx.clone();
                let sink = move |e: StepEvent| {
                    let _ = steps.send(Event::Step(e));
                };
                let store = store.as_ref();
                if access {
                    test_connection_with_access(store, &platform, &tenant, &source, &request, &sink)
                        .await
                } else {
                    test_connection(store, &platform, &tenant, &source, &request, &sink).await
                }
                .map_err(WebError::from)
            }
        };
        if let Ok(location) = &result {
            match store.enqueue_sync(&tenant, &source, "connect").await {
                Ok(job) => tracing::info!(%source, job = %job.id, "first sync queued"),
                Err(e) => tracing::warn!(%source, error = %e, "could not queue the first sync"),
            }
            tracing::debug!(store_id = %location.identity_store_id, "connected");
        }
        let outcome = match &result {
            Ok(l) => {
                serde_json::json!({"status": "connected", "role_arn": role, "identity_store_id": l.identity_store_id, "collect_access": access})
            }
            Err(e) => {
                serde_json::json!({"status": "failed", "role_arn": role, "code": e.body().code})
            }
        };
        let entry =
            roster_store::AuditEntry::new(actor, "source.connect", source.as_str(), outcome);
        if let Err(e) = store.append_audit(&tenant, &entry).await {
            tracing::error!(error = %e, "could not append to the audit log");
        }
        let _ = tx.send(Event::Done(result));
    });
    rx
}

fn result_of(
    steps: Vec<StepView>,
    done: Result<DirectoryLocation, WebError>,
) -> Result<ConnectResult, WebError> {
    match done {
        Ok(location) => Ok(ConnectResult {
            status: "connected".into(),
            steps,
            location: Some(LocationView::from(&location)),
            diagnosis: None,
        }),
        Err(e @ WebError::Diagnosed(_)) => Ok(ConnectResult {
            status: "failed".into(),
            steps,
            location: None,
            diagnosis: Some(e.body()),
        }),
        Err(other) => Err(other),
    }
}

/// Runs the test and returns the whole result at once.
pub async fn run(
    state: &AppState,
    tenant: TenantId,
    source: SourceId,
    request: ConnectRequest,
    access: bool,
    actor: String,
) -> Result<ConnectResult, WebError> {
    let mut rx = spawn(state, tenant, source, request, access, actor);
    let mut steps = Vec::new();
    while let Some(event) = rx.recv().await {
        match event {
            Event::Step(e) => steps.push(StepView::from(&e)),
            Event::Done(done) => return result_of(steps, done),
        }
    }
    Err(WebError::Internal(
        "connection test ended without a result".into(),
    ))
}

/// Runs the test and streams NDJSON lines as the steps complete.
pub fn stream(
    state: &AppState,
    tenant: TenantId,
    source: SourceId,
    request: ConnectRequest,
    access: bool,
    actor: String,
) -> Body {
    let rx = spawn(state, tenant, source, request, access, actor);
    let steps = Arc::new(std::sync::Mutex::new(Vec::new()));
    let lines = futures::stream::unfold(rx, |mut rx| async move {
        let event = rx.recv().await?;
        Some((event, rx))
    })
    .map(move |event| {
        let line = match event {
            Event::Step(e) => {
                let view = StepView::from(&e);
                if let Ok(mut all) = steps.lock() {
                    all.push(view.clone());
                }
                serde_json::json!({"type": "step", "step": view})
            }
            Event::Done(done) => {
                let all = steps.lock().map(|s| s.clone()).unwrap_or_default();
                match result_of(all, done) {
                    Ok(result) => serde_json::json!({"type": "result", "result": result}),
                    Err(e) => serde_json::json!({"type": "error", "error": e.body()}),
                }
            }
        };
        Ok::<_, std::convert::Infallible>(format!("{line}\n"))
    });
    Body::from_stream(lines)
}
