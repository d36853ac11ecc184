//! roster's own identifiers: tenants, sources (connections) and sync runs.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;

/// A customer workspace. Every stored row belongs to exactly one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantId(String);

impl TenantId {
    /// The tenant of a self-hosted, single-organization install.
    pub fn default_tenant() -> Self {
        Self("default".to_owned())
    }

    /// Tenant slugs: 1–63 lowercase letters, digits and `-`.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let ok = (1..=63).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidInput::new(
                "tenant",
                format!("'{s}' must be 1-63 lowercase letters, digits or '-'"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TenantId {
    type Error = InvalidInput;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<TenantId> for String {
    fn from(t: TenantId) -> String {
        t.0
    }
}

/// A connection to one directory (one role ARN + External ID).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SourceId(String);

impl SourceId {
    /// Source IDs are `src_` followed by 16 lowercase hex digits.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let ok = s.len() == 20
            && s.starts_with("src_")
            && s[4..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidInput::new(
                "source ID",
                format!("'{s}' is not a source ID (src_ and 16 hex digits)"),
            ))
        }
    }

    /// A new random source ID from the operating system's CSPRNG.
    pub fn generate() -> Self {
        use rand::RngCore;
        Self(format!("src_{:016x}", rand::rngs::OsRng.next_u64()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for SourceId {
    type Error = InvalidInput;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<SourceId> for String {
    fn from(s: SourceId) -> String {
        s.0
    }
}

/// A sync run; increasing over time, so it also orders snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SyncId(pub i64);

impl fmt::Display for SyncId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_and_source_ids_validate() {
        assert!(TenantId::parse("acme-1").is_ok());
        assert!(TenantId::parse("Acme").is_err());
        assert!(TenantId::parse("-x").is_err());
        let s = SourceId::generate();
        assert_eq!(SourceId::parse(s.as_str()).unwrap(), s);
        assert!(SourceId::parse("src_xyz").is_err());
    }
}
