//! The in-process API: start fake-aws, read its connection info, steer
//! faults and quotas at runtime, inspect the request log, edit the directory.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Map, Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::config::FakeAwsConfig;
use crate::errors::WireError;
use crate::faults::FaultConfig;
use crate::iam::managed;
use crate::iam::policy::PolicyDoc;
use crate::iam::store::Role;
use crate::identitystore::write;
use crate::info::FakeAwsInfo;
use crate::stats::{ApiStats, RequestRecord};
use crate::world::{Instance, World};

/// Errors of the in-process API.
#[derive(Debug, thiserror::Error)]
pub enum FakeAwsError {
    #[error("invalid fake-aws configuration: {0}")]
    Config(String),
    #[error("fake-aws cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("no role {0} in fake-aws")]
    NoSuchRole(String),
    #[error("{code}: {message}")]
    Aws { code: String, message: String },
}

impl From<WireError> for FakeAwsError {
    fn from(e: WireError) -> Self {
        Self::Aws {
            code: e.code,
            message: e.message,
        }
    }
}

/// A user to create through [`FakeAwsHandle::create_user`].
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub user_name: String,
    pub display_name: String,
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
}

/// Entry point: `FakeAws::start(config)`.
#[derive(Debug)]
pub struct FakeAws;

impl FakeAws {
    /// Builds the world (directory generation included) and starts serving.
    pub async fn start(config: FakeAwsConfig) -> Result<FakeAwsHandle, FakeAwsError> {
        config.validate().map_err(FakeAwsError::Config)?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| FakeAwsError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| FakeAwsError::Bind {
            addr: config.listen,
            source,
        })?;
        let cfg = config.clone();
        let (world, mut info) = tokio::task::spawn_blocking(move || World::build(&cfg))
            .await
            .map_err(|e| FakeAwsError::Config(format!("directory generation failed: {e}")))?;
        info.endpoint = format!("http://{addr}");
        let world = Arc::new(world);
        let task = tokio::spawn(crate::server::accept_loop(listener, Arc::clone(&world)));
        Ok(FakeAwsHandle {
            world,
            info,
            addr,
            task,
        })
    }
}

/// A running fake-aws; dropping it stops the server.
#[derive(Debug)]
pub struct FakeAwsHandle {
    world: Arc<World>,
    info: FakeAwsInfo,
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for FakeAwsHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeAwsHandle {
    /// `http://127.0.0.1:PORT`: the one endpoint for every service.
    pub fn endpoint(&self) -> String {
        self.info.endpoint.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The info JSON (first stdout line of `roster fake-aws`).
    pub fn info(&self) -> &FakeAwsInfo {
        &self.info
    }

    /// Replaces throttle rate, error rate and latency at once.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.world.faults.set(faults);
    }

    pub fn faults(&self) -> FaultConfig {
        self.world.faults.config()
    }

    /// Drops the TCP connection halfway through the next `n` directory responses.
    pub fn reset_next_responses(&self, n: u32) {
        self.world.faults.reset_next(n);
    }

    /// Changes the per-API per-instance quota (token buckets restart full).
    pub fn set_tps(&self, tps: u32) {
        self.world.quotas.set_tps(tps.max(1));
    }

    /// Per-API buckets or one collective bucket per instance (buckets restart full).
    pub fn set_quota_model(&self, model: crate::quota::QuotaModel) {
        self.world.quotas.set_model(model);
    }

    /// Default lifetime of new `AssumeRole` sessions.
    pub fn set_session_seconds(&self, secs: u64) {
        self.world
            .session_seconds
            .store(secs.max(1), Ordering::Relaxed);
    }

    /// Lifetime of new sessions of one role (overrides `DurationSeconds`), for expiry tests.
    pub fn set_role_session_seconds(&self, role_arn: &str, secs: u64) -> Result<(), FakeAwsError> {
        let mut iam = self.world.iam.lock().expect("iam lock");
        let role = iam
            .role_by_arn_mut(role_arn)
            .ok_or_else(|| FakeAwsError::NoSuchRole(role_arn.to_owned()))?;
        role.session_override = Some(secs);
        Ok(())
    }

    /// Calls, successes, throttles and errors per `service:Operation`.
    pub fn stats(&self) -> BTreeMap<String, ApiStats> {
        self.world.stats.per_api()
    }

    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.world.stats.log()
    }

