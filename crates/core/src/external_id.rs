//! `ExternalId`: the shared secret that guards the customer's trust policy
//! against the confused-deputy problem. roster generates it; customers never
//! choose it (that is what defeats the confused deputy).

use std::fmt;

use rand::Rng;
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;

/// STS allows 2–1224 characters of `[A-Za-z0-9+=,.@:/_-]`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalId(String);

const MIN_LEN: usize = 2;
const MAX_LEN: usize = 1224;
/// Length of generated IDs: 40 alphanumerics carry ~238 bits of entropy.
pub const GENERATED_LEN: usize = 40;
const GENERATED_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn is_sts_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+=,.@:/_-".contains(c)
}

impl ExternalId {
    /// A fresh External ID from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut rng = OsRng;
        let id: String = (0..GENERATED_LEN)
            .map(|_| char::from(GENERATED_ALPHABET[rng.gen_range(0..GENERATED_ALPHABET.len())]))
            .collect();
        Self(id)
    }

    /// Parses an External ID given to an operator tool (`roster sync --external-id`).
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        let len = s.chars().count();
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return Err(InvalidInput::new(
                "External ID",
                format!("it is {len} characters long; STS accepts {MIN_LEN} to {MAX_LEN}"),
            ));
        }
        if let Some(c) = s.chars().find(|c| !is_sts_char(*c)) {
            return Err(InvalidInput::new(
                "External ID",
                format!(
                    "it contains '{}'; STS accepts only letters, digits and + = , . @ : / _ -",
                    c.escape_default()
                ),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The secret value, for policies and the `AssumeRole` call only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Never prints the value: External IDs stay out of logs.
impl fmt::Debug for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ExternalId({}…)",
            self.0.chars().take(4).collect::<String>()
        )
    }
}

impl TryFrom<String> for ExternalId {
    type Error = InvalidInput;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ExternalId> for String {
    fn from(e: ExternalId) -> String {
        e.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn generated_ids_are_long_valid_and_unique() {
        let ids: HashSet<String> = (0..1000)
            .map(|_| ExternalId::generate().expose().to_owned())
            .collect();
        assert_eq!(ids.len(), 1000);
        for id in &ids {
            assert!(id.len() >= 32);
            assert!(ExternalId::parse(id).is_ok());
        }
    }

    #[test]
    fn debug_does_not_leak_the_secret() {
        let id = ExternalId::generate();
        assert!(!format!("{id:?}").contains(id.expose()));
    }

    #[test]
    fn rejections_explain_themselves() {
        assert!(
            ExternalId::parse("a")
                .unwrap_err()
                .reason
                .contains("2 to 1224")
        );
        assert!(
            ExternalId::parse(&"a".repeat(1225))
                .unwrap_err()
                .reason
                .contains("1225")
        );
        assert!(
            ExternalId::parse("abc def")
                .unwrap_err()
                .reason
                .contains("' '")
        );
        assert!(ExternalId::parse(&"a".repeat(1224)).is_ok());
    }

    proptest! {
        #[test]
        fn sts_alphabet_strings_parse(s in "[A-Za-z0-9+=,.@:/_-]{2,200}") {
            let id = ExternalId::parse(&s).unwrap();
            prop_assert_eq!(id.expose(), s.as_str());
        }

        #[test]
        fn other_characters_are_rejected(a in "[a-z]{1,5}", c in "[^A-Za-z0-9+=,.@:/_-]", b in "[a-z]{1,5}") {
            let input = format!("{a}{c}{b}");
            prop_assert!(ExternalId::parse(&input).is_err());
        }
    }
}
