//! `herobot demo`: herobot on loopback with sample data, an in-process fake of Slack and a
//! Slack-like page at `/demo`, so the whole product can be tried without a workspace.
mod back;
pub mod cast;
pub mod fake_slack;
pub mod page;
pub mod record;
mod samples;
pub mod seed;
pub mod wire;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tokio::net::TcpListener;

use crate::clock::Clock;
use crate::config::{Config, Needs, OutboxSettings, Secret};
use crate::startup::Application;
use fake_slack::FakeSlack;
use record::Recorder;
use wire::Wire;

/// The demo's database file, in the working directory.
pub const DATABASE_FILE: &str = "herobot-demo.db";
/// What the fake Slack showed, beside it.
pub const CALLS_FILE: &str = "herobot-demo.slack.jsonl";

/// How to run the demo.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where `herobot-demo.db` lives (the working directory).
    pub dir: PathBuf,
    /// A loopback address; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Start over from fresh sample data.
    pub reset: bool,
    pub seed: u64,
    /// Where the demo's clock starts (unix milliseconds); None: now. Tests fix it.
    pub start_at_ms: Option<i64>,
}

/// A demo that is serving.
pub struct Running {
    /// `http://127.0.0.1:3000`
    pub address: String,
    pub database: PathBuf,
    /// How many seeded steps were taken (0 when an existing database was reused).
    pub seeded: usize,
    pub recorder: Recorder,
    pub wire: Wire,
    /// The app's handles (its database, its clock).
    pub state: crate::state::AppState,
    /// How it was started, to start it over the same way.
    options: Options,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    /// Stops the demo and waits for it to finish.
    pub async fn stop(self) -> anyhow::Result<()> {
        let Self {
            state,
            shutdown,
            task,
            ..
        } = self;
        // The app's writer stops once every handle to it is gone, this one included.
        drop(state);
        let _ = shutdown.send(());
        task.await?
    }

    /// Serves until `shutdown` completes, starting over whenever the page's reset button asks.
    pub async fn serve_until(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let mut running = self;
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => return running.stop().await,
                () = running.reset_asked() => {
                    eprintln!("herobot demo: starting over with fresh sample data…");
                    running = running.start_over().await?;
                    println!("herobot demo is ready again: open {}/demo", running.address);
                }
            }
        }
    }

    /// Completes when the page's reset button is pressed.
    pub async fn reset_asked(&self) {
        self.wire.resets.notified().await;
    }

    /// Stops the demo and starts it again from fresh sample data, on the same address and the
    /// same seed (and, where a test set it, the same starting clock).
    pub async fn start_over(self) -> anyhow::Result<Running> {
        let listen: SocketAddr = self
            .address
            .trim_start_matches("http://")
            .parse()
            .context("the demo's own address")?;
        let options = Options {
            listen,
            reset: true,
            ..self.options.clone()
        };
        self.stop().await?;
        start(options).await
    }
}

/// The address from `HEROBOT_LISTEN`, or `127.0.0.1:3000`; anything but loopback is refused.
pub fn listen_address(value: Option<&str>) -> anyhow::Result<SocketAddr> {
    let address: SocketAddr = match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        Some(v) => v
            .parse()
            .with_context(|| format!("HEROBOT_LISTEN must be host:port, not {v:?}"))?,
    };
    anyhow::ensure!(
        address.ip().is_loopback(),
        "the demo listens on loopback only (such as 127.0.0.1:3000), not {address}"
    );
    Ok(address)
}

/// A random secret in hex.
fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(hex::encode(buf))
}

