//! Configuration: the `roster fake-aws` command-line arguments and the
//! in-process builder used by tests, `roster demo` and the benchmark.

use std::net::SocketAddr;

pub use crate::quota::QuotaModel;
pub use crate::sso::generate::SsoShape;

/// `roster fake-aws` options.
#[derive(clap::Args, Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // independent on/off command-line flags
pub struct FakeAwsArgs {
    /// Address to listen on (port 0 picks a free port; see the first stdout line).
    #[arg(long, default_value = "127.0.0.1:4566")]
    pub listen: SocketAddr,
    /// Seed of the generated directory, the credentials and the fault dice.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Users in the organization instance's directory.
    #[arg(long, default_value_t = 300)]
    pub users: u32,
    /// Groups in the organization instance's directory.
    #[arg(long, default_value_t = 40)]
    pub groups: u32,
    /// Group memberships in the organization instance's directory.
    #[arg(long, default_value_t = 900)]
    pub memberships: u64,
    /// Requests per second per Identity Store API per instance (AWS: 20);
    /// also the collective rate all sso-admin permission set, assignment and
    /// application APIs of an instance share.
    #[arg(long, default_value_t = 20)]
    pub tps: u32,
    /// Whether `--tps` is per Identity Store API (`per-api`) or shared by all
    /// Identity Store APIs of an instance (`collective`).
    #[arg(long, value_enum, default_value_t = QuotaModel::PerApi)]
    pub quota_model: QuotaModel,
    /// Mean latency added to every response, with ±50% jitter.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Probability of an injected `ThrottlingException` per directory request.
    #[arg(long, default_value_t = 0.0)]
    pub throttle_rate: f64,
    /// Probability of an injected `InternalServerException` (HTTP 500) per directory request.
    #[arg(long, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Lifetime of `AssumeRole` sessions (capped by the requested `DurationSeconds`).
    #[arg(long, default_value_t = 900)]
    pub session_seconds: u64,
    /// Home Region of the organization instance.
    #[arg(long, default_value = "us-east-1")]
    pub home_region: String,
    /// Extra Regions the organization instance is replicated to (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub replica_regions: Vec<String>,
    /// Also create a member account with its own account instance (small directory).
    #[arg(long)]
    pub member_account: bool,
    /// Encrypt the organization directory with a customer-managed KMS key.
    #[arg(long)]
    pub kms_key: bool,
    /// State of the customer-managed KMS key (implies `--kms-key` unless `enabled`).
    #[arg(long, value_enum, default_value_t = KmsKeyState::Enabled)]
    pub kms_key_state: KmsKeyState,
    /// Register a member account as IAM Identity Center's delegated
    /// administrator (`sso.amazonaws.com`); its keys are in the info line.
    #[arg(long)]
    pub delegated_admin: bool,
    /// Plain member accounts of the organization, each with an admin user.
    #[arg(long, default_value_t = 0)]
    pub member_accounts: u32,
    /// fake-aws's clock runs this many seconds ahead (negative: behind) of
    /// the host's, so correctly signed requests look skewed by that much.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    pub clock_skew_seconds: i64,
    /// `Status` of the organization instance (`ACTIVE`, `CREATE_IN_PROGRESS`,
    /// `DELETE_IN_PROGRESS`, `CREATE_FAILED`).
    #[arg(long, default_value = "ACTIVE")]
    pub instance_status: String,
    /// `Status` of a Region of the organization instance, as `REGION=STATUS`
    /// (`ACTIVE`, `ADDING`, `REMOVING`); repeatable.
    #[arg(long, value_parser = parse_region_status)]
    pub region_status: Vec<(String, String)>,
    /// The organization has a service control policy denying `identitystore:*`
    /// to member accounts other than Identity Center's delegated administrator.
    #[arg(long)]
    pub scp_deny_member_reads: bool,
    /// Generated organization accounts that permission sets are provisioned
    /// to and assigned on (besides `--member-accounts`).
    #[arg(long, default_value_t = 0)]
    pub accounts: u32,
    /// Generated permission sets of the organization instance.
    #[arg(long, default_value_t = 0)]
    pub permission_sets: u32,
    /// Generated account assignments (to users and groups of the directory,
    /// a few orphaned).
    #[arg(long, default_value_t = 0)]
    pub assignments: u32,
}

/// The customer-managed KMS key's state, as KMS reports it.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KmsKeyState {
    #[default]
    Enabled,
    Disabled,
    PendingDeletion,
    /// The key was deleted (or never existed): `KMS_KEY_NOT_FOUND`.
    NotFound,
}

