//! Turning SDK errors into `AwsError`: retryable signals or diagnoses.
//! Handles AWS's JSON error shape and moto's XML 403s alike.

use std::error::Error as StdError;
use std::time::Duration;

use aws_sdk_identitystore::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use roster_core::Diagnosis;

use crate::error::{AwsError, MAX_RETRY_AFTER};
use crate::guard::ForbiddenAction;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    IdentityStore,
    SsoAdmin,
    Sts,
    Organizations,
}

/// The call that failed, with what a diagnosis needs to name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Op<'a> {
    pub name: &'static str,
    pub service: Service,
    /// (Identity Store ID, Region) for Identity Store calls.
    pub store: Option<(&'a str, &'a str)>,
}

impl Op<'_> {
    fn action(&self) -> String {
        let prefix = match self.service {
            Service::IdentityStore => "identitystore",
            Service::SsoAdmin => "sso",
            Service::Sts => "sts",
            Service::Organizations => "organizations",
        };
        format!("{prefix}:{}", self.name)
    }
}

/// Our own error types, carried through the SDK's error chain.
fn find_in_chain<'e, T: StdError + 'static>(err: &'e (dyn StdError + 'static)) -> Option<&'e T> {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        cur = e.source();
    }
    None
}

/// The full chain of an error as one line, for verbatim reporting.
pub(crate) fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !parts.contains(&s) {
            parts.push(s);
        }
        cur = e.source();
    }
    parts.join(": ")
}

/// Wraps an `AwsError` so it can travel through a credentials provider.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct Carried(pub AwsError);

fn xml_tag<'b>(body: &'b str, tag: &str) -> Option<&'b str> {
    let start = body.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(&body[start..end])
}

#[allow(clippy::needless_pass_by_value)] // call sites hand over the error they own
pub(crate) fn classify<E>(op: Op<'_>, err: SdkError<E, HttpResponse>) -> AwsError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    if let Some(carried) = find_in_chain::<Carried>(&err) {
        return carried.0.clone();
    }
    if let Some(forbidden) = find_in_chain::<ForbiddenAction>(&err) {
        return AwsError::Diagnosed(Diagnosis::aws_error(
            op.name,
            "RosterActionGuard",
            &forbidden.to_string(),
        ));
    }
    match &err {
        SdkError::ServiceError(ctx) => {
            let raw = ctx.raw();
            let status = raw.status().as_u16();
            let body = raw
                .body()
                .bytes()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let code = ctx
                .err()
                .code()
                .map(str::to_owned)
                .or_else(|| xml_tag(&body, "Code").map(str::to_owned));
            let message = ctx
                .err()
                .message()
                .map(str::to_owned)
                .or_else(|| xml_tag(&body, "Message").map(str::to_owned))
                .unwrap_or_default();
            let retry_header = raw
                .headers()
                .get("retry-after")
                .and_then(|v| v.parse::<u64>().ok());
            by_code(op, code.as_deref(), &message, status, &body, retry_header)
        }
        SdkError::TimeoutError(_) => AwsError::Transient {
            detail: format!("{} timed out", op.name),
            unreachable: false,
        },
        SdkError::DispatchFailure(d) => AwsError::Transient {
            detail: format!("{}: {}", op.name, chain(&err)),
            unreachable: d.is_io() || d.is_timeout(),
        },
        SdkError::ResponseError(r) => {
            let status = r.raw().status().as_u16();
            AwsError::Transient {
                detail: format!("{} (HTTP {status}): {}", op.name, chain(&err)),
                unreachable: false,
            }
        }
        _ => AwsError::Diagnosed(Diagnosis::aws_error(op.name, "ClientError", &chain(&err))),
    }
}

fn json_field<'b>(body: &'b serde_json::Value, key: &str) -> Option<&'b serde_json::Value> {
    body.get(key).or_else(|| body.get(key.to_ascii_lowercase()))
}

/// How a `KMS_*` `Reason` (Identity Store spelling `KMS_DISABLED`, `sso:`
/// spelling `KMS_DisabledException`) reads for the customer.
fn kms_reason_is_access(reason: &str) -> bool {
    matches!(reason, "KMS_ACCESS_DENIED" | "KMS_AccessDeniedException")
}

/// `SigV4` rejections about the request time rather than the key: AWS says
/// "Signature expired: … is now earlier than …" or "Signature not yet
/// current: … is still later than …".
fn is_about_time(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("signature expired") || m.contains("not yet current") || m.contains("skew")
}

