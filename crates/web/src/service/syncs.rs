//! Syncs: a source's run history and its queued jobs.

use roster_store::{Job, Source, SyncRun};

use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// Runs listed: the newest this many.
pub const LISTED: u32 = 100;

/// A source's runs, newest first.
pub async fn list(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<Vec<SyncRun>, WebError> {
    Ok(state
        .store
        .list_syncs(who.tenant(), &source.id, LISTED)
        .await?)
}

/// A source's jobs that have not finished yet (queued or running).
pub async fn pending_jobs(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<Vec<Job>, WebError> {
    Ok(state
        .store
        .list_jobs(who.tenant(), 50)
        .await?
        .into_iter()
        .filter(|j| j.source_id == source.id && j.finished_at.is_none())
        .collect())
}

/// A source's latest run, if it ever ran.
pub async fn last(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<Option<SyncRun>, WebError> {
    Ok(state
        .store
        .list_syncs(who.tenant(), &source.id, 1)
        .await?
        .into_iter()
        .next())
}
