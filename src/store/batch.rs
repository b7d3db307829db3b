//! Group commit: one writer gathers concurrent nominations into one transaction, so the cost of
//! a commit is shared by every request waiting for it.
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;
use sqlx::SqliteConnection;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::time::{Duration, Instant};

use super::outbox::Row;
use crate::clock::Clock;
use crate::domain::Nomination;
use crate::domain::outbox::Message;

/// Most submissions committed in one transaction.
const MAX_BATCH: usize = 100;

/// Where a nomination came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Command,
    Modal,
    Shortcut,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Self::Command => "command",
            Self::Modal => "modal",
            Self::Shortcut => "shortcut",
        }
    }
}

/// A nomination to store, with its idempotency key, its acknowledgement and its messages.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Unique per Slack request (`command:<timestamp>:<trigger_id>`); a second submission with
    /// the same key stores nothing and gets the first one's acknowledgement.
    pub key: String,
    /// The acknowledgement body, kept to answer replays the same way.
    pub ack: String,
    pub team_id: String,
    pub channel_id: Option<String>,
    pub source: Source,
    pub message_permalink: Option<String>,
    pub nomination: Nomination,
    pub messages: Vec<Message>,
}

/// What became of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Committed {
    /// Stored now, with this nomination ID.
    Stored(i64),
    /// Seen before: nothing stored; answer with the first acknowledgement.
    Replay(String),
}

/// Why a submission was not stored.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WriteError {
    /// The database stayed locked past the submission's deadline: nothing was stored.
    #[error("the database stayed locked past the deadline")]
    Busy,
    #[error("storing the nomination failed: {0}")]
    Failed(Arc<sqlx::Error>),
    #[error("the writer has stopped")]
    Stopped,
}

impl From<sqlx::Error> for WriteError {
    fn from(err: sqlx::Error) -> Self {
        if super::is_busy(&err) {
            Self::Busy
        } else {
            Self::Failed(Arc::new(err))
        }
    }
}

struct Job {
    submission: Submission,
    /// Not started after this, the submission is answered Busy rather than stored late.
    deadline: Instant,
    reply: oneshot::Sender<Result<Committed, WriteError>>,
}

/// The handle request handlers submit through. Cloning is cheap.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer on its own connection and its own thread, so that it never waits
    /// behind request handlers for a turn to run; it stops once every handle is dropped and the
    /// queue is drained. `committed` is notified after each commit that added outbox rows.
    pub fn spawn(
        conn: SqliteConnection,
        committed: Arc<Notify>,
        clock: Clock,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (jobs, queue) = mpsc::channel(4 * MAX_BATCH);
        let task = tokio::task::spawn_blocking(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("the writer's runtime starts")
                .block_on(run(conn, queue, committed, clock));
        });
        (Self { jobs }, task)
    }

    /// Stores a submission; returns once it is committed (or found to be a replay).
    /// Stores a submission; returns once it is committed (or found to be a replay), or, if the
    /// database stays locked, by about `budget` from now with nothing stored.
    pub async fn submit(
        &self,
        submission: Submission,
        budget: Duration,
    ) -> Result<Committed, WriteError> {
        let (reply, answer) = oneshot::channel();
        let deadline = Instant::now() + budget;
        self.jobs
            .send(Job {
                submission,
                deadline,
                reply,
            })
            .await
            .map_err(|_| WriteError::Stopped)?;
        answer.await.map_err(|_| WriteError::Stopped)?
    }
}

/// How much shorter than a batch's time left the busy timeout may be before it is set again.
const BUSY_SLACK_MS: u128 = 50;

/// How long a batch much smaller than the last one waits for the rest of its requests.
const LINGER: Duration = Duration::from_millis(1);

/// The next batch: whatever is waiting, and, when that is much less than the last batch (the
/// answers to the last batch are still on their way back as new requests), what arrives within
/// `LINGER`, up to the last batch's size. Without this, batches settle into a big one and a
/// lone straggler, each paying a whole commit. None once every handle is gone.
async fn next_batch(queue: &mut mpsc::Receiver<Job>, jobs: &mut Vec<Job>, last: usize) -> bool {
    if queue.recv_many(jobs, MAX_BATCH).await == 0 {
        return false;
    }
    if jobs.len() * 2 < last {
        let deadline = Instant::now() + LINGER;
        while jobs.len() < last {
            let more =
                tokio::time::timeout_at(deadline, queue.recv_many(jobs, MAX_BATCH - jobs.len()));
            if !matches!(more.await, Ok(n) if n > 0) {
                break;
            }
        }
    }
    true
}

