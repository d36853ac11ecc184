//! JSON rendering of users, groups and memberships exactly as the Identity
//! Store API returns them (AWS field names; timestamps as epoch seconds).

use serde_json::{Value, json};

use crate::directory::Directory;

pub fn user(dir: &Directory, idx: u32, store_id: &str) -> Option<Value> {
    let u = dir.user(idx)?;
    let mut m = u.attrs.clone();
    m.insert("UserId".into(), json!(dir.user_id(idx)));
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
    m.insert("GroupId".into(), json!(dir.group_id(idx)));
    m.insert("IdentityStoreId".into(), json!(store_id));
    m.insert("CreatedAt".into(), json!(g.created_at));
    m.insert("UpdatedAt".into(), json!(g.updated_at));
    Some(Value::Object(m))
}

pub fn membership(dir: &Directory, idx: u32, store_id: &str) -> Option<Value> {
    let (g, u) = dir.membership(idx)?;
    Some(json!({
        "IdentityStoreId": store_id,
        "MembershipId": dir.membership_id(idx),
        "GroupId": dir.group_id(g),
        "MemberId": {"UserId": dir.user_id(u)},
    }))
}
