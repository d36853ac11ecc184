//! The connection test of the source wizard: assume the role with the External ID, prove
//! the trust policy requires it, locate the directory, and probe the three
//! reads; for a source that collects access (the SSO source), also the
//! `sso:`/`organizations:` probes of `connection_test_sso`. Each step is
//! reported as it starts and ends, through a callback, so the console, the
//! API and the CLI can show it live. On success the source's location is
//! stored and the source is marked connected (and, for access, collecting it).

use roster_aws::directory::DirectoryClient;
use roster_aws::{AwsError, CustomerSession, Platform};
use roster_core::{Diagnosis, DiagnosisCode, ExternalId, RoleArn, SourceId, TenantId};
use roster_store::{DirectoryLocation, Placement, SourceStatus, Store};
use serde::Serialize;

use crate::error::EngineError;
use crate::locate::{LocationHint, locate};
use crate::source_sync::{AwsEndpoint, diagnosis_of};

#[path = "connection_test_sso.rs"]
mod sso;

/// The steps, in order: four for the directory, three more for access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    AssumeRole,
    InsecureTrustCheck,
    Discovery,
    ProbeReads,
    SsoPermissionSets,
    SsoAccounts,
    SsoAssignments,
}

impl Step {
    /// Every step of a connection that collects access.
    pub const ALL: [Step; 7] = [
        Step::AssumeRole,
        Step::InsecureTrustCheck,
        Step::Discovery,
        Step::ProbeReads,
        Step::SsoPermissionSets,
        Step::SsoAccounts,
        Step::SsoAssignments,
    ];

    /// The steps a connection runs: the directory's four, and the SSO
    /// probes when it collects access.
    pub fn run_by(access: bool) -> &'static [Step] {
        if access { &Self::ALL } else { &Self::ALL[..4] }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AssumeRole => "assume-role",
            Self::InsecureTrustCheck => "insecure-trust-check",
            Self::Discovery => "discovery",
            Self::ProbeReads => "probe-reads",
            Self::SsoPermissionSets => "sso-permission-sets",
            Self::SsoAccounts => "sso-accounts",
            Self::SsoAssignments => "sso-assignments",
        }
    }

    /// What the step does, as the wizard lists it.
    pub fn title(self) -> &'static str {
        match self {
            Self::AssumeRole => "sts:AssumeRole with the External ID",
            Self::InsecureTrustCheck => {
                "sts:AssumeRole without the External ID is refused (leaves one expected AccessDenied event in CloudTrail)"
            }
            Self::Discovery => "Find the Identity Store ID, instance and home Region",
            Self::ProbeReads => "Probe reads: ListUsers, ListGroups, ListGroupMemberships",
            Self::SsoPermissionSets => "sso:ListPermissionSets on the instance",
            Self::SsoAccounts => "organizations:ListAccounts",
            Self::SsoAssignments => "One sso:ListAccountAssignments probe",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    Running,
    Passed,
    Failed,
    Skipped,
}

/// One step's progress; `detail` says what was found or why it failed.
#[derive(Debug, Clone, Serialize)]
pub struct StepEvent {
    pub step: Step,
    pub status: StepStatus,
    pub detail: String,
}

/// What the customer submitted.
#[derive(Debug, Clone)]
pub struct ConnectRequest {
    pub role: RoleArn,
    pub hint: LocationHint,
    /// roster's own principal ARN, for the fixes that show the trust policy.
    pub platform_principal: Option<String>,
    /// Where roster's AWS calls go, for diagnoses (read once at startup).
    pub endpoint: AwsEndpoint,
}

/// Receives each step's events as they happen.
pub type StepSink<'a> = &'a (dyn Fn(StepEvent) + Send + Sync);

pub(crate) struct Reporter<'a> {
    sink: StepSink<'a>,
    /// The steps this test runs (`Step::run_by`).
    steps: &'static [Step],
}

