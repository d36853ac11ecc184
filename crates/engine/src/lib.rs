//! Application services that combine the AWS adapter and the store: locating
//! a customer's directory and running a sync at AWS's quota floor.
//!
//! Depends on `roster-core`, `roster-aws` and `roster-store`; knows nothing
//! of HTTP or the command line.

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
pub mod snapshot;
pub mod source_sync;
pub mod sync;
pub mod worker;
mod writer;

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
