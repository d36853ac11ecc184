//! Identity Store (JSON 1.1, `AWSIdentityStore.*`): request validation,
//! authorization, instance/Region resolution, quotas and the KMS check,
//! then the read or write operation.

mod paging;
mod read;
pub mod render;
pub mod write;

use std::time::Instant;

use serde_json::Value;

use crate::config::KmsKeyState;
use crate::errors::WireError;
use crate::iam::policy::{Context, Decision};
use crate::server::router::Ctx;
use crate::world::Instance;

const READS: &[&str] = &[
    "ListUsers",
    "ListGroups",
    "ListGroupMemberships",
    "ListGroupMembershipsForMember",
    "DescribeUser",
    "DescribeGroup",
    "DescribeGroupMembership",
    "GetUserId",
    "GetGroupId",
    "GetGroupMembershipId",
];
const WRITES: &[&str] = &[
    "CreateUser",
    "CreateGroup",
    "CreateGroupMembership",
    "DeleteUser",
    "DeleteGroup",
    "DeleteGroupMembership",
    "UpdateUser",
    "UpdateGroup",
];

/// A required string member, with AWS's validation message when absent.
pub fn required_str<'a>(body: &'a Value, member: &str) -> Result<&'a str, WireError> {
    body.get(member).and_then(Value::as_str).ok_or_else(|| {
        let mut field = member.to_owned();
        field[..1].make_ascii_lowercase();
        WireError::validation(format!(
            "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
        ))
    })
}

fn valid_store_id(id: &str) -> bool {
    let hex = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if let Some(rest) = id.strip_prefix("d-") {
        return rest.len() == 10 && hex(rest);
    }
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| hex(p))
}

/// `MaxResults` as given (1..=100), or 100.
pub fn max_results(body: &Value) -> Result<usize, WireError> {
    match body.get("MaxResults") {
        None | Some(Value::Null) => Ok(100),
        Some(v) => {
            let n = v
                .as_i64()
                .ok_or_else(|| WireError::validation("MaxResults must be an integer"))?;
            if n > 100 {
                return Err(WireError::max_results(n));
            }
            if n < 1 {
                return Err(WireError::validation(format!(
                    "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
                )));
            }
            Ok(usize::try_from(n).unwrap_or(100))
        }
    }
}

pub fn handle(ctx: &Ctx<'_>, op: &str, body: &Value) -> Result<Value, WireError> {
    let is_read = READS.contains(&op);
    if !is_read && !WRITES.contains(&op) {
        return Err(WireError::new(
            400,
            "UnknownOperationException",
            format!("Unknown operation {op}"),
        ));
    }
    let store_id = required_str(body, "IdentityStoreId")?;
    if !valid_store_id(store_id) {
        return Err(WireError::validation(format!(
            "1 validation error detected: Value '{store_id}' at 'identityStoreId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^d-[0-9a-f]{{10}}$|^[0-9a-f]{{8}}\\b-[0-9a-f]{{4}}\\b-[0-9a-f]{{4}}\\b-[0-9a-f]{{4}}\\b-[0-9a-f]{{12}}$"
        )));
    }
    if body.get("MaxResults").is_some() {
        max_results(body)?;
    }
    let world = ctx.world;
    let instance = world.instance_by_store(store_id);
    let owner = instance.map_or(ctx.caller.account.as_str(), |i| i.owner.as_str());
    let resource = format!("arn:aws:identitystore::{owner}:identitystore/{store_id}");
    world.authorize(&ctx.caller, ctx.api, &resource, ctx.protocol)?;
    if world.scp_denies_identity_store(&ctx.caller.account) {
        return Err(WireError::new(
            400,
            "AccessDeniedException",
            format!(
                "User: {} is not authorized to perform: {} on resource: {resource} with an explicit deny in a service control policy",
                ctx.caller.arn, ctx.api
            ),
        ));
    }
    let instance = resolve(ctx, instance, store_id, &resource)?;
    let scope = format!("{}/{}", instance.store_id, ctx.region);
    let api: &'static str = READS
        .iter()
        .chain(WRITES)
        .find(|o| **o == op)
        .copied()
        .unwrap_or("other");
    world
        .quotas
        .acquire(
            &scope,
            world.quotas.identity_store_bucket(api),
            Instant::now(),
        )
        .map_err(WireError::throttling)?;
    check_kms(ctx, instance)?;
    if is_read {
        read::handle(ctx, instance, op, body)
    } else {
        write::handle(instance, op, body)
    }
}

