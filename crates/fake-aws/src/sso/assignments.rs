//! Provisioning permission sets to accounts and assigning them to users and
//! groups, with AWS's asynchronous status shapes.
//!
//! Writes take effect at once, but (as on AWS) the write's answer says
//! `IN_PROGRESS` and only `Describe…Status` reports the outcome, so clients
//! must poll as they would against AWS. A principal missing from the
//! directory or an account outside the organization makes the request
//! `FAILED` (AWS reports these asynchronously too).

use serde_json::{Value, json};

use super::permission_sets::ps_arg;
use super::{Call, account_arg, invalid, page_json, required};
use crate::errors::WireError;

fn status_json(call: &Call<'_>, kind: &str, id_member: &str, mut status: Value) -> Value {
    let id = call.state().next_request_id(&call.inst.arn);
    status["RequestId"] = json!(id);
    status["CreatedDate"] = json!(call.now());
    let mut pending = status.clone();
    if status.get("FailureReason").is_none() {
        status["Status"] = json!("SUCCEEDED");
    } else {
        status["Status"] = json!("FAILED");
        pending.as_object_mut().map(|o| o.remove("FailureReason"));
    }
    pending["Status"] = json!("IN_PROGRESS");
    call.state().requests.insert(format!("{kind}:{id}"), status);
    json!({ id_member: pending })
}

fn describe_status(
    call: &Call<'_>,
    body: &Value,
    kind: &str,
    id_member: &str,
    out_member: &str,
) -> Result<Value, WireError> {
    let id = required(body, id_member)?;
    let st = call.state();
    let status = st
        .requests
        .get(&format!("{kind}:{id}"))
        .ok_or_else(|| WireError::sso_not_found(format!("Request {id} does not exist.")))?;
    Ok(json!({ out_member: status }))
}

pub fn provision(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let ps = ps_arg(call, body)?;
    let target_type = required(body, "TargetType")?;
    let mut status = json!({ "PermissionSetArn": ps });
    match target_type {
        "AWS_ACCOUNT" => {
            let account = account_arg(body, "TargetId")?;
            call.authorize(&format!("arn:aws:sso:::account/{account}"))?;
            call.guard_management(Some(account), None)?;
            status["AccountId"] = json!(account);
            if call.ctx.world.organization.has_account(account) {
                call.state().provision(&ps, account);
            } else {
                status["FailureReason"] = json!(format!(
                    "Account {account} is not a member of the organization."
                ));
            }
        }
        "ALL_PROVISIONED_ACCOUNTS" => {
            call.guard_management(None, Some(&ps))?;
            let mut st = call.state();
            let accounts: Vec<String> = st
                .provisioned
                .keys()
                .filter(|(p, _)| *p == ps)
                .map(|(_, a)| a.clone())
                .collect();
            for a in accounts {
                st.provision(&ps, &a);
            }
        }
        other => {
            return Err(invalid(
                "TargetType",
                other,
                "Member must satisfy enum value set: [AWS_ACCOUNT, ALL_PROVISIONED_ACCOUNTS]",
            ));
        }
    }
    Ok(status_json(
        call,
        "provision",
        "PermissionSetProvisioningStatus",
        status,
    ))
}

pub fn describe_provisioning(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    describe_status(
        call,
        body,
        "provision",
        "ProvisionPermissionSetRequestId",
        "PermissionSetProvisioningStatus",
    )
}

/// `Some(true)`: only up to date; `Some(false)`: only stale; `None`: all.
fn provisioning_filter(body: &Value) -> Result<Option<bool>, WireError> {
    match body.get("ProvisioningStatus").and_then(Value::as_str) {
        None => Ok(None),
        Some("LATEST_PERMISSION_SET_PROVISIONED") => Ok(Some(true)),
        Some("LATEST_PERMISSION_SET_NOT_PROVISIONED") => Ok(Some(false)),
        Some(other) => Err(invalid(
            "ProvisioningStatus",
            other,
            "Member must satisfy enum value set: [LATEST_PERMISSION_SET_PROVISIONED, LATEST_PERMISSION_SET_NOT_PROVISIONED]",
        )),
    }
}

fn provisioned_pairs(call: &Call<'_>, latest: Option<bool>) -> Vec<(String, String)> {
    let st = call.state();
    st.provisioned
        .iter()
        .filter(|((ps, _), v)| {
            let current = st.find(ps).map(|p| p.version) == Some(**v);
            latest.is_none_or(|want| want == current)
        })
        .map(|(k, _)| k.clone())
        .collect()
}

pub fn list_accounts_for_ps(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let ps = ps_arg(call, body)?;
    let latest = provisioning_filter(body)?;
    let accounts: Vec<Value> = provisioned_pairs(call, latest)
        .into_iter()
        .filter(|(p, _)| *p == ps)
        .map(|(_, a)| Value::from(a))
        .collect();
    let filter = body
        .get("ProvisioningStatus")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (page, next) = call.page(body, &[&ps, filter], &accounts)?;
    Ok(page_json("AccountIds", page, next))
}

pub fn list_ps_for_account(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let account = account_arg(body, "AccountId")?;
    call.authorize(&format!("arn:aws:sso:::account/{account}"))?;
    let latest = provisioning_filter(body)?;
    let sets: Vec<Value> = provisioned_pairs(call, latest)
        .into_iter()
        .filter(|(_, a)| a == account)
        .map(|(p, _)| Value::from(p))
        .collect();
    let filter = body
        .get("ProvisioningStatus")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (page, next) = call.page(body, &[account, filter], &sets)?;
    Ok(page_json("PermissionSets", page, next))
}

