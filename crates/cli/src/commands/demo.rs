//! `roster demo`: the console on `SQLite` plus roster's built-in fake AWS
//! (an organization instance with a few hundred users in the management
//! account, member accounts with permission sets and account assignments
//! for the SSO source; an empty account instance in a member account), the
//! platform principal wired to it, and an admin signed in through a
//! printed link.

use std::sync::Arc;

use roster_aws::Platform;
use roster_core::Region;
use roster_fake_aws::{FakeAws, FakeAwsConfig, FakeAwsHandle, MemberConfig};
use roster_web::{AppState, DemoAccount, DemoAws, DemoInfo};
use tokio::net::TcpListener;

use super::serve::{Console, run_console};
use crate::console_args::DemoArgs;
use crate::exit::CliError;

const DEMO_ADMIN: &str = "admin@roster.demo";

/// The demo organization for the SSO source: member accounts, permission
/// sets of every kind the generator knows (`AdministratorAccess`, an inline
/// `"*"` on `"*"` break-glass set, boundaries, long sessions) and account
/// assignments to users and groups, a few to principals deleted since
/// (orphans). Deterministic (fake-aws's default seed).
const DEMO_ACCOUNTS: u32 = 8;
const DEMO_PERMISSION_SETS: u32 = 12;
const DEMO_ASSIGNMENTS: u32 = 80;

/// The simulated AWS console, over fake-aws's in-process API.
#[derive(Debug)]
struct FakeConsole(FakeAwsHandle);

impl DemoAws for FakeConsole {
    fn create_role(
        &self,
        account: DemoAccount,
        name: &str,
        trust: &str,
        inline: Option<&str>,
    ) -> Result<String, String> {
        let info = self.0.info();
        let account_id = match (account, &info.member) {
            (DemoAccount::Member, Some(m)) => m.account_id.clone(),
            _ => info.customer.management_account_id.clone(),
        };
        self.0
            .create_role_in(&account_id, name, trust, inline, &[])
            .map_err(|e| e.to_string())
    }

    fn remove_membership(&self, group_id: &str, user_id: &str) -> Result<(), String> {
        self.0
            .remove_membership(group_id, user_id)
            .map_err(|e| e.to_string())
    }
}

pub async fn run(args: DemoArgs) -> Result<(), CliError> {
    let config = FakeAwsConfig::default()
        .listen(args.aws_listen)
        .directory(
            args.users,
            (args.users / 8).max(1),
            u64::from(args.users) * 3,
        )
        .member_account(MemberConfig {
            users: 0,
            groups: 0,
            memberships: 0,
        })
        .organization(DEMO_ACCOUNTS, DEMO_PERMISSION_SETS, DEMO_ASSIGNMENTS);
    let aws = FakeAws::start(config)
        .await
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let info = aws.info().clone();
    let assignments = aws.account_assignments().len();
    let region =
        Region::parse(&info.customer.home_region).map_err(|e| CliError::Other(e.into()))?;
    let platform = Platform::with_static_keys(
        &info.endpoint,
        &info.platform.access_key_id,
        &info.platform.secret_access_key,
        &region,
    )
    .await;
    let store = roster_store::connect(&args.database_url).await?;
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| CliError::Usage(format!("cannot listen on {}: {e}", args.listen)))?;
    let base_url = format!(
        "http://{}",
        listener
            .local_addr()
            .map_err(|e| CliError::Other(e.into()))?
    );
    let demo = DemoInfo {
        aws_endpoint: info.endpoint.clone(),
        region: info.customer.home_region.clone(),
        management_account: info.customer.management_account_id.clone(),
        customer_access_key_id: info.customer.admin_access_key_id.clone(),
        customer_secret_access_key: info.customer.admin_secret_access_key.clone(),
        member_account: info.member.as_ref().map(|m| m.account_id.clone()),
        member_access_key_id: info.member.as_ref().map(|m| m.admin_access_key_id.clone()),
        member_secret_access_key: info
            .member
            .as_ref()
            .map(|m| m.admin_secret_access_key.clone()),
        aws: Arc::new(FakeConsole(aws)),
    };
    println!(
        "roster demo: fake AWS at {} (management account {}, customer admin keys AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} AWS_DEFAULT_REGION={})",
        info.endpoint,
        info.customer.management_account_id,
        info.customer.admin_access_key_id,
        info.customer.admin_secret_access_key,
        info.customer.home_region
    );
    println!(
        "             organization: {DEMO_ACCOUNTS} member accounts, {DEMO_PERMISSION_SETS} permission sets, {assignments} account assignments (for the SSO source)"
    );
    if let Some(m) = &info.member {
        println!(
            "             member account {} (an account instance with an empty directory), admin keys {} / {}",
            m.account_id, m.admin_access_key_id, m.admin_secret_access_key
        );
    }
    let state = AppState::new(
        store,
        Some(platform.clone()),
        Some(info.platform.principal_arn.clone()),
    )
    .with_secure_cookies(false)
    .with_signing_key(std::env::var("ROSTER_SIGNING_KEY").ok())
    .with_demo(demo);
    run_console(Console {
        state,
        listener,
        base_url,
        worker: Some(platform),
        demo_admin: Some(DEMO_ADMIN.to_owned()),
    })
    .await
}
