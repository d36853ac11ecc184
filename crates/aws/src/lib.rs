//! The AWS adapter: roster's own (platform) identity, the customer's assumed
//! role with its External ID, discovery of the Identity Center instance, and
//! page-by-page Identity Store and SSO (permission sets, assignments) reads.
//! AWS errors become `AwsError`: retryable signals for the sync engine, or a
//! diagnosis (stable code, cause, fix).
//!
//! Depends on `roster-core` and the official AWS SDK. Every call made with a
//! customer's role passes `guard::ActionGuard`, which refuses any action
//! outside `roster_core::policy::ROSTER_IAM_ACTIONS` (plus `SSO_READ_ACTIONS`
//! for the SSO reader's clients, `sso::SsoClient`).

mod classify;
mod convert;
pub mod directory;
pub mod discovery;
pub mod error;
pub mod guard;
pub mod partitions;
pub mod platform;
mod retry;
pub mod session;
pub mod sso;

pub use directory::{DirectoryClient, Page};
pub use discovery::{Discovered, InstanceKind, Placement};
pub use error::AwsError;
pub use guard::ActionLog;
pub use platform::Platform;
pub use session::CustomerSession;
pub use sso::{SsoClient, SsoInstance};
