//! Where the role lives: the connection test keeps the
//! placement, the instance type and status and the management account on
//! the source's location; a location stored before roster kept them is
//! completed by the next sync.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use roster_aws::Platform;
use roster_core::policy::{PermissionsOptions, permissions_policy, trust_policy};
use roster_core::{ExternalId, IdentityStoreId, Region, RoleArn, SourceId, TenantId};
use roster_engine::connection_test::{
    ConnectRequest, Step, StepEvent, StepStatus, test_connection,
};
use roster_engine::{AwsEndpoint, LocationHint, SyncOptions, SyncProgress, sync_source};
use roster_fake_aws::{FakeAws, FakeAwsConfig, FakeAwsHandle};
use roster_store::{
    DirectoryLocation, InstanceType, NewSource, Placement, SourceStatus, SqlStore, Store,
};

struct Scene {
    fake: FakeAwsHandle,
    store: Arc<dyn Store>,
    tenant: TenantId,
    source: SourceId,
    role: RoleArn,
    platform: Platform,
    _dir: tempfile::TempDir,
}

/// roster's role (recommended policy: reads and discovery) created in `account`.
async fn scene(config: FakeAwsConfig, account: impl Fn(&FakeAwsHandle) -> String) -> Scene {
    let fake = FakeAws::start(config).await.unwrap();
    let info = fake.info().clone();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    let store: Arc<dyn Store> = Arc::new(SqlStore::connect(&url).await.unwrap());
    let tenant = TenantId::default_tenant();
    let external_id = ExternalId::generate();
    let trust = trust_policy(&info.platform.principal_arn, &external_id).to_json();
    let inline = permissions_policy(&PermissionsOptions::recommended()).to_json();
    let role = RoleArn::parse(
        &fake
            .create_role_in(&account(&fake), "roster", &trust, Some(&inline), &[])
            .unwrap(),
    )
    .unwrap();
    let new = NewSource {
        id: SourceId::generate(),
        name: "placement".into(),
        role_arn: Some(role.clone()),
        external_id,
        status: SourceStatus::Pending,
    };
    let source = store.create_source(&tenant, &new).await.unwrap().id;
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
        tenant,
        source,
        role,
        platform,
        _dir: dir,
    }
}

/// Connects; returns the stored location and the discovery step's detail.
async fn connect(s: &Scene, hint: LocationHint) -> (DirectoryLocation, String) {
    let request = ConnectRequest {
        role: s.role.clone(),
        hint,
        platform_principal: None,
        endpoint: AwsEndpoint::named(s.fake.info().endpoint.clone()),
    };
    let details = std::sync::Mutex::new(Vec::new());
    let sink = |e: StepEvent| {
        if e.step == Step::Discovery && e.status == StepStatus::Passed {
            details.lock().unwrap().push(e.detail);
        }
    };
    let location = test_connection(
        s.store.as_ref(),
        &s.platform,
        &s.tenant,
        &s.source,
        &request,
        &sink,
    )
    .await
    .unwrap();
    let detail = details.lock().unwrap().concat();
    (location, detail)
}

fn delegated_admin(fake: &FakeAwsHandle) -> String {
    fake.info()
        .customer
        .delegated_admin
        .clone()
        .unwrap()
        .account_id
}

#[tokio::test]
async fn a_delegated_administrator_connection_keeps_its_placement_and_the_management_account() {
    let s = scene(
        FakeAwsConfig::default().delegated_admin(true),
        delegated_admin,
    )
    .await;
    let (_, detail) = connect(&s, LocationHint::default()).await;
    assert!(
        detail.ends_with("the role is in the delegated administrator account"),
        "{detail}"
    );
    let stored = s.store.get_source(&s.tenant, &s.source).await.unwrap();
    let loc = stored.location.unwrap();
    let info = s.fake.info();
    assert_eq!(loc.placement, Placement::DelegatedAdministrator);
    assert_eq!(
        loc.management_account
            .as_ref()
            .map(|a| a.as_str().to_owned()),
        Some(info.customer.management_account_id.clone())
    );
    assert_eq!(loc.instance_type, InstanceType::Organization);
    assert_eq!(loc.instance_status.as_deref(), Some("ACTIVE"));
    assert_eq!(
        loc.instance_arn.as_deref(),
        Some(info.customer.instance_arn.as_str())
    );
    let line = roster_engine::describe_placement(&loc, Some(s.role.account()));
    assert!(
        line.starts_with(&format!(
            "delegated administrator account {} — the organization instance is owned by management account {}",
            delegated_admin(&s.fake),
            info.customer.management_account_id
        )),
        "{line}"
    );
}

#[tokio::test]
async fn a_member_account_with_the_directory_typed_in_is_kept_as_member() {
    let s = scene(FakeAwsConfig::default().member_accounts(1), |f| {
        f.info().customer.member_accounts[0].account_id.clone()
    })
    .await;
    let info = s.fake.info().clone();
    let (loc, _) = connect(
        &s,
        LocationHint {
            region: Some(Region::parse(&info.customer.home_region).unwrap()),
            identity_store_id: Some(
                IdentityStoreId::parse(&info.customer.identity_store_id).unwrap(),
            ),
        },
    )
    .await;
    assert_eq!(loc.placement, Placement::Member);
    assert_eq!(loc.instance_type, InstanceType::Unknown);
    let stored = s.store.get_source(&s.tenant, &s.source).await.unwrap();
    assert_eq!(stored.location.unwrap().placement, Placement::Member);
}

#[tokio::test]
async fn a_location_stored_before_placements_were_kept_is_completed_by_the_next_sync() {
    let s = scene(
        FakeAwsConfig::default().delegated_admin(true),
        delegated_admin,
    )
    .await;
    let info = s.fake.info().clone();
    // What an upgraded database holds: the location without its placement.
    let old = DirectoryLocation {
        identity_store_id: IdentityStoreId::parse(&info.customer.identity_store_id).unwrap(),
        region: Region::parse(&info.customer.home_region).unwrap(),
        instance_arn: Some(info.customer.instance_arn.clone()),
        account_id: None,
        instance_status: None,
        instance_type: InstanceType::Unknown,
        management_account: None,
        placement: Placement::Unknown,
    };
    s.store
        .set_source_location(&s.tenant, &s.source, &old)
        .await
        .unwrap();
    s.store
        .set_source_status(&s.tenant, &s.source, SourceStatus::Connected)
        .await
        .unwrap();
    sync_source(
        s.store.clone(),
        &s.platform,
        &s.tenant,
        &s.source,
        &SyncOptions::default(),
        Arc::new(SyncProgress::default()),
    )
    .await
    .unwrap();
    let loc = s
        .store
        .get_source(&s.tenant, &s.source)
        .await
        .unwrap()
        .location
        .unwrap();
    assert_eq!(loc.placement, Placement::DelegatedAdministrator);
    assert_eq!(loc.instance_type, InstanceType::Organization);
}
