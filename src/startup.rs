//! Builds the application (database, write handle, outbox worker, jobs, router), binds, runs,
//! and shuts down gracefully.
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::clock::Clock;
use crate::config::Config;
use crate::outbox;
use crate::slack::client::SlackClient;
use crate::state::{AppState, Shared};
use crate::store;

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
    /// Wraps the whole router (the demo adds its way back to herobot's own pages).
    wrap: Option<fn(axum::Router) -> axum::Router>,
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
            state.writes.clone(),
            outbox::Context::of(&state.config),
            state.slack.clone(),
            state.config.outbox.clone(),
            state.clock.clone(),
        );
        Ok(Self {
            listener,
            state,
            writer_task,
            worker,
            extra: None,
            wrap: None,
        })
    }

    /// Serves `routes` beside herobot's own.
    pub fn with_routes(mut self, routes: axum::Router) -> Self {
        self.extra = Some(routes);
        self
    }

    /// Wraps the whole router, herobot's routes and the extra ones, with `wrap`.
    pub fn wrapped(mut self, wrap: fn(axum::Router) -> axum::Router) -> Self {
        self.wrap = Some(wrap);
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
            wrap,
        } = self;
        let (db, reads, writes) = (state.db.clone(), state.reads.clone(), state.writes.clone());
        let (stop, stopped) = watch::channel(false);
        let jobs = crate::jobs::start(&state);
        // Ready from the start: the supervisor keeps a worker running from here on.
        state
            .outbox_alive
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let worker_task = tokio::spawn(outbox::supervise(
            worker,
            stopped,
            state.outbox_alive.clone(),
        ));
        tracing::info!(address = %listener.local_addr()?, "herobot is listening");
        let server = state.config.server.clone();
        let mut router = crate::routes::router(state);
        if let Some(extra) = extra {
            router = router.merge(extra);
        }
        if let Some(wrap) = wrap {
            router = wrap(router);
        }
        crate::server::serve(listener, router, &server, shutdown).await;
        // The router is gone; once the jobs and the worker are too, so is every write handle:
        // the writer drains and stops.
        jobs.stop().await;
        let _ = stop.send(true);
        // With the server's grace, shutdown stays well within the 15 s a container is given.
        if tokio::time::timeout(Duration::from_secs(8), worker_task)
            .await
            .is_err()
        {
            tracing::warn!("outbox worker did not stop in time; undelivered messages stay pending");
        }
        writes.close().await;
        drop(writes);
        // Every write was answered before the server finished; the writer's queue is empty.
        if tokio::time::timeout(Duration::from_secs(2), writer_task)
            .await
            .is_err()
        {
            tracing::warn!("the writer did not stop in time");
        }
        db.close().await;
        reads.close().await;
        tracing::info!("herobot stopped");
        Ok(())
    }
}

/// The handles every action takes: the database (connected and migrated), the write handle
/// (its writer started; it stops once every handle is gone, and the returned task ends then),
/// the clock, the Slack client and the library's key. The command line acts through these too;
/// no job is started here.
pub async fn app_state(
    config: Config,
    clock: Clock,
) -> anyhow::Result<(AppState, tokio::task::JoinHandle<()>)> {
    let store::Opened {
        db,
        reads,
        writes,
        writer_task,
    } = store::open_waiting(&config.database_url, config.lock_wait, clock.clone())
        .await
        .with_context(|| {
            format!(
                "opening the database {}",
                crate::store::copy::redact(&config.database_url)
            )
        })?;
    let library_key = store::sign_in::key(&db, &writes, clock.now_secs())
        .await
        .map(crate::library::access::Key::new)
        .context("reading the library's signing key")?;
    let slack = SlackClient::new(&config.slack_api_url, config.bot_token.clone());
    let state = AppState::new(Shared {
        hourly_limit: crate::limits::HourlyLimit::new(config.hourly_limit),
        config,
        db,
        reads,
        writes,
        clock,
        slack,
        outbox_alive: Arc::default(),
        roster: Arc::default(),
        library_key,
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