impl Reporter<'_> {
    pub(crate) fn emit(&self, step: Step, status: StepStatus, detail: impl Into<String>) {
        (self.sink)(StepEvent {
            step,
            status,
            detail: detail.into(),
        });
    }

    /// Reports `step` failed and every later step skipped.
    pub(crate) fn fail(&self, step: Step, d: &Diagnosis) -> EngineError {
        self.emit(step, StepStatus::Failed, format!("{}: {}", d.code, d.cause));
        for later in self.steps.iter().filter(|s| **s as u8 > step as u8) {
            self.emit(*later, StepStatus::Skipped, "not run");
        }
        EngineError::Diagnosed(d.clone())
    }
}

/// Where the role is, as the discovery step's detail says it. For access,
/// member accounts do not work (they see no permission sets).
fn placement_phrase(placement: Placement, access: bool) -> &'static str {
    match placement {
        Placement::Management if access => {
            "the management account (works; the delegated administrator account is less privileged)"
        }
        Placement::Management => {
            "the management account (works; a member or the delegated administrator account is less privileged)"
        }
        Placement::DelegatedAdministrator => "the delegated administrator account",
        Placement::Member => "a member account",
        Placement::Unknown => "an account roster could not place",
    }
}

/// Runs the connection test for `source` (with the SSO steps when it
/// collects access). On success the location is stored and the source is
/// connected; on failure it keeps its status (pending).
pub async fn test_connection(
    store: &dyn Store,
    platform: &Platform,
    tenant: &TenantId,
    source: &SourceId,
    request: &ConnectRequest,
    sink: StepSink<'_>,
) -> Result<DirectoryLocation, EngineError> {
    run(store, platform, tenant, source, request, false, sink).await
}

/// "Also collect access": the connection test with the SSO steps whatever
/// the source collects today; on success the source collects access too
/// (one connection, one role, both scopes).
pub async fn test_connection_with_access(
    store: &dyn Store,
    platform: &Platform,
    tenant: &TenantId,
    source: &SourceId,
    request: &ConnectRequest,
    sink: StepSink<'_>,
) -> Result<DirectoryLocation, EngineError> {
    run(store, platform, tenant, source, request, true, sink).await
}

async fn run(
    store: &dyn Store,
    platform: &Platform,
    tenant: &TenantId,
    source: &SourceId,
    request: &ConnectRequest,
    add_access: bool,
    sink: StepSink<'_>,
) -> Result<DirectoryLocation, EngineError> {
    let stored = store.get_source(tenant, source).await?;
    let access = add_access || stored.collects_access;
    let r = Reporter {
        sink,
        steps: Step::run_by(access),
    };
    store.set_source_role(tenant, source, &request.role).await?;
    let session_name = format!("roster-{source}");
    let session = assume(platform, request, &stored.external_id, &session_name, &r).await?;
    insecure_trust_check(platform, request, &stored.external_id, &session_name, &r).await?;

    r.emit(Step::Discovery, StepStatus::Running, "");
    let location = match locate(&session, &request.hint).await {
        Ok((location, found)) => {
            let how = if found.is_some() {
                "discovered"
            } else {
                "as entered"
            };
            r.emit(
                Step::Discovery,
                StepStatus::Passed,
                format!(
                    "Identity Store {} in {} ({how}); the role is in {}",
                    location.identity_store_id,
                    location.region,
                    placement_phrase(location.placement, access)
                ),
            );
            location
        }
        Err(d) if access => return Err(r.fail(Step::Discovery, &sso::discovery_diagnosis(d))),
        Err(d) => return Err(r.fail(Step::Discovery, &d)),
    };
    probe(&session, &location, &request.endpoint, &r).await?;
    if access {
        sso::probe_access(&session, &location, &request.role, &request.endpoint, &r).await?;
    }
    store.set_source_location(tenant, source, &location).await?;
    if access && !stored.collects_access {
        store
            .set_source_collects_access(tenant, source, true)
            .await?;
    }
    store
        .set_source_status(tenant, source, SourceStatus::Connected)
        .await?;
    tracing::info!(%source, store_id = %location.identity_store_id, access, "connection configured");
    Ok(location)
}

