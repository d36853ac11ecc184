//! An in-process fake-aws with a generated organization and a customer role
//! carrying the SSO source's policy, a fresh `SQLite` store with a synced
//! directory, and the effective access computed independently of the
//! access sync (fake-aws's own assignments, expanded by `roster_core`
//! through the directory snapshot's full index), for access sync tests.
#![allow(clippy::unwrap_used, dead_code)]

use std::collections::BTreeSet;
use std::sync::Arc;

use roster_aws::{CustomerSession, DirectoryClient, Platform, SsoClient};
use roster_core::policy::{PermissionsOptions, permissions_policy, trust_policy};
use roster_core::sso::{
    AccessCheckSettings, AccountAssignment, DirectoryIndex, PermissionSetArn, PrincipalType, access,
};
use roster_core::{AccountId, ExternalId, Region, RoleArn, SourceId, TenantId};
use roster_engine::{
    AccessOutcome, AccessProgress, AccessSyncOptions, EngineError, LocationHint, SyncOptions,
    SyncProgress, locate, run_access_sync, run_sync,
};
use roster_fake_aws::{FakeAws, FakeAwsConfig, FakeAwsHandle};
use roster_store::{
    AccessFilter, DirectoryLocation, NewSource, Snapshot, SourceStatus, SqlStore, Store,
};

/// A row as compared: (user, account, permission set, via group, orphaned).
pub type Key = (Option<String>, String, String, Option<String>, bool);

pub struct AccessRig {
    pub fake: Arc<FakeAwsHandle>,
    pub store: Arc<dyn Store>,
    pub tenant: TenantId,
    pub source: SourceId,
    pub session: CustomerSession,
    pub platform: Platform,
    pub location: DirectoryLocation,
    _dir: tempfile::TempDir,
}

