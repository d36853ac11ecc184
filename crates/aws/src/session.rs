//! A customer session: the assumed role's credentials (renewed before they
//! expire) and the guarded clients built on them.

use std::sync::{Arc, Mutex};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{self, ProvideCredentials, error::CredentialsError};
use roster_core::policy::{ROSTER_IAM_ACTIONS, SSO_READ_ACTIONS};
use roster_core::{ExternalId, Region, RoleArn};

use crate::classify::Carried;
use crate::guard::{ActionGuard, ActionLog};
use crate::platform::{AssumeError, Platform};

/// Supplies the assumed role's credentials to the SDK; the SDK's identity
/// cache asks again shortly before they expire.
#[derive(Debug)]
struct AssumedRoleProvider {
    platform: Platform,
    role: RoleArn,
    external_id: ExternalId,
    session_name: String,
    /// The credentials of the first `AssumeRole`, used once.
    first: Mutex<Option<Credentials>>,
}

impl AssumedRoleProvider {
    async fn fetch(&self) -> provider::Result {
        let first = self
            .first
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(creds) = first {
            return Ok(creds);
        }
        tracing::debug!(role = %self.role, "renewing assumed-role credentials");
        match self
            .platform
            .try_assume(&self.role, Some(&self.external_id), &self.session_name)
            .await
        {
            Ok(creds) => Ok(creds),
            Err(AssumeError::Denied(msg)) => Err(CredentialsError::provider_error(Carried(
                roster_core::Diagnosis::assume_role_denied(&self.role, None, &self.external_id)
                    .into(),
            )))
            .inspect_err(|_| tracing::warn!(message = %msg, "AssumeRole denied while renewing")),
            Err(AssumeError::Other(e)) => Err(CredentialsError::provider_error(Carried(e))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct CustomerSession {
    platform: Platform,
    role: RoleArn,
    provider: Arc<AssumedRoleProvider>,
    log: ActionLog,
}

#[derive(Debug, Clone)]
struct SharedProvider(Arc<AssumedRoleProvider>);

impl ProvideCredentials for SharedProvider {
    fn provide_credentials<'a>(&'a self) -> provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        provider::future::ProvideCredentials::new(self.0.fetch())
    }
}

/// A client of one SDK crate on a session's self-renewing credentials, in
/// `region`, behind `guard` (the SDKs' config builders are distinct types).
macro_rules! guarded_client {
    ($sdk:ident, $session:expr, $region:expr, $guard:expr) => {{
        let conf = $sdk::config::Builder::from($session.platform.base())
            .region(aws_config::Region::new($region.as_str().to_owned()))
            .credentials_provider(SharedProvider($session.provider.clone()))
            .interceptor($guard)
            .build();
        $sdk::Client::from_conf(conf)
    }};
}

impl CustomerSession {
    pub(crate) fn new(
        platform: Platform,
        role: RoleArn,
        external_id: ExternalId,
        session_name: &str,
        first: Credentials,
    ) -> Self {
        let provider = Arc::new(AssumedRoleProvider {
            platform: platform.clone(),
            role: role.clone(),
            external_id,
            session_name: session_name.to_owned(),
            first: Mutex::new(Some(first)),
        });
        Self {
            platform,
            role,
            provider,
            log: ActionLog::default(),
        }
    }

    pub fn role(&self) -> &RoleArn {
        &self.role
    }

    /// Every action called with this role so far.
    pub fn action_log(&self) -> &ActionLog {
        &self.log
    }

    /// The Region used when none is given: the platform's, else us-east-1.
    pub fn default_region(&self) -> Region {
        self.platform
            .default_region()
            .unwrap_or_else(|| Region::parse("us-east-1").expect("valid"))
    }

    /// The guard of the Identity Store source's clients.
    fn directory_guard(&self) -> ActionGuard {
        ActionGuard::new(&ROSTER_IAM_ACTIONS, self.log.clone())
    }

    /// The guard of the SSO source's clients: also `SSO_READ_ACTIONS`.
    fn sso_guard(&self) -> ActionGuard {
        ActionGuard::with_extra(&ROSTER_IAM_ACTIONS, &SSO_READ_ACTIONS, self.log.clone())
    }

    pub fn identity_store(&self, region: &Region) -> aws_sdk_identitystore::Client {
        guarded_client!(aws_sdk_identitystore, self, region, self.directory_guard())
    }

    pub fn sso_admin(&self, region: &Region) -> aws_sdk_ssoadmin::Client {
        guarded_client!(aws_sdk_ssoadmin, self, region, self.directory_guard())
    }

    /// AWS Organizations (a global service; the SDK resolves the Region to
    /// the partition's endpoint).
    pub fn organizations(&self, region: &Region) -> aws_sdk_organizations::Client {
        guarded_client!(aws_sdk_organizations, self, region, self.directory_guard())
    }

    /// sso-admin for the SSO source.
    pub fn sso_reader(&self, region: &Region) -> aws_sdk_ssoadmin::Client {
        guarded_client!(aws_sdk_ssoadmin, self, region, self.sso_guard())
    }

    /// Organizations for the SSO source (`ListAccounts`).
    pub fn organizations_reader(&self, region: &Region) -> aws_sdk_organizations::Client {
        guarded_client!(aws_sdk_organizations, self, region, self.sso_guard())
    }
}
