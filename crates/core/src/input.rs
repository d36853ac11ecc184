//! Free text accepted from people (forms, API bodies, CLI flags), validated
//! once at the edge: a source's display name and a console email address.

use std::fmt;

use serde::Serialize;

use crate::error::InvalidInput;

/// A source's display name: 1 to [`SourceName::MAX_CHARS`] characters after
/// trimming, no control characters (NUL, newlines, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct SourceName(String);

impl SourceName {
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(InvalidInput::new("source name", "the name is empty"));
        }
        let chars = name.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(InvalidInput::new(
                "source name",
                format!("{chars} characters; use at most {}", Self::MAX_CHARS),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(InvalidInput::new(
                "source name",
                "control characters (such as NUL or a line break) are not allowed",
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for SourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A console user's email address, lower-cased: at most
/// [`EmailAddress::MAX_LEN`] bytes (RFC 5321), exactly one `@` with a
/// non-empty local part and a dotted domain, no whitespace or control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let email = raw.trim().to_lowercase();
        let bad = |reason: &str| Err(InvalidInput::new("email address", reason));
        if email.is_empty() {
            return bad("the address is empty");
        }
        if email.len() > Self::MAX_LEN {
            return bad("longer than 254 characters");
        }
        if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad("spaces and control characters are not allowed");
        }
        let Some((local, domain)) = email.split_once('@') else {
            return bad("expected name@domain");
        };
        if local.is_empty() || domain.contains('@') {
            return bad("expected name@domain, with exactly one @");
        }
        let labels_ok = domain.split('.').all(|l| !l.is_empty());
        if !domain.contains('.') || !labels_ok {
            return bad("the domain needs a dot and no empty parts (name@example.com)");
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_are_trimmed_bounded_and_printable() {
        assert_eq!(
            SourceName::parse("  Prod IdC ").unwrap().as_str(),
            "Prod IdC"
        );
        assert!(SourceName::parse("").is_err());
        assert!(SourceName::parse("   ").is_err());
        assert!(SourceName::parse(&"é".repeat(128)).is_ok());
        let long = SourceName::parse(&"x".repeat(129)).unwrap_err();
        assert!(long.reason.contains("at most 128"), "{long}");
        assert!(SourceName::parse("a\u{0}b").is_err());
        assert!(SourceName::parse("a\nb").is_err());
    }

    #[test]
    fn email_addresses_need_one_at_and_a_dotted_domain() {
        assert_eq!(
            EmailAddress::parse(" Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "",
            "@",
            "ada",
            "ada@",
            "@example.com",
            "a@b@example.com",
            "ada@example",
            "ada@example..com",
            "ada lovelace@example.com",
            "ada\u{0}@example.com",
            "ada@exa\tmple.com",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} accepted");
        }
        let local = "a".repeat(250);
        assert!(EmailAddress::parse(&format!("{local}@x.io")).is_err());
        assert!(EmailAddress::parse(&format!("{}@x.io", &local[..249])).is_ok());
    }
}
