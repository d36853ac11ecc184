//! The emulated world: accounts and their principals, Identity Center
//! instances with their directories, and the shared quota/fault/stats state.
//! Built deterministically from the seed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::{FakeAwsConfig, KmsKeyState, MemberConfig};
use crate::directory::Directory;
use crate::directory::generate::Generator;
use crate::errors::{Protocol, WireError};
use crate::faults::{FaultConfig, Faults};
use crate::iam::policy::{Context, Decision, PolicyDoc, evaluate};
use crate::iam::store::{Iam, IamPrincipal};
use crate::info::{AccountKeys, CustomerInfo, FakeAwsInfo, MemberInfo, PlatformInfo};
use crate::organizations::{OrgAccount, Organization};
use crate::quota::Quotas;
use crate::stats::Stats;
use crate::util::{hash_str, hash_words};

/// An IAM Identity Center instance and its Identity Store.
#[derive(Debug)]
pub struct Instance {
    pub arn: String,
    pub store_id: String,
    pub owner: String,
    pub name: String,
    pub home_region: String,
    /// Home Region first, then replicas.
    pub regions: Vec<String>,
    pub kms_key_arn: Option<String>,
    pub kms_key_state: KmsKeyState,
    pub created: u64,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, `DELETE_IN_PROGRESS`, `CREATE_FAILED`.
    pub status: String,
    /// Regions whose status is not `ACTIVE` (`ADDING`, `REMOVING`).
    pub region_status: Vec<(String, String)>,
    /// The organization instance (owned by the management account) or an account instance.
    pub organization: bool,
    pub directory: RwLock<Directory>,
    /// Permission sets, provisioning and assignments (organization instance only).
    pub sso: Mutex<crate::sso::SsoState>,
}

impl Instance {
    /// The status of one of the instance's Regions.
    pub fn region_status(&self, region: &str) -> &str {
        self.region_status
            .iter()
            .find(|(r, _)| r == region)
            .map_or("ACTIVE", |(_, s)| s.as_str())
    }

    pub fn store_arn(&self) -> String {
        format!(
            "arn:aws:identitystore::{}:identitystore/{}",
            self.owner, self.store_id
        )
    }
}

#[derive(Debug)]
pub struct World {
    pub iam: Mutex<Iam>,
    pub instances: Vec<Instance>,
    pub quotas: Quotas,
    pub faults: Faults,
    pub stats: Stats,
    pub session_seconds: AtomicU64,
    pub token_key: u64,
    pub organization: Organization,
    /// Seconds fake-aws's clock runs ahead of the host's (`--clock-skew-seconds`).
    pub clock_skew_seconds: i64,
    pub instances_page_size: usize,
    pub sts_disabled_regions: Vec<String>,
    pub scp_deny_member_reads: bool,
    request_seq: AtomicU64,
    seed: u64,
}

const PLATFORM_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:GetCallerIdentity"],"Resource":"*"}]}"#;

fn account_id(rng: &mut ChaCha8Rng) -> String {
    format!("{:012}", rng.gen_range(100_000_000_000u64..999_999_999_999))
}

fn hex_id(rng: &mut ChaCha8Rng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)]))
        .collect()
}

/// The member account: its admin and its account instance with a small directory.
fn member_instance(
    cfg: &FakeAwsConfig,
    m: MemberConfig,
    account: &str,
    iam: &mut Iam,
    rng: &mut ChaCha8Rng,
    now: u64,
) -> (Instance, MemberInfo) {
    let (_, key, secret) = iam.add_user(account, "admin", vec![PolicyDoc::allow_all()]);
    let store_id = format!("d-{}", hex_id(rng, 10));
    let seed = cfg.seed.wrapping_add(1);
    let generator = Generator {
        seed,
        users: m.users,
        groups: m.groups,
        memberships: m.memberships,
    };
    let inst = Instance {
        arn: format!("arn:aws:sso:::instance/ssoins-{}", hex_id(rng, 16)),
        directory: RwLock::new(Directory::generate(
            hash_words(&[seed, hash_str(&store_id)]),
            generator,
        )),
        store_id,
        owner: account.to_owned(),
        name: "roster-fake-account-instance".into(),
        home_region: cfg.home_region.clone(),
        regions: vec![cfg.home_region.clone()],
        kms_key_arn: None,
        kms_key_state: KmsKeyState::Enabled,
        created: now.saturating_sub(30 * 86_400),
        status: "ACTIVE".into(),
        region_status: Vec::new(),
        organization: false,
        sso: Mutex::default(),
    };
    let info = MemberInfo {
        account_id: account.to_owned(),
        admin_access_key_id: key,
        admin_secret_access_key: secret,
        instance_arn: inst.arn.clone(),
        identity_store_id: inst.store_id.clone(),
        home_region: inst.home_region.clone(),
    };
    (inst, info)
}

