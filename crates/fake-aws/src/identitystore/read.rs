//! Identity Store reads: paginated lists (O(page) by position) with the
//! filters AWS accepts, and describes.

use serde_json::{Value, json};

use super::{max_results, paging, render, required_str};
use crate::directory::Directory;
use crate::errors::WireError;
use crate::server::router::Ctx;
use crate::world::Instance;

/// The single `Filters` entry of a list request, checked against the allowed path.
fn filter<'a>(body: &'a Value, allowed: &str) -> Result<Option<&'a str>, WireError> {
    let Some(filters) = body.get("Filters").and_then(Value::as_array) else {
        return Ok(None);
    };
    match filters.as_slice() {
        [] => Ok(None),
        [f] => {
            let path = f
                .get("AttributePath")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !path.eq_ignore_ascii_case(allowed) {
                return Err(WireError::validation(format!(
                    "AttributePath {path} is not supported; use {allowed}"
                )));
            }
            Ok(f.get("AttributeValue").and_then(Value::as_str))
        }
        _ => Err(WireError::validation("Only one filter is supported")),
    }
}

fn start(ctx: &Ctx<'_>, bind: u64, body: &Value) -> Result<usize, WireError> {
    match body.get("NextToken").and_then(Value::as_str) {
        None => Ok(0),
        Some(t) => paging::decode(ctx.world.token_key, bind, t),
    }
}

fn page_json(ctx: &Ctx<'_>, key: &str, items: Vec<Value>, bind: u64, next: Option<usize>) -> Value {
    let mut out = serde_json::Map::new();
    out.insert(key.to_owned(), Value::Array(items));
    let mut out = Value::Object(out);
    if let Some(n) = next {
        out["NextToken"] = json!(paging::encode(ctx.world.token_key, bind, n));
    }
    out
}

fn user_not_found(id: &str) -> WireError {
    WireError::not_found("USER", id, format!("User {id} not found."))
}

/// The request's `Extensions`: names as AWS validates them (1–10, each
/// `aws:identitystore:` and 1–20 lowercase letters; only `enterprise` exists).
fn extensions(body: &Value) -> Result<Vec<&str>, WireError> {
    let Some(list) = body.get("Extensions") else {
        return Ok(Vec::new());
    };
    let names: Vec<&str> = list
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if names.is_empty() || names.len() > 10 {
        return Err(WireError::validation(
            "Extensions must contain between 1 and 10 items",
        ));
    }
    for n in &names {
        if *n != crate::directory::generate::ENTERPRISE {
            return Err(WireError::validation(format!(
                "Extension {n} is not supported"
            )));
        }
    }
    Ok(names)
}

fn group_not_found(id: &str) -> WireError {
    WireError::not_found("GROUP", id, format!("Group {id} not found."))
}

pub fn handle(ctx: &Ctx<'_>, inst: &Instance, op: &str, body: &Value) -> Result<Value, WireError> {
    let store = inst.store_id.as_str();
    let limit = max_results(body)?;
    let dir = inst.directory.read().expect("directory lock");
    match op {
        "ListUsers" => {
            let name = filter(body, "UserName")?;
            let bind = paging::binding(op, store, name.unwrap_or_default());
            let (page, next) = dir.users_page(start(ctx, bind, body)?, limit, name);
            let ext = extensions(body)?;
            let items = page
                .into_iter()
                .filter_map(|i| render::user(&dir, i, store, &ext))
                .collect();
            Ok(page_json(ctx, "Users", items, bind, next))
        }
        "ListGroups" => {
            let name = filter(body, "DisplayName")?;
            let bind = paging::binding(op, store, name.unwrap_or_default());
            let (page, next) = dir.groups_page(start(ctx, bind, body)?, limit, name);
            let items = page
                .into_iter()
                .filter_map(|i| render::group(&dir, i, store))
                .collect();
            Ok(page_json(ctx, "Groups", items, bind, next))
        }
        "ListGroupMemberships" => {
            let gid = required_str(body, "GroupId")?;
            let g = dir.find_group(gid).ok_or_else(|| group_not_found(gid))?;
            let bind = paging::binding(op, store, gid);
            let (page, next) = dir.group_members_page(g, start(ctx, bind, body)?, limit);
            let items = page
                .into_iter()
                .filter_map(|m| render::membership(&dir, m, store))
                .collect();
            Ok(page_json(ctx, "GroupMemberships", items, bind, next))
        }
        "ListGroupMembershipsForMember" => {
            let uid = body
                .get("MemberId")
                .and_then(|m| m.get("UserId"))
                .and_then(Value::as_str)
                .ok_or_else(|| WireError::validation("MemberId.UserId is required"))?;
            let u = dir.find_user(uid).ok_or_else(|| user_not_found(uid))?;
            let bind = paging::binding(op, store, uid);
            let (page, next) = dir.user_memberships_page(u, start(ctx, bind, body)?, limit);
            let items = page
                .into_iter()
                .filter_map(|m| render::membership(&dir, m, store))
                .collect();
            Ok(page_json(ctx, "GroupMemberships", items, bind, next))
        }
        "DescribeUser" => {
            let uid = required_str(body, "UserId")?;
            let ext = extensions(body)?;
            dir.find_user(uid)
                .and_then(|u| render::user(&dir, u, store, &ext))
                .ok_or_else(|| user_not_found(uid))
        }
        "DescribeGroup" => {
            let gid = required_str(body, "GroupId")?;
            dir.find_group(gid)
                .and_then(|g| render::group(&dir, g, store))
                .ok_or_else(|| group_not_found(gid))
        }
        "GetUserId" | "GetGroupId" | "GetGroupMembershipId" => lookup(&dir, op, body, store),
        _ => {
            let mid = required_str(body, "MembershipId")?;
            dir.find_membership(mid)
                .and_then(|m| render::membership(&dir, m, store))
                .ok_or_else(|| {
                    WireError::not_found(
                        "GROUP_MEMBERSHIP",
                        mid,
                        format!("Membership {mid} not found."),
                    )
                })
        }
    }
}

