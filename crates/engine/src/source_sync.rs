//! One sync of a stored source: assume its role, find its directory (once),
//! and run the sync. Failures before the read starts are recorded as failed
//! sync runs too, so the history shows every attempt with its diagnosis.

use std::sync::Arc;

use roster_aws::{AwsError, CustomerSession, DirectoryClient, Platform};
use roster_core::{Diagnosis, SourceId, TenantId};
use roster_store::{DirectoryLocation, Placement, Store, SyncFailure, SyncScope};

use crate::error::EngineError;
use crate::locate::{LocationHint, locate};
use crate::progress::SyncProgress;
use crate::sync::{SyncOptions, SyncOutcome, run_sync};

/// Where roster's own AWS calls go, as an "endpoint unreachable" diagnosis
/// names it. Configuration: read once where the process starts
/// ([`AwsEndpoint::from_env`]) and passed in, never inside an error path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsEndpoint(String);

impl AwsEndpoint {
    /// `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else AWS's own endpoint.
    pub fn from_env() -> Self {
        std::env::var("AWS_ENDPOINT_URL_STS")
            .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
            .map_or_else(|_| Self::default(), Self)
    }

    /// An endpoint given explicitly (the built-in fake AWS, tests).
    pub fn named(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for AwsEndpoint {
    fn default() -> Self {
        Self("the AWS endpoint".to_owned())
    }
}

/// A diagnosis for an AWS failure of `operation` outside a sync's retry loop
/// (`AssumeRole`, discovery, probe reads).
pub fn diagnosis_of(operation: &str, error: AwsError, endpoint: &AwsEndpoint) -> Diagnosis {
    match error {
        AwsError::Diagnosed(d) => d,
        AwsError::Transient {
            detail,
            unreachable: true,
        } => Diagnosis::endpoint_unreachable(endpoint.as_str(), &detail),
        other => Diagnosis::aws_error(operation, "Failed", &other.to_string()),
    }
}

/// Records a failure before the read started as a failed run of `scope`.
pub(crate) async fn record_failure(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    scope: SyncScope,
    diagnosis: Diagnosis,
) -> EngineError {
    let recorded = async {
        let sync = match scope {
            SyncScope::Directory => store.begin_sync(tenant, source).await?,
            SyncScope::Access => store.begin_access_sync(tenant, source).await?,
        };
        store
            .fail_sync(
                tenant,
                sync,
                &SyncFailure::from(&diagnosis),
                &roster_core::SyncStats::default(),
            )
            .await
    };
    if let Err(e) = recorded.await {
        return EngineError::Store(e);
    }
    EngineError::Diagnosed(diagnosis)
}

/// Finds the source's directory now and saves it with the source; a failure
/// is recorded as a failed run of `scope`.
pub(crate) async fn locate_now(
    store: &dyn Store,
    tenant: &TenantId,
    source: &SourceId,
    session: &CustomerSession,
    scope: SyncScope,
) -> Result<DirectoryLocation, EngineError> {
    match locate(session, &LocationHint::default()).await {
        Ok((location, _)) => {
            store.set_source_location(tenant, source, &location).await?;
            Ok(location)
        }
        Err(d) => Err(record_failure(store, tenant, source, scope, d).await),
    }
}

/// Syncs `source` now, in this task.
pub async fn sync_source(
    store: Arc<dyn Store>,
    platform: &Platform,
    tenant: &TenantId,
    source_id: &SourceId,
    options: &SyncOptions,
    progress: Arc<SyncProgress>,
) -> Result<SyncOutcome, EngineError> {
    let source = store.get_source(tenant, source_id).await?;
    let Some(role) = source.role_arn.clone() else {
        let d = Diagnosis::invalid_role_arn(
            "the source has no role ARN yet; finish the connection wizard first",
        );
        return Err(EngineError::Diagnosed(d));
    };
    let session_name = format!("roster-{}", source.id);
    let session = match platform
        .session(&role, &source.external_id, &session_name)
        .await
    {
        Ok(s) => s,
        Err(e) => {
            return Err(record_failure(
                store.as_ref(),
                tenant,
                source_id,
                SyncScope::Directory,
                diagnosis_of("AssumeRole", e, &options.endpoint),
            )
            .await);
        }
    };
    let location = match source.location.clone() {
        Some(location) if location.placement == Placement::Unknown => {
            refresh_placement(store.as_ref(), tenant, source_id, &session, location).await?
        }
        Some(location) => location,
        None => {
            locate_now(
                store.as_ref(),
                tenant,
                source_id,
                &session,
                SyncScope::Directory,
            )
            .await?
        }
    };
    let client = DirectoryClient::new(
        &session,
        location.identity_store_id.clone(),
        location.region.clone(),
    );
    let options = options.for_source(&source);
    run_sync(
        store, tenant, source_id, &location, client, &options, progress,
    )
    .await
}

/// A location stored without its placement (before roster kept it, or
/// with discovery not allowed then): locate again with the stored values
/// as the hint and keep what is learnt. Best effort: a sync never fails
/// for this, it reads the stored location.
async fn refresh_placement(
    store: &dyn Store,
    tenant: &TenantId,
    source_id: &SourceId,
    session: &CustomerSession,
    stored: DirectoryLocation,
) -> Result<DirectoryLocation, EngineError> {
    let hint = LocationHint {
        region: Some(stored.region.clone()),
        identity_store_id: Some(stored.identity_store_id.clone()),
    };
    match locate(session, &hint).await {
        Ok((found, _))
            if found.placement != Placement::Unknown
                && found.identity_store_id == stored.identity_store_id =>
        {
            let refreshed = DirectoryLocation {
                region: stored.region.clone(),
                ..found
            };
            store
                .set_source_location(tenant, source_id, &refreshed)
                .await?;
            Ok(refreshed)
        }
        Ok(_) => Ok(stored),
        Err(d) => {
            tracing::info!(code = %d.code, "placement not refreshed; syncing the stored location");
            Ok(stored)
        }
    }
}
