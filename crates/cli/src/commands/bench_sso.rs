//! `roster bench sync --sso`: the SSO source's access sync against an
//! in-process fake-aws organization (accounts, permission sets, assignments
//! over a generated directory) at the given quota model and budget: clean,
//! again under injected throttles and 5xx, and with the naive plan (every
//! account × every permission set), each checked for exactness against the
//! generator's own assignments expanded through the directory snapshot.
//! Prints one JSON object. Peak RSS includes the in-process fake-aws.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use roster_aws::{DirectoryClient, SsoClient};
use roster_core::policy::PermissionsOptions;
use roster_core::sso::{
    AccessCheckSettings, AccessRow, AccountAssignment, DirectoryIndex, PermissionSetArn,
    PrincipalType, access,
};
use roster_core::{AccountId, SourceId, TenantId};
use roster_engine::{
    AccessOutcome, AccessProgress, AccessSyncOptions, PlanMode, SyncOptions, SyncProgress,
    run_access_sync, run_sync,
};
use roster_fake_aws::{FakeAwsHandle, FaultConfig};
use roster_store::{AccessFilter, DirectoryLocation, Snapshot, Store, StoreError};
use serde_json::json;

use super::bench::{bench_source, connect_to_fake, fail, fake_config, reset_peak_rss, status_kb};
use crate::bench_args::BenchSyncArgs;
use crate::exit::CliError;

/// A row as compared: (user, account, permission set, via group, orphaned).
type Key = (Option<String>, String, String, Option<String>, bool);

fn key(r: &AccessRow) -> Key {
    let (user, account, arn, via) = r.key();
    (
        user,
        account.as_str().to_owned(),
        arn.as_str().to_owned(),
        via,
        r.orphaned,
    )
}

/// Rows per page of the store reads.
const PAGE: u32 = 5_000;

/// Reads every page of a keyset-paged store list, handing each to `take`;
/// `cursor` is a row's key to continue after.
async fn each_page<T>(
    mut page: impl AsyncFnMut(Option<&str>) -> Result<Vec<T>, StoreError>,
    cursor: impl Fn(&T) -> String,
    mut take: impl FnMut(Vec<T>),
) -> Result<(), CliError> {
    let mut after: Option<String> = None;
    loop {
        let rows = page(after.as_deref()).await?;
        after = rows.last().map(&cursor);
        let done = rows.len() < PAGE as usize;
        take(rows);
        if done {
            return Ok(());
        }
    }
}

struct Bench {
    fake: FakeAwsHandle,
    store: Arc<dyn Store>,
    tenant: TenantId,
    source: SourceId,
    location: DirectoryLocation,
    client: SsoClient,
    directory: DirectoryClient,
    /// The store's folder, removed when the benchmark ends (after the store).
    _dir: tempfile::TempDir,
}

