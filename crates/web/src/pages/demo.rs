//! `roster demo`'s simulated AWS console: paste the trust and permissions
//! JSON from the wizard, pick the account, get the new role's ARN.

use axum::extract::State;
use axum::response::Html;
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{code_block, csrf_field, page};
use crate::auth::Principal;
use crate::error::WebError;
use crate::extract::AppForm;
use crate::state::{AppState, DemoAccount, DemoInfo};

#[derive(Debug, Deserialize, Default)]
pub struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    trust_policy: String,
    #[serde(default)]
    permissions_policy: String,
}

fn render(
    state: &AppState,
    who: &Principal,
    demo: &DemoInfo,
    f: &RoleForm,
    outcome: Option<&Result<String, String>>,
) -> Html<String> {
    let body: Markup = html! {
        h1 { "Simulated AWS console" }
        p { "This page stands in for the IAM console of the demo's fake AWS: IAM → Roles → Create role, with a trust policy and one inline policy." }
        @match outcome {
            Some(Ok(arn)) => div.success #role-created { p { "Role created. Its ARN:" } (code_block("role-arn-value", arn, None)) p { "Paste it into the wizard's Role ARN field." } },
            Some(Err(e)) => div.diagnosis #role-error role="alert" { p { strong { "AWS said: " } (e) } },
            None => {},
        }
        form method="post" action="/demo/aws" #demo-aws {
            (csrf_field(who))
            label for="account" { "Account" }
            select #account name="account" {
                option value="management" selected[f.account != "member"] { "Management account " (demo.management_account) " (organization instance)" }
                @if let Some(m) = &demo.member_account { option value="member" selected[f.account == "member"] { "Member account " (m) " (account instance)" } }
            }
            label for="role-name" { "Role name" }
            input #role-name type="text" name="name" value=(if f.name.is_empty() { "roster-identity-store" } else { &f.name }) required;
            label for="trust-policy" { "Trust policy (JSON)" }
            textarea #trust-policy name="trust_policy" rows="14" required { (f.trust_policy) }
            label for="permissions-policy" { "Inline permissions policy (JSON)" }
            textarea #permissions-policy name="permissions_policy" rows="14" { (f.permissions_policy) }
            p { button #create-role type="submit" { "Create role" } }
        }
        (membership_form(who))
    };
    Html(
        page(
            "Simulated AWS console",
            state,
            Some(who),
            "/demo/aws",
            &body,
        )
        .into_string(),
    )
}

fn demo(state: &AppState) -> Result<&DemoInfo, WebError> {
    state
        .demo
        .as_deref()
        .ok_or_else(|| WebError::NotFound("page".into()))
}

#[tracing::instrument(skip_all)]
pub async fn form(State(state): State<AppState>, who: Principal) -> Result<Html<String>, WebError> {
    let d = demo(&state)?;
    Ok(render(&state, &who, d, &RoleForm::default(), None))
}

#[tracing::instrument(skip_all)]
pub async fn create_role(
    State(state): State<AppState>,
    who: Principal,
    AppForm(f): AppForm<RoleForm>,
) -> Result<Html<String>, WebError> {
    let d = demo(&state)?;
    who.check_form(&f.csrf)?;
    let account = if f.account == "member" {
        DemoAccount::Member
    } else {
        DemoAccount::Management
    };
    let inline = Some(f.permissions_policy.trim()).filter(|p| !p.is_empty());
    let outcome = d
        .aws
        .create_role(account, f.name.trim(), &f.trust_policy, inline);
    Ok(render(&state, &who, d, &f, Some(&outcome)))
}

/// Identity Center → Groups → remove a member: what an administrator does
/// in AWS after an access review revokes a membership (roster never does).
fn membership_form(who: &Principal) -> Markup {
    html! {
        h2 { "IAM Identity Center: remove a user from a group" }
        form method="post" action="/demo/aws/membership" #demo-membership {
            (csrf_field(who))
            label for="m-group" { "Group ID" }
            input #m-group type="text" name="group_id" required maxlength="128";
            label for="m-user" { "User ID" }
            input #m-user type="text" name="user_id" required maxlength="128";
            p { button #remove-membership type="submit" { "Remove from group" } }
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct MembershipForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    user_id: String,
}

/// Removes a membership in the demo's fake AWS (admin; the demo only).
#[tracing::instrument(skip_all)]
pub async fn remove_membership(
    State(state): State<AppState>,
    who: Principal,
    AppForm(f): AppForm<MembershipForm>,
) -> Result<Html<String>, WebError> {
    let d = demo(&state)?;
    who.check_form(&f.csrf)?;
    let outcome = d
        .aws
        .remove_membership(f.group_id.trim(), f.user_id.trim())
        .map(|()| {
            format!(
                "Removed user {} from group {}.",
                f.user_id.trim(),
                f.group_id.trim()
            )
        });
    let body = html! {
        h1 { "Simulated AWS console" }
        @match &outcome {
            Ok(done) => div.success #membership-removed { p { (done) " The next sync shows it gone." } },
            Err(e) => div.diagnosis #membership-error role="alert" { p { strong { "AWS said: " } (e) } },
        }
        p { a href="/demo/aws" { "Back" } }
    };
    Ok(Html(
        page(
            "Simulated AWS console",
            &state,
            Some(&who),
            "/demo/aws",
            &body,
        )
        .into_string(),
    ))
}
