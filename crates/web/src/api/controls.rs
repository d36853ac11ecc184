//! API: the framework mapping — controls of SOC 2, ISO/IEC 27001 and NIST
//! SP 800-53 → the checks that support them, and checks → controls.

use axum::Json;
use roster_core::evidence::frameworks::{CHECKS, CONTROLS, checks_for, framework_name};
use serde::Serialize;

use crate::auth::Principal;
use crate::error::ErrorBody;

/// A framework control and the checks that support it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ControlView {
    /// `framework:id`, e.g. `soc2:CC6.1`.
    pub key: String,
    pub framework: String,
    pub id: String,
    pub title: String,
    pub checks: Vec<String>,
}

/// A check and the controls (keys) it supports.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckDefView {
    pub id: String,
    pub title: String,
    pub controls: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Mapping {
    pub controls: Vec<ControlView>,
    pub checks: Vec<CheckDefView>,
}

#[utoipa::path(get, path = "/api/v1/controls", tag = "evidence",
    responses((status = 200, description = "Controls → checks and checks → controls", body = Mapping), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
#[tracing::instrument(skip_all)]
pub async fn controls(_who: Principal) -> Json<Mapping> {
    Json(Mapping {
        controls: CONTROLS
            .iter()
            .map(|c| ControlView {
                key: c.key(),
                framework: framework_name(c.framework).to_owned(),
                id: c.id.to_owned(),
                title: c.title.to_owned(),
                checks: checks_for(&c.key())
                    .iter()
                    .map(|d| d.id.to_owned())
                    .collect(),
            })
            .collect(),
        checks: CHECKS
            .iter()
            .map(|d| CheckDefView {
                id: d.id.to_owned(),
                title: d.title.to_owned(),
                controls: d.controls.iter().map(|&k| k.to_owned()).collect(),
            })
            .collect(),
    })
}
