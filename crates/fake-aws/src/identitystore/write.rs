//! Identity Store writes: create/update/delete users, groups and memberships,
//! with AWS's uniqueness conflicts and not-found errors.

use serde_json::{Map, Value, json};

use super::required_str;
use crate::directory::Directory;
use crate::errors::WireError;
use crate::util::now_epoch;
use crate::world::Instance;

const USER_ATTRS: &[&str] = &[
    "UserName",
    "Name",
    "DisplayName",
    "NickName",
    "ProfileUrl",
    "Emails",
    "Addresses",
    "PhoneNumbers",
    "UserType",
    "Title",
    "PreferredLanguage",
    "Locale",
    "Timezone",
    "Photos",
    "Website",
    "Birthdate",
    "Roles",
    "ExternalIds",
    // `{"aws:identitystore:enterprise": {...}}`: returned only when a read asks for it.
    "Extensions",
];

fn pick(body: &Value, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|n| {
            body.get(*n)
                .filter(|v| !v.is_null())
                .map(|v| ((*n).to_owned(), v.clone()))
        })
        .collect()
}

fn user_idx(dir: &Directory, body: &Value) -> Result<u32, WireError> {
    let id = required_str(body, "UserId")?;
    dir.find_user(id)
        .ok_or_else(|| WireError::not_found("USER", id, format!("User {id} not found.")))
}

fn group_idx(dir: &Directory, id: &str) -> Result<u32, WireError> {
    dir.find_group(id)
        .ok_or_else(|| WireError::not_found("GROUP", id, format!("Group {id} not found.")))
}

/// Creates a user from AWS-shaped attributes; returns its slot.
pub fn create_user(dir: &mut Directory, attrs: Map<String, Value>) -> Result<u32, WireError> {
    let name = attrs.get("UserName").and_then(Value::as_str).ok_or_else(|| {
        WireError::validation("1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null")
    })?;
    if dir.user_name_taken(name) {
        return Err(WireError::conflict(format!("Duplicate UserName: {name}")));
    }
    Ok(dir.add_user(attrs, now_epoch()))
}

/// Creates a group; returns its slot.
pub fn create_group(dir: &mut Directory, attrs: Map<String, Value>) -> Result<u32, WireError> {
    if let Some(name) = attrs.get("DisplayName").and_then(Value::as_str)
        && dir.group_name_taken(name)
    {
        return Err(WireError::conflict(format!(
            "Duplicate GroupDisplayName: {name}"
        )));
    }
    Ok(dir.add_group(attrs, now_epoch()))
}

/// Adds user `u` to group `g`; returns the membership slot.
pub fn create_membership(dir: &mut Directory, g: u32, u: u32) -> Result<u32, WireError> {
    if dir.membership_of(g, u).is_some() {
        return Err(WireError::conflict("Member is already in the group"));
    }
    Ok(dir.add_membership(g, u))
}