fn resolve<'w>(
    ctx: &Ctx<'w>,
    instance: Option<&'w Instance>,
    store_id: &str,
    resource: &str,
) -> Result<&'w Instance, WireError> {
    let not_found = || {
        WireError::not_found(
            "IDENTITY_STORE",
            store_id,
            format!("Identity store {store_id} not found."),
        )
    };
    let inst = instance.ok_or_else(not_found)?;
    if !ctx.world.may_read_store(&ctx.caller.account, inst) {
        return Err(WireError::new(
            400,
            "AccessDeniedException",
            format!(
                "User: {} is not authorized to perform: {} on resource: {resource} because no resource-based policy allows the {} action",
                ctx.caller.arn, ctx.api, ctx.api
            ),
        ));
    }
    // Stricter than documented: a Region still being added (or being
    // removed) serves no reads until it is ACTIVE.
    if !inst.regions.contains(&ctx.region) || inst.region_status(&ctx.region) != "ACTIVE" {
        return Err(not_found());
    }
    Ok(inst)
}

fn check_kms(ctx: &Ctx<'_>, inst: &Instance) -> Result<(), WireError> {
    let Some(key) = &inst.kms_key_arn else {
        return Ok(());
    };
    let mut kctx = Context::new();
    kctx.insert(
        "kms:ViaService".into(),
        format!("identitystore.{}.amazonaws.com", ctx.region),
    );
    kctx.insert(
        "kms:EncryptionContext:aws:identitystore:identitystore-arn".into(),
        inst.store_arn(),
    );
    kctx.insert("kms:CallerAccount".into(), ctx.caller.account.clone());
    if ctx.world.decide(&ctx.caller, "kms:Decrypt", key, &kctx) != Decision::Allow {
        return Err(WireError::new(
            400,
            "AccessDeniedException",
            format!(
                "User: {} is not authorized to perform: kms:Decrypt on resource: {key} because no identity-based policy allows the kms:Decrypt action. The identity store is encrypted with a customer managed KMS key.",
                ctx.caller.arn
            ),
        )
        .with("Reason", "KMS_ACCESS_DENIED"));
    }
    // The key's own state, after authorization as KMS checks it; the exception
    // and Reason per the Identity Store model, messages in KMS's wording.
    match inst.kms_key_state {
        KmsKeyState::Enabled => Ok(()),
        KmsKeyState::Disabled => {
            Err(WireError::validation(format!("{key} is disabled.")).with("Reason", "KMS_DISABLED"))
        }
        KmsKeyState::PendingDeletion => {
            Err(WireError::validation(format!("{key} is pending deletion."))
                .with("Reason", "KMS_INVALID_STATE"))
        }
        KmsKeyState::NotFound => Err(WireError::new(
            400,
            "ResourceNotFoundException",
            format!("Key '{key}' does not exist"),
        )
        .with("Reason", "KMS_KEY_NOT_FOUND")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn store_ids_are_validated() {
        assert!(valid_store_id("d-1234567890"));
        assert!(valid_store_id("d-abcdef0123"));
        assert!(valid_store_id("12345678-1234-1234-1234-123456789012"));
        assert!(!valid_store_id("d-123"));
        assert!(!valid_store_id("d-ABCDEF0123"));
        assert!(!valid_store_id("nope"));
    }

    #[test]
    fn max_results_above_100_is_a_validation_error() {
        let e = max_results(&json!({"MaxResults": 101})).expect_err("rejected");
        assert_eq!(e.code, "ValidationException");
        assert!(e.message.contains("less than or equal to 100"));
        assert_eq!(max_results(&json!({"MaxResults": 100})).expect("ok"), 100);
        assert_eq!(max_results(&json!({})).expect("ok"), 100);
        assert!(max_results(&json!({"MaxResults": 0})).is_err());
    }
}
