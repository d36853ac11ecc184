//! Arguments of `roster bench`.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum BenchCmd {
    /// Sync a synthetic directory from an in-process fake-aws and print one JSON object.
    Sync(BenchSyncArgs),
}

#[derive(Debug, Args)]
pub struct BenchSyncArgs {
    #[arg(long, default_value_t = 20_000)]
    pub users: u32,
    #[arg(long, default_value_t = 2_000)]
    pub groups: u32,
    #[arg(long, default_value_t = 100_000)]
    pub memberships: u64,
    /// Quota per Identity Store API at fake-aws, and roster's rate limit.
    #[arg(long, default_value_t = 20)]
    pub tps: u32,
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    #[arg(long, default_value_t = 0.0)]
    pub throttle_rate: f64,
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Store to sync into (default: a fresh `SQLite` file in a temporary folder).
    #[arg(long)]
    pub database_url: Option<String>,
    /// Syncs of the same (unchanged) directory, to measure storage growth.
    #[arg(long, default_value_t = 1)]
    pub repeat: u32,
    /// Accepted for symmetry with other commands; the output is always one JSON object.
    #[arg(long)]
    pub json: bool,
}
