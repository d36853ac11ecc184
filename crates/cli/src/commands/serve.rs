//! `roster serve`: the console and JSON API, with an in-process sync worker.
//! Learns roster's principal (the AWS identity customers trust) at start;
//! prints the first admin's one-time setup link when there is no user yet.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use roster_aws::Platform;
use roster_engine::{Worker, WorkerConfig};
use roster_store::Store;
use roster_web::{AppState, Bootstrap, Ops, bootstrap, is_loopback_http};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::console_args::ServeArgs;
use crate::exit::CliError;

/// roster's principal: `ROSTER_PRINCIPAL_ARN`, else `sts:GetCallerIdentity`.
/// `Err` carries why it is unknown (no credentials, unreachable STS, …).
pub async fn principal_of(platform: &Platform) -> Result<String, String> {
    if let Ok(arn) = std::env::var("ROSTER_PRINCIPAL_ARN")
        && !arn.trim().is_empty()
    {
        return Ok(arn.trim().to_owned());
    }
    match tokio::time::timeout(Duration::from_secs(15), platform.principal_arn()).await {
        Ok(Ok(arn)) => Ok(arn),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("sts:GetCallerIdentity timed out".into()),
    }
}

/// What `serve` and `demo` share once the state is built.
pub struct Console {
    pub state: AppState,
    pub listener: TcpListener,
    pub base_url: String,
    pub worker: Option<Platform>,
    /// Demo: the admin to sign in with a printed link.
    pub demo_admin: Option<String>,
}

pub async fn run_console(c: Console) -> Result<(), CliError> {
    let store: Arc<dyn Store> = c.state.store.clone();
    match bootstrap(store.as_ref(), c.demo_admin.as_deref())
        .await
        .map_err(|e| CliError::Other(anyhow::anyhow!(e.to_string())))?
    {
        Bootstrap::SetupLink(path) => println!(
            "roster has no users yet. Create the first admin (one-time link, valid 24 h):\n  {}{path}",
            c.base_url
        ),
        Bootstrap::SignInLink { path, email } => println!(
            "Signed in as {email} with this one-time link:\n  {}{path}",
            c.base_url
        ),
        Bootstrap::Ready => println!("roster console at {}", c.base_url),
    }
    let (stop, stopped) = watch::channel(false);
    let worker = c.worker.map(|platform| {
        let id = roster_core::WorkerId::parse(&format!("serve-{}", std::process::id()))
            .expect("serve-<pid> is a valid worker ID");
        let mut config = WorkerConfig::new(id);
        config.sync.endpoint = roster_engine::AwsEndpoint::from_env();
        let worker =
            Worker::new(store.clone(), platform, config).with_metrics(c.state.ops.metrics.clone());
        tokio::spawn(worker.run(stopped))
    });
    let app = roster_web::router(c.state);
    // Peer addresses let `/metrics` answer loopback clients without a token.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(c.listener, app)
        .with_graceful_shutdown(crate::signals::shutdown_signal())
        .await
        .map_err(|e| CliError::Other(e.into()))?;
    let _ = stop.send(true);
    if let Some(w) = worker {
        let _ = w.await;
    }
    Ok(())
}

/// Why serving `base_url` from `listen` would send sessions over plain HTTP
/// across a network, unless `--insecure-http` accepts that.
fn plain_http_problem(listen: SocketAddr, base_url: &str, insecure_http: bool) -> Option<String> {
    let local = listen.ip().is_loopback() && is_loopback_http(base_url);
    if insecure_http || base_url.starts_with("https://") || local {
        return None;
    }
    Some(format!(
        "refusing to serve sessions over plain HTTP at {base_url} (listening on {listen}): \
         put roster behind TLS and pass --public-url https://<its address>, \
         or pass --insecure-http to accept cookies and tokens in clear"
    ))
}

/// Cookies are `Secure` unless roster is reached over plain HTTP on
/// loopback, or over plain HTTP as `--insecure-http` accepts (a browser
/// would drop a `Secure` cookie there and nobody could sign in).
fn secure_cookies(base_url: &str, insecure_http: bool) -> bool {
    let plain = base_url.starts_with("http://");
    !(is_loopback_http(base_url) || (insecure_http && plain))
}

pub async fn run(args: ServeArgs) -> Result<(), CliError> {
    let public = args.public_url.as_deref();
    let base_url = public.map_or_else(|| format!("http://{}", args.listen), str::to_owned);
    if let Some(problem) = plain_http_problem(args.listen, &base_url, args.insecure_http) {
        return Err(CliError::Usage(problem));
    }
    let store = roster_store::connect(&args.db.database_url).await?;
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| CliError::Usage(format!("cannot listen on {}: {e}", args.listen)))?;
    let platform = Platform::from_env().await;
    let (principal, problem) = match principal_of(&platform).await {
        Ok(arn) => (Some(arn), None),
        Err(why) => {
            eprintln!(
                "warning: roster has no usable AWS identity ({why}); the console starts, but connections cannot be tested"
            );
            (None, Some(why))
        }
    };
    let state = AppState::new(store, Some(platform.clone()), principal)
        .with_principal_problem(problem)
        .with_secure_cookies(secure_cookies(&base_url, args.insecure_http))
        .with_signing_key(std::env::var("ROSTER_SIGNING_KEY").ok())
        .with_ops(Ops::from_env(Arc::default()));
    run_console(Console {
        state,
        listener,
        base_url,
        worker: (!args.no_worker).then_some(platform),
        demo_admin: None,
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_off_loopback_needs_a_public_https_url_or_the_flag() {
        let local: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert!(plain_http_problem(local, "http://127.0.0.1:8080", false).is_none());
        assert!(plain_http_problem(local, "https://roster.example.com", false).is_none());
        assert!(plain_http_problem(any, "https://roster.example.com", false).is_none());
        let open = plain_http_problem(any, "http://0.0.0.0:8080", false).unwrap();
        assert!(
            open.contains("--public-url") && open.contains("--insecure-http"),
            "{open}"
        );
        assert!(plain_http_problem(local, "http://roster.example.com", false).is_some());
        assert!(plain_http_problem(any, "http://0.0.0.0:8080", true).is_none());
        assert!(secure_cookies("https://roster.example.com", false));
        assert!(secure_cookies("https://roster.example.com", true));
        assert!(!secure_cookies("http://127.0.0.1:8080", false));
        assert!(!secure_cookies("http://0.0.0.0:8080", true));
    }
}
