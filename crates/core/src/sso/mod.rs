//! The SSO source's pure domain (who can reach which AWS account): accounts, permission sets, their
//! policies and assignments as AWS returns them; effective access expanded
//! through the directory; what counts as privileged; the `ACC-` checks; the
//! diff of effective access; and the call plan with its quota floor.

pub mod access;
pub mod access_diff;
pub mod arn;
pub mod check_input;
pub mod checks;
pub mod model;
pub mod plan;
pub mod privileged;

pub use access::{AccessRow, DirUser, DirectoryIndex, RowKey, Via, distinct_pairs, expand};
pub use access_diff::AccessDiff;
pub use arn::{PermissionSetArn, parse_duration_seconds};
pub use check_input::{AccessCheckInput, AccessCheckSettings, PermissionSetFacts};
pub use model::{
    Account, AccountAssignment, AccountStatus, Application, ApplicationAssignment,
    CustomerManagedPolicyRef, ManagedPolicy, PermissionSet, PermissionSetPolicies,
    PermissionsBoundary, PrincipalType,
};
pub use plan::{OrgShape, PermissionSetShape, SsoCallPlan};
pub use privileged::{InlineVerdict, Privilege};