/// `(account, principal type, principal ID)` of a create/delete request.
fn assignment_args<'b>(
    call: &Call<'_>,
    body: &'b Value,
) -> Result<(&'b str, &'b str, &'b str), WireError> {
    let account = account_arg(body, "TargetId")?;
    let target_type = required(body, "TargetType")?;
    if target_type != "AWS_ACCOUNT" {
        return Err(invalid(
            "TargetType",
            target_type,
            "Member must satisfy enum value set: [AWS_ACCOUNT]",
        ));
    }
    let (ptype, pid) = principal_args(body)?;
    call.authorize(&format!("arn:aws:sso:::account/{account}"))?;
    Ok((account, ptype, pid))
}

fn principal_args(body: &Value) -> Result<(&str, &str), WireError> {
    let ptype = required(body, "PrincipalType")?;
    if !matches!(ptype, "USER" | "GROUP") {
        return Err(invalid(
            "PrincipalType",
            ptype,
            "Member must satisfy enum value set: [USER, GROUP]",
        ));
    }
    let pid = required(body, "PrincipalId")?;
    if pid.is_empty() || pid.len() > 47 {
        return Err(invalid(
            "PrincipalId",
            pid,
            "Member must have length between 1 and 47",
        ));
    }
    Ok((ptype, pid))
}

fn assignment_status(ps: &str, account: &str, ptype: &str, pid: &str) -> Value {
    json!({
        "TargetId": account,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": ps,
        "PrincipalType": ptype,
        "PrincipalId": pid,
    })
}

pub fn create(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let (account, ptype, pid) = assignment_args(call, body)?;
    let ps = ps_arg(call, body)?;
    call.guard_management(Some(account), None)?;
    let exists = {
        let dir = call.inst.directory.read().expect("directory lock");
        if ptype == "USER" {
            dir.find_user(pid).is_some()
        } else {
            dir.find_group(pid).is_some()
        }
    };
    let mut status = assignment_status(&ps, account, ptype, pid);
    if !exists {
        status["FailureReason"] = json!(format!(
            "Received a 404 status error: No {} with id {pid} exists in the identity store.",
            ptype.to_ascii_lowercase()
        ));
    } else if !call.ctx.world.organization.has_account(account) {
        status["FailureReason"] = json!(format!(
            "Account {account} is not a member of the organization."
        ));
    } else {
        let mut st = call.state();
        st.assignments.insert((
            account.to_owned(),
            ps.clone(),
            ptype.to_owned(),
            pid.to_owned(),
        ));
        // As on AWS, assigning provisions the permission set to the account.
        if !st
            .provisioned
            .contains_key(&(ps.clone(), account.to_owned()))
        {
            st.provision(&ps, account);
        }
    }
    Ok(status_json(
        call,
        "create",
        "AccountAssignmentCreationStatus",
        status,
    ))
}

pub fn describe_creation(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    describe_status(
        call,
        body,
        "create",
        "AccountAssignmentCreationRequestId",
        "AccountAssignmentCreationStatus",
    )
}

pub fn delete(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let (account, ptype, pid) = assignment_args(call, body)?;
    let ps = ps_arg(call, body)?;
    call.guard_management(Some(account), None)?;
    let key = (
        account.to_owned(),
        ps.clone(),
        ptype.to_owned(),
        pid.to_owned(),
    );
    // AWS's behaviour for an assignment that does not exist is undocumented;
    // fake-aws refuses it synchronously (the stricter).
    if !call.state().assignments.remove(&key) {
        return Err(WireError::sso_not_found(
            "The specified account assignment does not exist.",
        ));
    }
    let status = assignment_status(&ps, account, ptype, pid);
    Ok(status_json(
        call,
        "delete",
        "AccountAssignmentDeletionStatus",
        status,
    ))
}

pub fn describe_deletion(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    describe_status(
        call,
        body,
        "delete",
        "AccountAssignmentDeletionRequestId",
        "AccountAssignmentDeletionStatus",
    )
}

fn assignment_json(a: &(String, String, String, String)) -> Value {
    json!({
        "AccountId": a.0,
        "PermissionSetArn": a.1,
        "PrincipalType": a.2,
        "PrincipalId": a.3,
    })
}

pub fn list(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let account = account_arg(body, "AccountId")?;
    call.authorize(&format!("arn:aws:sso:::account/{account}"))?;
    let ps = ps_arg(call, body)?;
    let all: Vec<Value> = call
        .state()
        .assignments
        .iter()
        .filter(|a| a.0 == account && a.1 == ps)
        .map(assignment_json)
        .collect();
    let (page, next) = call.page(body, &[account, &ps], &all)?;
    Ok(page_json("AccountAssignments", page, next))
}

pub fn list_for_principal(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let (ptype, pid) = principal_args(body)?;
    let only = body
        .get("Filter")
        .and_then(|f| f.get("AccountId"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let all: Vec<Value> = call
        .state()
        .assignments
        .iter()
        .filter(|a| a.2 == ptype && a.3 == pid && only.as_ref().is_none_or(|o| *o == a.0))
        .map(assignment_json)
        .collect();
    let (page, next) = call.page(body, &[ptype, pid, only.as_deref().unwrap_or("")], &all)?;
    Ok(page_json("AccountAssignments", page, next))
}
