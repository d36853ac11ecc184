//! Output formats of the list commands: an aligned table, a JSON array with
//! AWS field names, or CSV (formula-safe), all written page by page.

use std::io::Write;

use roster_core::export::neutralize_formula;
use roster_core::{Group, User};
use roster_store::MembershipRow;
use serde_json::json;

use crate::args::Format;
use crate::exit::CliError;

/// Column headers, with the width each gets in a table.
pub struct Rows(&'static [(&'static str, usize)]);

pub fn user_rows() -> Rows {
    Rows(&[
        ("UserId", 38),
        ("UserName", 28),
        ("DisplayName", 24),
        ("Email", 32),
        ("UserStatus", 10),
        ("IdP", 3),
    ])
}

pub fn groups_rows() -> Rows {
    Rows(&[("GroupId", 38), ("DisplayName", 32), ("Description", 40)])
}

pub fn membership_rows() -> Rows {
    Rows(&[
        ("MembershipId", 38),
        ("GroupId", 38),
        ("DisplayName", 24),
        ("UserId", 38),
        ("UserName", 28),
    ])
}

/// `roster access list` as a table.
pub fn access_table_rows() -> Rows {
    Rows(&[
        ("User", 24),
        ("Account", 12),
        ("AccountName", 20),
        ("PermissionSet", 24),
        ("Via", 20),
        ("Flags", 26),
    ])
}

/// `roster access list` as CSV: the JSON rows' fields, in their order.
pub fn access_csv_rows() -> Rows {
    Rows(&[
        ("user_id", 0),
        ("user_name", 0),
        ("account_id", 0),
        ("account_name", 0),
        ("permission_set_arn", 0),
        ("permission_set_name", 0),
        ("via", 0),
        ("via_group_id", 0),
        ("privileged", 0),
        ("orphaned", 0),
        ("user_disabled", 0),
    ])
}

pub fn user_cells(u: &User) -> Vec<String> {
    let status = match &u.user_status {
        Some(roster_core::directory::UserStatus::Enabled) => "ENABLED".to_owned(),
        Some(roster_core::directory::UserStatus::Disabled) => "DISABLED".to_owned(),
        Some(roster_core::directory::UserStatus::Other(s)) => s.clone(),
        None => String::new(),
    };
    vec![
        u.user_id.to_string(),
        u.user_name.clone().unwrap_or_default(),
        u.display_name.clone().unwrap_or_default(),
        u.primary_email().unwrap_or_default().to_owned(),
        status,
        if u.is_idp_sourced() { "yes" } else { "no" }.to_owned(),
    ]
}

pub fn group_cells(g: &Group) -> Vec<String> {
    vec![
        g.group_id.to_string(),
        g.display_name.clone().unwrap_or_default(),
        g.description.clone().unwrap_or_default(),
    ]
}

pub fn membership_cells(m: &MembershipRow) -> Vec<String> {
    vec![
        m.membership.membership_id.to_string(),
        m.membership.group_id.to_string(),
        m.group_display_name.clone().unwrap_or_default(),
        m.membership.user_id.to_string(),
        m.user_name.clone().unwrap_or_default(),
    ]
}

/// A membership as JSON: AWS names, plus the group's `DisplayName` and the user's `UserName`.
pub fn membership_json(m: &MembershipRow) -> serde_json::Value {
    json!({
        "MembershipId": m.membership.membership_id,
        "GroupId": m.membership.group_id,
        "DisplayName": m.group_display_name,
        "UserId": m.membership.user_id,
        "UserName": m.user_name,
    })
}

/// Data given as JSON, as CSV: an array of objects is one record per object
/// under the first object's keys; an object is one `field,value` record per
/// field; nested values are written as compact JSON. Formula-safe.
pub fn json_csv(value: &serde_json::Value) -> Result<Vec<u8>, CliError> {
    use serde_json::Value;
    let cell = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let records: Vec<Vec<String>> = match value {
        Value::Array(items) if items.is_empty() => Vec::new(),
        Value::Array(items) => {
            let keys: Vec<String> = items
                .first()
                .and_then(Value::as_object)
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            let rows = items
                .iter()
                .map(|item| keys.iter().map(|k| cell(item.get(k))).collect());
            std::iter::once(keys.clone()).chain(rows).collect()
        }
        Value::Object(fields) => std::iter::once(vec!["field".to_owned(), "value".to_owned()])
            .chain(fields.iter().map(|(k, v)| vec![k.clone(), cell(Some(v))]))
            .collect(),
        other => vec![vec![cell(Some(other))]],
    };
    csv_bytes(records.iter().map(Vec::as_slice))
}

/// Prints `body` as JSON (one line) or CSV and returns `true`; for a table
/// returns `false`: the caller prints its own.
pub fn print_data(format: Format, body: &serde_json::Value) -> Result<bool, CliError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => writeln!(out, "{body}")?,
        Format::Csv => out.write_all(&json_csv(body)?)?,
        Format::Table => return Ok(false),
    }
    out.flush()?;
    Ok(true)
}

