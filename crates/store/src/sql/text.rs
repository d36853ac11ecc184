//! Text from outside (AWS directory values) on its way into a column.
//! `PostgreSQL`'s `TEXT` cannot hold NUL (U+0000) and rejects the whole
//! statement — one user with a NUL in a field would fail every sync. Columns
//! get U+FFFD (the replacement character, visibly "something was here") in
//! its place on every backend alike; the row's JSON document keeps the exact
//! value (JSON escapes NUL as `\u0000`), so nothing is lost.

use std::borrow::Cow;

/// `value` fit for a text column: NUL becomes U+FFFD, all else unchanged.
pub(crate) fn column(value: &str) -> Cow<'_, str> {
    if value.contains('\0') {
        Cow::Owned(value.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// [`column`] for an optional value, owned for binding.
pub(crate) fn column_opt(value: Option<&str>) -> Option<String> {
    value.map(|v| column(v).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_replaced_and_everything_else_kept() {
        assert!(matches!(column("ada"), Cow::Borrowed("ada")));
        assert_eq!(column("a\0b\0"), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(column_opt(Some("é\0")), Some("é\u{FFFD}".to_owned()));
        assert_eq!(column_opt(None), None);
    }
}
