//! `roster access list`: effective access of a source's access snapshot,
//! filtered, streamed page by page as a table, a JSON array or CSV.

use std::io::Write;

use roster_core::{AccountId, TenantId};
use roster_engine::evidence::{self, ACCESS_PAGE};
use roster_store::{AccessEntry, AccessFilter, Store};
use serde::Serialize;

use super::resolve;
use crate::access_args::{AccessCmd, AccessListArgs};
use crate::args::Format;
use crate::exit::CliError;
use crate::output::{Rows, Writer};

/// The longest filter value accepted (user names and ARNs are far shorter).
const MAX_FILTER: usize = 1_024;

pub async fn run(cmd: AccessCmd) -> Result<(), CliError> {
    match cmd {
        AccessCmd::List(args) => list(args).await,
    }
}

/// A filter as typed: at most [`MAX_FILTER`] bytes, no control characters.
fn text(flag: &str, value: Option<&String>) -> Result<Option<String>, CliError> {
    let Some(v) = value else { return Ok(None) };
    if v.len() > MAX_FILTER {
        return Err(CliError::Usage(format!(
            "--{flag} is {} bytes long; at most {MAX_FILTER} are accepted",
            v.len()
        )));
    }
    if v.chars().any(char::is_control) {
        return Err(CliError::Usage(format!(
            "--{flag} contains a control character (NUL, newline, …)"
        )));
    }
    if v.trim().is_empty() {
        return Err(CliError::Usage(format!("--{flag} is empty")));
    }
    Ok(Some(v.clone()))
}

fn filter(args: &AccessListArgs) -> Result<AccessFilter, CliError> {
    let account = text("account", args.account.as_ref())?
        .map(|a| {
            AccountId::parse(a.trim()).map_err(|e| CliError::Usage(format!("--account {a:?}: {e}")))
        })
        .transpose()?;
    Ok(AccessFilter {
        user: text("user", args.user.as_ref())?,
        account,
        permission_set: text("permission-set", args.permission_set.as_ref())?,
        group: text("group", args.group.as_ref())?,
        search: text("search", args.search.as_ref())?,
        privileged_only: args.privileged,
        direct_only: args.direct,
        orphaned_only: args.orphaned,
    })
}

/// One row of `--format json` (and the columns of `--format csv`, in this order).
#[derive(Serialize)]
struct Row<'a> {
    user_id: Option<&'a str>,
    user_name: Option<&'a str>,
    account_id: &'a str,
    account_name: Option<&'a str>,
    permission_set_arn: &'a str,
    permission_set_name: Option<&'a str>,
    /// `direct`, or the group's display name (its ID when it has none).
    via: &'a str,
    via_group_id: Option<&'a str>,
    privileged: bool,
    orphaned: bool,
    user_disabled: bool,
}

impl<'a> Row<'a> {
    fn of(e: &'a AccessEntry) -> Self {
        let r = &e.row;
        let via_group_id = match &r.via {
            roster_core::sso::Via::Direct => None,
            roster_core::sso::Via::Group { group_id, .. } => Some(group_id.as_str()),
        };
        Self {
            user_id: r.user_id.as_deref(),
            user_name: r.user_name.as_deref(),
            account_id: r.account_id.as_str(),
            account_name: e.account_name.as_deref(),
            permission_set_arn: r.permission_set_arn.as_str(),
            permission_set_name: e.permission_set_name.as_deref(),
            via: r.via.label(),
            via_group_id,
            privileged: e.privileged,
            orphaned: r.orphaned,
            user_disabled: r.user_disabled,
        }
    }

    fn csv_cells(&self) -> Vec<String> {
        let s = |v: Option<&str>| v.unwrap_or_default().to_owned();
        vec![
            s(self.user_id),
            s(self.user_name),
            self.account_id.to_owned(),
            s(self.account_name),
            self.permission_set_arn.to_owned(),
            s(self.permission_set_name),
            self.via.to_owned(),
            s(self.via_group_id),
            self.privileged.to_string(),
            self.orphaned.to_string(),
            self.user_disabled.to_string(),
        ]
    }