/// Removes the demo's files (a fresh start).
fn remove_files(dir: &Path) -> anyhow::Result<()> {
    for name in [
        DATABASE_FILE.to_owned(),
        format!("{DATABASE_FILE}-wal"),
        format!("{DATABASE_FILE}-shm"),
        CALLS_FILE.to_owned(),
    ] {
        match std::fs::remove_file(dir.join(&name)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {name}"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// The configuration the demo runs herobot with: its own secrets, the sample workspace's
/// channels and leader, and the fake Slack on its own address.
fn config(base: &str, database: &Path, secret: &Secret, token: &Secret) -> anyhow::Result<Config> {
    let vars = [
        ("SLACK_SIGNING_SECRET", secret.expose().to_owned()),
        ("SLACK_BOT_TOKEN", token.expose().to_owned()),
        ("SLACK_API_URL", format!("{base}{}", fake_slack::API_PATH)),
        ("DATABASE_URL", format!("sqlite://{}", database.display())),
        ("HEROBOT_LISTEN", "127.0.0.1:0".to_owned()),
        ("HEROBOT_PUBLIC_URL", base.to_owned()),
        ("HEROBOT_HEROES_CHANNEL", cast::HEROES.id.to_owned()),
        ("HEROBOT_STORIES_CHANNEL", cast::STORIES.id.to_owned()),
        ("HEROBOT_DIGEST_CHANNEL", cast::DIGEST.id.to_owned()),
        ("HEROBOT_LEADERS", cast::LEADER.id.to_owned()),
        ("HEROBOT_COMPANY_NAME", cast::COMPANY.to_owned()),
        // The sample data posts last week's digest itself, as a leader would.
        ("HEROBOT_DIGEST_SCHEDULE", "off".to_owned()),
    ];
    let mut config = Config::from_lookup(Needs::Slack, |k| {
        vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())
    })?;
    // The fake has no rate limits: deliveries need not wait a second per channel, and each
    // recognition's DM shows at once rather than combined with the next minute's.
    config.outbox = OutboxSettings {
        lane_burst: 50,
        lane_interval: std::time::Duration::from_millis(5),
        dm_window: std::time::Duration::ZERO,
        ..OutboxSettings::default()
    };
    Ok(config)
}

/// Starts the demo: (re)creates and seeds its database if needed, and serves.
pub async fn start(options: Options) -> anyhow::Result<Running> {
    anyhow::ensure!(
        options.listen.ip().is_loopback(),
        "the demo listens on loopback only, not {}",
        options.listen
    );
    if options.reset {
        remove_files(&options.dir)?;
    }
    let database = options.dir.join(DATABASE_FILE);
    let fresh = !database.exists();
    if fresh {
        // Whatever the fake showed belongs to a database that is gone.
        remove_files(&options.dir)?;
    }
    let listener = TcpListener::bind(options.listen)
        .await
        .with_context(|| format!("binding {}", options.listen))?;
    let base = format!("http://{}", listener.local_addr()?);
    let secret = Secret::new(random_hex(32)?);
    let token = Secret::new(format!("xoxb-demo-{}", random_hex(16)?));
    let config = config(&base, &database, &secret, &token)?;
    let time = match options.start_at_ms {
        Some(at_ms) => Clock::starting_at(at_ms),
        None => Clock::system(),
    };
    let recorder = Recorder::open(Some(options.dir.join(CALLS_FILE)))?;
    let fake = FakeSlack {
        recorder: recorder.clone(),
        token,
        time: time.clone(),
    };
    // reqwest is built without a bundled crypto provider; ring is the one herobot ships.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .build()?;
    let wire = Wire {
        http,
        base: base.clone(),
        secret,
        recorder: recorder.clone(),
        time: time.clone(),
        resets: Default::default(),
        ready: Default::default(),
        started: random_hex(8)?,
    };
    let app = Application::build_on(config, time.clone(), listener)
        .await?
        .with_routes(fake_slack::router(fake).merge(page::router(wire.clone())))
        .wrapped(back::way_back);
    let state = app.state();
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let options_kept = options.clone();
    let seeded = if fresh {
        let steps = seed::plan(options.seed, wire.time.now_secs());
        seed::run(&state, &wire, &steps).await?
    } else {
        0
    };
    wire.ready.store(true, std::sync::atomic::Ordering::Release);
    Ok(Running {
        address: base,
        database,
        seeded,
        recorder,
        wire,
        state,
        options: options_kept,
        shutdown,
        task,
    })
}

/// `herobot demo [--reset]`: runs until Ctrl-C.
pub async fn run(reset: bool) -> anyhow::Result<()> {
    let listen = listen_address(std::env::var("HEROBOT_LISTEN").ok().as_deref())?;
    let dir = std::env::current_dir()?;
    eprintln!(
        "herobot demo: {} sample data in {}…",
        if reset || !dir.join(DATABASE_FILE).exists() {
            "making"
        } else {
            "reusing the"
        },
        dir.join(DATABASE_FILE).display()
    );
    let running = start(Options {
        dir,
        listen,
        reset,
        seed: seed::DEFAULT_SEED,
        start_at_ms: None,
    })
    .await?;
    println!("herobot demo is ready: open {}/demo", running.address);
    println!("(Ctrl-C stops it; `herobot demo --reset` starts over with fresh sample data)");
    running.serve_until(crate::startup::shutdown_signal()).await
}
