//! AWS's quotas are per Identity Center instance, not per process: every worker
//! syncing one instance shares its rate.
//!
//! Syncs of one instance inside a process share one set of limiters; the
//! processes syncing it at once divide roster's budget of its quota
//! (`tps × budget`, for each bucket the quota model has: one collective
//! bucket, or one per API) through the store. Each holds a share, renewed
//! every `heartbeat`, and runs each bucket at a whole number of calls per
//! second, `floor(tps × budget / holders)`, so that n processes' windows add
//! up to at most the budget (each may have one call more in a window than
//! its rate says; the floor and the limiter's margin pay for it). The first
//! sync of an instance in a process sets the quota model its limiters use.
//!
//! Changes of rate keep to AWS's one-second window:
//! - a holder that sees more holders slows down at once;
//! - a newcomer waits until every other holder has renewed since it joined
//!   (so has slowed down), then one window more, before its first call;
//! - a holder that sees fewer holders speeds up only after a window, by
//!   which time the leaver's last calls have left it;
//! - a holder that cannot renew for as long as its share lives slows to a
//!   crawl (the others may count it gone) and rejoins as a newcomer.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use roster_core::WorkerId;
use roster_core::quota::QuotaUse;
use roster_store::Store;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::limiter::ApiLimiters;

/// How often shares are renewed, how long one lives, and AWS's window.
#[derive(Debug, Clone, Copy)]
pub struct ShareTiming {
    pub heartbeat: Duration,
    pub ttl: Duration,
    /// The span AWS's quota is counted over.
    pub window: Duration,
}

impl Default for ShareTiming {
    fn default() -> Self {
        Self {
            heartbeat: Duration::from_secs(1),
            ttl: Duration::from_secs(5),
            window: Duration::from_secs(1),
        }
    }
}

/// The rate a holder falls back to when it has lost touch with the store.
const CRAWL_TPS: f64 = 0.1;

/// This process's shares of instance quotas.
#[derive(Debug, Clone)]
pub struct SharedQuotas {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Arc<dyn Store>,
    holder: WorkerId,
    timing: ShareTiming,
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Debug)]
struct Entry {
    limiters: Arc<ApiLimiters>,
    /// True once calls may leave (the share is settled).
    ready: watch::Receiver<bool>,
    users: usize,
    keeper: JoinHandle<()>,
}

/// One sync's use of an instance's quota; gives the share back when the
/// last sync of the instance in this process drops it.
#[derive(Debug)]
pub struct QuotaLease {
    inner: Arc<Inner>,
    key: String,
    limiters: Arc<ApiLimiters>,
}

impl QuotaLease {
    pub fn limiters(&self) -> Arc<ApiLimiters> {
        self.limiters.clone()
    }
}

