//! `roster bench sync`: a sync against an in-process fake-aws at a given
//! size, quota, latency and fault rate, printed as one JSON object (wall
//! time against the quota floor, calls, retries, memory, CPU, storage: the
//! database and log left after exit, and bytes per user, group and membership).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use roster_aws::{CustomerSession, DirectoryClient, Platform};
use roster_core::policy::{PermissionsOptions, permissions_policy, trust_policy};
use roster_core::quota::QuotaModel;
use roster_core::{ExternalId, Region, RoleArn, SourceId, TenantId};
use roster_engine::{
    AwsEndpoint, LocationHint, SyncOptions, SyncProgress, diagnosis_of, locate, run_sync,
};
use roster_fake_aws::{FakeAws, FakeAwsConfig, FakeAwsHandle};
use roster_store::{DirectoryLocation, NewSource, SourceStatus};
use serde_json::json;

use crate::bench_args::BenchSyncArgs;
use crate::exit::CliError;

/// Resets the kernel's peak-RSS mark, so it measures the sync, not start-up.
pub(super) fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub(super) fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of this process (clock ticks are 1/100 s on Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let secs = ticks as f64 / 100.0;
    secs
}

fn file_size(path: Option<&PathBuf>) -> Option<u64> {
    Some(std::fs::metadata(path?).ok()?.len())
}

/// The size of `SQLite`'s write-ahead log beside `db` (0 when there is none).
fn wal_size(db: Option<&PathBuf>) -> Option<u64> {
    let mut wal = db?.clone().into_os_string();
    wal.push("-wal");
    Some(file_size(Some(&PathBuf::from(wal))).unwrap_or(0))
}

/// `bytes / rows`, when both are known and there are rows.
fn per_row(bytes: Option<u64>, rows: u64) -> Option<u64> {
    bytes.filter(|_| rows > 0).map(|b| b / rows)
}

pub(super) fn fail(what: &str, e: impl std::fmt::Display) -> CliError {
    CliError::Other(anyhow::anyhow!("{what}: {e}"))
}

/// The fake-aws shape `args` give (directory, quota, latency).
pub(super) fn fake_config(args: &BenchSyncArgs) -> FakeAwsConfig {
    FakeAwsConfig::default()
        .seed(args.seed)
        .directory(args.users, args.groups, args.memberships)
        .tps(args.tps)
        .quota_model(match args.quota_model {
            QuotaModel::Collective => roster_fake_aws::QuotaModel::Collective,
            QuotaModel::PerApi => roster_fake_aws::QuotaModel::PerApi,
        })
        .latency_ms(args.latency_ms)
}

/// The benchmark's source, connected with `role`.
pub(super) fn bench_source(role: RoleArn, external_id: ExternalId) -> NewSource {
    NewSource {
        id: SourceId::generate(),
        name: "bench".into(),
        role_arn: Some(role),
        external_id,
        status: SourceStatus::Connected,
    }
}

/// A benchmark's customer: the fake, the assumed session, the directory's
/// location, the role and its external ID.
pub(super) type FakeCustomer = (
    FakeAwsHandle,
    CustomerSession,
    DirectoryLocation,
    RoleArn,
    ExternalId,
);

/// Starts fake-aws with `config`, creates the customer role `role_name` with
/// `permissions` and assumes it as roster would.
pub(super) async fn connect_to_fake(
    config: FakeAwsConfig,
    role_name: &str,
    permissions: PermissionsOptions,
) -> Result<FakeCustomer, CliError> {
    let fake = FakeAws::start(config)
        .await
        .map_err(|e| fail("starting fake-aws", e))?;
    let info = fake.info().clone();
    let external_id = ExternalId::generate();
    let trust = trust_policy(&info.platform.principal_arn, &external_id).to_json();
    let inline = permissions_policy(&permissions).to_json();
    let role = fake
        .create_role(role_name, &trust, Some(&inline), &[])
        .map_err(|e| fail("creating the role", e))?;
    let role = RoleArn::parse(&role).map_err(|e| fail("role ARN", e))?;
    let region = Region::parse(&info.customer.home_region).map_err(|e| fail("Region", e))?;
    let platform = Platform::with_static_keys(
        &info.endpoint,
        &info.platform.access_key_id,
        &info.platform.secret_access_key,
        &region,
    )
    .await;
    let session = platform
        .session(&role, &external_id, "roster-bench")
        .await
        .map_err(|e| diagnosis_of("AssumeRole", e, &AwsEndpoint::from_env()))?;
    let (location, _) = locate(&session, &LocationHint::default()).await?;

    Ok((fake, session, location, role, external_id))
}

/// Measurements taken around the syncs.
struct Figures {
    cpu_s: f64,
    total_wall: f64,
    size_after_first: Option<u64>,
    size_after_all: Option<u64>,
    backend: roster_store::Backend,
    /// The log right after the first sync, before anything checkpointed it.
    wal_after_first: Option<u64>,
    /// Main file + log once the store is closed, as a command leaves them.
    db_bytes: Option<u64>,
    wal_bytes: Option<u64>,
    /// Bytes of each directory table with its indexes.
    tables: Option<roster_store::VersionCounts>,
}

