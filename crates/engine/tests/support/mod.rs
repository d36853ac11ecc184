//! An in-process fake-aws with a customer role, and a fresh `SQLite` store,
//! for sync tests that control faults while a sync runs.
#![allow(clippy::unwrap_used, dead_code)]

pub mod bucket;

use std::sync::Arc;

use roster_aws::{DirectoryClient, Platform};
use roster_core::policy::{PermissionsOptions, permissions_policy, trust_policy};
use roster_core::{ExternalId, Region, RoleArn, SourceId, TenantId};
use roster_engine::{
    EngineError, LocationHint, SyncOptions, SyncOutcome, SyncProgress, locate, run_sync,
};
use roster_fake_aws::{FakeAws, FakeAwsConfig, FakeAwsHandle};
use roster_store::{DirectoryLocation, NewSource, SourceStatus, SqlStore, Store};

pub struct Rig {
    pub fake: Arc<FakeAwsHandle>,
    pub store: Arc<dyn Store>,
    pub tenant: TenantId,
    pub source: SourceId,
    pub client: DirectoryClient,
    pub location: DirectoryLocation,
    _dir: tempfile::TempDir,
}

impl Rig {
    pub async fn start(config: FakeAwsConfig) -> Self {
        let fake = FakeAws::start(config).await.unwrap();
        let info = fake.info().clone();
        let external_id = ExternalId::generate();
        let trust = trust_policy(&info.platform.principal_arn, &external_id).to_json();
        let inline = permissions_policy(&PermissionsOptions::recommended()).to_json();
        let role = RoleArn::parse(
            &fake
                .create_role("roster", &trust, Some(&inline), &[])
                .unwrap(),
        )
        .unwrap();
        let region = Region::parse(&info.customer.home_region).unwrap();
        let platform = Platform::with_static_keys(
            &info.endpoint,
            &info.platform.access_key_id,
            &info.platform.secret_access_key,
            &region,
        )
        .await;
        let session = platform
            .session(&role, &external_id, "roster-test")
            .await
            .unwrap();
        let (location, _) = locate(&session, &LocationHint::default()).await.unwrap();
        let client = DirectoryClient::new(
            &session,
            location.identity_store_id.clone(),
            location.region.clone(),
        );
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        let store: Arc<dyn Store> = Arc::new(SqlStore::connect(&url).await.unwrap());
        let tenant = TenantId::default_tenant();
        let new = NewSource {
            id: SourceId::generate(),
            name: "test".into(),
            role_arn: Some(role),
            external_id,
            status: SourceStatus::Connected,
        };
        let source = store.create_source(&tenant, &new).await.unwrap().id;
        Self {
            fake: Arc::new(fake),
            store,
            tenant,
            source,
            client,
            location,
            _dir: dir,
        }
    }

    pub async fn sync(&self, options: &SyncOptions) -> Result<SyncOutcome, EngineError> {
        let progress = Arc::new(SyncProgress::default());
        run_sync(
            self.store.clone(),
            &self.tenant,
            &self.source,
            &self.location,
            self.client.clone(),
            options,
            progress,
        )
        .await
    }

    /// Asserts the store's latest snapshot holds exactly fake-aws's directory.
    pub async fn assert_snapshot_is_exact(&self, outcome: &SyncOutcome) {
        let (users, groups, memberships) = self.fake.directory_counts();
        let c = outcome.counts;
        assert_eq!(
            (c.users, c.groups, c.memberships),
            (users as u64, groups as u64, memberships as u64)
        );
        let v = self
            .store
            .version_counts(&self.tenant, &self.source)
            .await
            .unwrap();
        assert_eq!(
            (v.users, v.groups, v.memberships),
            (c.users, c.groups, c.memberships),
            "no duplicates"
        );
    }
}
