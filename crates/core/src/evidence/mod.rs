//! Evidence from snapshots: diffs, checks mapped to framework controls, the
//! HR roster, the bundle's CSV tables and its signed manifest. Pure: the
//! store supplies versions and projections, the engine writes the zip.

mod check_facts;
pub mod checks;
pub mod diff;
pub mod frameworks;
pub mod hr_roster;
pub mod manifest;
pub mod tables;

pub use checks::{
    CheckInput, CheckReport, CheckResult, CheckSettings, Freshness, GroupFacts, Status, UserFacts,
};
pub use diff::{Diff, MembershipRef, SyncChangeCount, VersionChanges};
pub use hr_roster::{HrRoster, RosterLineError};
pub use manifest::{BundleKey, Manifest, Problem};
