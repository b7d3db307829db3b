//! The worker's memory of pending rows: a queue per lane, which lanes are busy, and their pacing.
use crate::store::Db;
use std::collections::{HashMap, HashSet, VecDeque};

use super::Lanes;
use crate::config::OutboxSettings;
use crate::store::outbox::{self as store, Combinable};

/// Rows read from the table per query.
const PAGE: i64 = 2_000;

/// A pending message in the worker's memory: its ID and when it may next be tried.
#[derive(Debug, Clone, Copy)]
pub(super) struct Queued {
    pub(super) id: i64,
    pub(super) not_before_ms: i64,
    pub(super) combinable: Combinable,
}

/// The worker's memory of pending rows, by lane.
pub(super) struct State {
    pub(super) queues: HashMap<String, VecDeque<Queued>>,
    pub(super) last_id: i64,
    pub(super) busy: HashSet<String>,
    /// The lane of each delivery in flight, so a task that fails frees its own lane only.
    pub(super) in_flight: HashMap<tokio::task::Id, String>,
    pub(super) lanes: Lanes,
}

impl State {
    pub(super) fn new(settings: &OutboxSettings) -> Self {
        Self {
            queues: HashMap::new(),
            last_id: 0,
            busy: HashSet::new(),
            in_flight: HashMap::new(),
            lanes: Lanes::new(settings.lane_burst, settings.lane_interval),
        }
    }

    /// Reads rows added since the last read.
    pub(super) async fn load(&mut self, db: &Db) -> Result<(), sqlx::Error> {
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

    /// Forgets row `id` of `lane`: most often the lane's head, taken without walking a long
    /// backlog behind it.
    pub(super) fn remove(&mut self, lane: &str, id: i64) {
        if let Some(queue) = self.queues.get_mut(lane) {
            if queue.front().is_some_and(|q| q.id == id) {
                queue.pop_front();
            } else {
                queue.retain(|q| q.id != id);
            }
        }
    }
}
