//! `Timestamp`: an instant in UTC with millisecond precision, and the one
//! place that defines its text form, `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 3339).
//!
//! That text is what the database stores, what the API, CSV and evidence
//! files show, and what sorts: for timestamps written by roster, the order
//! of the text is the order in time. Reading is lenient (any RFC 3339 time,
//! with or without fractional seconds, in any offset: the first migrations
//! stored the default tenant's `created_at` without milliseconds); writing
//! is always the one exact form.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::FormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use crate::error::InvalidInput;

/// The stored and displayed form: RFC 3339, UTC, exactly three fractional digits.
const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// An instant in UTC, truncated to whole milliseconds (so that its text form
/// parses back to the same value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// The instant `t`, in UTC, truncated to the millisecond.
    pub fn from_datetime(t: OffsetDateTime) -> Self {
        let t = t.to_offset(UtcOffset::UTC);
        let millis = t.millisecond();
        Self(
            t.replace_millisecond(millis)
                .expect("a millisecond taken from a valid time is valid"),
        )
    }

    /// Milliseconds since the Unix epoch (negative before 1970).
    pub fn from_unix_millis(millis: i64) -> Result<Self, InvalidInput> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
            .map(Self)
            .map_err(|e| InvalidInput::new("timestamp", e.to_string()))
    }

    /// The wall clock now. Prefer a [`crate::clock::Clock`], which tests can fix.
    pub fn now_utc() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    /// Parses any RFC 3339 time (what older databases may hold); the result
    /// is in UTC, truncated to the millisecond.
    pub fn parse(s: &str) -> Result<Self, InvalidInput> {
        OffsetDateTime::parse(s.trim(), &Rfc3339)
            .map(Self::from_datetime)
            .map_err(|_| {
                InvalidInput::new(
                    "timestamp",
                    format!("'{s}' is not an RFC 3339 time such as 2024-05-01T12:00:00.000Z"),
                )
            })
    }

    pub fn as_datetime(self) -> OffsetDateTime {
        self.0
    }

    /// Whole seconds from `earlier` to `self` (negative if `earlier` is later).
    pub fn seconds_since(self, earlier: Self) -> i64 {
        (self.0 - earlier.0).whole_seconds()
    }

    /// The instant `d` later, saturating at the largest representable time.
    #[must_use]
    pub fn plus(self, d: Duration) -> Self {
        let d = time::Duration::try_from(d).unwrap_or(time::Duration::MAX);
        Self::from_datetime(self.0.saturating_add(d))
    }

    /// The instant `seconds` later (earlier when negative).
    #[must_use]
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Self::from_datetime(self.0.saturating_add(time::Duration::seconds(seconds)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.format(FORMAT).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl FromStr for Timestamp {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        Self::from_datetime(t)
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.to_string()
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_exactly_as_stored() {
        let t = Timestamp::parse("2026-03-04T05:06:07.089Z").unwrap();
        assert_eq!(t.to_string(), "2026-03-04T05:06:07.089Z");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"2026-03-04T05:06:07.089Z\""
        );
        let back: Timestamp = serde_json::from_str("\"2026-03-04T05:06:07.089Z\"").unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn reads_what_older_databases_hold() {
        // The first migration's default tenant: whole seconds, no fraction.
        let t = Timestamp::parse("2026-03-04T05:06:07Z").unwrap();
        assert_eq!(t.to_string(), "2026-03-04T05:06:07.000Z");
        // Finer precision and other offsets are read, written as UTC milliseconds.
        let t = Timestamp::parse("2026-03-04T06:06:07.0891234+01:00").unwrap();
        assert_eq!(t.to_string(), "2026-03-04T05:06:07.089Z");
        assert!(Timestamp::parse("2026-03-04 05:06:07").is_err());
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn arithmetic_keeps_millisecond_precision() {
        let t = Timestamp::parse("2026-03-04T05:06:07.089Z").unwrap();
        assert_eq!(
            t.plus(Duration::from_millis(1_500)).to_string(),
            "2026-03-04T05:06:08.589Z"
        );
        assert_eq!(t.plus_seconds(-7).to_string(), "2026-03-04T05:06:00.089Z");
        assert_eq!(t.plus_seconds(90).seconds_since(t), 90);
    }

    fn any_timestamp() -> impl Strategy<Value = Timestamp> {
        // Years 1970..=9999, the range the four-digit form covers.
        (0_i64..253_402_300_799_999).prop_map(|ms| Timestamp::from_unix_millis(ms).unwrap())
    }

    proptest! {
        #[test]
        fn text_round_trips(t in any_timestamp()) {
            let text = t.to_string();
            prop_assert_eq!(text.len(), 24);
            prop_assert_eq!(Timestamp::parse(&text).unwrap(), t);
        }

        #[test]
        fn text_order_is_time_order(a in any_timestamp(), b in any_timestamp()) {
            prop_assert_eq!(a.to_string().cmp(&b.to_string()), a.cmp(&b));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Timestamp::parse(&s);
        }
    }
}
