//! roster's own identifiers: tenants, sources (connections), sync runs,
//! sync jobs and the workers that run them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;
use crate::ids::string_newtype;

/// A customer workspace. Every stored row belongs to exactly one tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantId(String);
string_newtype!(TenantId);

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
}

/// A connection to one directory (one role ARN + External ID).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SourceId(String);
string_newtype!(SourceId);

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
}

/// A process that claims sync jobs: recorded as the owner of a job's lease
/// and as the holder of a quota share. Any name without control characters
/// (the CLI uses the host name and process ID).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WorkerId(String);
string_newtype!(WorkerId);

impl WorkerId {
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let ok = (1..=200).contains(&s.len()) && !s.chars().any(char::is_control);
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidInput::new(
                "worker ID",
                format!(
                    "'{}' must be 1-200 characters without control characters",
                    s.escape_debug()
                ),
            ))
        }
    }
}

macro_rules! integer_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = InvalidInput;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self).map_err(|_| {
                    InvalidInput::new(stringify!($name), format!("'{s}' is not a number"))
                })
            }
        }
    };
}

integer_id!(
    /// A sync run; increasing over time, so it also orders snapshots.
    SyncId
);
integer_id!(
    /// A sync job in the queue; increasing over time.
    JobId
);

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

    #[test]
    fn ids_keep_their_text_and_json_forms() {
        let t = TenantId::parse("acme").unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"acme\"");
        assert_eq!("acme".parse::<TenantId>().unwrap(), t);
        assert!(serde_json::from_str::<TenantId>("\"Acme\"").is_err());
        assert_eq!(serde_json::to_string(&JobId(7)).unwrap(), "7");
        assert_eq!(JobId(7).to_string(), "7");
        assert_eq!("12".parse::<SyncId>().unwrap(), SyncId(12));
        let w = WorkerId::parse("host-1234").unwrap();
        assert_eq!(serde_json::to_string(&w).unwrap(), "\"host-1234\"");
        assert!(WorkerId::parse("").is_err());
        assert!(WorkerId::parse("a\nb").is_err());
    }
}
