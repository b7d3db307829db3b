//! The worker's supervisor: restarts it after a panic, so one bad message never stops delivery.
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use super::Worker;

/// How long the supervisor waits before restarting a worker that panicked.
const RESTART_AFTER: Duration = Duration::from_secs(1);

/// Runs the worker until `stop`, restarting it after a panic (logged and counted), so that one
/// message the worker cannot handle never stops every delivery. `alive` is false while no
/// worker runs; `/readyz` reports it.
pub async fn supervise(worker: Worker, stop: watch::Receiver<bool>, alive: Arc<AtomicBool>) {
    keep_running(
        || {
            let (worker, stop) = (worker.clone(), stop.clone());
            async move { worker.run(stop).await }
        },
        stop.clone(),
        alive,
    )
    .await
}

async fn keep_running<F, Fut>(mut start: F, mut stop: watch::Receiver<bool>, alive: Arc<AtomicBool>)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    loop {
        alive.store(true, Ordering::Relaxed);
        let ended = tokio::spawn(start()).await;
        alive.store(false, Ordering::Relaxed);
        match ended {
            Ok(()) => return,
            Err(err) => {
                crate::metrics::WORKER_RESTARTS.add(1);
                tracing::error!(error = %err, "outbox: the worker stopped unexpectedly; restarting it");
            }
        }
        if *stop.borrow() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(RESTART_AFTER) => {}
            _ = stop.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_worker_that_panics_is_restarted_and_counted() {
        let (_stop, stopped) = watch::channel(false);
        let alive = Arc::new(AtomicBool::new(false));
        let runs = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let restarts = || {
            crate::metrics::value_in(
                &crate::metrics::render(&[]),
                "herobot_outbox_worker_restarts_total",
            )
            .unwrap_or_default()
        };
        let before = restarts();
        let counted = runs.clone();
        let seen_alive = alive.clone();
        keep_running(
            move || {
                let (runs, alive) = (counted.clone(), seen_alive.clone());
                async move {
                    assert!(alive.load(Ordering::Relaxed), "alive while it runs");
                    if runs.fetch_add(1, Ordering::Relaxed) < 2 {
                        panic!("a message the worker cannot handle");
                    }
                }
            },
            stopped,
            alive.clone(),
        )
        .await;
        assert_eq!(
            runs.load(Ordering::Relaxed),
            3,
            "restarted after each panic"
        );
        assert!(restarts() >= before + 2);
        assert!(
            !alive.load(Ordering::Relaxed),
            "not alive once it has stopped"
        );
    }
}
