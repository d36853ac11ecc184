//! Arguments of `roster access list`: effective access of the SSO source
//! (who can reach which AWS account with which permission set), filtered.

use clap::{Args, Subcommand};

use crate::args::{DatabaseArgs, OutputArgs};

#[derive(Debug, Subcommand)]
pub enum AccessCmd {
    /// One row per user, account, permission set and path (direct or via a group).
    List(AccessListArgs),
}

impl AccessCmd {
    pub fn json(&self) -> bool {
        match self {
            Self::List(a) => a.out.is_json(),
        }
    }
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // independent on/off filters
pub struct AccessListArgs {
    /// Source to read (needed when there is more than one).
    #[arg(long)]
    pub source: Option<String>,
    /// A sync ID: access as of that snapshot (default: the latest access snapshot).
    #[arg(long)]
    pub sync: Option<i64>,
    /// Only this user: a user ID or exact user name.
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Only this AWS account (12-digit ID).
    #[arg(long, value_name = "ACCOUNT_ID")]
    pub account: Option<String>,
    /// Only this permission set: its ARN or exact name.
    #[arg(long, value_name = "PERMISSION_SET")]
    pub permission_set: Option<String>,
    /// Only access granted through this group (its ID).
    #[arg(long, value_name = "GROUP_ID")]
    pub group: Option<String>,
    /// Only rows whose user, account, permission set or group contains this text (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Only administrator-level or privileged permission sets.
    #[arg(long)]
    pub privileged: bool,
    /// Only direct user assignments (not through a group).
    #[arg(long)]
    pub direct: bool,
    /// Only assignments to users or groups that no longer exist.
    #[arg(long)]
    pub orphaned: bool,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DatabaseArgs,
}
