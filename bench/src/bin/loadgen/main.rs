//! Load generator that sends signed Slack requests (slash commands, or a mix with modals, events and searches) over keep-alive HTTP/1.1 connections and reports latency.
mod mixed;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Largest response head (status line and headers) accepted, in bytes.
const MAX_HEAD: usize = 64 * 1024;
/// Largest response body accepted, in bytes.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Sends unique, signed `/hero` slash commands to one URL (or, with `--mix mixed`, a mix of
/// Slack's requests to one server) and measures the answers.
#[derive(Debug, Parser)]
#[command(name = "loadgen", version)]
struct Args {
    /// Target, e.g. http://127.0.0.1:39101/slack/commands (plain http on a loopback address
    /// only); with `--mix mixed`, the server's base URL (each request has its own path). Given
    /// several times (replicas), request number n goes to the (n mod count)-th URL: round-robin.
    #[arg(long, required = true)]
    url: Vec<String>,
    /// Stop after this many requests in all (failed ones included), or when the duration ends.
    #[arg(long)]
    requests: Option<u64>,
    /// Quick nominations: put a token `ref:<trigger_id>` in each reason, so that a fake Slack's
    /// record shows which nomination each celebration was about.
    #[arg(long)]
    mark_reasons: bool,
    /// `command`: every request a quick nomination; `mixed`: 8 in 20 quick nominations, 3
    /// nomination modals, 2 story modals, 5 App Home openings and 2 `/hero find`.
    #[arg(long, default_value = "command", value_parser = ["command", "mixed"])]
    mix: String,
    /// Mixed load: send only this kind (command, modal_nomination, story, home_opened, find).
    #[arg(long, value_parser = parse_kind)]
    only: Option<mixed::Kind>,
    /// Mixed load: how many colleagues send it (each request comes from one of them).
    #[arg(long, default_value_t = 20_000)]
    people: u64,
    /// Mixed load: where the requests' response_urls point (the fake Slack).
    #[arg(long, default_value = "https://hooks.slack.com")]
    slack_url: String,
    /// Slack signing secret used to sign every request.
    #[arg(long)]
    secret: String,
    /// Number of keep-alive connections, each with one request in flight.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured time after the warmup (e.g. 10s, 500ms, 1m; a bare number is seconds).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Time spent sending requests before measuring starts; not counted in the stats.
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    warmup: Duration,
    /// Give up on a single request after this long (counted as an error).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    timeout: Duration,
    /// Runtime worker threads (default: number of CPUs).
    #[arg(long)]
    threads: Option<usize>,
    /// Write the trigger_id of every request answered 2xx (warmup included), one per line;
    /// with `--mix mixed`, the `slack_requests` key of every such request that stores one.
    #[arg(long)]
    acked_file: Option<PathBuf>,
}

fn parse_kind(s: &str) -> Result<mixed::Kind, String> {
    mixed::Kind::named(s).ok_or_else(|| format!("unknown kind {s:?}"))
}