fn by_code(
    op: Op<'_>,
    code: Option<&str>,
    message: &str,
    status: u16,
    body: &str,
    retry_header: Option<u64>,
) -> AwsError {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    let code = code.unwrap_or(if status == 403 { "AccessDenied" } else { "" });
    let reason = json_field(&json, "Reason")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let via_sso = op.service == Service::SsoAdmin;
    match code {
        "ThrottlingException"
        | "Throttling"
        | "TooManyRequestsException"
        | "RequestLimitExceeded" => {
            let secs = json_field(&json, "RetryAfterSeconds")
                .and_then(serde_json::Value::as_u64)
                .or(retry_header);
            AwsError::Throttled {
                retry_after: secs.map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER)),
                message: message.to_owned(),
            }
        }
        "AccessDeniedException" | "AccessDenied" => {
            if reason.starts_with("KMS_") {
                return Diagnosis::kms_access_denied(reason, message, via_sso).into();
            }
            match op.service {
                // AWS names the policy type that denied: "… with an explicit
                // deny in a service control policy".
                Service::IdentityStore if message.contains("service control policy") => {
                    Diagnosis::identitystore_denied_by_organization(&op.action(), message).into()
                }
                Service::IdentityStore => {
                    Diagnosis::identitystore_access_denied(&[&op.action()], message).into()
                }
                Service::SsoAdmin => Diagnosis::discovery_denied(message).into(),
                Service::Sts | Service::Organizations => {
                    Diagnosis::aws_error(op.name, code, message).into()
                }
            }
        }
        // The key is missing, disabled or unusable (Identity Store: `ResourceNotFoundException`
        // `KMS_KEY_NOT_FOUND`, `ValidationException` `KMS_DISABLED`/`KMS_INVALID_STATE`/…;
        // `sso:` spells them `KMS_NotFoundException`, `KMS_DisabledException`, …).
        _ if reason.starts_with("KMS_") && !kms_reason_is_access(reason) => {
            Diagnosis::kms_key_unavailable(reason, message).into()
        }
        _ if reason.starts_with("KMS_") => {
            Diagnosis::kms_access_denied(reason, message, via_sso).into()
        }
        "ResourceNotFoundException" if op.service == Service::IdentityStore => {
            let (id, region) = op.store.unwrap_or_default();
            let kind = json_field(&json, "ResourceType")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("IDENTITY_STORE");
            if kind == "IDENTITY_STORE" {
                Diagnosis::identity_store_not_found(id, region, message).into()
            } else {
                // Listed a moment ago, gone now: SCIM changed the directory mid-read.
                AwsError::Vanished {
                    resource_type: kind.to_owned(),
                    resource_id: json_field(&json, "ResourceId")
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    message: message.to_owned(),
                }
            }
        }
        "ResourceNotFoundException" if op.service == Service::SsoAdmin => {
            sso_not_found(op, &json, message)
        }
        "ValidationException"
            if op.service == Service::IdentityStore && message.contains("IdentityStoreId") =>
        {
            let (id, region) = op.store.unwrap_or_default();
            Diagnosis::identity_store_not_found(id, region, message).into()
        }
        "ExpiredToken" | "ExpiredTokenException" => Diagnosis::credentials_expired(message).into(),
        "RequestExpired" | "RequestTimeTooSkewed" | "SignatureExpired" => {
            Diagnosis::clock_skew(message).into()
        }
        "SignatureDoesNotMatch" | "InvalidSignatureException" if is_about_time(message) => {
            Diagnosis::clock_skew(message).into()
        }
        // roster's own keys are unknown, or signed with the wrong secret: the
        // operator's problem, never the customer's trust policy.
        "InvalidClientTokenId" | "SignatureDoesNotMatch" | "UnrecognizedClientException"
            if op.service == Service::Sts =>
        {
            Diagnosis::platform_credentials_invalid(code, message).into()
        }
        "InternalServerException"
        | "InternalFailure"
        | "InternalError"
        | "ServiceException"
        | "ServiceUnavailable"
        | "ServiceUnavailableException" => AwsError::Transient {
            detail: format!("{} {code}: {message}", op.name),
            unreachable: false,
        },
        _ if status >= 500 => AwsError::Transient {
            detail: format!("{} HTTP {status}: {message}", op.name),
            unreachable: false,
        },
        "" => Diagnosis::aws_error(op.name, &format!("HTTP {status}"), body.trim()).into(),
        _ => Diagnosis::aws_error(op.name, code, message).into(),
    }
}

/// `sso:` calls that name a permission set or an application: a
/// `ResourceNotFoundException` there means it was deleted since it was
/// listed (an admin changed the organization mid-read), unless AWS says the
/// instance itself is missing. `ResourceType` of the set or application.
fn sso_keyed_resource(op: &str) -> Option<&'static str> {
    match op {
        "DescribePermissionSet"
        | "ListManagedPoliciesInPermissionSet"
        | "ListCustomerManagedPolicyReferencesInPermissionSet"
        | "GetInlinePolicyForPermissionSet"
        | "GetPermissionsBoundaryForPermissionSet"
        | "ListAccountsForProvisionedPermissionSet"
        | "ListAccountAssignments" => Some("PERMISSION_SET"),
        "ListApplicationAssignments" => Some("APPLICATION"),
        _ => None,
    }
}

/// sso-admin's `ResourceNotFoundException`: a permission set or application
/// that vanished mid-read, or (the instance is missing: the instance-level
/// lists, or AWS names the instance) a real error.
fn sso_not_found(op: Op<'_>, json: &serde_json::Value, message: &str) -> AwsError {
    let named = json_field(json, "ResourceType").and_then(serde_json::Value::as_str);
    let instance = named == Some("INSTANCE") || message.starts_with("Instance ");
    match sso_keyed_resource(op.name) {
        Some(kind) if !instance => AwsError::Vanished {
            resource_type: named.unwrap_or(kind).to_owned(),
            resource_id: json_field(json, "ResourceId")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            message: message.to_owned(),
        },
        _ => Diagnosis::aws_error(op.name, "ResourceNotFoundException", message).into(),
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
