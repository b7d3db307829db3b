//! Bare axum server that answers every request with `200 {"ok":true}`: the benchmark ceiling and a fake Slack Web API.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use clap::Parser;

/// Answers any method on any path with a fixed `{"ok":true}` JSON body.
#[derive(Debug, Parser)]
#[command(name = "ceiling", version)]
struct Args {
    /// Address to listen on, e.g. 127.0.0.1:39100.
    #[arg(long, default_value = "127.0.0.1:39100")]
    listen: SocketAddr,
}

/// Reads the whole request body (as a real handler would) and says ok.
async fn ok(_body: Bytes) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], r#"{"ok":true}"#)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let app = Router::new().fallback(ok);
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    eprintln!("ceiling: listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