async fn start(args: &BenchSyncArgs) -> Result<Bench, CliError> {
    let (fake, session, location, role, external_id) = connect_to_fake(
        fake_config(args).organization(args.accounts, args.permission_sets, args.assignments),
        "roster-bench-sso",
        PermissionsOptions::sso_source(),
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store: Arc<dyn Store> = Arc::new(roster_store::SqlStore::connect(&url).await?);
    let tenant = TenantId::default_tenant();
    let new = bench_source(role, external_id);
    let source = store.create_source(&tenant, &new).await?.id;
    let client = SsoClient::new(
        &session,
        location.instance_arn.clone().unwrap_or_default(),
        &location.region,
    );
    let directory = DirectoryClient::new(
        &session,
        location.identity_store_id.clone(),
        location.region.clone(),
    );
    Ok(Bench {
        fake,
        store,
        tenant,
        source,
        location,
        client,
        directory,
        _dir: dir,
    })
}

impl Bench {
    /// The directory the access is expanded through, read at a raised
    /// quota (it is the setting, not what is measured).
    async fn sync_directory(&self, args: &BenchSyncArgs) -> Result<f64, CliError> {
        self.fake.set_tps(10_000);
        let started = Instant::now();
        let options = SyncOptions {
            tps: 5_000.0,
            budget: 1.0,
            ..SyncOptions::default()
        };
        run_sync(
            self.store.clone(),
            &self.tenant,
            &self.source,
            &self.location,
            self.directory.clone(),
            &options,
            Arc::new(SyncProgress::default()),
        )
        .await?;
        self.fake.set_tps(args.tps);
        Ok(started.elapsed().as_secs_f64())
    }

    async fn access(&self, options: &AccessSyncOptions) -> Result<AccessOutcome, CliError> {
        Ok(run_access_sync(
            self.store.clone(),
            &self.tenant,
            &self.source,
            &self.location,
            self.client.clone(),
            &AccessCheckSettings::default(),
            options,
            Arc::new(AccessProgress::default()),
        )
        .await?)
    }

    fn truth_assignments(&self) -> Vec<AccountAssignment> {
        self.fake
            .account_assignments()
            .into_iter()
            .filter_map(|(account, arn, kind, id)| {
                Some(AccountAssignment {
                    account_id: AccountId::parse(&account).ok()?,
                    permission_set_arn: PermissionSetArn::parse(&arn).ok()?,
                    principal_type: if kind == "USER" {
                        PrincipalType::User
                    } else {
                        PrincipalType::Group
                    },
                    principal_id: id,
                })
            })
            .collect()
    }

    /// The directory snapshot as one full index, built by `roster_core`.
    async fn index(&self) -> Result<DirectoryIndex, CliError> {
        let at = self
            .store
            .latest_snapshot(&self.tenant, &self.source)
            .await?
            .ok_or_else(|| fail("directory", "no snapshot"))?;
        let (mut users, mut groups, mut members) = (Vec::new(), Vec::new(), Vec::new());
        let (store, tenant) = (&self.store, &self.tenant);
        each_page(
            async |after| store.users_page(tenant, &at, after, PAGE).await,
            |u| u.user_id.to_string(),
            |page| users.extend(page),
        )
        .await?;
        each_page(
            async |after| store.groups_page(tenant, &at, after, PAGE).await,
            |g| g.group_id.to_string(),
            |page| groups.extend(page),
        )
        .await?;
        each_page(
            async |after| store.memberships_page(tenant, &at, after, PAGE).await,
            |m| m.membership.membership_id.to_string(),
            |page| members.extend(page.into_iter().map(|m| m.membership)),
        )
        .await?;
        Ok(DirectoryIndex::from_directory(&users, &groups, &members))
    }

    async fn stored(&self, at: &Snapshot) -> Result<BTreeSet<Key>, CliError> {
        let mut out = BTreeSet::new();
        let filter = AccessFilter::default();
        let (store, tenant) = (&self.store, &self.tenant);
        each_page(
            async |after| store.access_page(tenant, at, &filter, after, PAGE).await,
            roster_store::AccessEntry::cursor,
            |page| out.extend(page.iter().map(|e| key(&e.row))),
        )
        .await?;
        Ok(out)
    }

    /// Whether the snapshot holds exactly the generator's assignments and
    /// the effective access they grant.
    async fn exactness(
        &self,
        outcome: &AccessOutcome,
        truth: &BTreeSet<Key>,
    ) -> Result<serde_json::Value, CliError> {
        let at = Snapshot {
            source_id: self.source.clone(),
            sync_id: outcome.sync_id,
        };
        let generated: BTreeSet<_> = self
            .truth_assignments()
            .into_iter()
            .map(|a| {
                (
                    a.account_id,
                    a.permission_set_arn,
                    a.principal_type,
                    a.principal_id,
                )
            })
            .collect();
        let read: BTreeSet<_> = self
            .store
            .account_assignments(&self.tenant, &at)
            .await?
            .into_iter()
            .map(|a| {
                (
                    a.account_id,
                    a.permission_set_arn,
                    a.principal_type,
                    a.principal_id,
                )
            })
            .collect();
        let rows = self.stored(&at).await?;
        Ok(json!({
            "exact": read == generated && rows == *truth,
            "assignments_exact": read == generated,
            "assignments": read.len(), "expected_assignments": generated.len(),
            "rows": rows.len(), "expected_rows": truth.len(),
            "missing_rows": truth.difference(&rows).count(),
            "extra_rows": rows.difference(truth).count(),
        }))
    }
}

fn run_json(
    outcome: &AccessOutcome,
    peak_rss_kb: Option<u64>,
    exactness: &serde_json::Value,
    rate: f64,
) -> serde_json::Value {
    let s = &outcome.stats;
    let sso_calls: u64 = s
        .calls
        .iter()
        .filter(|(k, _)| !k.starts_with("organizations:"))
        .map(|(_, n)| n)
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let naive_floor_s = s.access_plan.as_ref().map(|p| p.naive_calls as f64 / rate);
    json!({
        "sync_id": outcome.sync_id,
        "wall_s": s.wall_s, "publish_s": s.publish_s, "floor_s": s.floor_s, "ratio": s.ratio(),
        "naive_floor_s": naive_floor_s,
        "plan": s.access_plan,
        "calls": s.calls, "sso_calls": sso_calls,
        "throttled": s.throttled, "retries": s.retries, "vanished": s.vanished.len(),
        "counts": outcome.counts,
        "peak_rss_mb": peak_rss_kb.map(|kb| kb / 1024),
        "exactness": exactness,
    })
}

/// One measured access sync: peak RSS from a fresh mark, exactness after.
async fn measured(
    bench: &Bench,
    options: &AccessSyncOptions,
    truth: &BTreeSet<Key>,
) -> serde_json::Value {
    reset_peak_rss();
    match bench.access(options).await {
        Ok(outcome) => {
            let rss = status_kb("VmHWM:");
            let exact = bench
                .exactness(&outcome, truth)
                .await
                .unwrap_or_else(|e| json!({"error": e.to_string()}));
            run_json(&outcome, rss, &exact, options.rate())
        }
        Err(e) => json!({"complete": false, "error": e.to_string()}),
    }
}

pub async fn run(args: BenchSyncArgs) -> Result<(), CliError> {
    let bench = start(&args).await?;
    let directory_s = bench.sync_directory(&args).await?;
    let index = bench.index().await?;
    let truth: BTreeSet<Key> = access::expand(&index, bench.truth_assignments())
        .map(|r| key(&r))
        .collect();
    drop(index);
    let options = AccessSyncOptions {
        tps: f64::from(args.tps),
        budget: args.budget,
        ..AccessSyncOptions::default()
    };
    let clean = measured(&bench, &options, &truth).await;
    eprintln!("clean: {clean}");
    bench.fake.set_faults(FaultConfig {
        throttle_rate: args.sso_throttle_rate,
        error_rate: args.sso_error_rate,
        latency_ms: args.latency_ms,
    });
    let faults = measured(&bench, &options, &truth).await;
    eprintln!("faults: {faults}");
    bench.fake.set_faults(FaultConfig {
        throttle_rate: 0.0,
        error_rate: 0.0,
        latency_ms: args.latency_ms,
    });
    let naive = if args.no_naive {
        serde_json::Value::Null
    } else {
        let naive = AccessSyncOptions {
            plan: PlanMode::Naive,
            ..options.clone()
        };
        measured(&bench, &naive, &truth).await
    };
    let (users, groups, memberships) = bench.fake.directory_counts();
    println!(
        "{}",
        json!({
            "sso": true,
            "organization": {
                "accounts": args.accounts, "permission_sets": args.permission_sets,
                "assignments": bench.fake.account_assignments().len(),
                "users": users, "groups": groups, "memberships": memberships,
            },
            "quota_model": args.quota_model, "tps": args.tps, "budget": args.budget,
            "rate": options.rate(), "latency_ms": args.latency_ms,
            "directory_setup_s": directory_s,
            "effective_access_rows": truth.len(),
            "clean": clean,
            "faults": {"throttle_rate": args.sso_throttle_rate, "error_rate": args.sso_error_rate, "run": faults},
            "naive": naive,
            "build": if cfg!(debug_assertions) { "debug" } else { "release" },
        })
    );
    bench.fake.shutdown().await;
    Ok(())
}
