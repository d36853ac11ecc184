//! The connection test's SSO steps against fake-aws in-process: with the SSO
//! source's policy every step passes and the source collects access; each
//! SSO diagnosis comes from the role that causes it, at the step that meets
//! it, with the later steps skipped and the source unchanged.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use roster_aws::Platform;
use roster_core::policy::{PermissionsOptions, permissions_policy, trust_policy};
use roster_core::{DiagnosisCode, ExternalId, Region, RoleArn, SourceId, TenantId};
use roster_engine::connection_test::{
    ConnectRequest, Step, StepEvent, StepStatus, test_connection, test_connection_with_access,
};
use roster_engine::error::EngineError;
use roster_engine::{AwsEndpoint, LocationHint};
use roster_fake_aws::{FakeAws, FakeAwsConfig, FakeAwsHandle};
use roster_store::{NewSource, SourceStatus, SqlStore, Store};

struct Scene {
    fake: FakeAwsHandle,
    store: Arc<dyn Store>,
    tenant: TenantId,
    platform: Platform,
    _dir: tempfile::TempDir,
}

async fn scene() -> Scene {
    let fake = FakeAws::start(FakeAwsConfig::default().organization(3, 3, 8).tps(1000))
        .await
        .unwrap();
    let info = fake.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    let store: Arc<dyn Store> = Arc::new(SqlStore::connect(&url).await.unwrap());
    let platform = Platform::with_static_keys(
        &info.endpoint,
        &info.platform.access_key_id,
        &info.platform.secret_access_key,
        &Region::parse(&info.customer.home_region).unwrap(),
    )
    .await;
    Scene {
        fake,
        store,
        tenant: TenantId::default_tenant(),
        platform,
        _dir: dir,
    }
}

/// A pending source (collecting access if `access`) and its role in the
/// management account with `policy`.
async fn source(s: &Scene, name: &str, policy: &str, access: bool) -> (SourceId, RoleArn) {
    let info = s.fake.info();
    let external_id = ExternalId::generate();
    let trust = trust_policy(&info.platform.principal_arn, &external_id).to_json();
    let role = s
        .fake
        .create_role_in(
            &info.customer.management_account_id,
            name,
            &trust,
            Some(policy),
            &[],
        )
        .unwrap();
    let new = NewSource {
        id: SourceId::generate(),
        name: name.into(),
        role_arn: None,
        external_id,
        status: SourceStatus::Pending,
    };
    let id = s.store.create_source(&s.tenant, &new).await.unwrap().id;
    if access {
        s.store
            .set_source_collects_access(&s.tenant, &id, true)
            .await
            .unwrap();
    }
    (id, RoleArn::parse(&role).unwrap())
}

type Events = Vec<(Step, StepStatus)>;

async fn run(
    s: &Scene,
    id: &SourceId,
    role: &RoleArn,
    add_access: bool,
) -> (Result<(), EngineError>, Events) {
    let request = ConnectRequest {
        role: role.clone(),
        hint: LocationHint::default(),
        platform_principal: None,
        endpoint: AwsEndpoint::named(s.fake.info().endpoint.clone()),
    };
    let events = Mutex::new(Vec::new());
    let sink = |e: StepEvent| events.lock().unwrap().push((e.step, e.status));
    let store = s.store.as_ref();
    let result = if add_access {
        test_connection_with_access(store, &s.platform, &s.tenant, id, &request, &sink).await
    } else {
        test_connection(store, &s.platform, &s.tenant, id, &request, &sink).await
    };
    (result.map(|_| ()), events.into_inner().unwrap())
}

fn final_status(events: &Events, step: Step) -> Option<StepStatus> {
    events
        .iter()
        .rev()
        .find(|(s, _)| *s == step)
        .map(|(_, st)| *st)
}

fn code(r: Result<(), EngineError>) -> DiagnosisCode {
    match r {
        Err(EngineError::Diagnosed(d)) => d.code,
        other => panic!("expected a diagnosis, got {other:?}"),
    }
}

