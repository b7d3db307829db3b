//! Hostile uploads: holds hundreds of slow, never-finished 1 MiB uploads open against herobot
//! while timing signed `/hero` commands, and reports the server's peak memory.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// Opens `--uploads` connections that each announce a large body to a Slack route, send most of
/// it as fast as the server takes it and then stall; meanwhile sends signed `/hero` commands.
#[derive(Debug, Parser)]
#[command(name = "hostile", version)]
struct Args {
    /// herobot's address, e.g. 127.0.0.1:39102.
    #[arg(long)]
    addr: SocketAddr,
    /// The signing secret herobot was started with (for the `/hero` commands only).
    #[arg(long)]
    secret: String,
    /// herobot's process ID, to read its memory from /proc.
    #[arg(long)]
    pid: u32,
    /// Uploads held open at once.
    #[arg(long, default_value_t = 300)]
    uploads: usize,
    /// Bytes each upload announces (Content-Length) and almost finishes sending.
    #[arg(long, default_value_t = 1024 * 1024)]
    size: usize,
    /// unsigned: no Slack headers at all. forged: a fresh timestamp and a made-up signature, so
    /// the body has to be read before it can be refused. chunked: forged, without a
    /// Content-Length, so no limit can be applied before reading.
    #[arg(long, default_value = "unsigned")]
    mode: String,
    /// The route uploaded to.
    #[arg(long, default_value = "/slack/interactions")]
    path: String,
    /// How long the uploads are held after they are all open, in seconds.
    #[arg(long, default_value_t = 12)]
    hold: u64,
    /// Signed `/hero` commands sent, one at a time, while the uploads are held.
    #[arg(long, default_value_t = 20)]
    commands: usize,
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Resident memory of `pid` in MiB: (current VmRSS, peak VmHWM).
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// What happened to one upload.
#[derive(Debug, Default)]
struct Upload {
    /// The status line's code, if the server answered.
    status: Option<u16>,
    /// Body bytes the server took before answering or closing.
    sent: usize,
    /// When the server answered or closed, from the start.
    closed_after: Option<Duration>,
}

async fn upload(args: &Args, started: Instant, hold_until: Instant) -> Upload {
    let mut outcome = Upload::default();
    let Ok(mut stream) = TcpStream::connect(args.addr).await else {
        return outcome;
    };
    let slack = match args.mode.as_str() {
        "unsigned" => String::new(),
        _ => format!(
            "x-slack-request-timestamp: {}\r\nx-slack-signature: v0={}\r\n",
            now_secs(),
            "0".repeat(64)
        ),
    };
    let length = if args.mode == "chunked" {
        "transfer-encoding: chunked\r\n".to_owned()
    } else {
        format!("content-length: {}\r\n", args.size)
    };
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: herobot\r\ncontent-type: application/x-www-form-urlencoded\r\n{length}{slack}\r\n",
        args.path
    );
    if stream.write_all(head.as_bytes()).await.is_err() {
        return outcome;
    }
    let (mut read, mut write) = stream.into_split();
    let chunked = args.mode == "chunked";
    let size = args.size;
    // Writes all but the last KiB, as fast as the server reads, then stalls.
    let writer = tokio::spawn(async move {
        let piece = vec![b'a'; 16 * 1024];
        let mut sent = 0;
        while sent + piece.len() + 1024 <= size {
            let ok = if chunked {
                let mut frame = format!("{:x}\r\n", piece.len()).into_bytes();
                frame.extend_from_slice(&piece);
                frame.extend_from_slice(b"\r\n");
                write.write_all(&frame).await
            } else {
                write.write_all(&piece).await
            };
            if ok.is_err() {
                break;
            }
            sent += piece.len();
        }
        (sent, write)
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at(hold_until, read.read(&mut buf)).await {
            Err(_) => break,
            Ok(Ok(0)) | Ok(Err(_)) => {
                outcome.closed_after = Some(started.elapsed());
                break;
            }
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                if outcome.closed_after.is_none() && answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    outcome.closed_after = Some(started.elapsed());
                }
            }
        }
    }
    outcome.status = std::str::from_utf8(&answer)
        .ok()
        .and_then(|a| a.strip_prefix("HTTP/1.1 "))
        .and_then(|a| a.get(..3))
        .and_then(|code| code.parse().ok());
    writer.abort();
    if let Ok((sent, _)) = writer.await {
        outcome.sent = sent;
    }
    outcome
}

