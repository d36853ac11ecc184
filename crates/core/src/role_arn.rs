//! `RoleArn`: the ARN of the customer's IAM role, validated with a precise
//! reason for every rejection before any AWS call is made.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;
use crate::ids::{AccountId, Partition};

/// `arn:<partition>:iam::<account>:role/<optional path/><name>`
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoleArn {
    partition: Partition,
    account: AccountId,
    /// `/` or `/a/b/`.
    path: String,
    name: String,
}

const MAX_NAME: usize = 64;
const MAX_PATH: usize = 512;

fn reject(reason: impl Into<String>) -> InvalidInput {
    InvalidInput::new("role ARN", reason)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

impl RoleArn {
    /// Parses a role ARN as pasted by a customer (surrounding white space is ignored).
    pub fn parse(input: &str) -> Result<Self, InvalidInput> {
        let s = input.trim();
        if s.is_empty() {
            return Err(reject(
                "it is empty; paste the ARN shown on the role's page in the IAM console",
            ));
        }
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            return Err(reject(format!(
                "'{s}' is not an ARN; a role ARN looks like arn:aws:iam::123456789012:role/roster-identity-store"
            )));
        }
        let partition = Partition::parse(parts[1]).map_err(|e| reject(e.reason))?;
        let (service, region, account, resource) = (parts[2], parts[3], parts[4], parts[5]);
        if service == "sts" && resource.starts_with("assumed-role/") {
            return Err(reject(
                "this is an assumed-role session ARN (arn:…:sts::…:assumed-role/…); use the role's ARN (arn:…:iam::…:role/NAME)",
            ));
        }
        if service != "iam" {
            return Err(reject(format!(
                "the service is '{service}', but a role ARN has 'iam'"
            )));
        }
        if !region.is_empty() {
            return Err(reject(format!(
                "IAM ARNs have no Region, but this one has '{region}' (expected arn:{partition}:iam::ACCOUNT:role/NAME)"
            )));
        }
        let account = AccountId::parse(account)
            .map_err(|_| reject(format!("the account '{account}' must be exactly 12 digits")))?;
        let Some(rest) = resource.strip_prefix("role/") else {
            let kind = resource.split('/').next().unwrap_or_default();
            return Err(reject(format!(
                "the resource is a '{kind}', not a role (expected role/NAME after the account ID)"
            )));
        };
        let (path, name) = match rest.rfind('/') {
            Some(i) => (format!("/{}", &rest[..=i]), &rest[i + 1..]),
            None => ("/".to_owned(), rest),
        };
        Self::check_path(&path)?;
        Self::check_name(name)?;
        Ok(Self {
            partition,
            account,
            path,
            name: name.to_owned(),
        })
    }

    fn check_path(path: &str) -> Result<(), InvalidInput> {
        if path.len() > MAX_PATH {
            return Err(reject(format!(
                "the role path is {} characters; IAM allows {MAX_PATH}",
                path.len()
            )));
        }
        if path.contains("//") {
            return Err(reject("the role path has an empty segment ('//')"));
        }
        if let Some(c) = path.chars().find(|c| !('!'..='~').contains(c)) {
            return Err(reject(format!(
                "the role path contains '{}', which IAM does not allow",
                c.escape_default()
            )));
        }
        Ok(())
    }

    fn check_name(name: &str) -> Result<(), InvalidInput> {
        if name.is_empty() {
            return Err(reject("the role name is missing after 'role/'"));
        }
        let len = name.chars().count();
        if len > MAX_NAME {
            return Err(reject(format!(
                "the role name is {len} characters; IAM allows at most {MAX_NAME}"
            )));
        }
        if let Some(c) = name.chars().find(|c| !is_name_char(*c)) {
            return Err(reject(format!(
                "the role name contains '{}'; IAM role names use only letters, digits and + = , . @ _ -",
                c.escape_default()
            )));
        }
        Ok(())
    }

    pub fn partition(&self) -> Partition {
        self.partition
    }
    pub fn account(&self) -> &AccountId {
        &self.account
    }
    pub fn path(&self) -> &str {
        &self.path
    }
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:iam::{}:role{}{}",
            self.partition, self.account, self.path, self.name
        )
    }
}

