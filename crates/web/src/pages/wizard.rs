//! The connection wizard: the roster tab (trust policy, External
//! ID, Role ARN, live connection test) and the AWS tab (console steps, inline
//! policy explained, `CloudFormation`, Terraform and AWS CLI text). The SSO
//! source (a connection that collects access) gets its own texts and the
//! SSO steps; `?collect=access` on an Identity Store connection is "also
//! collect access": the statement its role gains, then the same test.

use axum::extract::State;
use axum::response::Html;
use maud::{Markup, html};
use roster_engine::connection_test::Step;
use roster_store::{Source, SourceStatus};
use serde::Deserialize;

use super::layout::{code_block, page};
use crate::error::WebError;
use crate::extract::{AppQuery, TenantSource};
use crate::service::sources;
use crate::setup::SetupView;
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct WizardQuery {
    /// `access`: "also collect access" for an Identity Store connection.
    #[serde(default)]
    collect: Option<String>,
}

/// The connection test's form, its steps and its two outcomes, as
/// `app.js` drives them. `add_access` posts `collect_access: true`.
fn test_form(source: &Source, steps: &[Step], add_access: bool) -> Markup {
    let hint = source.location.as_ref();
    html! {
        form #connect-form data-api={ "/api/v1/sources/" (source.id) "/connect" } data-collect-access=[add_access.then_some("true")] {
            label for="role-arn" { "IAM Role ARN" }
            input #role-arn type="text" name="role_arn" size="70" autocomplete="off"
                placeholder="arn:aws:iam::123456789012:role/roster-identity-store"
                value=[source.role_arn.as_ref().map(ToString::to_string)];
            div.reason #arn-reason aria-live="polite" {}
            details {
                summary { "No discovery statement? Enter the Identity Store ID and home Region" }
                @if steps.len() > 4 { p.meta { "Access needs discovery: only " code { "sso:ListInstances" } " finds the instance's ARN, so the SSO steps fail without it." } }
                label for="identity-store-id" { "Identity Store ID (IAM Identity Center → Settings)" }
                input #identity-store-id type="text" name="identity_store_id" placeholder="d-1234567890";
                label for="region" { "Home Region" }
                input #region type="text" name="region" placeholder="us-east-1" value=[hint.map(|l| l.region.to_string())];
            }
            p { button #connect-submit type="submit" disabled { (if add_access { "Test and collect access" } else { "Submit Role" }) } }
            p.meta { "The test also checks that the role refuses roster " em { "without" } " the External ID. That check leaves one expected AccessDenied AssumeRole event in your CloudTrail: it is roster proving your role is safe, not an attack." }
        }
        ol.steps #steps hidden {
            @for step in steps {
                li data-step=(step.as_str()) data-status="waiting" { (step.title()) span.detail {} }
            }
        }
        div.success #configured hidden {
            h2 { "Connection Configured" }
            p { "Identity Store ID " code #configured-store-id {} " in " code #configured-region {} ". The first sync is queued." }
            @if steps.len() > 4 { p #configured-access { "This connection collects access too: permission sets, account assignments and accounts, joined with the directory." } }
            p { a.button href={ "/sources/" (source.id) } { "Open the source's settings" } " " a.button.secondary href={ "/users?source=" (source.id) } { "See users" } }
        }
        div.diagnosis #diagnosis hidden role="alert" {
            h2 { "The connection test failed: " code #diagnosis-code {} }
            p #diagnosis-cause {}
            p { strong { "Fix:" } }
            pre.code #diagnosis-fix {}
            @if add_access {
                p.meta { "The connection keeps reading the directory as before; access stays off. Fix the role in AWS, then press Test and collect access again." }
            } @else {
                p.meta { "The connection stays pending. Fix the role in AWS, then press Submit Role again." }
            }
        }
    }
}

fn roster_tab(source: &Source, s: &SetupView) -> Markup {
    html! {
        section.tab #tab-roster {
            h2 { "1. Copy the trust policy" }
            p { "Your IAM role must trust roster's principal, and only with this connection's External ID. roster generated the External ID; it is unique to this connection." }
            p { "External ID:" }
            (code_block("external-id", &s.external_id, None))
            p { "Trust policy:" }
            (code_block("trust-policy", &s.trust_policy, Some("roster-trust-policy.json")))
            p { "Keep this tab open, then switch to the " strong { "AWS" } " tab to create the role." }
            h2 { "2. Submit the role ARN" }
            (test_form(source, Step::run_by(s.collects_access), false))
        }
    }
}

