//! IAM Identity Center's access half (sso-admin, JSON 1.1): permission sets
//! and their policies, provisioning, account assignments, applications and
//! their assignments, per instance; the
//! request plumbing they share (arguments, instance lookup, authorization,
//! the collective `sso:` quota, pagination).

pub mod applications;
pub mod assignments;
pub mod generate;
pub mod permission_sets;
pub mod state;

use std::time::Instant;

use serde_json::{Value, json};

use crate::errors::WireError;
use crate::server::router::Ctx;
use crate::util::{hash_str, hash_words};
use crate::world::{Instance, World};

pub use state::SsoState;

/// The model's `MaxResults` maximum for every sso-admin list (1..=100).
pub const MAX_RESULTS: usize = 100;

/// The bucket every sso-admin API of an instance draws from. AWS documents
/// one collective rate for the IAM Identity Center APIs (20 requests/s), so
/// these APIs share it whatever `--quota-model` says about the Identity Store.
const SSO_BUCKET: &str = "sso:*";

/// Takes one token from `inst`'s collective `sso:` bucket.
pub fn charge(world: &World, inst: &Instance) -> Result<(), WireError> {
    world
        .quotas
        .acquire(&format!("{}/sso", inst.arn), SSO_BUCKET, Instant::now())
        .map_err(WireError::throttling)
}

/// Serves the sso-admin operations of this module; `None` for others.
pub fn handle(ctx: &Ctx<'_>, op: &str, body: &Value) -> Option<Result<Value, WireError>> {
    let f: fn(&Call<'_>, &Value) -> Result<Value, WireError> = match op {
        "CreatePermissionSet" => permission_sets::create,
        "DescribePermissionSet" => permission_sets::describe,
        "ListPermissionSets" => permission_sets::list,
        "AttachManagedPolicyToPermissionSet" => permission_sets::attach_managed,
        "ListManagedPoliciesInPermissionSet" => permission_sets::list_managed,
        "AttachCustomerManagedPolicyReferenceToPermissionSet" => permission_sets::attach_customer,
        "ListCustomerManagedPolicyReferencesInPermissionSet" => permission_sets::list_customer,
        "PutInlinePolicyToPermissionSet" => permission_sets::put_inline,
        "GetInlinePolicyForPermissionSet" => permission_sets::get_inline,
        "PutPermissionsBoundaryToPermissionSet" => permission_sets::put_boundary,
        "GetPermissionsBoundaryForPermissionSet" => permission_sets::get_boundary,
        "ProvisionPermissionSet" => assignments::provision,
        "DescribePermissionSetProvisioningStatus" => assignments::describe_provisioning,
        "ListAccountsForProvisionedPermissionSet" => assignments::list_accounts_for_ps,
        "ListPermissionSetsProvisionedToAccount" => assignments::list_ps_for_account,
        "CreateAccountAssignment" => assignments::create,
        "DescribeAccountAssignmentCreationStatus" => assignments::describe_creation,
        "DeleteAccountAssignment" => assignments::delete,
        "DescribeAccountAssignmentDeletionStatus" => assignments::describe_deletion,
        "ListAccountAssignments" => assignments::list,
        "ListAccountAssignmentsForPrincipal" => assignments::list_for_principal,
        "CreateApplication" => applications::create,
        "ListApplications" => applications::list,
        "CreateApplicationAssignment" => applications::assign,
        "ListApplicationAssignments" => applications::list_assignments,
        _ => return None,
    };
    Some(Call::begin(ctx, op, body).and_then(|call| f(&call, body)))
}

/// One authorized, quota-charged call on an instance.
pub struct Call<'a> {
    pub ctx: &'a Ctx<'a>,
    pub op: &'a str,
    pub inst: &'a Instance,
}

/// AWS's message for a missing required member.
pub fn missing(member: &str) -> WireError {
    WireError::validation(format!(
        "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
    ))
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// A required string member.
pub fn required<'b>(body: &'b Value, member: &str) -> Result<&'b str, WireError> {
    body.get(member)
        .and_then(Value::as_str)
        .ok_or_else(|| missing(&lower_first(member)))
}

/// A constraint failure on `member`, in AWS's validation wording.
pub fn invalid(member: &str, value: &str, constraint: &str) -> WireError {
    WireError::validation(format!(
        "1 validation error detected: Value '{value}' at '{}' failed to satisfy constraint: {constraint}",
        lower_first(member)
    ))
}

/// A 12-digit account ID member.
pub fn account_arg<'b>(body: &'b Value, member: &str) -> Result<&'b str, WireError> {
    let id = required(body, member)?;
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            member,
            id,
            "Member must satisfy regular expression pattern: \\d{12}",
        ));
    }
    Ok(id)
}

