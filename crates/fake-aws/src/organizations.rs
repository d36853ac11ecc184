//! AWS Organizations (JSON 1.1, `AWSOrganizationsV20161128.*`):
//! `DescribeOrganization`, `ListAccounts`, `DescribeAccount`,
//! `RegisterDelegatedAdministrator`, `ListDelegatedAdministrators`, over one
//! organization: the management account, member accounts, and delegated
//! administrators per service principal.

use std::sync::Mutex;

use serde_json::{Value, json};

use crate::errors::WireError;
use crate::server::router::Ctx;
use crate::util::hash_words;

/// One account of the organization.
#[derive(Debug, Clone)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    pub joined: u64,
}

impl OrgAccount {
    pub fn new(id: &str, name: &str, joined: u64) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            joined,
        }
    }
}

/// `(account, service principal, delegation date)`.
type Delegation = (String, String, u64);

#[derive(Debug)]
pub struct Organization {
    pub id: String,
    pub management: String,
    /// The management account first, then members in joining order.
    accounts: Vec<OrgAccount>,
    delegated: Mutex<Vec<Delegation>>,
}

impl Organization {
    pub fn new(seed: u64, management: &str, now: u64) -> Self {
        let id = format!("o-{:010x}", hash_words(&[seed, 0x0A6]) & 0xFF_FFFF_FFFF);
        Self {
            id,
            management: management.to_owned(),
            accounts: vec![OrgAccount::new(
                management,
                "management",
                now.saturating_sub(800 * 86_400),
            )],
            delegated: Mutex::new(Vec::new()),
        }
    }

    pub fn join(&mut self, account: OrgAccount) {
        self.accounts.push(account);
    }

    pub fn has_account(&self, id: &str) -> bool {
        self.accounts.iter().any(|a| a.id == id)
    }

    fn account(&self, id: &str) -> Option<&OrgAccount> {
        self.accounts.iter().find(|a| a.id == id)
    }

    pub fn register_delegated_admin(&self, account: &str, service: &str, now: u64) {
        self.delegated.lock().expect("org lock").push((
            account.to_owned(),
            service.to_owned(),
            now,
        ));
    }

    pub fn is_delegated_admin(&self, account: &str, service: &str) -> bool {
        self.delegated
            .lock()
            .expect("org lock")
            .iter()
            .any(|(a, s, _)| a == account && s == service)
    }

    fn is_any_delegated_admin(&self, account: &str) -> bool {
        self.delegated
            .lock()
            .expect("org lock")
            .iter()
            .any(|(a, _, _)| a == account)
    }

    fn account_json(&self, a: &OrgAccount) -> Value {
        json!({
            "Id": a.id,
            "Arn": format!("arn:aws:organizations::{}:account/{}/{}", self.management, self.id, a.id),
            "Email": format!("aws+{}@example.com", a.name),
            "Name": a.name,
            "Status": "ACTIVE",
            "State": "ACTIVE",
            "JoinedMethod": if a.id == self.management { "CREATED" } else { "INVITED" },
            "JoinedTimestamp": a.joined,
        })
    }
}

fn not_in_use() -> WireError {
    WireError::new(
        400,
        "AWSOrganizationsNotInUseException",
        "Your account is not a member of an organization.",
    )
}

fn access_denied() -> WireError {
    WireError::new(
        400,
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
    )
}

fn account_not_found() -> WireError {
    WireError::new(
        400,
        "AccountNotFoundException",
        "You specified an account that doesn't exist.",
    )
}

fn invalid_input(reason: &str, message: &str) -> WireError {
    WireError::new(400, "InvalidInputException", message).with("Reason", reason)
}

fn account_id_arg(body: &Value) -> Result<&str, WireError> {
    let id = body
        .get("AccountId")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            invalid_input("INPUT_REQUIRED", "You must specify a value for AccountId.")
        })?;
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid_input(
            "INVALID_PATTERN",
            "You provided a value that does not match the required pattern.",
        ));
    }
    Ok(id)
}

/// `(start, limit)` of a paginated list: `MaxResults` 1..=20 (the model's bound).
fn page_args(body: &Value) -> Result<(usize, usize), WireError> {
    let limit = match body.get("MaxResults").and_then(Value::as_i64) {
        None => 20,
        Some(n) if (1..=20).contains(&n) => usize::try_from(n).unwrap_or(20),
        Some(n) if n < 1 => {
            return Err(invalid_input(
                "MIN_VALUE_EXCEEDED",
                "You provided a value that is too small for MaxResults.",
            ));
        }
        Some(_) => {
            return Err(invalid_input(
                "MAX_VALUE_EXCEEDED",
                "You provided a value that is too large for MaxResults.",
            ));
        }
    };
    let start = match body.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(t) => t
            .strip_prefix("fake-org-page-")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                invalid_input(
                    "INVALID_NEXT_TOKEN",
                    "The specified NextToken is not valid.",
                )
            })?,
    };
    Ok((start, limit))
}

