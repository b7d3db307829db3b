//! The durable outbox worker: delivers committed messages to Slack, in order per lane, paced,
//! with retries and backoff; a restart picks up whatever is still pending.
mod combine;
mod lanes;
mod render;

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::json;
use sqlx::SqlitePool;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

pub use lanes::Lanes;
pub use render::Context;

use crate::clock::Clock;
use crate::config::OutboxSettings;
use crate::domain::outbox::{Content, Delivery, Render};
use crate::slack::client::{Failure, SlackClient};
use crate::store::Writes;
use crate::store::outbox::{self as store, Claimed, Combinable};

/// How often the worker rereads every pending row, to pick up rows another replica claimed
/// and then abandoned.
const RESYNC: Duration = Duration::from_secs(60);
/// How often an idle worker looks for rows another process committed (`herobot digest --post`,
/// `herobot reportcard`, another replica): they cannot wake it.
const LOOK_AGAIN: Duration = Duration::from_secs(2);
/// Rows read from the table per query.
const PAGE: i64 = 2_000;

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

/// What became of one delivery attempt.
#[derive(Debug)]
enum Outcome {
    Sent(String),
    Retry {
        at_ms: i64,
        error: String,
        attempted: bool,
        pause: Option<Duration>,
    },
    Failed(String),
}

/// A pending message in the worker's memory: its ID and when it may next be tried.
#[derive(Debug, Clone, Copy)]
struct Queued {
    id: i64,
    not_before_ms: i64,
    combinable: Combinable,
}

/// A finished delivery: its lane, the messages it sent together, and what became of them.
struct Done {
    lane: String,
    ids: Vec<i64>,
    outcome: Outcome,
    /// A hero's recognition DM went out: the lane holds the next ones for a while, to combine.
    hold: bool,
}

#[derive(Clone)]
pub struct Worker {
    /// Reads pending rows and what rendered messages are about.
    db: SqlitePool,
    /// Claims rows and records what became of them.
    writes: Writes,
    /// What rendered messages need besides the store.
    context: Arc<Context>,
    slack: SlackClient,
    wake: Arc<Notify>,
    settings: OutboxSettings,
    clock: Clock,
}

impl Worker {
    /// The worker wakes whenever a write through `writes` commits.
    pub fn new(
        db: SqlitePool,
        writes: Writes,
        context: Context,
        slack: SlackClient,
        settings: OutboxSettings,
        clock: Clock,
    ) -> Self {
        Self {
            db,
            wake: writes.committed(),
            writes,
            context: Arc::new(context),
            slack,
            settings,
            clock,
        }
    }

    /// Delivers until `stop` turns true, then lets deliveries in flight finish.
    pub async fn run(&self, mut stop: watch::Receiver<bool>) {
        let mut state = State::new(&self.settings);
        let mut deliveries: JoinSet<Done> = JoinSet::new();
        let mut resync_at = Instant::now();
        loop {
            if *stop.borrow() {
                break;
            }
            if Instant::now() >= resync_at {
                state.queues.clear();
                state.last_id = 0;
                resync_at = Instant::now() + RESYNC;
            }
            let mut wake_at = resync_at.min(Instant::now() + LOOK_AGAIN);
            if let Err(err) = state.load(&self.db).await {
                tracing::error!(error = %err, "outbox: reading pending messages failed");
                wake_at = wake_at.min(Instant::now() + Duration::from_secs(1));
            }
            wake_at = wake_at.min(self.start_deliveries(&mut state, &mut deliveries).await);
            tokio::select! {
                biased;
                _ = stop.changed() => {}
                Some(done) = deliveries.join_next_with_id(), if !deliveries.is_empty() => self.settle(&mut state, done).await,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep_until(wake_at) => {}
            }
        }
        while let Some(done) = deliveries.join_next_with_id().await {
            self.settle(&mut state, done).await;
        }
    }

