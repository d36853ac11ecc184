//! What a reviewer decides about an item.

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;

/// Longest comment kept with a decision, in bytes.
pub const MAX_COMMENT_BYTES: usize = 4000;

/// A recorded decision. `Reassign` hands the item to another reviewer;
/// `Undecided` is what closing a campaign records for items nobody decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Keep,
    Revoke,
    Reassign,
    Undecided,
}

impl Verdict {
    pub const ALL: [Self; 4] = [Self::Keep, Self::Revoke, Self::Reassign, Self::Undecided];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keep => "keep",
            Self::Revoke => "revoke",
            Self::Reassign => "reassign",
            Self::Undecided => "undecided",
        }
    }

    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| InvalidInput::new("decision", format!("'{s}' must be keep or revoke")))
    }

    /// Keep and revoke are what a reviewer decides about access.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Keep | Self::Revoke)
    }
}

/// A decision's comment, checked: required (non-blank) for revoke, at most
/// `MAX_COMMENT_BYTES`, no NUL. Returns it trimmed (`None` when blank).
pub fn validate_comment(
    verdict: Verdict,
    comment: Option<&str>,
) -> Result<Option<String>, InvalidInput> {
    let c = comment.map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = c {
        if c.contains('\0') {
            return Err(InvalidInput::new("comment", "NUL is not allowed"));
        }
        if c.len() > MAX_COMMENT_BYTES {
            return Err(InvalidInput::new(
                "comment",
                format!("at most {MAX_COMMENT_BYTES} bytes"),
            ));
        }
    }
    if verdict == Verdict::Revoke && c.is_none() {
        return Err(InvalidInput::new(
            "comment",
            "a revoke needs a comment saying why",
        ));
    }
    Ok(c.map(str::to_owned))
}
