//! A scoped sync of a stored source: the directory, access (the SSO
//! source), or both — the directory published first, then access expanded
//! through it. Scheduled and on-demand jobs of a source that collects
//! access run both.

use std::sync::Arc;

use roster_aws::{Platform, SsoClient};
use roster_core::{Diagnosis, SourceId, TenantId};
use roster_store::{Store, SyncScope};

use crate::access_sync::{AccessOutcome, AccessSyncOptions, run_access_sync};
use crate::access_sync_progress::AccessProgress;
use crate::error::EngineError;
use crate::progress::SyncProgress;
use crate::source_sync::{diagnosis_of, locate_now, record_failure, sync_source};
use crate::sync::{SyncOptions, SyncOutcome};

/// What a sync reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    /// Users, groups, memberships (the Identity Store).
    #[default]
    Directory,
    /// Permission sets, assignments, effective access (`sso:`).
    Access,
    /// The directory, published, then access.
    All,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Directory => "directory",
            Self::Access => "access",
            Self::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Directory, Self::Access, Self::All]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn reads_directory(self) -> bool {
        self != Self::Access
    }

    pub fn reads_access(self) -> bool {
        self != Self::Directory
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a scoped sync published.
#[derive(Debug, Clone, Default)]
pub struct ScopedOutcome {
    pub directory: Option<SyncOutcome>,
    pub access: Option<AccessOutcome>,
}

impl ScopedOutcome {
    /// The last run published (access when both ran).
    pub fn last_sync(&self) -> Option<roster_core::SyncId> {
        self.access
            .as_ref()
            .map(|a| a.sync_id)
            .or_else(|| self.directory.as_ref().map(|d| d.sync_id))
    }
}

/// Options of both kinds of run.
#[derive(Debug, Clone, Default)]
pub struct ScopedOptions {
    pub directory: SyncOptions,
    pub access: AccessSyncOptions,
}

/// Progress of both kinds of run.
#[derive(Debug, Clone, Default)]
pub struct ScopedProgress {
    pub directory: Arc<SyncProgress>,
    pub access: Arc<AccessProgress>,
}

/// Syncs `scope` of `source` now, in this task; with `All`, a failed
/// directory run stops before access.
pub async fn sync_source_scoped(
    store: Arc<dyn Store>,
    platform: &Platform,
    tenant: &TenantId,
    source: &SourceId,
    scope: Scope,
    options: &ScopedOptions,
    progress: &ScopedProgress,
) -> Result<ScopedOutcome, EngineError> {
    let mut outcome = ScopedOutcome::default();
    if scope.reads_directory() {
        outcome.directory = Some(
            sync_source(
                store.clone(),
                platform,
                tenant,
                source,
                &options.directory,
                progress.directory.clone(),
            )
            .await?,
        );
    }
    if scope.reads_access() {
        outcome.access = Some(
            sync_access_source(
                store,
                platform,
                tenant,
                source,
                options,
                progress.access.clone(),
            )
            .await?,
        );
    }
    Ok(outcome)
}

/// An access sync of a stored source: assume its role, find its instance
/// (discovered with the directory, or now), read.
pub async fn sync_access_source(
    store: Arc<dyn Store>,
    platform: &Platform,
    tenant: &TenantId,
    source_id: &SourceId,
    options: &ScopedOptions,
    progress: Arc<AccessProgress>,
) -> Result<AccessOutcome, EngineError> {
    let source = store.get_source(tenant, source_id).await?;
    let Some(role) = source.role_arn.clone() else {
        return Err(Diagnosis::invalid_role_arn(
            "the source has no role ARN yet; finish the connection wizard first",
        )
        .into());
    };
    let session = match platform
        .session(&role, &source.external_id, &format!("roster-{}", source.id))
        .await
    {
        Ok(s) => s,
        Err(e) => {
            let d = diagnosis_of("AssumeRole", e, &options.directory.endpoint);
            return Err(
                record_failure(store.as_ref(), tenant, source_id, SyncScope::Access, d).await,
            );
        }
    };
    let location = match source.location.clone() {
        Some(location) => location,
        None => {
            locate_now(
                store.as_ref(),
                tenant,
                source_id,
                &session,
                SyncScope::Access,
            )
            .await?
        }
    };
    let settings = store.access_settings(tenant, source_id).await?;
    let client = SsoClient::new(
        &session,
        location.instance_arn.clone().unwrap_or_default(),
        &location.region,
    );
    run_access_sync(
        store,
        tenant,
        source_id,
        &location,
        client,
        &settings,
        &options.access.for_source(&source),
        progress,
    )
    .await
}