/// `GetUserId` / `GetGroupId` by unique attribute or external ID, and `GetGroupMembershipId`.
fn lookup(dir: &Directory, op: &str, body: &Value, store: &str) -> Result<Value, WireError> {
    if op == "GetGroupMembershipId" {
        let gid = required_str(body, "GroupId")?;
        let g = dir.find_group(gid).ok_or_else(|| group_not_found(gid))?;
        let uid = body
            .pointer("/MemberId/UserId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let u = dir.find_user(uid).ok_or_else(|| user_not_found(uid))?;
        let m = dir.membership_of(g, u).ok_or_else(|| {
            WireError::not_found("GROUP_MEMBERSHIP", gid, "Membership not found.")
        })?;
        return Ok(json!({"MembershipId": dir.membership_id(m), "IdentityStoreId": store}));
    }
    let alt = body
        .get("AlternateIdentifier")
        .ok_or_else(|| WireError::validation("AlternateIdentifier is required"))?;
    let users = op == "GetUserId";
    let found = if let Some(u) = alt.get("UniqueAttribute") {
        let path = u
            .get("AttributePath")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let value = u
            .get("AttributeValue")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match (users, path.to_ascii_lowercase().as_str()) {
            (true, "username") => dir.users_page(0, 1, Some(value)).0.first().copied(),
            (true, "emails.value") => dir.find_user_by(|u| {
                u.attrs
                    .get("Emails")
                    .and_then(Value::as_array)
                    .is_some_and(|es| {
                        es.iter().any(|e| {
                            e.get("Value")
                                .and_then(Value::as_str)
                                .is_some_and(|v| v.eq_ignore_ascii_case(value))
                        })
                    })
            }),
            (false, "displayname") => dir.groups_page(0, 1, Some(value)).0.first().copied(),
            _ => {
                return Err(WireError::validation(format!(
                    "The attribute {path} is not a unique attribute"
                )));
            }
        }
    } else if let Some(x) = alt.get("ExternalId") {
        let matches =
            |ids: Option<&Value>| ids.and_then(Value::as_array).is_some_and(|a| a.contains(x));
        if users {
            dir.find_user_by(|u| matches(u.attrs.get("ExternalIds")))
        } else {
            dir.find_group_by(|g| matches(g.attrs.get("ExternalIds")))
        }
    } else {
        return Err(WireError::validation(
            "AlternateIdentifier needs UniqueAttribute or ExternalId",
        ));
    };
    match (found, users) {
        (Some(u), true) => Ok(json!({"UserId": dir.user_id(u), "IdentityStoreId": store})),
        (Some(g), false) => Ok(json!({"GroupId": dir.group_id(g), "IdentityStoreId": store})),
        (None, true) => Err(WireError::not_found("USER", "", "USER not found.")),
        (None, false) => Err(WireError::not_found("GROUP", "", "GROUP not found.")),
    }
}
