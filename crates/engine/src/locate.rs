//! Where a customer's directory lives: discovered (the instance and its
//! home Region, found through `sso:ListInstances` across Regions), or typed
//! in when discovery is not allowed or not available — and where the
//! role lives relative to the organization.

use roster_aws::discovery::{Discovered, InstanceKind, discover};
use roster_aws::{AwsError, CustomerSession};
use roster_core::{AccountId, Diagnosis, DiagnosisCode, IdentityStoreId, Region};
use roster_store::{DirectoryLocation, InstanceType, Placement};

/// What the customer (or operator) told us, if anything.
#[derive(Debug, Clone, Default)]
pub struct LocationHint {
    pub region: Option<Region>,
    pub identity_store_id: Option<IdentityStoreId>,
}

/// Discovery failures that typed-in values may stand in for.
fn hint_may_replace(d: &Diagnosis) -> bool {
    matches!(
        d.code,
        DiagnosisCode::DiscoveryDenied | DiagnosisCode::NoInstance | DiagnosisCode::AwsError
    )
}

fn placement(found: roster_aws::discovery::Placement) -> Placement {
    match found {
        roster_aws::discovery::Placement::Management => Placement::Management,
        roster_aws::discovery::Placement::DelegatedAdministrator => {
            Placement::DelegatedAdministrator
        }
        roster_aws::discovery::Placement::Unknown => Placement::Unknown,
    }
}

/// With the location typed in: the management and delegated administrator
/// accounts see the organization instance through `sso:ListInstances`, so a
/// role allowed to look that finds no instance is in another member account.
/// Discovery denied or failing says nothing about the account.
fn typed_in_placement(d: &Diagnosis) -> Placement {
    if d.code == DiagnosisCode::NoInstance {
        Placement::Member
    } else {
        Placement::Unknown
    }
}

pub async fn locate(
    session: &CustomerSession,
    hint: &LocationHint,
) -> Result<(DirectoryLocation, Option<Discovered>), Diagnosis> {
    let first = hint
        .region
        .clone()
        .unwrap_or_else(|| session.default_region());
    let account = Some(session.role().account().clone());
    match discover(session, &first).await {
        Ok(found) => {
            let region = hint
                .region
                .clone()
                .filter(|r| found.regions.contains(r))
                .unwrap_or_else(|| found.home_region.clone());
            let location = DirectoryLocation {
                identity_store_id: hint
                    .identity_store_id
                    .clone()
                    .unwrap_or_else(|| found.identity_store_id.clone()),
                region,
                instance_arn: Some(found.instance_arn.clone()),
                account_id: found.owner_account.clone().or(account),
                instance_status: Some(found.instance_status.clone()),
                instance_type: match found.instance_kind {
                    InstanceKind::Organization => InstanceType::Organization,
                    InstanceKind::Unknown => InstanceType::Unknown,
                },
                management_account: found.management_account.clone(),
                placement: placement(found.role_placement),
            };
            Ok((location, Some(found)))
        }
        Err(err) => {
            let diagnosis = match err {
                AwsError::Diagnosed(d) => d,
                other => {
                    Diagnosis::aws_error("ListInstances", "DiscoveryFailed", &other.to_string())
                }
            };
            match &hint.identity_store_id {
                Some(id) if hint_may_replace(&diagnosis) => {
                    tracing::info!(code = %diagnosis.code, "discovery unavailable; using the Identity Store ID given");
                    Ok((
                        DirectoryLocation {
                            identity_store_id: id.clone(),
                            region: first,
                            instance_arn: None,
                            account_id: account,
                            instance_status: None,
                            instance_type: InstanceType::Unknown,
                            management_account: None,
                            placement: typed_in_placement(&diagnosis),
                        },
                        None,
                    ))
                }
                _ => Err(diagnosis),
            }
        }
    }
}

/// The one-line note shown when the role is in the management account
/// (README, "Where the role lives").
pub const MANAGEMENT_ACCOUNT_NOTE: &str = "note: the management account is the most privileged place to put a third party's role; a member account (least privilege) or the delegated administrator account works too";

/// Where the role lives, in words: e.g. "delegated administrator account
/// 222222222222 — the organization instance is owned by management account
/// 111111111111". `role_account` is the account of the source's role.
pub fn describe_placement(
    location: &DirectoryLocation,
    role_account: Option<&AccountId>,
) -> String {
    // The owner account is the role's own only where the role is in the
    // management account, or typed in from a member account.
    let owner_is_role = matches!(
        location.placement,
        Placement::Management | Placement::Member
    );
    let role = role_account
        .or(location.account_id.as_ref().filter(|_| owner_is_role))
        .map_or_else(String::new, |a| format!(" {a}"));
    let management = location.management_account.as_ref().map_or_else(
        || "the management account".to_owned(),
        |m| format!("management account {m}"),
    );
    match location.placement {
        Placement::Management => {
            format!("management account{role} — it owns the organization instance")
        }
        Placement::DelegatedAdministrator => format!(
            "delegated administrator account{role} — the organization instance is owned by {management}"
        ),
        Placement::Member => format!(
            "member account{role} — Identity Store {} in {} as entered",
            location.identity_store_id, location.region
        ),
        Placement::Unknown => "unknown — allow sso:ListInstances and organizations:DescribeOrganization for roster to tell (it records it at the next connection test or sync)".to_owned(),
    }
}
