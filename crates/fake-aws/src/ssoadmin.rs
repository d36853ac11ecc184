//! SSO Admin (JSON 1.1, `SWBExternalService.*`): `ListInstances` (instances
//! the caller's account owns, or administers as Identity Center's delegated
//! administrator, enabled in the request Region; paginated) and
//! `ListRegions` of an instance, with instance and Region statuses; the
//! permission set and assignment APIs are in `crate::sso`.

use std::time::Instant;

use serde_json::{Value, json};

use crate::errors::WireError;
use crate::server::router::Ctx;
use crate::world::Instance;

fn regions_json(inst: &Instance) -> Vec<Value> {
    inst.regions
        .iter()
        .map(|r| {
            json!({
                "RegionName": r,
                "Status": inst.region_status(r),
                "AddedDate": inst.created,
                "IsPrimaryRegion": *r == inst.home_region,
            })
        })
        .collect()
}

fn max_results(body: &Value) -> Result<(), WireError> {
    match body.get("MaxResults").and_then(Value::as_i64) {
        Some(n) if !(1..=100).contains(&n) => Err(WireError::validation(format!(
            "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100"
        ))),
        _ => Ok(()),
    }
}

pub fn handle(ctx: &Ctx<'_>, op: &str, body: &Value) -> Result<Value, WireError> {
    let world = ctx.world;
    match op {
        "ListInstances" => {
            max_results(body)?;
            world.authorize(
                &ctx.caller,
                "sso:ListInstances",
                "arn:aws:sso:::instance/*",
                ctx.protocol,
            )?;
            let scope = format!("{}/{}", ctx.caller.account, ctx.region);
            world
                .quotas
                .acquire(&scope, "ListInstances", Instant::now())
                .map_err(WireError::throttling)?;
            let mut seen: Vec<&Instance> = world
                .instances
                .iter()
                .filter(|i| {
                    world.sees_instance(&ctx.caller.account, i) && i.regions.contains(&ctx.region)
                })
                .collect();
            // The caller's own instances first, then those it administers.
            seen.sort_by_key(|i| i.owner != ctx.caller.account);
            let visible: Vec<Value> = seen
                .into_iter()
                .map(|i| {
                    let mut v = json!({
                        "InstanceArn": i.arn,
                        "IdentityStoreId": i.store_id,
                        "IdentityStoreArn": i.store_arn(),
                        "OwnerAccountId": i.owner,
                        "Name": i.name,
                        "CreatedDate": i.created,
                        "Status": i.status,
                        "PrimaryRegion": i.home_region,
                        "Regions": regions_json(i),
                    });
                    if i.status == "CREATE_FAILED" {
                        v["StatusReason"] = json!("Instance creation failed.");
                    }
                    v
                })
                .collect();
            // AWS may return fewer than MaxResults with a NextToken; fake-aws
            // pages at `instances_page_size` so clients must follow NextToken.
            let limit = body
                .get("MaxResults")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(100)
                .min(world.instances_page_size);
            let start = match body.get("NextToken").and_then(Value::as_str) {
                None => 0,
                Some(t) => t
                    .strip_prefix("fake-ssoins-page-")
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n <= visible.len())
                    .ok_or_else(|| WireError::validation("The NextToken is not valid."))?,
            };
            let end = (start + limit).min(visible.len());
            let mut out = json!({ "Instances": visible[start..end].to_vec() });
            if end < visible.len() {
                out["NextToken"] = json!(format!("fake-ssoins-page-{end}"));
            }
            Ok(out)
        }
        "ListRegions" => {
            max_results(body)?;
            let arn = body.get("InstanceArn").and_then(Value::as_str).ok_or_else(|| {
                WireError::validation("1 validation error detected: Value null at 'instanceArn' failed to satisfy constraint: Member must not be null")
            })?;
            world.authorize(&ctx.caller, "sso:ListRegions", arn, ctx.protocol)?;
            let inst = world
                .instance_by_arn(arn)
                .filter(|i| world.sees_instance(&ctx.caller.account, i))
                .ok_or_else(|| {
                    WireError::validation(format!(
                        "The instance {arn} does not exist or is not accessible."
                    ))
                })?;
            // An instance's call: it draws from the collective `sso:` bucket
            // (ListInstances is the caller account's, not an instance's).
            crate::sso::charge(world, inst)?;
            Ok(json!({ "Regions": regions_json(inst) }))
        }
        _ => crate::sso::handle(ctx, op, body).unwrap_or_else(|| {
            Err(WireError::new(
                400,
                "UnknownOperationException",
                format!("Unknown operation {op}"),
            ))
        }),
    }
}
