//! What the wizard shows for one connection: trust policy, External ID,
//! inline policy (required and optional statements) and the same role as
//! `CloudFormation`, Terraform and AWS CLI text. Shared by pages and API.
//! A connection that collects access (the SSO source) gets the SSO role:
//! the directory, discovery and the SSO statement.

use roster_core::iac::{RoleSpec, aws_cli, cloudformation, terraform};
use roster_core::policy::{PermissionsOptions, permissions_policy, sso_statement};
use roster_store::Source;
use serde::Serialize;

use crate::state::AppState;

pub const PRINCIPAL_PLACEHOLDER: &str = "<roster's principal ARN>";

/// Everything needed to create the customer's role for this connection.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SetupView {
    pub source_id: String,
    /// The principal the trust policy names (a placeholder when roster has no AWS identity).
    pub platform_principal: String,
    /// roster's AWS account (the "Another AWS account" ID in the IAM console).
    pub platform_account: Option<String>,
    pub external_id: String,
    /// The connection collects access too (the SSO source): its policy
    /// carries the SSO statement, and its connection test the SSO steps.
    pub collects_access: bool,
    pub trust_policy: String,
    /// Required reads plus the optional discovery statement (recommended);
    /// for a connection that collects access, also the SSO statement.
    pub permissions_policy: String,
    /// Only the required reads (for the SSO source: the directory,
    /// discovery and the SSO statement, all required).
    pub minimal_permissions_policy: String,
    /// The SSO statement alone: what an Identity Store connection's role
    /// gains to collect access too.
    pub sso_statement: String,
    /// The inline policy of a role that collects both (directory,
    /// discovery, SSO): what "also collect access" asks the role to carry.
    pub access_permissions_policy: String,
    /// The optional statement for a customer-managed KMS key.
    pub kms_statement: String,
    pub cloudformation: String,
    pub terraform: String,
    pub aws_cli: String,
}

pub fn setup_of(state: &AppState, source: &Source) -> SetupView {
    let principal = state
        .principal
        .clone()
        .unwrap_or_else(|| PRINCIPAL_PLACEHOLDER.to_owned());
    let access = source.collects_access;
    let spec = if access {
        RoleSpec::sso(&principal, &source.external_id)
    } else {
        RoleSpec::new(
            &principal,
            &source.external_id,
            &PermissionsOptions::recommended(),
        )
    };
    let access_policy = permissions_policy(&PermissionsOptions::sso_source()).to_json();
    let minimal = if access {
        access_policy.clone()
    } else {
        permissions_policy(&PermissionsOptions::default()).to_json()
    };
    let kms = permissions_policy(&PermissionsOptions {
        discovery: false,
        kms: Some(None),
        sso: false,
    });
    let kms_statement = kms
        .statements
        .last()
        .and_then(|s| serde_json::to_string_pretty(s).ok())
        .unwrap_or_default();
    let endpoint = state.demo.as_ref().map(|d| d.aws_endpoint.as_str());
    SetupView {
        source_id: source.id.to_string(),
        platform_account: state
            .principal
            .as_deref()
            .and_then(|p| p.split(':').nth(4))
            .map(str::to_owned),
        platform_principal: principal,
        external_id: source.external_id.expose().to_owned(),
        collects_access: access,
        trust_policy: spec.trust.to_json(),
        permissions_policy: spec.permissions.to_json(),
        minimal_permissions_policy: minimal,
        sso_statement: sso_statement().to_json(),
        access_permissions_policy: access_policy,
        kms_statement,
        cloudformation: cloudformation(&spec),
        terraform: terraform(&spec),
        aws_cli: aws_cli(&spec, endpoint),
    }
}
