//! Where a customer's directory lives: discovered (the instance and its
//! home Region, found through `sso:ListInstances` across Regions), or typed
//! in when discovery is not allowed or not available.

use roster_aws::discovery::{Discovered, discover};
use roster_aws::{AwsError, CustomerSession};
use roster_core::{Diagnosis, DiagnosisCode, IdentityStoreId, Region};
use roster_store::DirectoryLocation;

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
                        },
                        None,
                    ))
                }
                _ => Err(diagnosis),
            }
        }
    }
}
