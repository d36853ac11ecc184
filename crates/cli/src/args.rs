//! Command-line arguments: the CLI contract that scripts and the black-box
//! tests rely on (commands, flags, `--format`, exit codes).

use clap::{Args, Parser, Subcommand, ValueEnum};

/// roster — access-control evidence from AWS IAM Identity Center.
#[derive(Debug, Parser)]
#[command(name = "roster", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Whether errors should also be printed as one JSON object on stdout.
    pub fn wants_json(&self) -> bool {
        match &self.command {
            Command::Sync(a) => a.out.is_json(),
            Command::Users(ListCmd::List(a))
            | Command::Groups(ListCmd::List(a))
            | Command::Memberships(ListCmd::List(a)) => a.out.is_json(),
            Command::Source(cmd) => cmd.json(),
            Command::Tenant(cmd) => cmd.json(),
            Command::Diff(a) => a.out.is_json(),
            Command::Check(a) => a.out.is_json(),
            Command::Review(cmd) => cmd.json(),
            Command::Access(cmd) => cmd.json(),
            _ => false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read a directory once with a role ARN and External ID (operator's one-off sync).
    Sync(SyncArgs),
    /// Users of the current snapshot.
    #[command(subcommand)]
    Users(ListCmd),
    /// Groups of the current snapshot.
    #[command(subcommand)]
    Groups(ListCmd),
    /// Group memberships of the current snapshot.
    #[command(subcommand)]
    Memberships(ListCmd),
    /// roster's own AWS emulator, for tests and demos (prints a JSON line with endpoint and keys).
    FakeAws(roster_fake_aws::FakeAwsArgs),
    /// Connections to customer directories: create, connect, list, show, sync, delete.
    #[command(subcommand)]
    Source(crate::platform_args::SourceCmd),
    /// Customer workspaces (instance operators only).
    #[command(subcommand)]
    Tenant(crate::platform_args::TenantCmd),
    /// Run queued and scheduled syncs (run many against `PostgreSQL`).
    Worker(crate::platform_args::WorkerArgs),
    /// The console and JSON API, with an in-process sync worker.
    Serve(crate::console_args::ServeArgs),
    /// The console with a built-in, seeded fake AWS: try roster without an AWS account.
    Demo(crate::console_args::DemoArgs),
    /// What changed between two snapshots (default: the last two).
    Diff(crate::evidence_args::DiffArgs),
    /// Checks IDS-01 … IDS-09 mapped to SOC 2, ISO 27001 and NIST controls.
    Check(crate::evidence_args::CheckArgs),
    /// Who can reach which AWS account (the SSO source's effective access).
    #[command(subcommand)]
    Access(crate::access_args::AccessCmd),
    /// Signed, reproducible evidence bundles: export and verify.
    #[command(subcommand)]
    Evidence(crate::evidence_args::EvidenceCmd),
    /// Access reviews: campaigns, decisions, verification, signed evidence.
    #[command(subcommand)]
    Review(crate::review_args::ReviewCmd),
    /// Benchmarks (print figures; they assert nothing).
    #[command(subcommand)]
    Bench(crate::bench_args::BenchCmd),
}

#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// <sqlite://FILE> or postgres://USER@HOST:PORT/DB.
    #[arg(
        long,
        env = "ROSTER_DATABASE_URL",
        default_value = "sqlite://roster.db",
        global = true
    )]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// ARN of the customer's role, e.g. `arn:aws:iam::123456789012:role/roster-identity-store`.
    #[arg(long)]
    pub role_arn: String,
    /// The External ID roster generated for this role's trust policy.
    #[arg(long)]
    pub external_id: String,
    /// Region to look in (default: `AWS_REGION`, then discovery of the home Region).
    #[arg(long)]
    pub region: Option<String>,
    /// Identity Store ID (d-xxxxxxxxxx) when discovery (sso:ListInstances) is not allowed.
    #[arg(long)]
    pub identity_store_id: Option<String>,
    /// The instance's quota in requests per second (AWS's default: 20).
    #[arg(long, default_value_t = 20.0)]
    pub tps: f64,
    /// How AWS counts the quota: `collective` (the list APIs together) or
    /// `per-api` (default: the source's setting, `collective` for a new one).
    #[arg(long)]
    pub quota_model: Option<roster_core::quota::QuotaModel>,
    /// The fraction of the quota this sync uses, above 0 and at most 1
    /// (default: the source's setting, 0.5 for a new one).
    #[arg(long, value_parser = crate::platform_args::parse_budget)]
    pub budget: Option<f64>,
    /// What to read: `directory` (users, groups, memberships), `access`
    /// (permission sets, assignments, effective access, through the newest
    /// directory snapshot) or `all` (the directory, then access).
    #[arg(long, default_value = "directory", value_parser = crate::platform_args::parse_scope)]
    pub scope: roster_engine::Scope,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum ListCmd {
    /// List them.
    List(ListArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// How a command prints its data: `--format table|json|csv` (default:
/// table), or `--json`, the same as `--format json` (kept for scripts).
#[derive(Debug, Clone, Copy, Args)]
pub struct OutputArgs {
    /// Output format: a table for people, JSON, or CSV.
    #[arg(long, value_enum, conflicts_with = "json")]
    pub format: Option<Format>,
    /// The same as --format json.
    #[arg(long)]
    pub json: bool,
}

impl OutputArgs {
    pub fn format(self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format.unwrap_or(Format::Table)
        }
    }

    pub fn is_json(self) -> bool {
        self.format() == Format::Json
    }
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub out: OutputArgs,
    /// Source to read (needed when there is more than one).
    #[arg(long)]
    pub source: Option<String>,
    /// A sync ID: list the directory as of that snapshot (default: the latest).
    #[arg(long)]
    pub sync: Option<i64>,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn format_of(args: &[&str]) -> Result<Format, clap::Error> {
        let cli = Cli::try_parse_from(args)?;
        Ok(match cli.command {
            Command::Sync(a) => a.out.format(),
            Command::Users(ListCmd::List(a)) => a.out.format(),
            Command::Source(crate::platform_args::SourceCmd::List { out, .. }) => out.format(),
            other => panic!("unexpected {other:?}"),
        })
    }

    #[test]
    fn every_data_command_takes_format_and_json_stays_an_alias() {
        let sync = ["roster", "sync", "--role-arn", "r", "--external-id", "e"];
        assert_eq!(format_of(&sync).unwrap(), Format::Table);
        assert_eq!(
            format_of(&[&sync[..], &["--json"]].concat()).unwrap(),
            Format::Json
        );
        assert_eq!(
            format_of(&[&sync[..], &["--format", "csv"]].concat()).unwrap(),
            Format::Csv
        );
        assert!(format_of(&[&sync[..], &["--json", "--format", "csv"]].concat()).is_err());
        assert_eq!(
            format_of(&["roster", "users", "list", "--json"]).unwrap(),
            Format::Json
        );
        assert_eq!(
            format_of(&["roster", "source", "list", "--format", "csv"]).unwrap(),
            Format::Csv
        );
        assert_eq!(
            format_of(&["roster", "source", "list", "--json"]).unwrap(),
            Format::Json
        );
        for cmd in [
            &["roster", "diff", "--format", "csv"][..],
            &["roster", "check", "--format", "csv"],
            &["roster", "tenant", "list", "--format", "csv"],
            &["roster", "evidence", "verify", "b.zip", "--format", "csv"],
            &["roster", "source", "show", "s", "--format", "csv"],
        ] {
            assert!(Cli::try_parse_from(cmd).is_ok(), "{cmd:?}");
        }
    }
}
