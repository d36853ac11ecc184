//! The emulated world: accounts and their principals, Identity Center
//! instances with their directories, and the shared quota/fault/stats state.
//! Built deterministically from the seed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::config::{FakeAwsConfig, MemberConfig};
use crate::directory::Directory;
use crate::directory::generate::Generator;
use crate::errors::{AwsError, Protocol};
use crate::faults::{FaultConfig, Faults};
use crate::iam::policy::{Context, Decision, PolicyDoc, evaluate};
use crate::iam::store::{Iam, Principal};
use crate::info::{CustomerInfo, FakeAwsInfo, MemberInfo, PlatformInfo};
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
    pub created: u64,
    pub directory: RwLock<Directory>,
}

impl Instance {
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
        created: now.saturating_sub(30 * 86_400),
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

        let mut regions = vec![cfg.home_region.clone()];
        regions.extend(
            cfg.replica_regions
                .iter()
                .filter(|r| **r != cfg.home_region)
                .cloned(),
        );
        let store_id = format!("d-{}", hex_id(&mut rng, 10));
        let org = Instance {
            arn: format!("arn:aws:sso:::instance/ssoins-{}", hex_id(&mut rng, 16)),
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
            owner: mgmt.clone(),
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
            created: now.saturating_sub(400 * 86_400),
        };
        let mut info = FakeAwsInfo {
            endpoint: String::new(),
            platform: PlatformInfo {
                account_id: platform_account,
                principal_arn: platform_arn,
                access_key_id: p_key,
                secret_access_key: p_secret,
            },
            customer: CustomerInfo {
                management_account_id: mgmt,
                admin_access_key_id: a_key,
                admin_secret_access_key: a_secret,
                instance_arn: org.arn.clone(),
                identity_store_id: org.store_id.clone(),
                home_region: org.home_region.clone(),
            },
            member: None,
        };
        let mut instances = vec![org];
        if let Some(m) = cfg.member {
            let (inst, member) = member_instance(cfg, m, &member_account, &mut iam, &mut rng, now);
            info.member = Some(member);
            instances.push(inst);
        }
        let faults = FaultConfig {
            throttle_rate: cfg.throttle_rate,
            error_rate: cfg.error_rate,
            latency_ms: cfg.latency_ms,
        };
        let world = Self {
            iam: Mutex::new(iam),
            instances,
            quotas: Quotas::new(cfg.tps),
            faults: Faults::new(faults, cfg.seed),
            stats: Stats::new(),
            session_seconds: AtomicU64::new(cfg.session_seconds),
            token_key: hash_words(&[cfg.seed, 0x70CE]),
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

    /// Evaluates the caller's identity policies for `action` on `resource`.
    pub fn decide(
        &self,
        caller: &Principal,
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
        caller: &Principal,
        action: &str,
        resource: &str,
        protocol: Protocol,
    ) -> Result<(), AwsError> {
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
            Protocol::Json => AwsError::new(400, "AccessDeniedException", message),
            Protocol::Query(_) => AwsError::new(403, "AccessDenied", message),
        })
    }
}
