//! Timestamps as stored: RFC 3339, UTC, millisecond precision (sortable as text).

use time::OffsetDateTime;
use time::macros::format_description;

pub(crate) fn now() -> String {
    OffsetDateTime::now_utc()
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .expect("UTC timestamps always format")
}

/// The timestamp `offset` from now.
pub(crate) fn after(offset: std::time::Duration) -> String {
    let t = OffsetDateTime::now_utc() + offset;
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .expect("UTC timestamps always format")
}