fn parse_region_status(s: &str) -> Result<(String, String), String> {
    let (region, status) = s
        .split_once('=')
        .ok_or_else(|| format!("expected REGION=STATUS, got {s}"))?;
    if !matches!(status, "ACTIVE" | "ADDING" | "REMOVING") {
        return Err(format!(
            "Region status must be ACTIVE, ADDING or REMOVING, got {status}"
        ));
    }
    Ok((region.to_owned(), status.to_owned()))
}

/// Size of the member account's account-instance directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberConfig {
    pub users: u32,
    pub groups: u32,
    pub memberships: u64,
}

impl Default for MemberConfig {
    fn default() -> Self {
        Self {
            users: 12,
            groups: 3,
            memberships: 15,
        }
    }
}

/// Everything `FakeAws::start` needs.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // the command-line flags, one each
pub struct FakeAwsConfig {
    pub listen: SocketAddr,
    pub seed: u64,
    pub users: u32,
    pub groups: u32,
    pub memberships: u64,
    pub tps: u32,
    pub quota_model: QuotaModel,
    pub latency_ms: u64,
    pub throttle_rate: f64,
    pub error_rate: f64,
    pub session_seconds: u64,
    pub home_region: String,
    pub replica_regions: Vec<String>,
    pub member: Option<MemberConfig>,
    pub kms_key: bool,
    pub kms_key_state: KmsKeyState,
    pub delegated_admin: bool,
    pub member_accounts: u32,
    pub clock_skew_seconds: i64,
    pub instance_status: String,
    pub region_status: Vec<(String, String)>,
    /// Most instances per `ListInstances` page (AWS may return fewer than
    /// `MaxResults`; tests lower this to prove clients paginate).
    pub instances_page_size: usize,
    /// Regions where STS is not activated for the customer's accounts:
    /// `AssumeRole` signed for them fails with `RegionDisabledException`.
    pub sts_disabled_regions: Vec<String>,
    pub scp_deny_member_reads: bool,
    /// The generated organization (accounts, permission sets, assignments).
    pub sso: SsoShape,
}

impl Default for FakeAwsConfig {
    /// Loopback on a free port, the CLI's defaults otherwise.
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 1,
            users: 300,
            groups: 40,
            memberships: 900,
            tps: 20,
            quota_model: QuotaModel::PerApi,
            latency_ms: 0,
            throttle_rate: 0.0,
            error_rate: 0.0,
            session_seconds: 900,
            home_region: "us-east-1".into(),
            replica_regions: Vec::new(),
            member: None,
            kms_key: false,
            kms_key_state: KmsKeyState::Enabled,
            delegated_admin: false,
            member_accounts: 0,
            clock_skew_seconds: 0,
            instance_status: "ACTIVE".into(),
            region_status: Vec::new(),
            instances_page_size: 100,
            sts_disabled_regions: Vec::new(),
            scp_deny_member_reads: false,
            sso: SsoShape::default(),
        }
    }
}

impl From<FakeAwsArgs> for FakeAwsConfig {
    fn from(a: FakeAwsArgs) -> Self {
        Self {
            listen: a.listen,
            seed: a.seed,
            users: a.users,
            groups: a.groups,
            memberships: a.memberships,
            tps: a.tps,
            quota_model: a.quota_model,
            latency_ms: a.latency_ms,
            throttle_rate: a.throttle_rate,
            error_rate: a.error_rate,
            session_seconds: a.session_seconds,
            home_region: a.home_region,
            replica_regions: a.replica_regions,
            member: a.member_account.then(MemberConfig::default),
            kms_key: a.kms_key || a.kms_key_state != KmsKeyState::Enabled,
            kms_key_state: a.kms_key_state,
            delegated_admin: a.delegated_admin,
            member_accounts: a.member_accounts,
            clock_skew_seconds: a.clock_skew_seconds,
            instance_status: a.instance_status,
            region_status: a.region_status,
            instances_page_size: 100,
            sts_disabled_regions: Vec::new(),
            scp_deny_member_reads: a.scp_deny_member_reads,
            sso: SsoShape {
                accounts: a.accounts,
                permission_sets: a.permission_sets,
                assignments: a.assignments,
            },
        }
    }
}

