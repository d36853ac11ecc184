//! Discovery (§4): find the Identity Center instance, its Identity Store ID,
//! owner account and home Region with `sso:ListInstances` / `sso:ListRegions`.

use futures::stream::{self, StreamExt};
use roster_core::{AccountId, Diagnosis, IdentityStoreId, Region};

use crate::classify::{Op, Service, classify};
use crate::error::AwsError;
use crate::session::CustomerSession;

/// What discovery found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub instance_arn: String,
    pub identity_store_id: IdentityStoreId,
    pub owner_account: Option<AccountId>,
    pub home_region: Region,
    /// Every enabled Region (the home Region first).
    pub regions: Vec<Region>,
}

/// Regions probed at once when the instance is not in the first Region tried.
const PROBE_CONCURRENCY: usize = 6;

struct Instance {
    arn: String,
    store_id: String,
    owner: Option<String>,
    primary_region: Option<String>,
}

async fn instances_in(
    session: &CustomerSession,
    region: &Region,
) -> Result<Vec<Instance>, AwsError> {
    let out = session
        .sso_admin(region)
        .list_instances()
        .max_results(100)
        .send()
        .await
        .map_err(|e| {
            classify(
                Op {
                    name: "ListInstances",
                    service: Service::SsoAdmin,
                    store: None,
                },
                e,
            )
        })?;
    Ok(out
        .instances()
        .iter()
        .filter_map(|i| {
            Some(Instance {
                arn: i.instance_arn()?.to_owned(),
                store_id: i.identity_store_id()?.to_owned(),
                owner: i.owner_account_id().map(str::to_owned),
                primary_region: i.primary_region().map(str::to_owned),
            })
        })
        .collect())
}

async fn enabled_regions(
    session: &CustomerSession,
    region: &Region,
    instance_arn: &str,
) -> Option<(Option<Region>, Vec<Region>)> {
    let out = session
        .sso_admin(region)
        .list_regions()
        .instance_arn(instance_arn)
        .send()
        .await;
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            let err = classify(
                Op {
                    name: "ListRegions",
                    service: Service::SsoAdmin,
                    store: None,
                },
                e,
            );
            tracing::info!(error = %err, "sso:ListRegions unavailable; using the Region the instance was found in");
            return None;
        }
    };
    let mut primary = None;
    let mut regions = Vec::new();
    for r in out.regions() {
        let Some(parsed) = r.region_name().and_then(|n| Region::parse(n).ok()) else {
            continue;
        };
        if r.is_primary_region() {
            primary = Some(parsed.clone());
        }
        regions.push(parsed);
    }
    Some((primary, regions))
}

/// Looks in `first` and then, if nothing is there, in the partition's other Regions.
pub async fn discover(session: &CustomerSession, first: &Region) -> Result<Discovered, AwsError> {
    let (found_in, instances) = match instances_in(session, first).await? {
        found if !found.is_empty() => (first.clone(), found),
        _ => {
            let others: Vec<Region> = first
                .partition()
                .candidate_regions()
                .iter()
                .filter(|r| **r != first.as_str())
                .filter_map(|r| Region::parse(r).ok())
                .collect();
            let mut probes = stream::iter(others.clone())
                .map(|r| async move { (r.clone(), instances_in(session, &r).await) })
                .buffer_unordered(PROBE_CONCURRENCY);
            let mut hit = None;
            while let Some((region, result)) = probes.next().await {
                if let Ok(found) = result
                    && !found.is_empty()
                {
                    hit = Some((region, found));
                    break;
                }
            }
            hit.ok_or_else(|| {
                let mut tried = vec![first.to_string()];
                tried.extend(others.iter().map(ToString::to_string));
                AwsError::Diagnosed(Diagnosis::no_instance(&tried))
            })?
        }
    };
    let role_account = session.role().account().as_str().to_owned();
    let instance = instances
        .iter()
        .find(|i| i.owner.as_deref().is_none_or(|o| o == role_account))
        .unwrap_or(&instances[0]);
    if let Some(owner) = instance.owner.as_deref().filter(|o| *o != role_account) {
        return Err(Diagnosis::wrong_account(&instance.arn, owner, &role_account).into());
    }
    let identity_store_id = IdentityStoreId::parse(&instance.store_id).map_err(|e| {
        AwsError::Diagnosed(Diagnosis::aws_error(
            "ListInstances",
            "InvalidResponse",
            &e.to_string(),
        ))
    })?;
    let (primary, mut regions) = enabled_regions(session, &found_in, &instance.arn)
        .await
        .unwrap_or_default();
    let home_region = primary
        .or_else(|| {
            instance
                .primary_region
                .as_deref()
                .and_then(|r| Region::parse(r).ok())
        })
        .unwrap_or_else(|| found_in.clone());
    regions.retain(|r| *r != home_region);
    regions.insert(0, home_region.clone());
    Ok(Discovered {
        instance_arn: instance.arn.clone(),
        identity_store_id,
        owner_account: instance
            .owner
            .as_deref()
            .and_then(|o| AccountId::parse(o).ok()),
        home_region,
        regions,
    })
}