/// The SSO statement explained: what it grants and why nothing else works.
fn sso_statement_note() -> Markup {
    html! {
        p { "Statement " code { (roster_core::policy::SSO_STATEMENT_SID) } " lists exactly the " code { "sso:" } " and " code { "organizations:" } " reads roster's access sync calls: permission sets and their policies, where each is provisioned, account assignments, applications and their assignments, and the organization's accounts (names). Write them with the " code { "sso:" } " prefix exactly as shown: " code { "identitycenter:" } " is no IAM service prefix and " code { "sso-directory:" } " is the legacy directory's, so neither grants anything here. Permission sets and assignments are visible only from the organization's " strong { "management account" } " or IAM Identity Center's " strong { "delegated administrator account" } "." }
    }
}

fn aws_tab(s: &SetupView) -> Markup {
    let account = s
        .platform_account
        .as_deref()
        .unwrap_or("roster's AWS account ID");
    let access = s.collects_access;
    let role_name = if access {
        roster_core::iac::SSO_ROLE_NAME
    } else {
        roster_core::iac::DEFAULT_ROLE_NAME
    };
    html! {
        section.tab #tab-aws hidden {
            h2 { "Create the IAM role in AWS" }
            ol {
                @if access {
                    li { "Sign in to the organization's " strong { "delegated administrator account" } " for IAM Identity Center (least privilege) or its " strong { "management account" } ". Member accounts can read the directory but see no permission sets or account assignments." }
                } @else {
                    li { "Sign in to the account that will hold roster's role: the organization's " strong { "management account" } ", IAM Identity Center's " strong { "delegated administrator account" } ", or " strong { "any member account" } ". Least privilege is a member account (type the Identity Store ID and home Region into the roster tab, since discovery cannot see the organization instance from there), then the delegated administrator account; the management account works but is the most sensitive place for a third party's role." }
                }
                li { "Open IAM → Roles → " strong { "Create role" } "." }
                li { "Trusted entity type: " strong { "AWS account" } " → " strong { "Another AWS account" } ", Account ID " code { (account) } "." }
                li { "Tick " strong { "Require external ID" } " and paste " code { (s.external_id) } "." }
                li { "Attach " strong { "no" } " managed policy. " code { "AWSSSOReadOnly" } " grants no " code { "identitystore:" } " action at all; " code { "AWSSSODirectoryReadOnly" } " does, but is broader than roster needs." }
                li { "Name the role (for example " code { (role_name) } "), create it, then open it → Add permissions → " strong { "Create inline policy" } " → JSON, and paste the policy below." }
                li { "Replace the role's trust policy with the one on the roster tab (Trust relationships → Edit) so the principal is exactly roster's." }
                li { "Copy the role's ARN and return to the roster tab." }
            }
            h3 { "Inline permissions policy" }
            @if access {
                p { "Read-only; exactly the actions roster calls, all three statements required: " code { "RosterReadIdentityStore" } " (the directory, to expand group assignments into users), " code { "RosterDiscoverIdentityCenter" } " (finds the instance's ARN and home Region) and " code { (roster_core::policy::SSO_STATEMENT_SID) } "." }
                (sso_statement_note())
            } @else {
                p { "Read-only; exactly the actions roster calls. " strong { "Required:" } " statement " code { "RosterReadIdentityStore" } " (" code { "identitystore:ListUsers" } ", " code { "ListGroups" } ", " code { "ListGroupMemberships" } "). "
                    strong { "Optional:" } " statement " code { "RosterDiscoverIdentityCenter" } " (" code { "sso:ListInstances" } ", " code { "sso:ListRegions" } ", " code { "organizations:DescribeOrganization" } ") lets roster find the Identity Store ID and home Region itself and tell the organization's directory from an account instance; without it, type both into the roster tab." }
            }
            (code_block("permissions-policy", &s.permissions_policy, Some("roster-permissions-policy.json")))
            @if !access {
                details {
                    summary { "Only the required statement" }
                    (code_block("minimal-policy", &s.minimal_permissions_policy, Some("roster-permissions-minimal.json")))
                }
            }
            details {
                summary { "Optional: directory encrypted with a customer-managed KMS key" }
                p { "Add this statement, and allow the role in the key's policy:" }
                (code_block("kms-statement", &s.kms_statement, None))
            }
            h3 { "Or create the same role as code" }
            p { "Each carries this connection's principal and External ID." }
            h4 { "CloudFormation" }
            (code_block("cloudformation", &s.cloudformation, Some(roster_core::iac::CLOUDFORMATION_FILE_NAME)))
            p { "Deploy it with " code { (roster_core::iac::cloudformation_deploy_command(role_name)) } ": the template names the role, so CloudFormation needs " code { "CAPABILITY_NAMED_IAM" } " (in the console, tick the acknowledgement for IAM resources with custom names)." }
            h4 { "Terraform" }
            (code_block("terraform", &s.terraform, Some("roster-role.tf")))
            h4 { "AWS CLI" }
            (code_block("aws-cli", &s.aws_cli, Some("roster-role.sh")))
        }
    }
}

