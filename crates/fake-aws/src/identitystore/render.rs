//! JSON rendering of users, groups and memberships exactly as the Identity
//! Store API returns them (AWS field names; timestamps as epoch seconds).

use serde_json::{Map, Value, json};

use crate::directory::Directory;

/// `extensions`: the extension names the request asked for (`Extensions`);
/// AWS returns a user's extensions only when asked.
pub fn user(dir: &Directory, idx: u32, store_id: &str, extensions: &[&str]) -> Option<Value> {
    let u = dir.user(idx)?;
    let mut m = u.attrs.clone();
    if let Some(Value::Object(all)) = m.remove("Extensions") {
        let asked: Map<String, Value> = all
            .into_iter()
            .filter(|(k, _)| extensions.contains(&k.as_str()))
            .collect();
        if !asked.is_empty() {
            m.insert("Extensions".into(), Value::Object(asked));
        }
    }
    let id = dir.user_id(idx);
    m.insert(
        "UserArn".into(),
        json!(format!("arn:aws:identitystore:::user/{id}")),
    );
    m.insert("Revision".into(), json!(u.updated_at.to_string()));
    m.insert("UserId".into(), json!(id));
    m.insert("IdentityStoreId".into(), json!(store_id));
    m.insert(
        "UserStatus".into(),
        json!(if u.enabled { "ENABLED" } else { "DISABLED" }),
    );
    m.insert("CreatedAt".into(), json!(u.created_at));
    m.insert("UpdatedAt".into(), json!(u.updated_at));
    Some(Value::Object(m))
}

pub fn group(dir: &Directory, idx: u32, store_id: &str) -> Option<Value> {
    let g = dir.group(idx)?;
    let mut m = g.attrs.clone();
    let id = dir.group_id(idx);
    m.insert(
        "GroupArn".into(),
        json!(format!("arn:aws:identitystore:::group/{id}")),
    );
    m.insert("Revision".into(), json!(g.updated_at.to_string()));
    m.insert("GroupId".into(), json!(id));
    m.insert("IdentityStoreId".into(), json!(store_id));
    m.insert("CreatedAt".into(), json!(g.created_at));
    m.insert("UpdatedAt".into(), json!(g.updated_at));
    Some(Value::Object(m))
}

pub fn membership(dir: &Directory, idx: u32, store_id: &str) -> Option<Value> {
    let (g, u) = dir.membership(idx)?;
    let id = dir.membership_id(idx);
    // A membership is as old as the younger of its group and its user.
    let created = dir
        .user(u)
        .map(|x| x.created_at)
        .max(dir.group(g).map(|x| x.created_at))
        .unwrap_or_default();
    Some(json!({
        "IdentityStoreId": store_id,
        "MembershipId": id,
        "MembershipArn": format!("arn:aws:identitystore:::membership/{id}"),
        "CreatedAt": created,
        "UpdatedAt": created,
        "GroupId": dir.group_id(g),
        "MemberId": {"UserId": dir.user_id(u)},
    }))
}
