//! The HTTP server: one loopback listener, HTTP/1.1 keep-alive connections,
//! shut down by dropping the accept task (which aborts its connections).

pub mod auth;
pub mod body;
pub mod router;

use std::sync::Arc;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::world::World;

/// Accepts connections until the task is aborted.
pub async fn accept_loop(listener: TcpListener, world: Arc<World>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let world = Arc::clone(&world);
                conns.spawn(async move {
                    let svc = service_fn(move |req| router::serve(Arc::clone(&world), req));
                    let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), svc).await;
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}
