//! The store's ports: its capabilities, one small trait each, and `Store`,
//! which is all of them (named ports, not `api`: in roster `api` means the
//! HTTP handlers of `web`). `crate::sql` implements each in its own file.
//! Every method takes the tenant first; implementations never return
//! another tenant's rows (a foreign ID is `NotFound`).

pub mod access;
pub mod audit;
pub mod browse;
pub mod console;
pub mod evidence;
pub mod history;
mod jobs;
mod migrations;
pub mod quota_shares;
pub mod reviews;
mod snapshots;
mod sources;
mod syncs;

pub use access::Access;
pub use audit::Audit;
pub use browse::Browse;
pub use console::Console;
pub use evidence::EvidenceSettings;
pub use history::History;
pub use jobs::Jobs;
pub use migrations::Migrations;
pub use quota_shares::{QuotaHolders, QuotaShares};
pub use reviews::Reviews;
pub use snapshots::Snapshots;
pub use sources::Sources;
pub use syncs::Syncs;

use roster_core::Clock;

use crate::records::Backend;

/// Everything roster persists. Import `roster_store::prelude::*` to call it.
pub trait Store:
    Access
    + Sources
    + Syncs
    + Snapshots
    + Console
    + Browse
    + Jobs
    + Migrations
    + QuotaShares
    + History
    + EvidenceSettings
    + Audit
    + Reviews
    + Send
    + Sync
    + std::fmt::Debug
{
    fn backend(&self) -> Backend;
    /// The clock every stored time comes from (fixed in tests).
    fn clock(&self) -> &dyn Clock;
}