/// The delegated administrator and plain member accounts. They come from
/// their own generator so the IDs built before them stay what they were.
fn add_org_accounts(
    cfg: &FakeAwsConfig,
    organization: &mut Organization,
    iam: &mut Iam,
    info: &mut FakeAwsInfo,
    now: u64,
) {
    let mut org_rng = ChaCha8Rng::seed_from_u64(cfg.seed ^ 0x0A6_0A6);
    let mut add_member = |name: &str, iam: &mut Iam, org: &mut Organization| {
        let account = account_id(&mut org_rng);
        let (_, key, secret) = iam.add_user(&account, "admin", vec![PolicyDoc::allow_all()]);
        org.join(OrgAccount::new(&account, name, now));
        AccountKeys {
            account_id: account,
            access_key_id: key,
            secret_access_key: secret,
        }
    };
    if cfg.delegated_admin {
        let keys = add_member("identity-center-admin", iam, organization);
        // As the management account's RegisterDelegatedAdministrator would.
        organization.register_delegated_admin(&keys.account_id, "sso.amazonaws.com", now);
        info.customer.delegated_admin = Some(keys);
    }
    for n in 0..cfg.member_accounts {
        let keys = add_member(&format!("member-{n}"), iam, organization);
        info.customer.member_accounts.push(keys);
    }
}

/// The organization instance, owned by the management account.
fn org_instance(cfg: &FakeAwsConfig, mgmt: &str, rng: &mut ChaCha8Rng, now: u64) -> Instance {
    let mut regions = vec![cfg.home_region.clone()];
    regions.extend(
        cfg.replica_regions
            .iter()
            .filter(|r| **r != cfg.home_region)
            .cloned(),
    );
    let store_id = format!("d-{}", hex_id(rng, 10));
    Instance {
        arn: format!("arn:aws:sso:::instance/ssoins-{}", hex_id(rng, 16)),
        directory: RwLock::new(Directory::generate(
            hash_words(&[cfg.seed, hash_str(&store_id)]),
            Generator {
                seed: cfg.seed,
                users: cfg.users,
                groups: cfg.groups,
                memberships: cfg.memberships,
            },
        )),
        store_id,
        owner: mgmt.to_owned(),
        name: "roster-fake-org".into(),
        home_region: cfg.home_region.clone(),
        regions,
        kms_key_arn: cfg.kms_key.then(|| {
            format!(
                "arn:aws:kms:{}:{mgmt}:key/{}",
                cfg.home_region,
                crate::directory::ids::make(cfg.seed, 9, 0)
            )
        }),
        kms_key_state: cfg.kms_key_state,
        created: now.saturating_sub(400 * 86_400),
        status: cfg.instance_status.clone(),
        region_status: cfg.region_status.clone(),
        organization: true,
        sso: Mutex::default(),
    }
}

impl World {
    /// Builds the world; returns it with the info JSON (endpoint filled in later).
    pub fn build(cfg: &FakeAwsConfig) -> (Self, FakeAwsInfo) {
        let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
        let platform_account = account_id(&mut rng);
        let mgmt = account_id(&mut rng);
        let member_account = account_id(&mut rng);
        let mut iam = Iam::new(cfg.seed);
        let platform_doc = PolicyDoc::parse(PLATFORM_POLICY).expect("static policy parses");
        let (platform_arn, p_key, p_secret) =
            iam.add_user(&platform_account, "roster", vec![platform_doc]);
        let (_, a_key, a_secret) = iam.add_user(&mgmt, "admin", vec![PolicyDoc::allow_all()]);
        let now = crate::util::now_epoch();

        let org = org_instance(cfg, &mgmt, &mut rng, now);
        let mut info = FakeAwsInfo {
            endpoint: String::new(),
            platform: PlatformInfo {
                account_id: platform_account,
                principal_arn: platform_arn,
                access_key_id: p_key,
                secret_access_key: p_secret,
            },
            customer: CustomerInfo {
                management_account_id: mgmt.clone(),
                admin_access_key_id: a_key,
                admin_secret_access_key: a_secret,
                instance_arn: org.arn.clone(),
                identity_store_id: org.store_id.clone(),
                home_region: org.home_region.clone(),
                organization_id: String::new(),
                delegated_admin: None,
                member_accounts: Vec::new(),
            },
            member: None,
        };
        let mut instances = vec![org];
        let mut organization = Organization::new(cfg.seed, &mgmt, now);
        if let Some(m) = cfg.member {
            let (inst, member) = member_instance(cfg, m, &member_account, &mut iam, &mut rng, now);
            info.member = Some(member);
            instances.push(inst);
            organization.join(OrgAccount::new(
                &member_account,
                "member-with-account-instance",
                now,
            ));
        }
        add_org_accounts(cfg, &mut organization, &mut iam, &mut info, now);
        if cfg.sso != crate::sso::generate::SsoShape::default() {
            let accounts =
                crate::sso::generate::add_accounts(cfg.seed, cfg.sso, &mut organization, now);
            crate::sso::generate::populate(cfg.seed, cfg.sso, &instances[0], &accounts, now);
        }
        info.customer.organization_id.clone_from(&organization.id);
        let faults = FaultConfig {
            throttle_rate: cfg.throttle_rate,
            error_rate: cfg.error_rate,
            latency_ms: cfg.latency_ms,
        };
        let world = Self {
            iam: Mutex::new(iam),
            instances,
            quotas: {
                let q = Quotas::new(cfg.tps);
                q.set_model(cfg.quota_model);
                q
            },
            faults: Faults::new(faults, cfg.seed),
            stats: Stats::new(),
            session_seconds: AtomicU64::new(cfg.session_seconds),
            token_key: hash_words(&[cfg.seed, 0x70CE]),
            organization,
            clock_skew_seconds: cfg.clock_skew_seconds,
            instances_page_size: cfg.instances_page_size.max(1),
            sts_disabled_regions: cfg.sts_disabled_regions.clone(),
            scp_deny_member_reads: cfg.scp_deny_member_reads,
            request_seq: AtomicU64::new(0),
            seed: cfg.seed,
        };
        (world, info)
    }