async fn run(
    mut conn: SqliteConnection,
    mut queue: mpsc::Receiver<Job>,
    committed: Arc<Notify>,
    clock: Clock,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut last = 0;
    // The busy timeout set on the connection, changed only when a batch needs it shorter or it
    // is far off (a statement saved on most batches).
    let mut busy_ms: Option<u128> = None;
    while next_batch(&mut queue, &mut jobs, last).await {
        // A submission whose person has been waiting too long is answered, not stored late.
        let now = Instant::now();
        for job in jobs.extract_if(.., |job| job.deadline <= now) {
            let _ = job.reply.send(Err(WriteError::Busy));
        }
        let Some(earliest) = jobs.iter().map(|job| job.deadline).min() else {
            continue;
        };
        // Waiting for a lock another process holds ends by the earliest deadline in the batch.
        let wait = earliest
            .saturating_duration_since(now)
            .max(Duration::from_millis(10));
        let wait_ms = wait.as_millis();
        if busy_ms.is_none_or(|set| set > wait_ms || set + BUSY_SLACK_MS < wait_ms) {
            let set = sqlx::query(sqlx::AssertSqlSafe(format!(
                "pragma busy_timeout = {wait_ms}"
            )))
            .persistent(false)
            .execute(&mut conn)
            .await;
            busy_ms = set.is_ok().then_some(wait_ms);
        }
        last = jobs.len();
        let submissions: Vec<&Submission> = jobs.iter().map(|j| &j.submission).collect();
        let started = std::time::Instant::now();
        let outcome = commit(&mut conn, &submissions, clock.now_ms()).await;
        tracing::trace!(
            batch = jobs.len(),
            elapsed_us = started.elapsed().as_micros() as u64,
            "batch committed"
        );
        let results = match outcome {
            Ok(results) => results.into_iter().map(Ok).collect(),
            Err(err) if super::is_busy(&err) => {
                tracing::warn!(
                    batch = jobs.len(),
                    "the database stayed locked; the batch is answered busy"
                );
                jobs.iter().map(|_| Err(WriteError::Busy)).collect()
            }
            // One bad submission must not sink the others: retry them one at a time.
            Err(err) if jobs.len() > 1 => {
                tracing::warn!(error = %err, batch = jobs.len(), "batch commit failed; retrying one by one");
                let mut results = Vec::with_capacity(jobs.len());
                for s in &submissions {
                    results.push(
                        commit(&mut conn, &[s], clock.now_ms())
                            .await
                            .map(|mut r| r.remove(0))
                            .map_err(WriteError::from),
                    );
                }
                results
            }
            Err(err) => vec![Err(WriteError::from(err))],
        };
        let stored = results
            .iter()
            .filter(|r| matches!(r, Ok(Committed::Stored(_))))
            .count();
        crate::metrics::BATCHES_COMMITTED.add(1);
        crate::metrics::NOMINATIONS_STORED.add(stored as u64);
        if stored > 0 {
            committed.notify_one();
        }
        for (job, result) in jobs.drain(..).zip(results) {
            // The request may have gone away (client hung up); its data is committed regardless.
            let _ = job.reply.send(result);
        }
    }
}

/// Stores a batch in one `BEGIN IMMEDIATE` transaction (it reads before it writes), in two
/// round trips to SQLite's thread: the read, then one set-based insert per table (each fed a
/// JSON array) and the commit.
async fn commit(
    conn: &mut SqliteConnection,
    batch: &[&Submission],
    now_ms: i64,
) -> Result<Vec<Committed>, sqlx::Error> {
    let result = try_commit(conn, batch, now_ms).await;
    if result.is_err() {
        // Nothing of a failed batch may stay behind; a rollback outside a transaction is harmless.
        let _ = sqlx::query("rollback").execute(&mut *conn).await;
    }
    result
}