    /// Claims the head of every lane that may send now; returns when to look again.
    async fn start_deliveries(&self, state: &mut State, deliveries: &mut JoinSet<Done>) -> Instant {
        let now = Instant::now();
        let now_ms = self.clock.now_ms();
        let mut wake_at = now + RESYNC;
        let mut ready = Vec::new();
        let clears_in_a_minute = (self.settings.rollup_window.as_millis()
            / self.settings.lane_interval.as_millis().max(1))
            as usize
            + self.settings.lane_burst as usize;
        let combine_dms = !self.settings.dm_window.is_zero();
        for (lane, queue) in &state.queues {
            let Some(head) = queue.front() else { continue };
            if state.busy.contains(lane) {
                continue;
            }
            let due = now
                + Duration::from_millis(head.not_before_ms.saturating_sub(now_ms).max(0) as u64);
            let at = state.lanes.ready_at(lane, now).max(due);
            if at > now {
                wake_at = wake_at.min(at);
            } else {
                let ids = combine::group(queue, now_ms, clears_in_a_minute, combine_dms);
                ready.push((lane.clone(), ids));
            }
        }
        for (lane, ids) in ready {
            if deliveries.len() >= self.settings.concurrency {
                break;
            }
            let lease = self.settings.lease.as_millis() as i64;
            let claimed = claim(&self.writes, &ids, now_ms, now_ms + lease).await;
            match claimed {
                Ok(rows) if !rows.is_empty() => {
                    for id in ids.iter().filter(|id| !rows.iter().any(|r| r.id == **id)) {
                        // Sent, failed, or held by another replica meanwhile: not ours.
                        state.remove(&lane, *id);
                    }
                    state.lanes.take(&lane, now);
                    state.busy.insert(lane.clone());
                    let lane_of_task = lane.clone();
                    let (db, context) = (self.db.clone(), self.context.clone());
                    let writes = self.writes.clone();
                    let (slack, settings) = (self.slack.clone(), self.settings.clone());
                    let clock = self.clock.clone();
                    let task = deliveries.spawn(async move {
                        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
                        // A row that cannot be read fails alone; the others still go.
                        let mut claimed = Vec::with_capacity(rows.len());
                        let mut unreadable = None;
                        for row in rows {
                            let id = row.id;
                            match row.read() {
                                Ok(c) => claimed.push(c),
                                Err(why) => {
                                    let failed = Outcome::Failed(why);
                                    if let Err(err) = record(&writes, &[id], &failed, &clock).await {
                                        tracing::error!(error = %err, id, "outbox: recording a delivery outcome failed");
                                    }
                                    unreadable = Some(failed);
                                }
                            }
                        }
                        let hold = claimed.first().is_some_and(|c| {
                            matches!(c.message.content, Content::Rendered(Render::HeroDm { .. }))
                        });
                        let outcome = match (claimed.is_empty(), unreadable) {
                            (true, Some(failed)) => failed,
                            _ => deliver(&db, &context, &slack, &claimed, &settings, &clock).await,
                        };
                        // Recorded here, the moment Slack has answered, not when the worker
                        // next looks: a crash between the two would send the message again.
                        let sent: Vec<i64> = claimed.iter().map(|c| c.id).collect();
                        if let Err(err) = record(&writes, &sent, &outcome, &clock).await {
                            tracing::error!(error = %err, ids = ?sent, "outbox: recording a delivery outcome failed");
                        }
                        Done {
                            lane,
                            ids,
                            outcome,
                            hold,
                        }
                    });
                    state.in_flight.insert(task.id(), lane_of_task);
                }
                Ok(_) => {
                    for id in &ids {
                        state.remove(&lane, *id);
                    }
                }
                Err(err) => {
                    tracing::error!(error = %err, "outbox: claiming a message failed");
                    wake_at = wake_at.min(now + Duration::from_secs(1));
                }
            }
        }
        state.queues.retain(|_, q| !q.is_empty());
        state.lanes.forget_idle(now);
        wake_at
    }

