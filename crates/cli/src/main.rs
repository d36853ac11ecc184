//! `roster`: the command line. Parses arguments, wires the layers together,
//! and maps outcomes to exit codes: 0 success, 1 usage, 2 a diagnosis,
//! 3 other failures.

mod access_args;
mod args;
mod bench_args;
mod commands;
mod console_args;
mod evidence_args;
mod exit;
mod output;
mod platform_args;
mod progress;
mod review_args;
mod signals;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;
use crate::exit::CliError;

/// Logs go to stderr, filtered by `ROSTER_LOG` (default `warn`);
/// `ROSTER_LOG_FORMAT=json` writes one JSON object per line, with the fields
/// of the enclosing spans (request ID, job, sync, source IDs).
fn init_logging() {
    let mut spec = std::env::var("ROSTER_LOG").unwrap_or_else(|_| "warn".into());
    // The AWS SDK's debug and trace output prints request identities (access
    // key IDs, signed headers): capped at info unless asked for by name.
    if !spec.contains("aws_") {
        spec.push_str(",aws_smithy_runtime=info,aws_smithy_runtime_api=info,aws_sigv4=info,aws_config=info,aws_credential_types=info");
    }
    let filter = tracing_subscriber::EnvFilter::try_new(&spec)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    if std::env::var("ROSTER_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .init();
    } else {
        builder.init();
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return CliError::Other(e.into()).report(false),
    };
    let json = cli.wants_json();
    let outcome = runtime.block_on(async {
        let outcome = Box::pin(commands::run(cli)).await;
        // Whatever the outcome: fold SQLite's write-ahead log into the
        // database and close it, so no `-wal` file is left behind.
        roster_store::close_all().await;
        outcome
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(json),
    }
}
