//! Arguments of `roster bench`.

use clap::{Args, Subcommand};
use roster_core::quota::QuotaModel;

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
    /// The instance's quota at fake-aws (requests per second, per bucket).
    #[arg(long, default_value_t = 20)]
    pub tps: u32,
    /// How fake-aws counts the quota and roster keeps to it: `collective`
    /// (the three list APIs together) or `per-api`.
    #[arg(long, default_value_t = QuotaModel::Collective)]
    pub quota_model: QuotaModel,
    /// The fraction of the quota roster uses, above 0 and at most 1.
    #[arg(long, default_value_t = roster_core::quota::DEFAULT_BUDGET, value_parser = crate::platform_args::parse_budget)]
    pub budget: f64,
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
    /// Benchmark the SSO source's access sync instead: an organization of
    /// `--accounts`, `--permission-sets`, `--assignments` against the
    /// directory above, clean, again under `--sso-throttle-rate` and
    /// `--sso-error-rate`, and with the naive plan (unless `--no-naive`).
    #[arg(long)]
    pub sso: bool,
    #[arg(long, default_value_t = 200)]
    pub accounts: u32,
    #[arg(long, default_value_t = 60)]
    pub permission_sets: u32,
    #[arg(long, default_value_t = 5_000)]
    pub assignments: u32,
    /// Throttles injected in the access sync's faulty run.
    #[arg(long, default_value_t = 0.1)]
    pub sso_throttle_rate: f64,
    /// 5xx injected in the access sync's faulty run.
    #[arg(long, default_value_t = 0.01)]
    pub sso_error_rate: f64,
    /// Skip the naive plan's run (every account × every permission set).
    #[arg(long)]
    pub no_naive: bool,
    /// Accepted for symmetry with other commands; the output is always one JSON object.
    #[arg(long)]
    pub json: bool,
}