/// Sends one signed `/hero` nomination; returns its status and how long the answer took.
async fn hero(args: &Args, n: usize) -> (u16, Duration) {
    let started = Instant::now();
    let body = format!(
        "team_id=T0BENCH&team_domain=bench&channel_id=C0BENCH&user_id=U0BENCH&user_name=bench&command=%2Fhero\
         &text=%3C%40U0HERO%3E+for+answering+while+the+server+was+under+attack+{n}\
         &response_url=http%3A%2F%2F127.0.0.1%3A9%2Fresponse&trigger_id=hostile.{n}.{}",
        now_secs()
    );
    let ts = now_secs().to_string();
    let signature = herobot::slack::signature::sign(args.secret.as_bytes(), &ts, body.as_bytes());
    let request = format!(
        "POST /slack/commands HTTP/1.1\r\nhost: herobot\r\nconnection: close\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: {}\r\nx-slack-request-timestamp: {ts}\r\nx-slack-signature: {signature}\r\n\r\n{body}",
        body.len()
    );
    let answer = async {
        let mut stream = TcpStream::connect(args.addr).await.ok()?;
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.ok()?;
        String::from_utf8_lossy(&answer).get(9..12)?.parse().ok()
    };
    let status = tokio::time::timeout(Duration::from_secs(10), answer)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    (status, started.elapsed())
}

#[tokio::main]
async fn main() {
    let args: &'static Args = Box::leak(Box::new(Args::parse()));
    let (baseline, _) = memory(args.pid);
    let started = Instant::now();
    let hold_until = started + Duration::from_secs(args.hold);
    let uploads: Vec<_> = (0..args.uploads)
        .map(|_| tokio::spawn(upload(args, started, hold_until)))
        .collect();

    let sampler = tokio::spawn(async move {
        let mut peak: f64 = 0.0;
        while Instant::now() < hold_until {
            peak = peak.max(memory(args.pid).0);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        peak
    });

    // Commands while the uploads are open (after a second for them all to connect).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut latencies = Vec::new();
    let mut failed = 0;
    for n in 0..args.commands {
        let (status, took) = hero(args, n).await;
        if status != 200 {
            failed += 1;
        }
        latencies.push(took);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let mut outcomes = Vec::new();
    for upload in uploads {
        outcomes.push(upload.await.unwrap_or_default());
    }
    let peak_sampled = sampler.await.unwrap_or_default();
    let (_, hwm) = memory(args.pid);
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p50 = latencies
        .get(latencies.len() / 2)
        .copied()
        .unwrap_or_default();
    let max = latencies.last().copied().unwrap_or_default();
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    for o in &outcomes {
        let key = o
            .status
            .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
        *statuses.entry(key).or_default() += 1;
    }
    let still_open = outcomes.iter().filter(|o| o.closed_after.is_none()).count();
    let sent_mib = outcomes.iter().map(|o| o.sent).sum::<usize>() as f64 / 1048576.0;
    let mut closed: Vec<Duration> = outcomes.iter().filter_map(|o| o.closed_after).collect();
    closed.sort();
    let last_closed = closed.last().copied().unwrap_or_default();

    println!(
        "hostile: {} {} uploads of {} KiB to {} held up to {} s",
        args.uploads,
        args.mode,
        args.size / 1024,
        args.path,
        args.hold
    );
    println!("  answers       {statuses:?}; still open at the end: {still_open}");
    println!(
        "  body sent     {sent_mib:.1} MiB in all; last upload closed by the server after {:.1} s",
        last_closed.as_secs_f64()
    );
    println!(
        "  server RSS    {baseline:.1} MiB before, {peak_sampled:.1} MiB peak while held (VmHWM since start {hwm:.1} MiB)"
    );
    println!(
        "  /hero         {} sent, {failed} not 200; p50 {:.1} ms, max {:.1} ms",
        latencies.len(),
        ms(p50),
        ms(max)
    );
    println!(
        "RESULT {{\"mode\":\"{}\",\"uploads\":{},\"size\":{},\"peak_rss_mib\":{peak_sampled:.1},\"hwm_mib\":{hwm:.1},\"baseline_mib\":{baseline:.1},\"hero_max_ms\":{:.1},\"hero_failed\":{failed},\"still_open\":{still_open}}}",
        args.mode,
        args.uploads,
        args.size,
        ms(max)
    );
}
