//! The deterministic organization generator (`--accounts`,
//! `--permission-sets`, `--assignments`): member accounts, permission sets of
//! realistic kinds (administrator, inline `*`, boundaries, sessions of 1 to
//! 12 h), provisioned to a subset of accounts (administrator sets to few),
//! and assignments mostly to groups, some directly to users, a few to
//! principals that no longer exist (orphans); a few applications assigned
//! to groups. Same seed, same organization.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::state::{PermissionSet, SsoState};
use crate::directory::Directory;
use crate::organizations::{OrgAccount, Organization};
use crate::util::hash_words;
use crate::world::Instance;

/// How big an organization to generate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SsoShape {
    pub accounts: u32,
    pub permission_sets: u32,
    pub assignments: u32,
}

const TEAMS: &[&str] = &[
    "payments", "identity", "data", "platform", "web", "mobile", "search", "billing", "ml",
    "security", "logging", "network",
];
const ENVS: &[&str] = &["prod", "staging", "dev", "sandbox"];

const ADMIN_INLINE: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
const S3_READ_INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}"#;

/// `(name, managed policy names, inline, boundary, session, privileged)`.
type Template = (
    &'static str,
    &'static [&'static str],
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    bool,
);

const TEMPLATES: &[Template] = &[
    (
        "AdministratorAccess",
        &["AdministratorAccess"],
        None,
        None,
        "PT1H",
        true,
    ),
    (
        "ReadOnlyAccess",
        &["ReadOnlyAccess"],
        None,
        None,
        "PT8H",
        false,
    ),
    (
        "PowerUserAccess",
        &["PowerUserAccess"],
        None,
        Some("managed:PowerUserAccess"),
        "PT4H",
        false,
    ),
    ("BreakGlass", &[], Some(ADMIN_INLINE), None, "PT12H", true),
    (
        "Billing",
        &["job-function/Billing"],
        None,
        None,
        "PT8H",
        false,
    ),
    (
        "SecurityAudit",
        &["SecurityAudit"],
        None,
        None,
        "PT12H",
        false,
    ),
    (
        "DeveloperAccess",
        &["ReadOnlyAccess"],
        Some(S3_READ_INLINE),
        Some("customer:developer-boundary"),
        "PT8H",
        false,
    ),
    (
        "DatabaseAdmin",
        &["job-function/DatabaseAdministrator"],
        None,
        Some("managed:PowerUserAccess"),
        "PT2H",
        false,
    ),
    (
        "NetworkAdmin",
        &["job-function/NetworkAdministrator"],
        None,
        None,
        "PT4H",
        false,
    ),
    (
        "DataScientist",
        &["job-function/DataScientist"],
        Some(S3_READ_INLINE),
        None,
        "PT6H",
        false,
    ),
    (
        "PlatformAdmin",
        &[],
        Some(ADMIN_INLINE),
        Some("customer:platform-boundary"),
        "PT10H",
        true,
    ),
    (
        "ViewOnlyAccess",
        &["job-function/ViewOnlyAccess"],
        None,
        None,
        "PT12H",
        false,
    ),
];

/// Adds `shape.accounts` member accounts; returns every account assignments
/// may target (the management account first).
pub fn add_accounts(seed: u64, shape: SsoShape, org: &mut Organization, now: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(hash_words(&[seed, 0x5_50AC]));
    let mut out = vec![org.management.clone()];
    for n in 0..shape.accounts {
        let id = loop {
            let id = format!("{:012}", rng.gen_range(100_000_000_000u64..999_999_999_999));
            if !org.has_account(&id) {
                break id;
            }
        };
        let team = TEAMS[n as usize % TEAMS.len()];
        let env = ENVS[(n as usize / TEAMS.len()) % ENVS.len()];
        let round = n as usize / (TEAMS.len() * ENVS.len());
        let name = if round == 0 {
            format!("{team}-{env}")
        } else {
            format!("{team}-{env}-{round}")
        };
        let joined = now.saturating_sub(rng.gen_range(30..700) * 86_400);
        org.join(OrgAccount::new(&id, &name, joined));
        out.push(id);
    }
    out
}

fn boundary(spec: &str) -> serde_json::Value {
    match spec.split_once(':') {
        Some(("managed", p)) => {
            json!({ "ManagedPolicyArn": format!("arn:aws:iam::aws:policy/{p}") })
        }
        _ => json!({ "CustomerManagedPolicyReference": {
            "Name": spec.rsplit(':').next().unwrap_or(spec), "Path": "/" } }),
    }
}