    /// Records the outcome of a delivery.
    async fn settle(
        &self,
        state: &mut State,
        done: Result<(tokio::task::Id, Done), tokio::task::JoinError>,
    ) {
        let Done {
            lane,
            ids,
            outcome,
            hold,
        } = match done {
            Ok((task, done)) => {
                state.in_flight.remove(&task);
                done
            }
            Err(err) => {
                // Only that task's lane is freed; its row's lease runs out and a resync retries it.
                tracing::error!(error = %err, "outbox: a delivery task failed");
                if let Some(lane) = state.in_flight.remove(&err.id()) {
                    state.busy.remove(&lane);
                }
                return;
            }
        };
        state.busy.remove(&lane);
        let (id, count) = (ids[0], ids.len());
        match &outcome {
            Outcome::Sent(_) => {
                crate::metrics::MESSAGES_DELIVERED.add(count as u64);
                for id in &ids {
                    state.remove(&lane, *id);
                }
                if hold && let Some(until) = Instant::now().checked_add(self.settings.dm_window) {
                    state.lanes.pause(&lane, until);
                }
                tracing::debug!(id, count, lane, "outbox: delivered");
            }
            Outcome::Failed(error) => {
                crate::metrics::MESSAGES_FAILED.add(count as u64);
                for id in &ids {
                    state.remove(&lane, *id);
                }
                tracing::error!(id, count, lane, error, "outbox: message failed for good");
            }
            Outcome::Retry {
                at_ms,
                error,
                pause,
                ..
            } => {
                crate::metrics::MESSAGES_RETRIED.add(1);
                if let Some(queue) = state.queues.get_mut(&lane) {
                    for q in queue.iter_mut().filter(|q| ids.contains(&q.id)) {
                        q.not_before_ms = *at_ms;
                    }
                }
                if let Some(until) = pause.and_then(|p| Instant::now().checked_add(p)) {
                    state.lanes.pause(&lane, until);
                }
                tracing::warn!(
                    id,
                    lane,
                    error,
                    retry_in_ms = at_ms - self.clock.now_ms(),
                    "outbox: delivery will be retried"
                );
            }
        }
    }
}

/// Reserves the rows `ids` for this worker until `until_ms`, each unless another worker holds
/// it; returns the ones reserved.
async fn claim(
    writes: &Writes,
    ids: &[i64],
    now_ms: i64,
    until_ms: i64,
) -> Result<Vec<store::ClaimedRow>, sqlx::Error> {
    let mut tx = writes.begin().await?;
    let claimed = store::claim_many(&mut *tx, ids, now_ms, until_ms).await?;
    tx.commit_without_wake().await?;
    Ok(claimed)
}

/// Writes what became of a delivery attempt to its rows (several for a combined message), in
/// one transaction.
async fn record(
    writes: &Writes,
    ids: &[i64],
    outcome: &Outcome,
    clock: &Clock,
) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut tx = writes.begin().await?;
    for &id in ids {
        match outcome {
            Outcome::Sent(response) => {
                store::mark_sent(&mut *tx, id, response, clock.now_secs()).await?
            }
            Outcome::Failed(error) => store::mark_failed(&mut *tx, id, error).await?,
            Outcome::Retry {
                at_ms,
                error,
                attempted,
                ..
            } => store::retry_at(&mut *tx, id, *at_ms, error, *attempted).await?,
        }
    }
    tx.commit_without_wake().await
}

/// The worker's memory of pending rows, by lane.
struct State {
    queues: HashMap<String, VecDeque<Queued>>,
    last_id: i64,
    busy: HashSet<String>,
    /// The lane of each delivery in flight, so a task that fails frees its own lane only.
    in_flight: HashMap<tokio::task::Id, String>,
    lanes: Lanes,
}

impl State {
    fn new(settings: &OutboxSettings) -> Self {
        Self {
            queues: HashMap::new(),
            last_id: 0,
            busy: HashSet::new(),
            in_flight: HashMap::new(),
            lanes: Lanes::new(settings.lane_burst, settings.lane_interval),
        }
    }