/// Parses `10s`, `500ms`, `2m`, `1.5s` or a bare number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: expected e.g. 10s, 500ms, 1m"))?;
    let secs = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        other => return Err(format!("invalid duration unit {other:?} in {s:?}")),
    };
    if !secs.is_finite() || !(0.0..=24.0 * 3600.0).contains(&secs) {
        return Err(format!("duration {s:?} out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Computes Slack's request signature: `v0=` + hex HMAC-SHA256(secret, `v0:{ts}:{body}`).
fn slack_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Appends `value` encoded as `application/x-www-form-urlencoded` (space as `+`).
fn form_encode(out: &mut String, value: &str) {
    for &b in value.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
}

/// Builds the form body of slash command number `n`, exactly as Slack would send it.
fn command_body(n: u64, trigger_id: &str, mark: bool) -> String {
    let reference = if mark {
        format!(" ref:{trigger_id}")
    } else {
        String::new()
    };
    let text = format!(
        "<@U0HERO{}> <@U0HERO{}> for turning a billing outage into a thank-you note{reference} #recovery",
        n % 50,
        (n + 7) % 50
    );
    let mut body = String::with_capacity(512);
    body.push_str(
        "token=bench&team_id=T0BENCH&team_domain=bench&channel_id=C0BENCH&channel_name=general\
         &user_id=U0NOMINATOR&user_name=nominator&command=%2Fhero&text=",
    );
    form_encode(&mut body, &text);
    body.push_str("&api_app_id=A0BENCH&is_enterprise_install=false");
    let _ = write!(
        body,
        "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0BENCH%2F{n}%2Fbench&trigger_id="
    );
    form_encode(&mut body, trigger_id);
    body
}

/// Where to send requests: a loopback socket address plus the Host header and path.
#[derive(Debug, Clone)]
struct Target {
    addr: SocketAddr,
    host: String,
    path: String,
}

/// Parses a plain `http://host[:port][/path]` URL and refuses anything not on loopback.
fn parse_target(url: &str) -> Result<Target, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("only plain http:// URLs are supported, got {url:?}"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() || authority.contains('@') {
        return Err(format!("invalid host in {url:?}"));
    }
    let has_port = match authority.rfind(']') {
        Some(close) => authority[close..].contains(':'),
        None => authority.contains(':'),
    };
    let with_port = if has_port {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addrs: Vec<SocketAddr> = if authority.starts_with('[') {
        // Bracketed IPv6 literal.
        with_port
            .parse::<SocketAddr>()
            .map(|a| vec![a])
            .map_err(|e| format!("invalid address {authority:?}: {e}"))?
    } else {
        with_port
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {authority:?}: {e}"))?
            .collect()
    };
    let addr = addrs
        .iter()
        .copied()
        .find(|a| a.ip().is_loopback())
        .ok_or_else(|| {
            format!("refusing {url:?}: the load generator only targets loopback addresses")
        })?;
    Ok(Target {
        addr,
        host: authority.to_string(),
        path: path.to_string(),
    })
}

/// What the client needs from one HTTP response.
#[derive(Debug)]
struct Response {
    status: u16,
    /// The server will close the connection after this response.
    close: bool,
    body: Vec<u8>,
}

/// One keep-alive HTTP/1.1 client connection with its read buffer.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

fn protocol_error(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl Conn {
    async fn connect(addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buf: Vec::with_capacity(8 * 1024),
        })
    }

    /// Reads more bytes into the buffer; returns how many (0 at end of stream).
    async fn read_more(&mut self) -> io::Result<usize> {
        self.buf.reserve(8 * 1024);
        self.stream.read_buf(&mut self.buf).await
    }

    /// Reads more bytes, treating end of stream as an error.
    async fn read_more_or_eof(&mut self) -> io::Result<()> {
        if self.read_more().await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed by server mid-response",
            ));
        }
        Ok(())
    }

    /// Returns the end (exclusive, after CRLF) of the line starting at `pos`.
    async fn line_end(&mut self, pos: usize) -> io::Result<usize> {
        loop {
            if let Some(i) = find(&self.buf[pos..], b"\r\n") {
                return Ok(pos + i + 2);
            }
            if self.buf.len() - pos > MAX_HEAD {
                return Err(protocol_error("line too long in response"));
            }
            self.read_more_or_eof().await?;
        }
    }

    async fn fill_to(&mut self, end: usize) -> io::Result<()> {
        while self.buf.len() < end {
            self.read_more_or_eof().await?;
        }
        Ok(())
    }

    /// Sends one request and reads the complete response.
    async fn round_trip(&mut self, request: &[u8]) -> io::Result<Response> {
        self.stream.write_all(request).await?;
        self.read_response().await
    }

    async fn read_response(&mut self) -> io::Result<Response> {
        // Head: status line and headers.
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(protocol_error("response head too large"));
            }
            if self.read_more().await? == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    if self.buf.is_empty() {
                        "connection closed by server before a response"
                    } else {
                        "connection closed by server mid-response"
                    },
                ));
            }
        };
        let head = std::str::from_utf8(&self.buf[..head_end - 4])
            .map_err(|_| protocol_error("response head is not UTF-8"))?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default();
        let status: u16 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .filter(|_| version.starts_with("HTTP/1."))
            .ok_or_else(|| protocol_error(format!("bad status line {status_line:?}")))?;
        let mut content_length: Option<usize> = None;
        let mut chunked = false;
        let mut close = version == "HTTP/1.0";
        for line in lines {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| protocol_error(format!("bad header line {line:?}")))?;
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                content_length = Some(
                    value
                        .parse()
                        .map_err(|_| protocol_error(format!("bad Content-Length {value:?}")))?,
                );
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                let last = value.rsplit(',').next().unwrap_or_default().trim();
                if !last.eq_ignore_ascii_case("chunked") {
                    return Err(protocol_error(format!(
                        "unsupported Transfer-Encoding {value:?}"
                    )));
                }
                chunked = true;
            } else if name.eq_ignore_ascii_case("connection") {
                for token in value.split(',') {
                    let token = token.trim();
                    if token.eq_ignore_ascii_case("close") {
                        close = true;
                    } else if token.eq_ignore_ascii_case("keep-alive") {
                        close = false;
                    }
                }
            }
        }
        if (100..200).contains(&status) {
            return Err(protocol_error(format!(
                "unexpected informational response {status}"
            )));
        }

        // Body.
        let mut pos = head_end;
        let body = if status == 204 || status == 304 {
            Vec::new()
        } else if chunked {
            let mut body = Vec::new();
            loop {
                let end = self.line_end(pos).await?;
                let line = std::str::from_utf8(&self.buf[pos..end - 2])
                    .map_err(|_| protocol_error("bad chunk size line"))?;
                let size_hex = line.split(';').next().unwrap_or_default().trim();
                let size = usize::from_str_radix(size_hex, 16)
                    .map_err(|_| protocol_error(format!("bad chunk size {line:?}")))?;
                pos = end;
                if size == 0 {
                    // Trailers, if any, up to an empty line.
                    loop {
                        let end = self.line_end(pos).await?;
                        let empty = end - pos == 2;
                        pos = end;
                        if empty {
                            break;
                        }
                    }
                    break;
                }
                if body.len() + size > MAX_BODY {
                    return Err(protocol_error("response body too large"));
                }
                self.fill_to(pos + size + 2).await?;
                body.extend_from_slice(&self.buf[pos..pos + size]);
                if &self.buf[pos + size..pos + size + 2] != b"\r\n" {
                    return Err(protocol_error("chunk not followed by CRLF"));
                }
                pos += size + 2;
            }
            body
        } else if let Some(len) = content_length {
            if len > MAX_BODY {
                return Err(protocol_error("response body too large"));
            }
            self.fill_to(pos + len).await?;
            let body = self.buf[pos..pos + len].to_vec();
            pos += len;
            body
        } else {
            // No length: the body runs until the server closes the connection.
            while self.read_more().await? != 0 {
                if self.buf.len() - pos > MAX_BODY {
                    return Err(protocol_error("response body too large"));
                }
            }
            close = true;
            let body = self.buf[pos..].to_vec();
            pos = self.buf.len();
            body
        };
        self.buf.drain(..pos);
        Ok(Response {
            status,
            close,
            body,
        })
    }
}

