//! The access checks ACC-01 … ACC-06 of a source's latest access snapshot,
//! and their settings (maximum session duration, permissions boundary
//! required, privileged permission-set name patterns): read by any tenant
//! user, changed by admins only, validated here and audited.

use roster_core::sso::AccessCheckSettings;
use roster_engine::evidence::{self, AccessCheckReport};
use roster_store::{Snapshot, Source};
use serde::{Deserialize, Serialize};

use crate::audit::actor;
use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// The maximum session a setting may name: up to AWS's 12 hours.
pub const SESSION_BOUNDS: std::ops::RangeInclusive<u64> = 1..=43_200;
const MAX_PATTERNS: usize = 50;
const MAX_PATTERN_LEN: usize = 256;

/// The access checks' settings as the API shows and takes them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccessSettingsView {
    /// ACC-04: the longest session a permission set may grant, in seconds
    /// (1–43200: AWS allows at most 12 hours; default 28800).
    pub max_session_seconds: u64,
    /// ACC-05: every permission set must have a permissions boundary.
    #[serde(default)]
    pub boundary_required: bool,
    /// ACC-01/ACC-06: permission set name patterns (`*`, `?`; any case)
    /// that count as privileged besides `AdministratorAccess` and an inline
    /// `"*"` on `"*"`.
    #[serde(default)]
    pub privileged_patterns: Vec<String>,
}

impl From<AccessCheckSettings> for AccessSettingsView {
    fn from(s: AccessCheckSettings) -> Self {
        Self {
            max_session_seconds: s.max_session_seconds,
            boundary_required: s.boundary_required,
            privileged_patterns: s.privileged_patterns,
        }
    }
}

fn invalid(message: String) -> WebError {
    WebError::bad_request("invalid-settings", message)
}

/// Settings as stored: the session bound in range, patterns trimmed,
/// without blanks, duplicates or control characters, bounded in number
/// and length.
pub fn validate(v: &AccessSettingsView) -> Result<AccessCheckSettings, WebError> {
    if !SESSION_BOUNDS.contains(&v.max_session_seconds) {
        return Err(invalid(format!(
            "max_session_seconds is from {} to {} (AWS allows sessions of at most 12 hours)",
            SESSION_BOUNDS.start(),
            SESSION_BOUNDS.end()
        )));
    }
    let mut patterns: Vec<String> = Vec::new();
    for p in v.privileged_patterns.iter().map(|p| p.trim()) {
        if p.is_empty() || patterns.iter().any(|q| q == p) {
            continue;
        }
        if p.chars().count() > MAX_PATTERN_LEN || p.chars().any(char::is_control) {
            return Err(invalid(format!(
                "a pattern is at most {MAX_PATTERN_LEN} characters, without control characters"
            )));
        }
        patterns.push(p.to_owned());
    }
    if patterns.len() > MAX_PATTERNS {
        return Err(invalid(format!("at most {MAX_PATTERNS} patterns")));
    }
    Ok(AccessCheckSettings {
        max_session_seconds: v.max_session_seconds,
        boundary_required: v.boundary_required,
        privileged_patterns: patterns,
    })
}

/// A source's access check settings (the defaults until an admin saves some).
pub async fn settings(
    state: &AppState,
    who: &Principal,
    source: &Source,
) -> Result<AccessCheckSettings, WebError> {
    Ok(state
        .store
        .access_settings(who.tenant(), &source.id)
        .await?)
}

/// Validates and stores a source's access check settings (admins only) and
/// records the change in the audit log.
pub async fn save_settings(
    state: &AppState,
    who: &Principal,
    source: &Source,
    view: &AccessSettingsView,
) -> Result<AccessCheckSettings, WebError> {
    who.require_admin()?;
    let settings = validate(view)?;
    evidence::save_access_settings(
        state.store.as_ref(),
        who.tenant(),
        &source.id,
        &settings,
        &actor(who),
    )
    .await?;
    Ok(settings)
}

/// ACC-01 … ACC-06 of an access snapshot with the source's settings
/// (engine's one runner, the same as `access_checks.json` in bundles);
/// `None` when the source had no access snapshot by then.
pub async fn report(
    state: &AppState,
    who: &Principal,
    snap: &Snapshot,
) -> Result<Option<AccessCheckReport>, WebError> {
    Ok(evidence::access_check_report(state.store.as_ref(), who.tenant(), snap).await?)
}
