//! Helpers for files people open in spreadsheets.

use std::borrow::Cow;

/// Neutralises spreadsheet formula injection: a cell that starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so
/// directory data can never run as a formula where the CSV is opened.
pub fn neutralize_formula(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::neutralize_formula;

    #[test]
    fn formula_prefixes_are_neutralised() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralize_formula(bad).starts_with('\''), "{bad:?}");
        }
        for fine in ["alice", "Zoë", "a=b", "", "1-2"] {
            assert_eq!(neutralize_formula(fine), fine);
        }
    }
}