impl FakeAwsConfig {
    /// The generated organization: accounts, permission sets, assignments.
    #[must_use]
    pub fn organization(mut self, accounts: u32, permission_sets: u32, assignments: u32) -> Self {
        self.sso = SsoShape {
            accounts,
            permission_sets,
            assignments,
        };
        self
    }
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Size of the organization directory.
    #[must_use]
    pub fn directory(mut self, users: u32, groups: u32, memberships: u64) -> Self {
        (self.users, self.groups, self.memberships) = (users, groups, memberships);
        self
    }
    #[must_use]
    pub fn tps(mut self, tps: u32) -> Self {
        self.tps = tps;
        self
    }
    #[must_use]
    pub fn quota_model(mut self, model: QuotaModel) -> Self {
        self.quota_model = model;
        self
    }
    #[must_use]
    pub fn latency_ms(mut self, ms: u64) -> Self {
        self.latency_ms = ms;
        self
    }
    #[must_use]
    pub fn faults(mut self, throttle_rate: f64, error_rate: f64) -> Self {
        (self.throttle_rate, self.error_rate) = (throttle_rate, error_rate);
        self
    }
    #[must_use]
    pub fn session_seconds(mut self, secs: u64) -> Self {
        self.session_seconds = secs;
        self
    }
    #[must_use]
    pub fn home_region(mut self, region: &str) -> Self {
        region.clone_into(&mut self.home_region);
        self
    }
    #[must_use]
    pub fn replica_regions(mut self, regions: &[&str]) -> Self {
        self.replica_regions = regions.iter().map(|r| (*r).to_owned()).collect();
        self
    }
    /// Adds a member account with an account instance of this size.
    #[must_use]
    pub fn member_account(mut self, member: MemberConfig) -> Self {
        self.member = Some(member);
        self
    }
    /// Protects the organization directory with a customer-managed KMS key.
    #[must_use]
    pub fn kms_key(mut self, on: bool) -> Self {
        self.kms_key = on;
        self
    }

    /// The customer-managed key's state (turns the key on unless `Enabled`).
    #[must_use]
    pub fn kms_key_state(mut self, state: KmsKeyState) -> Self {
        self.kms_key |= state != KmsKeyState::Enabled;
        self.kms_key_state = state;
        self
    }
    /// Registers a member account as Identity Center's delegated administrator.
    #[must_use]
    pub fn delegated_admin(mut self, on: bool) -> Self {
        self.delegated_admin = on;
        self
    }
    #[must_use]
    pub fn member_accounts(mut self, n: u32) -> Self {
        self.member_accounts = n;
        self
    }
    #[must_use]
    pub fn clock_skew_seconds(mut self, secs: i64) -> Self {
        self.clock_skew_seconds = secs;
        self
    }
    #[must_use]
    pub fn instance_status(mut self, status: &str) -> Self {
        status.clone_into(&mut self.instance_status);
        self
    }
    #[must_use]
    pub fn region_status(mut self, region: &str, status: &str) -> Self {
        self.region_status
            .push((region.to_owned(), status.to_owned()));
        self
    }
    #[must_use]
    pub fn scp_deny_member_reads(mut self, on: bool) -> Self {
        self.scp_deny_member_reads = on;
        self
    }
    #[must_use]
    pub fn sts_disabled_region(mut self, region: &str) -> Self {
        self.sts_disabled_regions.push(region.to_owned());
        self
    }
    #[must_use]
    pub fn instances_page_size(mut self, n: usize) -> Self {
        self.instances_page_size = n.max(1);
        self
    }

    /// Rejects values that make no sense (rates outside `[0, 1]`, zero TPS).
    pub fn validate(&self) -> Result<(), String> {
        for (name, p) in [
            ("throttle-rate", self.throttle_rate),
            ("error-rate", self.error_rate),
        ] {
            if !(0.0..=1.0).contains(&p) {
                return Err(format!("--{name} must be between 0 and 1, got {p}"));
            }
        }
        if self.throttle_rate + self.error_rate > 1.0 {
            return Err("--throttle-rate plus --error-rate must not exceed 1".into());
        }
        if self.tps == 0 {
            return Err("--tps must be at least 1".into());
        }
        if !matches!(
            self.instance_status.as_str(),
            "ACTIVE" | "CREATE_IN_PROGRESS" | "DELETE_IN_PROGRESS" | "CREATE_FAILED"
        ) {
            return Err(format!(
                "--instance-status must be ACTIVE, CREATE_IN_PROGRESS, DELETE_IN_PROGRESS or CREATE_FAILED, got {}",
                self.instance_status
            ));
        }
        if self.session_seconds == 0 {
            return Err("--session-seconds must be at least 1".into());
        }
        Ok(())
    }
}
