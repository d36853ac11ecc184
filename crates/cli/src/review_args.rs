//! Arguments of `roster review …`: access review campaigns (product.md §13).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::args::{DatabaseArgs, OutputArgs};

#[derive(Debug, Subcommand)]
pub enum ReviewCmd {
    /// Open a campaign on the source's latest snapshot (prints its id and items count).
    Create(CreateArgs),
    /// The tenant's campaigns, newest first.
    List(ListArgs),
    /// A campaign, its progress per reviewer and its items.
    Show(ShowArgs),
    /// Decide items: keep, revoke (--comment required) or reassign (--to EMAIL).
    Decide(DecideArgs),
    /// Close a campaign: undecided items are recorded as undecided.
    Close(CloseArgs),
    /// Write the campaign's signed evidence bundle (zip).
    Export(ExportArgs),
    /// Set (or with --clear remove) the owner who reviews a group, account or permission set.
    Owner(OwnerArgs),
    /// IDS-10: fails while revoked access is still present past its remediation window.
    Check(ListArgs),
}

impl ReviewCmd {
    pub fn json(&self) -> bool {
        match self {
            Self::Create(a) => a.out.is_json(),
            Self::List(a) | Self::Check(a) => a.out.is_json(),
            Self::Show(a) => a.out.is_json(),
            Self::Decide(a) => a.out.is_json(),
            Self::Close(a) => a.out.is_json(),
            Self::Export(_) | Self::Owner(_) => false,
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The source whose snapshot is reviewed (needed when there is more than one).
    #[arg(long)]
    pub source: Option<String>,
    /// What is reviewed: `memberships` (group memberships) or `access` (effective access of an SSO source).
    #[arg(long, default_value = "memberships")]
    pub scope: String,
    /// `privileged`, `group=ID-OR-NAME`, `account=ID`; repeat or separate with commas.
    #[arg(long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// One reviewer for every item (except their own access).
    #[arg(long, value_name = "EMAIL")]
    pub reviewer: Option<String>,
    /// Reviewer of items without an owner, and of an owner's own access.
    #[arg(long, value_name = "EMAIL")]
    pub fallback_reviewer: Option<String>,
    /// Due date: YYYY-MM-DD (end of that day, UTC) or an RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    pub due: Option<String>,
    /// Days after a revoke before access still present is overdue (default 14).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub remediation_days: Option<u32>,
    /// A name for the campaign.
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The campaign's ID (rev_…).
    pub campaign: String,
    /// Only the items of this reviewer.
    #[arg(long, value_name = "EMAIL")]
    pub reviewer: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct DecideArgs {
    /// The campaign's ID (rev_…).
    pub campaign: String,
    /// An item ID, or several separated by commas (a bulk decision: one record each).
    pub items: String,
    /// keep, revoke or reassign.
    pub decision: String,
    /// Why (required for revoke).
    #[arg(long)]
    pub comment: Option<String>,
    /// The new reviewer (reassign).
    #[arg(long, value_name = "EMAIL")]
    pub to: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// The campaign's ID (rev_…).
    pub campaign: String,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The campaign's ID (rev_…).
    pub campaign: String,
    /// Where to write the zip.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct OwnerArgs {
    /// The source the object belongs to (needed when there is more than one).
    #[arg(long)]
    pub source: Option<String>,
    /// `group`, `account` or `permission_set`.
    #[arg(long, default_value = "group")]
    pub kind: String,
    /// Group ID, account ID or permission set ARN.
    #[arg(long)]
    pub object: String,
    /// The owner's email (a console user who reviews it).
    #[arg(long, value_name = "EMAIL", required_unless_present = "clear")]
    pub email: Option<String>,
    /// Remove the owner.
    #[arg(long)]
    pub clear: bool,
    #[command(flatten)]
    pub db: DatabaseArgs,
}