/// `name.givenName` → `["Name", "GivenName"]`.
fn attribute_path(path: &str) -> Vec<String> {
    path.split('.')
        .map(|seg| {
            let mut c = seg.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `aws:identitystore:enterprise` (the whole document) or
/// `aws:identitystore:enterprise.<field>` (one field, e.g. `department`);
/// a null value removes it.
fn set_extension(
    attrs: &mut Map<String, Value>,
    rest: &str,
    value: Value,
) -> Result<(), WireError> {
    let ext = crate::directory::generate::ENTERPRISE;
    let all = attrs.entry("Extensions").or_insert_with(|| json!({}));
    let Some(all) = all.as_object_mut() else {
        return Err(WireError::internal());
    };
    match rest.strip_prefix('.') {
        None if rest.is_empty() => {
            if value.is_null() {
                all.remove(ext);
            } else if value.is_object() {
                all.insert(ext.to_owned(), value);
            } else {
                return Err(WireError::validation(format!("{ext} must be an object")));
            }
        }
        Some(field) if !field.is_empty() && !field.contains('.') => {
            let doc = all.entry(ext).or_insert_with(|| json!({}));
            if let Some(doc) = doc.as_object_mut() {
                if value.is_null() {
                    doc.remove(field);
                } else {
                    doc.insert(field.to_owned(), value);
                }
            }
        }
        _ => {
            return Err(WireError::validation(format!(
                "Invalid AttributePath {ext}{rest}"
            )));
        }
    }
    if all.is_empty() {
        attrs.remove("Extensions");
    }
    Ok(())
}

fn apply_operations(
    attrs: &mut Map<String, Value>,
    enabled: &mut bool,
    ops: &[Value],
) -> Result<(), WireError> {
    for op in ops {
        let path = op
            .get("AttributePath")
            .and_then(Value::as_str)
            .ok_or_else(|| WireError::validation("AttributePath is required"))?;
        let value = op.get("AttributeValue").cloned().unwrap_or(Value::Null);
        if let Some(rest) = path.strip_prefix(crate::directory::generate::ENTERPRISE) {
            set_extension(attrs, rest, value)?;
            continue;
        }
        let segs = attribute_path(path);
        match segs.as_slice() {
            [s] if s == "UserStatus" => *enabled = value.as_str() != Some("DISABLED"),
            [s] if s == "UserId" || s == "GroupId" || s == "IdentityStoreId" => {
                return Err(WireError::validation(format!("{path} cannot be updated")));
            }
            [top] => {
                if value.is_null() {
                    attrs.remove(top);
                } else {
                    attrs.insert(top.clone(), value);
                }
            }
            [top, sub] => {
                let entry = attrs.entry(top.clone()).or_insert_with(|| json!({}));
                if let Some(obj) = entry.as_object_mut() {
                    if value.is_null() {
                        obj.remove(sub);
                    } else {
                        obj.insert(sub.clone(), value);
                    }
                }
            }
            _ => {
                return Err(WireError::validation(format!(
                    "Unsupported AttributePath {path}"
                )));
            }
        }
    }
    Ok(())
}

pub fn handle(inst: &Instance, op: &str, body: &Value) -> Result<Value, WireError> {
    let store = inst.store_id.as_str();
    let mut dir = inst.directory.write().expect("directory lock");
    let ops = || {
        body.get("Operations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    match op {
        "CreateUser" => {
            let u = create_user(&mut dir, pick(body, USER_ATTRS))?;
            Ok(json!({"UserId": dir.user_id(u), "IdentityStoreId": store}))
        }
        "CreateGroup" => {
            let g = create_group(&mut dir, pick(body, &["DisplayName", "Description"]))?;
            Ok(json!({"GroupId": dir.group_id(g), "IdentityStoreId": store}))
        }
        "CreateGroupMembership" => {
            let g = group_idx(&dir, required_str(body, "GroupId")?)?;
            let member = body.get("MemberId").cloned().unwrap_or(Value::Null);
            let u = user_idx(&dir, &member)?;
            let m = create_membership(&mut dir, g, u)?;
            Ok(json!({"MembershipId": dir.membership_id(m), "IdentityStoreId": store}))
        }
        "DeleteUser" => {
            let u = user_idx(&dir, body)?;
            dir.remove_user(u);
            Ok(json!({}))
        }
        "DeleteGroup" => {
            let g = group_idx(&dir, required_str(body, "GroupId")?)?;
            dir.remove_group(g);
            Ok(json!({}))
        }
        "DeleteGroupMembership" => {
            let id = required_str(body, "MembershipId")?;
            let m = dir.find_membership(id).ok_or_else(|| {
                WireError::not_found(
                    "GROUP_MEMBERSHIP",
                    id,
                    format!("Membership {id} not found."),
                )
            })?;
            dir.remove_membership(m);
            Ok(json!({}))
        }
        "UpdateUser" => {
            let u = user_idx(&dir, body)?;
            let rec = dir.user_mut(u).ok_or_else(WireError::internal)?;
            let (mut attrs, mut enabled) = (rec.attrs.clone(), rec.enabled);
            apply_operations(&mut attrs, &mut enabled, &ops())?;
            (rec.attrs, rec.enabled, rec.updated_at) = (attrs, enabled, now_epoch());
            Ok(json!({}))
        }
        _ => {
            let g = group_idx(&dir, required_str(body, "GroupId")?)?;
            let mut attrs = dir.group(g).map(|x| x.attrs.clone()).unwrap_or_default();
            let mut ignored = true;
            apply_operations(&mut attrs, &mut ignored, &ops())?;
            dir.set_group_attrs(g, attrs, now_epoch());
            Ok(json!({}))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_paths_map_to_aws_field_names() {
        assert_eq!(attribute_path("name.givenName"), vec!["Name", "GivenName"]);
        assert_eq!(attribute_path("displayName"), vec!["DisplayName"]);
        let mut attrs = Map::new();
        let mut enabled = true;
        let ops = vec![
            json!({"AttributePath": "userStatus", "AttributeValue": "DISABLED"}),
            json!({"AttributePath": "name.givenName", "AttributeValue": "Ada"}),
            json!({"AttributePath": "displayName", "AttributeValue": "Ada L"}),
        ];
        apply_operations(&mut attrs, &mut enabled, &ops).expect("applies");
        assert!(!enabled);
        assert_eq!(attrs["Name"]["GivenName"], "Ada");
        assert_eq!(attrs["DisplayName"], "Ada L");
    }
}
