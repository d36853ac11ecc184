//! Arguments of the console commands: `roster serve` and `roster demo`.

use std::net::SocketAddr;

use clap::Args;

use crate::args::DatabaseArgs;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address of the console and API.
    #[arg(long, default_value = "127.0.0.1:8080", env = "ROSTER_LISTEN")]
    pub listen: SocketAddr,
    /// The URL people use to reach roster (for printed links and Secure cookies);
    /// default `http://<listen>`. Behind a TLS proxy, set it to the proxy's
    /// `https://` URL: only then are cookies marked `Secure`.
    #[arg(long, env = "ROSTER_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Serve a non-loopback address over plain HTTP without an `https://`
    /// public URL (sessions and tokens then cross the network in clear).
    #[arg(long)]
    pub insecure_http: bool,
    /// Do not run the in-process sync worker (run `roster worker` processes instead).
    #[arg(long)]
    pub no_worker: bool,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address of the console.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Address of the built-in fake AWS.
    #[arg(long, default_value = "127.0.0.1:4599")]
    pub aws_listen: SocketAddr,
    /// Users in the demo organization's directory.
    #[arg(long, default_value_t = 300)]
    pub users: u32,
    /// Where the demo keeps its data (default: ./roster-demo.db).
    #[arg(
        long,
        env = "ROSTER_DEMO_DATABASE_URL",
        default_value = "sqlite://roster-demo.db"
    )]
    pub database_url: String,
}
