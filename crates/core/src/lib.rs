//! roster's pure domain: identifiers parsed once at the edge, IAM policy
//! documents, the Identity Store directory model, diagnoses and quota maths.
//!
//! This crate performs no I/O and depends on nothing else of roster's.

pub mod clock;
pub mod diagnosis;
pub mod directory;
pub mod error;
pub mod evidence;
pub mod export;
pub mod external_id;
pub mod iac;
pub mod ids;
pub mod input;
pub mod policy;
pub mod quota;
pub mod review;
pub mod role_arn;
pub mod sso;
pub mod sync_report;
pub mod tenancy;
pub mod time;

pub use self::time::Timestamp;
pub use clock::{Clock, FixedClock, SystemClock};
pub use diagnosis::{Diagnosis, DiagnosisCode};
pub use directory::{Group, Membership, User};
pub use error::InvalidInput;
pub use external_id::ExternalId;
pub use ids::{AccountId, GroupId, IdentityStoreId, MembershipId, Partition, Region, UserId};
pub use input::{EmailAddress, SourceName};
pub use role_arn::RoleArn;
pub use sync_report::{SnapshotCounts, SyncStats};
pub use tenancy::{JobId, SourceId, SyncId, TenantId, WorkerId};
