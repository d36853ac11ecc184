//! `roster fake-aws`: start, print the info JSON as the first stdout line,
//! serve until SIGINT or SIGTERM.

use std::io::Write as _;

use crate::config::FakeAwsArgs;
use crate::handle::FakeAws;

pub async fn run_cli(args: FakeAwsArgs) -> anyhow::Result<()> {
    let handle = FakeAws::start(args.into()).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", serde_json::to_string(handle.info())?)?;
        out.flush()?;
    }
    eprintln!("fake-aws serving on {} (Ctrl-C to stop)", handle.endpoint());
    wait_for_signal().await?;
    handle.shutdown().await;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_signal() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r?,
        _ = term.recv() => {}
    }
    Ok(())
}

#[cfg(not(unix))]
async fn wait_for_signal() -> anyhow::Result<()> {
    tokio::signal::ctrl_c().await?;
    Ok(())
}