impl FromStr for RoleArn {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for RoleArn {
    type Error = InvalidInput;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<RoleArn> for String {
    fn from(a: RoleArn) -> String {
        a.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_plain_and_pathed_roles_in_every_partition() {
        for p in Partition::ALL {
            let s = format!("arn:{p}:iam::123456789012:role/roster");
            let arn = RoleArn::parse(&s).unwrap();
            assert_eq!(arn.to_string(), s);
            assert_eq!(arn.partition(), p);
        }
        let arn =
            RoleArn::parse("  arn:aws:iam::123456789012:role/compliance/roster/Reader+=,.@_-1 ")
                .unwrap();
        assert_eq!(arn.path(), "/compliance/roster/");
        assert_eq!(arn.name(), "Reader+=,.@_-1");
        assert_eq!(arn.account().as_str(), "123456789012");
    }

    fn reason(s: &str) -> String {
        RoleArn::parse(s).unwrap_err().reason
    }

    #[test]
    fn each_rejection_says_why() {
        let cases = [
            ("", "empty"),
            ("roster", "not an ARN"),
            (
                "arn:aws-eu:iam::123456789012:role/x",
                "not an AWS partition",
            ),
            ("arn:aws:s3::123456789012:role/x", "service is 's3'"),
            ("arn:aws:iam:us-east-1:123456789012:role/x", "no Region"),
            ("arn:aws:iam::12345678901:role/x", "12 digits"),
            ("arn:aws:iam::123456789012:user/alice", "'user', not a role"),
            ("arn:aws:iam::123456789012:role/", "name is missing"),
            ("arn:aws:iam::123456789012:role/a b", "contains ' '"),
            ("arn:aws:iam::123456789012:role/a//b", "empty segment"),
            (
                "arn:aws:sts::123456789012:assumed-role/r/s",
                "assumed-role session ARN",
            ),
        ];
        for (input, expected) in cases {
            let r = reason(input);
            assert!(r.contains(expected), "{input:?}: {r}");
        }
        let long = format!("arn:aws:iam::123456789012:role/{}", "a".repeat(65));
        assert!(reason(&long).contains("at most 64"));
        let ok = format!("arn:aws:iam::123456789012:role/{}", "a".repeat(64));
        assert!(RoleArn::parse(&ok).is_ok());
    }

    #[test]
    fn serde_round_trips_as_a_string() {
        let arn = RoleArn::parse("arn:aws:iam::123456789012:role/p/roster").unwrap();
        let json = serde_json::to_string(&arn).unwrap();
        assert_eq!(json, "\"arn:aws:iam::123456789012:role/p/roster\"");
        assert_eq!(serde_json::from_str::<RoleArn>(&json).unwrap(), arn);
        assert!(serde_json::from_str::<RoleArn>("\"arn:aws:iam::1:role/x\"").is_err());
    }

    proptest! {
        #[test]
        fn valid_arns_round_trip(
            acct in "[0-9]{12}",
            path in prop::collection::vec("[a-zA-Z0-9_.-]{1,8}", 0..3),
            name in "[A-Za-z0-9+=,.@_-]{1,64}",
        ) {
            let path = if path.is_empty() { String::new() } else { format!("{}/", path.join("/")) };
            let s = format!("arn:aws:iam::{acct}:role/{path}{name}");
            let arn = RoleArn::parse(&s).unwrap();
            prop_assert_eq!(arn.to_string(), s);
            prop_assert_eq!(arn.name(), name.as_str());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,120}") {
            let _ = RoleArn::parse(&s);
        }

        #[test]
        // Inside the name: white space around a pasted ARN is trimmed, not rejected.
        fn names_with_forbidden_chars_are_rejected(name in "[a-z]{1,5}[ #!$%^&*(){}\\[\\]<>?;'\"]{1}[a-z]{1,5}") {
            let s = format!("arn:aws:iam::123456789012:role/{name}");
            prop_assert!(RoleArn::parse(&s).is_err());
        }
    }
}
