//! SSO Admin (JSON 1.1, `SWBExternalService.*`): `ListInstances` (instances
//! owned by the caller's account and enabled in the request Region) and
//! `ListRegions` of an instance.

use std::time::Instant;

use serde_json::{Value, json};

use crate::errors::AwsError;
use crate::server::router::Ctx;
use crate::world::Instance;

fn regions_json(inst: &Instance) -> Vec<Value> {
    inst.regions
        .iter()
        .map(|r| {
            json!({
                "RegionName": r,
                "Status": "ACTIVE",
                "AddedDate": inst.created,
                "IsPrimaryRegion": *r == inst.home_region,
            })
        })
        .collect()
}

fn max_results(body: &Value) -> Result<(), AwsError> {
    match body.get("MaxResults").and_then(Value::as_i64) {
        Some(n) if !(1..=100).contains(&n) => Err(AwsError::validation(format!(
            "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100"
        ))),
        _ => Ok(()),
    }
}

pub fn handle(ctx: &Ctx<'_>, op: &str, body: &Value) -> Result<Value, AwsError> {
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
                .map_err(AwsError::throttling)?;
            let items: Vec<Value> = world
                .instances
                .iter()
                .filter(|i| i.owner == ctx.caller.account && i.regions.contains(&ctx.region))
                .map(|i| {
                    json!({
                        "InstanceArn": i.arn,
                        "IdentityStoreId": i.store_id,
                        "IdentityStoreArn": i.store_arn(),
                        "OwnerAccountId": i.owner,
                        "Name": i.name,
                        "CreatedDate": i.created,
                        "Status": "ACTIVE",
                        "PrimaryRegion": i.home_region,
                        "Regions": regions_json(i),
                    })
                })
                .collect();
            Ok(json!({ "Instances": items }))
        }
        "ListRegions" => {
            max_results(body)?;
            let arn = body.get("InstanceArn").and_then(Value::as_str).ok_or_else(|| {
                AwsError::validation("1 validation error detected: Value null at 'instanceArn' failed to satisfy constraint: Member must not be null")
            })?;
            world.authorize(&ctx.caller, "sso:ListRegions", arn, ctx.protocol)?;
            let inst = world
                .instance_by_arn(arn)
                .filter(|i| i.owner == ctx.caller.account)
                .ok_or_else(|| {
                    AwsError::validation(format!(
                        "The instance {arn} does not exist or is not accessible."
                    ))
                })?;
            let scope = format!("{}/{}", inst.arn, ctx.region);
            world
                .quotas
                .acquire(&scope, "ListRegions", Instant::now())
                .map_err(AwsError::throttling)?;
            Ok(json!({ "Regions": regions_json(inst) }))
        }
        _ => Err(AwsError::new(
            400,
            "UnknownOperationException",
            format!("Unknown operation {op}"),
        )),
    }
}