async fn assume(
    platform: &Platform,
    request: &ConnectRequest,
    external_id: &ExternalId,
    session_name: &str,
    r: &Reporter<'_>,
) -> Result<CustomerSession, EngineError> {
    r.emit(Step::AssumeRole, StepStatus::Running, "");
    match platform
        .session(&request.role, external_id, session_name)
        .await
    {
        Ok(session) => {
            r.emit(
                Step::AssumeRole,
                StepStatus::Passed,
                format!("assumed {} as {session_name}", request.role),
            );
            Ok(session)
        }
        Err(AwsError::Diagnosed(d)) if d.code == DiagnosisCode::AssumeRoleDenied => {
            let d = Diagnosis::assume_role_denied(
                &request.role,
                request.platform_principal.as_deref(),
                external_id,
            );
            Err(r.fail(Step::AssumeRole, &d))
        }
        Err(e) => Err(r.fail(
            Step::AssumeRole,
            &diagnosis_of("AssumeRole", e, &request.endpoint),
        )),
    }
}

async fn insecure_trust_check(
    platform: &Platform,
    request: &ConnectRequest,
    external_id: &ExternalId,
    session_name: &str,
    r: &Reporter<'_>,
) -> Result<(), EngineError> {
    use roster_aws::platform::AssumeError;
    r.emit(Step::InsecureTrustCheck, StepStatus::Running, "");
    match platform.try_assume(&request.role, None, session_name).await {
        Err(AssumeError::Denied(_)) => {
            r.emit(
                Step::InsecureTrustCheck,
                StepStatus::Passed,
                "refused without the External ID, as it must be",
            );
            Ok(())
        }
        Ok(_) => {
            let principal = request
                .platform_principal
                .as_deref()
                .unwrap_or("<roster's principal ARN>");
            let d =
                Diagnosis::trust_policy_missing_external_id(&request.role, principal, external_id);
            Err(r.fail(Step::InsecureTrustCheck, &d))
        }
        Err(AssumeError::Other(e)) => Err(r.fail(
            Step::InsecureTrustCheck,
            &diagnosis_of("AssumeRole", e, &request.endpoint),
        )),
    }
}

async fn probe(
    session: &CustomerSession,
    location: &DirectoryLocation,
    endpoint: &AwsEndpoint,
    r: &Reporter<'_>,
) -> Result<(), EngineError> {
    r.emit(Step::ProbeReads, StepStatus::Running, "");
    let client = DirectoryClient::new(
        session,
        location.identity_store_id.clone(),
        location.region.clone(),
    );
    let fail = |op: &str, e: AwsError| r.fail(Step::ProbeReads, &diagnosis_of(op, e, endpoint));
    let users = client
        .users_page(None, Some(1))
        .await
        .map_err(|e| fail("ListUsers", e))?;
    let groups = client
        .groups_page(None, Some(1))
        .await
        .map_err(|e| fail("ListGroups", e))?;
    if let Some(group) = groups.items.first() {
        client
            .memberships_page(&group.group_id, None, Some(1))
            .await
            .map_err(|e| fail("ListGroupMemberships", e))?;
    }
    if users.items.is_empty() && groups.items.is_empty() {
        let account = location.account_id.as_ref().map_or("?", |a| a.as_str());
        let d = Diagnosis::empty_directory(location.identity_store_id.as_str(), account);
        return Err(r.fail(Step::ProbeReads, &d));
    }
    r.emit(
        Step::ProbeReads,
        StepStatus::Passed,
        "ListUsers, ListGroups and ListGroupMemberships answered",
    );
    Ok(())
}
