//! `organizations:DescribeOrganization`: which account is the organization's
//! management account, so discovery can tell the organization instance
//! (owned by the management account) from an account instance.

use aws_sdk_organizations::error::ProvideErrorMetadata;
use roster_core::{AccountId, Region};

use crate::classify::{Op, Service, classify};
use crate::retry::retried;
use crate::session::CustomerSession;

/// What roster could learn about the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgLookup {
    /// The organization's management account.
    Management(AccountId),
    /// The role's account is in no organization (`AWSOrganizationsNotInUseException`).
    NoOrganization,
    /// Not allowed (no `organizations:DescribeOrganization`) or not answerable.
    Unknown,
}

pub(crate) async fn describe_organization(session: &CustomerSession, region: &Region) -> OrgLookup {
    let client = session.organizations(region);
    let result = retried(|| async {
        match client.describe_organization().send().await {
            Ok(out) => Ok(Ok(out)),
            Err(e)
                if e.as_service_error().and_then(ProvideErrorMetadata::code)
                    == Some("AWSOrganizationsNotInUseException") =>
            {
                Ok(Err(()))
            }
            Err(e) => Err(classify(
                Op {
                    name: "DescribeOrganization",
                    service: Service::Organizations,
                    store: None,
                },
                e,
            )),
        }
    })
    .await;
    match result {
        Ok(Ok(out)) => out
            .organization()
            .and_then(|o| o.master_account_id())
            .and_then(|m| AccountId::parse(m).ok())
            .map_or(OrgLookup::Unknown, OrgLookup::Management),
        Ok(Err(())) => OrgLookup::NoOrganization,
        Err(e) => {
            tracing::info!(error = %e, "organizations:DescribeOrganization unavailable; the instance type stays unknown");
            OrgLookup::Unknown
        }
    }
}
