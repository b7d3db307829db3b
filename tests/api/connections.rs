//! Hostile and slow clients, over raw TCP: stalled headers and bodies are cut off, oversized and
//! stale requests are refused before their bodies are read, and shutdown keeps its deadline.
use std::time::{Duration, Instant};

use herobot::config::ServerSettings;
use herobot::slack::signature::sign;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Options, SECRET, TestApp, command_body, now, spawn_app_with, trigger_id};

/// Timeouts short enough for a test; the rest as in production.
fn impatient() -> Options {
    Options {
        server: ServerSettings {
            header_read_timeout: Duration::from_millis(300),
            body_deadline: Duration::from_millis(300),
            ..ServerSettings::default()
        },
        ..Options::default()
    }
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("herobot accepts a connection")
}

/// The head of a form POST to `path` declaring `length` bytes of body, with these Slack headers.
fn head(path: &str, length: usize, slack_headers: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nhost: herobot\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {length}\r\n{slack_headers}\r\n"
    )
}

/// Slack headers with a timestamp of `at` (unix seconds) and a made-up signature.
fn timestamp_at(at: i64) -> String {
    format!(
        "x-slack-request-timestamp: {at}\r\nx-slack-signature: v0={}\r\n",
        "0".repeat(64)
    )
}

fn fresh_timestamp() -> String {
    timestamp_at(now())
}

/// The machine's clock: a `herobot` process runs on it, not on the tests' clock.
fn wall_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Everything the server sends until it closes the connection, and how long that took; fails
/// if it is still open after `within`.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let read = tokio::time::timeout_at((started + within).into(), stream.read(&mut buf))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the connection is still open after {within:?}; received {:?}",
                    String::from_utf8_lossy(&received)
                )
            });
        match read {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
        }
    }
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_client_that_stalls_in_its_headers_sends_nothing_or_idles_is_closed() {
    let app = spawn_app_with(impatient()).await;
    let mut half_head = connect(&app).await;
    half_head
        .write_all(b"POST /slack/commands HTTP/1.1\r\nhost: herobot\r\n")
        .await
        .unwrap();
    let mut silent = connect(&app).await;
    let mut kept_alive = connect(&app).await;
    kept_alive
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: herobot\r\n\r\n")
        .await
        .unwrap();

    let (_, waited) = until_closed(&mut half_head, Duration::from_secs(3)).await;
    until_closed(&mut silent, Duration::from_secs(3)).await;
    let (answer, _) = until_closed(&mut kept_alive, Duration::from_secs(3)).await;

    assert!(
        waited >= Duration::from_millis(250),
        "closed after {waited:?}"
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let health = app
        .http
        .get(format!("{}/healthz", app.address))
        .send()
        .await;
    assert_eq!(health.unwrap().status(), 200, "others are still served");
}

#[tokio::test]
async fn a_client_that_stalls_in_its_body_is_answered_408_and_closed() {
    let app = spawn_app_with(impatient()).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(head("/slack/interactions", 10_000, &fresh_timestamp()).as_bytes())
        .await
        .unwrap();
    stream.write_all(&[b'a'; 100]).await.unwrap();

    let (answer, waited) = until_closed(&mut stream, Duration::from_secs(3)).await;

    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        waited >= Duration::from_millis(250),
        "closed after {waited:?}"
    );
}

#[tokio::test]
async fn a_stale_or_missing_timestamp_is_refused_without_reading_the_body() {
    let app = spawn_app_with(Options::default()).await;
    let stale = timestamp_at(now() - 301);
    for slack_headers in [stale.as_str(), ""] {
        let mut stream = connect(&app).await;
        // A body is announced but never sent: only an answer without it can arrive.
        stream
            .write_all(head("/slack/interactions", 500_000, slack_headers).as_bytes())
            .await
            .unwrap();

        let (answer, _) = until_closed(&mut stream, Duration::from_secs(2)).await;

        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    }
    assert_eq!(app.count("slack_requests").await, 0);
}

