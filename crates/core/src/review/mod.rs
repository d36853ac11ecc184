//! Access reviews (campaigns): who reviewed which access, what they decided,
//! and whether revocations were carried out. Pure: identifiers, the kinds of
//! population, decisions, the remediation rule and the `IDS-10` check.

mod campaign;
mod check;
mod decision;
mod remediation;

#[cfg(test)]
mod tests;

pub use campaign::{
    CampaignId, CampaignStatus, DEFAULT_REMEDIATION_DAYS, MAX_FILTER_ENTRIES, OwnerKind,
    PopulationFilter, PopulationKind,
};
pub use check::{IDS10, OverdueItem, REVIEW_CHECKS, ids10};
pub use decision::{MAX_COMMENT_BYTES, Verdict, validate_comment};
pub use remediation::{Remediation, remediation};

/// Whether a console user's email names a directory user: equal, ignoring
/// case and surrounding space, to the user's email or user name (Identity
/// Center user names are often emails). Used to keep anyone from reviewing
/// their own access.
pub fn same_person(console_email: &str, directory: &[Option<&str>]) -> bool {
    let me = console_email.trim();
    !me.is_empty()
        && directory
            .iter()
            .flatten()
            .any(|d| d.trim().eq_ignore_ascii_case(me))
}
