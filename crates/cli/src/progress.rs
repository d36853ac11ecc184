//! Sync progress on stderr: a live bar per API on a terminal, a plain line
//! every few seconds otherwise.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use roster_engine::{Api, SyncProgress};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct ProgressView {
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

fn line(api: Api, p: &SyncProgress, elapsed: f64) -> String {
    let calls = p.calls(api);
    #[allow(clippy::cast_precision_loss)]
    let rate = if elapsed > 0.0 {
        calls as f64 / elapsed
    } else {
        0.0
    };
    format!(
        "{:<21} {:>9} items {:>7} calls {:>6.1}/s",
        api.operation(),
        p.items(api),
        calls,
        rate
    )
}

impl ProgressView {
    /// `quiet` suppresses plain lines (JSON mode); bars still show on a terminal.
    pub fn start(progress: Arc<SyncProgress>, tps: f64, quiet: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        if !terminal && quiet {
            return Self {
                stop: None,
                task: None,
            };
        }
        let (stop, mut stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            let bars: Vec<ProgressBar> = if terminal {
                Api::ALL
                    .iter()
                    .map(|_| multi.add(ProgressBar::new_spinner().with_style(style.clone())))
                    .collect()
            } else {
                Vec::new()
            };
            let period = if terminal {
                Duration::from_millis(200)
            } else {
                Duration::from_secs(5)
            };
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tick.tick() => {}
                }
                let elapsed = started.elapsed().as_secs_f64();
                if terminal {
                    for (bar, api) in bars.iter().zip(Api::ALL) {
                        let mut msg = line(api, &progress, elapsed);
                        if api == Api::ListGroupMemberships {
                            let groups = progress.items(Api::ListGroups);
                            let done = progress.groups_done();
                            #[allow(clippy::cast_precision_loss)]
                            let eta = (groups.saturating_sub(done)) as f64 / tps;
                            let _ = write!(msg, "  groups {done}/{groups}  ETA ≥ {eta:.0}s");
                        }
                        bar.set_message(msg);
                        bar.tick();
                    }
                } else {
                    let parts: Vec<String> = Api::ALL
                        .iter()
                        .map(|a| line(*a, &progress, elapsed))
                        .collect();
                    eprintln!("[{elapsed:>6.1}s] {}", parts.join(" | "));
                }
            }
            for bar in bars {
                bar.finish_and_clear();
            }
        });
        Self {
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub async fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}