async fn try_commit(
    conn: &mut SqliteConnection,
    batch: &[&Submission],
    now_ms: i64,
) -> Result<Vec<Committed>, sqlx::Error> {
    let now = now_ms / 1000;
    let keys: Vec<&str> = batch.iter().map(|s| s.key.as_str()).collect();
    let (mut next_id, seen): (i64, String) = sqlx::query_as(
        "begin immediate;
         select (select coalesce(max(id), 0) + 1 from nominations),
                (select json_group_object(key, coalesce(response, '')) from slack_requests
                 where key in (select value from json_each(?1)))",
    )
    .bind(json!(keys).to_string())
    .fetch_one(&mut *conn)
    .await?;
    let mut seen: HashMap<String, String> = serde_json::from_str(&seen).unwrap_or_default();

    let mut results = Vec::with_capacity(batch.len());
    let mut stored: Vec<(&Submission, i64)> = Vec::new();
    for s in batch {
        if let Some(ack) = seen.get(&s.key) {
            results.push(Committed::Replay(ack.clone()));
            continue;
        }
        seen.insert(s.key.clone(), s.ack.clone());
        stored.push((s, next_id));
        results.push(Committed::Stored(next_id));
        next_id += 1;
    }
    if stored.is_empty() {
        sqlx::query("commit").execute(&mut *conn).await?;
        return Ok(results);
    }
    // Each table's rows go in as one JSON array of arrays, so the statement's text is the same
    // for every batch and stays prepared: preparing a text of hundreds of parameters anew for
    // each batch cost more than SQLite reading the arrays.
    let mut nominations = Vec::with_capacity(stored.len());
    let mut heroes = Vec::new();
    let mut tags = Vec::new();
    let mut requests = Vec::with_capacity(stored.len());
    let mut outbox = Vec::new();
    for (s, id) in &stored {
        let n = &s.nomination;
        nominations.push(json!([
            id,
            s.team_id,
            n.nominator.as_str(),
            n.category.map(|c| c.as_str()),
            n.customer_kind.map(|k| k.as_str()),
            n.reason.as_str(),
            s.channel_id,
            s.source.as_str(),
            s.message_permalink,
            now
        ]));
        for (position, hero) in n.heroes.iter().enumerate() {
            heroes.push(json!([id, hero.as_str(), position]));
        }
        for tag in &n.tags {
            tags.push(json!([id, tag.as_str()]));
        }
        requests.push(json!([s.key, s.ack, now]));
        for m in &s.messages {
            let row = Row::of(m);
            let subject = row.render.map(|_| *id);
            outbox.push(json!([
                row.method,
                row.lane,
                row.url,
                row.payload,
                row.render,
                row.recipient,
                row.channel,
                subject,
                now_ms,
                now
            ]));
        }
    }
    sqlx::query(INSERT_AND_COMMIT)
        .bind(serde_json::Value::Array(nominations).to_string())
        .bind(serde_json::Value::Array(heroes).to_string())
        .bind(serde_json::Value::Array(tags).to_string())
        .bind(serde_json::Value::Array(requests).to_string())
        .bind(serde_json::Value::Array(outbox).to_string())
        .execute(&mut *conn)
        .await?;
    Ok(results)
}

/// The inserts of a batch, each from a JSON array of rows (nominations, heroes, tags, request
/// keys, outbox messages, in this order, each row an array in column order), then the commit.
/// Each statement takes one unnumbered parameter: sqlx binds a multi-statement text's
/// parameters in order, and a numbered one past a statement's first (`?4` alone) goes unbound.
const INSERT_AND_COMMIT: &str = concat!(
    "insert into nominations (id, team_id, nominator_id, category, customer_kind, reason, channel_id, source,
                              message_permalink, created_at)
     select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
            value->>8, value->>9 from json_each(?);
     insert into nomination_heroes (nomination_id, hero_id, position)
     select value->>0, value->>1, value->>2 from json_each(?);
     insert into nomination_tags (nomination_id, tag) select value->>0, value->>1 from json_each(?);
     insert into slack_requests (key, response, created_at)
     select value->>0, value->>1, value->>2 from json_each(?);
     insert into outbox (",
    "method, lane, url, payload, render, recipient, channel, subject_id, next_attempt_at_ms, created_at",
    ")
     select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
            value->>8, value->>9 from json_each(?);
     commit;"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_batch_insert_names_the_outbox_columns_in_their_order() {
        assert!(INSERT_AND_COMMIT.contains(&format!(
            "insert into outbox ({})",
            super::super::outbox::COLUMNS
        )));
    }
}