    fn table_cells(&self) -> Vec<String> {
        let flags: Vec<&str> = [
            (self.privileged, "privileged"),
            (self.orphaned, "orphaned"),
            (self.user_disabled, "disabled"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        vec![
            self.user_name.or(self.user_id).unwrap_or("—").to_owned(),
            self.account_id.to_owned(),
            self.account_name.unwrap_or_default().to_owned(),
            self.permission_set_name
                .unwrap_or(self.permission_set_arn)
                .to_owned(),
            self.via.to_owned(),
            flags.join(","),
        ]
    }
}

fn rows(format: Format) -> Rows {
    match format {
        Format::Table => crate::output::access_table_rows(),
        Format::Json | Format::Csv => crate::output::access_csv_rows(),
    }
}

async fn list(args: AccessListArgs) -> Result<(), CliError> {
    let filter = filter(&args)?;
    let store = roster_store::connect(&args.db.database_url).await?;
    let tenant = TenantId::default_tenant();
    let store: &dyn Store = store.as_ref();
    let source = resolve::source(store, &tenant, args.source.as_deref()).await?;
    let access = match args.sync {
        Some(id) => {
            let snap = resolve::sync_of(store, &tenant, &source, id).await?;
            evidence::access_snapshot(store, &tenant, &snap).await?
        }
        None => evidence::latest_access_snapshot(store, &tenant, &source).await?,
    }
    .ok_or_else(|| evidence::no_access_snapshot(&source))?;
    let format = args.out.format();
    let stdout = std::io::stdout();
    let mut out = Writer::new(format, rows(format), stdout.lock())?;
    let mut after: Option<String> = None;
    loop {
        let page = store
            .access_page(&tenant, &access.at, &filter, after.as_deref(), ACCESS_PAGE)
            .await?;
        let rows: Vec<Row<'_>> = page.iter().map(Row::of).collect();
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| match format {
                Format::Table => r.table_cells(),
                Format::Json | Format::Csv => r.csv_cells(),
            })
            .collect();
        let json = rows
            .iter()
            .map(|r| serde_json::to_string(r).map_err(|e| CliError::Other(e.into())))
            .collect::<Result<Vec<_>, _>>()?;
        out.write_page(&cells, &json)?;
        match page.last() {
            Some(last) if page.len() == ACCESS_PAGE as usize => after = Some(last.cursor()),
            _ => break,
        }
    }
    out.finish()?.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::{Cli, Command};

    fn parse(extra: &[&str]) -> Result<AccessFilter, CliError> {
        let cli = Cli::try_parse_from([&["roster", "access", "list"], extra].concat())
            .map_err(|e| CliError::Usage(e.to_string()))?;
        match cli.command {
            Command::Access(AccessCmd::List(a)) => filter(&a),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn filters_parse_into_the_store_filter() {
        let f = parse(&[
            "--user",
            "ada",
            "--account",
            "123456789012",
            "--permission-set",
            "AdministratorAccess",
            "--privileged",
            "--direct",
            "--orphaned",
        ])
        .unwrap();
        assert_eq!(f.user.as_deref(), Some("ada"));
        assert_eq!(f.account.unwrap().as_str(), "123456789012");
        assert_eq!(f.permission_set.as_deref(), Some("AdministratorAccess"));
        assert!(f.privileged_only && f.direct_only && f.orphaned_only);
        let none = parse(&[]).unwrap();
        assert!(none.user.is_none() && !none.privileged_only);
    }

    #[test]
    fn hostile_filters_are_usage_errors() {
        let long = "x".repeat(MAX_FILTER + 1);
        for bad in [
            &["--user", long.as_str()][..],
            &["--user", "a\u{7}b"],
            &["--permission-set", "line\nbreak"],
            &["--account", "12345"],
            &["--account", "abcdefghijkl"],
            &["--search", "  "],
        ] {
            assert!(
                matches!(parse(bad), Err(CliError::Usage(_))),
                "{bad:?} was accepted"
            );
        }
    }
}
