//! Permission sets and their four kinds of policy: AWS managed,
//! customer managed references, one inline policy, one permissions boundary.

use serde_json::{Value, json};

use super::state::PermissionSet;
use super::{Call, invalid, page_json, required};
use crate::errors::WireError;

/// AWS's default quota of permission sets per instance.
const MAX_PERMISSION_SETS: usize = 2000;
/// Policies per permission set. AWS's default quota is 10 AWS managed and
/// 10 customer managed (raisable); fake-aws counts both against one 10, the
/// stricter reading.
const MAX_POLICIES: usize = 10;

fn quota_exceeded(message: &str) -> WireError {
    WireError::new(400, "ServiceQuotaExceededException", message)
}

/// The `PermissionSetArn` member: well-formed, of this instance, existing;
/// the action is also authorized on it.
pub fn ps_arg(call: &Call<'_>, body: &Value) -> Result<String, WireError> {
    let arn = required(body, "PermissionSetArn")?;
    let ins = call
        .inst
        .arn
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let ok = arn
        .strip_prefix("arn:aws:sso:::permissionSet/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(i, ps)| i.len() == 23 && ps.starts_with("ps-") && ps.len() == 19);
    if !ok {
        return Err(invalid(
            "PermissionSetArn",
            arn,
            "Member must satisfy regular expression pattern: arn:aws(-[a-z]{1,5}){0,3}:sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}",
        ));
    }
    call.authorize(arn)?;
    if !arn.contains(&format!("/{ins}/")) || call.state().find(arn).is_none() {
        return Err(WireError::sso_not_found(format!(
            "Could not find PermissionSet with PermissionSetArn {arn}."
        )));
    }
    Ok(arn.to_owned())
}

fn with_ps<T>(
    call: &Call<'_>,
    arn: &str,
    f: impl FnOnce(&mut PermissionSet) -> Result<T, WireError>,
) -> Result<T, WireError> {
    let mut st = call.state();
    let ps = st
        .permission_sets
        .get_mut(arn)
        .ok_or_else(|| WireError::sso_not_found("Permission set not found."))?;
    f(ps)
}

/// Hours of an ISO 8601 duration of hours and minutes (`PT4H`, `PT1H30M`).
fn duration_minutes(d: &str) -> Option<u64> {
    let rest = d.strip_prefix("PT")?;
    let (h, rest) = match rest.split_once('H') {
        Some((h, r)) => (h.parse::<u64>().ok()?, r),
        None => (0, rest),
    };
    let m = match rest.strip_suffix('M') {
        Some(m) => m.parse::<u64>().ok()?,
        None if rest.is_empty() => 0,
        None => return None,
    };
    Some(h * 60 + m)
}

fn optional<'b>(body: &'b Value, member: &str, max: usize) -> Result<Option<&'b str>, WireError> {
    match body.get(member).and_then(Value::as_str) {
        Some(s) if s.is_empty() || s.chars().count() > max => Err(invalid(
            member,
            s,
            &format!("Member must have length between 1 and {max}"),
        )),
        other => Ok(other),
    }
}

