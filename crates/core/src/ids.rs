//! Small identifier types of AWS: partitions, accounts, Regions, Identity
//! Store IDs and directory object IDs. Each is parsed once, then trusted.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;

/// The accessors and conversions of a validated string identifier: the type
/// defines `parse`; this adds `as_str`, `Display`, `FromStr`, `AsRef<str>`
/// and the `String` conversions serde uses (`try_from`/`into`).
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl FromStr for $name {
            type Err = InvalidInput;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        // Eq, Ord and Hash are the inner string's: maps keyed by the ID
        // can be looked up by `&str`.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = InvalidInput;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}
pub(crate) use string_newtype;

/// An AWS partition: the top-level namespace of ARNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Partition {
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-cn")]
    AwsCn,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
    #[serde(rename = "aws-iso")]
    AwsIso,
    #[serde(rename = "aws-iso-b")]
    AwsIsoB,
    /// The AWS European Sovereign Cloud.
    #[serde(rename = "aws-eusc")]
    AwsEusc,
}

impl Partition {
    pub const ALL: [Partition; 6] = [
        Self::Aws,
        Self::AwsCn,
        Self::AwsUsGov,
        Self::AwsIso,
        Self::AwsIsoB,
        Self::AwsEusc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::AwsCn => "aws-cn",
            Self::AwsUsGov => "aws-us-gov",
            Self::AwsIso => "aws-iso",
            Self::AwsIsoB => "aws-iso-b",
            Self::AwsEusc => "aws-eusc",
        }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Self::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| {
            InvalidInput::new(
                "partition",
                format!("'{s}' is not an AWS partition (expected aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b or aws-eusc)"),
            )
        })
    }

    /// The commercial Regions worth probing when Identity Center is not found in
    /// the Region first tried. Bounded on purpose.
    pub fn candidate_regions(self) -> &'static [&'static str] {
        match self {
            Self::Aws => &[
                "us-east-1",
                "us-east-2",
                "us-west-1",
                "us-west-2",
                "ca-central-1",
                "eu-west-1",
                "eu-west-2",
                "eu-west-3",
                "eu-central-1",
                "eu-central-2",
                "eu-north-1",
                "eu-south-1",
                "eu-south-2",
                "ap-south-1",
                "ap-south-2",
                "ap-northeast-1",
                "ap-northeast-2",
                "ap-northeast-3",
                "ap-southeast-1",
                "ap-southeast-2",
                "ap-southeast-3",
                "ap-southeast-4",
                "ap-east-1",
                "sa-east-1",
                "me-south-1",
                "me-central-1",
                "af-south-1",
                "il-central-1",
            ],
            Self::AwsCn => &["cn-north-1", "cn-northwest-1"],
            Self::AwsUsGov => &["us-gov-west-1", "us-gov-east-1"],
            Self::AwsIso => &["us-iso-east-1", "us-iso-west-1"],
            Self::AwsIsoB => &["us-isob-east-1"],
            Self::AwsEusc => &["eusc-de-east-1"],
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 12-digit AWS account ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);
string_newtype!(AccountId);

impl AccountId {
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidInput::new(
                "account ID",
                format!("'{s}' must be exactly 12 digits"),
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

/// An AWS Region code such as `eu-west-1` or `us-gov-west-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region(String);
string_newtype!(Region);

impl Region {
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        let parts: Vec<&str> = s.split('-').collect();
        // `eusc-de-east-1`: the European Sovereign Cloud's Regions start with `eusc`.
        let shape_ok = parts.len() >= 3
            && (parts[0].len() == 2 || parts[0] == "eusc")
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
            && parts.last().is_some_and(|n| {
                (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())
            });
        if !shape_ok || s.len() > 25 {
            return Err(InvalidInput::new(
                "Region",
                format!("'{s}' is not an AWS Region code (for example us-east-1 or eu-west-2)"),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The partition a Region belongs to.
    pub fn partition(&self) -> Partition {
        let s = self.0.as_str();
        if s.starts_with("cn-") {
            Partition::AwsCn
        } else if s.starts_with("eusc-") {
            Partition::AwsEusc
        } else if s.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else if s.starts_with("us-isob-") {
            Partition::AwsIsoB
        } else if s.starts_with("us-iso-") {
            Partition::AwsIso
        } else {
            Partition::Aws
        }
    }
}

/// An Identity Store ID: `d-` and 10 hex digits, or a UUID.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdentityStoreId(String);
string_newtype!(IdentityStoreId);

fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub(crate) fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && is_lower_hex(&g.to_ascii_lowercase()))
}

impl IdentityStoreId {
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let s = s.trim();
        let directory_form = s.len() == 12 && s.starts_with("d-") && is_lower_hex(&s[2..]);
        if directory_form || is_uuid(s) {
            return Ok(Self(s.to_owned()));
        }
        Err(InvalidInput::new(
            "Identity Store ID",
            format!(
                "'{s}' must look like d-1234567890 (d- and 10 lowercase hex digits) or a UUID; find it in IAM Identity Center → Settings"
            ),
        ))
    }
}

macro_rules! directory_object_id {
    ($name:ident, $what:literal) => {
        #[doc = concat!("The ", $what, " of an Identity Store object, as AWS assigns it.")]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);
        string_newtype!($name);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, InvalidInput> {
                let ok = (1..=47).contains(&s.len())
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
                if ok {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(InvalidInput::new(
                        $what,
                        format!("'{s}' must be 1-47 letters, digits or '-'"),
                    ))
                }
            }
        }
    };
}
directory_object_id!(UserId, "user ID");
directory_object_id!(GroupId, "group ID");
directory_object_id!(MembershipId, "membership ID");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(AccountId::parse("123456789012").is_ok());
        assert!(
            AccountId::parse("12345678901")
                .unwrap_err()
                .reason
                .contains("12 digits")
        );
        assert!(AccountId::parse("12345678901a").is_err());
    }

    #[test]
    fn regions_parse_and_know_their_partition() {
        for (r, p) in [
            ("us-east-1", Partition::Aws),
            ("eu-central-2", Partition::Aws),
            ("cn-northwest-1", Partition::AwsCn),
            ("us-gov-west-1", Partition::AwsUsGov),
            ("us-iso-east-1", Partition::AwsIso),
            ("us-isob-east-1", Partition::AwsIsoB),
        ] {
            assert_eq!(Region::parse(r).unwrap().partition(), p, "{r}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us-east-100",
            "useast1",
            "us--1",
        ] {
            assert!(Region::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn identity_store_ids_accept_both_forms() {
        assert!(IdentityStoreId::parse("d-9067a1b2c3").is_ok());
        assert!(IdentityStoreId::parse("1f2e3d4c-5b6a-4789-8abc-def012345678").is_ok());
        assert!(IdentityStoreId::parse("d-9067A1B2C3").is_err());
        assert!(IdentityStoreId::parse("d-9067a1b2c").is_err());
        let err = IdentityStoreId::parse("ssoins-123").unwrap_err();
        assert!(err.reason.contains("d-1234567890"));
    }

    #[test]
    fn partitions_round_trip() {
        for p in Partition::ALL {
            assert_eq!(Partition::parse(p.as_str()).unwrap(), p);
            assert!(!p.candidate_regions().is_empty());
        }
        assert!(Partition::parse("aws-eu").is_err());
    }

    proptest! {
        #[test]
        fn any_twelve_digits_is_an_account(s in "[0-9]{12}") {
            let id = AccountId::parse(&s).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
        }

        #[test]
        fn directory_form_ids_parse(s in "d-[0-9a-f]{10}") {
            prop_assert!(IdentityStoreId::parse(&s).is_ok());
        }

        #[test]
        fn wrong_length_accounts_are_rejected(s in "[0-9]{0,11}|[0-9]{13,20}") {
            prop_assert!(AccountId::parse(&s).is_err());
        }

        #[test]
        fn region_parse_never_panics(s in "\\PC{0,30}") {
            let _ = Region::parse(&s);
        }
    }
}