#[tokio::test]
async fn an_oversized_command_is_refused_before_its_body_is_read() {
    let app = spawn_app_with(Options::default()).await;
    let mut stream = connect(&app).await;
    stream
        .write_all(head("/slack/commands", 40_000, &fresh_timestamp()).as_bytes())
        .await
        .unwrap();
    let (answer, _) = until_closed(&mut stream, Duration::from_secs(2)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // Signed as Slack would, but far longer than any slash command.
    let reason = format!("for {}", "a thoughtful fix ".repeat(2_500));
    let body = command_body(
        &app.slack,
        "U0NOMINATOR",
        &format!("<@U0HERO> {reason}"),
        &trigger_id(),
    );
    let ts = now().to_string();
    let response = app
        .post_with_headers(
            "/slack/commands",
            &body,
            "application/x-www-form-urlencoded",
            &[
                ("x-slack-request-timestamp", ts.clone()),
                (
                    "x-slack-signature",
                    sign(SECRET.as_bytes(), &ts, body.as_bytes()),
                ),
            ],
        )
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(app.count("nominations").await, 0);
}

#[tokio::test]
async fn shutdown_keeps_its_deadline_with_a_half_sent_request_open() {
    let app = spawn_app_with(Options {
        server: ServerSettings {
            body_deadline: Duration::from_secs(60),
            shutdown_grace: Duration::from_millis(500),
            ..ServerSettings::default()
        },
        ..Options::default()
    })
    .await;
    let mut stream = connect(&app).await;
    stream
        .write_all(head("/slack/interactions", 10_000, &fresh_timestamp()).as_bytes())
        .await
        .unwrap();
    stream.write_all(&[b'a'; 100]).await.unwrap();
    // The request is being read when the shutdown begins.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    app.stop().await;
    let took = started.elapsed();

    assert!(took < Duration::from_secs(3), "shutdown took {took:?}");
    until_closed(&mut stream, Duration::from_secs(1)).await;
}

/// `herobot serve` as an operator runs it, logging JSON, until SIGTERM.
#[tokio::test]
async fn sigterm_with_a_half_sent_request_open_exits_within_15_seconds_and_logs_json_lines() {
    use std::process::Stdio;
    use tokio::io::AsyncBufReadExt;

    let dir = tempfile::tempdir().unwrap();
    let slack = wiremock::MockServer::start().await;
    crate::helpers::mount_slack_ok(&slack).await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_herobot"))
        .arg("serve")
        .current_dir(dir.path())
        .env_clear()
        // Under scripts/suite-at.sh the process runs on the same faked clock as this test.
        .envs(std::env::vars().filter(|(k, _)| k == "LD_PRELOAD" || k.starts_with("FAKETIME")))
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env("SLACK_BOT_TOKEN", "xoxb-never-logged")
        .env("SLACK_API_URL", slack.uri())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/herobot.db", dir.path().display()),
        )
        .env("HEROBOT_LISTEN", "127.0.0.1:0")
        .env("HEROBOT_HEROES_CHANNEL", "C0HEROES")
        .env("HEROBOT_DIGEST_SCHEDULE", "off")
        .env("HEROBOT_LOG_FORMAT", "json")
        .env("RUST_LOG", "debug")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("herobot starts");
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut logged = Vec::new();
    let address = loop {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("herobot says where it listens")
            .unwrap()
            .expect("herobot is still running");
        let listening = line.contains("herobot is listening").then(|| {
            let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
            entry["address"].as_str().unwrap().to_owned()
        });
        logged.push(line);
        if let Some(address) = listening {
            break address;
        }
    };
    let private = "the-private-words-of-a-reason";
    let body = command_body(
        &slack,
        "U0NOMINATOR",
        &format!("<@U0HERO> for {private} and more"),
        &trigger_id(),
    );
    let ts = wall_secs().to_string();
    // This test starts no app in its own process to install the TLS provider reqwest needs.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let answered = reqwest::Client::new()
        .post(format!("http://{address}/slack/commands"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-slack-request-timestamp", &ts)
        .header(
            "x-slack-signature",
            sign(SECRET.as_bytes(), &ts, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 200);
    let mut stream = TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(head("/slack/interactions", 10_000, &timestamp_at(wall_secs())).as_bytes())
        .await
        .unwrap();
    stream.write_all(&[b'a'; 100]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(killed.unwrap().success());
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("herobot exits within 15 s of SIGTERM")
        .unwrap();
    let took = started.elapsed();

    assert!(status.success(), "{status:?} after {took:?}");
    while let Ok(Some(line)) = lines.next_line().await {
        logged.push(line);
    }
    assert!(
        logged.iter().any(|l| l.contains("herobot stopped")),
        "{logged:#?}"
    );
    for line in logged.iter().filter(|l| !l.trim().is_empty()) {
        let entry: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not one JSON object: {line:?}: {e}"));
        assert!(entry.is_object() && entry["level"].is_string(), "{line}");
        for secret in [SECRET, "xoxb-never-logged", private] {
            assert!(!line.contains(secret), "{line}");
        }
    }
}
