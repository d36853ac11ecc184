//! A campaign's identity and the population it freezes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;
use crate::ids::string_newtype;

/// Remediation window when none is configured: revoked access still present
/// this many days after the decision is overdue.
pub const DEFAULT_REMEDIATION_DAYS: u32 = 14;

/// At most this many chosen groups or accounts in a filter.
pub const MAX_FILTER_ENTRIES: usize = 1000;

/// An access review campaign.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CampaignId(String);
string_newtype!(CampaignId);

impl CampaignId {
    /// Campaign IDs are `rev_` followed by 16 lowercase hex digits.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let ok = s.len() == 20
            && s.starts_with("rev_")
            && s[4..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidInput::new(
                "campaign ID",
                format!("'{s}' is not a campaign ID (rev_ and 16 hex digits)"),
            ))
        }
    }

    /// A new random campaign ID from the operating system's CSPRNG.
    pub fn generate() -> Self {
        use rand::RngCore;
        Self(format!("rev_{:016x}", rand::rngs::OsRng.next_u64()))
    }
}

/// What a campaign reviews: a pluggable kind of population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PopulationKind {
    /// Group memberships of an Identity Store snapshot: one item per membership.
    Memberships,
    /// Effective access of an SSO snapshot: one item per (user, account,
    /// permission set, via group).
    Access,
}

impl PopulationKind {
    pub const ALL: [Self; 2] = [Self::Memberships, Self::Access];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Memberships => "memberships",
            Self::Access => "access",
        }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                InvalidInput::new("scope", format!("'{s}' must be memberships or access"))
            })
    }
}

impl fmt::Display for PopulationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PopulationKind {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Which part of the snapshot a campaign reviews. Empty lists mean "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationFilter {
    /// Memberships: groups matching the source's privileged-group patterns
    /// (`IDS-07`); access: privileged permission sets.
    #[serde(default)]
    pub privileged_only: bool,
    /// Group IDs or exact display names.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Account IDs (access only).
    #[serde(default)]
    pub accounts: Vec<String>,
}

impl PopulationFilter {
    /// Parses the CLI's `--filter` terms: `privileged`, `group=G`,
    /// `account=A` (repeatable; commas also separate terms).
    pub fn parse_terms<'a>(terms: impl IntoIterator<Item = &'a str>) -> Result<Self, InvalidInput> {
        let mut f = Self::default();
        for term in terms.into_iter().flat_map(|t| t.split(',')) {
            let term = term.trim();
            if term.is_empty() {
                continue;
            }
            if term.contains('\0') {
                return Err(InvalidInput::new("filter", "NUL is not allowed"));
            }
            match term.split_once('=') {
                None if term == "privileged" => f.privileged_only = true,
                Some(("group", g)) if !g.trim().is_empty() => f.groups.push(g.trim().to_owned()),
                Some(("account", a)) => {
                    let a = crate::AccountId::parse(a.trim())?;
                    f.accounts.push(a.to_string());
                }
                _ => {
                    return Err(InvalidInput::new(
                        "filter",
                        format!("'{term}' must be privileged, group=ID-OR-NAME or account=ID"),
                    ));
                }
            }
        }
        f.validate()?;
        Ok(f)
    }

    pub fn validate(&self) -> Result<(), InvalidInput> {
        if self.groups.len() > MAX_FILTER_ENTRIES || self.accounts.len() > MAX_FILTER_ENTRIES {
            return Err(InvalidInput::new(
                "filter",
                format!("at most {MAX_FILTER_ENTRIES} groups and {MAX_FILTER_ENTRIES} accounts"),
            ));
        }
        let bad = |s: &String| s.is_empty() || s.len() > 256 || s.contains('\0');
        if self.groups.iter().any(bad) || self.accounts.iter().any(bad) {
            return Err(InvalidInput::new(
                "filter",
                "groups and accounts are 1-256 characters without NUL",
            ));
        }
        Ok(())
    }

    pub fn is_everything(&self) -> bool {
        !self.privileged_only && self.groups.is_empty() && self.accounts.is_empty()
    }
}

/// Open: reviewers decide; closed: decisions are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CampaignStatus {
    Open,
    Closed,
}

impl CampaignStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Closed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// What an owner (a reviewer by rule) owns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    Group,
    Account,
    PermissionSet,
}

impl OwnerKind {
    pub const ALL: [Self; 3] = [Self::Group, Self::Account, Self::PermissionSet];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Group => "group",
            Self::Account => "account",
            Self::PermissionSet => "permission_set",
        }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                InvalidInput::new(
                    "owner kind",
                    format!("'{s}' must be group, account or permission_set"),
                )
            })
    }
}
