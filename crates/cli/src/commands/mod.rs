//! One module per command; each turns parsed arguments into calls on the layers.

mod access;
mod bench;
mod bench_sso;
mod check;
mod demo;
mod diff;
mod evidence;
mod list;
mod resolve;
mod review;
mod serve;
mod source;
mod sync;
mod sync_access;
mod tenant;
mod worker;

use crate::args::{Cli, Command, ListCmd};
use crate::exit::CliError;

pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Sync(args) => sync::run(args).await,
        Command::Users(ListCmd::List(args)) => list::users(args).await,
        Command::Groups(ListCmd::List(args)) => list::groups(args).await,
        Command::Memberships(ListCmd::List(args)) => list::memberships(args).await,
        Command::FakeAws(args) => roster_fake_aws::run_cli(args)
            .await
            .map_err(CliError::Other),
        Command::Source(cmd) => source::run(cmd).await,
        Command::Tenant(cmd) => tenant::run(cmd).await,
        Command::Worker(args) => worker::run(args).await,
        Command::Bench(crate::bench_args::BenchCmd::Sync(args)) => bench::sync(args).await,
        Command::Serve(args) => serve::run(args).await,
        Command::Demo(args) => demo::run(args).await,
        Command::Diff(args) => diff::run(args).await,
        Command::Check(args) => check::run(args).await,
        Command::Access(cmd) => access::run(cmd).await,
        Command::Evidence(cmd) => evidence::run(cmd).await,
        Command::Review(cmd) => review::run(cmd).await,
    }
}
