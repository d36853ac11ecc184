//! `roster worker`: runs queued and scheduled syncs until SIGTERM or Ctrl-C,
//! then finishes (or releases) its current jobs. With `--metrics-addr` it
//! also serves `/healthz`, `/readyz` and Prometheus `/metrics`.

use std::sync::Arc;

use roster_aws::Platform;
use roster_engine::{Metrics, SyncOptions, Worker, WorkerConfig};
use roster_store::Store;
use roster_web::{AppState, Ops};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::exit::CliError;
use crate::platform_args::WorkerArgs;

pub async fn run(args: WorkerArgs) -> Result<(), CliError> {
    if !(args.tps > 0.0 && args.tps.is_finite()) {
        return Err(CliError::Usage("--tps must be a positive number".into()));
    }
    let store = roster_store::connect(&args.db.database_url).await?;
    let platform = Platform::from_env().await;
    let id = args.id.unwrap_or_else(|| {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        format!("{}-{}", host.trim(), std::process::id())
    });
    let id =
        roster_core::WorkerId::parse(&id).map_err(|e| CliError::Usage(format!("--id: {e}")))?;
    let mut config = WorkerConfig::new(id);
    config.concurrency = args.concurrency.max(1);
    config.lease = std::time::Duration::from_secs(args.lease_seconds.max(2));
    config.sync = SyncOptions {
        tps: args.tps,
        endpoint: roster_engine::AwsEndpoint::from_env(),
        ..SyncOptions::default()
    };
    let metrics = Arc::new(Metrics::default());
    let ops = match &args.metrics_addr {
        Some(addr) => Some(serve_ops(addr, store.clone(), metrics.clone()).await?),
        None => None,
    };
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        crate::signals::shutdown_signal().await;
        eprintln!("stopping: finishing current syncs (send SIGKILL to abort)");
        let _ = stop.send(true);
    });
    Worker::new(store, platform, config)
        .with_metrics(metrics)
        .run(stopped)
        .await?;
    if let Some(ops) = ops {
        ops.abort();
    }
    Ok(())
}

/// Binds `addr` and serves the operations endpoints until the worker stops.
async fn serve_ops(
    addr: &str,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
) -> Result<tokio::task::JoinHandle<()>, CliError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::Usage(format!("--metrics-addr {addr}: {e}")))?;
    let bound = listener
        .local_addr()
        .map_err(|e| CliError::Other(e.into()))?;
    eprintln!("worker metrics at http://{bound}/metrics");
    let state = AppState::new(store, None, None).with_ops(Ops::from_env(metrics));
    // Peer addresses let `/metrics` answer loopback clients without a token.
    let app =
        roster_web::ops_router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "the metrics endpoint stopped");
        }
    }))
}