/// Assumes a role with the SSO source's policy created in `account`.
pub async fn session_in(
    fake: &FakeAwsHandle,
    account: &str,
) -> (CustomerSession, Platform, RoleArn, ExternalId) {
    let info = fake.info().clone();
    let external_id = ExternalId::generate();
    let trust = trust_policy(&info.platform.principal_arn, &external_id).to_json();
    let inline = permissions_policy(&PermissionsOptions::sso_source()).to_json();
    let role = RoleArn::parse(
        &fake
            .create_role_in(account, "roster-sso", &trust, Some(&inline), &[])
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
    (session, platform, role, external_id)
}

impl AccessRig {
    /// fake-aws with `config`, a synced directory.
    pub async fn start(config: FakeAwsConfig) -> Self {
        let fake = FakeAws::start(config).await.unwrap();
        let management = fake.info().customer.management_account_id.clone();
        let (session, platform, role, external_id) = session_in(&fake, &management).await;
        let (location, _) = locate(&session, &LocationHint::default()).await.unwrap();
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
        store
            .set_source_location(&tenant, &source, &location)
            .await
            .unwrap();
        let rig = Self {
            fake: Arc::new(fake),
            store,
            tenant,
            source,
            session,
            platform,
            location,
            _dir: dir,
        };
        rig.sync_directory().await;
        rig
    }

    pub async fn sync_directory(&self) {
        let client = DirectoryClient::new(
            &self.session,
            self.location.identity_store_id.clone(),
            self.location.region.clone(),
        );
        run_sync(
            self.store.clone(),
            &self.tenant,
            &self.source,
            &self.location,
            client,
            &SyncOptions {
                tps: 1_000.0,
                budget: 1.0,
                ..SyncOptions::default()
            },
            Arc::new(SyncProgress::default()),
        )
        .await
        .unwrap();
    }

    pub fn client(&self) -> SsoClient {
        SsoClient::new(
            &self.session,
            self.location.instance_arn.clone().unwrap(),
            &self.location.region,
        )
    }

    /// Options at `tps` (the whole of it).
    pub fn fast(tps: f64) -> AccessSyncOptions {
        AccessSyncOptions {
            tps,
            budget: 1.0,
            ..AccessSyncOptions::default()
        }
    }

    pub async fn access_sync(
        &self,
        client: SsoClient,
        location: &DirectoryLocation,
        options: &AccessSyncOptions,
    ) -> Result<AccessOutcome, EngineError> {
        run_access_sync(
            self.store.clone(),
            &self.tenant,
            &self.source,
            location,
            client,
            &AccessCheckSettings::default(),
            options,
            Arc::new(AccessProgress::default()),
        )
        .await
    }

    /// fake-aws's assignments, as AWS types.
    pub fn truth_assignments(&self) -> Vec<AccountAssignment> {
        self.fake
            .account_assignments()
            .into_iter()
            .map(|(account, arn, kind, id)| AccountAssignment {
                account_id: AccountId::parse(&account).unwrap(),
                permission_set_arn: PermissionSetArn::parse(&arn).unwrap(),
                principal_type: if kind == "USER" {
                    PrincipalType::User
                } else {
                    PrincipalType::Group
                },
                principal_id: id,
            })
            .collect()
    }

    /// The directory snapshot as one full index (built by `roster_core`,
    /// not by the access sync's per-group reads).
    pub async fn directory_index(&self) -> DirectoryIndex {
        let at = self
            .store
            .latest_snapshot(&self.tenant, &self.source)
            .await
            .unwrap()
            .unwrap();
        let (mut users, mut groups, mut members) = (Vec::new(), Vec::new(), Vec::new());
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store
                .users_page(&self.tenant, &at, after.as_deref(), 500)
                .await
                .unwrap();
            after = page.last().map(|u| u.user_id.to_string());
            let done = page.len() < 500;
            users.extend(page);
            if done {
                break;
            }
        }
        after = None;
        loop {
            let page = self
                .store
                .groups_page(&self.tenant, &at, after.as_deref(), 500)
                .await
                .unwrap();
            after = page.last().map(|g| g.group_id.to_string());
            let done = page.len() < 500;
            groups.extend(page);
            if done {
                break;
            }
        }
        after = None;
        loop {
            let page = self
                .store
                .memberships_page(&self.tenant, &at, after.as_deref(), 500)
                .await
                .unwrap();
            after = page.last().map(|m| m.membership.membership_id.to_string());
            let done = page.len() < 500;
            members.extend(page.into_iter().map(|m| m.membership));
            if done {
                break;
            }
        }
        DirectoryIndex::from_directory(&users, &groups, &members)
    }

    /// The effective access fake-aws's organization grants, computed apart.
    pub async fn truth(&self) -> BTreeSet<Key> {
        let index = self.directory_index().await;
        access::expand(&index, self.truth_assignments())
            .map(|r| key(&r))
            .collect()
    }

    /// Every effective-access row of the newest access snapshot.
    pub async fn stored(&self, at: &Snapshot) -> BTreeSet<Key> {
        let mut out = BTreeSet::new();
        let mut after: Option<String> = None;
        loop {
            let page = self
                .store
                .access_page(
                    &self.tenant,
                    at,
                    &AccessFilter::default(),
                    after.as_deref(),
                    1_000,
                )
                .await
                .unwrap();
            after = page.last().map(roster_store::AccessEntry::cursor);
            let done = page.len() < 1_000;
            out.extend(page.iter().map(|e| key(&e.row)));
            if done {
                return out;
            }
        }
    }

    pub fn snapshot(&self, outcome: &AccessOutcome) -> Snapshot {
        Snapshot {
            source_id: self.source.clone(),
            sync_id: outcome.sync_id,
        }
    }
}

pub fn key(r: &roster_core::sso::AccessRow) -> Key {
    let (user, account, arn, via) = r.key();
    (
        user,
        account.as_str().to_owned(),
        arn.as_str().to_owned(),
        via,
        r.orphaned,
    )
}
