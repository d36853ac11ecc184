//! Application services that combine the AWS adapter and the store: locating
//! a customer's directory and running a sync at AWS's quota floor.
//!
//! Depends on `roster-core`, `roster-aws` and `roster-store`; knows nothing
//! of HTTP or the command line.

pub mod access_sync;
mod access_sync_expand;
mod access_sync_items;
pub mod access_sync_plan;
pub mod access_sync_progress;
mod access_sync_read;
pub mod access_sync_source;
pub mod connection_test;
pub mod error;
pub mod evidence;
pub mod limiter;
pub mod locate;
pub mod metrics;
pub mod progress;
pub mod quota_share;
mod readers;
pub mod retry;
pub mod review;
pub mod snapshot;
pub mod source_sync;
pub mod sync;
pub mod worker;
mod writer;

pub use access_sync::{AccessOutcome, AccessSyncOptions, run_access_sync};
pub use access_sync_plan::PlanMode;
pub use access_sync_progress::{AccessProgress, SsoApi};
pub use access_sync_source::{
    Scope, ScopedOptions, ScopedOutcome, ScopedProgress, sync_access_source, sync_source_scoped,
};
pub use error::EngineError;
pub use limiter::{ApiLimiters, Lane, RateLimiter};
pub use locate::{LocationHint, MANAGEMENT_ACCOUNT_NOTE, describe_placement, locate};
pub use metrics::Metrics;
pub use progress::{Api, SyncProgress};
pub use quota_share::{QuotaLease, ShareTiming, SharedQuotas};
pub use snapshot::resolve as resolve_snapshot;
pub use source_sync::{AwsEndpoint, diagnosis_of, sync_source};
pub use sync::{SyncOptions, SyncOutcome, run_sync};
pub use worker::{Worker, WorkerConfig};