    /// Reads rows added since the last read.
    async fn load(&mut self, db: &SqlitePool) -> Result<(), sqlx::Error> {
        loop {
            let rows = store::pending_after(db, self.last_id, PAGE).await?;
            let full = rows.len() as i64 == PAGE;
            for row in rows {
                self.last_id = row.id;
                // IDs only grow, and a resync starts from empty: no row is queued twice.
                self.queues
                    .entry(row.lane.clone())
                    .or_default()
                    .push_back(Queued {
                        id: row.id,
                        not_before_ms: row.next_attempt_at_ms,
                        combinable: row.combinable(),
                    });
            }
            if !full {
                return Ok(());
            }
        }
    }

    fn remove(&mut self, lane: &str, id: i64) {
        if let Some(queue) = self.queues.get_mut(lane) {
            queue.retain(|q| q.id != id);
        }
    }
}

/// One attempt at one message, or at several sent as one.
async fn deliver(
    db: &SqlitePool,
    context: &Context,
    slack: &SlackClient,
    claimed: &[Claimed],
    settings: &OutboxSettings,
    clock: &Clock,
) -> Outcome {
    let message = &claimed[0];
    let body = match claimed {
        [one] => render::body(db, context, clock, one).await,
        several => combine::body(db, several).await,
    };
    let result = match body {
        Err(failure) => Err(failure),
        Ok(body) => {
            let body = body.to_string();
            match &message.message.delivery {
                Delivery::Post { .. } => slack.post_message(&body).await,
                Delivery::Update { .. } => slack.update_message(&body).await,
                Delivery::Publish { .. } => slack.publish_view(&body).await,
                Delivery::Respond { url, .. } => slack.respond(url, &body).await,
            }
        }
    };
    let now_ms = clock.now_ms();
    match result {
        Ok(answer) => Outcome::Sent(
            json!({"channel": answer.get("channel"), "ts": answer.get("ts")}).to_string(),
        ),
        Err(Failure::Permanent(error)) => Outcome::Failed(error),
        Err(Failure::RateLimited(after)) => {
            // A hostile or broken Retry-After (hours, or years) must not park the lane for good.
            let wait = after
                .unwrap_or(settings.base_backoff)
                .min(settings.max_retry_after);
            Outcome::Retry {
                at_ms: later(now_ms, wait),
                error: "rate limited".into(),
                attempted: false,
                pause: Some(wait),
            }
        }
        Err(Failure::Transient(error)) => {
            let attempt = u32::try_from(message.attempts)
                .unwrap_or(u32::MAX)
                .saturating_add(1);
            if attempt >= settings.max_attempts {
                Outcome::Failed(format!("gave up after {attempt} attempts: {error}"))
            } else {
                let wait = backoff(settings, attempt);
                Outcome::Retry {
                    at_ms: later(now_ms, wait),
                    error,
                    attempted: true,
                    pause: None,
                }
            }
        }
    }
}

/// `wait` after unix millisecond `now_ms`, saturating rather than overflowing.
fn later(now_ms: i64, wait: Duration) -> i64 {
    now_ms.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX))
}

/// Exponential backoff for the `attempt`-th failure, with jitter over its upper half.
fn backoff(settings: &OutboxSettings, attempt: u32) -> Duration {
    let exp = settings
        .base_backoff
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
    let cap = exp.min(settings.max_backoff);
    cap.mul_f64(0.5 + fastrand::f64() / 2.0)
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

    #[test]
    fn a_huge_wait_saturates_instead_of_overflowing() {
        assert_eq!(later(i64::MAX - 5, Duration::from_secs(u64::MAX)), i64::MAX);
        assert_eq!(later(1_000, Duration::from_millis(500)), 1_500);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let settings = OutboxSettings {
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            ..OutboxSettings::default()
        };
        for _ in 0..100 {
            let first = backoff(&settings, 1);
            assert!(
                first >= Duration::from_secs(1) && first <= Duration::from_secs(2),
                "{first:?}"
            );
            let third = backoff(&settings, 3);
            assert!(
                third >= Duration::from_secs(4) && third <= Duration::from_secs(8),
                "{third:?}"
            );
            let late = backoff(&settings, 30);
            assert!(
                late >= Duration::from_secs(30) && late <= Duration::from_secs(60),
                "{late:?}"
            );
        }
    }
}
