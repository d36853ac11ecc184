//! Directory entities as stored: attribute maps in AWS's JSON field names,
//! plus the fields AWS manages itself (status, timestamps).

use serde_json::{Map, Value};

/// A user; `attrs` holds client-settable fields (`UserName`, `Name`, `Emails`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub attrs: Map<String, Value>,
    pub enabled: bool,
    pub created_at: u64,
    pub updated_at: u64,
}

/// A group; `attrs` holds `DisplayName`, `Description`, `ExternalIds`.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRecord {
    pub attrs: Map<String, Value>,
    pub created_at: u64,
    pub updated_at: u64,
}

/// A stored slot: generated on demand from the seed, or materialised.
#[derive(Debug, Clone)]
pub enum Slot<T> {
    Generated,
    Custom(Box<T>),
}

impl UserRecord {
    pub fn user_name(&self) -> Option<&str> {
        self.attrs.get("UserName").and_then(Value::as_str)
    }
}

impl GroupRecord {
    pub fn display_name(&self) -> Option<&str> {
        self.attrs.get("DisplayName").and_then(Value::as_str)
    }
}
