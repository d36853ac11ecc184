//! Process-wide operational counters (syncs by outcome, AWS calls by
//! operation and outcome, throttles, job latency, HTTP responses), fed by the
//! worker after each job and by the web layer per request; rendered in
//! Prometheus' text exposition format by `roster serve`'s `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::progress::{Api, SyncProgress};

/// Upper bounds (seconds) of the job-latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 12] = [
    0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
];

#[derive(Debug, Default)]
struct Histogram {
    buckets: [u64; LATENCY_BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The registry one process shares between its worker and its web layer.
#[derive(Debug, Default)]
pub struct Metrics {
    /// (outcome, failure code) → jobs.
    syncs: Mutex<BTreeMap<(String, String), u64>>,
    /// Per API: [successful pages, failed or retried calls].
    api_calls: [[AtomicU64; 2]; 3],
    throttles: AtomicU64,
    retries: AtomicU64,
    job_latency: Mutex<Histogram>,
    /// (method, status) → responses.
    http: Mutex<BTreeMap<(String, u16), u64>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// Records one finished job: `failure` is the diagnosis code, if any.
    pub fn observe_job(&self, progress: &SyncProgress, failure: Option<&str>, took: Duration) {
        let key = match failure {
            None => ("complete".to_owned(), String::new()),
            Some(code) => ("failed".to_owned(), code.to_owned()),
        };
        *lock(&self.syncs).entry(key).or_default() += 1;
        for (i, api) in Api::ALL.iter().enumerate() {
            let (calls, pages) = (progress.calls(*api), progress.pages(*api));
            self.api_calls[i][0].fetch_add(pages, Ordering::Relaxed);
            self.api_calls[i][1].fetch_add(calls.saturating_sub(pages), Ordering::Relaxed);
        }
        self.throttles
            .fetch_add(progress.throttled(), Ordering::Relaxed);
        self.retries
            .fetch_add(progress.retries(), Ordering::Relaxed);
        let secs = took.as_secs_f64();
        let mut h = lock(&self.job_latency);
        for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
            if secs <= *bound {
                h.buckets[i] += 1;
            }
        }
        h.count += 1;
        h.sum += secs;
    }

    /// Records one HTTP response.
    pub fn observe_http(&self, method: &str, status: u16) {
        *lock(&self.http)
            .entry((method.to_owned(), status))
            .or_default() += 1;
    }

    /// Every counter in the text exposition format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP roster_syncs_total Sync jobs finished, by outcome (and failure code).\n# TYPE roster_syncs_total counter\n");
        for ((outcome, code), n) in lock(&self.syncs).iter() {
            let _ = writeln!(
                out,
                "roster_syncs_total{{outcome=\"{outcome}\",code=\"{code}\"}} {n}"
            );
        }
        out.push_str("# HELP roster_aws_api_calls_total Identity Store calls, by operation and outcome (ok: a page read; error: failed, throttled or retried).\n# TYPE roster_aws_api_calls_total counter\n");
        for (i, api) in Api::ALL.iter().enumerate() {
            for (j, outcome) in ["ok", "error"].iter().enumerate() {
                let n = self.api_calls[i][j].load(Ordering::Relaxed);
                let op = api.operation();
                let _ = writeln!(
                    out,
                    "roster_aws_api_calls_total{{operation=\"{op}\",outcome=\"{outcome}\"}} {n}"
                );
            }
        }
        let throttles = self.throttles.load(Ordering::Relaxed);
        let retries = self.retries.load(Ordering::Relaxed);
        let _ = write!(
            out,
            "# HELP roster_aws_throttles_total ThrottlingException responses.\n# TYPE roster_aws_throttles_total counter\nroster_aws_throttles_total {throttles}\n\
             # HELP roster_aws_retries_total Retried AWS calls.\n# TYPE roster_aws_retries_total counter\nroster_aws_retries_total {retries}\n"
        );
        self.render_latency(&mut out);
        out.push_str("# HELP roster_http_responses_total HTTP responses, by method and status.\n# TYPE roster_http_responses_total counter\n");
        for ((method, status), n) in lock(&self.http).iter() {
            let _ = writeln!(
                out,
                "roster_http_responses_total{{method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        out
    }

    fn render_latency(&self, out: &mut String) {
        let h = lock(&self.job_latency);
        out.push_str("# HELP roster_job_duration_seconds Time from claiming a sync job to finishing it.\n# TYPE roster_job_duration_seconds histogram\n");
        for (bound, n) in LATENCY_BUCKETS.iter().zip(h.buckets) {
            let _ = writeln!(
                out,
                "roster_job_duration_seconds_bucket{{le=\"{bound}\"}} {n}"
            );
        }
        let _ = write!(
            out,
            "roster_job_duration_seconds_bucket{{le=\"+Inf\"}} {count}\nroster_job_duration_seconds_sum {sum}\nroster_job_duration_seconds_count {count}\n",
            count = h.count,
            sum = h.sum
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histogram() {
        let m = Metrics::default();
        let p = SyncProgress::default();
        m.observe_job(&p, None, Duration::from_secs(2));
        m.observe_job(&p, Some("assume-role-denied"), Duration::from_millis(100));
        m.observe_http("GET", 200);
        let text = m.render();
        assert!(text.contains("roster_syncs_total{outcome=\"complete\",code=\"\"} 1"));
        assert!(
            text.contains("roster_syncs_total{outcome=\"failed\",code=\"assume-role-denied\"} 1")
        );
        assert!(text.contains("roster_job_duration_seconds_bucket{le=\"0.5\"} 1"));
        assert!(text.contains("roster_job_duration_seconds_bucket{le=\"2.5\"} 2"));
        assert!(text.contains("roster_job_duration_seconds_count 2"));
        assert!(text.contains("roster_http_responses_total{method=\"GET\",status=\"200\"} 1"));
        assert!(
            text.contains("roster_aws_api_calls_total{operation=\"ListUsers\",outcome=\"ok\"} 0")
        );
    }
}
