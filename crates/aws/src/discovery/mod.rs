//! Discovery: find the Identity Center instance, its Identity Store ID,
//! owner account, status and home Region with `sso:ListInstances` (every
//! page) / `sso:ListRegions`, and tell the organization instance from an
//! account instance with `organizations:DescribeOrganization`. Every call is
//! retried on throttling and 5xx like a read.

mod organization;

use futures::stream::{self, StreamExt};
use roster_core::{AccountId, Diagnosis, IdentityStoreId, Region};

use crate::classify::{Op, Service, classify};
use crate::error::AwsError;
use crate::partitions::sibling_regions;
use crate::retry::retried;
use crate::session::CustomerSession;

pub use organization::OrgLookup;

/// Whether the instance found is the organization's workforce directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceKind {
    /// Owned by the organization's management account.
    Organization,
    /// Not known: no `organizations:DescribeOrganization`, or no organization.
    Unknown,
}

/// Where the customer put roster's role, relative to the organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// The organization's management account.
    Management,
    /// A member account that sees the organization instance: Identity
    /// Center's delegated administrator.
    DelegatedAdministrator,
    Unknown,
}

/// What discovery found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub instance_arn: String,
    pub identity_store_id: IdentityStoreId,
    pub owner_account: Option<AccountId>,
    pub home_region: Region,
    /// Every `ACTIVE` Region (the home Region first).
    pub regions: Vec<Region>,
    /// The instance's `Status` (always `ACTIVE` here: anything else is a diagnosis).
    pub instance_status: String,
    pub instance_kind: InstanceKind,
    /// The organization's management account, when `DescribeOrganization` told.
    pub management_account: Option<AccountId>,
    pub role_placement: Placement,
}

/// Regions probed at once when the instance is not in the first Region tried.
const PROBE_CONCURRENCY: usize = 6;

struct Instance {
    arn: String,
    store_id: String,
    owner: Option<String>,
    status: Option<String>,
    status_reason: Option<String>,
    primary_region: Option<String>,
}

fn op(name: &'static str) -> Op<'static> {
    Op {
        name,
        service: Service::SsoAdmin,
        store: None,
    }
}

/// Every instance visible in `region`, every page, each call retried.
async fn instances_in(
    session: &CustomerSession,
    region: &Region,
) -> Result<Vec<Instance>, AwsError> {
    let client = session.sso_admin(region);
    let mut found = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let token = next.clone();
        let out = retried(|| async {
            client
                .list_instances()
                .max_results(100)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| classify(op("ListInstances"), e))
        })
        .await?;
        found.extend(out.instances().iter().filter_map(|i| {
            Some(Instance {
                arn: i.instance_arn()?.to_owned(),
                store_id: i.identity_store_id()?.to_owned(),
                owner: i.owner_account_id().map(str::to_owned),
                status: i.status().map(|s| s.as_str().to_owned()),
                status_reason: i.status_reason().map(str::to_owned),
                primary_region: i.primary_region().map(str::to_owned),
            })
        }));
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != next.as_deref() => next = Some(t.to_owned()),
            _ => return Ok(found),
        }
    }
}

/// The instance's `ACTIVE` Regions and its primary Region, every page.
async fn enabled_regions(
    session: &CustomerSession,
    region: &Region,
    instance_arn: &str,
) -> Option<(Option<Region>, Vec<Region>)> {
    let client = session.sso_admin(region);
    let mut primary = None;
    let mut regions = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let token = next.clone();
        let out = retried(|| async {
            client
                .list_regions()
                .instance_arn(instance_arn)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| classify(op("ListRegions"), e))
        })
        .await;
        let out = match out {
            Ok(out) => out,
            Err(err) => {
                tracing::info!(error = %err, "sso:ListRegions unavailable; using the Region the instance was found in");
                return None;
            }
        };
        for r in out.regions() {
            let Some(parsed) = r.region_name().and_then(|n| Region::parse(n).ok()) else {
                continue;
            };
            if r.is_primary_region() {
                primary = Some(parsed.clone());
            }
            // A Region being added or removed (ADDING, REMOVING) cannot be read from.
            if r.status().is_none_or(|s| s.as_str() == "ACTIVE") {
                regions.push(parsed);
            }
        }
        match out.next_token().filter(|t| !t.is_empty()) {
            Some(t) if Some(t) != next.as_deref() => next = Some(t.to_owned()),
            _ => return Some((primary, regions)),
        }
    }
}

/// `first`, or else the first of the partition's other Regions (probed
/// concurrently, bounded) that has an instance.
async fn find_instances(
    session: &CustomerSession,
    first: &Region,
) -> Result<(Region, Vec<Instance>), AwsError> {
    let found = instances_in(session, first).await?;
    if !found.is_empty() {
        return Ok((first.clone(), found));
    }
    let others: Vec<Region> = sibling_regions(first.as_str())
        .iter()
        .filter_map(|r| Region::parse(r).ok())
        .collect();
    let mut probes = stream::iter(others.clone())
        .map(|r| async move { (r.clone(), instances_in(session, &r).await) })
        .buffer_unordered(PROBE_CONCURRENCY);
    while let Some((region, result)) = probes.next().await {
        if let Ok(found) = result
            && !found.is_empty()
        {
            return Ok((region, found));
        }
    }
    let mut tried = vec![first.to_string()];
    tried.extend(others.iter().map(ToString::to_string));
    Err(AwsError::Diagnosed(Diagnosis::no_instance(&tried)))
}

/// Looks in `first` and then, if nothing is there, in the partition's other Regions.
pub async fn discover(session: &CustomerSession, first: &Region) -> Result<Discovered, AwsError> {
    let (found_in, instances) = find_instances(session, first).await?;
    let org = organization::describe_organization(session, &found_in).await;
    let management = match &org {
        OrgLookup::Management(m) => Some(m.clone()),
        _ => None,
    };
    let role_account = session.role().account().as_str().to_owned();
    let owned_by = |who: &str| {
        instances
            .iter()
            .find(|i| i.owner.as_deref().is_none_or(|o| o == who))
    };
    let instance = management
        .as_ref()
        .and_then(|m| owned_by(m.as_str()))
        .or_else(|| owned_by(&role_account))
        .unwrap_or(&instances[0]);
    let owner = instance
        .owner
        .clone()
        .unwrap_or_else(|| role_account.clone());
    let status = instance.status.clone().unwrap_or_else(|| "ACTIVE".into());
    if status != "ACTIVE" {
        return Err(Diagnosis::instance_not_active(
            &instance.arn,
            &status,
            instance.status_reason.as_deref(),
        )
        .into());
    }
    let (instance_kind, role_placement) = match &management {
        Some(m) if m.as_str() == owner => (
            InstanceKind::Organization,
            if role_account == owner {
                Placement::Management
            } else {
                Placement::DelegatedAdministrator
            },
        ),
        Some(m) => {
            return Err(
                Diagnosis::account_instance(&instance.arn, &owner, Some(m.as_str())).into(),
            );
        }
        // Without DescribeOrganization, sync what was found; the type stays unknown.
        None => (InstanceKind::Unknown, Placement::Unknown),
    };
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
        owner_account: AccountId::parse(&owner).ok(),
        home_region,
        regions,
        instance_status: status,
        instance_kind,
        management_account: management,
        role_placement,
    })
}