    /// A fresh request ID (UUID form, deterministic sequence).
    pub fn request_id(&self) -> String {
        let n = self.request_seq.fetch_add(1, Ordering::Relaxed);
        let n = u32::try_from(n & 0xFFFF_FFFF).unwrap_or(0);
        crate::directory::ids::make(self.seed, 0x4EC, n)
    }

    pub fn instance_by_store(&self, store_id: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.store_id == store_id)
    }

    pub fn instance_by_arn(&self, arn: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.arn == arn)
    }

    /// fake-aws's clock: the host's, shifted by `--clock-skew-seconds`.
    pub fn now(&self) -> u64 {
        crate::util::now_epoch().saturating_add_signed(self.clock_skew_seconds)
    }

    /// Whether `account` sees `inst` in `sso:ListInstances`: its owner, or
    /// for the organization instance, Identity Center's delegated administrator.
    pub fn sees_instance(&self, account: &str, inst: &Instance) -> bool {
        inst.owner == account
            || (inst.organization
                && self
                    .organization
                    .is_delegated_admin(account, "sso.amazonaws.com"))
    }

    /// Whether `account` may read `inst`'s Identity Store: its owner, or for
    /// the organization instance any account of the organization (AWS allows
    /// Identity Store reads from member accounts unless an SCP says otherwise).
    /// Whether an SCP denies Identity Store calls to `account` (never the
    /// management account: SCPs do not apply to it).
    pub fn scp_denies_identity_store(&self, account: &str) -> bool {
        self.scp_deny_member_reads
            && account != self.organization.management
            && self.organization.has_account(account)
            && !self
                .organization
                .is_delegated_admin(account, "sso.amazonaws.com")
    }

    pub fn may_read_store(&self, account: &str, inst: &Instance) -> bool {
        inst.owner == account || (inst.organization && self.organization.has_account(account))
    }

    /// Evaluates the caller's identity policies for `action` on `resource`.
    pub fn decide(
        &self,
        caller: &IamPrincipal,
        action: &str,
        resource: &str,
        ctx: &Context,
    ) -> Decision {
        let iam = self.iam.lock().expect("iam lock");
        evaluate(&iam.policies_of(caller), action, resource, ctx)
    }

    /// Authorizes or returns AWS's access-denied error for the protocol.
    pub fn authorize(
        &self,
        caller: &IamPrincipal,
        action: &str,
        resource: &str,
        protocol: Protocol,
    ) -> Result<(), WireError> {
        let decision = self.decide(caller, action, resource, &Context::new());
        let why = match decision {
            Decision::Allow => return Ok(()),
            Decision::ExplicitDeny => {
                "with an explicit deny in an identity-based policy".to_owned()
            }
            Decision::ImplicitDeny => {
                format!("because no identity-based policy allows the {action} action")
            }
        };
        let message = format!(
            "User: {} is not authorized to perform: {action} on resource: {resource} {why}",
            caller.arn
        );
        Err(match protocol {
            Protocol::Json => WireError::new(400, "AccessDeniedException", message),
            Protocol::Query(_) => WireError::new(403, "AccessDenied", message),
        })
    }
}
