//! Diagnoses on roster's own side of the call: its credentials, its clock,
//! the network, AWS's throttling, and AWS errors without specific advice.

use super::{Diagnosis, DiagnosisCode};

impl Diagnosis {
    pub fn throttled(effective_tps: f64, quota_tps: f64) -> Self {
        Self::new(
            DiagnosisCode::Throttled,
            format!(
                "AWS throttled reads; roster slowed to {effective_tps:.1} requests/s per API (quota {quota_tps:.0})"
            ),
            "nothing to fix: roster backs off and retries; if another tool reads the same directory, schedule it at another time or ask AWS for a higher Identity Store quota",
        )
    }

    pub fn credentials_expired(detail: &str) -> Self {
        Self::new(
            DiagnosisCode::CredentialsExpired,
            format!("roster's own AWS credentials expired ({detail})"),
            "not the customer's role: the operator refreshes roster's own AWS credentials (profile, environment or instance role) and restarts roster if they were static; assumed-role sessions are renewed automatically",
        )
    }

    pub fn platform_credentials_invalid(aws_code: &str, detail: &str) -> Self {
        Self::new(
            DiagnosisCode::PlatformCredentialsInvalid,
            format!(
                "AWS rejected roster's own credentials before looking at the customer's role ({aws_code}: {detail})"
            ),
            "not the customer's fault and not the trust policy: the operator checks roster's own AWS credentials (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, profile or instance role) — the access key must exist, be active and match its secret — and restarts roster",
        )
    }

    pub fn clock_skew(detail: &str) -> Self {
        Self::new(
            DiagnosisCode::ClockSkew,
            format!(
                "AWS rejected the request time: this machine's clock is more than 15 minutes off ({detail})"
            ),
            "synchronise the clock of the machine roster runs on (for example with chrony or systemd-timesyncd), then try again",
        )
    }

    pub fn endpoint_unreachable(endpoint: &str, detail: &str) -> Self {
        Self::new(
            DiagnosisCode::EndpointUnreachable,
            format!("could not reach the AWS endpoint {endpoint} ({detail})"),
            "check network access, proxies and AWS_ENDPOINT_URL* variables, then try again",
        )
    }

    /// An AWS error without specific advice: AWS's code and message, verbatim.
    pub fn aws_error(operation: &str, aws_code: &str, aws_message: &str) -> Self {
        Self::new(
            DiagnosisCode::AwsError,
            format!("{operation} failed: {aws_code}: {aws_message}"),
            "see AWS's message above; if it persists, include it when asking for help",
        )
    }
}