pub struct Writer<W: Write> {
    format: Format,
    rows: Rows,
    out: W,
    written: usize,
}

/// One or more CSV records, formula-neutralised, as bytes.
pub fn csv_bytes<'a>(records: impl IntoIterator<Item = &'a [String]>) -> Result<Vec<u8>, CliError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for record in records {
        w.write_record(record.iter().map(|c| neutralize_formula(c).into_owned()))
            .map_err(|e| CliError::Other(e.into()))?;
    }
    w.into_inner()
        .map_err(|e| CliError::Other(anyhow::anyhow!("{e}")))
}

fn truncate(s: &str, width: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() <= width {
        format!("{clean:<width$}")
    } else {
        let cut: String = clean.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

impl<W: Write> Writer<W> {
    pub fn new(format: Format, rows: Rows, mut out: W) -> Result<Self, CliError> {
        match format {
            Format::Table => {
                let line: Vec<String> = rows.0.iter().map(|(h, w)| truncate(h, *w)).collect();
                writeln!(out, "{}", line.join("  ").trim_end())?;
            }
            Format::Json => write!(out, "[")?,
            Format::Csv => {
                let header: Vec<String> = rows.0.iter().map(|(h, _)| (*h).to_owned()).collect();
                out.write_all(&csv_bytes([header.as_slice()])?)?;
            }
        }
        Ok(Self {
            format,
            rows,
            out,
            written: 0,
        })
    }

    pub fn write_page(&mut self, cells: &[Vec<String>], json: &[String]) -> Result<(), CliError> {
        match self.format {
            Format::Table => {
                for row in cells {
                    let line: Vec<String> = row
                        .iter()
                        .zip(self.rows.0)
                        .map(|(c, (_, w))| truncate(c, *w))
                        .collect();
                    writeln!(self.out, "{}", line.join("  ").trim_end())?;
                }
            }
            Format::Json => {
                for value in json {
                    let sep = if self.written == 0 { "\n" } else { ",\n" };
                    write!(self.out, "{sep}  {value}")?;
                    self.written += 1;
                }
            }
            Format::Csv => self
                .out
                .write_all(&csv_bytes(cells.iter().map(Vec::as_slice))?)?,
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<W, CliError> {
        match self.format {
            Format::Json => writeln!(self.out, "{}]", if self.written == 0 { "" } else { "\n" })?,
            Format::Csv | Format::Table => {}
        }
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: Format, cells: &[Vec<String>]) -> String {
        let mut w = Writer::new(format, groups_rows(), Vec::new()).unwrap();
        let json: Vec<String> = cells
            .iter()
            .map(|c| json!({"GroupId": c[0]}).to_string())
            .collect();
        w.write_page(cells, &json).unwrap();
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn csv_quotes_and_neutralises() {
        let out = render(
            Format::Csv,
            &[vec![
                "g1".into(),
                "=cmd|' /C calc'!A0".into(),
                "a, \"b\"\nc".into(),
            ]],
        );
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let rec = reader.records().next().unwrap().unwrap();
        assert_eq!(&rec[1], "'=cmd|' /C calc'!A0");
        assert_eq!(&rec[2], "a, \"b\"\nc");
    }

    #[test]
    fn json_is_one_valid_array_even_when_empty() {
        let empty: serde_json::Value = serde_json::from_str(&render(Format::Json, &[])).unwrap();
        assert_eq!(empty, json!([]));
        let two: serde_json::Value = serde_json::from_str(&render(
            Format::Json,
            &[
                vec!["a".into(), String::new(), String::new()],
                vec!["b".into(), String::new(), String::new()],
            ],
        ))
        .unwrap();
        assert_eq!(two, json!([{"GroupId": "a"}, {"GroupId": "b"}]));
    }

    #[test]
    fn json_data_as_csv_is_records_or_field_value_lines() {
        let list = json!([{"id": "a", "n": 1, "x": null}, {"id": "=b", "n": 2, "x": [1]}]);
        let text = String::from_utf8(json_csv(&list).unwrap()).unwrap();
        assert_eq!(text, "id,n,x\na,1,\n'=b,2,[1]\n");
        assert!(json_csv(&json!([])).unwrap().is_empty());
        let object = json!({"status": "ok", "files": ["a", "b"]});
        let text = String::from_utf8(json_csv(&object).unwrap()).unwrap();
        assert_eq!(
            text,
            "field,value\nfiles,\"[\"\"a\"\",\"\"b\"\"]\"\nstatus,ok\n"
        );
    }

    #[test]
    fn tables_truncate_long_cells_and_strip_control_characters() {
        let out = render(
            Format::Table,
            &[vec!["g".into(), "x".repeat(50), "line\nbreak".into()]],
        );
        assert!(out.contains('…'));
        assert!(out.contains("line break"));
    }
}
