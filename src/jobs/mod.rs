//! Every scheduler and periodic loop of the service (the digest, report-card rounds, the search
//! indexer and rollup, retention, WAL checkpoints, daily backups, departed accounts), started,
//! stopped and joined one way.
pub mod backup;
pub mod checkpoint;
pub mod departed;
pub mod digest;
pub mod indexer;
pub mod retention;
pub mod rounds;

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;

/// A job's view of the request to stop.
#[derive(Clone)]
pub struct Stop(watch::Receiver<bool>);

impl Stop {
    /// Whether stopping was asked for.
    pub fn requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits for `until` to complete; true if asked to stop first (or already).
    pub async fn before<F: Future>(&mut self, until: F) -> bool {
        if self.requested() {
            return true;
        }
        tokio::select! {
            _ = until => self.requested(),
            _ = self.0.changed() => true,
        }
    }

    /// Sleeps for `duration`; true if asked to stop meanwhile.
    pub async fn sleep(&mut self, duration: Duration) -> bool {
        self.before(tokio::time::sleep(duration)).await
    }
}

/// Jobs running, each a task of its own; `stop` asks them all to stop and waits for them.
pub struct Jobs {
    stop: watch::Sender<bool>,
    running: Vec<(&'static str, JoinHandle<()>)>,
}

impl Default for Jobs {
    fn default() -> Self {
        Self::new()
    }
}

impl Jobs {
    pub fn new() -> Self {
        Self {
            stop: watch::channel(false).0,
            running: Vec::new(),
        }
    }

    /// Starts `job`, which returns once its `Stop` says so.
    pub fn spawn<F, Fut>(&mut self, name: &'static str, job: F)
    where
        F: FnOnce(Stop) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let stop = Stop(self.stop.subscribe());
        self.running.push((name, tokio::spawn(job(stop))));
    }

    /// Starts a loop that runs `tick` now and then every `every` until stopped; a failed tick
    /// is logged, and the next one tries again. A tick still running when stopping is asked for
    /// is dropped: its transaction, if open, rolls back.
    pub fn every<F, Fut, E>(&mut self, name: &'static str, every: Duration, mut tick: F)
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), E>> + Send,
        E: std::fmt::Display + Send,
    {
        self.spawn(name, move |mut stop| async move {
            let mut interval = tokio::time::interval(every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !stop.before(interval.tick()).await {
                let mut failed = None;
                let ran = async {
                    failed = tick().await.err();
                };
                if stop.before(ran).await {
                    return;
                }
                if let Some(err) = failed {
                    tracing::warn!(job = name, error = %err, "a periodic job failed; it runs again");
                }
            }
        });
    }

    /// Asks every job to stop and waits until each has.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for (name, task) in self.running {
            if let Err(err) = task.await {
                tracing::error!(job = name, error = %err, "a job ended abnormally");
            }
        }
    }
}

/// The jobs `herobot serve` (and the demo) runs beside the server.
pub fn start(app: &AppState) -> Jobs {
    let mut jobs = Jobs::new();
    let state = app.clone();
    jobs.spawn("digest", move |stop| digest::run(state, stop));
    let state = app.clone();
    jobs.spawn("rounds", move |stop| rounds::run(state, stop));
    indexer::start(&mut jobs, app);
    retention::start(&mut jobs, app);
    checkpoint::start(&mut jobs, app);
    backup::start(&mut jobs, app);
    departed::start(&mut jobs, app);
    jobs
}
