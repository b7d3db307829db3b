//! Builds the application (database, writer, outbox worker, digest and report-card schedulers,
//! router), binds, runs, and shuts down gracefully.
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::answers::limit::AddressLimit;
use crate::clock::Clock;
use crate::config::Config;
use crate::outbox;
use crate::slack::client::SlackClient;
use crate::state::{AppState, Shared};
use crate::store::{self, batch::Writer};

/// Threads for blocking work: the group-commit writer holds one for as long as it runs, the
/// rest serve DNS look-ups for Slack's API and files (SQLite connections run on threads of
/// their own). Idle ones exit after ten seconds.
const BLOCKING_THREADS: usize = 8;

/// The runtime `herobot` runs on: one worker thread per core (or `TOKIO_WORKER_THREADS`), and
/// a small pool for blocking work instead of tokio's 512.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()
}

/// A built application, bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    writer_task: tokio::task::JoinHandle<()>,
    worker: outbox::Worker,
    /// Routes served beside herobot's own (the demo's page and fake Slack).
    extra: Option<axum::Router>,
}

impl Application {
    /// Connects and migrates the database, starts the writer, and binds `config.listen`
    /// (port 0 picks a free port, as tests do).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Clock::system()).await
    }

    /// As `build`, with a clock of the caller's (tests and the demo set theirs).
    pub async fn build_with_clock(config: Config, clock: Clock) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        Self::build_on(config, clock, listener).await
    }

    /// As `build_with_clock`, on a listener already bound (the demo configures itself with
    /// its address).
    pub async fn build_on(
        config: Config,
        clock: Clock,
        listener: TcpListener,
    ) -> anyhow::Result<Self> {
        let (state, writer_task) = app_state(config, clock).await?;
        let worker = outbox::Worker::new(
            state.db.clone(),
            state.turns.clone(),
            outbox::Context::of(&state.config),
            state.slack.clone(),
            state.outbox.clone(),
            state.config.outbox.clone(),
            state.clock.clone(),
        );
        Ok(Self {
            listener,
            state,
            writer_task,
            worker,
            extra: None,
        })
    }

    /// Serves `routes` beside herobot's own.
    pub fn with_routes(mut self, routes: axum::Router) -> Self {
        self.extra = Some(routes);
        self
    }

    /// The handles every action takes.
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` completes; then finishes requests in flight, drains the writer,
    /// lets deliveries in flight finish, and closes the database.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self {
            listener,
            state,
            writer_task,
            worker,
            extra,
        } = self;
        let db = state.db.clone();
        let (stop, stopped) = watch::channel(false);
        let (stop_scheduler, scheduler_stopped) = watch::channel(false);
        let scheduler = tokio::spawn(crate::digest::schedule::run(
            state.clone(),
            scheduler_stopped.clone(),
        ));
        let rounds = tokio::spawn(crate::rounds::run(state.clone(), scheduler_stopped));
        // Ready from the start: the supervisor keeps a worker running from here on.
        state
            .outbox_alive
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let worker_task = tokio::spawn(outbox::supervise(
            worker,
            stopped,
            state.outbox_alive.clone(),
        ));
        tokio::spawn(store::checkpoint_periodically(
            db.clone(),
            Duration::from_millis(500),
        ));
        tokio::spawn(crate::retention::prune_periodically(
            db.clone(),
            state.clock.clone(),
        ));
        tracing::info!(address = %listener.local_addr()?, "herobot is listening");
        let server = state.config.server.clone();
        let mut router = crate::routes::router(state);
        if let Some(extra) = extra {
            router = router.merge(extra);
        }
        crate::server::serve(listener, router, &server, shutdown).await;
        // The router is gone; once the scheduler is too, so is every writer handle: the writer
        // drains and stops.
        let _ = stop_scheduler.send(true);
        let _ = scheduler.await;
        let _ = rounds.await;
        let _ = writer_task.await;
        let _ = stop.send(true);
        // With the server's grace, shutdown stays well within the 15 s a container is given.
        if tokio::time::timeout(Duration::from_secs(8), worker_task)
            .await
            .is_err()
        {
            tracing::warn!("outbox worker did not stop in time; undelivered messages stay pending");
        }
        db.close().await;
        tracing::info!("herobot stopped");
        Ok(())
    }
}

/// The handles every action takes: the database (connected and migrated), the writer (started;
/// it stops once every handle is gone, and the returned task ends then), the clock, the Slack
/// client and the library's key. The command line acts through these too.
pub async fn app_state(
    config: Config,
    clock: Clock,
) -> anyhow::Result<(AppState, tokio::task::JoinHandle<()>)> {
    let db = store::connect(&config.database_url)
        .await
        .with_context(|| format!("opening the database {}", config.database_url))?;
    store::migrate(&db)
        .await
        .context("migrating the database")?;
    let turns = store::WriteTurns::default();
    // Search indexing follows the commits, off the acknowledgement path.
    tokio::spawn(store::search::index_periodically(
        db.clone(),
        turns.clone(),
        store::search::INDEX_EVERY,
    ));
    let reads = store::connect_reads(&config.database_url)
        .await
        .context("opening the read pool")?;
    let library_key = store::sign_in::key(&db, clock.now_secs())
        .await
        .map(crate::library::access::Key::new)
        .context("reading the library's signing key")?;
    let outbox_wake = Arc::new(Notify::new());
    let writer_conn = store::connect_writer(&config.database_url)
        .await
        .context("opening the writer's connection")?;
    let (writer, writer_task) = Writer::spawn(
        writer_conn,
        turns.clone(),
        outbox_wake.clone(),
        clock.clone(),
    );
    let slack = SlackClient::new(&config.slack_api_url, config.bot_token.clone());
    let state = AppState::new(Shared {
        hourly_limit: crate::actions::limit::HourlyLimit::new(config.hourly_limit),
        config,
        db,
        reads,
        writer,
        turns,
        clock,
        slack,
        outbox: outbox_wake,
        outbox_alive: Arc::default(),
        roster: Arc::default(),
        library_key,
        answer_limit: AddressLimit::new(),
    });
    Ok((state, writer_task))
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
}