    /// Most requests to `api` (e.g. `identitystore:ListUsers`) arriving within any `window`.
    pub fn max_requests_in_window(&self, api: &str, window: Duration) -> usize {
        self.world.stats.max_in_window(api, window)
    }

    pub fn clear_stats(&self) {
        self.world.stats.clear();
    }

    fn org(&self) -> &Instance {
        &self.world.instances[0]
    }

    /// Live `(users, groups, memberships)` of the organization directory.
    pub fn directory_counts(&self) -> (usize, usize, usize) {
        self.org()
            .directory
            .read()
            .expect("directory lock")
            .counts()
    }

    /// The organization instance's account assignments, `(account,
    /// permission set ARN, principal type, principal ID)` in a stable order,
    /// so a test or benchmark can check a reader found exactly these.
    pub fn account_assignments(&self) -> Vec<(String, String, String, String)> {
        let st = self.org().sso.lock().expect("sso lock");
        st.assignments.iter().cloned().collect()
    }

    /// Deletes a permission set of the organization instance with its
    /// provisioning and assignments (as an admin would, mid-sync); `false`
    /// when there is no such set.
    pub fn delete_permission_set(&self, arn: &str) -> bool {
        let mut st = self.org().sso.lock().expect("sso lock");
        st.provisioned.retain(|(ps, _), _| ps != arn);
        st.assignments.retain(|a| a.1 != arn);
        st.permission_sets.remove(arn).is_some()
    }

    /// `(permission set ARN, account)` pairs the permission sets are provisioned to.
    pub fn provisioned_pairs(&self) -> Vec<(String, String)> {
        let st = self.org().sso.lock().expect("sso lock");
        st.provisioned.keys().cloned().collect()
    }

    /// Creates a role in the customer's management account, as the customer
    /// admin would in the IAM console (for `roster demo`'s simulated console).
    /// `inline_policy` is stored as `roster-inline`; `managed` are managed policy ARNs.
    pub fn create_role(
        &self,
        name: &str,
        trust_policy: &str,
        inline_policy: Option<&str>,
        managed: &[&str],
    ) -> Result<String, FakeAwsError> {
        let account = self.info.customer.management_account_id.clone();
        self.create_role_in(&account, name, trust_policy, inline_policy, managed)
    }

    /// Like `create_role`, in `account` (the management or the member account).
    pub fn create_role_in(
        &self,
        account: &str,
        name: &str,
        trust_policy: &str,
        inline_policy: Option<&str>,
        managed: &[&str],
    ) -> Result<String, FakeAwsError> {
        let malformed = |e: String| FakeAwsError::Aws {
            code: "MalformedPolicyDocument".into(),
            message: e,
        };
        let trust = PolicyDoc::parse(trust_policy).map_err(malformed)?;
        let mut inline = BTreeMap::new();
        if let Some(text) = inline_policy {
            let doc = PolicyDoc::parse(text).map_err(malformed)?;
            inline.insert("roster-inline".to_owned(), (text.to_owned(), doc));
        }
        let mut attached = BTreeMap::new();
        for arn in managed {
            let text = managed::document(arn).ok_or_else(|| FakeAwsError::Aws {
                code: "NoSuchEntity".into(),
                message: format!("Policy {arn} does not exist or is not attachable."),
            })?;
            attached.insert(
                (*arn).to_owned(),
                PolicyDoc::parse(text).map_err(malformed)?,
            );
        }
        let arn = format!("arn:aws:iam::{account}:role/{name}");
        let role = Role {
            account: account.to_owned(),
            name: name.to_owned(),
            path: "/".into(),
            arn: arn.clone(),
            id: String::new(),
            description: None,
            trust_text: trust_policy.to_owned(),
            trust,
            inline,
            attached,
            max_session: 3600,
            created: crate::util::now_epoch(),
            session_override: None,
        };
        if !self.world.iam.lock().expect("iam lock").insert_role(role) {
            return Err(FakeAwsError::Aws {
                code: "EntityAlreadyExists".into(),
                message: format!("Role with name {name} already exists."),
            });
        }
        Ok(arn)
    }