#[tokio::test]
async fn the_sso_source_passes_all_seven_steps_and_collects_access() {
    let s = scene().await;
    let policy = permissions_policy(&PermissionsOptions::sso_source()).to_json();
    let (id, role) = source(&s, "sso-ok", &policy, true).await;
    let (result, events) = run(&s, &id, &role, false).await;
    result.unwrap();
    for step in Step::ALL {
        assert_eq!(
            final_status(&events, step),
            Some(StepStatus::Passed),
            "{step:?}"
        );
    }
    let stored = s.store.get_source(&s.tenant, &id).await.unwrap();
    assert!(stored.collects_access);
    assert_eq!(stored.status, SourceStatus::Connected);
    s.fake.shutdown().await;
}

#[tokio::test]
async fn an_identity_store_source_runs_four_steps_and_gains_access_only_when_asked() {
    let s = scene().await;
    let policy = permissions_policy(&PermissionsOptions::sso_source()).to_json();
    let (id, role) = source(&s, "directory", &policy, false).await;
    let (result, events) = run(&s, &id, &role, false).await;
    result.unwrap();
    assert_eq!(final_status(&events, Step::SsoPermissionSets), None);
    assert!(
        !s.store
            .get_source(&s.tenant, &id)
            .await
            .unwrap()
            .collects_access
    );

    let (result, events) = run(&s, &id, &role, true).await;
    result.unwrap();
    assert_eq!(
        final_status(&events, Step::SsoAssignments),
        Some(StepStatus::Passed)
    );
    assert!(
        s.store
            .get_source(&s.tenant, &id)
            .await
            .unwrap()
            .collects_access
    );
    s.fake.shutdown().await;
}

/// The SSO source's policy with its SSO statement's actions rewritten.
fn sso_policy_with(rewrite: impl Fn(&str) -> String) -> String {
    let mut doc: serde_json::Value =
        serde_json::from_str(&permissions_policy(&PermissionsOptions::sso_source()).to_json())
            .unwrap();
    let statement = doc["Statement"].as_array_mut().unwrap().last_mut().unwrap();
    let actions: Vec<String> = statement["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| rewrite(a.as_str().unwrap()))
        .collect();
    statement["Action"] = serde_json::json!(actions);
    doc.to_string()
}

#[tokio::test]
async fn each_wrong_role_gets_its_sso_diagnosis_at_its_step() {
    let s = scene().await;
    let cases = [
        (
            "identitycenter",
            sso_policy_with(|a| a.replace("sso:", "identitycenter:")),
            DiagnosisCode::SsoWrongPrefix,
            Step::SsoPermissionSets,
        ),
        (
            "sso-directory",
            sso_policy_with(|a| a.replace("sso:", "sso-directory:")),
            DiagnosisCode::SsoWrongPrefix,
            Step::SsoPermissionSets,
        ),
        (
            "no-statement",
            permissions_policy(&PermissionsOptions::recommended()).to_json(),
            DiagnosisCode::SsoAccessDenied,
            Step::SsoPermissionSets,
        ),
        (
            "no-accounts",
            sso_policy_with(|a| a.replace("organizations:ListAccounts", "organizations:ListRoots")),
            DiagnosisCode::SsoAccessDenied,
            Step::SsoAccounts,
        ),
        (
            "no-assignments",
            sso_policy_with(|a| {
                a.replace(
                    "sso:ListAccountAssignments",
                    "sso:ListAccountAssignmentsForPrincipal",
                )
            }),
            DiagnosisCode::SsoAccessDenied,
            Step::SsoAssignments,
        ),
    ];
    for (name, policy, expected, at) in cases {
        let (id, role) = source(&s, name, &policy, true).await;
        let (result, events) = run(&s, &id, &role, false).await;
        assert_eq!(code(result), expected, "{name}");
        assert_eq!(
            final_status(&events, at),
            Some(StepStatus::Failed),
            "{name}"
        );
        let later = Step::ALL.iter().skip_while(|s| **s != at).skip(1);
        for step in later {
            assert_eq!(
                final_status(&events, *step),
                Some(StepStatus::Skipped),
                "{name} {step:?}"
            );
        }
        let stored = s.store.get_source(&s.tenant, &id).await.unwrap();
        assert_eq!(stored.status, SourceStatus::Pending, "{name}");
    }
    s.fake.shutdown().await;
}
