//! The HTTP server: hyper's HTTP/1 with a header-read timeout, a deadline on every request body,
//! a cap on open connections, and a shutdown whose deadline stalled clients cannot extend.
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower_http::add_extension::AddExtension;
use tower_http::timeout::RequestBodyDeadline;

use crate::config::ServerSettings;

/// hyper's read buffer per connection: headers must fit (Slack's are well under 8 KiB), and
/// bodies pass through it in pieces this size at most. Small, because a connection can hold two
/// (one being read, one handed to the body): 300 stalled uploads took 238 MiB with 64 KiB.
const READ_BUFFER: usize = 16 * 1024;

/// Serves `router` on `listener` until `shutdown` completes; then stops accepting, lets requests
/// in flight finish for `settings.shutdown_grace`, and closes whatever is still open.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    settings: &ServerSettings,
    shutdown: impl Future<Output = ()>,
) {
    let service = RequestBodyDeadline::new(router, settings.body_deadline);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout)
        .max_buf_size(READ_BUFFER);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(settings.max_connections.max(1)));
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // Past the cap, clients wait in the kernel's listen queue, costing us nothing.
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, most likely: wait for connections to close.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        // The peer's address reaches handlers as axum's `ConnectInfo` (the answer page limits
        // answers per address).
        let service =
            TowerToHyperService::new(AddExtension::new(service.clone(), ConnectInfo(peer)));
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        connections.spawn(async move {
            if let Err(err) = connection.await {
                // Header timeouts, clients hanging up: routine on the open internet.
                tracing::debug!(error = %err, "connection closed with an error");
            }
            drop(slot);
        });
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    if tokio::time::timeout(settings.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        while connections.try_join_next().is_some() {}
        tracing::warn!(
            open = connections.len(),
            "connections still open at the shutdown deadline are closed"
        );
    }
    // Aborts what is left, so that nothing holds the application's state any longer.
    connections.shutdown().await;
}