    pub fn create_user(&self, user: &NewUser) -> Result<String, FakeAwsError> {
        let mut attrs = Map::new();
        attrs.insert("UserName".into(), json!(user.user_name));
        attrs.insert("DisplayName".into(), json!(user.display_name));
        attrs.insert(
            "Name".into(),
            json!({"GivenName": user.given_name, "FamilyName": user.family_name}),
        );
        if let Some(e) = &user.email {
            attrs.insert(
                "Emails".into(),
                json!([{"Value": e, "Type": "work", "Primary": true}]),
            );
        }
        let mut dir = self.org().directory.write().expect("directory lock");
        let u = write::create_user(&mut dir, attrs)?;
        Ok(dir.user_id(u))
    }

    pub fn create_group(&self, display_name: &str) -> Result<String, FakeAwsError> {
        let mut attrs = Map::new();
        attrs.insert("DisplayName".into(), Value::String(display_name.to_owned()));
        let mut dir = self.org().directory.write().expect("directory lock");
        let g = write::create_group(&mut dir, attrs)?;
        Ok(dir.group_id(g))
    }

    fn set_enabled(&self, user_id: &str, enabled: bool) -> Result<(), FakeAwsError> {
        let mut dir = self.org().directory.write().expect("directory lock");
        let u = dir
            .find_user(user_id)
            .ok_or_else(|| WireError::not_found("USER", user_id, "User not found."))?;
        let rec = dir
            .user_mut(u)
            .ok_or_else(|| WireError::not_found("USER", user_id, "User not found."))?;
        rec.enabled = enabled;
        rec.updated_at = crate::util::now_epoch();
        Ok(())
    }

    pub fn disable_user(&self, user_id: &str) -> Result<(), FakeAwsError> {
        self.set_enabled(user_id, false)
    }

    pub fn enable_user(&self, user_id: &str) -> Result<(), FakeAwsError> {
        self.set_enabled(user_id, true)
    }

    pub fn delete_user(&self, user_id: &str) -> Result<(), FakeAwsError> {
        let mut dir = self.org().directory.write().expect("directory lock");
        let u = dir
            .find_user(user_id)
            .ok_or_else(|| WireError::not_found("USER", user_id, "User not found."))?;
        dir.remove_user(u);
        Ok(())
    }

    /// Deletes a group of the organization directory (as SCIM would, mid-sync).
    pub fn delete_group(&self, group_id: &str) -> Result<(), FakeAwsError> {
        let mut dir = self.org().directory.write().expect("directory lock");
        let g = dir
            .find_group(group_id)
            .ok_or_else(|| WireError::not_found("GROUP", group_id, "Group not found."))?;
        dir.remove_group(g);
        Ok(())
    }

    /// Adds a user to a group; returns the membership ID.
    pub fn add_membership(&self, group_id: &str, user_id: &str) -> Result<String, FakeAwsError> {
        let mut dir = self.org().directory.write().expect("directory lock");
        let g = dir
            .find_group(group_id)
            .ok_or_else(|| WireError::not_found("GROUP", group_id, "Group not found."))?;
        let u = dir
            .find_user(user_id)
            .ok_or_else(|| WireError::not_found("USER", user_id, "User not found."))?;
        let m = write::create_membership(&mut dir, g, u)?;
        Ok(dir.membership_id(m))
    }

    pub fn remove_membership(&self, group_id: &str, user_id: &str) -> Result<(), FakeAwsError> {
        let mut dir = self.org().directory.write().expect("directory lock");
        let g = dir
            .find_group(group_id)
            .ok_or_else(|| WireError::not_found("GROUP", group_id, "Group not found."))?;
        let u = dir
            .find_user(user_id)
            .ok_or_else(|| WireError::not_found("USER", user_id, "User not found."))?;
        let m = dir.membership_of(g, u).ok_or_else(|| {
            WireError::not_found("GROUP_MEMBERSHIP", group_id, "Membership not found.")
        })?;
        dir.remove_membership(m);
        Ok(())
    }

    /// Stops serving and waits for the accept loop to end.
    pub async fn shutdown(self) {
        self.task.abort();
        let _ = (&mut { self }.task).await;
    }
}
