//! roster-fake-aws: roster's own AWS emulator (STS, IAM, Identity Store,
//! SSO Admin on one loopback port), faithful where roster depends on AWS:
//! `SigV4`, trust and identity policies, quotas, error shapes, faults.
//! Depends on no other roster crate, so it cannot share roster's mistakes.

mod cli;
mod config;
mod directory;
mod error_shapes;
mod errors;
mod faults;
mod handle;
mod iam;
mod identitystore;
mod info;
mod organizations;
mod quota;
mod server;
mod sigv4;
mod sso;
mod ssoadmin;
mod stats;
mod sts;
mod util;
mod world;

pub use cli::run_cli;
pub use config::{FakeAwsArgs, FakeAwsConfig, KmsKeyState, MemberConfig, QuotaModel, SsoShape};
pub use faults::FaultConfig;
pub use handle::{FakeAws, FakeAwsError, FakeAwsHandle, NewUser};
pub use info::{AccountKeys, CustomerInfo, FakeAwsInfo, MemberInfo, PlatformInfo};
pub use stats::{ApiStats, RequestRecord};