/// "Also collect access": the statement the connection's role gains, then
/// the connection test with the SSO steps (which, passing, turn it on).
fn also_collect_access(source: &Source, s: &SetupView) -> Markup {
    let role = source
        .role_arn
        .as_ref()
        .map_or_else(|| "the connection's role".to_owned(), ToString::to_string);
    html! {
        section #collect-access {
            h2 { "1. Add the SSO statement to the same role" }
            p { "One connection collects both: the role " code { (role) } " keeps its policy and gains this statement (IAM → Roles → the role → its inline policy → Edit → JSON, add it to " code { "Statement" } "):" }
            (code_block("sso-statement", &s.sso_statement, None))
            (sso_statement_note())
            details {
                summary { "The whole inline policy with the statement added" }
                (code_block("access-permissions-policy", &s.access_permissions_policy, Some("roster-permissions-policy.json")))
            }
            p { "The role must live in the organization's management account or IAM Identity Center's delegated administrator account, and the discovery statement is required: only " code { "sso:ListInstances" } " finds the instance's ARN." }
            h2 { "2. Test the connection with the SSO steps" }
            p { "When every step passes, this connection collects access too: each sync reads the directory, then permission sets, assignments and accounts." }
            (test_form(source, &Step::ALL, true))
        }
    }
}

#[tracing::instrument(skip_all, fields(tenant = %who.tenant()))]
pub async fn show(
    State(state): State<AppState>,
    TenantSource { who, source }: TenantSource,
    AppQuery(q): AppQuery<WizardQuery>,
) -> Result<Html<String>, WebError> {
    let setup = sources::setup(&state, &source);
    let add_access = !source.collects_access && q.collect.as_deref() == Some("access");
    let title = if source.collects_access {
        "Connect AWS IAM Identity Center (SSO)"
    } else if add_access {
        "Also collect access: AWS IAM Identity Center (SSO)"
    } else {
        "Connect AWS IAM Identity Center (Identity Store)"
    };
    let body = html! {
        h1 { (title) }
        @if source.collects_access {
            p.meta { "roster is requesting read-only access to IAM Identity Center: the directory, permission sets, account assignments and accounts, to show who can reach which AWS account. Connection " code { (source.id) } "." }
        } @else {
            p.meta { "roster is requesting read-only access to your Identity Store. Connection " code { (source.id) } "." }
        }
        @if state.principal.is_none() {
            div.banner.warn { "roster has no AWS identity, so the trust policy shows a placeholder principal and the connection test cannot run." }
        }
        @if add_access {
            (also_collect_access(&source, &setup))
        } @else {
            @if source.status == SourceStatus::Connected {
                div.banner { "This connection is already configured. " a href={ "/sources/" (source.id) } { "Open its settings" } "." }
            }
            div.tabs role="tablist" {
                button.active type="button" data-tab="tab-roster" { "roster" }
                button type="button" data-tab="tab-aws" { "AWS" }
            }
            (roster_tab(&source, &setup))
            (aws_tab(&setup))
        }
    };
    Ok(Html(
        page("Connection wizard", &state, Some(&who), "/sources", &body).into_string(),
    ))
}
