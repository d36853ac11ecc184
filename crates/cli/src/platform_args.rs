//! Arguments of the headless platform commands: sources, tenants, workers.

use clap::{Args, Subcommand};
use roster_core::quota::QuotaModel;

use crate::args::{DatabaseArgs, OutputArgs};

/// A budget as typed: a fraction of the quota above 0 and at most 1.
pub fn parse_budget(text: &str) -> Result<f64, String> {
    text.trim()
        .parse()
        .ok()
        .filter(|b| roster_core::quota::budget_is_valid(*b))
        .ok_or_else(|| {
            format!(
                "{text:?} is not a budget: a fraction of the quota above 0 and at most 1, e.g. 0.5"
            )
        })
}

#[derive(Debug, Args)]
pub struct TenantArg {
    /// Tenant slug (default: the install's default tenant).
    #[arg(long, default_value = "default")]
    pub tenant: String,
}

/// Which catalog source a connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceKind {
    /// AWS IAM Identity Center (Identity Store): users, groups, memberships.
    AwsIdentityStore,
    /// AWS IAM Identity Center (SSO): also permission sets, assignments and effective access.
    AwsSso,
}

/// `--scope directory|access|all`.
pub fn parse_scope(s: &str) -> Result<roster_engine::Scope, String> {
    roster_engine::Scope::parse(s)
        .ok_or_else(|| format!("scope must be directory, access or all, not {s}"))
}

#[derive(Debug, Subcommand)]
pub enum SourceCmd {
    /// Create a connection: prints its ID, generated External ID, trust policy and inline policy.
    Create {
        /// A name for people (default: "AWS IAM Identity Center").
        #[arg(long)]
        name: Option<String>,
        /// `aws-identity-store` (the directory) or `aws-sso` (the directory
        /// and who can reach which AWS account: its policy adds the SSO
        /// statement, and its syncs read both).
        #[arg(long, value_enum, default_value_t = SourceKind::AwsIdentityStore)]
        kind: SourceKind,
        #[command(flatten)]
        tenant: TenantArg,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Run the connection test of the source wizard with the customer's role and store where the directory is.
    Connect {
        id: String,
        /// ARN of the role the customer created.
        #[arg(long)]
        role_arn: String,
        /// Region to look in (default: discovery of the home Region).
        #[arg(long)]
        region: Option<String>,
        /// Identity Store ID when discovery (sso:ListInstances) is not allowed.
        #[arg(long)]
        identity_store_id: Option<String>,
        /// Also collect access: run the SSO steps too and, when every step
        /// passes, let this connection collect access (the role needs the
        /// SSO statement). A failed step leaves access off.
        #[arg(long)]
        collect_access: bool,
        #[command(flatten)]
        tenant: TenantArg,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// List connections.
    List {
        #[command(flatten)]
        tenant: TenantArg,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Show one connection with its last syncs.
    Show {
        id: String,
        #[command(flatten)]
        tenant: TenantArg,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Sync a connection now (or queue it for the workers with --enqueue).
    Sync {
        id: String,
        #[command(flatten)]
        tenant: TenantArg,
        /// Put a job on the queue instead of syncing in this process.
        #[arg(long)]
        enqueue: bool,
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// How often a connection is synced on schedule.
    Interval {
        id: String,
        /// Hours between scheduled syncs (1 to 720).
        #[arg(long)]
        hours: u32,
        #[command(flatten)]
        tenant: TenantArg,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// The instance's quota (requests per second, for an instance whose quota
    /// AWS raised), how AWS counts it, and the fraction of it roster uses
    /// (shared by every worker syncing that instance).
    Rate {
        id: String,
        /// 1 to 1000.
        #[arg(long, conflicts_with = "default", required_unless_present_any = ["default", "quota_model", "budget"])]
        tps: Option<u32>,
        /// Back to AWS's default quota, 20.
        #[arg(long)]
        default: bool,
        /// `collective` (one quota for the three list APIs together) or
        /// `per-api` (one each).
        #[arg(long)]
        quota_model: Option<QuotaModel>,
        /// The fraction of the quota syncs use, above 0 and at most 1 (default 0.5).
        #[arg(long, value_parser = parse_budget)]
        budget: Option<f64>,
        #[command(flatten)]
        tenant: TenantArg,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// Delete a connection and all its history.
    Delete {
        id: String,
        #[command(flatten)]
        tenant: TenantArg,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

impl SourceCmd {
    pub fn json(&self) -> bool {
        match self {
            Self::Create { out, .. }
            | Self::Connect { out, .. }
            | Self::List { out, .. }
            | Self::Show { out, .. }
            | Self::Sync { out, .. } => out.is_json(),
            Self::Delete { .. } | Self::Interval { .. } | Self::Rate { .. } => false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TenantCmd {
    /// Create a tenant.
    Create {
        /// Slug: lowercase letters, digits and '-'.
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        db: DatabaseArgs,
    },
    /// List tenants.
    List {
        #[command(flatten)]
        out: OutputArgs,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

impl TenantCmd {
    pub fn json(&self) -> bool {
        matches!(self, Self::List { out, .. } if out.is_json())
    }
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Jobs this worker runs at once.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Lease owner name (default: host name and process ID).
    #[arg(long)]
    pub id: Option<String>,
    /// Requests per second per Identity Store API per instance.
    #[arg(long, default_value_t = 20.0)]
    pub tps: f64,
    /// How long a claimed job stays this worker's without renewal; a killed
    /// worker's jobs are retried by others after this.
    #[arg(long, default_value_t = 60)]
    pub lease_seconds: u64,
    /// Serve /healthz, /readyz and Prometheus /metrics at this address, e.g.
    /// 127.0.0.1:9101 (/metrics answers loopback clients, or any client with
    /// `ROSTER_METRICS_TOKEN` as its bearer token).
    #[arg(long, value_name = "HOST:PORT")]
    pub metrics_addr: Option<String>,
    #[command(flatten)]
    pub db: DatabaseArgs,
}