impl Drop for QuotaLease {
    fn drop(&mut self) {
        let mut entries = self.inner.lock();
        let Some(entry) = entries.get_mut(&self.key) else {
            return;
        };
        entry.users -= 1;
        if entry.users > 0 {
            return;
        }
        if let Some(entry) = entries.remove(&self.key) {
            entry.keeper.abort();
            let (inner, key) = (self.inner.clone(), self.key.clone());
            let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                return; // no runtime left to say it: the share expires
            };
            runtime.spawn(async move {
                if let Err(e) = inner.store.release_quota_share(&key, &inner.holder).await {
                    tracing::warn!(instance = %key, error = %e, "releasing a quota share failed; it expires");
                }
            });
        }
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl SharedQuotas {
    /// `holder` names this process (unique among the processes on the store).
    pub fn new(store: Arc<dyn Store>, holder: WorkerId, timing: ShareTiming) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                holder,
                timing,
                entries: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Joins the quota of `instance` (`identity_store_id@region`), counted
    /// as `quota` says (roster's whole budget: `quota.rate()` per bucket),
    /// and returns once calls may start.
    pub async fn join(&self, instance: &str, quota: QuotaUse) -> QuotaLease {
        let (limiters, mut ready) = {
            let mut entries = self.inner.lock();
            let entry = entries
                .entry(instance.to_owned())
                .or_insert_with(|| start(&self.inner, instance, quota));
            entry.users += 1;
            (entry.limiters.clone(), entry.ready.clone())
        };
        // Made before waiting, so a sync cancelled while it waits still lets go.
        let lease = QuotaLease {
            inner: self.inner.clone(),
            key: instance.to_owned(),
            limiters,
        };
        // An error means the keeper is gone (aborted): nothing to wait for.
        let _ = ready.wait_for(|r| *r).await;
        lease
    }
}

fn start(inner: &Arc<Inner>, instance: &str, quota: QuotaUse) -> Entry {
    let limiters = Arc::new(ApiLimiters::new(quota.model, CRAWL_TPS));
    let (ready_tx, ready) = watch::channel(false);
    let keeper = tokio::spawn(keep_share(
        inner.clone(),
        instance.to_owned(),
        quota.rate(),
        limiters.clone(),
        ready_tx,
    ));
    Entry {
        limiters,
        ready,
        users: 0,
        keeper,
    }
}

/// This process's whole calls per second when `holders` share `tps`.
fn share(tps: f64, holders: u32) -> f64 {
    if holders <= 1 {
        return tps;
    }
    let even = (tps / f64::from(holders)).floor();
    if even >= 1.0 {
        even
    } else {
        tps / f64::from(holders) / 2.0
    }
}

#[derive(Debug)]
enum Phase {
    /// Waiting for these holders to renew (`None`: not yet seen any view).
    Joining(Option<BTreeMap<WorkerId, i64>>),
    /// Everyone has slowed down; the first call waits for this instant.
    Settling(Instant),
    /// Calling at `rate`; `faster_since` is when more became allowed.
    Holding {
        rate: f64,
        faster_since: Option<Instant>,
    },
}

/// Holds this process's share of `instance` and sets the limiters' rate.
async fn keep_share(
    inner: Arc<Inner>,
    instance: String,
    tps: f64,
    limiters: Arc<ApiLimiters>,
    ready: watch::Sender<bool>,
) {
    let timing = inner.timing;
    let mut phase = Phase::Joining(None);
    let mut last_renewed = Instant::now();
    loop {
        let view = inner
            .store
            .hold_quota_share(&instance, &inner.holder, timing.ttl)
            .await;
        phase = match (phase, view) {
            (phase, Err(e)) => {
                tracing::warn!(instance, error = %e, "renewing a quota share failed");
                if last_renewed.elapsed() + timing.heartbeat >= timing.ttl {
                    // The others may count this process gone.
                    limiters.set_rate(CRAWL_TPS);
                    Phase::Joining(None)
                } else {
                    phase
                }
            }
            (Phase::Joining(pending), Ok(view)) => {
                last_renewed = Instant::now();
                let first = pending.is_none();
                let mut pending = pending.unwrap_or_else(|| view.others.clone());
                pending.retain(|holder, seen| view.others.get(holder).is_some_and(|n| n <= seen));
                if !pending.is_empty() {
                    Phase::Joining(Some(pending))
                } else if first && view.others.is_empty() {
                    // Alone: nobody else is calling.
                    hold_at(&limiters, &ready, share(tps, view.count))
                } else {
                    Phase::Settling(Instant::now() + timing.window)
                }
            }
            (Phase::Settling(until), Ok(view)) => {
                last_renewed = Instant::now();
                if Instant::now() >= until {
                    hold_at(&limiters, &ready, share(tps, view.count))
                } else {
                    Phase::Settling(until)
                }
            }
            (Phase::Holding { rate, faster_since }, Ok(view)) => {
                last_renewed = Instant::now();
                let allowed = share(tps, view.count);
                if allowed < rate {
                    hold_at(&limiters, &ready, allowed)
                } else if allowed > rate {
                    let since = faster_since.unwrap_or_else(Instant::now);
                    if since.elapsed() >= timing.window {
                        hold_at(&limiters, &ready, allowed)
                    } else {
                        Phase::Holding {
                            rate,
                            faster_since: Some(since),
                        }
                    }
                } else {
                    Phase::Holding {
                        rate,
                        faster_since: None,
                    }
                }
            }
        };
        let pause = match phase {
            Phase::Holding { .. } => timing.heartbeat,
            _ => timing.heartbeat / 4,
        };
        tokio::time::sleep(pause).await;
    }
}

fn hold_at(limiters: &ApiLimiters, ready: &watch::Sender<bool>, rate: f64) -> Phase {
    limiters.set_rate(rate);
    ready.send_replace(true);
    Phase::Holding {
        rate,
        faster_since: None,
    }
}
