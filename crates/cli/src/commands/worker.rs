//! `roster worker`: runs queued and scheduled syncs until SIGTERM or Ctrl-C,
//! then finishes (or releases) its current jobs.

use roster_aws::Platform;
use roster_engine::{SyncOptions, Worker, WorkerConfig};
use tokio::sync::watch;

use crate::exit::CliError;
use crate::platform_args::WorkerArgs;

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

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
    let mut config = WorkerConfig::new(id);
    config.concurrency = args.concurrency.max(1);
    config.lease = std::time::Duration::from_secs(args.lease_seconds.max(2));
    config.sync = SyncOptions {
        tps: args.tps,
        ..SyncOptions::default()
    };
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        eprintln!("stopping: finishing current syncs (send SIGKILL to abort)");
        let _ = stop.send(true);
    });
    Worker::new(store, platform, config).run(stopped).await?;
    Ok(())
}
