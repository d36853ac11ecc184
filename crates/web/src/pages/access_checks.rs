//! The Checks page's access section: ACC-01 … ACC-06 on the source's latest
//! access snapshot, shown like the IDS- checks (status, entities at fault,
//! controls), and the form of their settings (admins change them, with
//! CSRF; auditors read them).

use axum::extract::State;
use axum::response::Redirect;
use maud::{Markup, html};
use roster_core::sso::AccessCheckSettings;
use roster_store::Source;
use serde::Deserialize;

use super::access::empty_state;
use super::checks::{check_row, one_check};
use super::layout::csrf_field;
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::{AppForm, TenantSource};
use crate::service::access::{self, AccessState};
use crate::service::access_checks::{self, AccessSettingsView};
use crate::state::AppState;

/// Hours as the form shows them: whole when whole, else with decimals.
fn hours(seconds: u64) -> String {
    let (whole, rest) = (seconds / 3_600, seconds % 3_600);
    if rest == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{:02}", rest * 100 / 3_600)
    }
}

fn settings_form(who: &Principal, source: &Source, s: &AccessCheckSettings) -> Markup {
    let ro = !who.is_admin();
    html! {
        h3 #access-settings { "Access check settings" }
        @if ro { p.meta { "Read-only: only admins change check settings." } }
        form #access-check-settings method="post" action={ "/sources/" (source.id) "/access/settings" } {
            (csrf_field(who))
            label for="max_session_hours" { "ACC-04 maximum session duration (hours, 1–12)" }
            input #max_session_hours type="text" inputmode="decimal" name="max_session_hours" value=(hours(s.max_session_seconds)) disabled[ro];
            label { input #boundary_required type="checkbox" name="boundary_required" value="true" checked[s.boundary_required] disabled[ro]; " ACC-05 every permission set must have a permissions boundary" }
            label for="access_privileged_patterns" { "ACC-01/ACC-06 privileged permission set name patterns (* and ?, any case; one per line) — besides AdministratorAccess and an inline \"*\" on \"*\"" }
            textarea #access_privileged_patterns name="privileged_patterns" rows="3" disabled[ro] { (s.privileged_patterns.join("\n")) }
            @if !ro { p { button #save-access-settings type="submit" { "Save access settings" } } }
        }
    }
}

/// The access section of the Checks page; `check` focuses one ACC- check's
/// findings (paged).
pub async fn section(
    state: &AppState,
    who: &Principal,
    source: &Source,
    check: Option<&str>,
    page_no: usize,
) -> Result<Markup, WebError> {
    let settings = access_checks::settings(state, who, source).await?;
    let st = access::access_state(state, who, source).await?;
    let results = match &st {
        AccessState::Ready(snap) => access_checks::report(state, who, snap).await?,
        _ => None,
    };
    Ok(html! {
        section #access-checks {
            h2 { "Access checks" }
            @match &results {
                None => (empty_state(source, &st)),
                Some(report) => {
                    @let s = &report.summary;
                    p.meta { "Access snapshot of sync #" (report.sync_id) }
                    p #access-check-summary {
                        span.tag.ok { (s.pass) " pass" } span.tag.bad { (s.fail) " fail" }
                        span.tag.pending { (s.review) " review" } span.tag { (s.skipped) " skipped" }
                    }
                    @match check.and_then(|id| report.checks.iter().find(|c| c.id == id)) {
                        Some(c) => (one_check(source, c, page_no)),
                        None => table #acc-checks {
                            thead { tr { th { "Check" } th { "Status" } th { "Controls" } th { "Entities at fault" } } }
                            tbody { @for c in &report.checks { (check_row(source, c)) } }
                        },
                    }
                },
            }
            (settings_form(who, source, &settings))
        }
    })
}

#[derive(Debug, Deserialize)]
pub struct AccessSettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    max_session_hours: String,
    #[serde(default)]
    boundary_required: Option<String>,
    #[serde(default)]
    privileged_patterns: String,
}

/// `POST /sources/{id}/access/settings`.
#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn save(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppForm(f): AppForm<AccessSettingsForm>,
) -> Result<Redirect, WebError> {
    who.check_form(&f.csrf)?;
    who.require_admin()?;
    let hours: f64 = f
        .max_session_hours
        .trim()
        .parse()
        .ok()
        .filter(|h: &f64| h.is_finite() && (1.0..=12.0).contains(h))
        .ok_or_else(|| {
            WebError::bad_request(
                "invalid-settings",
                "the maximum session duration is a number of hours from 1 to 12",
            )
        })?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let seconds = (hours * 3_600.0).round() as u64;
    let view = AccessSettingsView {
        max_session_seconds: seconds,
        boundary_required: f.boundary_required.as_deref() == Some("true"),
        privileged_patterns: f.privileged_patterns.lines().map(str::to_owned).collect(),
    };
    access_checks::save_settings(&state, &who, &source, &view).await?;
    Ok(Redirect::to(&format!(
        "/checks?source={}#access-settings",
        source.id
    )))
}