/// Fills the organization instance's permission sets, provisioning and
/// assignments over `accounts`.
pub fn populate(seed: u64, shape: SsoShape, inst: &Instance, accounts: &[String], now: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(hash_words(&[seed, 0x5_50A5]));
    let ins = inst.arn.rsplit('/').next().unwrap_or_default().to_owned();
    let mut st = inst.sso.lock().expect("sso lock");
    let mut sets: Vec<(String, bool)> = Vec::new();
    for n in 0..shape.permission_sets as usize {
        let t = TEMPLATES[n % TEMPLATES.len()];
        let round = n / TEMPLATES.len();
        let name = if round == 0 {
            t.0.to_owned()
        } else {
            format!("{}-{round}", t.0)
        };
        let arn = format!(
            "arn:aws:sso:::permissionSet/{ins}/ps-{}",
            st.next_suffix(&inst.arn)
        );
        let ps = PermissionSet {
            arn: arn.clone(),
            description: Some(format!("{} for {} teams", t.0, TEAMS[n % TEAMS.len()])),
            name,
            relay_state: None,
            session_duration: t.4.to_owned(),
            created: now.saturating_sub(rng.gen_range(1..600) * 86_400),
            managed: t
                .1
                .iter()
                .map(|p| {
                    let short = p.rsplit('/').next().unwrap_or(p).to_owned();
                    (short, format!("arn:aws:iam::aws:policy/{p}"))
                })
                .collect(),
            customer: if t.0 == "DeveloperAccess" {
                vec![("developer-base".to_owned(), "/".to_owned())]
            } else {
                Vec::new()
            },
            inline: t.2.map(str::to_owned),
            boundary: t.3.map(boundary),
            version: 1,
        };
        st.permission_sets.insert(arn.clone(), ps);
        sets.push((arn, t.5));
    }
    if accounts.is_empty() {
        return;
    }
    // Where each set is provisioned: privileged sets to 1–3 accounts, the
    // others to 10–60% of them, every set to at least one.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (arn, privileged) in &sets {
        let want = if *privileged {
            rng.gen_range(1..=3usize)
        } else {
            let percent = rng.gen_range(10..=60usize);
            (accounts.len() * percent / 100).max(1)
        }
        .min(accounts.len());
        let start = rng.gen_range(0..accounts.len());
        for k in 0..want {
            let account = &accounts[(start + k * 7) % accounts.len()];
            if !st.provisioned.contains_key(&(arn.clone(), account.clone())) {
                st.provision(arn, account);
                pairs.push((arn.clone(), account.clone()));
            }
        }
    }
    let dir = inst.directory.read().expect("directory lock");
    let (users, groups, _) = dir.counts();
    let users = u32::try_from(users).unwrap_or(u32::MAX);
    let groups = u32::try_from(groups).unwrap_or(u32::MAX);
    if pairs.is_empty() || users == 0 {
        return;
    }
    let target = shape.assignments as usize;
    let mut attempt = 0u32;
    while st.assignments.len() < target && attempt < shape.assignments.saturating_mul(8) {
        attempt += 1;
        let (ps, account) = &pairs[rng.gen_range(0..pairs.len())];
        let roll = rng.gen_range(0..100u32);
        let (ptype, pid) = if roll < 3 {
            // An orphan: a principal deleted from the directory since.
            let kind = if roll == 0 { "USER" } else { "GROUP" };
            (
                kind,
                crate::directory::ids::make(hash_words(&[seed, 0x0E9]), 9, attempt),
            )
        } else if roll < 20 || groups == 0 {
            ("USER", dir.user_id(rng.gen_range(0..users)))
        } else {
            ("GROUP", dir.group_id(rng.gen_range(0..groups)))
        };
        st.assignments
            .insert((account.clone(), ps.clone(), ptype.to_owned(), pid));
    }
    add_applications(&mut rng, inst, &mut st, &dir, now);
}

/// A few SAML applications, each assigned to some groups and a user.
fn add_applications(
    rng: &mut ChaCha8Rng,
    inst: &Instance,
    st: &mut SsoState,
    dir: &Directory,
    now: u64,
) {
    const APPS: &[&str] = &["Salesforce", "GitHub Enterprise", "Jira", "Slack"];
    let ins = inst.arn.rsplit('/').next().unwrap_or_default();
    let (users, groups, _) = dir.counts();
    let users = u32::try_from(users).unwrap_or(u32::MAX);
    let groups = u32::try_from(groups).unwrap_or(u32::MAX);
    for name in APPS {
        let arn = format!(
            "arn:aws:sso::{}:application/{ins}/apl-{}",
            inst.owner,
            st.next_suffix(&inst.arn)
        );
        let app = super::applications::application_json(
            inst,
            &arn,
            "arn:aws:sso::aws:applicationProvider/custom",
            name,
            now,
        );
        st.applications.insert(arn.clone(), app);
        for _ in 0..rng.gen_range(1..=3) {
            if groups > 0 {
                let g = dir.group_id(rng.gen_range(0..groups));
                st.app_assignments
                    .insert((arn.clone(), "GROUP".to_owned(), g));
            }
        }
        if users > 0 {
            let u = dir.user_id(rng.gen_range(0..users));
            st.app_assignments
                .insert((arn.clone(), "USER".to_owned(), u));
        }
    }
}
