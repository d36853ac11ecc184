//! Application services that combine the AWS adapter and the store: locating
//! a customer's directory and running a sync at AWS's quota floor.
//!
//! Depends on `roster-core`, `roster-aws` and `roster-store`; knows nothing
//! of HTTP or the command line.

pub mod connect;
pub mod error;
pub mod limiter;
pub mod locate;
pub mod progress;
mod readers;
pub mod retry;
pub mod sync;
mod writer;

pub use error::EngineError;
pub use limiter::RateLimiter;
pub use locate::{LocationHint, locate};
pub use progress::{Api, SyncProgress};
pub use sync::{SyncOptions, SyncOutcome, run_sync};
