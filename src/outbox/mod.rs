//! The durable outbox worker: delivers committed messages to Slack, in order per lane, paced,
//! with retries and backoff; a restart picks up whatever is still pending.
mod combine;
mod deliver;
mod lanes;
mod queue;
mod record;
mod render;
mod supervise;

use crate::store::Db;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

pub use lanes::Lanes;
pub use render::Context;
pub use supervise::supervise;

use crate::clock::Clock;
use crate::config::OutboxSettings;
use crate::domain::outbox::{Content, Render};
use crate::slack::client::SlackClient;
use crate::store::Writes;
use deliver::{Outcome, deliver};
use queue::State;
use record::{claim, record};

/// How often the worker rereads every pending row, to pick up rows another replica claimed
/// and then abandoned.
const RESYNC: Duration = Duration::from_secs(60);
/// How often an idle worker looks for rows another process committed (`herobot digest --post`,
/// `herobot reportcard`, another replica): they cannot wake it.
const LOOK_AGAIN: Duration = Duration::from_secs(2);

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
    db: Db,
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
        db: Db,
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
