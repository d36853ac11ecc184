//! What every handler shares: the store, roster's AWS identity, the sign-in
//! limiter, and (in `roster demo`) the built-in fake AWS.

use std::sync::Arc;

use roster_aws::Platform;
use roster_store::Store;

use crate::auth::ratelimit::SignInLimiter;

/// Which fake account the simulated AWS console creates a role in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoAccount {
    Management,
    Member,
}

/// The demo's simulated AWS console (implemented by the CLI over fake-aws).
pub trait DemoAws: Send + Sync + std::fmt::Debug {
    /// Creates a role from pasted JSON; returns its ARN or AWS's error text.
    fn create_role(
        &self,
        account: DemoAccount,
        name: &str,
        trust_policy: &str,
        inline_policy: Option<&str>,
    ) -> Result<String, String>;

    /// Removes a user from a group in the demo's Identity Store (what an
    /// administrator does after a review revokes a membership); AWS's
    /// error text otherwise.
    fn remove_membership(&self, group_id: &str, user_id: &str) -> Result<(), String> {
        let _ = (group_id, user_id);
        Err("this simulated AWS cannot remove memberships".into())
    }
}

/// What the demo banner tells the visitor.
#[derive(Debug, Clone)]
pub struct DemoInfo {
    pub aws_endpoint: String,
    pub region: String,
    pub management_account: String,
    pub customer_access_key_id: String,
    pub customer_secret_access_key: String,
    pub member_account: Option<String>,
    pub member_access_key_id: Option<String>,
    pub member_secret_access_key: Option<String>,
    pub aws: Arc<dyn DemoAws>,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// roster's own AWS identity; `None` when it has no credentials at all.
    pub platform: Option<Platform>,
    /// The principal ARN customers' trust policies name.
    pub principal: Option<String>,
    /// Why the principal is unknown, shown on the Sources page.
    pub principal_problem: Option<String>,
    /// Mark cookies `Secure` (anything but plain http on loopback).
    pub secure_cookies: bool,
    pub demo: Option<Arc<DemoInfo>>,
    /// `ROSTER_SIGNING_KEY` (base64 Ed25519 seed) for evidence bundles; when
    /// unset, the tenant's key stored in the database (generated on first use).
    pub signing_key: Option<String>,
    /// Metrics registry and operator tokens (`/metrics`, `/api/v1/admin/*`).
    pub ops: crate::ops::Ops,
    pub(crate) limiter: Arc<SignInLimiter>,
    /// Where roster's AWS calls go, read once at start (named in diagnoses).
    pub aws_endpoint: roster_engine::AwsEndpoint,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        platform: Option<Platform>,
        principal: Option<String>,
    ) -> Self {
        Self {
            store,
            platform,
            principal,
            principal_problem: None,
            secure_cookies: true,
            demo: None,
            signing_key: None,
            ops: crate::ops::Ops::default(),
            limiter: Arc::new(SignInLimiter::default()),
            aws_endpoint: roster_engine::AwsEndpoint::from_env(),
        }
    }

    #[must_use]
    pub fn with_principal_problem(mut self, problem: Option<String>) -> Self {
        self.principal_problem = problem;
        self
    }

    #[must_use]
    pub fn with_secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }

    #[must_use]
    pub fn with_ops(mut self, ops: crate::ops::Ops) -> Self {
        self.ops = ops;
        self
    }

    #[must_use]
    pub fn with_signing_key(mut self, seed: Option<String>) -> Self {
        self.signing_key = seed.filter(|s| !s.trim().is_empty());
        self
    }

    #[must_use]
    pub fn with_demo(mut self, demo: DemoInfo) -> Self {
        self.demo = Some(Arc::new(demo));
        self
    }
}
