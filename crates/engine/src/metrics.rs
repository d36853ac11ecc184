//! Process-wide operational metrics (syncs by outcome, AWS calls by
//! operation and outcome, throttles, retries, job latency, HTTP responses,
//! queue depth), fed by the worker after each job and by the web layer per
//! request; kept in a `prometheus-client` registry and rendered in the
//! `OpenMetrics` text format by `/metrics`.
//!
//! Every label comes from a closed set, never from a request as sent: the
//! HTTP method is one of the standard methods or `other`, the status one of
//! the codes 100–599 or `other`, the sync outcome and failure code come from
//! roster's own diagnosis codes. Junk from clients cannot grow the registry.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::progress::{Api, SyncProgress};

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds (seconds) of the job-latency histogram's buckets.
const LATENCY_BUCKETS: [f64; 12] = [
    0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
];

/// The HTTP methods counted by name; any other is counted as `other`.
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SyncLabels {
    outcome: &'static str,
    code: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ApiLabels {
    operation: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: &'static str,
    status: Status,
}

/// A response status as a label: the code when it is a real HTTP status.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
enum Status {
    Code(u16),
    Other,
}

impl prometheus_client::encoding::EncodeLabelValue for Status {
    fn encode(
        &self,
        encoder: &mut prometheus_client::encoding::LabelValueEncoder,
    ) -> Result<(), std::fmt::Error> {
        match self {
            Self::Code(code) => code.encode(encoder),
            Self::Other => "other".encode(encoder),
        }
    }
}

/// The label of an HTTP method: its name when standard, else `other`.
pub fn method_label(method: &str) -> &'static str {
    METHODS
        .iter()
        .find(|m| **m == method)
        .copied()
        .unwrap_or("other")
}

fn status_label(status: u16) -> Status {
    if (100..=599).contains(&status) {
        Status::Code(status)
    } else {
        Status::Other
    }
}

/// The registry one process shares between its worker and its web layer.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    syncs: Family<SyncLabels, Counter>,
    api_calls: Family<ApiLabels, Counter>,
    throttles: Counter,
    retries: Counter,
    job_latency: Histogram,
    http: Family<HttpLabels, Counter>,
    queue_depth: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let syncs = Family::<SyncLabels, Counter>::default();
        let api_calls = Family::<ApiLabels, Counter>::default();
        let throttles = Counter::default();
        let retries = Counter::default();
        let job_latency = Histogram::new(LATENCY_BUCKETS);
        let http = Family::<HttpLabels, Counter>::default();
        let queue_depth = Gauge::default();
        let mut registry = Registry::default();
        registry.register(
            "roster_syncs",
            "Sync jobs finished, by outcome (and failure code)",
            syncs.clone(),
        );
        registry.register(
            "roster_aws_api_calls",
            "Identity Store calls, by operation and outcome (ok: a page read; error: failed, throttled or retried)",
            api_calls.clone(),
        );
        registry.register(
            "roster_aws_throttles",
            "ThrottlingException responses",
            throttles.clone(),
        );
        registry.register("roster_aws_retries", "Retried AWS calls", retries.clone());
        registry.register(
            "roster_job_duration_seconds",
            "Time from claiming a sync job to finishing it",
            job_latency.clone(),
        );
        registry.register(
            "roster_http_responses",
            "HTTP responses, by method (standard methods, else other) and status",
            http.clone(),
        );
        registry.register(
            "roster_queue_depth",
            "Sync jobs waiting, across tenants",
            queue_depth.clone(),
        );
        // Completed syncs and every operation's calls exist from the start, at zero.
        syncs
            .get_or_create(&SyncLabels {
                outcome: "complete",
                code: String::new(),
            })
            .inc_by(0);
        for api in Api::ALL {
            for outcome in ["ok", "error"] {
                api_calls
                    .get_or_create(&ApiLabels {
                        operation: api.operation(),
                        outcome,
                    })
                    .inc_by(0);
            }
        }
        Self {
            registry,
            syncs,
            api_calls,
            throttles,
            retries,
            job_latency,
            http,
            queue_depth,
        }
    }
}

impl Metrics {
    /// Records one finished job: `failure` is the diagnosis code, if any.
    pub fn observe_job(&self, progress: &SyncProgress, failure: Option<&str>, took: Duration) {
        let labels = match failure {
            None => SyncLabels {
                outcome: "complete",
                code: String::new(),
            },
            Some(code) => SyncLabels {
                outcome: "failed",
                code: code.to_owned(),
            },
        };
        self.syncs.get_or_create(&labels).inc();
        for api in Api::ALL {
            let (calls, pages) = (progress.calls(api), progress.pages(api));
            let count = |outcome, n| {
                self.api_calls
                    .get_or_create(&ApiLabels {
                        operation: api.operation(),
                        outcome,
                    })
                    .inc_by(n);
            };
            count("ok", pages);
            count("error", calls.saturating_sub(pages));
        }
        self.throttles.inc_by(progress.throttled());
        self.retries.inc_by(progress.retries());
        self.job_latency.observe(took.as_secs_f64());
    }

    /// Records one HTTP response. The method and status are reduced to
    /// their closed sets here, whatever the caller passes.
    pub fn observe_http(&self, method: &str, status: u16) {
        self.http
            .get_or_create(&HttpLabels {
                method: method_label(method),
                status: status_label(status),
            })
            .inc();
    }

    /// Sets the number of sync jobs waiting (read from the store per scrape).
    pub fn set_queue_depth(&self, depth: u64) {
        self.queue_depth
            .set(i64::try_from(depth).unwrap_or(i64::MAX));
    }

    /// Every metric in the `OpenMetrics` text format (see [`CONTENT_TYPE`]).
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
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

    #[test]
    fn junk_methods_and_statuses_share_one_series_each() {
        let m = Metrics::default();
        for i in 0..2_000 {
            let junk = format!("X{i}{}", "A".repeat(100));
            m.observe_http(&junk, 200);
            m.observe_http("GET", 1000 + u16::try_from(i % 100).unwrap_or(0));
        }
        m.observe_http("POST", 404);
        let text = m.render();
        let mut series: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("roster_http_responses_total{"))
            .collect();
        series.sort_unstable();
        assert_eq!(
            series,
            [
                "roster_http_responses_total{method=\"GET\",status=\"other\"} 2000",
                "roster_http_responses_total{method=\"POST\",status=\"404\"} 1",
                "roster_http_responses_total{method=\"other\",status=\"200\"} 2000",
            ],
            "{text}"
        );
        assert!(text.len() < 4_096, "{} bytes:\n{text}", text.len());
        assert!(!text.contains("XA") && !text.contains("AAAA"));
    }

    #[test]
    fn methods_outside_the_standard_ones_are_other() {
        assert_eq!(method_label("GET"), "GET");
        assert_eq!(method_label("PATCH"), "PATCH");
        assert_eq!(method_label("get"), "other");
        assert_eq!(method_label(&"X".repeat(60_000)), "other");
    }
}