pub fn create(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let name = required(body, "Name")?;
    let name_ok = (1..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if !name_ok {
        return Err(invalid(
            "Name",
            name,
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length between 1 and 32",
        ));
    }
    let description = optional(body, "Description", 700)?;
    let relay_state = optional(body, "RelayState", 240)?;
    let session = body
        .get("SessionDuration")
        .and_then(Value::as_str)
        .unwrap_or("PT1H");
    // AWS: "The length of time that the application user sessions are valid
    // for", 1 to 12 hours.
    if !duration_minutes(session).is_some_and(|m| (60..=720).contains(&m)) {
        return Err(WireError::validation(format!(
            "The session duration {session} is not valid. It must be an ISO 8601 duration between PT1H and PT12H."
        )));
    }
    let now = call.now();
    let ins = call.inst.arn.rsplit('/').next().unwrap_or_default();
    let mut st = call.state();
    if st.permission_sets.values().any(|p| p.name == name) {
        return Err(WireError::new(
            400,
            "ConflictException",
            format!("PermissionSet with name {name} already exists."),
        ));
    }
    if st.permission_sets.len() >= MAX_PERMISSION_SETS {
        return Err(quota_exceeded(
            "The number of permission sets exceeds the quota for this instance.",
        ));
    }
    let arn = format!(
        "arn:aws:sso:::permissionSet/{ins}/ps-{}",
        st.next_suffix(&call.inst.arn)
    );
    let ps = PermissionSet {
        arn: arn.clone(),
        name: name.to_owned(),
        description: description.map(str::to_owned),
        relay_state: relay_state.map(str::to_owned),
        session_duration: session.to_owned(),
        created: now,
        managed: Vec::new(),
        customer: Vec::new(),
        inline: None,
        boundary: None,
        version: 1,
    };
    let out = json!({ "PermissionSet": ps.to_json() });
    st.permission_sets.insert(arn, ps);
    Ok(out)
}

pub fn describe(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arn = ps_arg(call, body)?;
    with_ps(call, &arn, |ps| {
        Ok(json!({ "PermissionSet": ps.to_json() }))
    })
}

pub fn list(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arns: Vec<String> = call.state().permission_sets.keys().cloned().collect();
    let (page, next) = call.page(body, &[], &arns)?;
    Ok(page_json(
        "PermissionSets",
        page.into_iter().map(Value::from).collect(),
        next,
    ))
}

fn managed_arn_ok(arn: &str) -> bool {
    arn.len() >= 20
        && arn
            .strip_prefix("arn:aws:iam::aws:policy/")
            .is_some_and(|rest| !rest.is_empty() && !rest.ends_with('/'))
}

pub fn attach_managed(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arn = ps_arg(call, body)?;
    call.guard_management(None, Some(&arn))?;
    let policy = required(body, "ManagedPolicyArn")?;
    if !managed_arn_ok(policy) {
        return Err(invalid(
            "ManagedPolicyArn",
            policy,
            "Member must satisfy regular expression pattern: arn:aws(-[a-z]{1,5}){0,3}:iam::aws:policy((/[A-Za-z0-9\\.,\\+@=_-]+)*)/([A-Za-z0-9\\.,\\+=@_-]+)",
        ));
    }
    with_ps(call, &arn, |ps| {
        if ps.managed.iter().any(|(_, a)| a == policy) {
            return Err(WireError::new(
                400,
                "ConflictException",
                format!("Managed policy {policy} is already attached to the permission set."),
            ));
        }
        if ps.managed.len() + ps.customer.len() >= MAX_POLICIES {
            return Err(quota_exceeded(
                "The number of policies attached to the permission set exceeds the quota.",
            ));
        }
        let name = policy.rsplit('/').next().unwrap_or_default().to_owned();
        ps.managed.push((name, policy.to_owned()));
        ps.version += 1;
        Ok(json!({}))
    })
}

pub fn list_managed(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arn = ps_arg(call, body)?;
    let all: Vec<Value> = with_ps(call, &arn, |ps| {
        Ok(ps
            .managed
            .iter()
            .map(|(n, a)| json!({ "Name": n, "Arn": a }))
            .collect())
    })?;
    let (page, next) = call.page(body, &[&arn], &all)?;
    Ok(page_json("AttachedManagedPolicies", page, next))
}

fn customer_ref(v: Option<&Value>, member: &str) -> Result<(String, String), WireError> {
    let v = v.ok_or_else(|| super::missing(member))?;
    let name = v
        .get("Name")
        .and_then(Value::as_str)
        .ok_or_else(|| super::missing(&format!("{member}.name")))?;
    if name.is_empty() || name.len() > 128 {
        return Err(invalid(
            "Name",
            name,
            "Member must have length between 1 and 128",
        ));
    }
    let path = v.get("Path").and_then(Value::as_str).unwrap_or("/");
    if !path.starts_with('/') || !path.ends_with('/') || path.len() > 512 {
        return Err(invalid(
            "Path",
            path,
            "Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
        ));
    }
    Ok((name.to_owned(), path.to_owned()))
}

pub fn attach_customer(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arn = ps_arg(call, body)?;
    call.guard_management(None, Some(&arn))?;
    let r = customer_ref(
        body.get("CustomerManagedPolicyReference"),
        "customerManagedPolicyReference",
    )?;
    with_ps(call, &arn, |ps| {
        if ps.customer.contains(&r) {
            return Err(WireError::new(
                400,
                "ConflictException",
                format!(
                    "Customer managed policy {}{} is already attached to the permission set.",
                    r.1, r.0
                ),
            ));
        }
        if ps.managed.len() + ps.customer.len() >= MAX_POLICIES {
            return Err(quota_exceeded(
                "The number of policies attached to the permission set exceeds the quota.",
            ));
        }
        ps.customer.push(r);
        ps.version += 1;
        Ok(json!({}))
    })
}

pub fn list_customer(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arn = ps_arg(call, body)?;
    let all: Vec<Value> = with_ps(call, &arn, |ps| {
        Ok(ps
            .customer
            .iter()
            .map(|(n, p)| json!({ "Name": n, "Path": p }))
            .collect())
    })?;
    let (page, next) = call.page(body, &[&arn], &all)?;
    Ok(page_json("CustomerManagedPolicyReferences", page, next))
}

pub fn put_inline(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arn = ps_arg(call, body)?;
    call.guard_management(None, Some(&arn))?;
    let doc = required(body, "InlinePolicy")?;
    if doc.is_empty() || doc.len() > 32_768 {
        return Err(invalid(
            "InlinePolicy",
            "***",
            "Member must have length between 1 and 32768",
        ));
    }
    if serde_json::from_str::<Value>(doc).map_or(true, |v| !v.is_object()) {
        return Err(WireError::validation(
            "The inline policy is not valid JSON: the policy document is malformed.",
        ));
    }
    with_ps(call, &arn, |ps| {
        ps.inline = Some(doc.to_owned());
        ps.version += 1;
        Ok(json!({}))
    })
}

pub fn get_inline(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arn = ps_arg(call, body)?;
    // A permission set without an inline policy answers an empty string.
    with_ps(call, &arn, |ps| {
        Ok(json!({ "InlinePolicy": ps.inline.clone().unwrap_or_default() }))
    })
}

pub fn put_boundary(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arn = ps_arg(call, body)?;
    call.guard_management(None, Some(&arn))?;
    let b = body
        .get("PermissionsBoundary")
        .ok_or_else(|| super::missing("permissionsBoundary"))?;
    let managed = b.get("ManagedPolicyArn").and_then(Value::as_str);
    let customer = b.get("CustomerManagedPolicyReference");
    let boundary = match (managed, customer) {
        (Some(m), None) if managed_arn_ok(m) => json!({ "ManagedPolicyArn": m }),
        (None, Some(_)) => {
            let (name, path) = customer_ref(customer, "customerManagedPolicyReference")?;
            json!({ "CustomerManagedPolicyReference": { "Name": name, "Path": path } })
        }
        _ => {
            return Err(WireError::validation(
                "The permissions boundary must have exactly one of ManagedPolicyArn or CustomerManagedPolicyReference.",
            ));
        }
    };
    with_ps(call, &arn, |ps| {
        ps.boundary = Some(boundary);
        ps.version += 1;
        Ok(json!({}))
    })
}

pub fn get_boundary(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let arn = ps_arg(call, body)?;
    with_ps(call, &arn, |ps| match &ps.boundary {
        Some(b) => Ok(json!({ "PermissionsBoundary": b })),
        // AWS answers a permission set without a boundary with a
        // ResourceNotFoundException.
        None => Err(WireError::sso_not_found(format!(
            "Permissions boundary not found for permission set {}.",
            ps.arn
        ))),
    })
}

#[cfg(test)]
mod tests {
    use super::duration_minutes;

    #[test]
    fn session_durations_parse_as_aws_writes_them() {
        assert_eq!(duration_minutes("PT1H"), Some(60));
        assert_eq!(duration_minutes("PT12H"), Some(720));
        assert_eq!(duration_minutes("PT1H30M"), Some(90));
        assert_eq!(duration_minutes("PT90M"), Some(90));
        for bad in ["", "PT", "P1D", "PT1X", "1H", "PTH"] {
            assert!(
                duration_minutes(bad).is_none_or(|m| m == 0),
                "{bad} must not be a valid duration"
            );
        }
    }
}
