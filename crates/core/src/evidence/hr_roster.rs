//! The HR roster for IDS-09: a CSV of active employees with an `email`
//! column, parsed all-or-nothing with line-numbered errors. Pure.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Most data rows a roster may have: far above any real company's
/// headcount, far below what would make a report or an API answer huge.
pub const MAX_ROWS: u64 = 100_000;

/// Active employees' e-mail addresses, lower-cased.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HrRoster {
    pub emails: BTreeSet<String>,
}

impl HrRoster {
    pub fn contains(&self, email: &str) -> bool {
        self.emails.contains(&email.trim().to_lowercase())
    }

    pub fn len(&self) -> usize {
        self.emails.len()
    }

    pub fn is_empty(&self) -> bool {
        self.emails.is_empty()
    }
}

/// What is wrong with one line of the file (1-based line numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterLineError {
    pub line: u64,
    pub message: String,
}

impl fmt::Display for RosterLineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn err(line: u64, message: impl Into<String>) -> RosterLineError {
    RosterLineError {
        line,
        message: message.into(),
    }
}

fn email_problem(email: &str) -> Option<&'static str> {
    if email.is_empty() {
        return Some("the email is empty");
    }
    if email.chars().any(char::is_whitespace) {
        return Some("the email contains whitespace");
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty() && domain.contains('.') && !domain.contains('@') =>
        {
            None
        }
        _ => Some("not an email address (expected name@domain)"),
    }
}

/// Parses the CSV; any error rejects the whole file (nothing is kept).
pub fn parse(bytes: &[u8]) -> Result<HrRoster, Vec<RosterLineError>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        None => {
            return Err(vec![err(
                1,
                "the file is empty; expected a header line with an 'email' column",
            )]);
        }
        Some(Err(e)) => return Err(vec![err(1, e.to_string())]),
        Some(Ok(h)) => h,
    };
    let Some(column) = header.iter().position(|h| {
        String::from_utf8_lossy(h)
            .trim()
            .eq_ignore_ascii_case("email")
    }) else {
        return Err(vec![err(1, "no 'email' column in the header line")]);
    };
    let width = header.len();
    let mut roster = HrRoster::default();
    let mut errors = Vec::new();
    let mut rows = 0_u64;
    for record in records {
        rows += 1;
        if rows > MAX_ROWS {
            let line = record
                .as_ref()
                .ok()
                .and_then(|r| r.position().map(csv::Position::line))
                .unwrap_or(rows + 1);
            errors.push(err(
                line,
                format!("more than {MAX_ROWS} rows; split the file or keep active employees only"),
            ));
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                errors.push(err(line, e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.len() == 1 && record.get(0).is_some_and(<[u8]>::is_empty) {
            continue;
        }
        if record.len() != width {
            errors.push(err(
                line,
                format!("{} fields, but the header has {width}", record.len()),
            ));
            continue;
        }
        let Ok(cell) = std::str::from_utf8(record.get(column).unwrap_or_default()) else {
            errors.push(err(line, "not valid UTF-8"));
            continue;
        };
        let email = cell.trim();
        match email_problem(email) {
            Some(problem) => errors.push(err(line, format!("{problem}: {email:?}"))),
            None => {
                roster.emails.insert(email.to_lowercase());
            }
        }
    }
    if errors.is_empty() && roster.is_empty() {
        errors.push(err(1, "no employees: the file has a header but no rows"));
    }
    if errors.is_empty() {
        Ok(roster)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn a_good_roster_is_lower_cased_and_deduplicated() {
        let r = parse(
            b"name,email\nAda,Ada@Example.com\nBob,bob@example.com\nAda again,ada@example.com\n",
        )
        .unwrap();
        assert_eq!(r.len(), 2);
        assert!(r.contains("ADA@example.COM"));
    }

    #[test]
    fn bad_rows_are_reported_with_their_line_numbers() {
        let errors =
            parse(b"email,name\nok@example.com,A\nnot-an-email,B\n\"x\"\n , C\n").unwrap_err();
        let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5], "{errors:?}");
        assert!(
            errors[0]
                .to_string()
                .starts_with("line 3: not an email address")
        );
    }

    #[test]
    fn a_missing_header_or_empty_file_is_rejected() {
        assert_eq!(parse(b"").unwrap_err()[0].line, 1);
        assert!(
            parse(b"mail\na@b.c\n").unwrap_err()[0]
                .message
                .contains("'email'")
        );
        assert!(
            parse(b"email\n").unwrap_err()[0]
                .message
                .contains("no employees")
        );
    }

    #[test]
    fn a_roster_longer_than_the_cap_is_rejected_at_the_first_row_over_it() {
        let mut csv = String::from("email\n");
        for i in 0..=MAX_ROWS {
            let _ = writeln!(csv, "p{i}@example.com");
        }
        let errors = parse(csv.as_bytes()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, MAX_ROWS + 2);
        assert!(errors[0].message.contains("more than 100000 rows"));
        let at_cap = csv.lines().take(usize::try_from(MAX_ROWS).unwrap() + 1);
        let ok = at_cap.collect::<Vec<_>>().join("\n");
        assert_eq!(parse(ok.as_bytes()).unwrap().len(), 100_000);
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_panic() {
        let errors = parse(b"email\n\xff@x.com\n").unwrap_err();
        assert_eq!(errors[0].line, 2);
    }
}
