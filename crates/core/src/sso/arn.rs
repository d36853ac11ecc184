//! Identifiers of IAM Identity Center parsed once at the edge: permission set
//! ARNs and ISO-8601 session durations (`PT8H`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;

/// `arn:<partition>:sso:::permissionSet/<instance>/ps-<id>` as botocore's
/// `PermissionSetArn` shape allows: the instance is `ins-` or `ssoins-` and 16
/// characters of `[A-Za-z0-9-.]`; the permission set is `ps-` and 16
/// characters of `[A-Za-z0-9-./]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PermissionSetArn(String);

fn id_chars_ok(s: &str, extra: &[u8]) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || extra.contains(&b))
}

fn partition_ok(p: &str) -> bool {
    // `aws(-[a-z]{1,5}){0,3}`
    let mut parts = p.split('-');
    parts.next() == Some("aws") && {
        let rest: Vec<&str> = parts.collect();
        rest.len() <= 3
            && rest
                .iter()
                .all(|s| (1..=5).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase()))
    }
}

impl PermissionSetArn {
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let bad = || {
            InvalidInput::new(
                "permission set ARN",
                format!(
                    "'{s}' must look like arn:aws:sso:::permissionSet/ssoins-<16 characters>/ps-<16 characters>"
                ),
            )
        };
        let rest = s.strip_prefix("arn:").ok_or_else(bad)?;
        let (partition, rest) = rest.split_once(':').ok_or_else(bad)?;
        let rest = rest.strip_prefix("sso:::permissionSet/").ok_or_else(bad)?;
        let (instance, ps) = rest.split_once('/').ok_or_else(bad)?;
        let instance = instance
            .strip_prefix("ssoins-")
            .or_else(|| instance.strip_prefix("ins-"))
            .ok_or_else(bad)?;
        let ps = ps.strip_prefix("ps-").ok_or_else(bad)?;
        if !partition_ok(partition) || !id_chars_ok(instance, b"") || !id_chars_ok(ps, b"/") {
            return Err(bad());
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instance part, e.g. `ssoins-1234567890abcdef`.
    pub fn instance(&self) -> &str {
        self.0
            .split_once("permissionSet/")
            .and_then(|(_, r)| r.split_once('/'))
            .map_or("", |(i, _)| i)
    }

    /// The permission set's own ID, e.g. `ps-1234567890abcdef`.
    pub fn id(&self) -> &str {
        self.0
            .split_once("permissionSet/")
            .and_then(|(_, r)| r.split_once('/'))
            .map_or("", |(_, p)| p)
    }
}

impl fmt::Display for PermissionSetArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PermissionSetArn {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PermissionSetArn {
    type Error = InvalidInput;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PermissionSetArn> for String {
    fn from(a: PermissionSetArn) -> Self {
        a.0
    }
}

impl std::borrow::Borrow<str> for PermissionSetArn {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// Seconds of an ISO-8601 duration as `DescribePermissionSet` returns it
/// (`PT8H`, `PT1H30M`, `PT3600S`, `P1D`). Years, months and negative
/// durations are rejected: a session lasts at most 12 hours and AWS writes
/// it with `H`/`M`/`S`. Fractional seconds are truncated.
pub fn parse_duration_seconds(s: &str) -> Result<u64, InvalidInput> {
    let bad = |why: &str| InvalidInput::new("session duration", format!("'{s}': {why}"));
    let rest = s
        .strip_prefix('P')
        .ok_or_else(|| bad("must start with P"))?;
    let (date, time) = match rest.split_once('T') {
        Some((_, "")) => return Err(bad("T without a time part")),
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    if date.is_empty() && time.is_none() {
        return Err(bad("empty duration"));
    }
    let mut total: u64 = 0;
    for (part, units) in [
        (date, &[('W', 604_800), ('D', 86_400)][..]),
        (time.unwrap_or(""), &[('H', 3_600), ('M', 60), ('S', 1)][..]),
    ] {
        let mut rest = part;
        let mut next_unit = 0;
        while !rest.is_empty() {
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .ok_or_else(|| bad("a number without a unit"))?;
            let (num, tail) = rest.split_at(end);
            let unit = tail.chars().next().unwrap_or_default();
            let pos = units[next_unit..]
                .iter()
                .position(|(u, _)| *u == unit)
                .ok_or_else(|| bad("unknown or out-of-order unit"))?;
            let (_, factor) = units[next_unit + pos];
            next_unit += pos + 1;
            let whole = if unit == 'S' {
                num.split('.').next().unwrap_or("")
            } else {
                num
            };
            if whole.is_empty() || (unit != 'S' && num.contains('.')) {
                return Err(bad("malformed number"));
            }
            let n: u64 = whole.parse().map_err(|_| bad("number too large"))?;
            total = n
                .checked_mul(factor)
                .and_then(|v| total.checked_add(v))
                .ok_or_else(|| bad("duration too large"))?;
            rest = &tail[unit.len_utf8()..];
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn permission_set_arns_follow_the_botocore_pattern() {
        let a = PermissionSetArn::parse(
            "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-abcdef0123456789",
        )
        .unwrap();
        assert_eq!(a.instance(), "ssoins-1234567890abcdef");
        assert_eq!(a.id(), "ps-abcdef0123456789");
        assert!(
            PermissionSetArn::parse(
                "arn:aws-us-gov:sso:::permissionSet/ins-1234567890abcdef/ps-abcdef0123456789"
            )
            .is_ok()
        );
        for bad in [
            "arn:aws:sso:::permissionSet/ssoins-123/ps-abcdef0123456789",
            "arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-short",
            "arn:aws:sso:::instance/ssoins-1234567890abcdef",
            "arn:gcp:sso:::permissionSet/ssoins-1234567890abcdef/ps-abcdef0123456789",
            "arn:aws:sso::123456789012:permissionSet/ssoins-1234567890abcdef/ps-abcdef0123456789",
            "",
        ] {
            let e = PermissionSetArn::parse(bad).unwrap_err();
            assert!(e.reason.contains("permissionSet/ssoins-"), "{bad}");
        }
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<PermissionSetArn>(&json).unwrap(), a);
        assert!(serde_json::from_str::<PermissionSetArn>("\"arn:aws:x\"").is_err());
    }

    #[test]
    fn durations_as_aws_writes_them() {
        for (s, secs) in [
            ("PT8H", 28_800),
            ("PT1H", 3_600),
            ("PT1H30M", 5_400),
            ("PT3600S", 3_600),
            ("PT12H", 43_200),
            ("PT0.5S", 0),
            ("P1D", 86_400),
            ("P1DT1H", 90_000),
            ("P1W", 604_800),
        ] {
            assert_eq!(parse_duration_seconds(s).unwrap(), secs, "{s}");
        }
        for bad in [
            "",
            "8H",
            "P",
            "PT",
            "PT8",
            "PTH",
            "PT30M1H",
            "P1Y",
            "-PT1H",
            "PT1.5H",
            "PT99999999999999999999H",
        ] {
            assert!(parse_duration_seconds(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn durations_round_trip(h in 0u64..48, m in 0u64..60, s in 0u64..60) {
            let text = format!("PT{h}H{m}M{s}S");
            prop_assert_eq!(parse_duration_seconds(&text).unwrap(), h * 3600 + m * 60 + s);
        }

        #[test]
        fn the_parser_never_panics(s in "\\PC{0,20}") {
            let _ = parse_duration_seconds(&s);
            let _ = PermissionSetArn::parse(&s);
        }
    }
}
