//! Diagnoses of finding and reading the Identity Store: its permissions,
//! discovery of the instance, and an instance or directory that is not the
//! organization's.

use crate::policy::{PermissionsOptions, permissions_policy};

use super::{Diagnosis, DiagnosisCode};

const ORG_ACCOUNT_FIX: &str = "create the role in the organization's management account (or the delegated administrator account for IAM Identity Center), where the organization instance of Identity Center lives";

impl Diagnosis {
    pub fn identitystore_access_denied(denied_actions: &[&str], aws_message: &str) -> Self {
        let actions = if denied_actions.is_empty() {
            "an identitystore: read".to_owned()
        } else {
            denied_actions.join(", ")
        };
        Self::new(
            DiagnosisCode::IdentitystoreAccessDenied,
            format!("the role may not call {actions} (AWS said: {aws_message})"),
            format!(
                "attach the inline policy with identitystore: actions (sso: actions and the AWSSSOReadOnly managed policy grant no identitystore: action):\n{}",
                permissions_policy(&PermissionsOptions::recommended()).to_json()
            ),
        )
    }

    /// The organization limits Identity Store reads from member accounts (a
    /// service control policy denies them): no edit of the role helps.
    pub fn identitystore_denied_by_organization(denied_action: &str, aws_message: &str) -> Self {
        Self::new(
            DiagnosisCode::IdentitystoreAccessDenied,
            format!(
                "a service control policy of your organization denies {denied_action} to this account (AWS said: {aws_message})"
            ),
            "the role's own policy is not the problem: put roster's role in IAM Identity Center's delegated administrator account (or the management account, which SCPs do not restrict), or ask your organization's administrators to exempt this role from the SCP",
        )
    }

    pub fn discovery_denied(aws_message: &str) -> Self {
        Self::new(
            DiagnosisCode::DiscoveryDenied,
            format!(
                "the role may not call sso:ListInstances, so roster cannot find the Identity Store by itself (AWS said: {aws_message})"
            ),
            "add the discovery statement (sso:ListInstances, sso:ListRegions) to the inline policy, or enter the Identity Store ID (IAM Identity Center → Settings, d-xxxxxxxxxx) and the home Region",
        )
    }

    pub fn no_instance(regions_tried: &[String]) -> Self {
        Self::new(
            DiagnosisCode::NoInstance,
            format!(
                "no IAM Identity Center instance was found in {}",
                regions_tried.join(", ")
            ),
            format!(
                "enable IAM Identity Center, or enter its home Region (IAM Identity Center → Settings → Region); {ORG_ACCOUNT_FIX}"
            ),
        )
    }

    /// `management` is the organization's management account, when known.
    pub fn account_instance(instance_arn: &str, owner: &str, management: Option<&str>) -> Self {
        let org = management.map_or_else(String::new, |m| {
            format!(" (the organization's management account is {m})")
        });
        Self::new(
            DiagnosisCode::AccountInstance,
            format!(
                "{instance_arn} is an account instance of Identity Center owned by account {owner}{org}, not your organization's workforce directory"
            ),
            format!(
                "{ORG_ACCOUNT_FIX}; any member account can read the organization's directory too if you enter its Identity Store ID and home Region"
            ),
        )
    }

    pub fn instance_not_active(instance_arn: &str, status: &str, reason: Option<&str>) -> Self {
        let why = reason.map_or_else(String::new, |r| format!(": {r}"));
        Self::new(
            DiagnosisCode::InstanceNotActive,
            format!("the IAM Identity Center instance {instance_arn} is {status}, not ACTIVE{why}"),
            "wait until IAM Identity Center → Settings shows the instance as active and test the connection again; if it is being deleted or failed to create, enable IAM Identity Center again",
        )
    }

    pub fn wrong_account(instance_arn: &str, owner: &str, role_account: &str) -> Self {
        Self::new(
            DiagnosisCode::WrongAccount,
            format!(
                "{instance_arn} is owned by account {owner}, but the role is in account {role_account}"
            ),
            ORG_ACCOUNT_FIX,
        )
    }

    pub fn empty_directory(identity_store_id: &str, account: &str) -> Self {
        Self::new(
            DiagnosisCode::EmptyDirectory,
            format!(
                "the Identity Store {identity_store_id} seen from account {account} has no users and no groups"
            ),
            format!("this is usually the wrong account or an account instance: {ORG_ACCOUNT_FIX}"),
        )
    }

    pub fn identity_store_not_found(
        identity_store_id: &str,
        region: &str,
        aws_message: &str,
    ) -> Self {
        Self::new(
            DiagnosisCode::IdentityStoreNotFound,
            format!(
                "AWS does not know the Identity Store {identity_store_id} in {region} (AWS said: {aws_message})"
            ),
            "check the Identity Store ID and home Region in IAM Identity Center → Settings, or allow discovery (sso:ListInstances) so roster finds them",
        )
    }
}
