//! Access reviews (product.md §13), the use cases the CLI and the console
//! share: open a campaign on a snapshot's population, decide, close, set
//! owners (each written to the audit log), verify revocations after every
//! published sync, the `IDS-10` check, and the campaign's signed bundle.
//!
//! The rules that must hold whoever calls (no self-review, append-only
//! decisions, tenant scoping) live in the store's `Reviews` port.

mod bundle;
mod campaign;
mod report;
mod verify;

pub use bundle::{REVIEW_BUNDLE_ENTRY_ORDER, export_campaign};
pub use campaign::{
    OpenRequest, close_campaign, decide, open_campaign, parse_campaign_id, set_owner,
};
pub use verify::{ids10_report, overdue_items, verify_after_publish};