impl<'a> Call<'a> {
    /// Finds the instance, authorizes `sso:<op>` on it, charges the quota.
    fn begin(ctx: &'a Ctx<'a>, op: &'a str, body: &Value) -> Result<Self, WireError> {
        // Application assignment calls name the application, not the instance.
        let by_application = matches!(
            op,
            "ListApplicationAssignments" | "CreateApplicationAssignment"
        );
        let (arn, resource) = if by_application {
            let app = applications::app_arg(body)?;
            (applications::instance_of(app), app.to_owned())
        } else {
            let arn = required(body, "InstanceArn")?;
            (arn.to_owned(), arn.to_owned())
        };
        let arn = arn.as_str();
        if !arn.starts_with("arn:aws:sso:::instance/") {
            return Err(invalid(
                "InstanceArn",
                arn,
                "Member must satisfy regular expression pattern: arn:aws(-[a-z]{1,5}){0,3}:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}",
            ));
        }
        if let Some(n) = body
            .get("MaxResults")
            .and_then(Value::as_i64)
            .filter(|n| !(1..=100).contains(n))
        {
            return Err(WireError::validation(format!(
                "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100"
            )));
        }
        let world = ctx.world;
        world.authorize(&ctx.caller, &format!("sso:{op}"), &resource, ctx.protocol)?;
        // AWS does not say which error an instance the caller cannot see
        // gets; fake-aws answers as for a missing resource (the stricter:
        // nothing about another account's instance leaks).
        let inst = world
            .instance_by_arn(arn)
            .filter(|i| world.sees_instance(&ctx.caller.account, i))
            .ok_or_else(|| WireError::sso_not_found(format!("Instance {arn} does not exist.")))?;
        charge(world, inst)?;
        if !inst.organization && !op.contains("Application") {
            // Account instances have applications but no permission sets or
            // account assignments (AWS: "not supported for account instances");
            // AWS's exact error is undocumented, the stricter is a
            // ValidationException for every such call.
            return Err(WireError::validation(
                "The operation is not supported for this Identity Center instance. Account instances do not support permission sets or AWS account access.",
            ));
        }
        Ok(Self { ctx, op, inst })
    }

    /// Authorizes the action on a further resource (permission set, account).
    pub fn authorize(&self, resource: &str) -> Result<(), WireError> {
        self.ctx.world.authorize(
            &self.ctx.caller,
            &format!("sso:{}", self.op),
            resource,
            self.ctx.protocol,
        )
    }

    /// AWS: Identity Center's delegated administrator cannot manage
    /// assignments in the management account nor permission sets
    /// provisioned there; only the management account itself can.
    pub fn guard_management(
        &self,
        account: Option<&str>,
        ps: Option<&str>,
    ) -> Result<(), WireError> {
        let management = &self.ctx.world.organization.management;
        if self.ctx.caller.account == *management {
            return Ok(());
        }
        let on_management = account == Some(management.as_str())
            || ps.is_some_and(|p| {
                self.state()
                    .provisioned
                    .contains_key(&(p.to_owned(), management.clone()))
            });
        if on_management {
            return Err(WireError::new(
                400,
                "AccessDeniedException",
                "The delegated administrator cannot manage permission sets provisioned in the management account or assignments in it.",
            ));
        }
        Ok(())
    }

    pub fn state(&self) -> std::sync::MutexGuard<'_, SsoState> {
        self.inst.sso.lock().expect("sso lock")
    }

    pub fn now(&self) -> u64 {
        self.ctx.world.now()
    }

    /// One page of `items` and the `NextToken` of the next. Tokens are bound
    /// to the operation and its parameters: reusing one elsewhere is a
    /// `ValidationException` (stricter than documented).
    pub fn page<T: Clone>(
        &self,
        body: &Value,
        binding: &[&str],
        items: &[T],
    ) -> Result<(Vec<T>, Option<String>), WireError> {
        let limit = body
            .get("MaxResults")
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(MAX_RESULTS);
        let mut words = vec![hash_str(self.op), hash_str(&self.inst.arn)];
        words.extend(binding.iter().map(|b| hash_str(b)));
        let tag = format!("{:016x}", hash_words(&words));
        let start = match body.get("NextToken").and_then(Value::as_str) {
            None => 0,
            Some(t) => t
                .split_once('_')
                .filter(|(h, _)| *h == tag)
                .and_then(|(_, n)| n.parse::<usize>().ok())
                .filter(|n| *n <= items.len())
                .ok_or_else(|| WireError::validation("The NextToken is not valid."))?,
        };
        let end = (start + limit).min(items.len());
        let next = (end < items.len()).then(|| format!("{tag}_{end}"));
        Ok((items[start..end].to_vec(), next))
    }
}

/// `{ key: items, NextToken? }`.
pub fn page_json(key: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut out = serde_json::Map::new();
    out.insert(key.to_owned(), Value::Array(items));
    let mut out = Value::Object(out);
    if let Some(t) = next {
        out["NextToken"] = json!(t);
    }
    out
}
