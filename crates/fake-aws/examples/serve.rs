//! Runs fake-aws standalone, as `roster fake-aws` does:
//! `cargo run -p roster-fake-aws --example serve -- --listen 127.0.0.1:0`.

use clap::Parser;
use roster_fake_aws::{FakeAwsArgs, run_cli};

#[derive(Parser, Debug)]
#[command(name = "fake-aws", about = "roster's AWS emulator")]
struct Cli {
    #[command(flatten)]
    args: FakeAwsArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    run_cli(Cli::parse().args).await
}
