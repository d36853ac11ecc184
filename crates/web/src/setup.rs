//! What the wizard shows for one connection: trust policy, External ID,
//! inline policy (required and optional statements) and the same role as
//! `CloudFormation`, Terraform and AWS CLI text. Shared by pages and API.

use roster_core::iac::{RoleSpec, aws_cli, cloudformation, terraform};
use roster_core::policy::{PermissionsOptions, permissions_policy};
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
    pub trust_policy: String,
    /// Required reads plus the optional discovery statement (recommended).
    pub permissions_policy: String,
    /// Only the required Identity Store reads.
    pub minimal_permissions_policy: String,
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
    let spec = RoleSpec::new(
        &principal,
        &source.external_id,
        &PermissionsOptions::recommended(),
    );
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
        trust_policy: spec.trust.to_json(),
        permissions_policy: spec.permissions.to_json(),
        minimal_permissions_policy: permissions_policy(&PermissionsOptions::default()).to_json(),
        kms_statement,
        cloudformation: cloudformation(&spec),
        terraform: terraform(&spec),
        aws_cli: aws_cli(&spec, endpoint),
    }
}
