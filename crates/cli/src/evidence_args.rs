//! Arguments of the evidence commands: `roster diff`, `roster check`,
//! `roster evidence export|verify`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::args::{DatabaseArgs, OutputArgs};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older sync (default: the one before --to).
    #[arg(long)]
    pub from: Option<i64>,
    /// The newer sync (default: the latest complete sync).
    #[arg(long)]
    pub to: Option<i64>,
    /// Source to compare (needed when there is more than one).
    #[arg(long)]
    pub source: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// CSV of active employees (header `email`): stored as the source's HR roster for IDS-09.
    #[arg(long)]
    pub hr_roster: Option<PathBuf>,
    /// IDS-01 break-glass exemption (user name or ID); repeat for several. Saved for the source.
    #[arg(long = "exempt", value_name = "USER")]
    pub exempt: Vec<String>,
    /// Remove every IDS-01 exemption of the source.
    #[arg(long, conflicts_with = "exempt")]
    pub clear_exemptions: bool,
    /// IDS-07 privileged group name pattern (`*`, `?`); repeat for several. Saved for the source (default `*admin*`).
    #[arg(long = "privileged-pattern", value_name = "PATTERN")]
    pub privileged_patterns: Vec<String>,
    /// IDS-08 freshness window in hours. Saved for the source (default 24).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub freshness_hours: Option<u32>,
    /// ACC-04: the longest session a permission set may grant, in hours (1-12). Saved for the source (default 8).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=12))]
    pub max_session_hours: Option<u64>,
    /// ACC-05: whether every permission set must have a permissions boundary. Saved for the source (default false).
    #[arg(long, value_name = "true|false")]
    pub boundary_required: Option<bool>,
    /// ACC-01/ACC-06 privileged permission set name pattern (`*`, `?`); repeat for several. Saved for the source (default `*admin*`).
    #[arg(long = "access-privileged-pattern", value_name = "PATTERN")]
    pub access_privileged_patterns: Vec<String>,
    /// Check this sync instead of the latest.
    #[arg(long)]
    pub sync: Option<i64>,
    /// Source to check (needed when there is more than one).
    #[arg(long)]
    pub source: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCmd {
    /// Write the signed evidence bundle (zip) of a snapshot.
    Export(ExportArgs),
    /// Check every hash and the signature of a bundle; says exactly what failed.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub out: PathBuf,
    /// The snapshot's sync (default: the latest).
    #[arg(long)]
    pub sync: Option<i64>,
    #[arg(long)]
    pub source: Option<String>,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    pub bundle: PathBuf,
    /// The signer's public key (base64) the bundle must carry.
    #[arg(long)]
    pub public_key: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}
