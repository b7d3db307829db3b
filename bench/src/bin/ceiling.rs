//! Bare axum server that answers every request with `200 {"ok":true}`: the benchmark ceiling and a fake Slack Web API.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
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
    /// Append the path of every request to this file, one per line (to count what a fake Slack
    /// received, duplicates included).
    #[arg(long)]
    log: Option<PathBuf>,
    /// Append every request as one JSON line, `{"path": …, "body": …}` (to count what a fake
    /// Slack received per message: the replica bench counts each celebration's posts).
    #[arg(long)]
    record: Option<PathBuf>,
    /// Answer 503 to everything for this many seconds after starting (a Slack outage).
    #[arg(long, default_value_t = 0)]
    fail_for: u64,
}

type Log = Option<Arc<Mutex<std::fs::File>>>;

/// Where `--log` and `--record` write.
#[derive(Clone)]
struct Logs {
    paths: Log,
    record: Log,
}

/// Until when (unix seconds) every request fails.
static DOWN_UNTIL: AtomicU64 = AtomicU64::new(0);

/// Message timestamps handed out, one per request, as Slack gives each posted message its own.
static TS: AtomicU64 = AtomicU64::new(1);

/// Reads the whole request body (as a real handler would), notes the path, and says ok with a
/// fresh message `ts`.
async fn ok(State(logs): State<Logs>, uri: Uri, body: Bytes) -> axum::response::Response {
    if let Some(log) = logs.paths {
        let mut file = log.lock().expect("the log is not poisoned");
        let _ = writeln!(file, "{}", uri.path());
    }
    if let Some(record) = logs.record {
        let line = serde_json::json!({"path": uri.path(), "body": String::from_utf8_lossy(&body)});
        let mut file = record.lock().expect("the record is not poisoned");
        let _ = writeln!(file, "{line}");
    }
    if unix_now() < DOWN_UNTIL.load(Ordering::Relaxed) {
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let ts = TS.fetch_add(1, Ordering::Relaxed);
    (
        [(CONTENT_TYPE, "application/json")],
        format!(r#"{{"ok":true,"ts":"{ts}.000100"}}"#),
    )
        .into_response()
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    DOWN_UNTIL.store(unix_now() + args.fail_for, Ordering::Relaxed);
    let open = |path: &Option<PathBuf>| -> std::io::Result<Log> {
        Ok(match path {
            Some(path) => Some(Arc::new(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?,
            ))),
            None => None,
        })
    };
    let logs = Logs {
        paths: open(&args.log)?,
        record: open(&args.record)?,
    };
    let app = Router::new().fallback(ok).with_state(logs);
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    eprintln!("ceiling: listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