fn page<T>(items: &[T], start: usize, limit: usize) -> (&[T], Option<String>) {
    let start = start.min(items.len());
    let end = (start + limit).min(items.len());
    let next = (end < items.len()).then(|| format!("fake-org-page-{end}"));
    (&items[start..end], next)
}

fn with_token(mut v: Value, next: Option<String>) -> Value {
    if let Some(t) = next {
        v["NextToken"] = json!(t);
    }
    v
}

pub fn handle(ctx: &Ctx<'_>, op: &str, body: &Value) -> Result<Value, WireError> {
    let world = ctx.world;
    let org = &world.organization;
    let caller = ctx.caller.account.as_str();
    let action = format!("organizations:{op}");
    if !matches!(
        op,
        "DescribeOrganization"
            | "ListAccounts"
            | "DescribeAccount"
            | "RegisterDelegatedAdministrator"
            | "ListDelegatedAdministrators"
    ) {
        return Err(WireError::new(
            400,
            "UnknownOperationException",
            format!("Unknown operation {op}"),
        ));
    }
    world.authorize(&ctx.caller, &action, "*", ctx.protocol)?;
    if !org.has_account(caller) {
        return Err(not_in_use());
    }
    // Everything but DescribeOrganization is for the management account or a
    // delegated administrator (AWS: "can be called only from the
    // organization's management account or by a member account that is a
    // delegated administrator"); registering is for the management account only.
    let privileged = caller == org.management || org.is_any_delegated_admin(caller);
    match op {
        "DescribeOrganization" => {
            let m = org.account(&org.management).map(|a| org.account_json(a));
            Ok(json!({"Organization": {
                "Id": org.id,
                "Arn": format!("arn:aws:organizations::{}:organization/{}", org.management, org.id),
                "FeatureSet": "ALL",
                "MasterAccountArn": m.as_ref().map(|m| m["Arn"].clone()),
                "MasterAccountId": org.management,
                "MasterAccountEmail": m.as_ref().map(|m| m["Email"].clone()),
                "AvailablePolicyTypes": [],
            }}))
        }
        _ if !privileged => Err(access_denied()),
        "ListAccounts" => {
            let (start, limit) = page_args(body)?;
            let (items, next) = page(&org.accounts, start, limit);
            let accounts: Vec<Value> = items.iter().map(|a| org.account_json(a)).collect();
            Ok(with_token(json!({ "Accounts": accounts }), next))
        }
        "DescribeAccount" => {
            let id = account_id_arg(body)?;
            let a = org.account(id).ok_or_else(account_not_found)?;
            Ok(json!({ "Account": org.account_json(a) }))
        }
        "RegisterDelegatedAdministrator" => register(ctx, body),
        _ => list_delegated(org, body),
    }
}

fn register(ctx: &Ctx<'_>, body: &Value) -> Result<Value, WireError> {
    let org = &ctx.world.organization;
    if ctx.caller.account != org.management {
        return Err(access_denied());
    }
    let id = account_id_arg(body)?;
    let service = body
        .get("ServicePrincipal")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            invalid_input(
                "INPUT_REQUIRED",
                "You must specify a value for ServicePrincipal.",
            )
        })?;
    if !org.has_account(id) {
        return Err(account_not_found());
    }
    if id == org.management {
        return Err(WireError::new(
            400,
            "ConstraintViolationException",
            "You cannot register the management account of the organization as a delegated administrator for an AWS service.",
        )
        .with("Reason", "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"));
    }
    if org.is_delegated_admin(id, service) {
        return Err(WireError::new(
            400,
            "AccountAlreadyRegisteredException",
            "The provided account is already a delegated administrator for your organization.",
        ));
    }
    org.register_delegated_admin(id, service, ctx.world.now());
    Ok(json!({}))
}

fn list_delegated(org: &Organization, body: &Value) -> Result<Value, WireError> {
    let (start, limit) = page_args(body)?;
    let filter = body.get("ServicePrincipal").and_then(Value::as_str);
    let delegated = org.delegated.lock().expect("org lock").clone();
    let mut seen: Vec<(String, u64)> = Vec::new();
    for (a, s, at) in &delegated {
        if filter.is_none_or(|f| f == s) && !seen.iter().any(|(x, _)| x == a) {
            seen.push((a.clone(), *at));
        }
    }
    let (items, next) = page(&seen, start, limit);
    let admins: Vec<Value> = items
        .iter()
        .filter_map(|(id, at)| {
            let mut v = org.account_json(org.account(id)?);
            v["DelegationEnabledDate"] = json!(at);
            Some(v)
        })
        .collect();
    Ok(with_token(
        json!({ "DelegatedAdministrators": admins }),
        next,
    ))
}