fn report(
    args: &BenchSyncArgs,
    first: Option<&roster_engine::SyncOutcome>,
    error: Option<&CliError>,
    (users, groups, memberships): (usize, usize, usize),
    figures: &Figures,
) -> serde_json::Value {
    match (first, error) {
        (Some(first), None) => {
            let c = first.counts;
            let s = &first.stats;
            json!({
                "complete": true,
                "counts_exact": (c.users, c.groups, c.memberships) == (users as u64, groups as u64, memberships as u64),
                "users": c.users, "groups": c.groups, "memberships": c.memberships,
                "expected": {"users": users, "groups": groups, "memberships": memberships},
                "calls": s.calls, "retries": s.retries, "throttled": s.throttled,
                "wall_s": s.wall_s, "publish_s": s.publish_s, "floor_s": s.floor_s, "ratio": s.ratio(),
                "tps": args.tps, "latency_ms": args.latency_ms,
                "quota_model": args.quota_model, "budget": args.budget,
                "rate": f64::from(args.tps) * args.budget,
                "throttle_rate": args.throttle_rate, "error_rate": args.error_rate,
                "peak_rss_mb": status_kb("VmHWM:").map(|kb| kb / 1024),
                "cpu_s": figures.cpu_s,
                "syncs": args.repeat.max(1), "total_wall_s": figures.total_wall,
                "db_bytes_after_first": figures.size_after_first,
                "db_bytes_after_all": figures.size_after_all,
                "backend": figures.backend,
                "db_bytes": figures.db_bytes,
                "wal_bytes": figures.wal_bytes,
                "wal_bytes_after_first_sync": figures.wal_after_first,
                "table_bytes": figures.tables,
                "bytes_per_user": per_row(figures.tables.map(|t| t.users), c.users),
                "bytes_per_group": per_row(figures.tables.map(|t| t.groups), c.groups),
                "bytes_per_membership": per_row(figures.tables.map(|t| t.memberships), c.memberships),
            })
        }
        (_, Some(e)) => {
            json!({"complete": false, "error": e.to_string(), "expected": {"users": users, "groups": groups, "memberships": memberships}})
        }
        (None, None) => json!({"complete": false}),
    }
}

/// The store's URL, and the file measured: the temporary one in `dir`, or a
/// `sqlite://FILE` given.
fn database(args: &BenchSyncArgs, dir: &std::path::Path) -> (Option<PathBuf>, String) {
    let db_path = match args.database_url.as_deref() {
        None => Some(dir.join("bench.db")),
        Some(url) => url
            .strip_prefix("sqlite://")
            .map(|rest| PathBuf::from(rest.split('?').next().unwrap_or(rest)))
            .filter(|p| !p.as_os_str().is_empty() && !url.contains(":memory:")),
    };
    let url = args.database_url.clone().unwrap_or_else(|| {
        format!(
            "sqlite://{}",
            db_path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        )
    });
    (db_path, url)
}

pub async fn sync(args: BenchSyncArgs) -> Result<(), CliError> {
    if args.sso {
        // Boxed: its state is large and only this path needs it.
        return Box::pin(super::bench_sso::run(args)).await;
    }
    if !(args.tps > 0
        && (0.0..=1.0).contains(&args.throttle_rate)
        && (0.0..=1.0).contains(&args.error_rate))
    {
        return Err(CliError::Usage(
            "--tps must be positive; rates must be within 0..1".into(),
        ));
    }
    let config = fake_config(&args).faults(args.throttle_rate, args.error_rate);
    let customer = connect_to_fake(config, "roster-bench", PermissionsOptions::recommended());
    let (fake, session, location, role, external_id) = Box::pin(customer).await?;

    let dir = tempfile::tempdir()?;
    let (db_path, url) = database(&args, dir.path());
    let sql = roster_store::SqlStore::connect(&url).await?;
    let store: Arc<dyn roster_store::Store> = Arc::new(sql.clone());
    let tenant = TenantId::default_tenant();
    let new = bench_source(role, external_id);
    let source = store.create_source(&tenant, &new).await?;
    let options = SyncOptions {
        tps: f64::from(args.tps),
        quota_model: args.quota_model,
        budget: args.budget,
        ..SyncOptions::default()
    };

    reset_peak_rss();
    let (cpu_before, started) = (cpu_seconds(), Instant::now());
    let mut first = None;
    let mut size_after_first = None;
    let mut wal_after_first = None;
    let mut last = Err(CliError::Other(anyhow::anyhow!("no sync ran")));
    for round in 0..args.repeat.max(1) {
        let client = DirectoryClient::new(
            &session,
            location.identity_store_id.clone(),
            location.region.clone(),
        );
        let progress = Arc::new(SyncProgress::default());
        last = run_sync(
            store.clone(),
            &tenant,
            &source.id,
            &location,
            client,
            &options,
            progress,
        )
        .await
        .map_err(CliError::from);
        if round == 0 {
            wal_after_first = wal_size(db_path.as_ref());
            sql.checkpoint().await?;
            size_after_first = file_size(db_path.as_ref());
            first = last.as_ref().ok().cloned();
        }
        if last.is_err() {
            break;
        }
    }
    let total_wall = started.elapsed().as_secs_f64();
    sql.checkpoint().await?;
    let cpu_s = cpu_seconds() - cpu_before;
    let size_after_all = file_size(db_path.as_ref());
    let tables = sql.directory_bytes().await?;
    let backend = store.backend();
    drop(store);
    sql.close().await?;
    let wal_bytes = wal_size(db_path.as_ref());
    let main_bytes = file_size(db_path.as_ref());
    let figures = Figures {
        cpu_s,
        total_wall,
        size_after_first,
        size_after_all,
        backend,
        wal_after_first,
        db_bytes: main_bytes.map(|main| main + wal_bytes.unwrap_or(0)),
        wal_bytes,
        tables,
    };
    let body = report(
        &args,
        first.as_ref(),
        last.as_ref().err(),
        fake.directory_counts(),
        &figures,
    );
    println!("{body}");
    fake.shutdown().await;
    Ok(())
}
