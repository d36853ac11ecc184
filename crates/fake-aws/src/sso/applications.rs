//! Applications of an instance (`CreateApplication`, `ListApplications`) and
//! who is assigned to them (`CreateApplicationAssignment`,
//! `ListApplicationAssignments`). Account instances have applications too.

use serde_json::{Value, json};

use super::{Call, invalid, page_json, required};
use crate::errors::WireError;
use crate::world::Instance;

/// The model's `ApplicationList` holds at most 50 applications, so a page
/// is at most 50 whatever `MaxResults` (1..=100) asks.
const MAX_APPLICATIONS_PAGE: u64 = 50;

/// The `ApplicationArn` member, well-formed.
pub fn app_arg(body: &Value) -> Result<&str, WireError> {
    let arn = required(body, "ApplicationArn")?;
    let ok = arn
        .strip_prefix("arn:aws:sso::")
        .and_then(|r| r.split_once(":application/"))
        .is_some_and(|(account, rest)| {
            account.len() == 12
                && rest
                    .split_once("/apl-")
                    .is_some_and(|(ins, apl)| ins.starts_with("ssoins-") && apl.len() == 16)
        });
    if !ok {
        return Err(invalid(
            "ApplicationArn",
            arn,
            "Member must satisfy regular expression pattern: arn:aws(-[a-z]{1,5}){0,3}:sso::\\d{12}:application/(sso)?ins-[a-zA-Z0-9-.]{16}/apl-[a-zA-Z0-9]{16}",
        ));
    }
    Ok(arn)
}

/// The instance ARN an application ARN belongs to.
pub fn instance_of(app: &str) -> String {
    let ins = app
        .split_once(":application/")
        .and_then(|(_, r)| r.split_once('/'))
        .map_or("", |(i, _)| i);
    format!("arn:aws:sso:::instance/{ins}")
}

/// An application as `ListApplications` shows it (enabled).
pub fn application_json(inst: &Instance, arn: &str, provider: &str, name: &str, now: u64) -> Value {
    json!({
        "ApplicationArn": arn,
        "ApplicationProviderArn": provider,
        "Name": name,
        "ApplicationAccount": inst.owner,
        "InstanceArn": inst.arn,
        "IdentityStoreArn": inst.store_arn(),
        "Status": "ENABLED",
        "CreatedDate": now,
        "CreatedFrom": inst.home_region,
    })
}

pub fn create(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let provider = required(body, "ApplicationProviderArn")?;
    if !provider.starts_with("arn:aws:sso::aws:applicationProvider/") {
        return Err(invalid(
            "ApplicationProviderArn",
            provider,
            "Member must satisfy regular expression pattern: arn:aws(-[a-z]{1,5}){0,3}:sso::aws:applicationProvider/[a-zA-Z0-9-/]+",
        ));
    }
    let name = required(body, "Name")?;
    if name.is_empty() || name.chars().count() > 100 {
        return Err(invalid(
            "Name",
            name,
            "Member must have length between 1 and 100",
        ));
    }
    let status = body
        .get("Status")
        .and_then(Value::as_str)
        .unwrap_or("ENABLED");
    if !matches!(status, "ENABLED" | "DISABLED") {
        return Err(invalid(
            "Status",
            status,
            "Member must satisfy enum value set: [ENABLED, DISABLED]",
        ));
    }
    let inst = call.inst;
    let ins = inst.arn.rsplit('/').next().unwrap_or_default();
    let now = call.now();
    let mut st = call.state();
    let suffix = st.next_suffix(&inst.arn);
    let arn = format!("arn:aws:sso::{}:application/{ins}/apl-{suffix}", inst.owner);
    let mut app = application_json(inst, &arn, provider, name, now);
    app["Status"] = json!(status);
    if let Some(d) = body.get("Description").and_then(Value::as_str) {
        app["Description"] = json!(d);
    }
    if let Some(p) = body.get("PortalOptions") {
        app["PortalOptions"] = p.clone();
    }
    st.applications.insert(arn.clone(), app);
    Ok(json!({
        "ApplicationArn": arn,
        "InstanceArn": inst.arn,
        "IdentityStoreArn": inst.store_arn(),
    }))
}

pub fn list(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let filter = body.get("Filter");
    let account = filter
        .and_then(|f| f.get("ApplicationAccount"))
        .and_then(Value::as_str);
    let provider = filter
        .and_then(|f| f.get("ApplicationProvider"))
        .and_then(Value::as_str);
    let all: Vec<Value> = call
        .state()
        .applications
        .values()
        .filter(|a| account.is_none_or(|x| a["ApplicationAccount"] == x))
        .filter(|a| provider.is_none_or(|x| a["ApplicationProviderArn"] == x))
        .cloned()
        .collect();
    let mut capped = body.clone();
    let asked = body
        .get("MaxResults")
        .and_then(Value::as_u64)
        .unwrap_or(MAX_APPLICATIONS_PAGE);
    capped["MaxResults"] = json!(asked.min(MAX_APPLICATIONS_PAGE));
    let (page, next) = call.page(
        &capped,
        &[account.unwrap_or(""), provider.unwrap_or("")],
        &all,
    )?;
    Ok(page_json("Applications", page, next))
}

fn existing_app(call: &Call<'_>, body: &Value) -> Result<String, WireError> {
    let arn = app_arg(body)?;
    if call.state().applications.contains_key(arn) {
        Ok(arn.to_owned())
    } else {
        Err(WireError::sso_not_found(format!(
            "Application {arn} does not exist."
        )))
    }
}

pub fn assign(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let app = existing_app(call, body)?;
    let ptype = required(body, "PrincipalType")?;
    let pid = required(body, "PrincipalId")?;
    let exists = {
        let dir = call.inst.directory.read().expect("directory lock");
        match ptype {
            "USER" => dir.find_user(pid).is_some(),
            "GROUP" => dir.find_group(pid).is_some(),
            other => {
                return Err(invalid(
                    "PrincipalType",
                    other,
                    "Member must satisfy enum value set: [USER, GROUP]",
                ));
            }
        }
    };
    if !exists {
        return Err(WireError::sso_not_found(format!(
            "The {} {pid} does not exist.",
            ptype.to_ascii_lowercase()
        )));
    }
    // Assigning twice is undocumented; fake-aws refuses it (the stricter).
    let fresh = call
        .state()
        .app_assignments
        .insert((app, ptype.to_owned(), pid.to_owned()));
    if !fresh {
        return Err(WireError::new(
            400,
            "ConflictException",
            "The principal is already assigned to the application.",
        ));
    }
    Ok(json!({}))
}

pub fn list_assignments(call: &Call<'_>, body: &Value) -> Result<Value, WireError> {
    let app = existing_app(call, body)?;
    let all: Vec<Value> = call
        .state()
        .app_assignments
        .iter()
        .filter(|(a, _, _)| *a == app)
        .map(|(a, t, p)| json!({ "ApplicationArn": a, "PrincipalType": t, "PrincipalId": p }))
        .collect();
    let (page, next) = call.page(body, &[&app], &all)?;
    Ok(page_json("ApplicationAssignments", page, next))
}