/// Counters and latencies gathered by one connection's worker.
#[derive(Default)]
struct Stats {
    /// Latency in microseconds of every measured response (2xx and non-2xx).
    latencies_us: Vec<u32>,
    /// The same, by kind of request (mixed load only).
    by_kind: BTreeMap<mixed::Kind, Vec<u32>>,
    ok: u64,
    non_2xx: u64,
    errors: u64,
    by_status: BTreeMap<u16, u64>,
    warmup_ok: u64,
    warmup_non_2xx: u64,
    warmup_errors: u64,
    /// trigger_id of every 2xx answer, warmup included.
    acked: Vec<String>,
    first_error: Option<String>,
    first_non_2xx: Option<String>,
    /// When this worker's last request finished.
    last_done: Option<Instant>,
}

/// Everything a worker needs that is shared by the run.
struct Plan {
    /// One or more (round-robin by request number).
    targets: Vec<Target>,
    /// With `--requests`: the next request number to take, and the number to stop at.
    taken: std::sync::atomic::AtomicU64,
    limit: Option<u64>,
    mark_reasons: bool,
    secret: String,
    run_id: u128,
    connections: u64,
    measure_start: Instant,
    end: Instant,
    timeout: Duration,
    keep_acked: bool,
    mixed: bool,
    only: Option<mixed::Kind>,
    people: u64,
    slack_url: String,
}

