//! `ActionGuard`: an SDK interceptor on every client roster builds. It maps
//! each operation to its IAM action, records it, and refuses anything that
//! is not on roster's list — so roster cannot call what its policy does not name.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The IAM service prefix of an SDK service name.
fn iam_prefix(sdk_service: &str) -> &str {
    match sdk_service {
        "identitystore" => "identitystore",
        "SSO Admin" => "sso",
        "STS" => "sts",
        "Organizations" => "organizations",
        other => other,
    }
}

/// Every IAM action roster's clients invoked, with a count.
#[derive(Debug, Clone, Default)]
pub struct ActionLog(Arc<Mutex<BTreeMap<String, u64>>>);

impl ActionLog {
    fn record(&self, action: &str) {
        let mut map = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *map.entry(action.to_owned()).or_default() += 1;
    }

    /// A copy of what has been called so far.
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

#[derive(Debug, Clone)]
pub struct ActionGuard {
    allowed: &'static [&'static str],
    /// More actions a client of this kind may call (the SSO reads for an SSO
    /// reader's clients); empty for the directory's clients.
    extra: &'static [&'static str],
    log: ActionLog,
}

impl ActionGuard {
    pub fn new(allowed: &'static [&'static str], log: ActionLog) -> Self {
        Self {
            allowed,
            extra: &[],
            log,
        }
    }

    /// A guard that also accepts `extra` (e.g. `SSO_READ_ACTIONS` for the
    /// clients of an SSO reader).
    pub fn with_extra(
        allowed: &'static [&'static str],
        extra: &'static [&'static str],
        log: ActionLog,
    ) -> Self {
        Self {
            allowed,
            extra,
            log,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("roster refuses to call {0}: it is not in the actions roster's policy grants")]
pub struct ForbiddenAction(pub String);

impl Intercept for ActionGuard {
    fn name(&self) -> &'static str {
        "RosterActionGuard"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else {
            return Err(Box::new(ForbiddenAction(
                "an operation without metadata".into(),
            )));
        };
        let action = format!("{}:{}", iam_prefix(meta.service()), meta.name());
        self.log.record(&action);
        if self.allowed.contains(&action.as_str()) || self.extra.contains(&action.as_str()) {
            Ok(())
        } else {
            Err(Box::new(ForbiddenAction(action)))
        }
    }
}
