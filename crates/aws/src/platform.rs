//! roster's own AWS identity (the platform principal roster runs as) and the
//! `sts:AssumeRole` calls it makes into customer accounts.

use std::time::{Duration, SystemTime};

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use roster_core::policy::PLATFORM_ACTIONS;
use roster_core::{Diagnosis, ExternalId, Region, RoleArn};

use crate::classify::{Op, Service, classify};
use crate::error::AwsError;
use crate::guard::{ActionGuard, ActionLog};
use crate::session::CustomerSession;

/// Assumed-role sessions last 15 minutes (the shortest STS allows) and are renewed before expiry.
pub const SESSION_SECONDS: i32 = 900;
const FALLBACK_REGION: &str = "us-east-1";

/// roster's own identity and configuration, from the standard AWS chain
/// (environment, profile, IMDS, ECS, web identity) and `AWS_ENDPOINT_URL*`.
#[derive(Debug, Clone)]
pub struct Platform {
    base: SdkConfig,
    sts: aws_sdk_sts::Client,
    log: ActionLog,
}

/// Why `AssumeRole` failed.
#[derive(Debug, Clone)]
pub enum AssumeError {
    /// STS `AccessDenied`: trust policy, External ID or role existence.
    Denied(String),
    Other(AwsError),
}

impl Platform {
    fn loader() -> aws_config::ConfigLoader {
        aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(30))
                    .build(),
            )
    }

    /// roster's identity from the standard AWS chain and `AWS_ENDPOINT_URL*`.
    pub async fn from_env() -> Self {
        Self::from_config(Self::loader().load().await)
    }

    /// A platform with fixed keys against one endpoint (the built-in fake AWS, tests).
    pub async fn with_static_keys(
        endpoint: &str,
        access_key_id: &str,
        secret_access_key: &str,
        region: &Region,
    ) -> Self {
        let creds = Credentials::new(
            access_key_id,
            secret_access_key,
            None,
            None,
            "roster-static",
        );
        let base = Self::loader()
            .endpoint_url(endpoint)
            .region(aws_config::Region::new(region.as_str().to_owned()))
            .credentials_provider(creds)
            .load()
            .await;
        Self::from_config(base)
    }

    pub fn from_config(base: SdkConfig) -> Self {
        let log = ActionLog::default();
        let region = base
            .region()
            .cloned()
            .unwrap_or_else(|| aws_config::Region::new(FALLBACK_REGION));
        let conf = aws_sdk_sts::config::Builder::from(&base)
            .region(region)
            .interceptor(ActionGuard::new(&PLATFORM_ACTIONS, log.clone()))
            .build();
        Self {
            sts: aws_sdk_sts::Client::from_conf(conf),
            base,
            log,
        }
    }

    pub(crate) fn base(&self) -> &SdkConfig {
        &self.base
    }

    /// The configured default Region (`AWS_REGION`, profile), if any.
    pub fn default_region(&self) -> Option<Region> {
        self.base
            .region()
            .and_then(|r| Region::parse(r.as_ref()).ok())
    }

    /// The Region roster's STS calls go to.
    fn sts_region(&self) -> String {
        self.sts
            .config()
            .region()
            .map_or_else(|| FALLBACK_REGION.to_owned(), ToString::to_string)
    }

    /// Every action roster has called with its own credentials.
    pub fn action_log(&self) -> &ActionLog {
        &self.log
    }

    /// roster's principal as a customer's trust policy must name it.
    pub async fn principal_arn(&self) -> Result<String, AwsError> {
        let out = self.sts.get_caller_identity().send().await.map_err(|e| {
            classify(
                Op {
                    name: "GetCallerIdentity",
                    service: Service::Sts,
                    store: None,
                },
                e,
            )
        })?;
        Ok(principal_from_caller_arn(out.arn().unwrap_or_default()))
    }

    /// One `sts:AssumeRole` call; `external_id: None` is the insecure-trust probe.
    pub async fn try_assume(
        &self,
        role: &RoleArn,
        external_id: Option<&ExternalId>,
        session_name: &str,
    ) -> Result<Credentials, AssumeError> {
        let result = self
            .sts
            .assume_role()
            .role_arn(role.to_string())
            .role_session_name(session_name)
            .set_external_id(external_id.map(|e| e.expose().to_owned()))
            .duration_seconds(SESSION_SECONDS)
            .send()
            .await;
        let out = match result {
            Ok(out) => out,
            Err(err) => {
                let code = err
                    .as_service_error()
                    .and_then(ProvideErrorMetadata::code)
                    .map(str::to_owned);
                let message = err
                    .as_service_error()
                    .and_then(ProvideErrorMetadata::message)
                    .unwrap_or_default()
                    .to_owned();
                // Only STS's own `AccessDenied` is about the customer's role; a
                // bare 403 without a code (some emulators) is read the same way.
                // Every other 403 (roster's keys, its clock, a disabled Region)
                // is classified by what it says.
                let bare_403 = code.is_none()
                    && err
                        .raw_response()
                        .is_some_and(|r| r.status().as_u16() == 403);
                if code.as_deref() == Some("AccessDenied") || bare_403 {
                    return Err(AssumeError::Denied(message));
                }
                if code.as_deref() == Some("RegionDisabledException") {
                    return Err(AssumeError::Other(
                        Diagnosis::sts_region_disabled(
                            &self.sts_region(),
                            role.account().as_str(),
                            &message,
                        )
                        .into(),
                    ));
                }
                return Err(AssumeError::Other(classify(
                    Op {
                        name: "AssumeRole",
                        service: Service::Sts,
                        store: None,
                    },
                    err,
                )));
            }
        };
        let Some(c) = out.credentials() else {
            return Err(AssumeError::Other(
                Diagnosis::aws_error("AssumeRole", "NoCredentials", "STS returned no credentials")
                    .into(),
            ));
        };
        let expiry = SystemTime::try_from(*c.expiration()).ok();
        Ok(Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            expiry,
            "roster-assume-role",
        ))
    }

    /// Assumes the customer's role with its External ID and returns a session
    /// whose credentials renew themselves before they expire.
    pub async fn session(
        &self,
        role: &RoleArn,
        external_id: &ExternalId,
        session_name: &str,
    ) -> Result<CustomerSession, AwsError> {
        match self.try_assume(role, Some(external_id), session_name).await {
            Ok(creds) => Ok(CustomerSession::new(
                self.clone(),
                role.clone(),
                external_id.clone(),
                session_name,
                creds,
            )),
            Err(AssumeError::Denied(_)) => {
                let principal = self.principal_arn().await.ok();
                Err(Diagnosis::assume_role_denied(role, principal.as_deref(), external_id).into())
            }
            Err(AssumeError::Other(e)) => Err(e),
        }
    }
}

/// `arn:aws:sts::A:assumed-role/NAME/SESSION` → `arn:aws:iam::A:role/NAME` (what a trust policy names);
/// other ARNs (IAM users, roles) are returned unchanged.
pub fn principal_from_caller_arn(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() == 6
        && parts[2] == "sts"
        && let Some(rest) = parts[5].strip_prefix("assumed-role/")
    {
        let role = rest.split('/').next().unwrap_or_default();
        return format!("arn:{}:iam::{}:role/{role}", parts[1], parts[4]);
    }
    arn.to_owned()
}

#[cfg(test)]
mod tests {
    use super::principal_from_caller_arn;

    #[test]
    fn assumed_role_sessions_map_to_their_role() {
        assert_eq!(
            principal_from_caller_arn("arn:aws:sts::111122223333:assumed-role/roster/i-0abc"),
            "arn:aws:iam::111122223333:role/roster"
        );
        assert_eq!(
            principal_from_caller_arn("arn:aws-cn:sts::111122223333:assumed-role/r/s"),
            "arn:aws-cn:iam::111122223333:role/r"
        );
        assert_eq!(
            principal_from_caller_arn("arn:aws:iam::111122223333:user/ci"),
            "arn:aws:iam::111122223333:user/ci"
        );
    }
}