/// Sends requests on one connection until the run ends.
async fn worker(plan: std::sync::Arc<Plan>, index: u64, conn: Conn) -> Stats {
    let mut stats = Stats::default();
    // One keep-alive connection per target; the first target's is open already.
    let mut conns: Vec<Option<Conn>> = plan.targets.iter().map(|_| None).collect();
    conns[0] = Some(conn);
    let mut request = Vec::with_capacity(2048);
    let mut counter: u64 = 0;
    loop {
        let start = Instant::now();
        if start >= plan.end {
            break;
        }
        let measured = start >= plan.measure_start;
        let n = match plan.limit {
            Some(limit) => {
                let n = plan
                    .taken
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= limit {
                    break;
                }
                n
            }
            None => counter * plan.connections + index,
        };
        let trigger_id = format!("{}.{}.{}", plan.run_id, index, counter);
        counter += 1;
        let which = (n % plan.targets.len() as u64) as usize;
        let target = &plan.targets[which];
        let conn = &mut conns[which];
        let c = match conn.as_mut() {
            Some(c) => c,
            None => match Conn::connect(target.addr).await {
                Ok(c) => conn.insert(c),
                Err(e) => {
                    record_error(&mut stats, measured, format!("connect: {e}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };

        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let ts = secs.to_string();
        let (kind, path, content_type, body, acked_as) = if plan.mixed {
            let built = mixed::build(
                n,
                plan.only,
                &trigger_id,
                secs,
                plan.people,
                &plan.slack_url,
            );
            let path = format!("{}{}", target.path.trim_end_matches('/'), built.path);
            (
                Some(built.kind),
                path,
                built.content_type,
                built.body,
                built.key,
            )
        } else {
            let body = command_body(n, &trigger_id, plan.mark_reasons);
            let path = target.path.clone();
            let form = "application/x-www-form-urlencoded";
            (None, path, form, body, Some(trigger_id))
        };
        let signature = slack_signature(&plan.secret, &ts, body.as_bytes());
        request.clear();
        let _ = write!(
            request,
            "POST {path} HTTP/1.1\r\n\
             Host: {host}\r\n\
             User-Agent: Slackbot 1.0 (+https://api.slack.com/robots)\r\n\
             Accept: application/json,*/*\r\n\
             Content-Type: {content_type}\r\n\
             X-Slack-Request-Timestamp: {ts}\r\n\
             X-Slack-Signature: {signature}\r\n\
             Content-Length: {len}\r\n\r\n{body}",
            host = target.host,
            len = body.len(),
        );

        let sent = Instant::now();
        let result = tokio::time::timeout(plan.timeout, c.round_trip(&request)).await;
        let done = Instant::now();
        stats.last_done = Some(done);
        match result {
            Ok(Ok(response)) => {
                if response.close {
                    *conn = None;
                }
                let ok = (200..300).contains(&response.status);
                if ok
                    && plan.keep_acked
                    && let Some(id) = acked_as
                {
                    stats.acked.push(id);
                }
                if !measured {
                    if ok {
                        stats.warmup_ok += 1;
                    } else {
                        stats.warmup_non_2xx += 1;
                    }
                    continue;
                }
                let micros =
                    u32::try_from(done.duration_since(sent).as_micros()).unwrap_or(u32::MAX);
                stats.latencies_us.push(micros);
                if let Some(kind) = kind {
                    stats.by_kind.entry(kind).or_default().push(micros);
                }
                *stats.by_status.entry(response.status).or_default() += 1;
                if ok {
                    stats.ok += 1;
                } else {
                    stats.non_2xx += 1;
                    if stats.first_non_2xx.is_none() {
                        let snippet: String = String::from_utf8_lossy(&response.body)
                            .chars()
                            .take(200)
                            .collect();
                        stats.first_non_2xx = Some(format!("{}: {snippet}", response.status));
                    }
                }
            }
            Ok(Err(e)) => {
                *conn = None;
                record_error(&mut stats, measured, e.to_string());
            }
            Err(_) => {
                *conn = None;
                record_error(
                    &mut stats,
                    measured,
                    format!("no response within {:?}", plan.timeout),
                );
            }
        }
    }
    stats
}

fn record_error(stats: &mut Stats, measured: bool, message: String) {
    if measured {
        stats.errors += 1;
    } else {
        stats.warmup_errors += 1;
    }
    if stats.first_error.is_none() {
        stats.first_error = Some(message);
    }
}

/// Nearest-rank percentile of sorted microsecond latencies, in milliseconds.
fn percentile_ms(sorted_us: &[u32], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted_us.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted_us.len()) - 1;
    f64::from(sorted_us[index]) / 1000.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.connections == 0 {
        eprintln!("loadgen: --connections must be at least 1");
        return ExitCode::FAILURE;
    }
    let targets = match args.url.iter().map(|u| parse_target(u)).collect() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        builder.worker_threads(threads.max(1));
    }
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("loadgen: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args, targets)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args, targets: Vec<Target>) -> Result<(), String> {
    // Open every connection (to the first target; the others on first use) before the clock
    // starts.
    let mut conns = Vec::with_capacity(args.connections);
    for i in 0..args.connections {
        let conn = Conn::connect(targets[0].addr)
            .await
            .map_err(|e| format!("connection {i} to {}: {e}", targets[0].addr))?;
        conns.push(conn);
    }

    let run_id = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let start = Instant::now();
    let measure_start = start + args.warmup;
    let plan = std::sync::Arc::new(Plan {
        targets,
        taken: std::sync::atomic::AtomicU64::new(0),
        limit: args.requests,
        mark_reasons: args.mark_reasons,
        secret: args.secret.clone(),
        run_id,
        connections: args.connections as u64,
        measure_start,
        end: measure_start + args.duration,
        timeout: args.timeout,
        keep_acked: args.acked_file.is_some(),
        mixed: args.mix == "mixed" || args.only.is_some(),
        only: args.only,
        people: args.people,
        slack_url: args.slack_url.trim_end_matches('/').to_string(),
    });
    let handles: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(i, conn)| tokio::spawn(worker(plan.clone(), i as u64, conn)))
        .collect();

    let mut total = Stats::default();
    for handle in handles {
        let s = handle.await.map_err(|e| format!("worker failed: {e}"))?;
        total.latencies_us.extend_from_slice(&s.latencies_us);
        for (kind, latencies) in s.by_kind {
            total.by_kind.entry(kind).or_default().extend(latencies);
        }
        total.ok += s.ok;
        total.non_2xx += s.non_2xx;
        total.errors += s.errors;
        for (status, count) in s.by_status {
            *total.by_status.entry(status).or_default() += count;
        }
        total.warmup_ok += s.warmup_ok;
        total.warmup_non_2xx += s.warmup_non_2xx;
        total.warmup_errors += s.warmup_errors;
        total.acked.extend(s.acked);
        total.first_error = total.first_error.or(s.first_error);
        total.first_non_2xx = total.first_non_2xx.or(s.first_non_2xx);
        total.last_done = total.last_done.max(s.last_done);
    }

    // Measured time: from the end of warmup until the last measured request finished
    // (requests started before the deadline are allowed to complete).
    // With --requests, until the last request finished (the duration is only a cap).
    let measured_until = match plan.limit {
        Some(_) => total.last_done.unwrap_or(plan.end),
        None => total.last_done.unwrap_or(plan.end).max(plan.end),
    };
    let elapsed = measured_until.duration_since(measure_start).as_secs_f64();
    let mut sorted = std::mem::take(&mut total.latencies_us);
    sorted.sort_unstable();
    let responses = total.ok + total.non_2xx;
    let rps = if elapsed > 0.0 {
        responses as f64 / elapsed
    } else {
        0.0
    };
    let ok_rps = if elapsed > 0.0 {
        total.ok as f64 / elapsed
    } else {
        0.0
    };
    let mean_ms = if sorted.is_empty() {
        0.0
    } else {
        sorted.iter().map(|&u| u64::from(u)).sum::<u64>() as f64 / sorted.len() as f64 / 1000.0
    };
    let (p50, p90, p99) = (
        percentile_ms(&sorted, 50.0),
        percentile_ms(&sorted, 90.0),
        percentile_ms(&sorted, 99.0),
    );
    let max = sorted.last().map_or(0.0, |&u| f64::from(u) / 1000.0);

    if let Some(path) = &args.acked_file {
        let mut out = String::with_capacity(total.acked.len() * 48);
        for id in &total.acked {
            out.push_str(id);
            out.push('\n');
        }
        std::fs::write(path, out).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }

    println!(
        "loadgen: {}  connections={}  warmup={:.1}s  duration={:.1}s",
        args.url.join(" "),
        args.connections,
        args.warmup.as_secs_f64(),
        args.duration.as_secs_f64()
    );
    println!(
        "  requests    {responses} (2xx {}, non-2xx {}, errors {})",
        total.ok, total.non_2xx, total.errors
    );
    println!("  duration    {elapsed:.3} s");
    println!("  throughput  {rps:.1} req/s ({ok_rps:.1} 2xx/s)");
    println!(
        "  latency ms  p50 {p50:.3}  p90 {p90:.3}  p99 {p99:.3}  max {max:.3}  mean {mean_ms:.3}"
    );
    println!(
        "  warmup      2xx {}, non-2xx {}, errors {}",
        total.warmup_ok, total.warmup_non_2xx, total.warmup_errors
    );
    if !total.by_status.is_empty() {
        let statuses: Vec<String> = total
            .by_status
            .iter()
            .map(|(s, c)| format!("{s}={c}"))
            .collect();
        println!("  statuses    {}", statuses.join(" "));
    }
    let mut kinds = serde_json::Map::new();
    for (kind, latencies) in &mut total.by_kind {
        latencies.sort_unstable();
        let (p50, p99) = (
            percentile_ms(latencies, 50.0),
            percentile_ms(latencies, 99.0),
        );
        let max = latencies.last().map_or(0.0, |&u| f64::from(u) / 1000.0);
        println!(
            "  {:<17} {:>8} answered  p50 {p50:.3}  p99 {p99:.3}  max {max:.3} ms",
            kind.name(),
            latencies.len()
        );
        kinds.insert(
            kind.name().to_string(),
            serde_json::json!({"requests": latencies.len(), "p50_ms": round3(p50),
                               "p99_ms": round3(p99), "max_ms": round3(max)}),
        );
    }
    if let Some(e) = &total.first_error {
        println!("  first error {e}");
    }
    if let Some(r) = &total.first_non_2xx {
        println!("  first non-2xx {r}");
    }
    if let Some(path) = &args.acked_file {
        println!(
            "  acked       {} trigger ids written to {}",
            total.acked.len(),
            path.display()
        );
    }
    let by_status: serde_json::Map<String, serde_json::Value> = total
        .by_status
        .iter()
        .map(|(s, c)| (s.to_string(), serde_json::Value::from(*c)))
        .collect();
    let result = serde_json::json!({
        "url": args.url.join(" "),
        "connections": args.connections,
        "warmup_s": args.warmup.as_secs_f64(),
        "duration_s": round3(elapsed),
        "requests": responses,
        "ok_2xx": total.ok,
        "non_2xx": total.non_2xx,
        "errors": total.errors,
        "rps": round3(rps),
        "ok_rps": round3(ok_rps),
        "p50_ms": round3(p50),
        "p90_ms": round3(p90),
        "p99_ms": round3(p99),
        "max_ms": round3(max),
        "mean_ms": round3(mean_ms),
        "warmup_ok": total.warmup_ok,
        "warmup_non_2xx": total.warmup_non_2xx,
        "warmup_errors": total.warmup_errors,
        "acked": total.acked.len(),
        "statuses": by_status,
        "kinds": kinds,
    });
    println!("RESULT {result}");
    io::stdout().flush().map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_slack_documented_example() {
        let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow\
                    &channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA\
                    &user_name=roadrunner&command=%2Fwebhook-collect&text=\
                    &response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J\
                    %2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN\
                    &trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        assert_eq!(
            slack_signature(
                "8f742231b10e8888abcd99yyyzzz85a5",
                "1531420618",
                body.as_bytes()
            ),
            "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
        );
    }

    #[test]
    fn body_is_form_encoded_like_slack() {
        let body = command_body(3, "123.4.5", false);
        assert!(body.contains(
            "&text=%3C%40U0HERO3%3E+%3C%40U0HERO10%3E+for+turning+a+billing+outage+into+a+thank-you+note+%23recovery&"
        ));
        assert!(body.contains(
            "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0BENCH%2F3%2Fbench&"
        ));
        assert!(body.ends_with("&trigger_id=123.4.5"));
        assert!(body.starts_with("token=bench&team_id=T0BENCH&"));
        assert!(body.contains("&command=%2Fhero&"));
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("10").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5h").is_err());
    }

    #[test]
    fn only_loopback_targets() {
        let t = parse_target("http://127.0.0.1:39101/slack/commands").unwrap();
        assert_eq!(t.addr, "127.0.0.1:39101".parse().unwrap());
        assert_eq!(t.host, "127.0.0.1:39101");
        assert_eq!(t.path, "/slack/commands");
        let t = parse_target("http://[::1]:8080").unwrap();
        assert_eq!(t.addr, "[::1]:8080".parse().unwrap());
        assert_eq!(t.path, "/");
        assert!(parse_target("http://10.0.0.1:80/x").is_err());
        assert!(parse_target("https://127.0.0.1/x").is_err());
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile_ms(&v, 50.0), 50.0);
        assert_eq!(percentile_ms(&v, 99.0), 99.0);
        assert_eq!(percentile_ms(&v, 100.0), 100.0);
        assert_eq!(percentile_ms(&[], 50.0), 0.0);
    }

    #[tokio::test]
    async fn reads_content_length_and_chunked_responses() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await.unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"ok\":true}")
                .await
                .unwrap();
            let _ = s.read(&mut buf).await.unwrap();
            s.write_all(
                b"HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n\
                  4\r\nnope\r\n3;x=y\r\n!!!\r\n0\r\n\r\n",
            )
            .await
            .unwrap();
        });
        let mut conn = Conn::connect(addr).await.unwrap();
        let r = conn.round_trip(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        assert_eq!(
            (r.status, r.close, r.body.as_slice()),
            (200, false, &b"{\"ok\":true}"[..])
        );
        let r = conn.round_trip(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        assert_eq!((r.status, r.body.as_slice()), (401, &b"nope!!!"[..]));
        assert!(conn.buf.is_empty());
        server.await.unwrap();
    }
}
